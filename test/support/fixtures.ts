/**
 * Shared test fixtures: a real index of the review built into a temporary directory, and the
 * real server started on an ephemeral port. Nothing is mocked; the LLM, when a test needs one,
 * is a real HTTP server (see fake-openai.ts).
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { loadConfig, type Config } from '../../lib/config.ts';
import type { Answer } from '../../lib/types.ts';
import { buildIndex, type BuildReport } from '../../ingest/build.ts';
import { createApp, type App } from '../../server/app.ts';
import { Engine } from '../../server/engine.ts';
import { createLogger } from '../../server/log.ts';
import type { Llm } from '../../server/rag/llm.ts';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const REVIEW = join(REPO, 'corpus', 'her2-gastric-cancer-review.txt');

/** A fresh temporary directory, removed by the returned cleanup. */
export async function tempDir(prefix = 'paperchat-test-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface ReviewIndex {
  root: string;
  corpusDir: string;
  indexDir: string;
  config: Config;
  report: BuildReport;
  remove: () => Promise<void>;
}

/** Copies the review into a temporary corpus and ingests it (offline embeddings). */
export async function buildReviewIndex(env: Record<string, string> = {}): Promise<ReviewIndex> {
  const dir = await tempDir();
  const corpusDir = join(dir.path, 'corpus');
  const indexDir = join(dir.path, 'index');
  await cp(join(REPO, 'corpus'), corpusDir, { recursive: true });
  const config = loadConfig({ PAPERCHAT_CORPUS_DIR: corpusDir, PAPERCHAT_INDEX_DIR: indexDir, PAPERCHAT_LOG: 'silent', PAPERCHAT_INDEX_POLL_MS: '100', ...env });
  const report = await buildIndex({ corpusDir, indexDir, maxFileBytes: config.maxFileBytes, embedder: { kind: 'local' } });
  return { root: dir.path, corpusDir, indexDir, config, report, remove: dir.remove };
}

export interface RunningServer {
  url: string;
  app: App;
  engine: Engine;
  close: () => Promise<void>;
}

/** Starts the real server on 127.0.0.1 and an ephemeral port. */
export async function startServer(config: Config, options: { llm?: Llm } = {}): Promise<RunningServer> {
  const engine = await Engine.open(config, {}, options.llm);
  engine.watch();
  const app = createApp({ config, engine, log: createLogger(false) });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = app.httpServer.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, app, engine, close: () => app.close() };
}

/** The server's own answer to `question` over HTTP (asserted 200), to compare a page against. */
export async function askOverHttp(server: RunningServer, question: string): Promise<Answer> {
  const response = await fetch(`${server.url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) });
  expect(response.status).toBe(200);
  return (await response.json()) as Answer;
}
