/**
 * A question's scope (docIds) over a real two-paper index: retrieval keeps to the chosen papers
 * inside both rankings, before candidates are cut (a short paper is not crowded out by a long
 * one), answers cite only them, and the MCP search uses the same mechanism.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../ingest/build.ts';
import { ask, createAnswerer } from '../../server/rag/answer.ts';
import type { Library } from '../../server/rag/library.ts';
import { openLibrary } from '../../server/rag/setup.ts';
import { buildReviewIndex, type ReviewIndex } from '../support/fixtures.ts';

const REVIEW = 'her2-gastric-cancer-review';
const NOTES = 'zeta-trial-notes';

let review: ReviewIndex;
let library: Library;

beforeAll(async () => {
  review = await buildReviewIndex();
  await writeFile(
    join(review.corpusDir, `${NOTES}.md`),
    '# Notes on the ZETA trial\n\n## 1 Design\n\nThe ZETA trial enrolled 212 patients with HER2-positive gastric cancer across nine centres.\n\n## 2 Results\n\nIn the ZETA trial, trastuzumab with chemotherapy gave a median overall survival of 14.2 months.\n',
  );
  await buildIndex({ corpusDir: review.corpusDir, indexDir: review.indexDir, maxFileBytes: review.config.maxFileBytes, embedder: { kind: 'local' } });
  library = await openLibrary(review.config);
});

afterAll(async () => {
  await review?.remove();
});

describe('retrieval scoped to some papers', () => {
  it('applies the scope before the cut: the short paper is found even when the long one fills every slot', async () => {
    const question = library.analyze('pembrolizumab KEYNOTE-811 chemotherapy');
    const unscoped = await library.retriever.retrieve(question, { limit: 3, depth: 3 });
    // Without a scope the review takes every candidate slot (the notes share one word of the
    // question, whatever the fitted paper weights): filtering these afterwards would leave nothing.
    expect(unscoped.every((passage) => passage.chunk.docId === REVIEW)).toBe(true);
    const scoped = await library.retriever.retrieve(question, { limit: 3, depth: 3, docIds: new Set([NOTES]) });
    expect(scoped.length).toBeGreaterThan(0);
    expect(scoped.every((passage) => passage.chunk.docId === NOTES)).toBe(true);
  });

  it('answers only from the chosen papers', async () => {
    const answerer = createAnswerer({ library: () => library });
    const notes = await ask(answerer, 'How many patients did the ZETA trial enrol?', { docIds: [NOTES] });
    expect(notes.abstained).toBe(false);
    expect(notes.citations.map((citation) => citation.docId)).toEqual([NOTES]);
    // The review answers this one; asked of the notes alone, nothing from the review may be cited.
    const elsewhere = await ask(answerer, 'What did DESTINY-Gastric01 show?', { docIds: [NOTES] });
    expect(elsewhere.citations.filter((citation) => citation.docId !== NOTES)).toEqual([]);
    const review = await ask(answerer, 'What did DESTINY-Gastric01 show?', { docIds: [REVIEW] });
    expect(review.abstained).toBe(false);
    expect(new Set(review.citations.map((citation) => citation.docId))).toEqual(new Set([REVIEW]));
  });
});
