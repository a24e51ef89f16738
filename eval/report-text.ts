/** The console report: summary table, failing questions, comparison, threshold checks. */
import { METRIC_COLUMNS, formatDelta, formatValue } from './columns.ts';
import type { Comparison } from './compare.ts';
import type { MetricSet, QuestionResult, Summary } from './metrics.ts';
import { CATEGORIES } from './questions.ts';
import type { EvalRun } from './run.ts';
import type { ThresholdCheck } from './thresholds.ts';

/** Summary rows in a fixed order: overall first, then categories as FORMAT.md lists them. */
export function summaryRows(summary: Summary): { name: string; metrics: MetricSet }[] {
  return [
    { name: 'overall', metrics: summary.overall },
    ...CATEGORIES.flatMap((category) => {
      const metrics = summary.byCategory[category];
      return metrics ? [{ name: category, metrics }] : [];
    }),
  ];
}

export function formatSummaryTable(summary: Summary): string {
  const judged = summary.overall.judge !== undefined;
  const header = ['category', 'n', 'pass', ...METRIC_COLUMNS.map((column) => column.label), ...(judged ? ['judge ok'] : [])];
  const rows = summaryRows(summary).map(({ name, metrics }) => [
    name,
    String(metrics.questions),
    String(metrics.passed),
    ...METRIC_COLUMNS.map((column) => formatValue(column.get(metrics), column.unit)),
    ...(judged ? [metrics.judge ? `${metrics.judge.correct}/${metrics.questions}` : 'n/a'] : []),
  ]);
  return table([header, ...rows]);
}

/** Per paper: accuracy, declines and whether retrieval found the evidence in the top 6 (what the LLM sees). */
export function paperRows(summary: Summary): string[][] {
  const columns = METRIC_COLUMNS.filter((column) => ['answerAccuracy', 'recallAt6', 'abstentionCorrectRate', 'falseDeclineRate'].includes(column.key));
  const rows = Object.entries(summary.byPaper ?? {}).map(([doc, metrics]) => [doc, String(metrics.questions), String(metrics.passed), ...columns.map((column) => formatValue(column.get(metrics), column.unit))]);
  return [['paper', 'n', 'pass', ...columns.map((column) => column.label)], ...rows];
}

export function formatPaperTable(summary: Summary): string {
  return table(paperRows(summary));
}

/** Failing questions with what was wrong and the start of the answer. */
export function formatFailures(results: QuestionResult[]): string {
  const failing = results.filter((result) => !result.correct);
  if (failing.length === 0) return 'No failing questions.';
  const lines = [`Failing questions (${failing.length}):`];
  for (const result of failing) {
    lines.push(`  ${result.id} [${result.category}] ${result.question}`);
    lines.push(`      ${[...result.problems, ...retrievalNote(result)].join('; ')}`);
    if (result.answer && !result.abstained) lines.push(`      answer: ${clip(result.answer.replace(/\s+/g, ' '), 160)}`);
    if (result.judge) lines.push(`      judge: ${result.judge.verdict}${result.judge.reason ? ` (${clip(result.judge.reason, 100)})` : ''}`);
  }
  return lines.join('\n');
}

/** Whether retrieval found the evidence, for telling a search miss from a wrong choice. */
export function retrievalNote(result: QuestionResult): string[] {
  if (!result.retrieval) return [];
  return [result.retrieval.rank !== undefined ? `evidence retrieved at rank ${result.retrieval.rank}` : 'evidence not retrieved (top 10)'];
}

/** Answers that came with a notice: in LLM mode, usually a fallback to the offline answer. */
export function formatNotices(results: QuestionResult[]): string {
  const noticed = results.filter((result) => result.notice !== undefined);
  const counts = new Map<string, string[]>();
  for (const result of noticed) counts.set(result.notice!, [...(counts.get(result.notice!) ?? []), result.id]);
  return [`Answers with a notice (${noticed.length}):`, ...[...counts].map(([notice, ids]) => `  ${notice}: ${ids.join(', ')}`)].join('\n');
}

export function formatComparison(comparison: Comparison, previous: EvalRun): string {
  const lines = [`Compared with ${previous.meta.startedAt.slice(0, 10)} (${previous.meta.mode}):`];
  lines.push(`  newly passing (${comparison.newlyPassing.length}):`);
  for (const change of comparison.newlyPassing) lines.push(`    + ${change.id} ${clip(change.question, 90)}`);
  lines.push(`  newly failing (${comparison.newlyFailing.length}):`);
  for (const change of comparison.newlyFailing) lines.push(`    - ${change.id} ${clip(change.question, 90)}: ${change.problems.join('; ')}`);
  if (comparison.added.length > 0) lines.push(`  new questions: ${comparison.added.join(', ')}`);
  if (comparison.removed.length > 0) lines.push(`  questions no longer in the set: ${comparison.removed.join(', ')}`);
  const rows = comparison.metrics.map(({ column, before, after, delta }) => {
    const worse = delta !== undefined && delta !== 0 && (column.better === 'higher' ? delta < 0 : delta > 0);
    return [
      column.key,
      formatValue(before, column.unit),
      formatValue(after, column.unit),
      delta === undefined ? 'n/a' : `${formatDelta(delta, column.unit)}${worse ? ' (worse)' : ''}`,
    ];
  });
  lines.push(indent(table([['metric', 'before', 'after', 'change'], ...rows]), '  '));
  return lines.join('\n');
}

export function formatThresholdChecks(checks: ThresholdCheck[]): string {
  const failed = checks.filter((check) => !check.passed);
  if (failed.length === 0) return `Thresholds: all ${checks.length} met.`;
  return [`Thresholds: ${failed.length} of ${checks.length} not met:`, ...failed.map((check) => `  ${check.message}`)].join('\n');
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')).join('\n');
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
