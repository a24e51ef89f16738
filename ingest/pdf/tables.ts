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
  // A column the widest line leaves empty (the row labels under a header that names only the
  // data columns) is where other lines' cells fall clear of every column.
  for (const line of lines) {
    line.cells.forEach((_, i) => {
      const x0 = line.cellX[i]!;
      const x1 = line.cellX1[i]!;
      if (!columns.some((column) => Math.min(x1, column.x1) > Math.max(x0, column.x0))) columns.push({ x0, x1 });
    });
  }
  columns.sort((a, b) => a.x0 - b.x0);
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
  nameSubRows(rows, columns[0]!);
  return rows.map((row) => row.cells);
}

/**
 * Row labels set in under a label above them ("Depth of invasion" over "  T1", "  T2") are
 * its kinds, and rows under a label that stands alone in its row ("Smoker (n = 17 857)" over
 * "Model 1", "Model 2") are its part of the table: each gets that label, so a row read alone
 * still says what it counts ("Depth of invasion — T4", "Smoker (n = 17 857) — Model 1").
 */
function nameSubRows(rows: { cells: string[]; line: LayoutLine }[], first: Column): void {
  // A label alone in its row, capitalised (not a wrapped label's second line), opens a group —
  // not in the first row, which heads the table, and only where two or more divide the table
  // (one such row is the header's label for the row names: "Factors").
  const aloneRows = new Set(rows.filter((row, k) => k > 0 && row.cells.every((cell, i) => i === 0 || cell === '') && /^\p{Lu}/u.test(row.cells[0] ?? '')));
  const stack: { x: number; label: string }[] = [];
  let group: { x: number; label: string } | undefined;
  for (const row of rows) {
    const label = row.cells[0];
    const at = row.line.cellX.findIndex((x0, i) => Math.min(row.line.cellX1[i]!, first.x1) > Math.max(x0, first.x0));
    if (!label || at < 0) continue;
    const x = row.line.cellX[at]!;
    // Set in by at least a third of the type size: not the jitter of one column's left edge.
    const indent = row.line.size / 3;
    while (stack.length > 0 && stack[stack.length - 1]!.x >= x - indent) stack.pop();
    const parent = stack[stack.length - 1];
    stack.push({ x, label });
    if (aloneRows.size > 1 && aloneRows.has(row) && !parent) {
      group = { x, label };
      continue;
    }
    const inGroup = !parent && group !== undefined && Math.abs(group.x - x) < indent ? group : undefined;
    const above = parent ?? inGroup;
    if (above) row.cells[0] = `${above.label} — ${label}`;
  }
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
