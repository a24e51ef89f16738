/**
 * PDFs that the test generates: ingested with page numbers, structure and references.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../ingest/build.ts';
import { loadIndex, type LoadedIndex } from '../../lib/index-store.ts';
import { tempDir } from '../support/fixtures.ts';
import { makePaperPdf, makeTablePdf, repeatedPagePdf } from '../support/pdf.ts';
import { decodeSource } from '../../ingest/load.ts';

let dir: Awaited<ReturnType<typeof tempDir>>;
let index: LoadedIndex;

beforeAll(async () => {
  dir = await tempDir();
  const corpusDir = join(dir.path, 'corpus');
  await import('node:fs/promises').then((fs) => fs.mkdir(corpusDir));
  await writeFile(join(corpusDir, 'vaccines.pdf'), await makePaperPdf());
  const report = await buildIndex({ corpusDir, indexDir: join(dir.path, 'index'), maxFileBytes: 10 * 1024 * 1024, embedder: { kind: 'local' } });
  expect(report.failed).toEqual([]);
  index = await loadIndex(join(dir.path, 'index'));
});

afterAll(async () => {
  await dir?.remove();
});

describe('a generated PDF', () => {
  it('is ingested with its title, pages and sections', () => {
    const paper = index.papers[0]!;
    expect(paper.format).toBe('pdf');
    expect(paper.pages).toBe(2);
    expect(paper.title).toBe('Vaccines against HER2 in a test paper');
    const sections = new Set(paper.chunks.filter((chunk) => chunk.kind === 'paragraph').map((chunk) => chunk.section));
    expect(sections).toEqual(new Set(['Front matter', '1 Introduction', '2 Safety']));
    expect(paper.chunks.find((chunk) => chunk.section === 'Front matter')!.text).toBe(paper.title);
  });

  it('puts every passage on the page it starts on', () => {
    const chunks = index.chunks;
    const onPage = (text: string) => chunks.find((chunk) => chunk.text.includes(text))?.page;
    expect(onPage('Peptide vaccines train the immune system')).toBe(1);
    expect(onPage('Injection-site reactions were the most frequent')).toBe(2);
    for (const chunk of chunks) expect([1, 2]).toContain(chunk.page);
  });

  it('rejoins the paragraph the page break split', () => {
    const joined = index.chunks.filter((chunk) => chunk.text.includes('takes about two weeks from collection to infusion'));
    expect(joined).toHaveLength(1);
    expect(joined[0]!.page).toBe(1);
  });

  it('parses the numbered references and the citations to them', () => {
    const paper = index.papers[0]!;
    expect(paper.references.map((reference) => reference.n)).toEqual([1, 2, 3]);
    expect(paper.references[1]).toMatchObject({ journal: 'Clin Cancer Res', year: 2023, doi: '10.1158/1078-0432.CCR-22-1234' });
    expect(paper.references[0]!.doi).toBeUndefined();
    const cited = index.chunks.find((chunk) => chunk.text.includes('HER-Vaxx vaccine'))!;
    expect(cited.refs).toEqual(expect.arrayContaining([1, 2, 3]));
    expect(paper.glossary.map((entry) => entry.short)).toContain('HV');
  });
});

describe('a hostile page tree', () => {
  it('reads a page object listed 200,000 times as one page, without walking the whole list', async () => {
    const source = await decodeSource('hostile.pdf', repeatedPagePdf(200_000));
    expect(source.pages).toHaveLength(1);
    expect(source.text).toContain('The repeated page mentions HER2 once.');
  });
});

describe('a generated PDF with a table of measured values', () => {
  it('gives every row of the table as a passage named by its first cell, across a change of font and a wrapped cell', async () => {
    const source = await decodeSource('crystal.pdf', await makeTablePdf());
    const tableDir = await tempDir();
    try {
      const corpusDir = join(tableDir.path, 'corpus');
      await import('node:fs/promises').then((fs) => fs.mkdir(corpusDir));
      await writeFile(join(corpusDir, 'crystal.pdf'), await makeTablePdf());
      await buildIndex({ corpusDir, indexDir: join(tableDir.path, 'index'), maxFileBytes: 10 * 1024 * 1024, embedder: { kind: 'local' } });
      const rows = (await loadIndex(join(tableDir.path, 'index'))).chunks.filter((chunk) => chunk.kind === 'table-row').map((chunk) => chunk.text);
      expect(source.format).toBe('pdf');
      // The first row holds a measured value: data, not a header.
      expect(rows).toContain('Table 1. Resolution (Å): 2.2.');
      expect(rows).toContain('Table 1. Rfree: 21.9.');
      expect(rows).toContain('Table 1. PDB code: 4BXK.');
      expect(rows.find((row) => row.includes('Cell'))).toContain('a = 73.1, b = 77.3, c = 82.9 alpha = 88.4, beta = 64.3');
    } finally {
      await tableDir.remove();
    }
  });
});
