/**
 * What the interfaces show of a paper, a passage and a reference-list entry: one shape for
 * the HTTP API and the MCP tools.
 */
import type { Chunk, Paper, Reference } from '../../lib/types.ts';
import { citationFor, referencesOf } from './cite.ts';
import type { Library } from './library.ts';

/** A paper as `GET /api/docs` and the MCP tool `list_papers` list it. */
export function paperSummary(paper: Paper) {
  const year = printedYear(paper);
  return {
    docId: paper.docId,
    title: paper.title,
    authors: paper.front?.authors ?? [],
    ...(year !== undefined ? { year } : {}),
    source: paper.source,
    format: paper.format,
    ...(paper.pages !== undefined ? { pages: paper.pages } : {}),
    chunks: paper.chunks.length,
    references: paper.references.length,
    glossary: paper.glossary.length,
  };
}

/** A paper as `GET /api/docs/:docId` shows it: the summary with its own DOI, keywords and headings. */
export function paperDetail(paper: Paper) {
  return {
    ...paperSummary(paper),
    ...(paper.front?.doi ? { doi: paper.front.doi } : {}),
    keywords: paper.front?.keywords ?? [],
    sections: paper.headings ?? [],
  };
}

/** The year in the lines printed on every page (the journal's running head), when they name just one. */
function printedYear(paper: Paper): number | undefined {
  const years = new Set((paper.front?.printed ?? []).flatMap((line) => [...line.matchAll(/\b(?:19|20)\d{2}\b/g)].map((match) => Number(match[0]))));
  return years.size === 1 ? [...years][0] : undefined;
}

/** One passage with where it sits in its paper and the paper's references it cites. */
export function passageView(chunk: Chunk, library: Library) {
  const citation = citationFor(chunk, 0, chunk.refs, library);
  const { n: _unused, ...passage } = citation;
  return {
    ...passage,
    sectionPath: chunk.sectionPath,
    span: chunk.span,
    // A caption of a table whose rows were not read keeps its (empty) table, as stored.
    ...(chunk.table && !passage.table ? { table: chunk.table } : {}),
    references: referencesOf([citation], library),
  };
}

/** A reference-list entry with the body passages that cite it. */
export function referenceView(reference: Reference, library: Library) {
  return {
    ...reference,
    citedBy: library.retriever.citingPassages(reference.docId, reference.n).map((chunk) => ({ passageId: chunk.id, section: chunk.section, kind: chunk.kind })),
  };
}
