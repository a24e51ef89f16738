/**
 * The engine's hot reload converges on the newest index: a change announced while a reload is
 * in flight is loaded after it, not merged into it and lost.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { appendFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildIndex } from '../../ingest/build.ts';
import { currentVersion } from '../../lib/index-store.ts';
import { Engine } from '../../server/engine.ts';
import { buildReviewIndex, type ReviewIndex } from '../support/fixtures.ts';

let review: ReviewIndex;

beforeAll(async () => {
  review = await buildReviewIndex();
});

afterAll(async () => {
  await review?.remove();
});

/** The same, at once: from inside the reload's own callback, before it goes on. */
function pointNow(indexDir: string, version: string): void {
  writeFileSync(join(indexDir, '.CURRENT-test'), `${version}\n`);
  renameSync(join(indexDir, '.CURRENT-test'), join(indexDir, 'CURRENT'));
}

/** Points CURRENT at a version, atomically, as an ingest does. */
async function point(indexDir: string, version: string): Promise<void> {
  await writeFile(join(indexDir, '.CURRENT-test'), `${version}\n`);
  await rename(join(indexDir, '.CURRENT-test'), join(indexDir, 'CURRENT'));
}

it('loads the newest index when it is announced while a reload is in flight', { timeout: 60_000 }, async () => {
  const build = () => buildIndex({ corpusDir: review.corpusDir, indexDir: review.indexDir, maxFileBytes: review.config.maxFileBytes, embedder: { kind: 'local' } });
  const loaded: string[] = [];
  let announceNewer: (() => void) | undefined;
  const errors: string[] = [];
  const engine = await Engine.open(review.config, {
    onReloadError: (error) => errors.push(error.message),
    onReload: (version) => {
      loaded.push(version);
      // While this reload is still in flight, the next version becomes current and is announced.
      const announce = announceNewer;
      announceNewer = undefined;
      announce?.();
    },
  }, undefined);
  try {
    await appendFile(join(review.corpusDir, 'note-a.md'), '# Note A\n\n## 1 Text\n\nThe first added note.\n');
    const second = (await build()).version!;
    await appendFile(join(review.corpusDir, 'note-b.md'), '# Note B\n\n## 1 Text\n\nThe second added note.\n');
    const third = (await build()).version!;
    await point(review.indexDir, second);
    announceNewer = () => {
      pointNow(review.indexDir, third);
      void engine.reload();
    };
    await engine.reload();
    expect(errors).toEqual([]);
    expect(loaded).toEqual([second, third]);
    expect(engine.library.index.version).toBe(await currentVersion(review.indexDir));
  } finally {
    engine.close();
  }
});
