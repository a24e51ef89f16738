/**
 * `paperchat eval` (`npm run eval`): runs a question set against the library (offline by default), the LLM
 * answerer, or a running server; prints the summary and the failures; writes the results JSON
 * and the HTML report. The only file of eval/ that reads the environment or argv.
 */
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../lib/config.ts';
import { llmFrom, openLibrary } from '../server/rag/setup.ts';
import { compareRuns } from './compare.ts';
import { InputError } from './errors.ts';
import { createLlmJudge, type Judge } from './judge.ts';
import { loadQuestions, type EvalQuestion } from './questions.ts';
import { renderHtmlReport } from './report-html.ts';
import { formatComparison, formatFailures, formatNotices, formatPaperTable, formatSummaryTable, formatThresholdChecks } from './report-text.ts';
import { readResults, writeResults } from './results-file.ts';
import { runEval, type EvalRun } from './run.ts';
import { libraryTarget, serverTarget, type AnswerTarget } from './targets.ts';
import { PAPERS_DIR, papersAvailable, papersLibrary } from './papers.ts';
import type { Library } from '../server/rag/library.ts';
import { checkThresholds, loadThresholds } from './thresholds.ts';
import { argumentError, isEntryPoint, keepStdoutClean } from '../lib/cli-args.ts';

const EVAL_DIR = import.meta.dirname;

const help = (invocation: string) => `Usage: ${invocation} [options]

Runs the answer-accuracy suite: asks every question of a set, checks the answers' facts,
citations, retrieval, abstention and latency, prints a summary by category and the failing
questions, and writes eval/results/<date>-<time>-<set>-<mode>.json and .html. See eval/README.md.

With no --set or --papers, runs the review's set (eval/questions.jsonl) against the
configured index and, where ../shared/papers exists, the multi-paper suite's dev split (saying
so when it does not).

Options:
  --set FILE        question set (default: eval/questions.jsonl)
  --papers SPLIT    the multi-paper suite (eval/papers: the review and ten real PDFs from
                    ../shared/papers): train, dev, test or all; score test only at the end
  --mode MODE       offline (default): extractive answers from the local index, LLM off
                    llm: answers written by the configured LLM (OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL)
  --url URL         measure a running server (POST URL/api/ask) instead of the library;
                    retrieval metrics are then n/a
  --compare FILE    a previous results .json: print newly passing/failing questions and metric
                    changes (for the run of the same set)
  --judge           also ask the configured LLM to grade each answer (an extra column; the
                    deterministic checks still decide)
  --json            print the summary as JSON on stdout, one {meta, summary} line per set run
                    (the report files are still written)
  --out DIR         where to write results (default: eval/results)
  --limit N         only the first N questions
  --thresholds FILE thresholds to check the run against (default: eval/thresholds.json;
                    eval/papers/thresholds.json with --papers)
  -h, --help        show this help

Exit status: 0 when the run completed (even below thresholds; the vitest gate enforces them),
1 when a question could not be asked (server or LLM errors), 2 on bad input.`;


type Split = 'train' | 'dev' | 'test' | 'all';

interface Options {
  /** Explicit set, or undefined for the default runs. */
  set?: string;
  papers?: Split;
  mode: 'offline' | 'llm';
  url?: string;
  compare?: string;
  judge: boolean;
  json: boolean;
  out: string;
  limit?: number;
  /** Undefined for the default of the set being run. */
  thresholds?: string;
}

const OPTIONS = {
  set: { type: 'string' },
  papers: { type: 'string' },
  mode: { type: 'string' },
  url: { type: 'string' },
  compare: { type: 'string' },
  judge: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  out: { type: 'string' },
  limit: { type: 'string' },
  thresholds: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function parseOptions(argv: string[]): Options | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false });
  } catch (error) {
    throw new InputError(argumentError('eval', error, OPTIONS));
  }
  const { values } = parsed;
  if (values.help) return 'help';
  if (values.mode !== undefined && values.mode !== 'offline' && values.mode !== 'llm') throw new InputError(`eval: --mode must be offline or llm, got "${values.mode}"`);
  if (values.mode !== undefined && values.url !== undefined) throw new InputError('eval: --mode and --url exclude each other: a server answers in the mode it was started with');
  if (values.url !== undefined && !/^https?:\/\/[^/]+/.test(values.url)) throw new InputError(`eval: --url must look like http://127.0.0.1:3000, got "${values.url}"`);
  if (values.papers !== undefined && !['train', 'dev', 'test', 'all'].includes(values.papers)) throw new InputError(`eval: --papers must be train, dev, test or all, got "${values.papers}"`);
  if (values.papers !== undefined && (values.set !== undefined || values.url !== undefined)) throw new InputError('eval: --papers runs its own corpus and sets; it excludes --set and --url');
  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new InputError(`eval: --limit must be a positive whole number, got "${values.limit}"`);
  }
  return {
    ...(values.set !== undefined ? { set: values.set } : {}),
    ...(values.papers !== undefined ? { papers: values.papers as Split } : {}),
    mode: values.mode === 'llm' ? 'llm' : 'offline',
    ...(values.url !== undefined ? { url: values.url } : {}),
    ...(values.compare !== undefined ? { compare: values.compare } : {}),
    judge: values.judge,
    json: values.json,
    out: values.out ?? resolve(EVAL_DIR, 'results'),
    ...(limit !== undefined ? { limit } : {}),
    ...(values.thresholds !== undefined ? { thresholds: values.thresholds } : {}),
  };
}

const NEEDS_LLM = 'set OPENAI_API_KEY (and OPENAI_BASE_URL, OPENAI_MODEL for another OpenAI-compatible server), and do not set PAPERCHAT_LLM=off';

function readConfig(env: Record<string, string | undefined>): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new InputError(error.message);
    throw error;
  }
}

/** Where the questions are answered: a server, or a library (the configured index, or the suite's). */
async function createTarget(options: Options, env: Record<string, string | undefined>, library: () => Promise<Library>): Promise<AnswerTarget> {
  if (options.url) return serverTarget(options.url);
  if (options.mode === 'llm') {
    const llm = llmFrom(readConfig(env));
    if (!llm) throw new InputError(`eval: --mode llm needs an LLM: ${NEEDS_LLM}`);
    return libraryTarget(await library(), llm);
  }
  return libraryTarget(await library());
}

interface Job {
  set: string;
  library: () => Promise<Library>;
  thresholds: string;
  /** Said after this run: what the default run had to leave out. */
  skipped?: string;
}

/** The runs asked for: one set against the configured index, or splits of the multi-paper suite. */
function jobsFor(options: Options, env: Record<string, string | undefined>): Job[] {
  const configured = () => openLibrary(readConfig({ ...env, ...(options.mode === 'llm' ? {} : { PAPERCHAT_LLM: 'off' }) }));
  let suite: Promise<Library> | undefined;
  const papers = () => (suite ??= papersLibrary());
  const suiteThresholds = options.thresholds ?? resolve(PAPERS_DIR, 'thresholds.json');
  const splits = (split: Split) => (split === 'all' ? ['train', 'dev', 'test'] : [split]).map((name) => ({ set: resolve(PAPERS_DIR, `${name}.jsonl`), library: papers, thresholds: suiteThresholds }));
  if (options.papers) return splits(options.papers);
  const review = { set: options.set ?? resolve(EVAL_DIR, 'questions.jsonl'), library: configured, thresholds: options.thresholds ?? resolve(EVAL_DIR, 'thresholds.json') };
  if (options.set || options.url) return [review];
  const available = papersAvailable();
  return available.ok ? [review, ...splits('dev')] : [{ ...review, skipped: `eval: skipping the multi-paper suite: ${available.reason}` }];
}

function createJudge(options: Options, env: Record<string, string | undefined>): Judge | undefined {
  if (!options.judge) return undefined;
  const llm = readConfig(env).llm;
  if (!llm) throw new InputError(`eval: --judge needs an LLM: ${NEEDS_LLM}`);
  return createLlmJudge(llm);
}

async function main(argv: string[], env: Record<string, string | undefined>, invocation: string): Promise<number> {
  const options = parseOptions(argv);
  if (options === 'help') {
    process.stdout.write(`${help(invocation)}\n`);
    return 0;
  }
  if (options.json) keepStdoutClean();
  const jobs = jobsFor(options, env);
  // Read everything that can be wrong before spending minutes on the runs.
  const sets = await Promise.all(jobs.map((job) => loadQuestions(job.set)));
  const previous = options.compare ? await readResults(options.compare) : undefined;
  const thresholds = await Promise.all(jobs.map((job) => loadThresholds(job.thresholds)));
  const judge = createJudge(options, env);
  if (previous && !jobs.some((job) => shown(job.set) === previous.meta.set)) {
    process.stderr.write(`eval: --compare: ${options.compare} is a run of ${previous.meta.set}, not of a set run here; nothing to compare\n`);
  }
  let errors = 0;
  for (const [i, job] of jobs.entries()) {
    const questions = options.limit !== undefined ? sets[i]!.slice(0, options.limit) : sets[i]!;
    // A previous run compares with the run of its own set only.
    const before = previous && previous.meta.set === shown(job.set) ? previous : undefined;
    errors += await runJob(job, questions, await createTarget(options, env, job.library), { options, thresholds: thresholds[i]!, judge, previous: before });
    if (job.skipped) process.stderr.write(`${job.skipped}\n`);
  }
  if (errors > 0) process.stderr.write(`eval: ${errors} question(s) could not be asked; see "error:" in the failures\n`);
  return errors > 0 ? 1 : 0;
}

interface JobContext {
  options: Options;
  thresholds: Awaited<ReturnType<typeof loadThresholds>>;
  judge: Judge | undefined;
  previous: EvalRun | undefined;
}

/** Runs one set, writes its results and report, prints its summary; returns the errors. */
async function runJob(job: Job, questions: EvalQuestion[], target: AnswerTarget, { options, thresholds, judge, previous }: JobContext): Promise<number> {
  const progress = process.stderr.isTTY
    ? (done: number, total: number) => process.stderr.write(`\reval: ${done}/${total}${done === total ? '\n' : ''}`)
    : undefined;
  const run: EvalRun = await runEval(questions, target, { set: shown(job.set), ...(judge ? { judge } : {}), ...(progress ? { onProgress: progress } : {}) });
  const checks = checkThresholds(run.summary.overall, thresholds);
  const comparison = previous ? compareRuns(previous, run) : undefined;
  const paths = await writeResults(run, renderHtmlReport({ run, thresholds: checks, ...(comparison ? { comparison } : {}) }), options.out);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ meta: run.meta, summary: run.summary })}\n`);
  } else {
    const sections = [
      `PaperChat eval: ${shown(job.set)}, ${run.meta.questions} questions, mode ${run.meta.mode}, ${(run.meta.durationMs / 1000).toFixed(1)} s`,
      formatSummaryTable(run.summary),
      ...(run.summary.byPaper ? [formatPaperTable(run.summary)] : []),
      formatFailures(run.results),
      ...(run.summary.overall.notices > 0 ? [formatNotices(run.results)] : []),
      ...(comparison && previous ? [formatComparison(comparison, previous)] : []),
      formatThresholdChecks(checks),
    ];
    process.stdout.write(`${sections.join('\n\n')}\n`);
  }
  process.stderr.write(`eval: wrote ${shown(paths.json)} and ${shown(paths.html)}\n`);
  return run.summary.overall.errors;
}

/** A path as the user would type it: relative inside the working directory, else absolute. */
function shown(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside && !inside.startsWith('..') ? inside : path;
}

/**
 * Runs eval with these arguments (`invocation` is how help names the command) and resolves to
 * its exit status; any failure becomes one line on stderr.
 */
export async function run(argv: string[], invocation = 'npm run eval --'): Promise<number> {
  try {
    return await main(argv, process.env, invocation);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${/^(eval|index|config|embeddings|model):/.test(message) ? '' : 'eval: '}${message.split('\n')[0]}\n`);
    return error instanceof InputError ? 2 : 1;
  }
}

if (isEntryPoint(import.meta.url)) void run(process.argv.slice(2)).then((code) => (process.exitCode = code));
