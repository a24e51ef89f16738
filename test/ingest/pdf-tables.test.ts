/**
 * A PDF table's lines → rows aligned to its columns (lines laid out by the test, no PDF
 * needed): a row-label column that the header leaves unnamed is a column of its own, and row
 * labels set in under a label above them carry it.
 */
import { describe, expect, it } from 'vitest';
import type { LayoutLine } from '../../ingest/pdf/blocks.ts';
import { tableRows } from '../../ingest/pdf/tables.ts';

const SIZE = 8;

/** A line of cells ([text, left edge]); each cell 0.5 em per character wide. */
function row(parts: [string, number][]): LayoutLine {
  return {
    text: parts.map(([text]) => text).join(' '),
    cells: parts.map(([text]) => text),
    cellX: parts.map(([, x]) => x),
    cellX1: parts.map(([text, x]) => x + 0.5 * SIZE * text.length),
    page: 1,
    column: '1:40',
    indent: 0,
    gap: 1.2,
    size: SIZE,
  };
}

describe('tableRows', () => {
  const lines = [
    row([['MC (68 cases)', 150], ['WMDC (329 cases)', 250], ['P value', 380]]),
    row([['Depth of invasion', 40], ['<0.001', 380]]),
    row([['T1', 48], ['2 (2.9%)', 150], ['60 (18.2%)', 250]]),
    row([['T4', 48], ['26 (38.2%)', 150], ['67 (20.4%)', 250]]),
    row([['Curability', 40], ['0.011', 380]]),
    row([['Curative', 48], ['43 (63.2%)', 150], ['256 (77.8%)', 250]]),
  ];

  it('gives the row labels a column of their own though the header names only the data columns', () => {
    const rows = tableRows(lines);
    expect(rows[0]).toEqual(['', 'MC (68 cases)', 'WMDC (329 cases)', 'P value']);
    expect(rows[1]).toEqual(['Depth of invasion', '', '', '<0.001']);
  });

  it('names a row label set in under another by the label above it', () => {
    const rows = tableRows(lines);
    expect(rows.map((cells) => cells[0])).toEqual(['', 'Depth of invasion', 'Depth of invasion — T1', 'Depth of invasion — T4', 'Curability', 'Curability — Curative']);
    expect(rows[3]).toEqual(['Depth of invasion — T4', '26 (38.2%)', '67 (20.4%)', '']);
  });

  it('names the rows under labels that stand alone in their rows and divide the table', () => {
    const parts = [
      row([['< 10,000', 150], ['≥ 35,000', 250]]),
      row([['Smoker (n = 17 857)', 40]]),
      row([['Model 1', 40], ['1.00', 150], ['0.50 (0.34–0.72)', 250]]),
      row([['Never smoker (n = 27 627)', 40]]),
      row([['Model 1', 40], ['1.00', 150], ['0.22 (0.14–0.35)', 250]]),
    ];
    expect(tableRows(parts).map((cells) => cells[0])).toEqual(['', 'Smoker (n = 17 857)', 'Smoker (n = 17 857) — Model 1', 'Never smoker (n = 27 627)', 'Never smoker (n = 27 627) — Model 1']);
    // One such row alone names the row labels' column: it divides nothing.
    const named = [row([['RR', 150], ['P value', 250]]), row([['Factors', 40]]), row([['Elder age', 40], ['1.222', 150], ['0.028', 250]])];
    expect(tableRows(named).map((cells) => cells[0])).toEqual(['', 'Factors', 'Elder age']);
  });

  it('leaves labels that share one left edge (within a third of the type size) as they are', () => {
    const flat = [row([['Age', 40], ['61.2', 200]]), row([['Weight', 41.5], ['72.5', 200]]), row([['Height', 40], ['170.1', 200]])];
    expect(tableRows(flat).map((cells) => cells[0])).toEqual(['Age', 'Weight', 'Height']);
  });
});
