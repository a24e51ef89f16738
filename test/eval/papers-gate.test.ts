/**
 * The generality gate: the multi-paper suite's dev split (everyday wording, ten real PDFs and
 * the review), offline, against a fresh index of its corpus, must stay within
 * eval/papers/thresholds.json. A clone without ../shared skips it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PAPERS_DIR, papersAvailable, papersLibrary } from '../../eval/papers.ts';
import { loadQuestions } from '../../eval/questions.ts';
import { runEval } from '../../eval/run.ts';
import { libraryTarget } from '../../eval/targets.ts';
import { checkThresholds, loadThresholds } from '../../eval/thresholds.ts';
import { tempDir } from '../support/fixtures.ts';

const available = papersAvailable();

describe.skipIf(!available.ok)('the multi-paper suite, dev split', () => {
  it('keeps every headline metric within eval/papers/thresholds.json', { timeout: 300_000 }, async () => {
    const dir = await tempDir();
    try {
      const library = await papersLibrary(dir.path);
      const run = await runEval(await loadQuestions(join(PAPERS_DIR, 'dev.jsonl')), libraryTarget(library), { set: 'eval/papers/dev.jsonl' });
      expect(run.summary.overall.errors).toBe(0);
      const failed = checkThresholds(run.summary.overall, await loadThresholds(join(PAPERS_DIR, 'thresholds.json')), true).filter((check) => !check.passed);
      expect(failed.map((check) => check.message)).toEqual([]);
    } finally {
      await dir.remove();
    }
  });
});

if (!available.ok) console.log(`papers-gate: skipped, ${available.reason}`);
