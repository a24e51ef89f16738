/**
 * `--compare previous.json`: what changed between two runs, question by question (newly
 * passing, newly failing) and metric by metric.
 */
import { METRIC_COLUMNS, type MetricColumn } from './columns.ts';
import type { EvalRun } from './run.ts';

export interface QuestionChange {
  id: string;
  question: string;
  /** The current problems (newly failing) or the former ones (newly passing). */
  problems: string[];
}

export interface MetricDelta {
  column: MetricColumn;
  before?: number;
  after?: number;
  delta?: number;
}

export interface Comparison {
  newlyPassing: QuestionChange[];
  newlyFailing: QuestionChange[];
  /** Question ids only in one of the runs (the set changed). */
  added: string[];
  removed: string[];
  metrics: MetricDelta[];
}

export function compareRuns(previous: EvalRun, current: EvalRun): Comparison {
  const before = new Map(previous.results.map((result) => [result.id, result]));
  const after = new Map(current.results.map((result) => [result.id, result]));
  const newlyPassing: QuestionChange[] = [];
  const newlyFailing: QuestionChange[] = [];
  for (const result of current.results) {
    const old = before.get(result.id);
    if (!old || old.correct === result.correct) continue;
    if (result.correct) newlyPassing.push({ id: result.id, question: result.question, problems: old.problems });
    else newlyFailing.push({ id: result.id, question: result.question, problems: result.problems });
  }
  const metrics = METRIC_COLUMNS.map((column) => {
    const was = column.get(previous.summary.overall);
    const now = column.get(current.summary.overall);
    return {
      column,
      ...(was !== undefined ? { before: was } : {}),
      ...(now !== undefined ? { after: now } : {}),
      ...(was !== undefined && now !== undefined ? { delta: now - was } : {}),
    };
  });
  return {
    newlyPassing,
    newlyFailing,
    added: current.results.filter((result) => !before.has(result.id)).map((result) => result.id),
    removed: previous.results.filter((result) => !after.has(result.id)).map((result) => result.id),
    metrics,
  };
}
