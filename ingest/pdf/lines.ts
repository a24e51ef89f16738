/**
 * Text items → visual lines. Items on one baseline form a row; small raised or lowered items
 * right next to a row's text are its superscripts and subscripts (citation numbers,
 * exponents, affiliations); a row is cut into segments where a wide gap separates its items
 * (two columns, or the cells of a table).
 */
import type { PdfItem } from './read.ts';

export type Script = 'base' | 'super' | 'sub';

/** A piece of a line in one font and size. */
export interface Run {
  text: string;
  x0: number;
  x1: number;
  size: number;
  font: string;
  script: Script;
}

/** A horizontal stretch of text on one baseline, with no wide gap inside. */
export interface Segment {
  page: number;
  /** Baseline, down from the page top. */
  y: number;
  x0: number;
  x1: number;
  /** The size and font most of its characters have (superscripts excluded). */
  size: number;
  font: string;
  runs: Run[];
}

/** Gaps wider than this many ems separate segments. */
const SEGMENT_GAP_EM = 0.9;
/** Gaps wider than this many ems are a space between words. */
const SPACE_GAP_EM = 0.12;

export function segmentsOf(page: number, items: PdfItem[]): Segment[] {
  const kept = items.filter((item) => !TEXT_RULE.test(item.text)).map((item) => (TRACKED.test(item.text) ? { ...item, text: item.text.replace(/ (?=\S)/g, '') } : item));
  const rows = attachScripts(rowsOf(withoutOverprints(kept)));
  return rows.flatMap((row) => splitRow(page, row));
}

/** Letter-spaced small capitals written with a space after every letter ("D E M E N T I A"), one word per item. */
const TRACKED = /^(?:\S ){3,}\S$/;
/** A rule or leader drawn with characters (a table's dotted lines, a contents page's dots): not text. */
const TEXT_RULE = /^\s*[.·…_]{4,}[\s.·…_]*$/;

/**
 * Text drawn over other text is not read twice: the same string at the same place (fake
 * bold), and clipped copies of the page inside figure graphics, which overlap the real text
 * in another font or size. Of two overlapping items, the one in the page's main style stays.
 */
function withoutOverprints(items: PdfItem[]): PdfItem[] {
  const style = (item: PdfItem) => `${item.font}|${item.size.toFixed(1)}`;
  const weight = new Map<string, number>();
  for (const item of items) weight.set(style(item), (weight.get(style(item)) ?? 0) + item.text.length);
  const main = [...weight.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const boxes = items.map((item, i) => ({ item, i, x0: item.x, x1: item.x + item.width, y0: item.y - 0.75 * item.size, y1: item.y + 0.2 * item.size }));
  const sorted = [...boxes].sort((a, b) => a.y0 - b.y0);
  const dropped = new Set<number>();
  for (let a = 0; a < sorted.length; a++) {
    const first = sorted[a]!;
    if (dropped.has(first.i) || first.item.text.trim().length === 0) continue;
    for (let b = a + 1; b < sorted.length && sorted[b]!.y0 < first.y1; b++) {
      const second = sorted[b]!;
      if (dropped.has(second.i) || second.item.text.trim().length === 0) continue;
      const width = Math.min(first.x1, second.x1) - Math.max(first.x0, second.x0);
      const height = Math.min(first.y1, second.y1) - Math.max(first.y0, second.y0);
      if (width <= 0 || height <= 0) continue;
      const smaller = Math.min((first.x1 - first.x0) * (first.y1 - first.y0), (second.x1 - second.x0) * (second.y1 - second.y0));
      const same = first.item.text === second.item.text && Math.abs(first.item.x - second.item.x) < 1.5 && Math.abs(first.item.y - second.item.y) < 1.5;
      if (!same && width * height < 0.4 * smaller) continue;
      const loser = same || style(first.item) === main || style(second.item) !== main ? second : first;
      dropped.add(loser.i);
      if (loser === first) break;
    }
  }
  return items.filter((_, i) => !dropped.has(i));
}

interface PlacedItem extends PdfItem {
  script: Script;
}

interface Row {
  y: number;
  size: number;
  items: PlacedItem[];
}

/** Items grouped by baseline (within a fifth of an em). */
function rowsOf(items: PdfItem[]): Row[] {
  const sorted = [...items].filter((item) => item.text.trim().length > 0 || item.width > 0).sort((a, b) => a.y - b.y || a.x - b.x);
  const rows: Row[] = [];
  for (const item of sorted) {
    const row = rows.findLast((candidate) => Math.abs(candidate.y - item.y) <= 0.2 * Math.min(candidate.size, item.size) && item.y - candidate.y < 2);
    if (row) {
      row.items.push({ ...item, script: 'base' });
      row.size = Math.max(row.size, item.size);
    } else {
      rows.push({ y: item.y, size: item.size, items: [{ ...item, script: 'base' }] });
    }
  }
  return rows;
}

/**
 * Moves small items that sit raised (or lowered) right beside a larger row's text into that
 * row, marked as superscript (or subscript).
 */
function attachScripts(rows: Row[]): Row[] {
  for (const row of rows) {
    const kept: PlacedItem[] = [];
    for (const item of row.items) {
      const host = hostRow(item, rows, row);
      if (host) host.items.push({ ...item, script: item.y < host.y ? 'super' : 'sub' });
      else kept.push(item);
    }
    row.items = kept;
  }
  return rows.filter((row) => row.items.length > 0);
}

function hostRow(item: PdfItem, rows: Row[], own: Row): Row | undefined {
  if (item.text.trim().length === 0) return undefined;
  for (const row of rows) {
    if (row === own || item.size > 0.86 * row.size) continue;
    const rise = row.y - item.y;
    const raised = rise > 0.12 * row.size && rise < 0.75 * row.size;
    const lowered = -rise > 0.08 * row.size && -rise < 0.45 * row.size;
    if (!raised && !lowered) continue;
    const touching = row.items.some((other) => other.script === 'base' && other.size > 0.86 * row.size && item.x >= other.x - 0.6 * row.size && item.x <= other.x + other.width + 0.6 * row.size);
    if (touching) return row;
  }
  return undefined;
}

/** A row cut into segments at wide gaps. */
function splitRow(page: number, row: Row): Segment[] {
  const items = [...row.items].sort((a, b) => a.x - b.x);
  const baseSize = dominant(items.filter((item) => item.script === 'base'), (item) => item.size.toFixed(1)) ?? row.size.toFixed(1);
  const em = Number(baseSize);
  const groups: PlacedItem[][] = [];
  let end = -Infinity;
  for (const item of items) {
    const gap = item.x - end;
    if (groups.length === 0 || (gap > SEGMENT_GAP_EM * em && item.text.trim().length > 0)) groups.push([]);
    groups[groups.length - 1]!.push(item);
    // pdf.js reports a wide gap as a whitespace item spanning it: that is not text reaching across.
    if (item.text.trim().length > 0) end = Math.max(end, item.x + item.width);
  }
  return groups
    .map((group) => segmentOf(page, row.y, group, em))
    .filter((segment) => segment.runs.some((run) => run.text.trim().length > 0));
}

function segmentOf(page: number, y: number, items: PlacedItem[], em: number): Segment {
  const runs: Run[] = [];
  let end = -Infinity;
  for (const item of items) {
    const previous = runs[runs.length - 1];
    const gap = item.x - end;
    const spaced = gap > SPACE_GAP_EM * em && previous !== undefined && !/\s$/.test(previous.text) && !/^\s/.test(item.text);
    const text = spaced ? ` ${item.text}` : item.text;
    if (previous && previous.font === item.font && previous.script === item.script && Math.abs(previous.size - item.size) < 0.3) {
      previous.text += text;
      previous.x1 = Math.max(previous.x1, item.x + item.width);
    } else {
      runs.push({ text, x0: item.x, x1: item.x + item.width, size: item.size, font: item.font, script: item.script });
    }
    end = Math.max(end, item.x + item.width);
  }
  const base = runs.filter((run) => run.script === 'base');
  const weighted = base.length > 0 ? base : runs;
  return {
    page,
    y,
    x0: Math.min(...runs.map((run) => run.x0)),
    x1: Math.max(...runs.map((run) => run.x1)),
    size: Number(dominantWeighted(weighted, (run) => run.size.toFixed(1))),
    font: dominantWeighted(weighted, (run) => run.font),
    runs,
  };
}

/** The plain text of a segment's runs. */
export function segmentText(segment: Segment): string {
  return segment.runs.map((run) => run.text).join('').replace(/\s+/g, ' ').trim();
}

function dominant<T>(values: T[], key: (value: T) => string): string | undefined {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(key(value), (counts.get(key(value)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** The key most characters share. */
function dominantWeighted(runs: Run[], key: (run: Run) => string): string {
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(key(run), (counts.get(key(run)) ?? 0) + run.text.trim().length + 0.01);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}
