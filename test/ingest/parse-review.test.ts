/**
 * Parsing the review's structure: references, citations, tables, split paragraphs, glossary.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Chunk, Paper } from '../../lib/types.ts';
import { loadSource } from '../../ingest/load.ts';
import { parsePaper } from '../../ingest/parse/paper.ts';
import { REVIEW } from '../support/fixtures.ts';

let paper: Paper;
let source: string;

beforeAll(async () => {
  const loaded = await loadSource(REVIEW, { maxBytes: 10 * 1024 * 1024 });
  source = loaded.text;
  paper = parsePaper(loaded, { docId: 'review', source: 'her2-gastric-cancer-review.txt', chunking: { maxChars: 700 } });
});

const paragraphs = () => paper.chunks.filter((chunk) => chunk.kind === 'paragraph');
const containing = (text: string): Chunk[] => paper.chunks.filter((chunk) => chunk.text.includes(text));

describe('the front matter', () => {
  it('names the authors from the byline, its affiliation marks written as ^{1,2*}', () => {
    expect(paper.front?.authors).toEqual(['Qiangzu Shao', 'Junge Deng', 'Haoran Wu', 'Zeping Huang']);
  });
});

describe('the reference list', () => {
  it('has all 190 entries, numbered 1 to 190 in order', () => {
    expect(paper.references).toHaveLength(190);
    expect(paper.references.map((reference) => reference.n)).toEqual(Array.from({ length: 190 }, (_, i) => i + 1));
  });

  it('parses authors, title, journal, year and DOI of the unnumbered and numbered entries', () => {
    const byNumber = new Map(paper.references.map((reference) => [reference.n, reference]));
    expect(byNumber.get(1)).toMatchObject({
      authors: expect.arrayContaining(['Bray F', 'Laversanne M', 'et al.']),
      title: expect.stringMatching(/^Global cancer statistics 2022: GLOBOCAN estimates/),
      journal: 'CA Cancer J Clin',
      year: 2024,
      volume: '74',
      pages: '229–63',
      doi: '10.3322/caac.21834',
    });
    expect(byNumber.get(20)).toMatchObject({ authors: expect.arrayContaining(['Gupta A']), journal: 'Cell Rep Med', year: 2024, doi: '10.1016/j.xcrm.2024.101792' });
    expect(byNumber.get(21)).toMatchObject({ authors: ['Smyth EC', 'Sundar R'], journal: 'Lancet', year: 2023, doi: '10.1016/S0140-6736(23)02296-1' });
    expect(byNumber.get(190)).toMatchObject({ authors: expect.arrayContaining(['Fukai S']), journal: 'Gastric Cancer', year: 2023, doi: '10.1007/s10120-023-01417-x' });
  });

  it('joins an entry that wraps onto a line that looks like a bullet (61)', () => {
    const entry = paper.references.find((reference) => reference.n === 61)!;
    expect(entry.title).toMatch(/afatinib in patients \(pts\) with metastatic human epidermal growth factor receptor \(HER2\)-positive trastuzumab refractory/);
    expect(entry.doi).toBe('10.1200/jco.2015.33.3_suppl.59');
    expect(entry.journal).toBe('J Clin Oncol');
  });

  it('leaves the DOI out where an entry has none (120)', () => {
    const entry = paper.references.find((reference) => reference.n === 120)!;
    expect(entry.doi).toBeUndefined();
    expect(entry).toMatchObject({ journal: 'Clin Cancer Res', year: 2002 });
    expect(entry.title).toMatch(/^Dendritic cells pulsed with HER-2\/neu-derived peptides/);
  });

  it('indexes every entry as a reference passage that cites itself', () => {
    const entries = paper.chunks.filter((chunk) => chunk.kind === 'reference');
    expect(entries).toHaveLength(190);
    expect(entries[32]!.refs).toEqual([33]);
    expect(entries[32]!.text).toMatch(/^\[33\] Janjigian YY.*KEYNOTE-811/);
    expect(source.slice(entries[32]!.span.start, entries[32]!.span.end)).toMatch(/^33\. Janjigian YY/);
  });
});

describe('in-text citations', () => {
  it('expands lists and ranges into reference numbers', () => {
    expect(containing('synergistically enhance efficacy, and the selection of low-toxic')[0]!.refs).toEqual(expect.arrayContaining([102, 103, 104]));
    expect(containing('T-DM1 plus pertuzumab regimen reduces the incidence of adverse events')[0]!.refs).toEqual(expect.arrayContaining([95, 96, 97]));
    expect(containing('Molecular masking may be another contributing factor')[0]!.refs).toEqual(expect.arrayContaining([133, 134, 135]));
    expect(containing('Epstein-Barr virus infection assume significant roles')[0]!.refs).toEqual(expect.arrayContaining([3, 4]));
  });

  it('does not take years, percentages or trial numbers for citations', () => {
    for (const chunk of paragraphs()) for (const n of chunk.refs) expect(n).toBeGreaterThanOrEqual(1), expect(n).toBeLessThanOrEqual(190);
    const gatsby = containing('reported a median overall survival of 11.8 months')[0]!;
    expect(gatsby.refs).not.toContain(11);
  });
});

describe('tables', () => {
  const rows = (label: string) => paper.chunks.filter((chunk) => chunk.kind === 'table-row' && chunk.table?.label === label);

  it('keeps the caption and header with every row, and joins "TABLE 1 Continued"', () => {
    const table1 = rows('Table 1');
    expect(table1).toHaveLength(19);
    for (const row of table1) {
      expect(row.table!.caption).toBe('HER2-targeted drugs involved in clinical trials for the treatment of gastric cancer.');
      expect(row.table!.header).toEqual(['Category', 'Agents', 'Clinical trial/NCT number', 'Phase', 'Study arms', 'Enrolled population', 'Status', 'Key results']);
      expect(row.text).toMatch(/^Table 1\. Category: /);
    }
    expect(rows('Table 2')).toHaveLength(11);
  });

  it('lets rows with blank leading cells inherit the category and agent above them', () => {
    const herxo = rows('Table 1').find((row) => row.table!.cells[2] === 'HERXO')!;
    expect(herxo.table!.cells.slice(0, 2)).toEqual(['HER-2 monoclonal antibody', 'Trastuzumab']);
    const tytan = rows('Table 1').find((row) => row.table!.cells[2]!.startsWith('TyTAN'))!;
    expect(tytan.table!.cells.slice(0, 2)).toEqual(['Small molecule tyrosine kinase inhibitor', 'Lapatinib']);
    const gatsby = rows('Table 1').find((row) => row.table!.cells[2] === 'GATSBY')!;
    expect(gatsby.table!.cells[0]).toBe('Antibody-drug conjugate');
    expect(gatsby.text).toContain('Key results: mOS: 7.9 vs. 8.6 months mPFS: 2.7 vs. 2.9 months');
  });

  it('links rows to the references that report their trial', () => {
    const toga = rows('Table 1').find((row) => row.table!.cells[2] === 'TOGA')!;
    expect(toga.refs).toEqual(expect.arrayContaining([24, 25]));
    const destiny = rows('Table 1').find((row) => row.table!.cells[2]!.startsWith('DESTINY-Gastric01'))!;
    expect(destiny.refs).toEqual(expect.arrayContaining([75, 138]));
  });
});

describe('paragraphs and sections', () => {
  it('rejoins paragraphs split by page and column breaks, even across tables and figures', () => {
    expect(paper.rejoined).toBeGreaterThanOrEqual(22);
    expect(paper.rejoined).toBeLessThanOrEqual(28);
    expect(containing('KN026 (a HER2 bispecific antibody), Tyrosine kinase inhibitors')).toHaveLength(1);
    expect(containing('pembrolizumab (PD-1 inhibitor) can also be safely utilized')).toHaveLength(1);
    expect(containing('cooperatively enhance the activity of anti-tumor drugs')).toHaveLength(1);
    expect(containing('survival benefit in subsequent clinical trials')).toHaveLength(1);
  });

  it('never lets a paragraph passage start mid-sentence', () => {
    const prose = paragraphs().filter((chunk) => chunk.section !== 'Front matter' && chunk.section !== 'Keywords');
    expect(prose.length).toBeGreaterThan(100);
    for (const chunk of prose) expect(chunk.text).toMatch(/^[A-Z0-9\u0370-\u03ff(]|^[a-z]+[A-Z]/);
  });

  it('repairs text glued by extraction', () => {
    expect(containing('located on human chromosome 17 (9)')).toHaveLength(1);
    expect(paper.chunks.some((chunk) => chunk.text.includes('chromosome17'))).toBe(false);
    expect(paper.chunks.some((chunk) => /11\.1 months/.test(chunk.text))).toBe(true);
  });

  it('records numbered section headings as section paths', () => {
    const pertuzumab = containing('Pertuzumab is a second-generation anti-HER2 drug')[0]!;
    expect(pertuzumab.sectionPath).toEqual(['3 Targeted HER2 therapy in GC drug research', '3.1 Monoclonal antibodies targeting HER2', '3.1.2 Pertuzumab']);
    expect(pertuzumab.section).toBe('3.1.2 Pertuzumab');
    expect(containing('The Wnt/ β -catenin signaling pathway is essential')[0]!.section).toBe('6.6 Wnt/ β -catenin signaling pathway');
  });

  it('finds the title, the abstract and the front matter', () => {
    expect(paper.title).toBe('HER2-positive gastric cancer: from targeted therapy to CAR-T cell therapy');
    expect(containing('Gastric cancer (GC) ranks as the fifth most prevalent cancer')[0]!.section).toBe('Abstract');
    expect(paper.chunks.some((chunk) => chunk.section === 'Front matter' && chunk.text.startsWith('Edited by: Rahul Shivahare'))).toBe(true);
  });

  it('keeps figure captions as their own passages', () => {
    const captions = paper.chunks.filter((chunk) => chunk.kind === 'figure-caption');
    expect(captions.map((chunk) => chunk.text.split('.')[0])).toEqual(['Figure 2', 'Figure 3', 'Figure 4', 'Figure 5']);
    expect(captions[3]!.text).toBe('Figure 5. The CAR-T cell therapy and gastric cancer.');
  });

  it('gives every chunk a span that points at its text in the source', () => {
    const letters = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
    for (const chunk of paragraphs()) {
      const slice = letters(source.slice(chunk.span.start, chunk.span.end));
      expect(slice.startsWith(letters(chunk.text).slice(0, 16))).toBe(true);
      expect(slice.endsWith(letters(chunk.text).slice(-16))).toBe(true);
    }
  });

  it('gives chunks stable ids from content and position', () => {
    const ids = paper.chunks.map((chunk) => chunk.id);
    expect(new Set(ids).size).toBe(ids.length);
    const again = parsePaper({ format: 'text', text: source }, { docId: 'review', source: 'x.txt', chunking: { maxChars: 700 } });
    expect(again.chunks.map((chunk) => chunk.id)).toEqual(ids);
  });
});

describe('glossary', () => {
  it('collects abbreviations defined in the text, including drug codes', () => {
    const pairs = paper.glossary.map((entry) => `${entry.short} = ${entry.long.toLowerCase()}`);
    expect(pairs).toEqual(
      expect.arrayContaining([
        'T-DXd = trastuzumab deruxtecan',
        'ZW25 = zanidatamab',
        'ADCs = antibody-drug conjugates',
        'HER2 = human epidermal growth factor receptor 2',
        'TME = tumor microenvironment',
        'mOS = median overall survival',
      ]),
    );
    expect(pairs.length).toBeGreaterThan(30);
  });
});
