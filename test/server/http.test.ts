/**
 * The JSON API on a real server (ephemeral port, real index): answers, validation, limits,
 * headers, and the passage and reference endpoints.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import type { Answer } from '../../lib/types.ts';
import { buildReviewIndex, startServer, type ReviewIndex, type RunningServer } from '../support/fixtures.ts';

let review: ReviewIndex;
let server: RunningServer;

beforeAll(async () => {
  review = await buildReviewIndex();
  server = await startServer(review.config);
});

afterAll(async () => {
  await server?.close();
  await review?.remove();
});

const post = (path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers, body });

describe('POST /api/ask', () => {
  it('answers with the answer object, cited passages and the paper\'s references', async () => {
    const response = await post('/api/ask', JSON.stringify({ question: 'Which journal published the KEYNOTE-811 trial?' }));
    expect(response.status).toBe(200);
    const answer = (await response.json()) as Answer;
    expect(answer).toMatchObject({ abstained: false, mode: 'extractive', timings: { retrieveMs: expect.any(Number), answerMs: expect.any(Number) } });
    expect(answer.answer).toMatch(/Nature/);
    expect(answer.answer).toMatch(/\[1\]/);
    expect(answer.citations[0]).toMatchObject({ n: 1, passageId: expect.any(String), docId: 'her2-gastric-cancer-review', kind: expect.any(String), refs: expect.arrayContaining([33]) });
    expect(answer.references).toContainEqual(expect.objectContaining({ n: 33, doi: '10.1038/s41586-021-04161-3', journal: 'Nature', year: 2021 }));
  });

  it('uses the history for a follow-up', async () => {
    const response = await post(
      '/api/ask',
      JSON.stringify({
        question: 'And its median PFS?',
        history: [
          { role: 'user', content: 'What did the TOGA trial show?' },
          { role: 'assistant', content: 'Trastuzumab plus chemotherapy improved overall survival [1].' },
        ],
      }),
    );
    const answer = (await response.json()) as Answer;
    expect(answer.abstained).toBe(false);
    expect(answer.answer).toMatch(/6\.7/);
  });

  it('declines a question the papers do not answer', async () => {
    const answer = (await (await post('/api/ask', JSON.stringify({ question: 'How do I reverse a list in Python?' }))).json()) as Answer;
    expect(answer).toMatchObject({ abstained: true, citations: [], references: [] });
    expect(answer.answer).toMatch(/^The indexed papers don't (?:say|mention|give) /);
  });

  it.each([
    ['a missing question', '{}', 'question must be a string'],
    ['an empty question', '{"question":"   "}', 'question is empty'],
    ['a non-string question', '{"question":42}', 'question must be a string'],
    ['a question over 2,000 characters', JSON.stringify({ question: 'x'.repeat(2001) }), 'question is over 2,000 characters'],
    ['a history that is not an array', '{"question":"What is ZW25?","history":"earlier"}', 'history must be an array of { role, content }'],
    ['a turn with a bad role', '{"question":"What is ZW25?","history":[{"role":"system","content":"x"}]}', 'history.0.role: role must be "user" or "assistant"'],
    ['a turn without content', '{"question":"What is ZW25?","history":[{"role":"user"}]}', 'history.0.content: content must be a string'],
    ['a body that is not an object', '[1,2]', 'the body must be a JSON object { question, history?, docIds? }'],
    ['bad JSON', '{"question": "unterminated', 'the body is not valid JSON'],
  ])('rejects %s with a 400 and a one-line reason', async (_label, body, reason) => {
    const response = await post('/api/ask', body);
    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: string };
    expect(json).toEqual({ error: reason });
    expect(json.error).not.toContain('\n');
  });

  it('rejects an oversized body with a 413', async () => {
    const response = await post('/api/ask', JSON.stringify({ question: 'What is ZW25?', history: [{ role: 'user', content: 'y'.repeat(70_000) }] }));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'the body is too large (at most 64 kB)' });
  });

  it('treats a body that is not JSON as missing', async () => {
    const response = await post('/api/ask', 'question=hi', { 'content-type': 'text/plain' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('the body must be a JSON object { question, history?, docIds? }');
  });
});

describe('GET endpoints', () => {
  it('offers example questions made from the index, each of which it answers', async () => {
    const { examples } = (await (await fetch(`${server.url}/api/examples`)).json()) as { examples: string[] };
    // The review's most used abbreviation, one of its tables and a reference entry.
    expect(examples).toEqual(expect.arrayContaining([expect.stringMatching(/^What does [A-Z][\w-]+ stand for\?$/), expect.stringMatching(/^What does Table \d+ show\?$/), 'Which journal published reference 1?']));
    for (const question of examples) {
      const answer = (await (await post('/api/ask', JSON.stringify({ question }))).json()) as Answer;
      expect(answer.abstained, question).toBe(false);
    }
  });

  it('reports health: ready, mode and index statistics', async () => {
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({
      ready: true,
      mode: 'extractive',
      index: { papers: 1, references: 190, chunksByKind: { 'table-row': 30, reference: 190 }, embedder: expect.stringMatching(/^lsa-/) },
    });
    expect(health).not.toHaveProperty('model');
  });

  it('lists the papers', async () => {
    const { docs } = (await (await fetch(`${server.url}/api/docs`)).json()) as { docs: { docId: string; title: string; references: number }[] };
    expect(docs).toEqual([expect.objectContaining({ docId: 'her2-gastric-cancer-review', title: 'HER2-positive gastric cancer: from targeted therapy to CAR-T cell therapy', references: 190 })]);
  });

  it('returns a passage with the references it cites, and 404 for an unknown one', async () => {
    const chunk = server.engine.library.index.chunks.find((candidate) => candidate.text.includes('KEYNOTE-811') || candidate.refs.includes(33) && candidate.kind === 'paragraph')!;
    const passage = (await (await fetch(`${server.url}/api/passages/${chunk.id}`)).json()) as { passageId: string; text: string; sectionPath: string[]; references: { n: number }[] };
    expect(passage.passageId).toBe(chunk.id);
    expect(passage.text).toBe(chunk.text);
    expect(passage.sectionPath.length).toBeGreaterThan(0);
    expect(passage.references.map((reference) => reference.n)).toEqual(chunk.refs);
    const missing = await fetch(`${server.url}/api/passages/does-not-exist`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'no passage with id "does-not-exist"' });
  });

  it('returns a reference entry with the passages that cite it', async () => {
    const reference = (await (await fetch(`${server.url}/api/docs/her2-gastric-cancer-review/references/75`)).json()) as { n: number; doi: string; citedBy: { passageId: string }[] };
    expect(reference).toMatchObject({ n: 75, doi: '10.1056/NEJMoa2004413', journal: 'N Engl J Med', year: 2020 });
    expect(reference.citedBy.length).toBeGreaterThan(0);
    expect((await fetch(`${server.url}/api/docs/her2-gastric-cancer-review/references/999`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/docs/nope/references/1`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/nothing-here`)).status).toBe(404);
  });

  it('serves the chat page with security headers and no CORS by default', async () => {
    const response = await fetch(`${server.url}/`, { headers: { origin: 'http://elsewhere.example' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-powered-by')).toBeNull();
    const api = await fetch(`${server.url}/api/health`, { headers: { origin: 'http://elsewhere.example' } });
    expect(api.headers.get('access-control-allow-origin')).toBeNull();
    // Connections only to the page's own origin; no HSTS from a plain-HTTP server.
    expect(response.headers.get('content-security-policy')).toMatch(/connect-src 'self'(;|$)/);
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });

  it('refuses a request naming a host it does not serve (DNS rebinding), with one line', async () => {
    const get = (host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest(`${server.url}/api/health`, { headers: { host } }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode!, body }));
        });
        request.on('error', reject);
        request.end();
      });
    const port = new URL(server.url).port;
    const evil = await get(`evil.example:${port}`);
    expect(evil.status).toBe(421);
    expect(JSON.parse(evil.body)).toEqual({ error: 'unknown host "evil.example"; set PAPERCHAT_ALLOWED_HOSTS to serve it' });
    expect((await get(`localhost:${port}`)).status).toBe(200);
    expect((await get(`127.0.0.1:${port}`)).status).toBe(200);
  });
});

describe('scope (docIds)', () => {
  const REVIEW = 'her2-gastric-cancer-review';

  it('answers from the chosen papers, and refuses an unknown, empty or malformed scope in one line', async () => {
    const question = 'Which journal published the KEYNOTE-811 trial?';
    const all = (await (await post('/api/ask', JSON.stringify({ question }))).json()) as Answer;
    const scoped = (await (await post('/api/ask', JSON.stringify({ question, docIds: [REVIEW] }))).json()) as Answer;
    expect(scoped.answer).toBe(all.answer);
    const cases: [unknown, string][] = [
      [['nope'], 'docIds: no paper with id "nope"'],
      [[REVIEW, 'missing-paper'], 'docIds: no paper with id "missing-paper"'],
      [[], 'docIds is empty; leave it out to ask every paper'],
      ['her2', 'docIds must be an array of paper ids'],
      [[''], 'docIds.0: a docId is empty'],
    ];
    for (const [docIds, error] of cases) {
      const response = await post('/api/ask', JSON.stringify({ question, docIds }));
      expect(response.status, error).toBe(400);
      expect(await response.json()).toEqual({ error });
    }
  });

  it('makes example questions from the chosen papers, and shows one paper with its headings', async () => {
    const { examples } = (await (await fetch(`${server.url}/api/examples?docIds=${REVIEW}`)).json()) as { examples: string[] };
    expect(examples).toEqual(((await (await fetch(`${server.url}/api/examples`)).json()) as { examples: string[] }).examples);
    const unknown = await fetch(`${server.url}/api/examples?docIds=nope`);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ error: 'docIds: no paper with id "nope"' });
    const paper = (await (await fetch(`${server.url}/api/docs/${REVIEW}`)).json()) as { docId: string; sections: { text: string; level: number }[] };
    expect(paper.docId).toBe(REVIEW);
    expect(paper.sections).toContainEqual({ text: '3.2.2 T-DXd', level: 3 });
    expect((await fetch(`${server.url}/api/docs/nope`)).status).toBe(404);
  });
});

describe('configured limits', () => {
  it('rate-limits questions per client and allows configured CORS origins', async () => {
    const config = loadConfig({
      PAPERCHAT_CORPUS_DIR: review.corpusDir,
      PAPERCHAT_INDEX_DIR: review.indexDir,
      PAPERCHAT_LOG: 'silent',
      PAPERCHAT_RATE_LIMIT: '3',
      PAPERCHAT_CORS_ORIGINS: 'http://allowed.example',
    });
    const limited = await startServer(config);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`${limited.url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"question":"What is ZW25?"}' });
        statuses.push(response.status);
        if (response.status === 429) expect(await response.json()).toEqual({ error: 'too many questions; wait a minute and try again' });
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const cors = await fetch(`${limited.url}/api/health`, { headers: { origin: 'http://allowed.example' } });
      expect(cors.headers.get('access-control-allow-origin')).toBe('http://allowed.example');
    } finally {
      await limited.close();
    }
  });
});
