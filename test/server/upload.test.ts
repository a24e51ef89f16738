/**
 * Adding a paper over HTTP (POST /api/upload) on the real server: the policy (open on
 * loopback; beyond it only with PAPERCHAT_ADMIN_TOKEN, off without one) on a server really
 * bound to a non-loopback address of this machine, the one-line refusals (names, size, type,
 * a name already taken, a file ingest refuses), and a paper added, indexed and answered from,
 * with its progress sent to the Socket.IO connection that asked.
 */
import { readdir } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import type { Answer } from '../../lib/types.ts';
import { fileNameProblem, isLoopback, refusal, uploadPolicy } from '../../server/upload.ts';
import { makeFindingPdf } from '../support/finding-pdf.ts';
import { buildReviewIndex, startServer, type ReviewIndex, type RunningServer } from '../support/fixtures.ts';
import { nonLoopbackAddress, startServerOn } from '../support/network.ts';

const TOKEN = 'upload-test-token-0123456789';
const FINDING = 'Plots treated with the Quillwort inoculant yielded 17.4% more barley than untreated plots.';

describe('the upload policy', () => {
  it('is open on loopback, needs the token elsewhere, and is off there without one', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(isLoopback(address), address).toBe(true);
    for (const address of ['0.0.0.0', '::', '192.0.2.2', 'fd00::2', '::ffff:10.0.0.1']) expect(isLoopback(address), address).toBe(false);
    expect(uploadPolicy({ address: '127.0.0.1', family: 'IPv4', port: 3000 }, undefined)).toEqual({ mode: 'open' });
    expect(uploadPolicy({ address: '0.0.0.0', family: 'IPv4', port: 3000 }, TOKEN)).toEqual({ mode: 'token' });
    expect(uploadPolicy({ address: '0.0.0.0', family: 'IPv4', port: 3000 }, undefined)).toEqual({
      mode: 'off',
      reason: 'adding papers is off: the server listens on 0.0.0.0, not loopback, and PAPERCHAT_ADMIN_TOKEN is not set',
    });
    // A socket path may be behind a proxy: not loopback.
    expect(uploadPolicy('/run/paperchat.sock', undefined).mode).toBe('off');
    expect(refusal({ mode: 'token' }, undefined, TOKEN)?.status).toBe(401);
    expect(refusal({ mode: 'token' }, 'Bearer nope', TOKEN)).toEqual({ status: 403, error: 'upload: the admin token is wrong' });
    expect(refusal({ mode: 'token' }, `Bearer ${TOKEN}`, TOKEN)).toBeUndefined();
  });

  it('refuses file names that are not plain corpus file names, in one line', () => {
    expect(fileNameProblem('paper.pdf')).toBeUndefined();
    expect(fileNameProblem('notes on ZETA.md')).toBeUndefined();
    expect(fileNameProblem('../etc/passwd.txt')).toBe('upload: "../etc/passwd.txt": the file name must not contain / or \\');
    expect(fileNameProblem('a\\b.pdf')).toBe('upload: "a\\\\b.pdf": the file name must not contain / or \\');
    expect(fileNameProblem('evil\u0000.pdf')).toBe('upload: "evil\\u0000.pdf": the file name contains control characters');
    expect(fileNameProblem('line\nbreak.pdf')).toMatch(/control characters$/);
    expect(fileNameProblem('.hidden.pdf')).toMatch(/must not start with a dot/);
    expect(fileNameProblem('slides.pptx')).toBe('upload: slides.pptx: unsupported file type (use .pdf, .txt, .md)');
    expect(fileNameProblem('README.md')).toMatch(/corpus documentation/);
    expect(fileNameProblem(undefined)).toBe('upload: give the file name as ?name=paper.pdf');
    expect(fileNameProblem(`${'x'.repeat(300)}.pdf`)).toMatch(/over 200 characters/);
  });
});

describe('POST /api/upload', () => {
  let review: ReviewIndex;
  let server: RunningServer;

  beforeAll(async () => {
    review = await buildReviewIndex({ PAPERCHAT_MAX_FILE_MB: '1', PAPERCHAT_RATE_LIMIT: '0' });
    server = await startServer(review.config);
  });

  afterAll(async () => {
    await server?.close();
    await review?.remove();
  });

  const upload = (name: string, body: Buffer | string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/upload?name=${encodeURIComponent(name)}`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-type': 'application/octet-stream', ...headers } });

  it('says on loopback that uploads are open, with the limit and the formats', async () => {
    expect(await (await fetch(`${server.url}/api/upload`)).json()).toEqual({ available: true, token: false, maxBytes: 1024 * 1024, formats: ['.pdf', '.txt', '.md'] });
  });

  it('adds a PDF through the ingest, reports progress to the asking socket, and answers from it', async () => {
    const socket = io(server.url, { transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('connect_error', reject));
    const stages: string[] = [];
    socket.on('upload:progress', (event: { name: string; stage: string }) => {
      expect(event.name).toBe('soil-microbes.pdf');
      stages.push(event.stage);
    });
    const pdf = await makeFindingPdf({ title: 'Soil microbes over three seasons', finding: FINDING });
    const response = await upload('soil-microbes.pdf', pdf, { 'content-type': 'application/pdf', 'x-socket-id': socket.id! });
    expect(response.status).toBe(201);
    const { paper, version } = (await response.json()) as { paper: { docId: string; title: string; pages: number }; version: string };
    expect(paper).toMatchObject({ docId: 'soil-microbes', title: 'Soil microbes over three seasons', pages: 2 });
    expect(server.engine.library.index.version).toBe(version);
    await expect.poll(() => stages.at(-1)).toBe('done');
    expect(stages[0]).toBe('receiving');
    expect(stages).toEqual(expect.arrayContaining(['reading', 'embedding', 'indexing', 'loading']));
    socket.disconnect();
    // In the corpus under its own name; nothing staged is left behind.
    expect((await readdir(review.corpusDir)).sort()).toEqual(['README.md', 'her2-gastric-cancer-review.txt', 'soil-microbes.pdf']);

    const asked = await fetch(`${server.url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'What yield gain did plots treated with the Quillwort inoculant show?' }) });
    const answer = (await asked.json()) as Answer;
    expect(answer.answer).toContain('17.4% more barley');
    expect(answer.citations[0]).toMatchObject({ docId: 'soil-microbes', page: 1 });

    const again = await upload('soil-microbes.pdf', pdf);
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: 'upload: soil-microbes.pdf: the corpus already has a file of that name; rename it or remove the old one' });
  });

  it('refuses a bad name, a file over the limit (declared or not) and a file ingest cannot read, in one line each', async () => {
    const cases: [Response, number, string][] = [
      [await upload('../x.txt', 'text'), 400, 'upload: "../x.txt": the file name must not contain / or \\'],
      [await upload('tab\there.txt', 'text'), 400, 'upload: "tab\\there.txt": the file name contains control characters'],
      [await upload('big.txt', Buffer.alloc(1.5 * 1024 * 1024, 'a')), 413, 'upload: big.txt: too large (1.5 MB; the limit is 1.0 MB, set PAPERCHAT_MAX_FILE_MB)'],
      [await upload('fake.pdf', 'hello, not a pdf'), 422, 'upload: fake.pdf: not a PDF (starts with "hello, not a")'],
      [await upload('blank.txt', '   \n  '), 422, 'upload: blank.txt: no text (only whitespace)'],
    ];
    for (const [response, status, error] of cases) {
      expect(response.status, error).toBe(status);
      expect(await response.json()).toEqual({ error });
    }
    expect(await chunkedUpload(server.url, 'streamed.txt', 1.5 * 1024 * 1024)).toEqual({ status: 413, body: { error: 'upload: streamed.txt: too large (over 1.0 MB; the limit is 1.0 MB, set PAPERCHAT_MAX_FILE_MB)' } });
    // Nothing refused stays in the corpus.
    expect((await readdir(review.corpusDir)).filter((name) => /big|fake|blank|streamed/.test(name))).toEqual([]);
  });
});

describe('beyond loopback', () => {
  const host = nonLoopbackAddress();
  let review: ReviewIndex;
  let closed: RunningServer;
  let guarded: RunningServer;

  beforeAll(async () => {
    review = await buildReviewIndex({ PAPERCHAT_RATE_LIMIT: '0' });
    closed = await startServerOn(review.config, host);
    guarded = await startServerOn(loadConfig({ PAPERCHAT_CORPUS_DIR: review.corpusDir, PAPERCHAT_INDEX_DIR: review.indexDir, PAPERCHAT_LOG: 'silent', PAPERCHAT_ADMIN_TOKEN: TOKEN }), host);
  });

  afterAll(async () => {
    await closed?.close();
    await guarded?.close();
    await review?.remove();
  });

  const send = (server: RunningServer, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/upload?name=wren.txt`, { method: 'POST', body: 'Notes on the Wren creek survey\n\nThe Wren creek survey counted 58 otters.\n', headers });

  it(`refuses uploads without a configured token (bound to ${host})`, async () => {
    expect(closed.app.httpServer.address()).toMatchObject({ address: host });
    expect(await (await fetch(`${closed.url}/api/upload`)).json()).toMatchObject({ available: false, reason: expect.stringMatching(/^adding papers is off: the server listens on .+, not loopback/) });
    const response = await send(closed, { authorization: `Bearer ${TOKEN}` });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: string }).error).toMatch(/^upload: adding papers is off: the server listens on /);
  });

  it('takes an upload only with the configured token', async () => {
    expect(await (await fetch(`${guarded.url}/api/upload`)).json()).toMatchObject({ available: true, token: true });
    const missing = await send(guarded);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: 'upload: this server needs the admin token (Authorization: Bearer <PAPERCHAT_ADMIN_TOKEN>)' });
    const wrong = await send(guarded, { authorization: 'Bearer not-the-token-at-all' });
    expect(wrong.status).toBe(403);
    const right = await send(guarded, { authorization: `Bearer ${TOKEN}` });
    expect(right.status).toBe(201);
    expect(await right.json()).toMatchObject({ paper: { docId: 'wren', title: 'Notes on the Wren creek survey' } });
  });
});

/** A body sent in chunks without a Content-Length, as a stream would be. */
function chunkedUpload(url: string, name: string, bytes: number): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}/api/upload?name=${name}`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    // The server may hang up once it has answered; the answer is what counts.
    request.on('error', (error) => (/EPIPE|ECONNRESET/.test(String(error)) ? undefined : reject(error)));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    for (let sent = 0; sent < bytes; sent += chunk.length) request.write(chunk);
    request.end();
  });
}
