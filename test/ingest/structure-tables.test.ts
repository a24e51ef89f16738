/**
 * Tables as a PDF's layout hands them over (typed blocks, rows of cells): which rows are the
 * header, which are data.
 */
import { describe, expect, it } from 'vitest';
import type { RawBlock } from '../../ingest/parse/blocks.ts';
import { parseStructure } from '../../ingest/parse/structure.ts';

/** A PDF-like source: a title, a heading, a table caption and the table's rows. */
function tableOf(rows: string[][]) {
  const texts = ['Outcomes of gastric cancer surgery', 'Results', 'Table 6: Cox regression analysis.', ...rows.map((cells) => cells.join(' '))];
  let at = 0;
  const line = (text: string) => {
    const start = at;
    at += text.length + 1;
    return { text, start, end: start + text.length };
  };
  const [title, heading, caption, ...rowLines] = texts.map(line);
  const blocks: RawBlock[] = [
    { lines: [title!], hint: { kind: 'title' } },
    { lines: [heading!], hint: { kind: 'heading', level: 1 } },
    { lines: [caption!], hint: { kind: 'caption' } },
    { lines: rowLines, hint: { kind: 'table', rows } },
  ];
  const structure = parseStructure({ format: 'pdf', text: texts.join('\n'), blocks }, 'fallback');
  return structure.elements.find((element) => element.kind === 'table') as Extract<(typeof structure.elements)[number], { kind: 'table' }>;
}

describe('a PDF table', () => {
  it('reads a header set on two lines as one header', () => {
    const table = tableOf([
      ['', 'Univariate analysis', '', 'Multivariate analysis', ''],
      ['', 'RR', '95% CI', 'RR', '95% CI'],
      ['Age', '1.57', '1.31–1.88', '1.21', '1.01–1.46'],
    ]);
    expect(table.header).toEqual(['', 'Univariate analysis RR', '95% CI', 'Multivariate analysis RR', '95% CI']);
    expect(table.rows.map((row) => row.cells[0])).toEqual(['Age']);
  });

  it('reads a first row of counts with ranges as data, not as a header', () => {
    const table = tableOf([
      ['Age', '68 (19–87)'],
      ['Sex (m/f)', '35 (59)/24 (41)'],
    ]);
    expect(table.header).toEqual([]);
    expect(table.rows.map((row) => row.cells[0])).toEqual(['Age', 'Sex (m/f)']);
  });
});
