/**
 * The suite end to end on real things: a fresh review index, the real server over HTTP, the LLM
 * path and the judge against the fake OpenAI-compatible server, the results files, `--compare`,
 * and the CLI's exit statuses and messages.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRuns } from '../../eval/compare.ts';
import { createLlmJudge, judgePrompt, parseVerdict } from '../../eval/judge.ts';
import { loadQuestions, type EvalQuestion } from '../../eval/questions.ts';
import { renderHtmlReport } from '../../eval/report-html.ts';
import { formatFailures } from '../../eval/report-text.ts';
import { readResults, writeResults } from '../../eval/results-file.ts';
import { runEval, type EvalRun } from '../../eval/run.ts';
import { libraryTarget, serverTarget } from '../../eval/targets.ts';
import { papersAvailable } from '../../eval/papers.ts';
import { createLlm } from '../../server/rag/llm.ts';
import type { Library } from '../../server/rag/library.ts';
import { openLibrary } from '../../server/rag/setup.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { REPO, buildReviewIndex, startServer, tempDir, type ReviewIndex, type RunningServer } from '../support/fixtures.ts';

const run = promisify(execFile);

let review: ReviewIndex;
let library: Library;
let server: RunningServer;
let fake: FakeOpenAI;
let questions: EvalQuestion[];
let offline: EvalRun;

/** A few questions of each kind: body, table, reference, follow-up, unanswerable, off-topic. */
const SAMPLE = ['q004', 'q036', 'q055', 'q108', 'q119', 'q128'];

beforeAll(async () => {
  review = await buildReviewIndex();
  library = await openLibrary(review.config);
  server = await startServer(review.config);
  fake = await startFakeOpenAI();
  const all = await loadQuestions(join(REPO, 'eval', 'questions.jsonl'));
  questions = SAMPLE.map((id) => all.find((question) => question.id === id)!);
  offline = await runEval(questions, libraryTarget(library), { set: 'sample' });
});

afterAll(async () => {
  await fake?.close();
  await server?.close();
  await review?.remove();
});

describe('running the suite', () => {
  it('scores the library offline, with retrieval for answerable questions only', () => {
    expect(offline.meta).toMatchObject({ mode: 'offline', questions: SAMPLE.length, set: 'sample', target: { index: expect.any(String) } });
    expect(offline.results.map((result) => result.id)).toEqual(SAMPLE);
    const byId = new Map(offline.results.map((result) => [result.id, result]));
    expect(byId.get('q004')).toMatchObject({ correct: true, retrieval: { recallAt: { '10': 1 } } });
    expect(byId.get('q128')).toMatchObject({ abstained: true, correct: true });
    expect(byId.get('q128')!.retrieval).toBeUndefined();
    expect(offline.summary.overall.retrieval?.questions).toBe(4);
    expect(offline.summary.overall.latencyMs.p50).toBeGreaterThan(0);
  });

  it('measures a running server through POST /api/ask, with the same answers and no retrieval metrics', async () => {
    const remote = await runEval(questions, await serverTarget(server.url), { set: 'sample' });
    expect(remote.meta).toMatchObject({ mode: 'server', target: { url: server.url, serverMode: 'extractive' } });
    expect(remote.results.map((result) => result.answer)).toEqual(offline.results.map((result) => result.answer));
    expect(remote.results.map((result) => result.correct)).toEqual(offline.results.map((result) => result.correct));
    expect(remote.summary.overall.retrieval).toBeUndefined();
    expect(remote.summary.overall.errors).toBe(0);
  });

  it('waits and retries when a server rate-limits, and reports a server error as a failed question', async () => {
    let asks = 0;
    const limited = createServer((request, response) => {
      if (request.url === '/api/health') return void response.end(JSON.stringify({ mode: 'extractive' }));
      asks += 1;
      if (asks === 1) {
        response.writeHead(429, { 'retry-after': '1' });
        return void response.end(JSON.stringify({ error: 'too many requests' }));
      }
      if (asks === 2) {
        response.writeHead(200, { 'content-type': 'application/json' });
        return void response.end(JSON.stringify({ answer: 'No.', abstained: true, mode: 'extractive', citations: [], references: [], timings: { retrieveMs: 1, answerMs: 1 } }));
      }
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'internal error' }));
    });
    await new Promise<void>((resolve) => limited.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(limited.address() as AddressInfo).port}`;
      const result = await runEval([questions[5]!, questions[0]!], await serverTarget(url, { maxWaitMs: 400 }), { set: 'sample', warmUp: false });
      expect(asks).toBe(3);
      expect(result.results[0]).toMatchObject({ id: 'q128', correct: true });
      // Latency is the answered request's, not the 400 ms spent waiting out the limit.
      expect(result.results[0]!.latencyMs).toBeLessThan(300);
      expect(result.results[1]).toMatchObject({ id: 'q004', correct: false, error: `eval: ${url}/api/ask answered 500: internal error` });
      expect(result.summary.overall.errors).toBe(1);
    } finally {
      await new Promise((resolve) => limited.close(resolve));
    }
  });

  it('scores LLM answers and records the judge beside the deterministic verdict', async () => {
    fake.onChat = (request) => {
      if (request.messages[0]!.content.startsWith('You grade answers')) {
        return { kind: 'stream', tokens: ['Sure: {"verdict": "partial", "reason": "one fact missing"}'] };
      }
      // The "model" repeats the first sentence of passage [1] for the gene question and invents for the rest.
      const prompt = request.messages.at(-1)!.content;
      if (prompt.includes('Question: Which gene encodes HER2')) {
        const first = /<passage n="1"[^>]*>\n([^]*?[.])\s/.exec(prompt)![1]!;
        return { kind: 'stream', tokens: [first.replace(/\s*\(\d+(?:,\s*\d+)*\)/g, ''), ' [1].'] };
      }
      return { kind: 'stream', tokens: ['HER2 is found in 99.9% of moonlit tumours [1].'] };
    };
    const llm = createLlm({ apiKey: 'sk-test-not-a-real-key', baseURL: fake.baseURL, model: 'fake-model', timeoutMs: 5_000 });
    const judge = createLlmJudge({ apiKey: 'sk-test-not-a-real-key', baseURL: fake.baseURL, model: 'fake-judge', timeoutMs: 5_000 });
    const sample = [questions[0]!, questions[1]!];
    const result = await runEval(sample, libraryTarget(library, llm), { set: 'sample', judge });
    expect(result.meta).toMatchObject({ mode: 'llm', judge: 'fake-judge', target: { model: 'fake-model' } });
    const [gene, table] = result.results;
    expect(gene).toMatchObject({ citationRecall: 1, citationPrecision: 1, judge: { verdict: 'partial', reason: 'one fact missing' } });
    expect(table).toMatchObject({ citationRecall: 0, citationPrecision: 0, correct: false });
    expect(result.summary.overall.judge).toEqual({ correct: 0, partial: 2, incorrect: 0, error: 0 });
    // The judge saw the question, the facts and the answer.
    const judged = fake.requests.filter((request) => request.model === 'fake-judge').at(-1)!;
    expect(judged.messages.at(-1)!.content).toBe(judgePrompt({ question: sample[1]!.question, answerable: true, facts: sample[1]!.facts, answer: table!.answer }));
  });
});

describe('judge replies', () => {
  it('reads the first JSON object and reports anything else as an error', () => {
    expect(parseVerdict('```json\n{"verdict": "correct", "reason": "all facts"}\n```')).toEqual({ verdict: 'correct', reason: 'all facts' });
    expect(parseVerdict('{"verdict": "maybe"}').verdict).toBe('error');
    expect(parseVerdict('I think it is right.').verdict).toBe('error');
  });

  it('lists the facts with their alternatives', () => {
    expect(judgePrompt({ question: 'Q?', answerable: true, facts: [['11.8', '8.6'], ['10.0']], answer: 'A [1].' })).toBe(
      'Question: Q?\n\nRequired facts:\n1. "11.8" or "8.6"\n2. "10.0"\n\nAnswer:\nA [1].',
    );
  });
});

describe('results files, comparison and the HTML report', () => {
  it('writes JSON that reads back, and compares runs question by question', async () => {
    const dir = await tempDir();
    try {
      const paths = await writeResults(offline, '<html></html>', dir.path);
      // Date and time, set and mode: two runs of one day do not overwrite each other.
      expect(paths.json).toMatch(/\d{4}-\d{2}-\d{2}-\d{6}-[a-z0-9-]+-offline\.json$/);
      const previous = await readResults(paths.json);
      expect(previous.summary).toEqual(JSON.parse(JSON.stringify(offline.summary)));

      // Set both sides explicitly: q004 failed before and passes now; q128 the other way round.
      const flip = (source: EvalRun, correct: Record<string, boolean>): EvalRun => ({
        ...source,
        results: source.results.map((result) => (result.id in correct ? { ...result, correct: correct[result.id]!, problems: correct[result.id] ? [] : [`failed ${result.id}`] } : result)),
      });
      const before = flip(previous, { q004: false, q128: true });
      before.summary.overall.answerAccuracy = 0.25;
      const after = flip(offline, { q004: true, q128: false });
      const comparison = compareRuns(before, after);
      expect(comparison.newlyPassing).toEqual([{ id: 'q004', question: questions[0]!.question, problems: ['failed q004'] }]);
      expect(comparison.newlyFailing).toEqual([{ id: 'q128', question: questions[5]!.question, problems: ['failed q128'] }]);
      expect(comparison.metrics.find((delta) => delta.column.key === 'answerAccuracy')!.delta).toBeCloseTo(offline.summary.overall.answerAccuracy! - 0.25);
      expect(compareRuns(offline, offline).newlyFailing).toEqual([]);

      await writeFile(join(dir.path, 'other.json'), JSON.stringify({ meta: {}, results: [] }));
      await expect(readResults(join(dir.path, 'other.json'))).rejects.toThrow(/is not an eval results file \(meta\.resultsVersion: /);
    } finally {
      await dir.remove();
    }
  });

  it('renders one self-contained page: inline CSS and SVG, no scripts, no external assets, text escaped', () => {
    const tricky = structuredClone(offline);
    tricky.results[0] = { ...tricky.results[0]!, correct: false, question: 'Is <script>alert(1)</script> & "quoted" escaped?', problems: ['missing "<b>"'] };
    const html = renderHtmlReport({ run: tricky });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<style>');
    // Accuracy, latency and abstention charts; the citation chart only when it says something.
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(3);
    expect(html).toMatch(/Every answer's citations support it .*offline answers quote the passages they cite/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link|<img|(?:src|href)=|url\(/i);
    expect(html).toContain('Is &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; escaped?');
    expect(html).toContain('missing &quot;&lt;b&gt;&quot;');
  });

  it('says for each failing question whether retrieval found its evidence', () => {
    const base = offline.results[0]!;
    const missed = { ...base, id: 'm1', correct: false, problems: ['missing "x"'], retrieval: { recallAt: { '1': 0, '5': 0, '6': 0, '10': 0 }, reciprocalRank: 0 } };
    const found = { ...base, id: 'm2', correct: false, problems: ['missing "y"'], retrieval: { rank: 3, recallAt: { '1': 0, '5': 1, '6': 1, '10': 1 }, reciprocalRank: 1 / 3 } };
    const text = formatFailures([missed, found]);
    expect(text).toContain('missing "x"; evidence not retrieved (top 10)');
    expect(text).toContain('missing "y"; evidence retrieved at rank 3');
  });
});

describe('npm run eval', () => {
  // No LLM settings leak in from the machine running the tests.
  const env = (extra: Record<string, string> = {}) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OPENAI_') && !key.startsWith('PAPERCHAT_')));
    return { ...clean, PAPERCHAT_INDEX_DIR: review.indexDir, PAPERCHAT_LOG: 'silent', ...extra };
  };
  const cli = async (args: string[], extra: Record<string, string> = {}) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(REPO, 'eval', 'cli.ts'), ...args], { cwd: REPO, env: env(extra) });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failure = error as { code: number; stdout: string; stderr: string };
      return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
    }
  };

  it('runs the review set and the multi-paper dev split, prints each summary and its failures, writes the files, and compares with a previous run', { timeout: 240_000 }, async () => {
    const dir = await tempDir();
    try {
      const first = await cli(['--limit', '4', '--out', dir.path]);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^PaperChat eval: eval\/questions.jsonl, 4 questions, mode offline/);
      expect(first.stdout).toMatch(/^overall +4 /m);
      expect(first.stdout).toMatch(/Thresholds: /);
      if (papersAvailable().ok) expect(first.stdout).toMatch(/^PaperChat eval: eval\/papers\/dev.jsonl, 4 questions/m);
      else expect(first.stderr).toMatch(/^eval: skipping the multi-paper suite: no real papers at /m);
      const written = /wrote (\S+\.json) and (\S+\.html)/.exec(first.stderr)!;
      expect(written).not.toBeNull();
      const html = await readFile(resolve(REPO, written[2]!), 'utf8');
      expect(html).toContain('<svg');

      const second = await cli(['--set', 'eval/questions.jsonl', '--limit', '4', '--out', dir.path, '--json', '--compare', resolve(REPO, written[1]!)]);
      expect(second.code).toBe(0);
      const summary = JSON.parse(second.stdout) as { meta: { questions: number }; summary: { overall: { questions: number } } };
      expect(summary.meta.questions).toBe(4);
      expect(summary.summary.overall.questions).toBe(4);
    } finally {
      await dir.remove();
    }
  });

  it('answers with the configured LLM and asks the judge', async () => {
    fake.onChat = (request) =>
      request.messages[0]!.content.startsWith('You grade answers')
        ? { kind: 'stream', tokens: ['{"verdict": "incorrect", "reason": "no facts"}'] }
        : { kind: 'stream', tokens: ['HER2 is a receptor [1].'] };
    const dir = await tempDir();
    try {
      const result = await cli(['--set', 'eval/questions.jsonl', '--mode', 'llm', '--judge', '--limit', '2', '--json', '--out', dir.path], { OPENAI_API_KEY: 'sk-test-not-a-real-key', OPENAI_BASE_URL: fake.baseURL, OPENAI_MODEL: 'fake-model' });
      expect(result.code).toBe(0);
      const { meta, summary } = JSON.parse(result.stdout) as EvalRun;
      expect(meta).toMatchObject({ mode: 'llm', judge: 'fake-model', target: { model: 'fake-model' } });
      expect(summary.overall.judge).toEqual({ correct: 0, partial: 0, incorrect: 2, error: 0 });
      expect(result.stderr).toMatch(/-llm\.json and .*-llm\.html/);
    } finally {
      await dir.remove();
    }
  });

  it('refuses bad input with one line and exit status 2', async () => {
    const dir = await tempDir();
    try {
      const set = join(dir.path, 'bad.jsonl');
      await writeFile(set, '// header\n{"id": "x", "category": "body"}\n');
      // Independent runs, started together: each pays for its own tsx start-up.
      const [bad, mode, llm, judge, limit, compare, unknown, help] = await Promise.all([
        cli(['--set', set]),
        cli(['--mode', 'chatty']),
        cli(['--mode', 'llm']),
        cli(['--judge']),
        cli(['--limit', '0']),
        cli(['--compare', join(dir.path, 'missing.json')]),
        cli(['--frobnicate']),
        cli(['--help']),
      ]);
      expect(bad).toMatchObject({ code: 2, stderr: `eval: ${set}:2: question: is missing\n` });
      expect(mode).toMatchObject({ code: 2, stderr: 'eval: --mode must be offline or llm, got "chatty"\n' });
      expect(llm.code).toBe(2);
      expect(llm.stderr).toMatch(/^eval: --mode llm needs an LLM: set OPENAI_API_KEY.*\n$/);
      expect(judge).toMatchObject({ code: 2, stderr: expect.stringMatching(/^eval: --judge needs an LLM/) });
      expect(limit).toMatchObject({ code: 2, stderr: 'eval: --limit must be a positive whole number, got "0"\n' });
      expect(compare).toMatchObject({ code: 2, stderr: expect.stringMatching(/^eval: cannot read results .*missing\.json: ENOENT/) });
      expect(unknown).toMatchObject({ code: 2, stderr: expect.stringMatching(/^eval: unknown option '--frobnicate'/) });
      expect(help).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: npm run eval/) });
    } finally {
      await dir.remove();
    }
  });
});
