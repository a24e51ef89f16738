/**
 * `npm run -s mcp` as an MCP client runs it: the real process over stdio, driven by the SDK's
 * own Client, over the review's index built into a temporary directory.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../lib/types.ts';
import { ask } from '../../server/rag/answer.ts';
import type { Library } from '../../server/rag/library.ts';
import { answererFor, openLibrary } from '../../server/rag/setup.ts';
import { passageView } from '../../server/rag/views.ts';
import { startFakeOpenAI } from '../support/fake-openai.ts';
import { buildReviewIndex, REPO, tempDir, type ReviewIndex } from '../support/fixtures.ts';

const DOC = 'her2-gastric-cancer-review';

interface Connection {
  client: Client;
  /** Protocol errors the client saw (a stray line on stdout would be one). */
  errors: Error[];
  stderr: () => string;
}

/**
 * Starts the server the way a client's config does (`npm run -s mcp`, or with `bin: true` the
 * `paperchat mcp` command, `node bin/paperchat.js mcp`) and connects to it.
 */
async function connect(env: Record<string, string>, args: string[] = [], options: { bin?: boolean } = {}): Promise<Connection> {
  const [command, commandArgs] = options.bin ? [process.execPath, [join(REPO, 'bin', 'paperchat.js'), 'mcp', ...args]] : ['npm', ['run', '-s', 'mcp', '--', ...args]];
  const transport = new StdioClientTransport({ command, args: commandArgs, cwd: REPO, env: { PAPERCHAT_LLM: 'off', ...env }, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (data) => (stderr += String(data)));
  const client = new Client({ name: 'paperchat-test', version: '1.0.0' });
  const errors: Error[] = [];
  client.onerror = (error) => errors.push(error);
  await client.connect(transport);
  return { client, errors, stderr: () => stderr };
}

interface ToolReply {
  text: string;
  structured: Record<string, unknown> | undefined;
  isError: boolean;
}

async function call(connection: Connection, name: string, args: Record<string, unknown> = {}): Promise<ToolReply> {
  const result = await connection.client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text?: string }[];
  expect(content).toHaveLength(1);
  expect(content[0]!.type).toBe('text');
  return { text: content[0]!.text!, structured: result.structuredContent as Record<string, unknown> | undefined, isError: result.isError === true };
}

function withoutTimings(answer: Answer): Omit<Answer, 'timings'> {
  const { timings: _unused, ...rest } = answer;
  return rest;
}

let review: ReviewIndex;
let library: Library;
let mcp: Connection;

beforeAll(async () => {
  review = await buildReviewIndex();
  library = await openLibrary(review.config);
  mcp = await connect({ PAPERCHAT_INDEX_DIR: review.indexDir });
});

afterAll(async () => {
  await mcp?.client.close();
  await review?.remove();
});

describe('npm run mcp', () => {
  it('lists its five tools with their input schemas and says on stderr what it serves', async () => {
    const { tools } = await mcp.client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['ask_papers', 'get_passage', 'get_reference', 'list_papers', 'search_passages']);
    const askTool = tools.find((tool) => tool.name === 'ask_papers')!;
    expect(askTool.inputSchema).toMatchObject({ type: 'object', required: ['question'], properties: { question: { type: 'string' }, history: { type: 'array', maxItems: 50 } } });
    expect(mcp.stderr()).toMatch(/mcp: serving 1 paper\(s\) over stdio, offline \(extractive\) answers/);
  });

  it('lists the papers', async () => {
    const reply = await call(mcp, 'list_papers');
    expect(reply.isError).toBe(false);
    const papers = (reply.structured as { papers: Record<string, unknown>[] }).papers;
    expect(papers).toEqual([expect.objectContaining({ docId: DOC, title: expect.stringMatching(/^HER2-positive gastric cancer/), authors: expect.any(Array), chunks: 360, references: 190 })]);
    expect(JSON.parse(reply.text)).toEqual(reply.structured);
  });

  it('searches passages with the retrieval the server uses, and opens one by its id as GET /api/passages/:id does', async () => {
    const reply = await call(mcp, 'search_passages', { query: 'KEYNOTE-811', limit: 4 });
    expect(reply.isError).toBe(false);
    const passages = (reply.structured as { passages: { id: string; docId: string; text: string; refs: number[]; score: number; kind: string; section: string }[] }).passages;
    expect(passages).toHaveLength(4);
    expect(passages.every((passage) => passage.docId === DOC && passage.score > 0)).toBe(true);
    expect(passages.some((passage) => passage.text.includes('KEYNOTE-811'))).toBe(true);
    const expected = await library.retriever.retrieve(library.analyze('KEYNOTE-811'), { limit: 4, depth: 60 });
    expect(passages.map((passage) => passage.id)).toEqual(expected.map((passage) => passage.chunk.id));

    const restricted = await call(mcp, 'search_passages', { query: 'KEYNOTE-811', docIds: [DOC], limit: 2 });
    expect((restricted.structured as { passages: unknown[] }).passages).toHaveLength(2);

    const opened = await call(mcp, 'get_passage', { id: passages[0]!.id });
    expect(opened.isError).toBe(false);
    expect(opened.structured).toMatchObject({ passageId: passages[0]!.id, docId: DOC, text: passages[0]!.text, refs: passages[0]!.refs, section: passages[0]!.section });
    expect(opened.structured).toEqual(JSON.parse(JSON.stringify(passageView(library.index.chunkById.get(passages[0]!.id)!, library))));
  });

  it('answers with the answer object of POST /api/ask, citing the KEYNOTE-811 paper in Nature', async () => {
    const question = 'Which journal published the KEYNOTE-811 trial?';
    const reply = await call(mcp, 'ask_papers', { question });
    expect(reply.isError).toBe(false);
    const answer = reply.structured as unknown as Answer;
    expect(JSON.parse(reply.text)).toEqual(answer);
    expect(answer.abstained).toBe(false);
    expect(answer.mode).toBe('extractive');
    expect(answer.answer).toMatch(/Nature/);
    expect(answer.answer).toMatch(/\[1\]/);
    expect(answer.citations[0]).toMatchObject({ n: 1, docId: DOC });
    expect(answer.references).toContainEqual(expect.objectContaining({ docId: DOC, n: 33, journal: 'Nature', doi: '10.1038/s41586-021-04161-3' }));
    // The same answer as the library gives in-process (what POST /api/ask returns), but for timings.
    const local = await ask(answererFor(library), question);
    expect(withoutTimings(answer)).toEqual(JSON.parse(JSON.stringify(withoutTimings(local))));
  });

  it('opens a reference-list entry with the passages citing it', async () => {
    const reply = await call(mcp, 'get_reference', { docId: DOC, n: 33 });
    expect(reply.isError).toBe(false);
    expect(reply.structured).toMatchObject({ docId: DOC, n: 33, journal: 'Nature', year: 2021, doi: '10.1038/s41586-021-04161-3', citedBy: expect.any(Array) });
    expect((reply.structured as { citedBy: unknown[] }).citedBy.length).toBeGreaterThan(0);
  });

  it('turns bad input and unknown ids into one-line tool errors, with the limits of POST /api/ask', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['ask_papers', { question: 'x'.repeat(2_001) }, 'question is over 2,000 characters'],
      ['ask_papers', { question: '   ' }, 'question is empty'],
      // Two problems at once are still one line: the first.
      ['ask_papers', { question: 5, history: 'not turns' }, 'question must be a string'],
      ['ask_papers', { question: 'And then?', history: Array.from({ length: 51 }, () => ({ role: 'user', content: 'hi' })) }, 'history has more than 50 turns'],
      ['ask_papers', { question: 'And then?', history: [{ role: 'system', content: 'hi' }] }, 'history.0.role: role must be "user" or "assistant"'],
      ['ask_papers', {}, 'question must be a string'],
      ['get_passage', { id: 'no-such-passage' }, 'no passage with id "no-such-passage"'],
      ['get_reference', { docId: DOC, n: 9_999 }, `paper ${DOC} has no reference 9999`],
      ['get_reference', { docId: 'no-such-paper', n: 1 }, 'no paper with id "no-such-paper"'],
      ['get_reference', { docId: DOC, n: 1.5 }, 'n must be a whole number'],
      ['search_passages', { query: 'KEYNOTE-811', docIds: ['no-such-paper'] }, 'no paper with id "no-such-paper"'],
      ['search_passages', { query: 'KEYNOTE-811', limit: 0 }, 'limit must be at least 1'],
    ];
    for (const [tool, args, message] of cases) {
      const reply = await call(mcp, tool, args);
      expect({ tool, args: JSON.stringify(args).slice(0, 80), isError: reply.isError, text: reply.text }).toEqual({ tool, args: JSON.stringify(args).slice(0, 80), isError: true, text: message });
    }
    // Still serving, and nothing but the protocol came out of stdout.
    expect((await call(mcp, 'list_papers')).isError).toBe(false);
    expect(mcp.errors).toEqual([]);
  });
});

describe('paperchat mcp', () => {
  it('serves the same tools and answers through the paperchat bin, stdout carrying only the protocol', async () => {
    const bin = await connect({ PAPERCHAT_INDEX_DIR: review.indexDir }, [], { bin: true });
    try {
      const { tools } = await bin.client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(['ask_papers', 'get_passage', 'get_reference', 'list_papers', 'search_passages']);
      const question = 'Which journal published the KEYNOTE-811 trial?';
      const reply = await call(bin, 'ask_papers', { question });
      expect(reply.isError).toBe(false);
      const local = await ask(answererFor(library), question);
      expect(withoutTimings(reply.structured as unknown as Answer)).toEqual(JSON.parse(JSON.stringify(withoutTimings(local))));
      expect(bin.stderr()).toMatch(/^mcp: serving 1 paper\(s\) over stdio, offline \(extractive\) answers\n$/);
      expect(bin.errors).toEqual([]);
    } finally {
      await bin.client.close();
    }
  });
});

describe('npm run mcp limits and failures', () => {
  it('applies PAPERCHAT_RATE_LIMIT to questions and searches together', async () => {
    const limited = await connect({ PAPERCHAT_INDEX_DIR: review.indexDir, PAPERCHAT_RATE_LIMIT: '2' });
    try {
      expect((await call(limited, 'search_passages', { query: 'KEYNOTE-811' })).isError).toBe(false);
      expect((await call(limited, 'ask_papers', { question: 'Which journal published the KEYNOTE-811 trial?' })).isError).toBe(false);
      const refused = await call(limited, 'search_passages', { query: 'KEYNOTE-811' });
      expect(refused).toMatchObject({ isError: true, text: 'too many questions and searches; wait a minute and try again' });
      // Looking things up by id is not limited.
      expect((await call(limited, 'get_reference', { docId: DOC, n: 33 })).isError).toBe(false);
    } finally {
      await limited.client.close();
    }
  });

  it('answers with the configured LLM (an OpenAI-compatible server), and offline with --offline', async () => {
    const fake = await startFakeOpenAI();
    fake.onChat = () => ({ kind: 'stream', tokens: ['It appeared in', ' Nature [1].'] });
    const env = { PAPERCHAT_INDEX_DIR: review.indexDir, PAPERCHAT_LLM: 'auto', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.baseURL, OPENAI_MODEL: 'fake-model' };
    const llm = await connect(env);
    try {
      const reply = await call(llm, 'ask_papers', { question: 'Which journal published the KEYNOTE-811 trial?' });
      expect(reply.structured).toMatchObject({ answer: 'It appeared in Nature [1].', mode: 'llm', abstained: false, citations: [expect.objectContaining({ n: 1 })] });
      expect(fake.requests.length).toBeGreaterThan(0);
      expect(llm.stderr()).toMatch(/LLM answers with fake-model/);
      const offline = await connect(env, ['--offline']);
      try {
        const answer = await call(offline, 'ask_papers', { question: 'Which journal published the KEYNOTE-811 trial?' });
        expect(answer.structured).toMatchObject({ mode: 'extractive', answer: expect.stringMatching(/Nature.*\[1\]/) });
      } finally {
        await offline.client.close();
      }
    } finally {
      await llm.client.close();
      await fake.close();
    }
  });

  it('without an index, says so in one line on stderr and exits 1; --help prints usage', async () => {
    const dir = await tempDir();
    try {
      const missing = join(dir.path, 'index');
      const run = (args: string[]) =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          const child = spawn('npm', ['run', '-s', 'mcp', ...args], { cwd: REPO, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PAPERCHAT_INDEX_DIR: missing } });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (data) => (stdout += String(data)));
          child.stderr.on('data', (data) => (stderr += String(data)));
          child.stdin.end();
          child.once('close', (code) => resolve({ code, stdout, stderr }));
        });
      const failed = await run([]);
      expect(failed.code).toBe(1);
      expect(failed.stdout).toBe('');
      expect(failed.stderr).toBe(`index: no index in ${missing}; run \`npm run ingest\` first\n`);
      const help = await run(['--', '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage: npm run -s mcp/);
      expect(help.stdout).toMatch(/list_papers, search_passages, ask_papers, get_passage,\s+get_reference/);
    } finally {
      await dir.remove();
    }
  });
});
