/**
 * PaperChat's retrieval and embedder inside a real LangChain chain over the review's index.
 */
import { RunnableLambda, RunnablePassthrough, RunnableSequence } from '@langchain/core/runnables';
import type { Document } from '@langchain/core/documents';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PaperChatEmbeddings, PaperChatRetriever, type PassageMetadata } from '../../../server/rag/langchain.ts';
import type { Library } from '../../../server/rag/library.ts';
import { openLibrary } from '../../../server/rag/setup.ts';
import { buildReviewIndex, type ReviewIndex } from '../../support/fixtures.ts';

let review: ReviewIndex;
let library: Library;

beforeAll(async () => {
  review = await buildReviewIndex();
  library = await openLibrary(review.config);
});

afterAll(async () => {
  await review?.remove();
});

it('retrieves passages with their paper, section and references as Documents inside a chain', async () => {
  const retriever = new PaperChatRetriever(library, 4);
  // The usual RAG shape: retrieve, then format the context beside the question for a prompt.
  const chain = RunnableSequence.from([
    { context: retriever.pipe(RunnableLambda.from((docs: Document<PassageMetadata>[]) => docs.map((doc, i) => `[${i + 1}] ${doc.pageContent}`).join('\n'))), question: new RunnablePassthrough() },
    RunnableLambda.from(({ context, question }: { context: string; question: string }) => `Question: ${question}\n${context}`),
  ]);
  const prompt = await chain.invoke('Which journal published the KEYNOTE-811 trial?');
  expect(prompt).toMatch(/^Question: Which journal published the KEYNOTE-811 trial\?\n\[1\] /);
  expect(prompt).toMatch(/KEYNOTE-811/);

  const docs = await retriever.invoke('How much did T-DXd improve overall survival compared with chemotherapy?');
  expect(docs).toHaveLength(4);
  for (const doc of docs) {
    expect(library.index.chunkById.get(doc.metadata.passageId)?.text).toBe(doc.pageContent);
    expect(doc.metadata).toMatchObject({ docId: 'her2-gastric-cancer-review', section: expect.any(String), refs: expect.any(Array) });
  }
  expect(docs.some((doc) => doc.pageContent.includes('12.5 months'))).toBe(true);
});

it('embeds with the index\'s own embedder as LangChain Embeddings', async () => {
  const embeddings = new PaperChatEmbeddings(library.embedder);
  const [query, documents] = await Promise.all([embeddings.embedQuery('overall survival of T-DXd'), embeddings.embedDocuments(['T-DXd prolonged overall survival', 'Lysosomes are acidic'])]);
  expect(query).toHaveLength(library.embedder.dimensions);
  const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0) / (Math.hypot(...a) * Math.hypot(...b));
  expect(cosine(query, documents[0]!)).toBeGreaterThan(cosine(query, documents[1]!));
});
