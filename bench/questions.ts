/**
 * The questions the bench asks: eval/questions.jsonl (never the holdout set), read with the
 * eval suite's own validating loader so both tools see the same questions.
 */
import { join } from 'node:path';
import { loadQuestions as loadQuestionSet, type EvalQuestion } from '../eval/questions.ts';

export type { EvalQuestion };

export function loadQuestions(repo: string): Promise<EvalQuestion[]> {
  return loadQuestionSet(join(repo, 'eval', 'questions.jsonl'));
}
