/**
 * `npm run build`: the compiled server (scripts/build.ts into a temporary directory) runs under
 * plain Node, without tsx, as a cluster of two workers: it serves the page and its vendored
 * modules, answers over HTTP and over Socket.IO, and drains and exits 0 on SIGTERM.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../lib/types.ts';
import { buildReviewIndex, REPO, tempDir, type ReviewIndex } from '../support/fixtures.ts';
import { killAll, spawnServer } from '../support/server-process.ts';

let review: ReviewIndex;
let out: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  review = await buildReviewIndex();
  out = await tempDir('paperchat-build-');
  const built = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'scripts', 'build.ts'), '--out', join(out.path, 'dist')], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  if (built.status !== 0) throw new Error(`the build failed: ${built.stderr}`);
});

afterAll(async () => {
  killAll();
  await review?.remove();
  await out?.remove();
});

describe('the compiled server', () => {
  it('runs without tsx, serves the page, answers over HTTP and Socket.IO, and exits 0 on SIGTERM', async () => {
    const server = await spawnServer(
      { PAPERCHAT_WORKERS: '2', PAPERCHAT_INDEX_DIR: review.indexDir, PAPERCHAT_CORPUS_DIR: review.corpusDir, PAPERCHAT_LLM: 'off' },
      { command: [join(out.path, 'dist', 'server', 'main.js')] },
    );
    expect(server.stderr()).toMatch(/serving 1 paper\(s\), offline \(extractive\) answers, 2 workers/);
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/);
    expect((await fetch(`${server.url}/vendor/marked.esm.js`)).status).toBe(200);
    const response = await fetch(`${server.url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'Which journal published the KEYNOTE-811 trial?' }) });
    expect(response.status).toBe(200);
    // The fitted answering model is read through the build's link to server/rag/answer-model.json.
    expect(((await response.json()) as Answer).answer).toMatch(/Nature/);
    const socket = io(server.url, { reconnection: false, forceNew: true });
    try {
      const done = await new Promise<Record<string, unknown>>((resolve, reject) => {
        socket.on('answer:done', resolve);
        socket.on('answer:error', (payload: { message: string }) => reject(new Error(payload.message)));
        socket.on('connect_error', reject);
        socket.emit('ask', { id: 1, question: 'What does T-DXd stand for?' });
      });
      expect(done).toMatchObject({ id: 1, mode: 'extractive' });
    } finally {
      socket.close();
    }
    server.child.kill('SIGTERM');
    expect(await server.exit(30_000)).toBe(0);
  });
});
