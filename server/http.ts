/**
 * The JSON API. Transport only: validate, call the engine, shape the reply.
 *
 *   POST /api/ask                          { question, history? } → the answer object
 *   GET  /api/health                       ready, mode, model, index stats
 *   GET  /api/docs                         the indexed papers
 *   GET  /api/examples                     example questions made from the index
 *   GET  /api/passages/:id                 one passage, with the references it cites
 *   GET  /api/docs/:docId/references       a paper's reference list: { docId, references }, or
 *                                          ?format=bibtex|ris|csl as a file to download
 *   GET  /api/docs/:docId/references/:n    one entry of a paper's reference list
 *   GET  /api/references?refs=docId:n,…    chosen entries (an answer's), ?format= as above
 */
import { Router, type Request, type Response } from 'express';
import type { Reference } from '../lib/types.ts';
import { BusyError, connectionOf, type Admission } from './admission.ts';
import type { Engine } from './engine.ts';
import { ask } from './rag/answer.ts';
import { formatReferences, REFERENCE_FORMATS, type ReferenceFormat } from './rag/reference-export.ts';
import { AskRequest, describeIssue, PaperReferencesQuery, ReferencesQuery } from './schemas.ts';
import { exampleQuestions } from './rag/examples.ts';
import { paperSummary, passageView, referenceView } from './rag/views.ts';

export function apiRouter(engine: Engine, admission: Admission): Router {
  const router = Router();

  router.post('/ask', async (request: Request, response: Response) => {
    const parsed = AskRequest.safeParse(request.body);
    if (!parsed.success) {
      response.status(400).json({ error: describeIssue(parsed.error) });
      return;
    }
    const controller = new AbortController();
    // A client that hangs up stops the work (an LLM call can take a while).
    response.on('close', () => {
      if (!response.writableFinished) controller.abort(new Error('client closed the connection'));
    });
    const release = await admission.enter(connectionOf(request), controller.signal).catch((error: Error) => error);
    if (release instanceof Error) {
      if (release instanceof BusyError) response.status(503).set('Retry-After', String(release.retryAfterSeconds)).json({ error: release.message });
      return;
    }
    try {
      response.json(await ask(engine.answerer, parsed.data.question, { history: parsed.data.history ?? [], signal: controller.signal }));
    } finally {
      release();
    }
  });

  router.get('/health', (_request, response) => {
    const { manifest, version } = engine.library.index;
    response.json({
      ready: true,
      mode: engine.answerer.mode,
      load: admission.load,
      ...(engine.answerer.model ? { model: engine.answerer.model } : {}),
      index: {
        version,
        builtAt: manifest.builtAt,
        papers: manifest.counts.papers,
        chunks: manifest.counts.chunks,
        chunksByKind: manifest.counts.chunksByKind,
        references: manifest.counts.references,
        glossary: manifest.counts.glossary,
        embedder: manifest.embedder.id,
      },
    });
  });

  router.get('/docs', (_request, response) => {
    response.json({ docs: engine.library.index.papers.map((paper) => paperSummary(paper)) });
  });

  // Made once per loaded index: a reload brings a new index object.
  const examples = new WeakMap<object, string[]>();
  router.get('/examples', (_request, response) => {
    const index = engine.library.index;
    if (!examples.has(index)) examples.set(index, exampleQuestions(index.papers));
    response.json({ examples: examples.get(index) });
  });

  router.get('/passages/:id', (request, response) => {
    const library = engine.library;
    const chunk = library.index.chunkById.get(String(request.params.id));
    if (!chunk) {
      response.status(404).json({ error: `no passage with id ${JSON.stringify(String(request.params.id).slice(0, 64))}` });
      return;
    }
    response.json(passageView(chunk, library));
  });

  router.get('/docs/:docId/references/:n', (request, response) => {
    const library = engine.library;
    const docId = String(request.params.docId);
    const n = Number(request.params.n);
    if (!library.paper(docId)) {
      response.status(404).json({ error: `no paper with id ${JSON.stringify(docId.slice(0, 64))}` });
      return;
    }
    const reference = Number.isInteger(n) ? library.reference(docId, n) : undefined;
    if (!reference) {
      response.status(404).json({ error: `paper ${docId} has no reference ${JSON.stringify(String(request.params.n).slice(0, 16))}` });
      return;
    }
    response.json(referenceView(reference, library));
  });

  router.get('/docs/:docId/references', (request, response) => {
    const parsed = PaperReferencesQuery.safeParse(request.query);
    if (!parsed.success) {
      response.status(400).json({ error: describeIssue(parsed.error) });
      return;
    }
    const docId = String(request.params.docId);
    const paper = engine.library.paper(docId);
    if (!paper) {
      response.status(404).json({ error: `no paper with id ${JSON.stringify(docId.slice(0, 64))}` });
      return;
    }
    if (parsed.data.format) sendReferences(response, paper.references, parsed.data.format, docId);
    else response.json({ docId, references: paper.references });
  });

  router.get('/references', (request, response) => {
    const parsed = ReferencesQuery.safeParse(request.query);
    if (!parsed.success) {
      response.status(400).json({ error: describeIssue(parsed.error) });
      return;
    }
    const library = engine.library;
    const references: Reference[] = [];
    for (const { docId, n } of parsed.data.refs) {
      const reference = library.reference(docId, n);
      if (!reference) {
        const error = library.paper(docId) ? `paper ${docId.slice(0, 64)} has no reference ${n}` : `no paper with id ${JSON.stringify(docId.slice(0, 64))}`;
        response.status(404).json({ error });
        return;
      }
      references.push(reference);
    }
    if (parsed.data.format) sendReferences(response, references, parsed.data.format, 'references');
    else response.json({ references });
  });

  router.use((_request, response) => {
    response.status(404).json({ error: 'no such API endpoint' });
  });
  return router;
}

/** References as a file to save: `<name>.bib`, `.ris` or `.json`. */
function sendReferences(response: Response, references: readonly Reference[], format: ReferenceFormat, name: string) {
  const { mediaType, extension } = REFERENCE_FORMATS[format];
  // Ingest makes docIds [a-z0-9-] from file names; kept to those characters, the quoted name is always safe.
  const filename = `${name}.${extension}`.replace(/[^A-Za-z0-9._-]/g, '_');
  response.set('Content-Type', `${mediaType}; charset=utf-8`);
  response.set('Content-Disposition', `attachment; filename="${filename}"`);
  response.send(formatReferences(references, format));
}
