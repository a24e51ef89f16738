/**
 * Page layout: what is page furniture (running heads, footers, page numbers, stamps repeated
 * across pages), and the reading order of the rest. Columns and sidebars are found from the
 * whitespace between them: a gutter is an x position that many text lines end just before
 * and many start just after, and that few lines cross. A page is read band by band from the
 * top; inside a band that a gutter divides, the left side is read before the right, and each
 * side is divided again where it has gutters of its own (a sidebar beside two columns).
 */
import { segmentText, type Segment } from './lines.ts';

/** A visual line in reading order: one or more segments on one baseline in one column. */
export interface Line {
  page: number;
  y: number;
  x0: number;
  x1: number;
  size: number;
  font: string;
  /** Left to right; more than one when the line has wide gaps (table cells). */
  segments: Segment[];
  /** The left edge of the column the line was read in (for indents). */
  columnX0: number;
  columnX1: number;
}

/** Text repeated on this share of pages (at the same height) is furniture. */
const REPEATED_SHARE = 0.3;
/** Page edges (share of the page height) where page numbers and running heads live. */
const EDGE_SHARE = 0.09;

/**
 * Drops running heads, footers, page numbers and stamps; returns each page's remaining
 * segments, and the repeated lines once each (a running head often names the journal, year
 * and volume: worth keeping once as front matter).
 */
export function withoutFurniture(pages: { segments: Segment[]; height: number }[]): { pages: Segment[][]; repeated: string[] } {
  const counts = new Map<string, Set<number>>();
  pages.forEach((page, index) => {
    for (const segment of page.segments) {
      const key = furnitureKey(segment);
      if (!key) continue;
      const set = counts.get(key) ?? new Set<number>();
      set.add(index);
      counts.set(key, set);
    }
  });
  const minimum = Math.max(2, Math.ceil(REPEATED_SHARE * pages.length));
  const repeated = new Map<string, string>();
  const kept = pages.map((page) =>
    page.segments.filter((segment) => {
      const key = furnitureKey(segment);
      const repeats = key ? (counts.get(key)?.size ?? 0) : 0;
      // Running heads live at the page edges; elsewhere only text on most pages (a stamp) is furniture.
      const margin = segment.y < 0.12 * page.height || segment.y > 0.88 * page.height;
      if (pages.length > 1 && repeats >= minimum && (margin || repeats >= 0.6 * pages.length)) {
        if (!repeated.has(key!)) repeated.set(key!, segmentText(segment));
        return false;
      }
      const atEdge = segment.y < EDGE_SHARE * page.height || segment.y > (1 - EDGE_SHARE) * page.height;
      // Below the last two per cent of the page there is no text, only printers' stamps.
      const offPage = segment.y > 0.98 * page.height;
      return !offPage && !(atEdge && isPageNumber(segmentText(segment)));
    }),
  );
  return { pages: kept, repeated: [...repeated.values()] };
}

/**
 * Repeated text is compared with digits masked (page numbers change) and rounded to its
 * height on the page; words are kept, so body text never matches by accident.
 */
function furnitureKey(segment: Segment): string | undefined {
  const text = segmentText(segment).toLowerCase().replace(/\d+/g, '#').replace(/[\s|/.,:;–-]+$/g, '').replace(/\s+/g, ' ');
  // "Table 1" at the top of several pages is a caption each time, not a running head.
  if (text.replace(/[#\s]/g, '').length < 3 || /^(?:table|fig\.?|figure)\s*[a-z]?#/.test(text)) return undefined;
  return `${Math.round(segment.y / 12)}|${text}`;
}

function isPageNumber(text: string): boolean {
  return /^(?:page\s+)?\d{1,4}(?:\s*(?:of|\/)\s*\d{1,4})?$/i.test(text.trim()) || /^[-–]\s*\d{1,4}\s*[-–]$/.test(text.trim());
}

interface Region {
  x0: number;
  x1: number;
}

/**
 * Each page's segments as lines in reading order. A page with too little text to show its
 * columns (a figure and a few lines) takes a gutter that other pages of the document have,
 * when its lines respect it.
 */
export function readingOrders(pages: Segment[][]): Line[][] {
  const regions = pages.map(regionOf);
  const found = pages.map((segments, i) => (segments.length > 0 ? findGutter(segments, regions[i]!) : undefined));
  const known = found.filter((x): x is number => x !== undefined);
  return pages.map((segments, i) => {
    if (segments.length === 0) return [];
    const gutter = found[i] ?? known.find((x) => respects(segments, x));
    return order(segments, regions[i]!, 0, gutter);
  });
}

function regionOf(segments: Segment[]): Region {
  return segments.length === 0 ? { x0: 0, x1: 0 } : { x0: Math.min(...segments.map((s) => s.x0)), x1: Math.max(...segments.map((s) => s.x1)) };
}

/** Two rows have text on both sides of `x` (close to it), or one does and nothing crosses it. */
function respects(segments: Segment[], x: number): boolean {
  const rows = new Map<number, { before: boolean; after: boolean }>();
  let crossing = false;
  for (const segment of segments) {
    const key = Math.round(segment.y);
    const row = rows.get(key) ?? { before: false, after: false };
    if (segment.x0 < x - 1 && segment.x1 > x + 1) crossing = true;
    else if (segment.x1 <= x && segment.x1 >= x - 3 * segment.size) row.before = true;
    else if (segment.x0 >= x && segment.x0 <= x + 3 * segment.size) row.after = true;
    rows.set(key, row);
  }
  const both = [...rows.values()].filter((row) => row.before && row.after).length;
  return both >= 2 || (both === 1 && !crossing);
}

function order(segments: Segment[], region: Region, depth: number, given?: number): Line[] {
  const gutter = given ?? (depth > 0 && depth < 4 ? findGutter(segments, region) : undefined);
  if (gutter === undefined) return linesOf(segments, region);
  const lines: Line[] = [];
  for (const band of bands(segments, gutter)) {
    if (band.spanning) {
      lines.push(...linesOf(band.segments, region));
      continue;
    }
    // Sides by centre: a segment touching the gutter line is still on one side of it.
    const left = band.segments.filter((segment) => (segment.x0 + segment.x1) / 2 < gutter);
    const right = band.segments.filter((segment) => (segment.x0 + segment.x1) / 2 >= gutter);
    if (left.length > 0) lines.push(...order(left, { x0: region.x0, x1: gutter }, depth + 1));
    if (right.length > 0) lines.push(...order(right, { x0: gutter, x1: region.x1 }, depth + 1));
  }
  return lines;
}

/** Segments long enough to be running text (not table cells or labels). */
function isTextLike(segment: Segment, region: Region): boolean {
  return segment.x1 - segment.x0 >= 0.2 * (region.x1 - region.x0) && segmentText(segment).length >= 20;
}

/**
 * The x of the best gutter. A column starts where several text lines begin at the same x; it
 * is a gutter when other text lines end within a few ems to its left and fewer lines run
 * across it (a full-width abstract or title may). Undefined when no position qualifies.
 */
function findGutter(segments: Segment[], region: Region): number | undefined {
  const text = segments.filter((segment) => isTextLike(segment, region));
  if (text.length < 6) return undefined;
  const width = region.x1 - region.x0;
  let best: { x: number; score: number } | undefined;
  const starts = [...new Set(text.map((segment) => Math.round(segment.x0)))];
  for (const start of starts) {
    if (start < region.x0 + 0.12 * width || start > region.x1 - 0.12 * width) continue;
    if (text.filter((segment) => Math.abs(segment.x0 - start) <= 1.5).length < 3) continue;
    // The column's lines start here or a little to the right (indents, hanging indents).
    const after = text.filter((segment) => segment.x0 >= start - 1.5 && segment.x0 <= start + 3 * segment.size).length;
    const before = text.filter((segment) => segment.x1 <= start - 2 && segment.x1 >= start - 4 * segment.size).length;
    const crossing = text.filter((segment) => segment.x0 < start - 2 && segment.x1 > start + 2).length;
    const sides = Math.min(before, after);
    if (sides < 3 || crossing > 1.5 * sides) continue;
    const score = sides - 0.5 * crossing;
    if (!best || score > best.score) best = { x: start, score };
  }
  if (!best) return undefined;
  // The gutter's middle: between the column's start and the ends of the lines before it.
  const ends = text.filter((segment) => segment.x1 <= best.x - 2 && segment.x1 >= best.x - 4 * segment.size).map((segment) => segment.x1);
  return (Math.max(...ends) + best.x) / 2;
}

interface Band {
  spanning: boolean;
  segments: Segment[];
}

/** Rows top to bottom, grouped into runs that respect the gutter and runs that cross it. */
function bands(segments: Segment[], gutter: number): Band[] {
  const rows = new Map<number, Segment[]>();
  for (const segment of segments) {
    const key = Math.round(segment.y * 2) / 2;
    rows.set(key, [...(rows.get(key) ?? []), segment]);
  }
  const sorted = [...rows.values()].sort((a, b) => a[0]!.y - b[0]!.y);
  // A table across the gutter is several such rows in a row; one pair of short lines is not.
  const across = sorted.map((row) => tableRowAcross(row, gutter));
  const inRun = across.map((flag, i) => flag && (across.slice(Math.max(0, i - 2), i + 3).filter(Boolean).length >= 3));
  const out: Band[] = [];
  for (const [i, row] of sorted.entries()) {
    const spanning = row.some((segment) => segment.x0 < gutter - 1 && segment.x1 > gutter + 1) || inRun[i]!;
    const last = out[out.length - 1];
    if (last && last.spanning === spanning) last.segments.push(...row);
    else out.push({ spanning, segments: [...row] });
  }
  return out;
}

/**
 * A table row that happens to leave the gutter blank: cells on both sides and no running text
 * on either (two columns of text, or of reference entries, have a line of text on each side).
 */
function tableRowAcross(row: Segment[], gutter: number): boolean {
  const left = row.filter((segment) => (segment.x0 + segment.x1) / 2 < gutter);
  const right = row.filter((segment) => (segment.x0 + segment.x1) / 2 >= gutter);
  if (left.length === 0 || right.length === 0) return false;
  const text = (side: Segment[]) => side.some((segment) => segmentText(segment).length >= 25);
  return !text(left) && !text(right);
}

/** Segments of one column as lines: those on one baseline form one line. */
function linesOf(segments: Segment[], region: Region): Line[] {
  const sorted = [...segments].sort((a, b) => a.y - b.y || a.x0 - b.x0);
  const lines: Line[] = [];
  for (const segment of sorted) {
    const last = lines[lines.length - 1];
    if (last && Math.abs(last.y - segment.y) <= 0.25 * Math.min(last.size, segment.size)) {
      last.segments.push(segment);
      last.x0 = Math.min(last.x0, segment.x0);
      last.x1 = Math.max(last.x1, segment.x1);
      continue;
    }
    lines.push({ page: segment.page, y: segment.y, x0: segment.x0, x1: segment.x1, size: segment.size, font: segment.font, segments: [segment], columnX0: region.x0, columnX1: region.x1 });
  }
  for (const line of lines) {
    line.segments.sort((a, b) => a.x0 - b.x0);
    const main = [...line.segments].sort((a, b) => segmentText(b).length - segmentText(a).length)[0]!;
    line.size = main.size;
    line.font = main.font;
  }
  return lines;
}
