/**
 * Journal layouts, typeset by the test: two columns with superscript citations and a numbered
 * reference list, one column with author–year citations and a hanging-indent list. The
 * parser must read columns in order, drop running heads and page numbers, find headings by
 * typography, link every citation style, and split and parse the reference lists.
 */
import { describe, expect, it } from 'vitest';
import { decodeSource } from '../../ingest/load.ts';
import { parsePaper } from '../../ingest/parse/paper.ts';
import type { Paper } from '../../lib/types.ts';
import { makeJournalPdf, type JournalPaper } from '../support/journal-pdf.ts';
import { AUTHOR_YEAR, TWO_COLUMNS } from '../support/journal-papers.ts';

async function parse(spec: JournalPaper, name: string): Promise<Paper> {
  const file = `${name}.pdf`;
  return parsePaper(await decodeSource(file, await makeJournalPdf(spec)), { docId: name, source: file, chunking: { maxChars: 700 } });
}

const text = (paper: Paper) => paper.chunks.map((chunk) => chunk.text).join('\n');
const chunkWith = (paper: Paper, words: string) => paper.chunks.find((chunk) => chunk.text.includes(words));

describe('a two-column paper with superscript citations', async () => {
  const paper = await parse(TWO_COLUMNS, 'cold-chain');

  it('takes the title from the largest type and the headings from their font', () => {
    expect(paper.title).toBe(TWO_COLUMNS.title);
    expect(paper.headings?.map((heading) => heading.text)).toEqual(['1. Introduction', '2. Methods', '3. Results']);
    expect(paper.front?.authors).toEqual(['Ada Okafor', 'Bruno Lindqvist', 'Chen Wei']);
  });

  it('drops the running head and the page numbers from every passage, keeping the running head once as its own', () => {
    expect(paper.pages).toBeGreaterThan(1);
    const [head, ...others] = paper.chunks.filter((chunk) => chunk.text.includes('Journal of Layout Tests'));
    expect(others).toEqual([]);
    expect(head).toMatchObject({ text: 'Journal of Layout Tests (2024) 7:101', sectionPath: ['Front matter', 'Running head'] });
    for (const chunk of paper.chunks) expect(chunk.text).not.toMatch(/^\d+\s|\s\d+$/);
  });

  it('reads a paragraph that runs from one column into the next as one', () => {
    const methods = paper.chunks.filter((chunk) => chunk.section === '2. Methods' && chunk.kind === 'paragraph');
    const joined = methods.map((chunk) => chunk.text).join(' ');
    expect(joined.match(/Each cohort was followed/g)).toHaveLength(3);
    expect(methods.every((chunk) => !chunk.text.includes('Failures were recorded'))).toBe(true);
  });

  it('links superscript citations, and not exponents', () => {
    expect(chunkWith(paper, 'as reported before')!.refs).toEqual([1, 2, 3]);
    const methods = chunkWith(paper, 'potency assay')!;
    expect(methods.text).toContain('10^5 cells');
    expect(methods.refs).toEqual([4]);
  });

  it('rejoins a word hyphenated at the end of a line', () => {
    expect(text(paper)).toContain('immunotherapy products');
  });

  it('keeps the table as rows under its caption', () => {
    const rows = paper.chunks.filter((chunk) => chunk.kind === 'table-row');
    expect(rows.map((row) => row.table!.cells)).toEqual([
      ['Winter', '31', '4.5'],
      ['Summer', '12', '2.0'],
    ]);
    expect(rows[0]!.table).toMatchObject({ label: 'Table 1', header: ['Season', 'Failures', 'Median hours'] });
  });

  it('parses the numbered references in every DOI form', () => {
    expect(paper.references.map((reference) => [reference.n, reference.authors[0], reference.year, reference.doi])).toEqual([
      [1, 'Okafor A', 2019, '10.1016/j.vaccine.2019.01.011'],
      [2, 'Mensah K', 2016, '10.1111/tmi.12630'],
      [3, 'World Health Organization', 2014, undefined],
      [4, 'Chen W', 2021, '10.1016/j.xphs.2020.10.044'],
    ]);
    expect(paper.references[1]!.authors).toEqual(['Mensah K', 'Osei P', 'Boateng R', 'et al.']);
  });
});

describe('a one-column paper with author–year citations', async () => {
  const paper = await parse(AUTHOR_YEAR, 'ravens');

  it('splits the unnumbered list at its hanging indents', () => {
    expect(paper.citations?.numbered).toBe(false);
    expect(paper.references.map((reference) => [reference.authors[0], reference.year])).toEqual([
      ['Bugnyar T', 2011],
      ['Bugnyar T', 2011],
      ['Range F', 2007],
      ['Schloegl C', 2007],
    ]);
    expect(paper.references[2]!.doi).toBe('10.1016/j.anbehav.2006.07.015');
  });

  it('resolves parenthetical and narrative citations, letters included', () => {
    expect(chunkWith(paper, 'Gaze following is widespread')!.refs).toEqual([1, 2, 4]);
    expect(chunkWith(paper, 'following the protocol of Range')!.refs).toEqual([3]);
  });

  it('does not take an equation number for a citation', () => {
    expect(chunkWith(paper, 'energy of a flight')!.refs).toEqual([]);
  });
});
