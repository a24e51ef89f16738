/**
 * The document's typography, measured from its lines: the body text size, each page's body
 * font, and the usual line spacing. Headings, captions and footnotes are told from the body
 * by how they differ from these.
 */
import type { Line } from './layout.ts';

export interface Typography {
  /** The size most characters are set in. */
  bodySize: number;
  /** Per page: the font most body-size characters use (font names are per page in some PDFs). */
  bodyFont: Map<number, string>;
  /** The usual distance between baselines of body lines. */
  leading: number;
}

export function measureTypography(lines: Line[]): Typography {
  const sizes = new Map<string, number>();
  for (const line of lines) {
    for (const segment of line.segments) {
      for (const run of segment.runs) {
        if (run.script !== 'base') continue;
        const key = run.size.toFixed(1);
        sizes.set(key, (sizes.get(key) ?? 0) + run.text.trim().length);
      }
    }
  }
  const bodySize = Number(top(sizes) ?? 10);
  const fonts = new Map<number, Map<string, number>>();
  for (const line of lines) {
    const counts = fonts.get(line.page) ?? new Map<string, number>();
    for (const segment of line.segments) {
      for (const run of segment.runs) {
        if (run.script === 'base' && isBodySize(run.size, bodySize)) counts.set(run.font, (counts.get(run.font) ?? 0) + run.text.trim().length);
      }
    }
    fonts.set(line.page, counts);
  }
  const bodyFont = new Map<number, string>();
  for (const [page, counts] of fonts) {
    const font = top(counts);
    if (font) bodyFont.set(page, font);
  }
  return { bodySize, bodyFont, leading: measureLeading(lines, bodySize) };
}

/** Within 8 % of the body size. */
export function isBodySize(size: number, bodySize: number): boolean {
  return Math.abs(size - bodySize) <= 0.08 * bodySize;
}

function measureLeading(lines: Line[], bodySize: number): number {
  const gaps = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    const previous = lines[i - 1]!;
    const line = lines[i]!;
    if (previous.page !== line.page || previous.columnX0 !== line.columnX0) continue;
    if (!isBodySize(previous.size, bodySize) || !isBodySize(line.size, bodySize)) continue;
    const gap = line.y - previous.y;
    if (gap > 0.8 * bodySize && gap < 3 * bodySize) {
      const key = gap.toFixed(1);
      gaps.set(key, (gaps.get(key) ?? 0) + 1);
    }
  }
  return Number(top(gaps) ?? (1.2 * bodySize).toFixed(1));
}

function top(counts: Map<string, number>): string | undefined {
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}
