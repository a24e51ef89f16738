/**
 * The regression gate: the full question set, offline, against a fresh index of the review.
 * Fails when a headline metric falls below its minimum in eval/thresholds.json (or a maximum
 * is exceeded), naming the metric and the gap. Raise thresholds as answers improve; never lower
 * them to let a change pass (eval/README.md).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadQuestions } from '../../eval/questions.ts';
import { runEval } from '../../eval/run.ts';
import { libraryTarget } from '../../eval/targets.ts';
import { HEADLINE, checkThresholds, loadThresholds } from '../../eval/thresholds.ts';
import { openLibrary } from '../../server/rag/setup.ts';
import { REPO, buildReviewIndex, type ReviewIndex } from '../support/fixtures.ts';

let review: ReviewIndex;

beforeAll(async () => {
  review = await buildReviewIndex();
});

afterAll(async () => {
  await review?.remove();
});

it('keeps every headline metric within eval/thresholds.json', async () => {
  const thresholds = await loadThresholds(join(REPO, 'eval', 'thresholds.json'));
  // Every headline metric is gated; a threshold file that forgets one gates nothing for it.
  expect(Object.keys({ ...thresholds.minimum, ...thresholds.maximum }).sort()).toEqual(Object.keys(HEADLINE).sort());

  const questions = await loadQuestions(join(REPO, 'eval', 'questions.jsonl'));
  const library = await openLibrary(review.config);
  const run = await runEval(questions, libraryTarget(library), { set: 'eval/questions.jsonl' });
  expect(run.meta.mode).toBe('offline');
  expect(run.summary.overall.errors).toBe(0);

  const checks = checkThresholds(run.summary.overall, thresholds, true);
  const failed = checks.filter((check) => !check.passed).map((check) => check.message);
  if (failed.length > 0) console.error(`eval gate: ${failed.length} metric(s) out of bounds:\n  ${failed.join('\n  ')}`);
  expect(failed).toEqual([]);
});
