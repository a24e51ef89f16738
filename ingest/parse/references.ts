/**
 * The reference list: lines → entries → fields. Entries are found by their numbering ("1.",
 * "[1]", "(1)", "1 " — numbers counting up, bullets counting on) or, in unnumbered author–year
 * lists, by the layout of the page: a hanging indent (continuation lines set in), a first-line
 * indent, or space between entries. Text without layout falls back to one entry per line that
 * opens with a surname.
 */
import { squash, stripEmphasis } from '../../lib/text.ts';
import type { Reference, Span } from '../../lib/types.ts';
import type { Line } from './blocks.ts';
import { referenceFields } from './reference-fields.ts';

export interface ReferenceEntry {
  n: number;
  /** As printed, Markdown emphasis kept (it marks the journal). */
  raw: string;
  span: Span;
}

export interface ReferenceList {
  entries: ReferenceEntry[];
  /** The list prints its numbers: numeric in-text citations point into it. */
  numbered: boolean;
}

const NUMBERED = /^\s*(?:\[(\d{1,4})\]|\((\d{1,4})\)|(\d{1,4})(?:[.)]|(?=\s)))\s*(.*)$/;
const BULLET = /^\s*[-•*]\s+(.*)$/;

export function splitReferenceEntries(lines: Line[]): ReferenceList {
  const present = lines.filter((line) => line.text.trim().length > 0);
  const numbered = numberedEntries(present);
  if (numbered) return { entries: numbered, numbered: true };
  const starts = layoutStarts(present) ?? textStarts(present);
  return { entries: entriesFrom(present, starts), numbered: false };
}

/** Entries by their printed numbers, when at least three count up from the start. */
function numberedEntries(lines: Line[]): ReferenceEntry[] | undefined {
  const entries: ReferenceEntry[] = [];
  let hits = 0;
  for (const line of lines) {
    const text = line.text.replace(/\t/g, ' ').trim();
    const previous = entries[entries.length - 1];
    const expected = (previous?.n ?? 0) + 1;
    const numbered = NUMBERED.exec(text);
    const number = numbered ? Number(numbered[1] ?? numbered[2] ?? numbered[3]) : undefined;
    const bullet = BULLET.exec(text);
    let start: string | undefined;
    if (numbered && (number === expected || (!previous && number! <= 3)) && numbered[4]!.length > 0) {
      start = numbered[4]!;
      hits++;
    } else if (bullet && !/^[a-z]/.test(bullet[1]!)) {
      start = bullet[1]!;
    }
    if (start !== undefined) {
      entries.push({ n: number === expected || !previous ? (number ?? expected) : expected, raw: start, span: { start: line.start, end: line.end } });
    } else if (previous) {
      previous.raw = `${previous.raw} ${bullet ? bullet[1]! : text}`;
      previous.span = { start: previous.span.start, end: line.end };
    }
  }
  if (hits < Math.min(3, lines.length)) return undefined;
  return entries.map((entry) => ({ ...entry, raw: squash(entry.raw) }));
}

/**
 * Entry starts from the layout: with a hanging indent, the lines at the left margin; with a
 * first-line indent, the indented lines; otherwise the lines after extra space.
 */
function layoutStarts(lines: Line[]): boolean[] | undefined {
  const laid = lines.map((line) => line.layout);
  if (laid.some((layout) => layout === undefined) || laid.length < 3) return undefined;
  // Indents relative to each column's own left edge: columns and pages set margins differently.
  const byColumn = new Map<string, number[]>();
  for (const layout of laid) byColumn.set(layout!.column, [...(byColumn.get(layout!.column) ?? []), layout!.indent]);
  const leftOf = new Map([...byColumn].map(([column, indents]) => [column, percentile(indents, 0.1)]));
  const indents = laid.map((layout) => layout!.indent - leftOf.get(layout!.column)!);
  const atLeft = indents.filter((indent) => indent < 0.4).length;
  const setIn = indents.filter((indent) => indent >= 0.5 && indent < 5).length;
  if (setIn >= 0.2 * lines.length && atLeft >= 0.15 * lines.length) {
    // A list's first line starts an entry: at the margin it is a hanging indent, set in a first-line one.
    const hanging = indents[0]! < 0.4;
    return indents.map((indent, i) => i === 0 || (hanging ? indent < 0.4 : indent >= 0.5));
  }
  const gaps = laid.map((layout) => layout!.gap);
  if (gaps.filter((gap) => Number.isFinite(gap) && gap > 1.3).length >= 0.15 * lines.length) {
    return gaps.map((gap, i) => i === 0 || (Number.isFinite(gap) && gap > 1.3));
  }
  return undefined;
}

/** Without layout: a line that opens with a surname after a line that closed an entry. */
function textStarts(lines: Line[]): boolean[] {
  return lines.map((line, i) => {
    if (i === 0) return true;
    const previous = lines[i - 1]!.text.trim();
    return /[.)]$/.test(previous) && /^(?:\p{Lu}[\p{L}'’-]+(?:,|\s+\p{Lu}{1,3}\b)|[\p{Lu}][\p{L}]+ [\p{Lu}][\p{L}]+\.)/u.test(line.text.trim());
  });
}

function entriesFrom(lines: Line[], starts: boolean[]): ReferenceEntry[] {
  const entries: ReferenceEntry[] = [];
  lines.forEach((line, i) => {
    const text = line.text.replace(/\t/g, ' ').trim();
    const previous = entries[entries.length - 1];
    if (starts[i] || !previous) entries.push({ n: entries.length + 1, raw: text, span: { start: line.start, end: line.end } });
    else {
      previous.raw = joinWrapped(previous.raw, text);
      previous.span = { start: previous.span.start, end: line.end };
    }
  });
  return entries.map((entry) => ({ ...entry, raw: squash(entry.raw) }));
}

/** "com-" + "petition" → "competition"; a DOI or URL broken at a line end is not hyphenated text. */
function joinWrapped(before: string, after: string): string {
  if (/\p{Ll}-$/u.test(before) && /^\p{Ll}/u.test(after) && !/(?:doi|https?:)\S*$/i.test(before)) return before.slice(0, -1) + after;
  return `${before} ${after}`;
}

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(share * (sorted.length - 1))] ?? 0;
}

export function parseReference(docId: string, entry: ReferenceEntry): Reference {
  const text = squash(stripEmphasis(entry.raw));
  const fields = referenceFields(text);
  const emphasised = /\*([^*]+)\*/.exec(entry.raw)?.[1]?.trim().replace(/[.,]$/, '');
  return {
    docId,
    n: entry.n,
    text,
    authors: fields.authors,
    title: fields.title.replace(/\[published correction.*$/i, '').trim(),
    journal: emphasised && text.includes(emphasised) && !fields.title.includes(emphasised) ? emphasised : fields.journal,
    ...(fields.year !== undefined ? { year: fields.year } : {}),
    ...(fields.volume ? { volume: fields.volume } : {}),
    ...(fields.pages ? { pages: fields.pages } : {}),
    ...(fields.doi ? { doi: fields.doi } : {}),
  };
}
