/**
 * A synthetic library of many papers for the `papers` section: the review of corpus/ and, where
 * ../shared/papers holds them, the real PDFs, each multiplied into distinct papers.
 *
 * A source paper is read and parsed once, as ingest parses it, into an outline: title, front
 * matter, sections with their paragraphs, tables and figure captions, and its reference list.
 * Paper `i` of the library is source `i mod n`, copy `⌊i / n⌋`. Copy 0 is the source itself
 * (the review exactly as in corpus/, a PDF as its outline written out as Markdown); every other
 * copy is the outline perturbed with a seed of its own and written as Markdown: a new title,
 * the names (authors, places, drugs, acronyms) renamed consistently through body and reference
 * list, numbers rewritten (the same number alike throughout, so tables, years and author-year
 * citations still agree), and the paragraphs of each section shuffled. Bracketed citation
 * numbers are kept, so every copy cites its own reference list. Paper `i` depends only on `i`:
 * the 10-paper library is the first tenth of the 100-paper one.
 */
import { copyFile, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DEFAULT_CHUNKING } from '../ingest/chunk.ts';
import { loadSource } from '../ingest/load.ts';
import { parsePaper } from '../ingest/parse/paper.ts';
import { REFERENCES_HEADING } from '../ingest/parse/sections.ts';
import { isCommonWord } from '../lib/common-words.ts';
import { seededRandom } from '../lib/random.ts';
import { FRONT_MATTER, RUNNING_HEAD, type Paper } from '../lib/types.ts';

/** A paper reduced to what a copy is written from. */
export interface Outline {
  /** The source file's name (review.txt, paper.pdf). */
  name: string;
  title: string;
  front: string[];
  sections: OutlineSection[];
  /** Entries as printed, in order. */
  references: string[];
  /** The list is numbered (cited by number) rather than by author and year. */
  numbered: boolean;
}

export interface OutlineSection {
  /** Outermost heading first; empty before the first heading. */
  path: string[];
  items: OutlineItem[];
}

export type OutlineItem = { kind: 'paragraph'; text: string } | { kind: 'figure'; text: string } | { kind: 'table'; caption: string; header: string[]; rows: string[][] };

/** A source of the library: its outline, and the file copy 0 is (the original, or the outline written out). */
export interface SourcePaper {
  outline: Outline;
  /** Written as copy 0: a file to copy, or Markdown to write. */
  original: { copyFrom: string; extension: string } | { markdown: string };
}

/** Where the sources come from, and the limits ingest reads them with. */
export interface SourceOptions {
  /** The project's corpus/ (its .txt / .md papers). */
  corpusDir: string;
  /** Real PDFs (../shared/papers); absent or empty is fine. */
  pdfDir?: string;
  maxFileBytes: number;
  /** At most this many sources are read (reading a PDF takes up to a few seconds). */
  limit: number;
}

/** Reads the sources: the corpus's papers first, then the PDFs, each in name order. */
export async function readSources(options: SourceOptions): Promise<SourcePaper[]> {
  const sources: SourcePaper[] = [];
  const texts = (await readdir(options.corpusDir)).filter((name) => /\.(txt|md)$/i.test(name) && !/^readme/i.test(name)).sort();
  const pdfs = options.pdfDir ? (await listPdfs(options.pdfDir)).map((name) => join(options.pdfDir!, name)) : [];
  for (const path of [...texts.map((name) => join(options.corpusDir, name)), ...pdfs]) {
    if (sources.length >= options.limit) break;
    const text = await loadSource(path, { maxBytes: options.maxFileBytes });
    const paper = parsePaper(text, { docId: 'source', source: basename(path), chunking: DEFAULT_CHUNKING });
    const outline = outlineOf(paper, basename(path));
    const extension = /\.[^.]+$/.exec(path)![0];
    sources.push({ outline, original: text.format === 'pdf' ? { markdown: renderMarkdown(outline) } : { copyFrom: path, extension } });
  }
  if (sources.length === 0) throw new Error(`bench: no papers to multiply in ${options.corpusDir}`);
  return sources;
}

/** The PDFs of a directory, or none when it does not exist. */
export async function listPdfs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => name.toLowerCase().endsWith('.pdf')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** A parsed paper as an outline: chunks regrouped into paragraphs, tables and captions by block. */
export function outlineOf(paper: Paper, name: string): Outline {
  const front: string[] = [];
  const sections: OutlineSection[] = [];
  let block = -1;
  let table: Extract<OutlineItem, { kind: 'table' }> | undefined;
  for (const chunk of paper.chunks) {
    if (chunk.kind === 'reference') continue;
    if (chunk.sectionPath[0] === FRONT_MATTER) {
      // The title is written as the heading; the running head comes back from the layout only.
      if (chunk.seq > 0 && chunk.sectionPath[1] !== RUNNING_HEAD) front.push(chunk.text);
      continue;
    }
    // A table row's path ends with its table's label and caption: the section is the rest.
    const path = chunk.kind === 'table-row' ? chunk.sectionPath.slice(0, -1) : chunk.sectionPath;
    let section = sections.at(-1);
    if (!section || section.path.join('\u0000') !== path.join('\u0000')) {
      section = { path, items: [] };
      sections.push(section);
    }
    if (chunk.kind === 'table-row' && chunk.table) {
      if (chunk.block !== block || !table) {
        table = { kind: 'table', caption: `${chunk.table.label}. ${chunk.table.caption}`.trim(), header: chunk.table.header, rows: [] };
        section.items.push(table);
      }
      table.rows.push(chunk.table.cells);
    } else if (chunk.kind === 'figure-caption') {
      section.items.push({ kind: 'figure', text: chunk.text });
    } else {
      const last = section.items.at(-1);
      // Pieces of one paragraph share its block.
      if (chunk.block === block && last?.kind === 'paragraph') last.text = `${last.text} ${chunk.text}`;
      else section.items.push({ kind: 'paragraph', text: chunk.text });
    }
    block = chunk.block;
  }
  return {
    name,
    title: paper.title,
    front,
    sections,
    references: paper.references.map((reference) => reference.text),
    numbered: paper.citations?.numbered ?? true,
  };
}

/** An outline as a Markdown paper PaperChat's parser reads back into the same structure. */
export function renderMarkdown(outline: Outline): string {
  const lines: string[] = [`# ${outline.title}`, ''];
  for (const text of outline.front) if (!REFERENCES_HEADING.test(text)) lines.push(text, '');
  let path: string[] = [];
  for (const section of outline.sections) {
    // Only the headings that changed, at their depth (## is a top-level section).
    let same = 0;
    while (same < path.length && same < section.path.length && path[same] === section.path[same]) same++;
    for (let depth = same; depth < section.path.length; depth++) lines.push(`${'#'.repeat(Math.min(6, depth + 2))} ${section.path[depth]}`, '');
    path = section.path;
    for (const item of section.items) {
      if (item.kind === 'table') lines.push(item.caption, '', ...pipeTable(item.header, item.rows), '');
      // A stray "References" line (a cover sheet's) would start the reference list early.
      else if (!REFERENCES_HEADING.test(item.text)) lines.push(item.text, '');
    }
  }
  if (outline.references.length > 0) {
    lines.push('## References', '');
    // An author-year entry is told from the next by its closing full stop (a DOI may lack one).
    outline.references.forEach((entry, i) => lines.push(outline.numbered ? `${i + 1}. ${entry}` : /[.)]$/.test(entry) ? entry : `${entry}.`, ''));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** A GitHub-flavoured Markdown table (what PaperChat's Markdown reader takes as a table). */
function pipeTable(header: string[], rows: string[][]): string[] {
  const width = Math.max(header.length, ...rows.map((row) => row.length));
  const line = (cells: string[]) => `| ${Array.from({ length: width }, (_, i) => (cells[i] ?? '').replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), `|${' --- |'.repeat(width)}`, ...rows.map(line)];
}

/** Copy `copy` (≥ 1) of an outline: a distinct paper, the same for the same copy number. */
export function perturb(outline: Outline, copy: number): Outline {
  const seed = hash(`${outline.name}\u0000${copy}`);
  const rename = new Renamer(seed, collectNames(outline));
  const numbers = new Renumberer(seed);
  const prose = (text: string) => numbers.rewrite(rename.text(text));
  const shuffle = seededRandom(seed ^ 0x5bd1e995);
  const sections = outline.sections.map((section) => {
    const items = section.items.map((item): OutlineItem => {
      if (item.kind === 'table') return { kind: 'table', caption: prose(item.caption), header: item.header.map((cell) => rename.text(cell)), rows: item.rows.map((row) => row.map(prose)) };
      return { kind: item.kind, text: prose(item.text) };
    });
    // Paragraphs change places with paragraphs only: tables and captions stay where they were.
    const slots = items.flatMap((item, at) => (item.kind === 'paragraph' ? [at] : []));
    const paragraphs = slots.map((at) => items[at]!);
    for (let i = paragraphs.length - 1; i > 0; i--) {
      const j = Math.floor(shuffle() * (i + 1));
      [paragraphs[i], paragraphs[j]] = [paragraphs[j]!, paragraphs[i]!];
    }
    slots.forEach((at, k) => (items[at] = paragraphs[k]!));
    return { path: section.path.map((heading) => rename.text(heading)), items };
  });
  return {
    name: `${outline.name}#${copy}`,
    title: `${prose(outline.title).replace(/[.\s]+$/, '')}: ${SUBTITLES[Math.floor(shuffle() * SUBTITLES.length)]!.replace('*', rename.invent(seed ^ 0x27d4eb2d))}`,
    front: outline.front.map(prose),
    sections,
    references: outline.references.map(prose),
    numbered: outline.numbered,
  };
}

const SUBTITLES = ['evidence from the * cohort', 'the * replication', 'a * multicentre study', 'findings of the * consortium', 'the * experience', 'a reanalysis of the * data'];

/** The library's file for paper `i` (name and contents or source to copy). */
export function libraryFile(sources: readonly SourcePaper[], i: number): { name: string; copyFrom?: string; text?: string } {
  const source = sources[i % sources.length]!;
  const copy = Math.floor(i / sources.length);
  const stem = `${String(i).padStart(5, '0')}-${source.outline.name.replace(/\.[^.]+$/, '')}`;
  if (copy > 0) return { name: `${stem}-copy${copy}.md`, text: renderMarkdown(perturb(source.outline, copy)) };
  if ('copyFrom' in source.original) return { name: `${stem}${source.original.extension}`, copyFrom: source.original.copyFrom };
  return { name: `${stem}.md`, text: source.original.markdown };
}

/** Writes papers `from … to-1` of the library into `dir`; returns the bytes written. */
export async function writeLibrary(sources: readonly SourcePaper[], dir: string, from: number, to: number): Promise<number> {
  let bytes = 0;
  for (let i = from; i < to; i++) {
    const file = libraryFile(sources, i);
    const path = join(dir, file.name);
    if (file.copyFrom) {
      await copyFile(file.copyFrom, path);
      bytes += (await stat(path)).size;
    } else {
      await writeFile(path, file.text!);
      bytes += Buffer.byteLength(file.text!);
    }
  }
  return bytes;
}

/**
 * Names a copy renames: capitalised words that are neither common English words nor written in
 * lower case elsewhere in the paper (authors, places, drugs, trials). Sentence-initial words
 * are common words and stay.
 */
function collectNames(outline: Outline): Set<string> {
  const names = new Set<string>();
  const texts = [
    outline.title,
    ...outline.front,
    ...outline.references,
    ...outline.sections.flatMap((section) => [...section.path, ...section.items.flatMap((item) => (item.kind === 'table' ? [item.caption, ...item.header, ...item.rows.flat()] : [item.text]))]),
  ];
  // A word also written in lower case is a term ("Histology" in a title), not a name.
  const lower = new Set(texts.flatMap((text) => text.match(/(?<![\p{L}\p{N}])\p{Ll}[\p{Ll}\p{N}-]*/gu) ?? []));
  for (const text of texts) {
    for (const [word] of text.matchAll(NAME)) if (!isCommonWord(word) && !lower.has(word.toLowerCase())) names.add(word);
  }
  return names;
}

/**
 * A capitalised word of three letters or more. Acronyms stay: renaming them apart from the
 * words they abbreviate would break the glossary, and papers of one field share them.
 */
const NAME = /(?<![\p{L}\p{N}])\p{Lu}\p{Ll}{2,}(?![\p{L}\p{N}])/gu;

/** Renames a copy's names consistently: each name is renamed (or kept) the same way everywhere. */
class Renamer {
  private readonly renamed = new Map<string, string>();

  constructor(
    private readonly seed: number,
    private readonly names: ReadonlySet<string>,
  ) {}

  text(text: string): string {
    return text.replace(NAME, (word) => (this.names.has(word) ? this.name(word) : word));
  }

  /** A new capitalised name for a seed. */
  invent(seed: number): string {
    const next = seededRandom(seed);
    const syllables = 2 + Math.floor(next() * 2);
    let name = '';
    for (let i = 0; i < syllables; i++) name += CONSONANTS[Math.floor(next() * CONSONANTS.length)]! + VOWELS[Math.floor(next() * VOWELS.length)]!;
    if (next() < 0.5) name += CONSONANTS[Math.floor(next() * CONSONANTS.length)]!;
    return name[0]!.toUpperCase() + name.slice(1);
  }

  private name(word: string): string {
    let renamed = this.renamed.get(word);
    if (renamed === undefined) {
      const next = seededRandom(this.seed ^ hash(word));
      // Two in three names change: copies share some names, as papers of one field do.
      renamed = next() < 2 / 3 ? this.invent(this.seed ^ hash(word) ^ 0x9e3779b9) : word;
      this.renamed.set(word, renamed);
    }
    return renamed;
  }
}

const CONSONANTS = 'bcdfgklmnprstvz';
const VOWELS = 'aeiou';

/**
 * Rewrites a copy's numbers consistently (the same number alike everywhere): years move by a few,
 * other numbers are scaled with their digits after the point kept. Single digits (list, table
 * and figure numbers) and bracketed citations such as [3] or [4–6] stay.
 */
class Renumberer {
  private readonly rewritten = new Map<string, string>();

  constructor(private readonly seed: number) {}

  rewrite(text: string): string {
    // Split on bracketed citations; only the parts between them are rewritten.
    return text
      .split(/(\[[\d,;\s–-]+\])/)
      .map((part, i) => (i % 2 === 1 ? part : part.replace(/(?<![\p{L}^\d.])\d+(?:\.\d+)?(?![\p{L}\d])/gu, (number) => this.number(number))))
      .join('');
  }

  private number(number: string): string {
    if (number.length === 1) return number;
    let rewritten = this.rewritten.get(number);
    if (rewritten === undefined) {
      const next = seededRandom(this.seed ^ hash(number));
      const value = Number(number);
      const decimals = number.split('.')[1]?.length ?? 0;
      if (decimals === 0 && value >= 1900 && value <= 2039) rewritten = String(value + Math.floor(next() * 7) - 3);
      else rewritten = (value * (0.6 + 0.8 * next())).toFixed(decimals);
      this.rewritten.set(number, rewritten);
    }
    return rewritten;
  }
}

/** FNV-1a: a small, stable string hash for seeds. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
