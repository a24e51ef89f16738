/**
 * A table's lines → rows of cells aligned to its columns. Columns come from the cells' left
 * and right edges on the line with the most cells; every other cell goes to the column it
 * overlaps most. A line with an empty first cell continues the row above when it is part of
 * the header or a cell's text that wrapped.
 */
import type { LayoutLine } from './blocks.ts';

interface Column {
  x0: number;
  x1: number;
}

export function tableRows(lines: LayoutLine[]): string[][] {
  const template = [...lines].sort((a, b) => b.cells.length - a.cells.length)[0];
  if (!template) return [];
  const columns: Column[] = template.cellX.map((x0, i) => ({ x0, x1: template.cellX1[i] ?? x0 }));
  const rows: { cells: string[]; line: LayoutLine }[] = [];
  for (const line of lines) {
    const cells = new Array<string>(columns.length).fill('');
    line.cells.forEach((cell, i) => {
      const at = bestColumn(columns, line.cellX[i]!, line.cellX1[i]!);
      cells[at] = cells[at] ? `${cells[at]} ${cell}` : cell;
    });
    const previous = rows[rows.length - 1];
    if (previous && continues(previous.cells, cells, line, rows.length === 1)) {
      cells.forEach((cell, i) => {
        if (cell) previous.cells[i] = previous.cells[i] ? `${previous.cells[i]} ${cell}` : cell;
      });
    } else {
      rows.push({ cells, line });
    }
  }
  return rows.map((row) => row.cells);
}

function bestColumn(columns: Column[], x0: number, x1: number): number {
  let best = 0;
  let bestScore = -Infinity;
  columns.forEach((column, i) => {
    const overlap = Math.min(x1, column.x1) - Math.max(x0, column.x0);
    const score = overlap > 0 ? overlap : -Math.abs((x0 + x1) / 2 - (column.x0 + column.x1) / 2);
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  });
  return best;
}

/** Empty first cell, close below: the header's second line, or text that wrapped in its cells. */
function continues(previous: string[], cells: string[], line: LayoutLine, previousIsHeader: boolean): boolean {
  if (cells[0] !== '' || line.gap > 1.3) return false;
  if (previousIsHeader && !cells.some((cell) => /\d/.test(cell))) return true;
  return cells.every((cell, i) => cell === '' || previous[i] !== '') && cells.filter(Boolean).length < previous.filter(Boolean).length;
}
