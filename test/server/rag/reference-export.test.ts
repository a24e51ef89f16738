/**
 * Reference export: the review's own reference list written as BibTeX, RIS and CSL-JSON and
 * read back with citation-js, so what a reference manager imports is what the paper prints.
 */
import { Cite, type CslItem, type CslName } from '@citation-js/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSource } from '../../../ingest/load.ts';
import { parsePaper } from '../../../ingest/parse/paper.ts';
import type { Reference } from '../../../lib/types.ts';
import { citationKey, cslName, formatReferences, pageRange, risId, toCslItem } from '../../../server/rag/reference-export.ts';
import { REVIEW } from '../../support/fixtures.ts';

const DOC_ID = 'her2-gastric-cancer-review';
let references: Reference[];

beforeAll(async () => {
  const source = await loadSource(REVIEW, { maxBytes: 10 * 1024 * 1024 });
  references = parsePaper(source, { docId: DOC_ID, source: 'her2-gastric-cancer-review.txt', chunking: { maxChars: 700 } }).references;
});

/** A name as a reader says it: particle and family together, or the organisation. */
const familyOf = (name: CslName) => name.literal ?? [name['non-dropping-particle'], name.family].filter(Boolean).join(' ');

/**
 * Parses an export back and checks, entry by entry, that the title, year, DOI and authors'
 * family names are the ones the paper prints.
 */
function expectSurvives(text: string, keyOf: (reference: Reference) => string, keyField: 'citation-key' | 'id') {
  const parsed = new Cite(text).data;
  expect(parsed).toHaveLength(references.length);
  const byKey = new Map(parsed.map((item) => [String(item[keyField]), item]));
  for (const reference of references) {
    const item = byKey.get(keyOf(reference));
    expect(item, `reference ${reference.n}`).toBeDefined();
    const label = `reference ${reference.n}`;
    if (reference.title) expect(item!.title, label).toBe(reference.title);
    if (reference.year !== undefined) expect(Number(item!.issued?.['date-parts']?.[0]?.[0]), label).toBe(reference.year);
    if (reference.doi) expect(item!.DOI, label).toBe(reference.doi);
    const printed = reference.authors.filter((author) => !/^et al\.?$/.test(author));
    expect((item!.author ?? []).map(familyOf), label).toEqual(printed.map((author) => familyOf(cslName(author)!)));
    // Vancouver names lead with the family name: it is what the paper printed, not a guess.
    for (const [i, name] of (item!.author ?? []).entries()) expect(printed[i]!.startsWith(familyOf(name)), `${label}: ${printed[i]}`).toBe(true);
  }
}

describe('reference export', () => {
  it('reads the review as the paper prints it (the fixture this suite relies on)', () => {
    expect(references).toHaveLength(190);
    expect(references.find((reference) => reference.n === 33)).toMatchObject({ journal: 'Nature', year: 2021, doi: '10.1038/s41586-021-04161-3' });
  });

  it('writes BibTeX that reads back with every title, year, DOI and author family name', () => {
    const bibtex = formatReferences(references, 'bibtex');
    expect(bibtex).toMatch(/^@article\{her2_gastric_cancer_review_33,$/m);
    expectSurvives(bibtex, (reference) => citationKey(reference.docId, reference.n), 'citation-key');
  });

  it('writes RIS that reads back with every title, year, DOI and author family name', () => {
    const ris = formatReferences(references, 'ris');
    // One line per tag: citation-js's own writer would cut long titles mid-word.
    for (const line of ris.split('\n')) expect(line, line).toMatch(/^(?:[A-Z][A-Z0-9] {2}- ?.*)?$/);
    expectSurvives(ris, risId, 'id');
  });

  it('gives every RIS entry its own ID within the 20 characters RIS allows', () => {
    const ids = references.map(risId);
    expect(new Set(ids).size).toBe(references.length);
    expect(ids.every((id) => id.length <= 20)).toBe(true);
    expect(risId({ docId: DOC_ID, n: 33 })).toBe('her2_gastric_canc_33');
    expect(risId({ docId: 'zw25', n: 4 })).toBe('zw25_4');
  });

  it('writes CSL-JSON that parses as the items the references map to', () => {
    const items = JSON.parse(formatReferences(references, 'csl')) as CslItem[];
    expect(items).toEqual(references.map(toCslItem));
    expect(items.find((item) => item.id === `${DOC_ID}:33`)).toMatchObject({
      type: 'article-journal',
      'container-title': 'Nature',
      issued: { 'date-parts': [[2021]] },
      volume: '600',
      page: '727-730',
      DOI: '10.1038/s41586-021-04161-3',
      author: expect.arrayContaining([{ family: 'Janjigian', given: 'Y. Y.' }, { family: 'Yañez', given: 'P.' }]),
    });
  });

  it('keeps the printed entry as a note when the title or the authors were not recovered', () => {
    const untitled: Reference = { docId: 'notes', n: 1, text: 'WHO. Gastric cancer fact sheet (2024).', authors: [], title: '', journal: '' };
    const item = toCslItem(untitled);
    expect(item).toMatchObject({ type: 'document', note: untitled.text });
    expect(item).not.toHaveProperty('title');
    const [back] = new Cite(formatReferences([untitled], 'bibtex')).data;
    expect(back!.note).toBe(untitled.text);
    const [fromRis] = new Cite(formatReferences([untitled], 'ris')).data;
    expect(fromRis!.note).toBe(untitled.text);
    // A complete entry carries no note: it would repeat the fields.
    expect(toCslItem(references.find((reference) => reference.n === 33)!)).not.toHaveProperty('note');
  });

  it('writes empty files for an empty list', () => {
    expect(formatReferences([], 'bibtex').trim()).toBe('');
    expect(formatReferences([], 'ris')).toBe('');
    expect(JSON.parse(formatReferences([], 'csl'))).toEqual([]);
  });
});

describe('printed author names', () => {
  it.each([
    ['Shitara K', { family: 'Shitara', given: 'K.' }],
    ['Siegel RL', { family: 'Siegel', given: 'R. L.' }],
    ['El-Serag HB', { family: 'El-Serag', given: 'H. B.' }],
    ['van de Vijver M', { family: 'van de Vijver', given: 'M.' }],
    ['Türeci Ö', { family: 'Türeci', given: 'Ö.' }],
    ['Dupont J-P', { family: 'Dupont', given: 'J.-P.' }],
    ['K. Shitara', { family: 'Shitara', given: 'K.' }],
    ['J.-P. Dupont', { family: 'Dupont', given: 'J.-P.' }],
    ['Shitara, Kohei', { family: 'Shitara', given: 'Kohei' }],
    ['Kohei Shitara', { family: 'Shitara', given: 'Kohei' }],
    ['Ludwig van Beethoven', { family: 'van Beethoven', given: 'Ludwig' }],
    ['HER2 Study Group', { literal: 'HER2 Study Group' }],
    ['Anonymous', { literal: 'Anonymous' }],
  ])('splits %s into family and given names', (printed, name) => {
    expect(cslName(printed)).toEqual(name);
  });

  it('drops "et al." (CSL lists the names printed, nothing more)', () => {
    expect(cslName('et al.')).toBeUndefined();
    expect(cslName('et al')).toBeUndefined();
  });
});

describe('page ranges', () => {
  it.each([
    ['727–30', '727-730'],
    ['229–63', '229-263'],
    ['1468–78', '1468-1478'],
    ['S1044–5', 'S1044-S1045'],
    ['675–700', '675-700'],
    ['e38508', 'e38508'],
    ['4012', '4012'],
  ])('writes %s as %s', (printed, page) => {
    expect(pageRange(printed)).toBe(page);
  });
});
