/**
 * PaperChat inside LangChain pipelines: its retrieval as a `BaseRetriever` (question analysis,
 * hybrid search, citation hops), returning `Document`s whose metadata carry the passage id, the
 * paper, section, page and the paper's own reference numbers; and its embedder (offline LSA or
 * OpenAI) as LangChain `Embeddings`.
 */
import { Document } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import { BaseRetriever } from '@langchain/core/retrievers';
import type { Embedder } from '../../lib/types.ts';
import type { Library } from './library.ts';

export interface PassageMetadata {
  passageId: string;
  docId: string;
  docTitle: string;
  section: string;
  page?: number;
  kind: string;
  /** The paper's own reference numbers the passage cites. */
  refs: number[];
  score: number;
}

export class PaperChatRetriever extends BaseRetriever<PassageMetadata> {
  lc_namespace = ['paperchat', 'retrievers'];

  constructor(
    private readonly library: Library,
    private readonly limit = 6,
  ) {
    super();
  }

  async _getRelevantDocuments(query: string): Promise<Document<PassageMetadata>[]> {
    const passages = await this.library.retriever.retrieve(this.library.analyze(query), { limit: this.limit, depth: 60 });
    return passages.map(
      ({ chunk, score }) =>
        new Document<PassageMetadata>({
          pageContent: chunk.text,
          metadata: { passageId: chunk.id, docId: chunk.docId, docTitle: chunk.docTitle, section: chunk.section, ...(chunk.page !== undefined ? { page: chunk.page } : {}), kind: chunk.kind, refs: chunk.refs, score },
        }),
    );
  }
}

export class PaperChatEmbeddings extends Embeddings {
  constructor(private readonly embedder: Embedder) {
    super({});
  }

  embedDocuments(texts: string[]): Promise<number[][]> {
    return this.embedder.embedDocuments(texts);
  }

  embedQuery(text: string): Promise<number[]> {
    return this.embedder.embedQuery(text);
  }
}
