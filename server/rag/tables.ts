/**
 * Questions about a whole table ("Which ADCs are in Table 2?", "What does Table 1 show?") are
 * answered with every row, each cited, not with the few rows retrieval ranked highest: a list
 * that silently stops at four of eleven rows misleads. Too many rows for one answer end in
 * "and N more".
 */
import { searchTerms } from '../../lib/text.ts';
import type { Chunk } from '../../lib/types.ts';
import { matchWeight } from './concepts.ts';
import type { CitedPart } from './cite.ts';
import type { Library } from './library.ts';
import type { AnalyzedQuestion } from './question.ts';
import type { Passage } from './retrieve.ts';

/** "Table 2", "table S1", "Tab. 3" as a question names a table, normalised to "Table 2". */
const TABLE_NAMED = /\b(?:table|tab\.)\s*([A-Z]?\d+[a-z]?)\b/i;
/** Asking what a table holds, rather than one value from it. */
const ASKS_CONTENTS = /\b(?:show|shows|list|lists|listed|contain|contains|include|includes|included|summari[sz]e|summari[sz]es|about|in it|are in|are on)\b/i;

/** The rows of a table as the answer lists them, or undefined when the question is not about a whole table. */
export function tableListing(question: AnalyzedQuestion, passages: Passage[], library: Library, cap: number): CitedPart[] | undefined {
  const named = TABLE_NAMED.exec(question.text);
  if (!named || !(question.wantsMany || ASKS_CONTENTS.test(question.text))) return undefined;
  const label = `Table ${named[1]!.toUpperCase()}`;
  const rows = rowsOf(label, passages, library);
  if (rows.length < 2 || namesARow(question, rows, library)) return undefined;
  const names = rows.map(rowName(rows));
  const describes = !question.wantsMany;
  const caption = rows[0]!.table!.caption.replace(/\.\s*$/, '');
  const lead = describes && caption ? `${label} (${caption}) lists` : `${label} lists`;
  const parts: CitedPart[] = [];
  let length = lead.length;
  for (const [i, row] of rows.entries()) {
    const text = `${i === 0 ? `${lead} ` : i === rows.length - 1 ? 'and ' : ''}${names[i]}${i === rows.length - 1 ? '.' : ';'}`;
    // Leave room for the markers (about 5 characters each) and the closing "and N more".
    if (length + text.length + 5 > cap - 20 && i < rows.length - 1) {
      const last = parts[parts.length - 1];
      if (last) last.text = `${last.text.replace(/;$/, '')}, and ${rows.length - i} more.`;
      break;
    }
    parts.push({ text, chunk: row, refs: row.refs });
    length += text.length + 5;
  }
  return parts;
}

/**
 * The question names something of some rows ("for the HERXO trial", a follow-up's drug) beyond
 * what describes the whole table (its caption and header) or its paper: it asks about those rows.
 */
function namesARow(question: AnalyzedQuestion, rows: Chunk[], library: Library): boolean {
  const table = rows[0]!.table!;
  // What names the table or its paper ("Table 1 of the COPD paper") names no row.
  const describing = new Set([...searchTerms(`${table.label} ${table.caption} ${table.header.join(' ')}`), ...library.retriever.paperTerms(rows[0]!.docId)]);
  const cells = rows.map((row) => new Set(searchTerms(row.table!.cells.join(' '))));
  return question.concepts.some((concept) => matchWeight(concept, describing) === 0 && cells.some((terms) => matchWeight(concept, terms) > 0));
}

/** The rows of the table with that label in the paper retrieval points to (or the only paper that has one). */
function rowsOf(label: string, passages: Passage[], library: Library): Chunk[] {
  const hit = passages.find(({ chunk }) => chunk.kind === 'table-row' && chunk.table?.label.toLowerCase() === label.toLowerCase());
  if (hit) return rowsOfTable(hit.chunk, library);
  const papers = library.papersWithTable(label);
  return papers.length === 1 ? library.tableRows(papers[0]!, label) : [];
}

/**
 * What names a row: the first column whose cells tell the rows apart (a table's first column
 * is often a group, "HER-2 monoclonal antibody", filled in only on the group's first row).
 */
function rowName(rows: Chunk[]): (row: Chunk) => string {
  const column = namingColumn(rows);
  return (row) => row.table!.cells[column]?.trim() || row.table!.cells.find((cell) => cell.trim() !== '') || row.table!.label;
}

/**
 * The index of the column that names the rows: the first filled in on every row whose values
 * tell most rows apart (a trial reported on two rows still names them); 0 when none does.
 */
export function namingColumn(rows: Chunk[]): number {
  const width = Math.max(0, ...rows.map((row) => row.table!.cells.length));
  for (let j = 0; j < width; j++) {
    const values = rows.map((row) => row.table!.cells[j]?.trim() ?? '').filter((value) => value !== '');
    if (values.length === rows.length && new Set(values).size >= MOSTLY_DISTINCT * values.length) return j;
  }
  return 0;
}

/** Share of distinct values that makes a column a name: most rows, not all (see namingColumn). */
const MOSTLY_DISTINCT = 0.8;

/** The rows of the table a row belongs to, in order. */
export function rowsOfTable(row: Chunk, library: Library): Chunk[] {
  return row.table ? library.tableRows(row.docId, row.table.label) : [row];
}
