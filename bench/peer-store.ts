/**
 * An in-memory vector store on LangChain's `VectorStore` base class. LangChain JS 1.x moved
 * `MemoryVectorStore` out of `langchain` into `@langchain/classic` (not installed here), so
 * this is its trivial equivalent: every vector kept, cosine similarity against all of them,
 * the best `k` returned — what `MemoryVectorStore.similaritySearchVectorWithScore` does.
 */
import type { DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { VectorStore } from '@langchain/core/vectorstores';

interface StoredVector {
  vector: Float32Array;
  norm: number;
  document: DocumentInterface;
}

export class InMemoryVectorStore extends VectorStore {
  declare FilterType: (document: DocumentInterface) => boolean;
  private readonly stored: StoredVector[] = [];

  constructor(embeddings: EmbeddingsInterface) {
    super(embeddings, {});
  }

  _vectorstoreType(): string {
    return 'memory';
  }

  async addDocuments(documents: DocumentInterface[]): Promise<void> {
    await this.addVectors(await this.embeddings.embedDocuments(documents.map((document) => document.pageContent)), documents);
  }

  async addVectors(vectors: number[][], documents: DocumentInterface[]): Promise<void> {
    vectors.forEach((vector, i) => {
      const values = Float32Array.from(vector);
      this.stored.push({ vector: values, norm: norm(values), document: documents[i]! });
    });
  }

  async similaritySearchVectorWithScore(query: number[], k: number, filter?: this['FilterType']): Promise<[DocumentInterface, number][]> {
    const values = Float32Array.from(query);
    const queryNorm = norm(values) || 1;
    const scored: [DocumentInterface, number][] = [];
    for (const entry of this.stored) {
      if (filter && !filter(entry.document)) continue;
      let dot = 0;
      for (let d = 0; d < values.length; d++) dot += values[d]! * entry.vector[d]!;
      scored.push([entry.document, dot / (queryNorm * (entry.norm || 1))]);
    }
    return scored.sort((a, b) => b[1] - a[1]).slice(0, k);
  }

  static async fromDocuments(documents: DocumentInterface[], embeddings: EmbeddingsInterface): Promise<InMemoryVectorStore> {
    const store = new InMemoryVectorStore(embeddings);
    await store.addDocuments(documents);
    return store;
  }
}

function norm(vector: Float32Array): number {
  let sum = 0;
  for (const value of vector) sum += value * value;
  return Math.sqrt(sum);
}
