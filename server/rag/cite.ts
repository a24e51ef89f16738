/**
 * Where citation numbers come from. Answer sentences cite passages; `[n]` numbers passages
 * in the order the answer first uses them, and each citation carries the paper's own
 * references behind it, so the reader can open the passage and then the source it cites.
 */
import type { Answer, AnswerMode, Chunk, Citation, CitedReference, CitedTable } from '../../lib/types.ts';
import type { Library } from './library.ts';
import { namingColumn } from './tables.ts';

/** One sentence of an answer and the passage (and paper references) behind it. */
export interface CitedPart {
  text: string;
  chunk: Chunk;
  refs: number[];
}

export interface Citations {
  citations: Citation[];
  references: CitedReference[];
}

/** Numbers passages by first use and collects the paper references they cite. */
function numberCitations(parts: { chunk: Chunk; refs: number[] }[], library: Library): Citations & { numberOf: Map<string, number> } {
  const numberOf = new Map<string, number>();
  const citations: Citation[] = [];
  for (const part of parts) {
    const existing = numberOf.get(part.chunk.id);
    if (existing !== undefined) {
      const citation = citations[existing - 1]!;
      citation.refs = [...new Set([...citation.refs, ...part.refs])].sort((a, b) => a - b);
      continue;
    }
    const n = citations.length + 1;
    numberOf.set(part.chunk.id, n);
    citations.push(citationFor(part.chunk, n, part.refs, library));
  }
  return { citations, references: referencesOf(citations, library), numberOf };
}

export function citationFor(chunk: Chunk, n: number, refs: number[], library: Library): Citation {
  const table = citedTable(chunk, library);
  return {
    n,
    passageId: chunk.id,
    docId: chunk.docId,
    docTitle: chunk.docTitle,
    section: chunk.section,
    ...(chunk.page !== undefined ? { page: chunk.page } : {}),
    kind: chunk.kind,
    text: chunk.text,
    refs: [...new Set(refs)].sort((a, b) => a - b),
    ...(table ? { table } : {}),
  };
}

/** A table row's cells, its place in the table and the column naming the rows, so a reader can tell cited rows apart. */
function citedTable(chunk: Chunk, library: Library): CitedTable | undefined {
  if (chunk.kind !== 'table-row' || !chunk.table) return undefined;
  const rows = library.tableRows(chunk.docId, chunk.table.label);
  return { ...chunk.table, row: rows.indexOf(chunk) + 1 || 1, nameColumn: namingColumn(rows.length > 0 ? rows : [chunk]) };
}

/** The papers' own references behind the citations, each once, in citation order. */
export function referencesOf(citations: Citation[], library: Library): CitedReference[] {
  const out: CitedReference[] = [];
  const seen = new Set<string>();
  for (const citation of citations) {
    for (const n of citation.refs) {
      const key = `${citation.docId}:${n}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const reference = library.reference(citation.docId, n);
      if (!reference) continue;
      out.push({
        docId: reference.docId,
        n: reference.n,
        authors: reference.authors,
        title: reference.title,
        journal: reference.journal,
        ...(reference.year !== undefined ? { year: reference.year } : {}),
        ...(reference.doi ? { doi: reference.doi } : {}),
      });
    }
  }
  return out;
}

/** Joins cited sentences into answer text: each sentence ends with its `[n]`. */
export function assembleAnswer(parts: CitedPart[], library: Library, mode: AnswerMode, timings: Answer['timings']): Answer {
  const { citations, references, numberOf } = numberCitations(parts, library);
  const text = parts.map((part) => withMarker(part.text, numberOf.get(part.chunk.id)!)).join(' ');
  return { answer: text, abstained: false, mode, citations, references, timings };
}

/** "… chemotherapy." → "… chemotherapy [1]."; an item of a list, "T-DM1;" → "T-DM1 [1];". */
function withMarker(sentence: string, n: number): string {
  const trimmed = sentence.trim();
  const match = /^(.*?)([.!?]+["'”)]?|;)?$/s.exec(trimmed)!;
  return `${match[1]} [${n}]${match[2] ?? '.'}`;
}
