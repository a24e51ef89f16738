/**
 * Paragraph grouping and text cleanup on lines laid out by the test (no PDF needed): a sentence
 * that runs on across a line break in one font stays one paragraph though the lines' main
 * fonts differ, and rules drawn with dots are not text.
 */
import { describe, expect, it } from 'vitest';
import { layoutBlocks } from '../../ingest/pdf/blocks.ts';
import type { Line } from '../../ingest/pdf/layout.ts';
import { segmentsOf } from '../../ingest/pdf/lines.ts';
import { measureTypography } from '../../ingest/pdf/typography.ts';

const BODY_WORDS = 'Body text set in the regular face of the paper runs across the column';

/** A line of runs ([font, text]) at a baseline; widths as 0.5 em per character. */
function line(y: number, size: number, runs: [string, string][], x0 = 40): Line {
  let x = x0;
  const placed = runs.map(([font, text]) => {
    const run = { text, x0: x, x1: x + 0.5 * size * text.length, size, font, script: 'base' as const };
    x = run.x1;
    return run;
  });
  const segment = { page: 1, y, x0, x1: x, size, font: runs[0]![0], runs: placed };
  return { page: 1, y, x0, x1: x, size, font: runs[0]![0], segments: [segment], columnX0: 40, columnX1: 400 };
}

/** Body paragraphs (so the typography knows the body), then the box's lines under them. */
function withBody(box: Line[]): Line[] {
  const body = Array.from({ length: 12 }, (_, i) => line(100 + i * 11.5, 9.5, [['Regular', `${BODY_WORDS} ${i}`]]));
  return [...body, ...box];
}

const paragraphs = (lines: Line[]) =>
  layoutBlocks(lines, measureTypography(lines))
    .filter((block) => block.kind === 'paragraph')
    .map((block) => block.lines.map((laid) => laid.text).join(' '));

describe('paragraph grouping', () => {
  it('keeps a side box sentence whole when a bold name opens its first line', () => {
    const box = [line(400, 7.5, [['Bold', 'Jane Doe '], ['Small', 'earned a Ph.D. in']]), line(409, 7.5, [['Small', 'Psychology from the University of']]), line(418, 7.5, [['Small', 'Vienna in Austria.']])];
    expect(paragraphs(withBody(box))).toContain('Jane Doe earned a Ph.D. in Psychology from the University of Vienna in Austria.');
  });

  it('still starts a new paragraph after a line that closes a sentence in another font', () => {
    const box = [line(400, 7.5, [['Bold', 'Jane Doe '], ['Small', 'lives in Vienna.']]), line(409, 7.5, [['Small', 'Psychology is her field of study at the']]), line(418, 7.5, [['Small', 'university.']])];
    const found = paragraphs(withBody(box));
    expect(found.some((text) => text.includes('Vienna. Psychology'))).toBe(false);
  });
});

/** A table line: one segment per cell ([font, text, x]), at a baseline. */
function cells(y: number, size: number, parts: [string, string, number][]): Line {
  const segments = parts.map(([font, text, x]) => ({ page: 1, y, x0: x, x1: x + 0.5 * size * text.length, size, font, runs: [{ text, x0: x, x1: x + 0.5 * size * text.length, size, font, script: 'base' as const }] }));
  return { page: 1, y, x0: segments[0]!.x0, x1: segments.at(-1)!.x1, size, font: parts[0]![0], segments, columnX0: 40, columnX1: 400 };
}

/** The tables layout finds among `lines` (under a body that sets the typography): each a list of its lines' cells. */
function tablesOf(lines: Line[]): string[][][] {
  const all = withBody(lines);
  return layoutBlocks(all, measureTypography(all))
    .filter((block) => block.kind === 'table')
    .map((block) => block.lines.map((laid) => laid.cells));
}

const firstCells = (tables: string[][][]) => tables.map((rows) => rows.map((cells) => cells[0]));

describe('tables', () => {
  it('keep their rows together across a change of font and a wrapped cell', () => {
    const table = [
      line(400, 7.5, [['Bold', 'Table 2 Crystallographic statistics of the complex']]),
      cells(415, 7.5, [['Small', 'Resolution (Å)', 40], ['Small', '2.2', 200]]),
      cells(425, 7.5, [['Small', 'Space group', 40], ['Small', 'P1', 200]]),
      // Italic symbols in the value: another style, which ended the table's group here.
      cells(435, 7.5, [['Small', 'Cell', 40], ['Italic', 'a = 73.1, b = 77.3', 200]]),
      line(443, 7.5, [['Italic', 'α = 88.4, β = 64.3']], 200),
      cells(453, 7.5, [['Small', 'Redundancy', 40], ['Small', '3.9 (3.9)', 200]]),
      cells(463, 7.5, [['Small', 'Rfree', 40], ['Small', '21.9', 200]]),
      cells(473, 7.5, [['Small', 'PDB code', 40], ['Small', '4BXK', 200]]),
    ];
    expect(firstCells(tablesOf(table))).toEqual([['Resolution (Å)', 'Space group', 'Cell', 'α = 88.4, β = 64.3', 'Redundancy', 'Rfree', 'PDB code']]);
  });

  it('take in the wrapped lines of a cell and a row that stands alone after them', () => {
    const lines = [
      cells(400, 7.5, [['Small', 'm0', 40], ['Small', '−572.97', 120], ['Small', 'w = 0.619', 200]]),
      cells(410, 7.5, [['Small', 'm1', 40], ['Small', '−568.57', 120], ['Small', 'p0 = 0.351', 200]]),
      // The cell's further lines, right of the first column, in italics: a paragraph of their own.
      line(417, 7.5, [['Italic', 'p1 = 0.649']], 200),
      line(424, 7.5, [['Italic', 'w0 = 0.084']], 200),
      // One row alone is no table by itself.
      cells(433, 7.5, [['Small', 'm8a', 40], ['Small', '−568.58', 120], ['Small', 'p = 9.385', 200]]),
    ];
    expect(firstCells(tablesOf(lines))).toEqual([['m0', 'm1', 'p1 = 0.649', 'w0 = 0.084', 'm8a']]);
  });

  it('take in the header row set above them in another face, its cells over their columns', () => {
    const lines = [
      line(385, 7.5, [['Bold', 'Table 1. Arginine codon usage (per 1000 codons)']]),
      cells(402, 7.5, [['Italic', 'human', 120], ['Italic', 'bee', 200]]),
      cells(415, 7.5, [['Small', 'AGA', 40], ['Small', '12.2', 120], ['Small', '22.0', 200]]),
      cells(425, 7.5, [['Small', 'AGG', 40], ['Small', '12.0', 120], ['Small', '9.1', 200]]),
      cells(435, 7.5, [['Small', 'CGU', 40], ['Small', '4.5', 120], ['Small', '10.5', 200]]),
    ];
    expect(tablesOf(lines).map((rows) => rows.map((cells) => cells.join('|')))).toEqual([['human|bee', 'AGA|12.2|22.0', 'AGG|12.0|9.1', 'CGU|4.5|10.5']]);
  });

  it('take in the header and first row set above them, and a wrapped cell line between', () => {
    const lines = [
      line(380, 7.5, [['Bold', 'Table 1 Overview of the phases']]),
      cells(396, 7.5, [['Bold', 'Phase', 40], ['Bold', 'Purpose', 120], ['Bold', 'Input', 240]]),
      cells(408, 7.5, [['Small', '1', 40], ['Small', 'Data preparation', 120], ['Small', 'Protein coding DNA', 240]]),
      line(415, 7.5, [['Small', 'sequences^a']], 240),
      cells(424, 7.5, [['Small', '2', 40], ['Small', 'Homology search', 120], ['Small', 'BLAST output', 240]]),
      cells(434, 7.5, [['Small', '3', 40], ['Small', 'Alignment', 120], ['Small', 'FASTA files', 240]]),
    ];
    expect(firstCells(tablesOf(lines))).toEqual([['Phase', '1', 'sequences^a', '2', '3']]);
  });

  it('take in a header naming one more column than their first rows fill', () => {
    const lines = [
      line(380, 7.5, [['Bold', 'Table 2 Sample output']]),
      cells(396, 7.5, [['Bold', 'Model', 40], ['Bold', 'lnL', 120], ['Bold', 'Selected sites', 240]]),
      cells(410, 7.5, [['Small', 'm0', 40], ['Small', '-572.9', 120]]),
      cells(420, 7.5, [['Small', 'm1', 40], ['Small', '-568.5', 120]]),
    ];
    expect(firstCells(tablesOf(lines)).flat()).toEqual(['Model', 'm0', 'm1']);
  });

  it('take in a row label standing alone just above them', () => {
    const lines = [
      line(380, 7.5, [['Bold', 'Table 2 Hazard ratios by income']]),
      cells(396, 7.5, [['Bold', '< 10,000', 120], ['Bold', '≥ 35,000', 240]]),
      line(410, 7.5, [['Small', 'Overall (n = 45 484)']]),
      cells(422, 7.5, [['Small', 'Model 1', 40], ['Small', '1.00', 120], ['Small', '0.34 (0.26–0.45)', 240]]),
      cells(432, 7.5, [['Small', 'Model 2', 40], ['Small', '1.00', 120], ['Small', '0.40 (0.30–0.54)', 240]]),
    ];
    expect(firstCells(tablesOf(lines)).flat()).toEqual(['< 10,000', 'Overall (n = 45 484)', 'Model 1', 'Model 2']);
  });

  it('do not take in the text line just above them', () => {
    const lines = [
      line(396, 9.5, [['Regular', 'The phases of the pipeline are listed in the table below, one per row.']]),
      cells(410, 7.5, [['Small', '2', 40], ['Small', 'Homology search', 120], ['Small', 'BLAST output', 240]]),
      cells(420, 7.5, [['Small', '3', 40], ['Small', 'Alignment', 120], ['Small', 'FASTA files', 240]]),
    ];
    expect(firstCells(tablesOf(lines)).flat()).toEqual(['2', '3']);
  });

  it('do not take in a paragraph of text set between two of them', () => {
    const lines = [
      cells(400, 7.5, [['Small', 'Age', 40], ['Small', '61.2', 200]]),
      cells(410, 7.5, [['Small', 'Weight', 40], ['Small', '72.5', 200]]),
      line(422, 9.5, [['Regular', 'The patients in the first group were older than those of the second.']]),
      line(433.5, 9.5, [['Regular', 'Their weight was about the same in both groups, as the table shows.']]),
      cells(445, 7.5, [['Small', 'Height', 40], ['Small', '170.1', 200]]),
      cells(455, 7.5, [['Small', 'Smokers', 40], ['Small', '12', 200]]),
    ];
    expect(tablesOf(lines)).toHaveLength(2);
  });
});

describe('text cleanup', () => {
  it('drops rules drawn with dots and keeps the words beside them', () => {
    const items = [
      { text: 'Participants were sampled', x: 40, y: 100, width: 120, size: 9.5, font: 'Regular' },
      { text: '..............................', x: 40, y: 112, width: 300, size: 9.5, font: 'Regular' },
      { text: 'Age … in years', x: 40, y: 124, width: 70, size: 9.5, font: 'Regular' },
    ];
    const texts = segmentsOf(1, items).map((segment) => segment.runs.map((run) => run.text).join(''));
    expect(texts).toEqual(['Participants were sampled', 'Age … in years']);
  });

  it('joins the letters of letter-spaced capitals and keeps ordinary short words', () => {
    const items = [
      { text: 'D E M E N T I A', x: 40, y: 100, width: 60, size: 7, font: 'Caps' },
      { text: 'F R E E', x: 104, y: 100, width: 30, size: 7, font: 'Caps' },
      { text: 'a b c', x: 40, y: 120, width: 20, size: 9.5, font: 'Regular' },
    ];
    const texts = segmentsOf(1, items).map((segment) => segment.runs.map((run) => run.text).join(''));
    expect(texts).toEqual(['DEMENTIA FREE', 'a b c']);
  });
});

describe('the reference list', () => {
  it('opens at the heading followed by entries, not at a cover page line above a link', () => {
    const lines = [
      line(60, 11, [['Bold', 'References']]),
      line(75, 9.5, [['Regular', 'http://journal.example.org/content/2/10/120109.full.html#ref-list-1']]),
      ...withBody([]),
      line(250, 11, [['Bold', 'Table 1. Codon usage (per 1000 codons)']]),
      cells(265, 9.5, [['Regular', 'AGA', 40], ['Regular', '2.9', 120], ['Regular', '12.2', 200]]),
      cells(276, 9.5, [['Regular', 'AGG', 40], ['Regular', '1.8', 120], ['Regular', '12.0', 200]]),
      cells(287, 9.5, [['Regular', 'CGU', 40], ['Regular', '20.2', 120], ['Regular', '4.5', 200]]),
      line(310, 11, [['Bold', 'References']]),
      line(325, 9.5, [['Regular', '1 Acharya, K. R., Sturrock, E. D. and Riordan, J. F. (2003) ACE revisited.']]),
      line(336.5, 9.5, [['Regular', '2 Bergmann, R., Liljefors, T. and Zamora, I. (2009) SHOP: scaffold hopping.']]),
    ];
    const blocks = layoutBlocks(lines, measureTypography(lines));
    const kindOf = (text: string) => blocks.find((block) => block.lines.some((laid) => laid.text.includes(text)))?.kind;
    expect(kindOf('AGG')).toBe('table');
    expect(kindOf('Body text set')).toBe('paragraph');
    expect(kindOf('Acharya')).toBe('references');
  });
});
