/**
 * Lines in reading order → typed blocks: paragraphs (split at vertical gaps, first-line
 * indents, short closing lines and changes of style), headings (set larger than the body or
 * in a font of their own, or run in at the start of a paragraph), captions, tables (lines of
 * aligned cells) and the reference list with the layout of each of its lines.
 */
import type { Line } from './layout.ts';
import { BACK_MATTER, FRONT_LABEL, REFERENCES_HEADING } from '../parse/sections.ts';
import { segmentText } from './lines.ts';
import { lineCells } from './render.ts';
import { isBodySize, type Typography } from './typography.ts';

/** A line as the structure parser sees it, with the layout facts reference splitting needs. */
export interface LayoutLine {
  text: string;
  cells: string[];
  /** Cell left and right edges, for aligning table columns. */
  cellX: number[];
  cellX1: number[];
  page: number;
  /** Which column of which page the line was read in ("3:306"). */
  column: string;
  /** Left edge relative to the column's usual left margin, in ems. */
  indent: number;
  /** Space above the line in line spacings (Infinity at the top of a column). */
  gap: number;
  size: number;
}

export type LayoutBlock =
  | { kind: 'paragraph'; lines: LayoutLine[]; size: number; runIn?: string; runInFont?: string }
  | { kind: 'caption' | 'references' | 'title'; lines: LayoutLine[]; size: number }
  | { kind: 'heading'; level: number; runIn: boolean; lines: LayoutLine[]; size: number; style: string }
  | { kind: 'table'; lines: LayoutLine[]; size: number };

/** Sections that follow a reference list in manuscripts: the figure legends, the tables. */
const AFTER_REFERENCES = /^(?:figures?|tables?|figure (?:legends|captions)|legends?|tables? and figures?)\b/i;

/** "Table 2.", "Figure 1:", "Fig. 3 Survival …" start captions; "Figure 1 depicts …" is a sentence. */
const CAPTION = /^(?:Table|TABLE|Fig\.?|FIG\.?|Figure|FIGURE|Supplementary (?:Table|Figure))\s*(?:[A-Z]?S?\d+[a-z]?|[IVX]+)(?:\s*[.:|–—]|\s+(?:\(continued\)|\p{Lu}|\()|\s*$)/u;

interface Context {
  typography: Typography;
  margins: Map<string, { left: number; right: number }>;
}

/** Typed blocks from a document's lines in reading order. */
export function layoutBlocks(input: Line[], typography: Typography): LayoutBlock[] {
  const lines = input.map(joinCaptionLabel);
  const context: Context = { typography, margins: columnMargins(lines, typography) };
  const laid = lines.map((line, i) => toLayoutLine(line, lines[i - 1], context));
  const groups = groupLines(lines, laid, context);
  const blocks = joinTableFragments(classifyAll(groups, context));
  const title = titleBlock(blocks, typography.bodySize);
  if (title >= 0) blocks[title] = { kind: 'title', lines: blocks[title]!.lines, size: blocks[title]!.size };
  const typed = splitRunIns(markReferences(blocks));
  return assignLevels(typed, typed.findIndex((block) => block.kind === 'title'), typography.bodySize);
}

/**
 * "Table 1    A summary of …" and "12.   Smith J, …": a caption label or a list number set
 * apart from its text is not a table cell.
 */
function joinCaptionLabel(line: Line): Line {
  const [label, text, ...rest] = line.segments;
  if (!label || !text) return line;
  const caption = /^(?:Table|TABLE|Fig\.?|Figure|FIGURE)\s*[A-Z]?\d+[a-z]?[.:|]?$/.test(segmentText(label));
  const number = /^(?:\[\d{1,3}\]|\(?\d{1,3}[.)]?|[•▪–-])$/.test(segmentText(label)) && rest.length === 0 && segmentText(text).length >= 20;
  if (!caption && !number) return line;
  const space = { ...text.runs[0]!, text: ' ' };
  return { ...line, segments: [{ ...label, x1: text.x1, runs: [...label.runs, space, ...text.runs] }, ...rest] };
}

const marginKey = (line: Line) => `${line.page}:${Math.round(line.columnX0)}`;

/** Each column's usual left edge and right edge, from its body lines. */
function columnMargins(lines: Line[], typography: Typography): Map<string, { left: number; right: number }> {
  const byColumn = new Map<string, Line[]>();
  for (const line of lines) byColumn.set(marginKey(line), [...(byColumn.get(marginKey(line)) ?? []), line]);
  const margins = new Map<string, { left: number; right: number }>();
  for (const [key, members] of byColumn) {
    const body = members.filter((line) => isBodySize(line.size, typography.bodySize));
    const sample = body.length >= 3 ? body : members;
    const lefts = new Map<number, number>();
    for (const line of sample) lefts.set(Math.round(line.x0), (lefts.get(Math.round(line.x0)) ?? 0) + 1);
    const left = [...lefts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
    const rights = sample.map((line) => line.x1).sort((a, b) => a - b);
    margins.set(key, { left, right: rights[Math.floor(rights.length * 0.9)] ?? rights[rights.length - 1]! });
  }
  return margins;
}

function toLayoutLine(line: Line, previous: Line | undefined, context: Context): LayoutLine {
  const cells = lineCells(line, context.typography.bodySize);
  const margin = context.margins.get(marginKey(line))!;
  const sameColumn = previous !== undefined && previous.page === line.page && previous.columnX0 === line.columnX0 && line.y > previous.y;
  const spacing = context.typography.leading * (Math.max(line.size, previous?.size ?? 0) / context.typography.bodySize);
  return {
    text: cells.join(cells.length > 1 ? '\t' : ''),
    cells,
    cellX: line.segments.map((segment) => segment.x0),
    cellX1: line.segments.map((segment) => segment.x1),
    page: line.page,
    column: marginKey(line),
    indent: (line.x0 - margin.left) / line.size,
    gap: sameColumn ? (line.y - previous.y) / spacing : Infinity,
    size: line.size,
  };
}

/** How a line is set, for telling headings from text: its size, and its font when it is not the body's. */
function styleOf(line: Line, typography: Typography): string {
  const counts = new Map<string, number>();
  for (const segment of line.segments) {
    for (const run of segment.runs) if (run.script === 'base' && run.text.trim()) counts.set(run.font, (counts.get(run.font) ?? 0) + run.text.trim().length);
  }
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
  const [main, count] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  // One font for (nearly) the whole line, and not the body's: a symbol in another font does not count.
  // Display text (titles) mixes fonts within a line (a gene name in italics): its main font counts.
  const share = line.size > 1.15 * typography.bodySize ? 0.5 : 0.85;
  const font = count >= share * total && main !== typography.bodyFont.get(line.page) ? main : 'body';
  return `${line.size.toFixed(1)}|${font}`;
}

interface Group {
  lines: Line[];
  laid: LayoutLine[];
}

/** Splits the lines into groups that each hold one paragraph, heading, caption or table. */
function groupLines(lines: Line[], laid: LayoutLine[], context: Context): Group[] {
  const groups: Group[] = [];
  lines.forEach((line, i) => {
    const group = continuedGroup(groups, line, laid[i]!, context);
    if (group) {
      group.lines.push(line);
      group.laid.push({ ...laid[i]!, gap: gapBetween(group.lines[group.lines.length - 2]!, line, context) });
    } else {
      groups.push({ lines: [line], laid: [laid[i]!] });
    }
  });
  return groups;
}

/**
 * The group a line continues: the one just before it, or — where two blocks interleave line
 * by line (a title beside a journal box) — a recent one on the same page and column that the
 * line overlaps horizontally.
 */
function continuedGroup(groups: Group[], line: Line, laid: LayoutLine, context: Context): Group | undefined {
  for (let back = 1; back <= 3 && back <= groups.length; back++) {
    const group = groups[groups.length - back]!;
    const previous = group.lines[group.lines.length - 1]!;
    if (back > 1 && (previous.page !== line.page || previous.columnX0 !== line.columnX0 || previous.x1 < line.x0 || line.x1 < previous.x0)) continue;
    const relative = { ...laid, gap: gapBetween(previous, line, context) };
    if (!startsBlock(previous, line, group.laid[group.laid.length - 1]!, relative, group, context)) return group;
    if (back === 1 && Number.isFinite(laid.gap) && laid.gap > 0.5 && laid.gap < 1.45 && overlaps(previous, line)) return undefined;
  }
  return undefined;
}

function overlaps(a: Line, b: Line): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1;
}

/** Baseline distance in line spacings, Infinity across pages and columns. */
function gapBetween(previous: Line, line: Line, context: Context): number {
  if (previous.page !== line.page || previous.columnX0 !== line.columnX0 || line.y <= previous.y) return Infinity;
  const spacing = context.typography.leading * (Math.max(line.size, previous.size) / context.typography.bodySize);
  return (line.y - previous.y) / spacing;
}

/** Table rows are often spaced wider than text lines: up to this many line spacings apart, lines of cells are rows of one table. */
const ROW_GAP = 3;

/**
 * Lines between two parts of one table that a change of font split apart: a cell's wrapped
 * lines ("α = 88.4, β = 64.3" under "a = 73.1, b = 77.3"; "p1 = 0.64935" under "p0 = 0.35065"),
 * which start right of where the first column's cells end, or a row label alone (a subheading)
 * or a footnote mark — this many single lines at most.
 */
const LINES_INSIDE_TABLE = 2;

/** Joins a table to the next when only its own lines, close below each other in one column, stand between them. */
function joinTableFragments(blocks: LayoutBlock[]): LayoutBlock[] {
  const out: LayoutBlock[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]!;
    const previous = out[out.length - 1];
    if (block.kind === 'table') {
      // Its header and first rows, set apart by a change of face or a wider gap, stand just above it.
      let lines = block.lines;
      while (out.length > 0 && headsTable(out[out.length - 1]!, { ...block, lines })) lines = [...out.pop()!.lines, ...lines];
      if (lines !== block.lines) {
        out.push({ ...block, lines });
        continue;
      }
    }
    const between = previous?.kind === 'table' ? tableLinesAfter(previous, blocks, i) : undefined;
    if (between === undefined) {
      out.push(block);
      continue;
    }
    out[out.length - 1] = { ...previous!, lines: [...previous!.lines, ...blocks.slice(i, between + 1).flatMap((candidate) => candidate.lines)] };
    i = between;
  }
  return out;
}

/** A table's header may run to this many lines (names wrapped in narrow columns). */
const HEADER_LINES = 5;

/** How much of the narrower of a cell and a column must overlap for the cell to lie over that column. */
const CELL_OVER_COLUMN = 0.6;

/**
 * Lines right above a table that are its own: a header or rows set apart in another face or by
 * a wider gap ("Escherichia coli  human  chicken  bee"), and the wrapped lines of their cells.
 * Most of every cell lies over one of the table's columns (a line of text spans several), and
 * at least one line has cells of its own, unless the lines are a cell's wrapped text.
 */
function headsTable(candidate: LayoutBlock, table: LayoutBlock): boolean {
  const first = table.lines[0]!;
  if (candidate.kind !== 'paragraph' || candidate.lines.length > HEADER_LINES || first.gap >= ROW_GAP) return false;
  const widest = table.lines.reduce((most, line) => (line.cells.length > most.cells.length ? line : most));
  if (widest.cells.length < 2) return false;
  // Over one column (most of the narrower of the cell and the column): a line of text covers several.
  const overOne = (line: LayoutLine, i: number) => {
    const [x0, x1] = [line.cellX[i]!, line.cellX1[i]!];
    const over = widest.cellX.filter((left, j) => {
      const right = widest.cellX1[j]!;
      return Math.min(x1, right) - Math.max(x0, left) >= CELL_OVER_COLUMN * Math.min(x1 - x0, right - left);
    });
    return over.length === 1;
  };
  // … or right of the last column: a header may name a column its first rows leave empty.
  const beyond = (line: LayoutLine, i: number) => line.cellX[i]! >= widest.cellX1[widest.cells.length - 1]!;
  const fits = (line: LayoutLine) => line.page === first.page && line.column === first.column && line.cells.every((_, i) => overOne(line, i) || beyond(line, i));
  const firstColumnEnd = widest.cellX1[0]!;
  const wrapped = candidate.lines.length <= LINES_INSIDE_TABLE && candidate.lines.every((line) => line.cellX[0]! >= firstColumnEnd);
  // A row label standing alone over the first column ("Overall (n = 45 484)") heads the rows under it.
  const label = candidate.lines.length === 1 && candidate.lines[0]!.cells.length === 1;
  return candidate.lines.every(fits) && candidate.lines.every((line, k) => k === 0 || line.gap < ROW_GAP) && (candidate.lines.some((line) => line.cells.length > 1) || wrapped || label);
}

/**
 * The index of the last block that continues `table` from blocks[from] on: a table, or a line
 * of cells that stood alone (one row is no table by itself), with only the table's own lines
 * before it.
 */
function tableLinesAfter(table: LayoutBlock, blocks: LayoutBlock[], from: number): number | undefined {
  const last = table.lines[table.lines.length - 1]!;
  const firstColumnEnd = Math.min(...table.lines.filter((line) => line.cells.length > 1).map((line) => line.cellX1[0]!));
  const close = (line: LayoutLine) => line.page === last.page && line.column === last.column && line.gap < ROW_GAP;
  let single = 0;
  let continued: number | undefined;
  for (let i = from; i < blocks.length; i++) {
    const block = blocks[i]!;
    if (!block.lines.every(close) || (block.kind !== 'table' && block.kind !== 'paragraph')) break;
    if (block.kind === 'table' || block.lines.every((line) => line.cells.length > 1)) {
      continued = i;
      continue;
    }
    const inCells = block.lines.every((line) => line.cellX[0]! >= firstColumnEnd);
    if (!inCells && (block.lines.length > 1 || ++single > LINES_INSIDE_TABLE)) break;
  }
  return continued;
}

function startsBlock(previous: Line, line: Line, previousLaid: LayoutLine, laid: LayoutLine, group: Group, context: Context): boolean {
  // Table rows are often spaced wider than text lines; rows of cells stay together.
  const rows = previousLaid.cells.length > 1 && laid.cells.length > 1 && Number.isFinite(laid.gap) && laid.gap > 0.5 && laid.gap < ROW_GAP;
  if (!rows && (!Number.isFinite(laid.gap) || laid.gap > 1.45 || laid.gap < 0.5)) return true;
  const { typography } = context;
  if (styleOf(previous, typography) !== styleOf(line, typography)) {
    // A word in italics or bold inside running text does not end the paragraph.
    const body = typography.bodyFont.get(line.page);
    const hasBodyText = (candidate: Line) => candidate.segments.some((segment) => segment.runs.some((run) => run.font === body && run.text.trim().length > 0));
    const bothBodySize = isBodySize(previous.size, typography.bodySize) && isBodySize(line.size, typography.bodySize);
    if (!(bothBodySize && hasBodyText(previous) && hasBodyText(line)) && !flowsOn(previous, line)) return true;
  }
  if ((previousLaid.cells.length > 1) !== (laid.cells.length > 1) && !isTableGroup(group)) return true;
  const margin = context.margins.get(marginKey(line))!;
  const closes = /[.?!:]["'”’)\]]*$/.test(previousLaid.text);
  if (closes && previous.x1 < margin.right - 2 * previous.size) return true;
  // A first-line indent starts a paragraph; a hanging indent continues one.
  return laid.indent > 0.6 && laid.indent < 6 && previousLaid.indent < 0.3 && closes;
}

/**
 * A sentence running on across the line break in one font, at one size: a side box's
 * "Range earned a Ph.D. in" (a bold name, then regular) / "Psychology from …" is one paragraph
 * though the two lines' main fonts differ. A heading ends in its own font, or with a stop.
 */
function flowsOn(previous: Line, line: Line): boolean {
  const runs = (candidate: Line) => candidate.segments.flatMap((segment) => segment.runs).filter((run) => run.script === 'base' && run.text.trim() !== '');
  const last = runs(previous).at(-1);
  const first = runs(line)[0];
  return last !== undefined && first !== undefined && previous.size === line.size && last.font === first.font && !/[.?!:]["'”’)\]]*\s*$/.test(last.text);
}

function isTableGroup(group: Group): boolean {
  return group.laid.filter((line) => line.cells.length > 1).length >= Math.max(2, group.laid.length / 2);
}

/** Groups as blocks: tables, captions, headings (confirmed by the text after them), run-in headings, paragraphs. */
function classifyAll(groups: Group[], context: Context): LayoutBlock[] {
  const candidates = groups.map((group) => baseKind(group) === 'text' && headingShaped(group, context));
  return groups.flatMap((group, i): LayoutBlock[] => {
    const size = group.lines[0]!.size;
    const kind = baseKind(group);
    if (kind !== 'text') return [{ kind, lines: group.laid, size }];
    if (candidates[i] && confirmedByNext(groups, candidates, i, context)) {
      return [{ kind: 'heading', level: 0, runIn: false, lines: group.laid, size, style: styleOf(group.lines[0]!, context.typography) }];
    }
    const runIn = runInHeading(group.lines, context);
    return [{ kind: 'paragraph', lines: group.laid, size, ...(runIn ? { runIn: runIn.text, runInFont: runIn.font } : {}) }];
  });
}

function baseKind(group: Group): 'table' | 'caption' | 'text' {
  if (group.laid.some((line) => line.cells.length > 1) && isTableGroup(group)) return 'table';
  return CAPTION.test(group.laid[0]!.text) ? 'caption' : 'text';
}

/** Short, not a sentence, and not smaller than footnote text. */
function headingShaped(group: Group, context: Context): boolean {
  const text = group.laid.map((line) => line.text).join(' ').trim();
  if (group.lines.length > 3 || text.length > 200 || !/\p{L}{2}/u.test(text)) return false;
  if (/[,;:]$/.test(text) || (/\.$/.test(text) && !/^\d+(?:\.\d+)*\.?\s/.test(text))) return false;
  // Author lines (affiliation marks, several commas) and addresses are not headings.
  if (/\^|@|https?:|www\.|\[\d|\*/.test(text) || (text.match(/,/g)?.length ?? 0) >= 3) return false;
  // One phrase: no sentence inside, not many words, not table cells.
  if (/\p{Ll}[.?!]\s+\p{Lu}/u.test(text) || text.split(/\s+/).length > 24 || group.laid.some((line) => line.cells.length > 1)) return false;
  return group.lines[0]!.size >= 0.72 * context.typography.bodySize;
}

/**
 * A heading is set apart from the text that follows it: larger, in a font of its own, or in
 * capitals. Headings may stack ("Methods" over "Participants"); the text must come within a
 * few blocks, so labels inside figures (followed by more labels or a caption) are not headings.
 */
function confirmedByNext(groups: Group[], candidates: boolean[], i: number, context: Context, depth = 0): boolean {
  const heading = groups[i]!;
  const next = groups[i + 1];
  if (!next || baseKind(next) !== 'text') return false;
  // A heading over a subheading ("Methods" over "Participants"): the subheading must be one.
  const stacked = depth < 2 && candidates[i + 1] && next.lines[0]!.size <= heading.lines[0]!.size + 0.1 && confirmedByNext(groups, candidates, i + 1, context, depth + 1);
  return stacked || setApart(heading, next, context);
}

function setApart(heading: Group, text: Group, context: Context): boolean {
  const headingSize = heading.lines[0]!.size;
  const textSize = dominantSize(text);
  if (headingSize > 1.08 * textSize) return true;
  if (headingSize < 0.85 * textSize) return false;
  const font = singleFont(heading);
  const ownFont = font !== undefined && font !== singleFont(text, true) && font !== context.typography.bodyFont.get(heading.lines[0]!.page);
  const words = heading.laid.map((line) => line.text).join(' ');
  const capitals = /^[^a-z]*[A-Z]{3}[^a-z]*$/.test(words);
  return ownFont || capitals;
}

function dominantSize(group: Group): number {
  const sizes = group.lines.map((line) => line.size).sort((a, b) => a - b);
  return sizes[Math.floor(sizes.length / 2)]!;
}

/** The one font all of a group's text is set in; with `dominant`, the font most of it uses. */
function singleFont(group: Group, dominant = false): string | undefined {
  const counts = new Map<string, number>();
  for (const line of group.lines) {
    for (const segment of line.segments) {
      for (const run of segment.runs) if (run.script === 'base' && run.text.trim()) counts.set(run.font, (counts.get(run.font) ?? 0) + run.text.trim().length);
    }
  }
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
  const [font, count] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [undefined, 0];
  // A quote mark or a symbol in another font does not make a heading mixed.
  return dominant || count >= 0.85 * total ? font : undefined;
}

/** Paragraphs that open with a run-in heading, as the heading and the rest. */
function splitRunIns(blocks: LayoutBlock[]): LayoutBlock[] {
  return blocks.flatMap((block): LayoutBlock[] => {
    if (block.kind !== 'paragraph' || !block.runIn) return [block];
    const { runIn, runInFont, size } = block;
    const first = block.lines[0]!;
    const heading: LayoutBlock = { kind: 'heading', level: 0, runIn: true, lines: [{ ...first, text: runIn.replace(/[.:]\s*$/, ''), cells: [runIn] }], size, style: `run-in|${size.toFixed(1)}|${runInFont ?? ''}` };
    const paragraphLines = afterRunIn(block.lines, runIn);
    return paragraphLines.length > 0 ? [heading, { kind: 'paragraph', lines: paragraphLines, size }] : [heading];
  });
}

/**
 * "Dataset description." set in bold at the start of a paragraph: the run-in heading's text.
 * It may wrap onto the paragraph's second line.
 */
function runInHeading(lines: Line[], context: Context): { text: string; font: string } | undefined {
  const runs = lines.slice(0, 2).flatMap((line, i) => line.segments.flatMap((segment) => segment.runs).filter((run) => run.script === 'base').map((run) => ({ ...run, line: i })));
  const lead = runs[0];
  const main = [...runs].sort((a, b) => b.text.length - a.text.length)[0];
  if (!lead || lead.font === context.typography.bodyFont.get(lines[0]!.page) || lead.font === main?.font || runs.length < 2) return undefined;
  let text = '';
  for (const run of runs) {
    if (run.font !== lead.font) break;
    text += run.line > 0 && !text.endsWith(' ') ? ` ${run.text}` : run.text;
    if (/[.:]\s*$/.test(run.text)) break;
  }
  const trimmed = text.replace(/\s+/g, ' ').trim();
  if (trimmed.length < 3 || trimmed.length > 120 || !/^[\p{Lu}\d]/u.test(trimmed) || !/[.:]$/.test(trimmed)) return undefined;
  // A phrase, not an address or a list: few words, at most one comma.
  if (trimmed.split(/\s+/).length > 14 || (trimmed.match(/,/g)?.length ?? 0) > 1) return undefined;
  return CAPTION.test(trimmed) ? undefined : { text: trimmed, font: lead.font };
}

/** The lines after a run-in heading's text is taken off the start (it may span two lines). */
function afterRunIn(lines: LayoutLine[], runIn: string): LayoutLine[] {
  let left = runIn.replace(/\s+/g, '');
  const out: LayoutLine[] = [];
  for (const line of lines) {
    if (left.length === 0) {
      out.push(line);
      continue;
    }
    let i = 0;
    while (i < line.text.length && left.length > 0) {
      if (/\s/.test(line.text[i]!)) i++;
      else if (line.text[i] === left[0]) {
        i++;
        left = left.slice(1);
      } else break;
    }
    const remainder = line.text.slice(i).trim();
    if (remainder) out.push({ ...line, text: remainder, cells: [remainder], gap: out.length === 0 ? 0 : line.gap });
  }
  return out;
}

/**
 * Heading levels: from the numbering where there is one ("2.1" → 2), otherwise by style —
 * larger sizes are higher levels, capitals above mixed case, run-in headings lowest. Styles
 * are ranked over the body's headings only: a journal banner or an "Abstract" label set large
 * above the title says nothing about the sections. Headings above the title are front matter.
 */
function assignLevels(blocks: LayoutBlock[], title: number, bodySize: number): LayoutBlock[] {
  blocks.forEach((block, i) => {
    if (block.kind === 'heading' && i < title) blocks[i] = { kind: 'paragraph', lines: block.lines, size: block.size };
  });
  const headings = blocks.filter((block): block is Extract<LayoutBlock, { kind: 'heading' }> => block.kind === 'heading');
  const titleSize = title >= 0 ? blocks[title]!.size : Infinity;
  // A supplement's repeated title or a one-off pull quote does not define a level.
  const body = headings.filter((heading) => !FRONT_LABEL.test(heading.lines[0]!.text) && !BACK_MATTER.test(heading.lines[0]!.text) && heading.size < 0.95 * titleSize);
  const styleRank = rankStyles(blocks, body);
  const numberedLevel = new Map<string, number>();
  for (const heading of headings) {
    const depth = numberingDepth(heading.lines[0]!.text);
    if (depth) numberedLevel.set(rankKey(heading), Math.min(numberedLevel.get(rankKey(heading)) ?? 9, depth));
  }
  // Run-in headings sit below the heading they follow; their level is counted from there.
  // In order of first use, styles used more than once first (a one-off label on the title page ranks last).
  const runIns = headings.filter((heading) => heading.runIn && Math.abs(heading.size - bodySize) <= 0.08 * bodySize);
  const used = (style: string) => runIns.filter((heading) => heading.style === style).length;
  const firstUse = [...new Set(runIns.map((heading) => heading.style))];
  const runInStyles = [...firstUse.filter((style) => used(style) >= 2), ...firstUse.filter((style) => used(style) < 2)];
  for (const heading of headings) {
    const numbered = numberingDepth(heading.lines[0]!.text) ?? numberedLevel.get(rankKey(heading));
    heading.level = numbered ?? (heading.runIn ? (runInStyles.indexOf(heading.style) + 1 || runInStyles.length + 1) : styleRank(rankKey(heading)));
  }
  return blocks;
}

/**
 * A level per heading style. Larger sizes rank higher, capitals above mixed case. Styles of
 * the same size and case in different fonts (bold, italic) are a level apart — the one met
 * later below — unless the two fonts are used side by side at several sizes (a journal that
 * sets some sections in italic at every level); a heading set directly under another settles
 * it. A style used once does not make a level of its own.
 */
function rankStyles(blocks: LayoutBlock[], body: Extract<LayoutBlock, { kind: 'heading' }>[]): (style: string) => number {
  const uses = new Map<string, number>();
  for (const heading of body) uses.set(rankKey(heading), (uses.get(rankKey(heading)) ?? 0) + 1);
  const styles = [...uses.keys()];
  const fontOf = (style: string) => style.split('|').pop()!;
  const sizesOf = new Map<string, Set<string>>();
  for (const style of styles) sizesOf.set(fontOf(style), new Set([...(sizesOf.get(fontOf(style)) ?? []), style.split('|')[0]!]));
  const inBody = new Set<LayoutBlock>(body);
  const stacked = new Set<string>();
  blocks.forEach((block, i) => {
    const next = blocks[i + 1];
    if (block.kind === 'heading' && next?.kind === 'heading' && inBody.has(block) && inBody.has(next)) stacked.add(`${rankKey(block)}>${rankKey(next)}`);
  });
  const depth = new Map(styles.map((style) => [style, 0]));
  styles.forEach((lower, i) => {
    for (const upper of styles.slice(0, i)) {
      if (compareStyles(upper, lower) !== 0 || fontOf(upper) === fontOf(lower)) continue;
      const parallel = (sizesOf.get(fontOf(upper))?.size ?? 0) >= 2 && (sizesOf.get(fontOf(lower))?.size ?? 0) >= 2;
      if (stacked.has(`${upper}>${lower}`) || !parallel) depth.set(lower, Math.max(depth.get(lower)!, depth.get(upper)! + 1));
    }
  });
  const group = (style: string) => `${style.split('|').slice(0, 2).join('|')}|${depth.get(style) ?? 0}`;
  const groups = [...new Set(styles.filter((style) => uses.get(style)! >= 2).map(group))];
  const compareGroups = (a: string, b: string) => compareStyles(a, b) || Number(a.split('|')[2]) - Number(b.split('|')[2]);
  return (style) => 1 + groups.filter((other) => compareGroups(other, group(style)) < 0).length;
}

/**
 * The title: the text set largest on the first pages (at least a fifth larger than the body,
 * several words, not a link or an author line). A cover sheet repeats it, so the first of
 * equal size wins.
 */
function titleBlock(blocks: LayoutBlock[], bodySize: number): number {
  const firstPage = blocks[0]?.lines[0]?.page ?? 1;
  let best = -1;
  blocks.forEach((block, i) => {
    const page = block.lines[0]!.page;
    if (page > firstPage + 1 || (block.kind !== 'heading' && block.kind !== 'paragraph')) return;
    const text = block.lines.map((line) => line.text).join(' ');
    if (block.size < 1.2 * bodySize || text.split(/\s+/).length < 3 || /https?:|www\.|@|©|\^/.test(text) || block.lines.length > 6) return;
    if (best === -1 || block.size > blocks[best]!.size + 0.5) best = i;
  });
  return best;
}

/** Larger sizes first, then capitals before mixed case. */
function compareStyles(a: string, b: string): number {
  return Number(b.split('|')[0]) - Number(a.split('|')[0]) || Number(a.split('|')[1]) - Number(b.split('|')[1]);
}

/** Size first (larger is higher), then capitals before mixed case, run-ins last. */
function rankKey(heading: Extract<LayoutBlock, { kind: 'heading' }>): string {
  const text = heading.lines.map((line) => line.text).join(' ');
  const capitals = /^[^a-z]*$/.test(text);
  return `${heading.runIn ? 0 : heading.size.toFixed(1)}|${capitals ? 0 : 1}|${heading.style}`;
}

function numberingDepth(text: string): number | undefined {
  const match = /^(\d{1,2}(?:\.\d{1,2}){0,4})\.?\s+\p{L}/u.exec(text.trim());
  return match ? match[1]!.split('.').length : undefined;
}

/**
 * How a reference entry opens: its number ("12.", "[12]", "(12)", "12 "), a bullet, or an
 * author or body ("Frank, H.", "Allington-Jones, L", "Acharya KR", "American Psychiatric…").
 */
const ENTRY_START = /^\s*(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}[.)]?\s|[-•*]\s|\p{Lu}[\p{L}'’-]+,?\s+\p{Lu})/u;

/**
 * Blocks after the references heading are the reference list, up to a heading (bold author
 * names run in at the start of an entry do not count) or text set in another size. A numbered
 * list that resumes after back matter set in the same column (funding, contributions) is
 * picked up again.
 */
function markReferences(blocks: LayoutBlock[]): LayoutBlock[] {
  const textOf = (block: LayoutBlock) => block.lines.map((line) => line.text).join(' ').trim();
  // The list opens at the first such heading followed by an entry: a publisher's cover page has
  // "References" above a link, and opening the list there would read figures and tables as
  // entries. Without one that qualifies, the first heading.
  const headings = blocks.flatMap((block, i) => (block.kind === 'heading' && REFERENCES_HEADING.test(textOf(block)) ? [i] : []));
  const listHeading = headings.find((i) => ENTRY_START.test(blocks[i + 1]?.lines[0]?.text ?? '')) ?? headings[0];
  let region: { headingSize: number; size: number; open: boolean } | undefined;
  return blocks.map((block, i) => {
    const text = textOf(block);
    if (i === listHeading) {
      region = { headingSize: block.size, size: 0, open: true };
      return block;
    }
    if (!region) return block;
    const sameSize = region.size === 0 || Math.abs(block.size - region.size) <= 0.15 * region.size;
    if (!region.open) {
      const resumes = block.kind === 'paragraph' && sameSize && /^\[?\d{1,3}[.\]]?\s/.test(block.lines[0]!.text);
      if (!resumes) return block;
      region.open = true;
    }
    // A heading ends the list when it is one: the rank of "References", or back matter by name.
    // (Bold entry titles set like the heading do not count.)
    const label = block.kind === 'paragraph' ? (block.runIn ?? /^([^:]{3,40}):/.exec(text)?.[1]) : undefined;
    const heading =
      (block.kind === 'heading' && !block.runIn && (block.size >= 1.05 * region.headingSize || BACK_MATTER.test(text) || AFTER_REFERENCES.test(text))) ||
      (label !== undefined && BACK_MATTER.test(label.replace(/[.:]$/, '')));
    if (heading || !sameSize || block.kind === 'title' || block.kind === 'table') {
      region.open = false;
      if (heading && !BACK_MATTER.test(label ?? text)) region = undefined;
      return block;
    }
    region.size ||= block.size;
    return { kind: 'references', lines: block.lines, size: block.size };
  });
}
