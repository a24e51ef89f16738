/**
 * The structure of a paper from its blocks: title, front matter, headings and their numbering,
 * paragraphs (rejoined where a page or column break split them), tables (caption, header and
 * rows, continued tables joined), figure captions, and the lines of the reference list.
 */
import { repairExtractedText, squash, stripMarkdownInline } from '../../lib/text.ts';
import { FRONT_MATTER, type Span } from '../../lib/types.ts';
import type { SourceText } from '../load.ts';
import { blocksOf, type Line, type RawBlock } from './blocks.ts';
import { ABSTRACT_LABEL, BACK_MATTER, FRONT_LABEL, REFERENCES_HEADING } from './sections.ts';

export interface TableRow {
  cells: string[];
  span: Span;
}

export type Element =
  | { kind: 'paragraph'; text: string; span: Span; sectionPath: string[]; front: boolean; byline?: boolean }
  | { kind: 'table'; label: string; caption: string; header: string[]; rows: TableRow[]; span: Span; sectionPath: string[] }
  | { kind: 'figure'; label: string; caption: string; span: Span; sectionPath: string[] };

/** A heading of the body, as printed (numbering kept), with its depth. */
export interface Heading {
  text: string;
  level: number;
}

export interface Structure {
  title: string;
  elements: Element[];
  /** The body's headings in reading order (front and back matter excluded). */
  headings: Heading[];
  /** Lines after the "References" heading, for the reference parser. */
  referenceLines: Line[];
  /** How many split paragraphs were rejoined. */
  rejoined: number;
}

/** A block after classification, before sections and rejoining. */
type Item =
  | { kind: 'heading'; text: string; level: number; span: Span; runIn?: boolean }
  | { kind: 'title'; text: string; span: Span }
  | { kind: 'paragraph'; text: string; span: Span; lines: number; byline?: boolean }
  | { kind: 'table-caption'; label: string; caption: string; continued: boolean; span: Span }
  | { kind: 'table-rows'; rows: TableRow[]; span: Span }
  | { kind: 'figure'; label: string; caption: string; span: Span }
  | { kind: 'skip' };

const NUMBERED_HEADING = /^(\d{1,2}(?:\.\d{1,2}){0,4})\.?\s+(\S.{0,118})$/;
const TABLE_CAPTION = /^(?:TABLE|Table)\s+([A-Z]?\d+|[IVX]+)(?:\s*[.:|]\s*|\s+(?=[A-Z(])|\s*$)(.*)$/s;
const FIGURE_CAPTION = /^(?:FIGURE|Figure|FIG\.?|Fig\.?)\s*([A-Z]?\d+)(?:\s*[.:|]\s*|\s+|\s*$)(.*)$/s;

export function parseStructure(source: SourceText, fallbackTitle: string): Structure {
  const blocks = blocksOf(source);
  const { bodyBlocks, referenceLines } = splitReferences(blocks);
  const items = captionsBeforeRows(completeFigureCaptions(bodyBlocks.flatMap(classify)));
  // Typography already told PDFs' headings from their text; plain text needs the guess.
  if (!source.blocks) promoteUnnumberedHeadings(items);
  const { title, frontEnd } = findTitle(items, source, fallbackTitle);
  const { elements, rejoined, headings } = assemble(items, frontEnd, source.blocks !== undefined);
  return { title, elements, headings, referenceLines, rejoined };
}

/** The reference list's lines, and the blocks of the rest. */
function splitReferences(blocks: RawBlock[]): { bodyBlocks: RawBlock[]; referenceLines: Line[] } {
  const isHeading = (block: RawBlock) => block.lines.length === 1 && REFERENCES_HEADING.test(block.lines[0]!.text.trim());
  // Layout marks a PDF's reference list; a "References" line elsewhere (a cover sheet) is not one.
  if (blocks.some((block) => block.hint !== undefined && block.hint.kind !== 'heading' && block.hint.kind !== 'table')) {
    return {
      bodyBlocks: blocks.filter((block) => block.hint?.kind !== 'references' && !(block.hint?.kind === 'heading' && isHeading(block))),
      referenceLines: blocks.filter((block) => block.hint?.kind === 'references').flatMap((block) => block.lines),
    };
  }
  const referencesAt = blocks.findIndex(isHeading);
  return {
    bodyBlocks: referencesAt >= 0 ? blocks.slice(0, referencesAt) : blocks,
    referenceLines: referencesAt >= 0 ? blocks.slice(referencesAt + 1).flatMap((block) => block.lines) : [],
  };
}

function spanOf(lines: Line[]): Span {
  return { start: lines[0]!.start, end: lines[lines.length - 1]!.end };
}

function clean(text: string): string {
  return squash(repairExtractedText(stripMarkdownInline(text)));
}

function classify(block: RawBlock): Item[] {
  const span = spanOf(block.lines);
  const hint = block.hint;
  if (hint?.kind === 'heading') {
    return [{ kind: 'heading', text: clean(block.lines[0]!.text), level: headingLevel(block.lines[0]!.text) ?? hint.level, span, ...(hint.runIn ? { runIn: true } : {}) }];
  }
  if (hint?.kind === 'title') return [{ kind: 'title', text: clean(block.lines[0]!.text), span }];
  if (hint?.kind === 'paragraph') return [{ kind: 'paragraph', text: clean(block.lines[0]!.text), span, lines: 1 }];
  if (block.hint?.kind === 'table') {
    return [{ kind: 'table-rows', rows: block.hint.rows.map((cells) => ({ cells: cells.map(clean), span })), span }];
  }
  const text = block.lines.map((line) => line.text).join('\n');
  if (text.trim().length === 0 || /^\(?continued\)?$/i.test(text.trim())) return [{ kind: 'skip' }];

  const tabbed = block.lines.filter((line) => line.text.split('\t').length >= 3);
  if (tabbed.length > 0 && tabbed.length >= block.lines.length / 2) {
    // Rows of a table; a caption line may lead the block.
    const items: Item[] = [];
    const first = block.lines[0]!;
    if (!first.text.includes('\t')) items.push(...classify({ lines: [first] }));
    const rows = block.lines.filter((line) => line.text.includes('\t')).map((line) => ({
      cells: line.text.split('\t').map(clean),
      span: { start: line.start, end: line.end },
    }));
    items.push({ kind: 'table-rows', rows, span });
    return items;
  }

  const joined = text.trim();
  const table = TABLE_CAPTION.exec(joined);
  if (table && joined.length < 400) {
    const rest = clean(table[2] ?? '');
    return [{ kind: 'table-caption', label: `Table ${table[1]}`, caption: rest.replace(/^continued$/i, ''), continued: /^continued\b/i.test(rest), span }];
  }
  const figure = FIGURE_CAPTION.exec(joined);
  if (figure && joined.length < 1500) {
    return [{ kind: 'figure', label: `Figure ${figure[1]}`, caption: clean(figure[2] ?? ''), span }];
  }
  if (block.lines.length === 1 && headingLevel(joined) !== undefined) {
    return [{ kind: 'heading', text: clean(joined), level: headingLevel(joined)!, span }];
  }
  return [{ kind: 'paragraph', text: clean(text), span, lines: block.lines.length }];
}

/** The depth of a numbered heading ("3.1.2 Pertuzumab" → 3), or undefined when it is not one. */
function headingLevel(text: string): number | undefined {
  const match = NUMBERED_HEADING.exec(text.trim());
  if (!match) return undefined;
  const title = match[2]!;
  const top = Number(match[1]!.split('.')[0]);
  if (top === 0 || top > 30) return undefined;
  if (/[.,;:]$/.test(title) || !/^[A-Z\u0370-\u03ff]/.test(title)) return undefined;
  if (title.split(/\s+/).length > 14) return undefined;
  return match[1]!.split('.').length;
}

/**
 * A table caption that reading order puts after its rows (a table set at the top of a column,
 * its caption in the other) moves to just before them: rows with no caption of their own and
 * a caption with no rows after it, at most three items apart.
 */
function captionsBeforeRows(items: Item[]): Item[] {
  const out = [...items];
  for (let i = 0; i < out.length; i++) {
    if (out[i]!.kind !== 'table-rows' || (previousContent(out, i - 1)?.kind === 'table-caption')) continue;
    for (let j = i + 1; j < Math.min(out.length, i + 4); j++) {
      const caption = out[j]!;
      if (caption.kind !== 'table-caption') continue;
      if (nextContent(out, j + 1)?.kind === 'table-rows') break;
      out.splice(j, 1);
      out.splice(i, 0, caption);
      i++;
      break;
    }
  }
  return out;
}

/** "FIGURE 5" alone on its line takes the short block after it as its caption. */
function completeFigureCaptions(items: Item[]): Item[] {
  const out: Item[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const next = items[i + 1];
    if (item.kind === 'figure' && item.caption === '' && next?.kind === 'paragraph' && next.text.length < 400) {
      out.push({ ...item, caption: next.text, span: { start: item.span.start, end: next.span.end } });
      i++;
    } else {
      out.push(item);
    }
  }
  return out;
}

const isClosed = (text: string) => /[.?!]["'”)\]]*$/.test(text.trim());

function nextContent(items: Item[], from: number): Item | undefined {
  for (let i = from; i < items.length; i++) if (items[i]!.kind !== 'skip') return items[i];
  return undefined;
}

function previousContent(items: Item[], from: number): Item | undefined {
  for (let i = from; i >= 0; i--) if (items[i]!.kind !== 'skip') return items[i];
  return undefined;
}

/**
 * Short one-line blocks without a full stop become headings ("Funding", "KEYWORDS") when a new
 * paragraph follows and the paragraph before is complete; next to a figure they are text that
 * belongs to the figure and is dropped.
 */
function promoteUnnumberedHeadings(items: Item[]): void {
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.kind !== 'paragraph' || item.lines !== 1) continue;
    const text = item.text;
    if (text.length > 120 || /[.,;:]$/.test(text) || !/^[A-Z]/.test(text)) continue;
    const next = nextContent(items, i + 1);
    const previous = previousContent(items, i - 1);
    if (next?.kind === 'figure' || previous?.kind === 'figure') {
      items[i] = { kind: 'skip' };
      continue;
    }
    if (text.length > 60 || text.split(/\s+/).length > 8 || /\(\d/.test(text) || /^\d/.test(text)) continue;
    if (next?.kind === 'paragraph' && (!/^[a-z]/.test(next.text) || /^[A-Z]{4,}$/.test(text))) {
      items[i] = { kind: 'heading', text, level: 1, span: item.span };
    }
  }
}

const SUPERSCRIPT = /[\u00b9\u00b2\u00b3\u2070-\u2079]|\^\{|[@\u2709]/;

/** Running prose of several sentences, not an address, a licence or a biography box. */
function looksLikeAbstract(text: string): boolean {
  if (text.length < 300 || isFrontMatterLike(text)) return false;
  if (/©|licen[cs]e[ed]?\b|creative commons|https?:|doi:|correspond|\b(?:department|university|institute|faculty) of\b|\b(?:received|accepted|published)\b|\bPh\.?D\b/i.test(text)) return false;
  return (text.match(/[.!?](?=\s+\p{Lu})/gu)?.length ?? 0) >= 2;
}

function isFrontMatterLike(text: string): boolean {
  return SUPERSCRIPT.test(text) || /^[A-Z][A-Z ]+$/.test(text.trim());
}

/**
 * The title: a Markdown h1 or PDF metadata when present; otherwise the longest one-line block
 * before the first long paragraph that reads like a title (several words, not a label, no
 * final full stop, no author superscripts). Blocks before it are front matter, as are author
 * and affiliation lines right after it.
 */
function findTitle(items: Item[], source: SourceText, fallbackTitle: string): { title: string; frontEnd: number } {
  const typeset = items.findIndex((item) => item.kind === 'title');
  if (typeset >= 0) {
    const title = (items[typeset] as { text: string }).text;
    items[typeset] = { kind: 'skip' };
    const byline = items.findIndex((item, i) => i > typeset && item.kind === 'paragraph');
    if (byline >= 0) items[byline] = { ...(items[byline] as Extract<Item, { kind: 'paragraph' }>), byline: true };
    return { title, frontEnd: firstBodyHeading(items, typeset) };
  }
  const firstHeading = items.findIndex((item) => item.kind === 'heading' && /^\d/.test(item.text));
  const limit = firstHeading === -1 ? Math.min(items.length, 40) : firstHeading;
  if (source.format === 'markdown') {
    const h1 = items.findIndex((item) => item.kind === 'heading' && item.level === 1);
    if (h1 >= 0 && h1 <= limit) return { title: (items[h1] as { text: string }).text, frontEnd: h1 + 1 };
  }
  let best = -1;
  for (let i = 0; i < limit; i++) {
    const item = items[i]!;
    if (item.kind !== 'paragraph' || item.lines !== 1) continue;
    const text = item.text;
    const words = text.split(/\s+/);
    if (text.length < 15 || text.length > 250 || words.length < 3 || !/^[A-Z0-9]/.test(text)) continue;
    if (/\.$/.test(text) || /https?:|©|@/.test(text) || SUPERSCRIPT.test(text)) continue;
    if (/^[A-Z]{2,}$/.test(words[0]!) && !/\d/.test(words[0]!)) continue;
    if (best === -1 || text.length > (items[best] as { text: string }).text.length) best = i;
  }
  const metadata = source.metadataTitle && plausibleTitle(source.metadataTitle) ? source.metadataTitle : undefined;
  if (best === -1) {
    if (metadata) return { title: clean(metadata), frontEnd: 0 };
    const first = items.findIndex((item) => (item.kind === 'paragraph' || item.kind === 'heading') && item.text.length <= 200);
    if (first === -1) return { title: fallbackTitle, frontEnd: 0 };
    const title = (items[first] as { text: string }).text;
    items[first] = { kind: 'skip' };
    return { title, frontEnd: first + 1 };
  }
  let frontEnd = best + 1;
  while (frontEnd < limit) {
    const item = items[frontEnd]!;
    if (item.kind === 'skip' || (item.kind === 'paragraph' && item.text.length < 400 && isFrontMatterLike(item.text))) frontEnd++;
    else break;
  }
  const title = metadata ?? (items[best] as { text: string }).text;
  items[best] = { kind: 'skip' };
  return { title, frontEnd };
}

/** Metadata titles are often file names, job numbers or "doi:"; a title has words. */
function plausibleTitle(title: string): boolean {
  const words = title.match(/\p{L}{2,}/gu) ?? [];
  if (words.length < 3 || /^(untitled|microsoft word|document\d*|doi)\b/i.test(title) || /\.(pdf|docx?|tex|indd)\b/i.test(title)) return false;
  return (title.match(/\d/g)?.length ?? 0) < title.length / 4;
}

/** Where the body starts after a typeset title: the first heading that is not a front-matter label. */
function firstBodyHeading(items: Item[], after: number): number {
  for (let i = after + 1; i < items.length; i++) {
    const item = items[i]!;
    if (item.kind !== 'heading' || FRONT_LABEL.test(item.text)) continue;
    // A run-in heading starts the body unless it labels a structured abstract.
    if (!item.runIn || (!ABSTRACT_LABEL.test(item.text) && !items.slice(after, i).some((other) => other.kind === 'heading' && /^(?:abstract|summary)$/i.test(other.text)))) return i;
  }
  return after + 1;
}

/**
 * Walks the items in order, tracking the section path, merging front-matter labels with their
 * values, building tables, and rejoining paragraphs split by a page or column break: a
 * paragraph that stops mid-sentence continues in the next paragraph of the same section, even
 * with figures or tables between them.
 */
function assemble(items: Item[], frontEnd: number, fromLayout: boolean): { elements: Element[]; rejoined: number; headings: Heading[] } {
  const elements: Element[] = [];
  const headings: Heading[] = [];
  let inAbstract = false;
  /** The level of the last heading set on its own line (run-in headings count from it). */
  let blockLevel = 0;
  const path: { level: number; text: string }[] = [];
  const tables = new Map<string, Extract<Element, { kind: 'table' }>>();
  let currentTable: Extract<Element, { kind: 'table' }> | undefined;
  let openParagraph: Extract<Element, { kind: 'paragraph' }> | undefined;
  let pendingLabel: { text: string; span: Span } | undefined;
  let rejoined = 0;
  const sectionPath = () => path.map((entry) => entry.text);

  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const inFront = i < frontEnd;
    if (item.kind === 'skip') continue;
    if (item.kind !== 'table-rows' && item.kind !== 'table-caption') currentTable = undefined;

    if (item.kind === 'title') continue;
    if (item.kind === 'heading' && inFront) {
      pendingLabel = { text: item.text, span: item.span };
      if (/^(?:abstract|summary)$/i.test(item.text)) inAbstract = true;
      else if (!item.runIn) inAbstract = false;
      if (/^key ?words?$/i.test(item.text)) inAbstract = false;
      continue;
    }
    if (item.kind === 'heading') {
      // A run-in heading without a number sits one level below the heading it follows.
      const runInLevel = blockLevel + Math.max(1, item.level);
      // Back matter (funding, contributions, notes) hangs off the top level, outside the body.
      const back = BACK_MATTER.test(item.text);
      const level = back ? 1 : item.runIn && headingLevel(item.text) === undefined ? runInLevel : item.level;
      while (path.length > 0 && path[path.length - 1]!.level >= level) path.pop();
      path.push({ level, text: /^[A-Z]+$/.test(item.text) ? titleCase(item.text) : item.text });
      if (!back) headings.push({ text: item.text, level });
      if (!item.runIn) blockLevel = level;
      openParagraph = undefined;
      continue;
    }
    if (item.kind === 'figure') {
      elements.push({ kind: 'figure', label: item.label, caption: item.caption, span: item.span, sectionPath: sectionPath() });
      continue;
    }
    if (item.kind === 'table-caption') {
      const existing = tables.get(item.label);
      if (item.continued && existing) {
        currentTable = existing;
      } else {
        currentTable = { kind: 'table', label: item.label, caption: item.caption, header: [], rows: [], span: item.span, sectionPath: sectionPath() };
        tables.set(item.label, currentTable);
        elements.push(currentTable);
      }
      continue;
    }
    if (item.kind === 'table-rows') {
      // In a PDF, rows without a caption continue the table just before (past a note or a
      // header line), or are aligned text (equations, figure labels): paragraphs then.
      const recent = [...elements.slice(-6)].reverse().find((element): element is Extract<Element, { kind: 'table' }> => element.kind === 'table');
      if (!currentTable && fromLayout && recent) currentTable = recent;
      if (!currentTable && fromLayout) {
        for (const row of item.rows) elements.push({ kind: 'paragraph', text: row.cells.filter(Boolean).join(' '), span: row.span, sectionPath: sectionPath(), front: false });
        continue;
      }
      if (!currentTable) {
        currentTable = { kind: 'table', label: `Table ${tables.size + 1}`, caption: '', header: [], rows: [], span: item.span, sectionPath: sectionPath() };
        tables.set(currentTable.label, currentTable);
        elements.push(currentTable);
      }
      addRows(currentTable, item.rows, fromLayout);
      continue;
    }
    // A paragraph.
    if (inFront) {
      if (/^\*?[A-Z][A-Z* ]{2,40}$/.test(item.text)) {
        pendingLabel = { text: item.text.replace(/\*/g, ''), span: item.span };
        continue;
      }
      const label = pendingLabel && !/^(?:abstract|summary)$/i.test(pendingLabel.text) ? titleCase(pendingLabel.text) : undefined;
      const text = label ? `${label}: ${item.text}` : item.text;
      const span = pendingLabel ? { start: pendingLabel.span.start, end: item.span.end } : item.span;
      // The abstract is content: answerable like the body, unlike the rest of the front matter.
      const abstract = inAbstract || (!label && item.lines === 1 && looksLikeAbstract(item.text));
      pendingLabel = undefined;
      elements.push({ kind: 'paragraph', text, span, sectionPath: [abstract ? 'Abstract' : FRONT_MATTER], front: !abstract, ...(item.byline ? { byline: true } : {}) });
      continue;
    }
    const continues =
      openParagraph !== undefined &&
      (!isClosed(openParagraph.text) || /^[a-z]/.test(item.text) || (/\b(?:No|Nos|vs|al)\.$/.test(openParagraph.text) && /^\d/.test(item.text)));
    if (continues && openParagraph) {
      openParagraph.text = `${openParagraph.text} ${item.text}`;
      openParagraph.span = { start: openParagraph.span.start, end: item.span.end };
      rejoined++;
      continue;
    }
    const paragraph: Extract<Element, { kind: 'paragraph' }> = {
      kind: 'paragraph',
      text: item.text,
      span: item.span,
      sectionPath: path.length > 0 ? sectionPath() : ['Abstract'],
      front: false,
    };
    elements.push(paragraph);
    openParagraph = paragraph;
  }
  return { elements, rejoined, headings };
}

/**
 * Adds rows to a table: the first row of a new table is its header (a continued table repeats
 * it, and the repeat is dropped); blank leading cells inherit the value above them. In a PDF,
 * where nothing marks the header, a first row holding a measured value ("Resolution (Å) 2.2")
 * is data: the table has no header then.
 */
function addRows(table: Extract<Element, { kind: 'table' }>, rows: TableRow[], fromLayout = false): void {
  for (const row of rows) {
    if (table.header.length === 0 && table.rows.length === 0 && !(fromLayout && row.cells.slice(1).some((cell) => MEASURED.test(cell)))) {
      table.header = row.cells;
      continue;
    }
    if (row.cells.join('\t') === table.header.join('\t')) continue;
    // A header set on several lines ("Univariate regression analysis" over "RR  95% CI"): before
    // any data, a line with no row label and no measured value is more of the header.
    if (fromLayout && table.rows.length === 0 && table.header.length > 0 && row.cells[0] === '' && !row.cells.some((cell) => MEASURED.test(cell))) {
      table.header = table.header.map((cell, i) => [cell, row.cells[i] ?? ''].filter(Boolean).join(' '));
      continue;
    }
    const previous = table.rows[table.rows.length - 1];
    const cells = [...row.cells];
    for (let c = 0; c < cells.length && cells[c] === '' && previous; c++) cells[c] = previous.cells[c] ?? '';
    table.rows.push({ cells, span: row.span });
    table.span = { start: table.span.start, end: Math.max(table.span.end, row.span.end) };
  }
}

/**
 * A decimal number, or a number with another in brackets ("68 (19–87)", "34 (50%)"): a header
 * may hold a year or a count, rarely a measurement.
 */
const MEASURED = /\d[.·]\d|\d\s*\(\s*\d/;

function titleCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1).toLowerCase();
}
