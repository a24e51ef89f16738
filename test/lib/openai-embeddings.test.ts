/**
 * Neural embeddings from an OpenAI-compatible server (a real HTTP server on 127.0.0.1): ingest
 * with them, query with them, and a clear error when the configuration no longer matches.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../ingest/build.ts';
import { loadConfig } from '../../lib/config.ts';
import { embedderChoice, queryEmbedder } from '../../lib/embeddings/index.ts';
import { loadIndex } from '../../lib/index-store.ts';
import { ask } from '../../server/rag/answer.ts';
import { answererFor, openLibrary } from '../../server/rag/setup.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { REVIEW, tempDir } from '../support/fixtures.ts';

let fake: FakeOpenAI;
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  dir = await tempDir();
  await mkdir(join(dir.path, 'corpus'));
  await copyFile(REVIEW, join(dir.path, 'corpus', 'review.txt'));
});

afterAll(async () => {
  await fake?.close();
  await dir?.remove();
});

describe('PAPERCHAT_EMBEDDINGS=openai', () => {
  it("ingests and answers with the server's embeddings", async () => {
    const env = {
      PAPERCHAT_CORPUS_DIR: join(dir.path, 'corpus'),
      PAPERCHAT_INDEX_DIR: join(dir.path, 'index'),
      PAPERCHAT_EMBEDDINGS: 'openai',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_EMBEDDING_MODEL: 'fake-embed',
      PAPERCHAT_LLM: 'off',
    };
    const config = loadConfig(env);
    const report = await buildIndex({ corpusDir: config.corpusDir, indexDir: config.indexDir, maxFileBytes: config.maxFileBytes, embedder: embedderChoice(config) });
    expect(report.embedded).toBe(report.chunks);
    const index = await loadIndex(config.indexDir);
    expect(index.manifest.embedder).toEqual({ id: expect.stringMatching(/^openai-fake-embed-16d@127\.0\.0\.1:\d+$/), kind: 'openai', dimensions: 16 });
    expect(index.lsa).toBeUndefined();

    const library = await openLibrary(config);
    const answer = await ask(answererFor(library), 'Which journal published the KEYNOTE-811 trial?');
    expect(answer.answer).toMatch(/Nature/);

    const again = await buildIndex({ corpusDir: config.corpusDir, indexDir: config.indexDir, maxFileBytes: config.maxFileBytes, embedder: embedderChoice(config) });
    expect(again.embedded).toBe(0);

    const local = loadConfig({ ...env, PAPERCHAT_EMBEDDINGS: 'local' });
    await expect(queryEmbedder(local, index)).rejects.toThrow(/built with openai-fake-embed-16d@.* but PAPERCHAT_EMBEDDINGS is local; set PAPERCHAT_EMBEDDINGS=openai or run `npm run ingest -- --rebuild`/);
  });
});
