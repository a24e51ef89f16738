/**
 * The Socket.IO protocol with a real socket.io-client against the real server: streaming,
 * cancelling, questions in flight together, bad payloads, and a hot index reload.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../ingest/build.ts';
import { loadConfig } from '../../lib/config.ts';
import type { Answer } from '../../lib/types.ts';
import { createLlm } from '../../server/rag/llm.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { buildReviewIndex, startServer, type ReviewIndex, type RunningServer } from '../support/fixtures.ts';

type Done = Answer & { id: string | number };
interface Outcome {
  deltas: string[];
  done?: Done;
  error?: { id: unknown; message: string };
}

let review: ReviewIndex;
let server: RunningServer;
let fake: FakeOpenAI;
let llmServer: RunningServer;
const sockets: Socket[] = [];

beforeAll(async () => {
  review = await buildReviewIndex();
  server = await startServer(review.config);
  fake = await startFakeOpenAI();
  llmServer = await startServer(review.config, { llm: createLlm({ apiKey: 'sk-test', baseURL: fake.baseURL, model: 'fake-model', timeoutMs: 5_000 }) });
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

afterAll(async () => {
  await server?.close();
  await llmServer?.close();
  await fake?.close();
  await review?.remove();
});

async function connect(url = server.url): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Collects the events for one id until done or error. */
function track(socket: Socket, id: string | number): Promise<Outcome> {
  const outcome: Outcome = { deltas: [] };
  return new Promise((resolve) => {
    const onDelta = (event: { id: unknown; text: string }) => {
      if (event.id === id) outcome.deltas.push(event.text);
    };
    const finish = () => {
      socket.off('answer:delta', onDelta);
      socket.off('answer:done', onDone);
      socket.off('answer:error', onError);
      resolve(outcome);
    };
    const onDone = (event: Done) => {
      if (event.id !== id) return;
      outcome.done = event;
      finish();
    };
    const onError = (event: { id: unknown; message: string }) => {
      if (event.id !== id) return;
      outcome.error = event;
      finish();
    };
    socket.on('answer:delta', onDelta);
    socket.on('answer:done', onDone);
    socket.on('answer:error', onError);
  });
}

describe('Socket.IO answers', () => {
  it('streams deltas that concatenate to the final answer, then the answer object', async () => {
    const socket = await connect();
    const outcome = track(socket, 'q1');
    socket.emit('ask', { id: 'q1', question: 'What does T-DXd stand for?' });
    const { deltas, done, error } = await outcome;
    expect(error).toBeUndefined();
    expect(deltas.length).toBeGreaterThan(0);
    expect(done).toMatchObject({ id: 'q1', abstained: false, mode: 'extractive' });
    expect(deltas.join('')).toBe(done!.answer);
    expect(done!.answer).toMatch(/trastuzumab deruxtecan \[1\]/i);
    expect(done!.citations[0]).toMatchObject({ n: 1, passageId: expect.any(String) });
  });

  it('answers two questions in flight on one socket, each under its own id', async () => {
    const socket = await connect();
    const first = track(socket, 'a');
    const second = track(socket, 7);
    socket.emit('ask', { id: 'a', question: 'Which journal published the KEYNOTE-811 trial?' });
    socket.emit('ask', { id: 7, question: 'What is the capital of France?' });
    const [a, b] = await Promise.all([first, second]);
    expect(a.done?.answer).toMatch(/Nature/);
    expect(b.done).toMatchObject({ id: 7, abstained: true });
    expect(a.deltas.join('')).toBe(a.done!.answer);
    expect(b.deltas.join('')).toBe(b.done!.answer);
  });

  it('rejects bad payloads with answer:error and keeps the connection', async () => {
    const socket = await connect();
    const errors: { id: unknown; message: string }[] = [];
    socket.on('answer:error', (event) => errors.push(event));
    socket.emit('ask', { id: 'x1' });
    socket.emit('ask', { id: 'x2', question: '' });
    socket.emit('ask', { id: 'x3', question: 'q'.repeat(2001) });
    socket.emit('ask', { id: 'x4', question: 'What is ZW25?', history: [{ role: 'robot', content: 'hi' }] });
    socket.emit('ask', { question: 'no id' });
    socket.emit('ask', 'just a string');
    socket.emit('cancel', {});
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(errors).toEqual([
      { id: 'x1', message: 'question must be a string', code: 'invalid' },
      { id: 'x2', message: 'question is empty', code: 'invalid' },
      { id: 'x3', message: 'question is over 2,000 characters', code: 'invalid' },
      { id: 'x4', message: 'history.0.role: role must be "user" or "assistant"', code: 'invalid' },
      { id: null, message: 'id must be a string or a number', code: 'invalid' },
      { id: null, message: 'the body must be a JSON object { question, history?, docIds? }', code: 'invalid' },
      { id: null, message: 'id must be a string or a number', code: 'invalid' },
    ]);
    const ok = track(socket, 'after');
    socket.emit('ask', { id: 'after', question: 'What is ZW25?' });
    expect((await ok).done?.abstained).toBe(false);
  });

  it('answers from the papers named in docIds, and refuses an unknown one by name', async () => {
    const socket = await connect();
    const scoped = track(socket, 's1');
    socket.emit('ask', { id: 's1', question: 'What is ZW25?', docIds: ['her2-gastric-cancer-review'] });
    expect((await scoped).done?.citations.every((citation) => citation.docId === 'her2-gastric-cancer-review')).toBe(true);
    const unknown = track(socket, 's2');
    socket.emit('ask', { id: 's2', question: 'What is ZW25?', docIds: ['no-such-paper'] });
    expect((await unknown).error).toEqual({ id: 's2', message: 'docIds: no paper with id "no-such-paper"', code: 'invalid' });
    const empty = track(socket, 's3');
    socket.emit('ask', { id: 's3', question: 'What is ZW25?', docIds: [] });
    expect((await empty).error).toEqual({ id: 's3', message: 'docIds is empty; leave it out to ask every paper', code: 'invalid' });
  });

  it('acknowledges an ask when the client asks for it', async () => {
    const socket = await connect();
    const reply = await socket.timeout(5_000).emitWithAck('ask', { id: 'ack-1', question: 'What is KN026?' });
    expect(reply).toEqual({ ok: true, id: 'ack-1' });
  });

  it('cancels an answer in flight', async () => {
    fake.onChat = () => ({ kind: 'stream', tokens: Array.from({ length: 40 }, (_, i) => (i === 0 ? 'Slow answer [1]' : ' more')), delayMs: 50 });
    const socket = await connect(llmServer.url);
    const outcome = track(socket, 'slow');
    socket.emit('ask', { id: 'slow', question: 'What did DESTINY-Gastric01 show?' });
    await new Promise<void>((resolve) => socket.once('answer:delta', () => resolve()));
    socket.emit('cancel', { id: 'slow' });
    const { done, error, deltas } = await outcome;
    expect(done).toBeUndefined();
    expect(error).toEqual({ id: 'slow', message: 'cancelled', code: 'cancelled' });
    expect(deltas.join('').length).toBeLessThan(' more'.length * 30);
  });

  it('streams LLM tokens over the socket with the model named in the answer', async () => {
    fake.onChat = () => ({ kind: 'stream', tokens: ['Trastuzumab ', 'deruxtecan [', '1].'], delayMs: 10 });
    const socket = await connect(llmServer.url);
    const outcome = track(socket, 'llm');
    socket.emit('ask', { id: 'llm', question: 'What does T-DXd stand for?' });
    const { deltas, done } = await outcome;
    expect(done).toMatchObject({ mode: 'llm', answer: 'Trastuzumab deruxtecan [1].' });
    expect(deltas.join('')).toBe(done!.answer);
    const health = (await (await fetch(`${llmServer.url}/api/health`)).json()) as { mode: string; model: string };
    expect(health).toMatchObject({ mode: 'llm', model: 'fake-model' });
  });
});

describe('limits on a socket', () => {
  it('refuses questions over the per-client rate with answer:error', async () => {
    const limited = await startServer(loadConfig({ PAPERCHAT_CORPUS_DIR: review.corpusDir, PAPERCHAT_INDEX_DIR: review.indexDir, PAPERCHAT_LOG: 'silent', PAPERCHAT_RATE_LIMIT: '2' }));
    try {
      const socket = await connect(limited.url);
      const outcomes: Outcome[] = [];
      for (const id of ['r1', 'r2', 'r3']) {
        const outcome = track(socket, id);
        socket.emit('ask', { id, question: 'What is ZW25?' });
        outcomes.push(await outcome);
      }
      expect(outcomes.map((outcome) => outcome.done !== undefined)).toEqual([true, true, false]);
      expect(outcomes[2]!.error).toEqual({ id: 'r3', message: 'too many questions; wait a minute and try again', code: 'rate-limited' });
    } finally {
      await limited.close();
    }
  });

  it('draws HTTP and Socket.IO questions from one budget per client', async () => {
    const limited = await startServer(loadConfig({ PAPERCHAT_CORPUS_DIR: review.corpusDir, PAPERCHAT_INDEX_DIR: review.indexDir, PAPERCHAT_LOG: 'silent', PAPERCHAT_RATE_LIMIT: '3' }));
    const httpAsk = () => fetch(`${limited.url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"question":"What is ZW25?"}' });
    const socketAsk = async (socket: Socket, id: string) => {
      const outcome = track(socket, id);
      socket.emit('ask', { id, question: 'What is ZW25?' });
      return outcome;
    };
    try {
      const socket = await connect(limited.url);
      const first = await httpAsk();
      expect(first.status).toBe(200);
      expect(first.headers.get('ratelimit')).toMatch(/^limit=3, remaining=2, reset=\d+$/);
      expect((await socketAsk(socket, 's1')).done).toBeDefined();
      expect((await httpAsk()).status).toBe(200);
      // Three spent, two ways: the fourth is refused whichever way it comes.
      expect((await socketAsk(socket, 's2')).error).toEqual({ id: 's2', message: 'too many questions; wait a minute and try again', code: 'rate-limited' });
      const refused = await httpAsk();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.headers.get('ratelimit-policy')).toBe('3;w=60');
    } finally {
      await limited.close();
    }
  });
});

describe('origins', () => {
  const attempt = (extraHeaders: Record<string, string>) =>
    new Promise<'connected' | 'refused'>((resolve) => {
      const socket = io(server.url, { transports: ['websocket'], reconnection: false, extraHeaders });
      sockets.push(socket);
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', () => resolve('refused'));
    });

  it('refuses a WebSocket from another site\'s page and accepts the page\'s own origin', async () => {
    expect(await attempt({ origin: 'http://evil.example' })).toBe('refused');
    expect(await attempt({ origin: server.url })).toBe('connected');
    // Node clients send no Origin: allowed, as the CLI and tests are.
    expect(await attempt({})).toBe('connected');
  });

  it('refuses a handshake naming a host it does not serve', async () => {
    expect(await attempt({ host: `evil.example:${new URL(server.url).port}` })).toBe('refused');
  });
});

describe('hot index reload', () => {
  it('switches to a re-ingested index without a restart and without failing questions in flight', async () => {
    const before = (await (await fetch(`${server.url}/api/health`)).json()) as { index: { version: string; chunks: number } };
    const socket = await connect();
    const answers: Promise<Outcome>[] = [];
    let asking = true;
    const loop = (async () => {
      for (let i = 0; asking; i++) {
        const outcome = track(socket, `during-${i}`);
        socket.emit('ask', { id: `during-${i}`, question: 'Which journal published the KEYNOTE-811 trial?' });
        answers.push(outcome);
        await outcome;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await writeFile(
      join(review.corpusDir, 'zeta-trial.md'),
      // Like a real paper, the abstract states the main result that the results section reports.
      '# The ZETA trial of a HER2 vaccine\n\n## Abstract\n\nIn the ZETA trial, 412 patients with HER2-positive gastric cancer received a HER2 vaccine.\n\n## 1 Results\n\nThe ZETA trial enrolled 412 patients with HER2-positive gastric cancer and reported a median overall survival of 15.2 months.\n',
    );
    await buildIndex({ corpusDir: review.corpusDir, indexDir: review.indexDir, maxFileBytes: review.config.maxFileBytes, embedder: { kind: 'local' } });
    let after = before;
    for (let waited = 0; waited < 10_000 && after.index.version === before.index.version; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = (await (await fetch(`${server.url}/api/health`)).json()) as typeof before;
    }
    asking = false;
    await loop;
    expect(after.index.version).not.toBe(before.index.version);
    // The new paper's title, abstract and results paragraph.
    expect(after.index.chunks).toBe(before.index.chunks + 3);
    expect((after.index as unknown as { papers: number }).papers).toBe(2);
    const outcomes = await Promise.all(answers);
    expect(outcomes.length).toBeGreaterThan(1);
    for (const outcome of outcomes) expect(outcome.done?.answer).toMatch(/Nature/);
    const fresh = (await (await fetch(`${server.url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"question":"What median overall survival did the ZETA trial of a HER2 vaccine report?"}' })).json()) as Answer;
    expect(fresh.answer).toMatch(/15\.2 months/);
    expect(fresh.citations[0]!.docTitle).toBe('The ZETA trial of a HER2 vaccine');
  });
});
