/**
 * What the interfaces show of a paper, a passage and a reference-list entry: one shape for
 * the HTTP API and the MCP tools.
 */
import type { Chunk, Paper, Reference } from '../../lib/types.ts';
import { citationFor, referencesOf } from './cite.ts';
import type { Library } from './library.ts';

/** A paper as `GET /api/docs` lists it. */
export function paperSummary(paper: Paper) {
  return {
    docId: paper.docId,
    title: paper.title,
    source: paper.source,
    format: paper.format,
    ...(paper.pages !== undefined ? { pages: paper.pages } : {}),
    chunks: paper.chunks.length,
    references: paper.references.length,
    glossary: paper.glossary.length,
  };
}

/** One passage with where it sits in its paper and the paper's references it cites. */
export function passageView(chunk: Chunk, library: Library) {
  const citation = citationFor(chunk, 0, chunk.refs);
  const { n: _unused, ...passage } = citation;
  return {
    ...passage,
    sectionPath: chunk.sectionPath,
    span: chunk.span,
    ...(chunk.table ? { table: chunk.table } : {}),
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
