/**
 * Graceful drain on SIGTERM, on the real server process (one process, PAPERCHAT_WORKERS=1) in
 * LLM mode against the fake OpenAI server streaming slowly, so answers are in flight when the
 * signal comes: they finish; what is asked after it gets 503 (Socket.IO: busy); readiness
 * turns 503 while liveness stays 200; the process exits 0. What is checked is order, not time.
 */
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admission, BusyError, DrainingError } from '../../server/admission.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { buildReviewIndex, type ReviewIndex } from '../support/fixtures.ts';
import { killAll, spawnServer, terminateWhileAnswering, waitFor } from '../support/server-process.ts';

const QUESTION = 'What did DESTINY-Gastric01 show?';
// About 1.6 s of streaming: long enough to signal, probe and ask again while it runs.
const SLOW_TOKENS = ['DESTINY-Gastric01 ', 'showed ', 'longer ', 'overall ', 'survival ', 'with ', 'T-DXd ', 'than ', 'with ', 'chemotherapy ', 'in ', 'HER2-positive ', 'gastric ', 'cancer ', 'after ', 'trastuzumab ', '[', '1', '].', ''];

let review: ReviewIndex;
let fake: FakeOpenAI;

beforeAll(async () => {
  review = await buildReviewIndex();
  fake = await startFakeOpenAI();
});

afterAll(async () => {
  killAll();
  await fake?.close();
  await review?.remove();
});

function llmEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PAPERCHAT_WORKERS: '1',
    PAPERCHAT_INDEX_DIR: review.indexDir,
    PAPERCHAT_CORPUS_DIR: review.corpusDir,
    PAPERCHAT_RATE_LIMIT: '0',
    OPENAI_API_KEY: 'sk-test-not-a-real-key',
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_MODEL: 'fake-model',
    ...extra,
  };
}

const ask = (url: string) => fetch(`${url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: QUESTION }) });

function connect(url: string): Promise<Socket> {
  const socket = io(url, { reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** The next `answer:done` or `answer:error` for `id`. */
function outcome(socket: Socket, id: string): Promise<{ event: string; payload: Record<string, unknown> }> {
  return new Promise((resolve) => {
    for (const event of ['answer:done', 'answer:error']) {
      socket.on(event, (payload: Record<string, unknown>) => {
        if (payload.id === id) resolve({ event, payload });
      });
    }
  });
}

describe('SIGTERM drains the server', () => {
  it('finishes the answers in flight, refuses new ones (503, busy), reports draining, exits 0', async () => {
    fake.onChat = () => ({ kind: 'stream', tokens: SLOW_TOKENS, delayMs: 80 });
    const seen = fake.requests.length;
    const server = await spawnServer(llmEnvironment());
    const socket = await connect(server.url);
    try {
      expect((await fetch(`${server.url}/api/health/ready`)).status).toBe(200);
      const streamed = outcome(socket, 'in-flight');
      socket.emit('ask', { id: 'in-flight', question: QUESTION });
      let httpFinished = false;
      const answered = ask(server.url).then(async (response) => {
        httpFinished = true;
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      });
      // Both answers have reached the model: they are in flight.
      const ready = await terminateWhileAnswering(server, () => fake.requests.length, seen + 2);
      expect(await ready.json()).toMatchObject({ status: 'draining' });
      const refused = await ask(server.url);
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toEqual({ error: expect.stringMatching(/shutting down/) });
      const health = (await (await fetch(`${server.url}/api/health`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ status: 'draining', ready: false, mode: 'llm' });
      expect((await fetch(`${server.url}/api/health/live`)).status).toBe(200);
      const late = outcome(socket, 'late');
      socket.emit('ask', { id: 'late', question: QUESTION });
      expect(await late).toMatchObject({ event: 'answer:error', payload: { code: 'busy', message: expect.stringMatching(/shutting down/) } });
      // All of that was answered while the first answers were still streaming.
      expect(httpFinished).toBe(false);

      const expected = SLOW_TOKENS.join('');
      expect(await answered).toMatchObject({ status: 200, body: { mode: 'llm', answer: expected } });
      expect(await streamed).toMatchObject({ event: 'answer:done', payload: { mode: 'llm', answer: expected } });
      expect(await server.exit(30_000)).toBe(0);
      expect(server.logs()).toContainEqual(expect.objectContaining({ message: 'shutting down', signal: 'SIGTERM' }));
      expect(server.logs()).toContainEqual(expect.objectContaining({ message: 'drained' }));
    } finally {
      socket.close();
    }
  });

  it('closes anyway after PAPERCHAT_DRAIN_TIMEOUT_MS when an answer does not finish, and exits 0', async () => {
    fake.onChat = () => ({ kind: 'hang' });
    const seen = fake.requests.length;
    const server = await spawnServer(llmEnvironment({ PAPERCHAT_DRAIN_TIMEOUT_MS: '300', PAPERCHAT_LLM_TIMEOUT_MS: '60000' }));
    const answered = ask(server.url).then(
      (response) => response.status,
      () => 'connection closed',
    );
    await waitFor(() => (fake.requests.length > seen ? true : undefined), 15_000);
    server.child.kill('SIGTERM');
    expect(await server.exit(15_000)).toBe(0);
    expect(await answered).toBe('connection closed');
    expect(server.logs()).toContainEqual(expect.objectContaining({ message: 'drain timed out; answers still in flight were cut', cut: 1 }));
  });
});

describe('Admission.drain', () => {
  it('refuses new questions as busy, still serves those waiting, and says when it is idle', async () => {
    const admission = new Admission({ maxActive: 1, maxQueued: 4, maxWaitMs: 5_000 });
    const first = await admission.enter('a');
    const waiting = admission.enter('b');
    admission.drain();
    expect(admission.isDraining).toBe(true);
    const refusal = await admission.enter('c').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(DrainingError);
    expect(refusal).toBeInstanceOf(BusyError);
    expect((refusal as BusyError).retryAfterSeconds).toBeGreaterThan(0);
    let idle = false;
    const settled = admission.idle().then(() => (idle = true));
    first();
    const second = await waiting;
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    second();
    await settled;
    expect(admission.load).toEqual({ active: 0, queued: 0 });
  });
});
