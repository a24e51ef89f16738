/**
 * Runs a question set against a target: ask each question in turn (one at a time, so latency
 * is the latency of one user), look at what retrieval ranked, optionally ask the judge, score.
 */
import type { Judge } from './judge.ts';
import { scoreQuestion, summarize, type Observation, type QuestionResult, type Summary } from './metrics.ts';
import type { EvalQuestion } from './questions.ts';
import { RECALL_AT } from './retrieval.ts';
import type { AnswerTarget, RunMode } from './targets.ts';

/** Bump when the results file changes shape, so `--compare` can refuse what it cannot read. */
export const RESULTS_VERSION = 1;

export interface RunMeta {
  resultsVersion: number;
  /** The question set, as given. */
  set: string;
  mode: RunMode;
  target: Record<string, string>;
  judge?: string;
  startedAt: string;
  durationMs: number;
  questions: number;
}

/** A complete run: what the results file holds. */
export interface EvalRun {
  meta: RunMeta;
  summary: Summary;
  results: QuestionResult[];
}

export interface RunOptions {
  /** Name of the question set, for the report. */
  set: string;
  judge?: Judge;
  /** Called after each question. */
  onProgress?: (done: number, total: number, result: QuestionResult) => void;
  /**
   * Ask the first question once, untimed, before the run (default true): the first answer pays
   * for lazy loading and JIT warm-up, which is not what a user of a running server waits for.
   */
  warmUp?: boolean;
}

export async function runEval(questions: EvalQuestion[], target: AnswerTarget, options: RunOptions): Promise<EvalRun> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const first = questions[0];
  if (first && options.warmUp !== false) await target.ask(first.question, first.history ?? []).catch(() => undefined);
  const results: QuestionResult[] = [];
  for (const question of questions) {
    const observation = await observe(question, target, options.judge);
    const result = scoreQuestion(question, observation);
    results.push(result);
    options.onProgress?.(results.length, questions.length, result);
  }
  return {
    meta: {
      resultsVersion: RESULTS_VERSION,
      set: options.set,
      mode: target.mode,
      target: target.description,
      ...(options.judge ? { judge: options.judge.model } : {}),
      startedAt,
      durationMs: Math.round(performance.now() - started),
      questions: questions.length,
    },
    summary: summarize(results),
    results,
  };
}

async function observe(question: EvalQuestion, target: AnswerTarget, judge: Judge | undefined): Promise<Observation> {
  const history = question.history ?? [];
  const before = performance.now();
  let observation: Observation;
  try {
    const { answer, latencyMs } = await target.ask(question.question, history);
    observation = { answer, latencyMs };
  } catch (error) {
    // One failed question should not lose the run; it is reported and counts as failed.
    return { error: (error instanceof Error ? error.message : String(error)).split('\n')[0]!, latencyMs: performance.now() - before };
  }
  if (target.retrieve && question.answerable && question.evidence.trim()) {
    observation.passages = await target.retrieve(question.question, history, Math.max(...RECALL_AT));
  }
  if (judge && observation.answer) {
    observation.judge = await judge.grade({ question: question.question, answerable: question.answerable, facts: question.facts, answer: observation.answer.answer });
  }
  return observation;
}
