/**
 * Version pruning after an ingest: the version the new one replaced survives (a server may
 * still be loading it), whatever the names' order.
 */
import { appendFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildIndex } from '../../ingest/build.ts';
import { currentVersion } from '../../lib/index-store.ts';
import { buildReviewIndex, type ReviewIndex } from '../support/fixtures.ts';

let review: ReviewIndex;

beforeAll(async () => {
  review = await buildReviewIndex();
});

afterAll(async () => {
  await review?.remove();
});

it('keeps the replaced version, not the one whose name sorts last', { timeout: 60_000 }, async () => {
  const replaced = (await currentVersion(review.indexDir))!;
  // Two versions made in the same second sort by their hashes: this one sorts after any real one.
  const stray = 'v-99991231T235959Z-ffffff';
  await mkdir(join(review.indexDir, stray));
  await appendFile(join(review.corpusDir, 'note.md'), '# Note\n\n## 1 Text\n\nAn added note.\n');
  const built = await buildIndex({ corpusDir: review.corpusDir, indexDir: review.indexDir, maxFileBytes: review.config.maxFileBytes, embedder: { kind: 'local' } });
  const versions = (await readdir(review.indexDir)).filter((name) => name.startsWith('v-')).sort();
  expect(versions).toEqual([replaced, built.version!].sort());
});
