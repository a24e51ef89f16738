/**
 * The bench's scratch space: a temporary directory holding a copy of the corpus and an index
 * of the review built from it. Every index the bench builds lives under it (never data/index,
 * which others use), and `remove()` deletes it all.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIndex } from '../ingest/build.ts';
import { loadConfig, type Config } from '../lib/config.ts';
import { offlineEnvironment } from './environment.ts';

export { offlineEnvironment };

export interface Workspace {
  /** The repository measured. */
  repo: string;
  root: string;
  corpusDir: string;
  /** An up-to-date index of the corpus, shared by every section that only reads. */
  indexDir: string;
  /** Offline configuration over that index (no LLM, local embeddings, no rate limit). */
  config: Config;
  /** A fresh directory under the root, for an index or a synthetic corpus. */
  scratch(name: string): string;
  remove(): Promise<void>;
}

export async function createWorkspace(repo: string): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), 'paperchat-bench-'));
  const corpusDir = join(root, 'corpus');
  const indexDir = join(root, 'index');
  let counter = 0;
  const workspace: Workspace = {
    repo,
    root,
    corpusDir,
    indexDir,
    config: loadConfig(offlineEnvironment({ corpusDir, indexDir }), repo),
    scratch: (name) => join(root, `${name}-${++counter}`),
    remove: () => rm(root, { recursive: true, force: true }),
  };
  try {
    await cp(join(repo, 'corpus'), corpusDir, { recursive: true });
    await buildIndex({ corpusDir, indexDir, maxFileBytes: workspace.config.maxFileBytes, embedder: { kind: 'local' } });
  } catch (error) {
    await workspace.remove();
    throw error;
  }
  return workspace;
}
