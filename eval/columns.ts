/**
 * The metrics as reports show them: one list, so the console table, the HTML report and
 * `--compare` name, order and format them the same way.
 */
import type { MetricSet } from './metrics.ts';

export interface MetricColumn {
  key: string;
  /** Short header for tables. */
  label: string;
  /** Full name for cards and charts. */
  name: string;
  get: (metrics: MetricSet) => number | undefined;
  unit: 'rate' | 'ms';
  /** Which way is better, for marking changes. */
  better: 'higher' | 'lower';
}

export const METRIC_COLUMNS: MetricColumn[] = [
  { key: 'answerAccuracy', name: 'answer accuracy', label: 'acc', get: (m) => m.answerAccuracy, unit: 'rate', better: 'higher' },
  { key: 'partialCredit', name: 'partial credit', label: 'partial', get: (m) => m.partialCredit, unit: 'rate', better: 'higher' },
  { key: 'citationRecall', name: 'citation recall', label: 'cit.R', get: (m) => m.citationRecall, unit: 'rate', better: 'higher' },
  { key: 'citationPrecision', name: 'citation precision', label: 'cit.P', get: (m) => m.citationPrecision, unit: 'rate', better: 'higher' },
  { key: 'goldReferenceRecall', name: 'gold reference recall', label: 'refs', get: (m) => m.goldReferenceRecall, unit: 'rate', better: 'higher' },
  { key: 'recallAt1', name: 'retrieval recall@1', label: 'R@1', get: (m) => m.retrieval?.recallAt1, unit: 'rate', better: 'higher' },
  { key: 'recallAt5', name: 'retrieval recall@5', label: 'R@5', get: (m) => m.retrieval?.recallAt5, unit: 'rate', better: 'higher' },
  { key: 'recallAt6', name: 'retrieval recall@6', label: 'R@6', get: (m) => m.retrieval?.recallAt6, unit: 'rate', better: 'higher' },
  { key: 'recallAt10', name: 'retrieval recall@10', label: 'R@10', get: (m) => m.retrieval?.recallAt10, unit: 'rate', better: 'higher' },
  { key: 'mrr', name: 'retrieval MRR', label: 'MRR', get: (m) => m.retrieval?.mrr, unit: 'rate', better: 'higher' },
  { key: 'abstentionCorrectRate', name: 'unanswerable declined', label: 'declined', get: (m) => m.abstentionCorrectRate, unit: 'rate', better: 'higher' },
  { key: 'falseDeclineRate', name: 'answerable declined', label: 'false-decl', get: (m) => m.falseDeclineRate, unit: 'rate', better: 'lower' },
  { key: 'latencyP50', name: 'latency p50 (ms)', label: 'p50 ms', get: (m) => m.latencyMs.p50, unit: 'ms', better: 'lower' },
  { key: 'latencyP95', name: 'latency p95 (ms)', label: 'p95 ms', get: (m) => m.latencyMs.p95, unit: 'ms', better: 'lower' },
];

/** "0.812" for rates, "43" for milliseconds, "n/a" when not measured. */
export function formatValue(value: number | undefined, unit: MetricColumn['unit']): string {
  if (value === undefined) return 'n/a';
  return unit === 'rate' ? value.toFixed(3) : value.toFixed(0);
}

/** "+0.031" / "-12" with the unit's precision. */
export function formatDelta(delta: number, unit: MetricColumn['unit']): string {
  const text = unit === 'rate' ? Math.abs(delta).toFixed(3) : Math.abs(delta).toFixed(0);
  return `${delta < 0 ? '-' : '+'}${text}`;
}
