/**
 * Parse quality: how well ingest recovers a real paper's structure, scored against a
 * hand-checked truth file (`../shared/papers/*.truth.json`): the title, the body's section
 * headings, the number of tables, the number of references, sample entries' authors, year and
 * DOI, in-text citations linked to entries, and page furniture left inside passages.
 */
import { FRONT_MATTER, RUNNING_HEAD, type Paper } from '../lib/types.ts';

export interface TruthReference {
  n: number;
  authors: string[];
  year: number | null;
  title: string;
  journal: string | null;
  doi: string | null;
  doiPrinted?: boolean;
}

export interface Truth {
  title: string;
  doi: string;
  citationStyle: 'bracketed' | 'superscript' | 'author-year';
  sections: string[];
  tables: number;
  references: { count: number; samples: TruthReference[] };
}

export interface SampleCheck {
  n: number;
  authors: boolean;
  year: boolean;
  doi: boolean;
  found: boolean;
}

export interface PaperQuality {
  name: string;
  titleExact: boolean;
  title: { expected: string; got: string };
  sections: { precision: number; recall: number; f1: number; missing: string[]; extra: string[] };
  tables: { expected: number; got: number };
  references: { expected: number; got: number; withinOne: boolean };
  samples: SampleCheck[];
  /** Body passages citing at least one reference, and all body passages. */
  citations: { linkedPassages: number; passages: number; style: Truth['citationStyle'] };
  /** Repeated page furniture found inside passages (should be none). */
  furniture: string[];
}

/** Lowercase letters and digits only: headings and titles compare as printed, not as spaced. */
export function normalizeHeading(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

export function scorePaper(name: string, paper: Paper, truth: Truth, furniture: string[]): PaperQuality {
  const got = (paper.headings ?? []).filter((heading) => heading.level <= 2).map((heading) => normalizeHeading(heading.text));
  const expected = truth.sections.map(normalizeHeading);
  const matched = multisetIntersection(got, expected);
  const precision = got.length === 0 ? 0 : matched / got.length;
  const recall = expected.length === 0 ? 1 : matched / expected.length;
  // Numbered tables, with rows or (when the layout hid them) by their caption alone.
  const tables = new Set(paper.chunks.filter((chunk) => chunk.table && /\d/.test(chunk.table.label)).map((chunk) => chunk.table!.label));
  const body = paper.chunks.filter((chunk) => chunk.kind === 'paragraph' && chunk.sectionPath[0] !== FRONT_MATTER);
  // The running head is kept once, on purpose, as its own passage: furniture inside the others is the fault.
  const passages = paper.chunks.filter((chunk) => chunk.kind !== 'reference' && chunk.section !== RUNNING_HEAD);
  return {
    name,
    titleExact: normalizeHeading(paper.title) === normalizeHeading(truth.title),
    title: { expected: truth.title, got: paper.title },
    sections: {
      precision,
      recall,
      f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
      missing: difference(expected, got, truth.sections),
      extra: difference(got, expected, (paper.headings ?? []).filter((heading) => heading.level <= 2).map((heading) => heading.text)),
    },
    tables: { expected: truth.tables, got: tables.size },
    references: { expected: truth.references.count, got: paper.references.length, withinOne: Math.abs(truth.references.count - paper.references.length) <= 1 },
    samples: truth.references.samples.map((sample) => checkSample(paper, sample)),
    citations: { linkedPassages: body.filter((chunk) => chunk.refs.length > 0).length, passages: body.length, style: truth.citationStyle },
    furniture: furniture.filter((text) => passages.some((chunk) => chunk.text.includes(text))),
  };
}

function checkSample(paper: Paper, sample: TruthReference): SampleCheck {
  const reference = paper.references.find((candidate) => candidate.n === sample.n);
  if (!reference) return { n: sample.n, authors: false, year: false, doi: false, found: false };
  const expectedNames = sample.authors.filter((author) => author !== 'et al.').map(surnameOf);
  const gotNames = reference.authors.filter((author) => author !== 'et al.').map(surnameOf);
  const authors = expectedNames.length === 0 ? gotNames.length === 0 || gotNames.every((name) => name.length > 0) : expectedNames.every((name, i) => gotNames[i] === name);
  const year = (sample.year ?? undefined) === reference.year;
  // A DOI the PDF does not print cannot be found; it must not be invented either.
  const printed = sample.doi !== null && sample.doiPrinted !== false;
  const doi = printed ? (reference.doi ?? '').toLowerCase() === sample.doi!.toLowerCase() : reference.doi === undefined || reference.doi.toLowerCase() === (sample.doi ?? '').toLowerCase();
  return { n: sample.n, authors, year, doi, found: true };
}

/** "Østergaard PA" → "ostergaardpa"-free surname "ostergaard": the name before the initials. */
function surnameOf(author: string): string {
  const parts = author.trim().split(/\s+/);
  const withoutInitials = parts.length > 1 && /^(?:\p{Lu}[.-]?){1,4}$/u.test(parts[parts.length - 1]!) ? parts.slice(0, -1) : parts;
  return normalizeHeading(withoutInitials.join(' ').replace(/\b(?:Jr|Sr|II|III)\b\.?/g, ''));
}

function multisetIntersection(a: string[], b: string[]): number {
  const counts = new Map<string, number>();
  for (const value of b) counts.set(value, (counts.get(value) ?? 0) + 1);
  let matched = 0;
  for (const value of a) {
    const left = counts.get(value) ?? 0;
    if (left > 0) {
      matched++;
      counts.set(value, left - 1);
    }
  }
  return matched;
}

/** Printed forms of the values in `a` (normalized) that `b` lacks. */
function difference(a: string[], b: string[], printed: string[]): string[] {
  const counts = new Map<string, number>();
  for (const value of b) counts.set(value, (counts.get(value) ?? 0) + 1);
  const out: string[] = [];
  a.forEach((value, i) => {
    const left = counts.get(value) ?? 0;
    if (left > 0) counts.set(value, left - 1);
    else out.push(printed[i] ?? value);
  });
  return out;
}

export interface QualitySummary {
  papers: number;
  titleExact: number;
  sectionF1: number;
  referencesWithinOne: number;
  samplesAuthors: number;
  samplesYear: number;
  samplesDoi: number;
  samplesAllRight: number;
  furnitureFree: number;
  /** Papers whose number of tables is exact. */
  tablesExact: number;
  /** Papers whose body passages are at least a tenth linked to their references (citations found, in any style). */
  citationsLinked: number;
}

export function summarizeQuality(results: PaperQuality[]): QualitySummary {
  const samples = results.flatMap((result) => result.samples);
  const share = (count: number, total: number) => (total === 0 ? 0 : count / total);
  return {
    papers: results.length,
    titleExact: share(results.filter((result) => result.titleExact).length, results.length),
    sectionF1: share(results.reduce((sum, result) => sum + result.sections.f1, 0), results.length),
    referencesWithinOne: share(results.filter((result) => result.references.withinOne).length, results.length),
    samplesAuthors: share(samples.filter((sample) => sample.authors).length, samples.length),
    samplesYear: share(samples.filter((sample) => sample.year).length, samples.length),
    samplesDoi: share(samples.filter((sample) => sample.doi).length, samples.length),
    samplesAllRight: share(samples.filter((sample) => sample.authors && sample.year && sample.doi).length, samples.length),
    furnitureFree: share(results.filter((result) => result.furniture.length === 0).length, results.length),
    tablesExact: share(results.filter((result) => result.tables.got === result.tables.expected).length, results.length),
    citationsLinked: share(results.filter((result) => result.citations.linkedPassages >= 0.1 * result.citations.passages).length, results.length),
  };
}
