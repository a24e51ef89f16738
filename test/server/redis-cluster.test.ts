/**
 * Several machines behind one address, on loopback: Debian's redis-server, two real PaperChat
 * servers (`one`, `two`: one process each) over one index directory, sharing that Redis
 * (PAPERCHAT_REDIS_URL), and haproxy in front with docs/DEPLOY.md's configuration
 * (scripts/balancer.ts): round-robin, a cookie keeping a Socket.IO session on one server, readiness
 * checks, 503s retried on the other server. Which server answered is known from haproxy's
 * X-PaperChat-Server header, from /api/health's `server`, or from each server's own log lines.
 *
 * Shown: HTTP and Socket.IO (as the page connects: long-polling, then the upgrade) answered
 * through the balancer by both servers; an upload's progress reaching a socket on the other
 * server (the Redis adapter); one rate-limit budget across both servers and both transports; a
 * re-ingest picked up by both, server `one` hearing of it only through Redis (its own poll is a
 * minute); SIGTERM to one server finishing its answer in flight while the other takes the rest;
 * and answers going on, with one warning line, once Redis is gone.
 *
 * Skipped, saying why, where redis-server or haproxy is not installed (.ci/run installs both).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient } from 'redis';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildIndex } from '../../ingest/build.ts';
import { currentVersion } from '../../lib/index-store.ts';
import type { Answer } from '../../lib/types.ts';
import { findProgram, startHaproxy, startRedis, type Haproxy, type RedisServer } from '../../scripts/balancer.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { buildReviewIndex, tempDir, type ReviewIndex } from '../support/fixtures.ts';
import { killAll, spawnServer, terminateWhileAnswering, waitFor, type ServerProcess } from '../support/server-process.ts';

const REDIS = findProgram('redis-server');
const HAPROXY = findProgram('haproxy');
const missing = [!REDIS && 'redis-server', !HAPROXY && 'haproxy'].filter(Boolean);
if (missing.length > 0) console.warn(`redis-cluster.test.ts: skipped: ${missing.join(' and ')} not installed (apt-get install -y redis-server haproxy)`);

/** Small, so a test can spend it; every test starts with a fresh budget (resetBudgets). */
const BUDGET = 6;
const QUESTION = 'What did DESTINY-Gastric01 show?';
/** haproxy's readiness checks: often, so that a draining server is out within a second. */
const CHECK_EVERY_MS = 300;

interface Health {
  status: string;
  server: string;
  index: { version: string; papers: number };
  replicas?: { agreed: boolean; servers: { server: string; index: string }[] } | { error: string };
}

interface Asked {
  status: number;
  server: string | null;
  retryAfter: string | null;
  body: Answer & { error?: string };
}

describe.skipIf(missing.length > 0)('two servers behind haproxy, sharing Redis', () => {
  let review: ReviewIndex;
  let scratch: Awaited<ReturnType<typeof tempDir>>;
  let fake: FakeOpenAI;
  let redis: RedisServer;
  let balancer: Haproxy;
  const servers = new Map<'one' | 'two', ServerProcess>();
  const sockets: Socket[] = [];
  const one = () => servers.get('one')!;
  const two = () => servers.get('two')!;

  beforeAll(async () => {
    review = await buildReviewIndex();
    scratch = await tempDir('paperchat-balancer-');
    fake = await startFakeOpenAI();
    redis = await startRedis(REDIS!, scratch.path);
    const env = (name: string, pollMs: string) => ({
      PAPERCHAT_WORKERS: '1',
      PAPERCHAT_SERVER_NAME: name,
      PAPERCHAT_REDIS_URL: redis.url,
      PAPERCHAT_INDEX_DIR: review.indexDir,
      PAPERCHAT_CORPUS_DIR: review.corpusDir,
      PAPERCHAT_INDEX_POLL_MS: pollMs,
      PAPERCHAT_RATE_LIMIT: String(BUDGET),
      OPENAI_API_KEY: 'sk-test-not-a-real-key',
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_MODEL: 'fake-model',
    });
    // `one` looks at the index directory only once a minute: in these tests it can learn of a
    // re-ingest only through Redis.
    const [first, second] = await Promise.all([spawnServer(env('one', '60000')), spawnServer(env('two', '100'))]);
    servers.set('one', first).set('two', second);
    balancer = await startHaproxy(HAPROXY!, scratch.path, { servers: [...servers].map(([name, server]) => ({ name, url: server.url })), checkEveryMs: CHECK_EVERY_MS });
  });

  beforeEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    if (redis?.child.exitCode === null) await resetBudgets(redis.url);
  });

  afterAll(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    killAll();
    await balancer?.stop();
    await redis?.stop();
    await fake?.close();
    await review?.remove();
    await scratch?.remove();
  });

  const health = async (url = balancer.url): Promise<Health> => (await (await fetch(`${url}/api/health`)).json()) as Health;

  function connect(url: string, options: Parameters<typeof io>[1] = {}): Promise<Socket> {
    // withCredentials: socket.io-client keeps cookies in Node then, as a browser does: haproxy's
    // cookie is what keeps the session's polls and its upgrade on one server.
    const socket = io(url, { reconnection: false, forceNew: true, withCredentials: true, ...options });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  // First: a server's own count (were the budget kept per process) then starts from nothing.
  it('gives a client one budget across both servers and both transports', async () => {
    // Straight to each server, no doubt which counts what: four questions on `one`, two on `two`.
    const [onOne, onTwo] = [await connect(one().url, { transports: ['websocket'] }), await connect(two().url, { transports: ['websocket'] })];
    for (const url of [one().url, one().url, two().url]) expect(await ask(url)).toMatchObject({ status: 200 });
    expect(await socketAsk(onOne, 'spend-1')).toMatchObject({ mode: 'llm' });
    expect(await socketAsk(onOne, 'spend-2')).toMatchObject({ mode: 'llm' });
    expect(await socketAsk(onTwo, 'spend-3')).toMatchObject({ mode: 'llm' });
    // Six spent, three each way. `two` saw two of them, yet refuses the seventh, as `one` does,
    // over both transports and through the balancer.
    const rateLimited = 'rate-limited: too many questions; wait a minute and try again';
    expect(await socketAsk(onTwo, 'over-1').catch((error: Error) => error.message)).toBe(rateLimited);
    expect(await socketAsk(onOne, 'over-2').catch((error: Error) => error.message)).toBe(rateLimited);
    for (const url of [two().url, one().url, balancer.url, balancer.url]) {
      const refused = await ask(url);
      expect(refused).toMatchObject({ status: 429, body: { error: 'too many questions; wait a minute and try again' } });
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    }
  });

  it('answers HTTP through the balancer from both servers; each names itself and lists both on one index version', async () => {
    const current = await currentVersion(review.indexDir);
    const byServer = new Map<string, Health>();
    for (let i = 0; i < 4; i++) {
      const reply = await health();
      byServer.set(reply.server, reply);
    }
    expect([...byServer.keys()].sort()).toEqual(['one', 'two']);
    for (const reply of byServer.values()) {
      expect(reply).toMatchObject({ status: 'ready', index: { version: current } });
      expect(reply.replicas).toEqual({ agreed: true, servers: [{ server: 'one', index: current, loadedAt: expect.any(String) }, { server: 'two', index: current, loadedAt: expect.any(String) }] });
    }
    const answered = await askBoth(balancer.url);
    for (const reply of answered) expect(reply).toMatchObject({ status: 200, body: { mode: 'llm' } });
    expect([...new Set(answered.map((reply) => reply.server))].sort()).toEqual(['one', 'two']);
  });

  it('answers Socket.IO clients through the balancer as the page connects (polling, then WebSocket), on both servers', async () => {
    const before = { one: socketAsks(one()), two: socketAsks(two()) };
    // New sessions are spread round-robin; each then stays on its server by the cookie.
    for (let i = 0; i < 4; i++) {
      const socket = await connect(balancer.url);
      await upgraded(socket);
      expect(await socketAsk(socket, `page-${i}`)).toMatchObject({ mode: 'llm' });
    }
    // A server logs its answer just after sending it: wait for the lines.
    const counted = await waitFor(() => {
      const counts = { one: socketAsks(one()) - before.one, two: socketAsks(two()) - before.two };
      return counts.one + counts.two === 4 ? counts : undefined;
    }, 5_000);
    expect(counted.one).toBeGreaterThan(0);
    expect(counted.two).toBeGreaterThan(0);
  });

  it("sends an upload's progress on one server to the page's socket on the other", async () => {
    const socket = await connect(two().url, { transports: ['websocket'] });
    const stages: string[] = [];
    socket.on('upload:progress', (event: { stage: string }) => stages.push(event.stage));
    const response = await fetch(`${one().url}/api/upload?name=otter-survey.txt`, {
      method: 'POST',
      body: 'Notes on the otter survey\n\nThe creek survey counted 58 otters along the river.\n',
      headers: { 'content-type': 'application/octet-stream', 'x-socket-id': socket.id! },
    });
    expect(response.status, await response.clone().text()).toBe(201);
    await waitFor(() => (stages.includes('done') ? true : undefined), 10_000);
    expect(stages[0]).toBe('receiving');
    // Both servers then answer from the new index: `one` loaded it, `two` saw CURRENT change.
    const version = await currentVersion(review.indexDir);
    await waitFor(async () => ((await Promise.all([health(one().url), health(two().url)])).every((reply) => reply.index.version === version) ? true : undefined), 10_000);
  });

  it('picks up a re-ingest on both servers; the one that polls rarely hears of it through Redis', async () => {
    const before = await currentVersion(review.indexDir);
    await writeFile(
      join(review.corpusDir, 'zeta-trial.md'),
      '# The ZETA trial of a HER2 vaccine\n\n## Abstract\n\nIn the ZETA trial, 412 patients with HER2-positive gastric cancer received a HER2 vaccine.\n\n## 1 Results\n\nThe ZETA trial enrolled 412 patients with HER2-positive gastric cancer and reported a median overall survival of 15.2 months.\n',
    );
    await buildIndex({ corpusDir: review.corpusDir, indexDir: review.indexDir, maxFileBytes: review.config.maxFileBytes, embedder: { kind: 'local' } });
    const version = await currentVersion(review.indexDir);
    expect(version).not.toBe(before);
    // Each server's report in Redis follows its reload by a moment: wait for both.
    const agreed = await waitFor(async () => {
      const replies = await Promise.all([health(one().url), health(two().url)]);
      const settled = replies.every((reply) => reply.index.version === version && reply.replicas && 'agreed' in reply.replicas && reply.replicas.agreed && reply.replicas.servers[0]?.index === version);
      return settled ? replies : undefined;
    }, 15_000);
    for (const reply of agreed) expect(reply.replicas).toMatchObject({ agreed: true, servers: [{ server: 'one', index: version }, { server: 'two', index: version }] });
    expect(one().logs().some((line) => line.message === 'index reloaded' && line.version === version)).toBe(true);
    const answered = await askBoth(balancer.url, 'What median overall survival did the ZETA trial of a HER2 vaccine report?');
    expect([...new Set(answered.map((reply) => reply.server))].sort()).toEqual(['one', 'two']);
    for (const reply of answered) expect(reply.body.citations[0]!.docTitle).toBe('The ZETA trial of a HER2 vaccine');
  });

  it('finishes the answer in flight on a server sent SIGTERM, while the balancer sends new questions to the other', async () => {
    const tokens = ['The ', 'ZETA ', 'trial ', 'reported ', 'a ', 'median ', 'overall ', 'survival ', 'of ', '15.2 ', 'months ', '[1].'];
    fake.onChat = () => ({ kind: 'stream', tokens, delayMs: 100 });
    const seen = fake.requests.length;
    // One question straight to `one` (certainly in flight there), one through the balancer.
    const inFlight = [ask(one().url, 'What did the ZETA trial report?'), ask(balancer.url, 'What did the ZETA trial report?')];
    const ready = await terminateWhileAnswering(one(), () => fake.requests.length, seen + 2);
    expect(await ready.json()).toMatchObject({ status: 'draining', server: 'one' });
    // Refused by `one` (503) or already taken out by haproxy's check: either way `two` answers.
    const during = await ask(balancer.url, 'What did the ZETA trial report?');
    expect(during).toMatchObject({ status: 200, server: 'two', body: { answer: tokens.join('') } });
    for (const reply of await Promise.all(inFlight)) expect(reply).toMatchObject({ status: 200, body: { mode: 'llm', answer: tokens.join('') } });
    expect(await one().exit(30_000)).toBe(0);
    expect(one().logs().some((line) => line.message === 'drained')).toBe(true);
    // A drained server leaves the list at once (it does not wait for its report to expire).
    expect((await health()).replicas).toMatchObject({ agreed: true, servers: [{ server: 'two' }] });
  });

  it('goes on answering when Redis is gone: the rate limit fails open, with one warning line', async () => {
    fake.onChat = () => ({ kind: 'stream', tokens: ['The answer', ' is here', ' [1].'] });
    redis.child.kill('SIGKILL');
    await new Promise((resolve) => redis.child.once('exit', resolve));
    // More than the budget: nothing counts them now.
    for (let i = 0; i < BUDGET + 2; i++) expect(await ask(balancer.url)).toMatchObject({ status: 200, server: 'two' });
    const socket = await connect(balancer.url, { transports: ['websocket'] });
    expect(await socketAsk(socket, 'no-redis')).toMatchObject({ mode: 'llm' });
    expect((await health()).replicas).toEqual({ error: 'redis unreachable: the other servers are not known' });
    expect((await fetch(`${two().url}/api/health/ready`)).status).toBe(200);
    const warnings = two().logs().filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/^redis unreachable/);
    expect(two().child.exitCode).toBeNull();
  });
});

async function ask(url: string, question = QUESTION): Promise<Asked> {
  const response = await fetch(`${url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) });
  return { status: response.status, server: response.headers.get('x-paperchat-server'), retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Asked['body'] };
}

/**
 * Asks through the balancer until both servers have answered (round-robin: twice, unless a
 * check on a busy machine took one out for a moment), at most four times: within the budget.
 */
async function askBoth(url: string, question = QUESTION): Promise<Asked[]> {
  const replies: Asked[] = [];
  const attempts = 4;
  while (replies.length < attempts && new Set(replies.map((reply) => reply.server)).size < 2) replies.push(await ask(url, question));
  return replies;
}

function socketAsk(socket: Socket, id: string, question = QUESTION): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    socket.on('answer:done', (payload: Record<string, unknown>) => payload.id === id && resolve(payload));
    socket.on('answer:error', (payload: Record<string, unknown>) => payload.id === id && reject(new Error(`${String(payload.code)}: ${String(payload.message)}`)));
    socket.on('disconnect', (reason) => reject(new Error(`disconnected: ${reason}`)));
    socket.emit('ask', { id, question });
  });
}

/** Resolves once the socket runs over WebSocket (the page's client starts on long-polling). */
function upgraded(socket: Socket): Promise<void> {
  return new Promise((resolve) => (socket.io.engine.transport.name === 'websocket' ? resolve() : socket.io.engine.once('upgrade', () => resolve())));
}

/** How many Socket.IO questions this server has answered (its own log lines). */
function socketAsks(server: ServerProcess): number {
  return server.logs().filter((line) => line.message === 'socket ask').length;
}

/** Every client's budget back to full: the tests all ask from 127.0.0.1, one client. */
async function resetBudgets(url: string): Promise<void> {
  const client = createClient({ url });
  await client.connect();
  try {
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: 'paperchat:rate:*' })) keys.push(...batch);
    if (keys.length > 0) await client.del(keys);
  } finally {
    await client.close();
  }
}
