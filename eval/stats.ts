/** Small statistics over lists of numbers; every function returns undefined for no data. */

export function mean(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * The p-th percentile (0 ≤ p ≤ 100), interpolating linearly between the closest ranks (the
 * default of NumPy and spreadsheets), so p50 of [1, 2, 3, 4] is 2.5.
 */
export function percentile(values: number[], p: number): number | undefined {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be within 0..100, got ${p}`);
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const position = ((sorted.length - 1) * p) / 100;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

export interface Bin {
  from: number;
  to: number;
  count: number;
  /** The last bin also holds every value above `to` (outliers beyond the cap). */
  overflow?: boolean;
}

/**
 * Counts per bin for a histogram: `count` equal bins from the minimum to the maximum, or to
 * `cap` when given and lower, so that one slow outlier does not squash every other bar.
 */
export function histogram(values: number[], count: number, cap?: number): Bin[] {
  if (values.length === 0 || count < 1) return [];
  const low = Math.min(...values);
  const max = Math.max(...values);
  const high = cap !== undefined && cap > low && cap < max ? cap : max;
  const width = high > low ? (high - low) / count : 1;
  const bins: Bin[] = Array.from({ length: count }, (_, i) => ({ from: low + i * width, to: low + (i + 1) * width, count: 0 }));
  if (high < max) bins[count - 1]!.overflow = true;
  for (const value of values) bins[Math.min(count - 1, Math.floor((value - low) / width))]!.count += 1;
  return bins;
}
