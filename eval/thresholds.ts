/**
 * The regression gate: headline metrics must stay at or above their minimums (at or below
 * their maximums). Thresholds only ever go up as the system improves; see eval/README.md.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from './errors.ts';
import type { MetricSet } from './metrics.ts';

/** The headline metrics and how to read each from a metric set. */
export const HEADLINE = {
  answerAccuracy: (metrics: MetricSet) => metrics.answerAccuracy,
  citationPrecision: (metrics: MetricSet) => metrics.citationPrecision,
  citationRecall: (metrics: MetricSet) => metrics.citationRecall,
  retrievalRecallAt5: (metrics: MetricSet) => metrics.retrieval?.recallAt5,
  abstentionCorrectRate: (metrics: MetricSet) => metrics.abstentionCorrectRate,
  falseDeclineRate: (metrics: MetricSet) => metrics.falseDeclineRate,
} as const;

export type HeadlineMetric = keyof typeof HEADLINE;

const rate = z.number().min(0).max(1);
const metricNames = Object.keys(HEADLINE) as [HeadlineMetric, ...HeadlineMetric[]];

const ThresholdsSchema = z.object({
  $comment: z.string().optional(),
  minimum: z.partialRecord(z.enum(metricNames), rate),
  maximum: z.partialRecord(z.enum(metricNames), rate),
});

export type Thresholds = z.infer<typeof ThresholdsSchema>;

export async function loadThresholds(file: string): Promise<Thresholds> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InputError(`eval: cannot read thresholds ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = ThresholdsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`eval: ${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

export interface ThresholdCheck {
  metric: HeadlineMetric;
  bound: 'minimum' | 'maximum';
  limit: number;
  /** Undefined when the run could not measure it (e.g. retrieval through a server). */
  actual?: number;
  passed: boolean;
  /** "answerAccuracy 0.412 is 0.038 below its minimum 0.450". */
  message: string;
}

/** Checks every threshold; unmeasured metrics fail only when `requireAll` is set. */
export function checkThresholds(metrics: MetricSet, thresholds: Thresholds, requireAll = false): ThresholdCheck[] {
  const checks: ThresholdCheck[] = [];
  for (const bound of ['minimum', 'maximum'] as const) {
    for (const [metric, limit] of Object.entries(thresholds[bound]) as [HeadlineMetric, number][]) {
      const actual = HEADLINE[metric](metrics);
      if (actual === undefined) {
        checks.push({ metric, bound, limit, passed: !requireAll, message: `${metric} was not measured in this run` });
        continue;
      }
      const passed = bound === 'minimum' ? actual >= limit - 1e-9 : actual <= limit + 1e-9;
      const gap = Math.abs(actual - limit);
      const message = passed
        ? `${metric} ${actual.toFixed(3)} meets its ${bound} ${limit.toFixed(3)}`
        : `${metric} ${actual.toFixed(3)} is ${gap.toFixed(3)} ${bound === 'minimum' ? 'below its minimum' : 'above its maximum'} ${limit.toFixed(3)}`;
      checks.push({ metric, bound, limit, actual, passed, message });
    }
  }
  return checks;
}
