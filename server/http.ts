/**
 * The JSON API. Transport only: validate, call the engine, shape the reply.
 *
 *   POST /api/ask                          { question, history?, docIds? } → the answer object
 *   GET  /api/health, /health/live, /health/ready   in server/health.ts
 *   GET  /api/docs                         the indexed papers
 *   GET  /api/docs/:docId                  one paper: its summary, DOI, keywords and headings
 *   GET  /api/examples?docIds=a,b          example questions made from the index (or those papers)
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
import { AskRequest, describeIssue, ExamplesQuery, PaperReferencesQuery, ReferencesQuery, withKnownPapers } from './schemas.ts';
import { exampleQuestions } from './rag/examples.ts';
import { paperDetail, paperSummary, passageView, referenceView } from './rag/views.ts';

export function apiRouter(engine: Engine, admission: Admission): Router {
  const router = Router();
  const hasPaper = (docId: string) => engine.library.paper(docId) !== undefined;
  const askRequest = withKnownPapers(AskRequest, hasPaper);

  router.post('/ask', async (request: Request, response: Response) => {
    const parsed = askRequest.safeParse(request.body);
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
      const { question, history, docIds } = parsed.data;
      response.json(await ask(engine.answerer, question, { history: history ?? [], signal: controller.signal, ...(docIds ? { docIds } : {}) }));
    } finally {
      release();
    }
  });

  router.get('/docs', (_request, response) => {
    response.json({ docs: engine.library.index.papers.map((paper) => paperSummary(paper)) });
  });

  router.get('/docs/:docId', (request, response) => {
    const docId = String(request.params.docId);
    const paper = engine.library.paper(docId);
    if (!paper) {
      response.status(404).json({ error: `no paper with id ${JSON.stringify(docId.slice(0, 64))}` });
      return;
    }
    response.json(paperDetail(paper));
  });

  // Made once per loaded index and scope: a reload brings a new index object.
  const examples = new WeakMap<object, Map<string, string[]>>();
  const examplesQuery = withKnownPapers(ExamplesQuery, hasPaper);
  router.get('/examples', (request, response) => {
    const parsed = examplesQuery.safeParse(request.query);
    if (!parsed.success) {
      response.status(400).json({ error: describeIssue(parsed.error) });
      return;
    }
    const index = engine.library.index;
    const scope = parsed.data.docIds ? new Set(parsed.data.docIds) : undefined;
    const key = scope ? [...scope].sort().join(',') : '';
    const cached = examples.get(index) ?? new Map<string, string[]>();
    examples.set(index, cached);
    if (!cached.has(key)) cached.set(key, exampleQuestions(scope ? index.papers.filter((paper) => scope.has(paper.docId)) : index.papers));
    response.json({ examples: cached.get(key) });
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
