/**
 * One source file → a `Paper`: structure, references, glossary, and the chunks that will be
 * indexed, each carrying its section, page, source span, kind and cited reference numbers.
 */
import { createHash } from 'node:crypto';
import { readsAsInstructions } from '../../lib/lexicon/instructions.ts';
import { escapeRegExp, splitSentences } from '../../lib/text.ts';
import { FRONT_MATTER, RUNNING_HEAD, type Chunk, type ChunkKind, type GlossaryEntry, type Paper, type Reference, type Span, type TableCells } from '../../lib/types.ts';
import { chunkParagraph, type ChunkingOptions } from '../chunk.ts';
import type { SourceText } from '../load.ts';
import { CitationResolver, detectNumericStyle } from '../../lib/citations.ts';
import { abbreviationList, authorInitials, extractGlossary } from './glossary.ts';
import { frontMatter } from './front.ts';
import { parseReference, splitReferenceEntries } from './references.ts';
import { parseStructure, type Element } from './structure.ts';

export interface PaperOptions {
  docId: string;
  /** Path relative to the corpus directory. */
  source: string;
  chunking: ChunkingOptions;
}

export function parsePaper(sourceText: SourceText, options: PaperOptions): Paper {
  const { docId } = options;
  const fallbackTitle = options.source.replace(/\.[^.]+$/, '').replace(/[-_]+/g, ' ');
  const structure = parseStructure(sourceText, fallbackTitle);
  const list = splitReferenceEntries(structure.referenceLines);
  const entries = list.entries;
  // The first two pages: a publisher's cover sheet may come before the article's first page.
  const opening = sourceText.pages?.[0] ? sourceText.text.slice(sourceText.pages[0].start, (sourceText.pages[1] ?? sourceText.pages[0]).end) : sourceText.text.slice(0, 3000);
  const places = { opening, title: structure.title, text: sourceText.text };
  const front = { ...frontMatter(structure.elements, places, entries.map((entry) => entry.raw)), ...(sourceText.repeated?.length ? { printed: sourceText.repeated } : {}) };
  // A reference list running into the page footer picks up the paper's own DOI; it is not the entry's.
  const references = entries.map((entry) => parseReference(docId, entry)).map(({ doi, ...reference }) => (doi && doi !== front.doi ? { ...reference, doi } : reference));
  const bodyTexts = structure.elements.flatMap((element) => (element.kind === 'paragraph' ? [element.text] : []));
  const citations = { numbered: list.numbered, numeric: detectNumericStyle(bodyTexts, references.length) };
  const resolver = new CitationResolver({ count: references.length, ...citations }, references);
  const locator = new SpanLocator(sourceText.text);
  const chunks: Chunk[] = [];
  const occurrences = new Map<string, number>();
  let block = 0;
  const add = (kind: ChunkKind, located: string, within: Span, sectionPath: string[], extra: { refs?: number[]; table?: TableCells } = {}) => {
    // Rows and reference entries are whole source lines already; paragraphs may be pieces.
    const span = kind === 'paragraph' ? locator.locate(located, within) : within;
    const text = kind === 'reference' ? located : resolver.joinNonCitations(located);
    const refs = extra.refs ?? resolver.cited(text);
    const page = pageAt(sourceText, span.start);
    // The same text at the same place twice (repeated table rows) still gets two ids.
    const base = chunkId(docId, kind, span, text);
    const seen = occurrences.get(base) ?? 0;
    occurrences.set(base, seen + 1);
    chunks.push({
      id: seen === 0 ? base : chunkId(docId, kind, span, `${text}\u0000${seen}`),
      docId,
      docTitle: structure.title,
      section: sectionPath[sectionPath.length - 1] ?? '',
      sectionPath,
      ...(page !== undefined ? { page } : {}),
      span,
      kind,
      refs,
      text,
      seq: chunks.length,
      block,
      ...(extra.table ? { table: extra.table } : {}),
      ...(splitSentences(text).some((sentence) => readsAsInstructions(sentence.text)) ? { instructions: true as const } : {}),
    });
  };

  // The title is what users call a paper by: it is a passage like the others.
  const whole = { start: 0, end: sourceText.text.length };
  add('paragraph', structure.title, locator.locate(structure.title, whole), [FRONT_MATTER]);
  block++;
  // Often the only place a paper names its journal and year ("Légaré et al. Trials (2015) 16:50").
  const head = runningHead(front.printed ?? []);
  if (head) {
    add('paragraph', head, { start: 0, end: 0 }, [FRONT_MATTER, RUNNING_HEAD]);
    block++;
  }
  for (const element of structure.elements) {
    if (element.kind === 'paragraph') {
      for (const piece of chunkParagraph(element.text, options.chunking)) add('paragraph', piece.text, element.span, element.sectionPath);
    } else if (element.kind === 'figure') {
      add('figure-caption', `${element.label}. ${element.caption}`.trim(), element.span, element.sectionPath);
    } else {
      const sectionPath = [...element.sectionPath, `${element.label}${element.caption ? ` ${element.caption}` : ''}`];
      // A table whose rows the layout could not read still has its caption to find.
      if (element.rows.length === 0) add('figure-caption', `${element.label}. ${element.caption}`.trim(), element.span, element.sectionPath, { table: { label: element.label, caption: element.caption, header: element.header, cells: [] } });
      for (const row of element.rows) {
        const table: TableCells = { label: element.label, caption: element.caption, header: element.header, cells: row.cells };
        add('table-row', tableRowText(table), row.span, sectionPath, { refs: linkTableRow(row.cells, structure.elements, references, resolver), table });
      }
    }
    block++;
  }
  references.forEach((reference, i) => {
    add('reference', `[${reference.n}] ${reference.text}`, entries[i]!.span, ['References'], { refs: [reference.n] });
    block++;
  });

  const glossaryTexts = structure.elements.flatMap((element) =>
    element.kind === 'paragraph' ? [element.text] : element.kind === 'figure' ? [element.caption] : element.kind === 'table' ? element.rows.map((row) => row.cells.join(' ; ')) : [],
  );
  return {
    docId,
    title: structure.title,
    source: options.source,
    format: sourceText.format,
    ...(sourceText.pages ? { pages: sourceText.pages.length } : {}),
    chunks,
    references,
    glossary: withAuthors(mergeGlossaries(extractGlossary(glossaryTexts), structure.elements.flatMap((element) => (element.kind === 'paragraph' && /^(?:list of )?(?:abbreviations|glossary|nomenclature)$/i.test(element.sectionPath[element.sectionPath.length - 1] ?? '') ? abbreviationList(element.text) : []))), front.authors, glossaryTexts),
    rejoined: structure.rejoined,
    headings: structure.headings,
    front,
    citations,
  };
}

/**
 * A table row as a record that reads on its own: its label, then `header: cell` pairs (or, in a
 * table without a header, `name: values`). The
 * caption stays in `table.caption`: repeated in every row's text, its words would outrank the
 * passages that discuss them.
 */
function tableRowText(table: TableCells): string {
  // Without a header, the first cell names the row: "Rfree: 21.9".
  if (table.header.length === 0) {
    const [name = '', ...values] = table.cells.filter((cell) => cell !== '');
    return `${table.label}. ${values.length > 0 ? `${name}: ${values.join('; ')}` : name}.`;
  }
  const pairs = table.cells
    // A column without a heading (the row labels') gives its cell alone: "T4; MC (68 cases): 26 (38.2%)".
    .map((cell, i) => (cell && cell !== '' ? (table.header[i] === '' ? cell : `${table.header[i] ?? `Column ${i + 1}`}: ${cell}`) : ''))
    .filter((pair) => pair.length > 0);
  return `${table.label}. ${pairs.join('; ')}.`;
}

/**
 * Tables rarely cite; link a row to the references that report it: those whose title names
 * the row's trial (TOGA, JACOB, DESTINY-Gastric01), and those cited by body sentences that name
 * the trial or report two of the row's numbers.
 */
function linkTableRow(cells: string[], elements: Element[], references: Reference[], resolver: CitationResolver): number[] {
  const sentences = elements.flatMap((element) => (element.kind === 'paragraph' && !element.front ? splitSentences(element.text).map((sentence) => sentence.text) : []));
  // Names: capitalised codes and trial acronyms that few passages mention (TOGA, MAHOGANY,
  // DESTINY-Gastric01); a drug name found everywhere links nothing.
  const names = new Set<string>();
  for (const cell of cells) {
    for (const match of cell.matchAll(/\b[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*\b/g)) {
      const name = match[0];
      if (name.length < 4 || !/[A-Z].*[A-Z0-9]|[0-9]/.test(name.slice(1))) continue;
      names.add(name);
    }
  }
  const mentions = (name: string, text: string) => new RegExp(`\\b${escapeRegExp(name)}\\b`, 'i').test(text);
  const linked = new Set<number>();
  for (const name of names) {
    const inTitles = references.filter((reference) => mentions(name, reference.title));
    const inSentences = sentences.filter((sentence) => mentions(name, sentence));
    if (inTitles.length + inSentences.length === 0 || inTitles.length > 3 || inSentences.length > 3) continue;
    for (const reference of inTitles) linked.add(reference.n);
    for (const sentence of inSentences) for (const n of resolver.cited(sentence)) linked.add(n);
  }
  // Results: a body sentence reporting two of the row's decimal figures reports this row.
  const figures = [...new Set(cells.join(' ').match(/\d+\.\d+/g) ?? [])];
  for (const sentence of sentences) {
    if (figures.filter((figure) => new RegExp(`(?<![\\d.])${escapeRegExp(figure)}(?![\\d])`).test(sentence)).length >= 2) {
      for (const n of resolver.cited(sentence)) linked.add(n);
    }
  }
  return [...linked].sort((a, b) => a - b);
}

/** Definitions from the text, then those of an abbreviation list that the text does not give. */
/**
 * The page furniture worth keeping: lines with a year, a volume or a DOI, or words beyond a page
 * count ("Page 2 of 8" and scanner stamps of digits go); joined in the order printed.
 */
function runningHead(printed: string[]): string | undefined {
  const kept = printed.map((line) => line.replace(/\s*\|\s*$/, '').trim()).filter((line) => !/^(?:page\s+)?\d+(?:\s+of\s+\d+)?$/i.test(line) && (/\b(?:19|20)\d{2}\b|\bdoi\b|\b10\.\d{4,}\//i.test(line) || /\p{L}{4,}/u.test(line.replace(/\bpage\b/gi, ''))));
  return kept.length > 0 ? kept.join(' · ') : undefined;
}

function withAuthors(glossary: GlossaryEntry[], authors: string[], texts: string[]): GlossaryEntry[] {
  return [...glossary, ...authorInitials(authors, texts, glossary)];
}

function mergeGlossaries(fromText: GlossaryEntry[], fromList: GlossaryEntry[]): GlossaryEntry[] {
  const known = new Set(fromText.map((entry) => entry.short.toLowerCase()));
  return [...fromText, ...fromList.filter((entry) => !known.has(entry.short.toLowerCase()))];
}

function chunkId(docId: string, kind: ChunkKind, span: Span, text: string): string {
  return createHash('sha256').update(`${docId}\u0000${kind}\u0000${span.start}\u0000${text}`).digest('hex').slice(0, 16);
}

function pageAt(source: SourceText, offset: number): number | undefined {
  if (!source.pages) return undefined;
  const page = source.pages.find((candidate) => offset >= candidate.start && offset < candidate.end + 2);
  return page?.num ?? source.pages[source.pages.length - 1]?.num;
}

/**
 * Finds where a cleaned-up text sits in the source. Cleaning only changes whitespace and
 * punctuation (emphasis marks, glued words split), so letters and digits, in order, are a
 * reliable fingerprint: match the first and last 40 of them.
 */
class SpanLocator {
  private readonly compact: string;
  private readonly offsets: number[];

  constructor(source: string) {
    const chars: string[] = [];
    const offsets: number[] = [];
    for (let i = 0; i < source.length; i++) {
      const c = source[i]!.toLowerCase();
      if (/[\p{L}\p{N}]/u.test(c)) {
        chars.push(c);
        offsets.push(i);
      }
    }
    this.compact = chars.join('');
    this.offsets = offsets;
  }

  locate(text: string, within: Span): Span {
    const key = text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
    const from = this.indexAtOrAfter(within.start);
    const to = this.indexAtOrAfter(within.end + 1);
    // Short keys as a fallback: a rejoined paragraph has other text (a table) inside it.
    for (const size of [40, 16]) {
      const head = key.slice(0, size);
      const tail = key.slice(-size);
      const headAt = this.compact.indexOf(head, from);
      if (headAt === -1 || headAt > to) continue;
      const tailAt = this.compact.indexOf(tail, headAt + Math.max(0, key.length - size - 1));
      if (tailAt === -1 || tailAt > to) continue;
      return { start: this.offsets[headAt]!, end: this.offsets[tailAt + tail.length - 1]! + 1 };
    }
    return within;
  }

  private indexAtOrAfter(offset: number): number {
    let low = 0;
    let high = this.offsets.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.offsets[middle]! < offset) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
