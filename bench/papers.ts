/**
 * The whole pipeline over many papers: a synthetic library (papers-corpus.ts) of 1, 10, 100 and
 * 1,000 papers (n× = n papers; 1× is the project's corpus, the review), and for each size:
 *   - ingest from scratch (`buildIndex`) in a child process: wall time, phases, peak RSS;
 *   - the index's size on disk;
 *   - a server-like child process: `openLibrary` time and RSS once loaded, whole-answer latency
 *     over the eval questions, and recall@k of the index's HNSW search against brute force.
 *
 * Before each size the time it will take is estimated from the last two sizes measured (a power
 * law per part, see `estimateLevel`); a size that would overrun the section's budget is
 * replaced by the largest smaller round size that fits, or skipped, and its estimate is
 * reported, as an estimate, instead of figures.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IngestOutcome, PapersJob, ServeOutcome } from './papers-child.ts';
import { listPdfs, readSources, writeLibrary } from './papers-corpus.ts';
import type { Progress } from './progress.ts';
import { summarize, type Summary } from './stats.ts';
import { tsxArguments } from './server-process.ts';
import type { Workspace } from './workspace.ts';

export interface PapersPlan {
  /** Library sizes, in papers (n× = n papers). */
  levels: number[];
  /** At most this many source papers are read: the corpus's first, then the PDFs. */
  maxSources: number;
  /** Timed passes over the eval questions, after one warm-up pass. */
  answerPasses: number;
  k: number;
  /** The whole section's time budget: a size estimated to overrun it is capped or skipped. */
  budgetMs: number;
}

export interface PapersSourcesOptions {
  /** The project's corpus/ (default: the workspace's copy). */
  corpusDir?: string;
  /** The real PDFs (default: ../shared/papers beside the repository). */
  pdfDir?: string;
}

/** What the ingest child reports, as the level's result keeps it. */
export type IngestFigures = Omit<IngestOutcome, 'kind'>;

export interface ServeFigures {
  questions: number;
  /** Whole answers asked, the warm-up pass included. */
  asked: number;
  loadMs: number;
  rssAfterLoadBytes: number;
  heapUsedAfterLoadBytes: number;
  rssAfterAnswersBytes: number;
  maxRssBytes: number;
  answerMs: Summary;
  retrieveMs: Summary;
  recall: { k: number; efSearch: number; mean: number };
  hnswMs: Summary;
  bruteForceMs: Summary;
}

export interface PapersLevelResult {
  /** Papers in the library. */
  papers: number;
  /** Set when this size replaced a planned one that would not fit the budget. */
  cappedFrom?: number;
  /** What it was estimated to take before it ran (from the sizes before it), to judge the estimates by. */
  estimatedWallMs?: number;
  /** Writing the library's new files (earlier sizes' files are reused). */
  generateMs: number;
  corpusBytes: number;
  ingest: IngestFigures;
  /** The current version's files. */
  indexBytes: number;
  indexFiles: Record<string, number>;
  serve: ServeFigures;
  /** Each child process from spawn to exit, and the size as a whole (generate + both children). */
  ingestWallMs: number;
  serveWallMs: number;
  wallMs: number;
}

export interface PapersEstimate {
  papers: number;
  wallMs: number;
  ingestMs: number;
  ingestMaxRssBytes: number;
  indexBytes: number;
  serveRssBytes: number;
  answerP50Ms: number;
  /** Growth exponents used (value ∝ papers^exponent), from the last two sizes measured, by part. */
  exponents: Record<string, number>;
}

export interface PapersResult {
  sources: string[];
  pdfDir: string;
  /** Why no PDF was used, when none was. */
  pdfNote?: string;
  readSourcesMs: number;
  questions: number;
  budgetMs: number;
  levels: PapersLevelResult[];
  /** Planned sizes not run (or run smaller), with what they were estimated to take. */
  notRun: { papers: number; reason: string; estimate?: PapersEstimate }[];
}

export async function benchPapers(workspace: Workspace, plan: PapersPlan, progress: Progress, options: PapersSourcesOptions = {}): Promise<PapersResult> {
  const sectionStarted = performance.now();
  const corpusDir = options.corpusDir ?? join(workspace.repo, 'corpus');
  const pdfDir = options.pdfDir ?? join(workspace.repo, '..', 'shared', 'papers');
  const largest = Math.max(...plan.levels);
  const pdfs = await listPdfs(pdfDir);
  const pdfNote = pdfs.length === 0 ? `no PDFs in ${pdfDir} (absent or empty): the library is made from the corpus's papers alone` : undefined;
  if (pdfNote) progress.say('papers', pdfNote);
  progress.say('papers', `reading and parsing up to ${Math.min(plan.maxSources, largest)} source papers (corpus, then ${pdfs.length} PDFs)`);
  const readStarted = performance.now();
  const sources = await readSources({ corpusDir, pdfDir, maxFileBytes: workspace.config.maxFileBytes, limit: Math.min(plan.maxSources, largest) });
  const readSourcesMs = performance.now() - readStarted;
  progress.say('papers', `${sources.length} sources in ${(readSourcesMs / 1000).toFixed(1)} s`);

  const library = workspace.scratch('papers-corpus');
  await mkdir(library, { recursive: true });
  const result: PapersResult = {
    sources: sources.map((source) => source.outline.name),
    pdfDir,
    ...(pdfNote ? { pdfNote } : {}),
    readSourcesMs,
    questions: 0,
    budgetMs: plan.budgetMs,
    levels: [],
    notRun: [],
  };
  let written = 0;
  let corpusBytes = 0;
  const planned = [...plan.levels].sort((a, b) => a - b);
  for (const [position, wanted] of planned.entries()) {
    const remainingMs = plan.budgetMs - (performance.now() - sectionStarted);
    const papers = sizeThatFits(result, wanted, remainingMs, plan.budgetMs, progress);
    if (papers === undefined) break;
    const started = performance.now();
    if (papers > written) {
      progress.say('papers', `${papers} papers: writing ${papers - written} more`);
      corpusBytes += await writeLibrary(sources, library, written, papers);
      written = papers;
    }
    const generateMs = performance.now() - started;
    const estimatedWallMs = result.levels.length > 1 ? estimateLevel(result.levels, papers).wallMs : undefined;
    // A size running far past the budget is stopped: the budget is the point.
    const deadline = performance.now() + Math.max(120_000, 1.25 * remainingMs);
    let level: Awaited<ReturnType<typeof measureLevel>>;
    try {
      level = await measureLevel(workspace, { library, papers, plan, deadline }, progress);
    } catch (error) {
      if (result.levels.length === 0) throw error;
      const reason = `failed: ${(error instanceof Error ? error.message : String(error)).replace(/^bench: papers: /, '')}`;
      result.notRun.push({ papers, reason, estimate: estimateLevel(result.levels, papers) });
      progress.say('papers', `${papers} papers: ${reason}`);
      break;
    }
    const measured: PapersLevelResult = {
      papers,
      ...(papers !== wanted ? { cappedFrom: wanted } : {}),
      ...(estimatedWallMs !== undefined ? { estimatedWallMs } : {}),
      generateMs,
      corpusBytes,
      ...level,
      wallMs: performance.now() - started,
    };
    result.levels.push(measured);
    result.questions = level.serve.questions;
    progress.say('papers', describeLevel(measured, plan.k));
    if (papers !== wanted) {
      // The sizes after a capped one would not fit either: say what they would take.
      for (const later of planned.slice(position + 1)) result.notRun.push({ papers: later, reason: 'after a capped size', estimate: estimateLevel(result.levels, later) });
      break;
    }
  }
  return result;
}

/**
 * The size to measure for a planned one: itself when it is estimated to fit what is left of the
 * budget (or nothing is measured yet to estimate from: one size says nothing of growth, at one
 * paper fixed costs are most of it), else the largest smaller round size that fits, else none.
 * What does not run is noted with its estimate.
 */
function sizeThatFits(result: PapersResult, wanted: number, remainingMs: number, budgetMs: number, progress: Progress): number | undefined {
  if (result.levels.length < 2) return wanted;
  const estimate = estimateLevel(result.levels, wanted);
  if (estimate.wallMs <= remainingMs) return wanted;
  const last = result.levels.at(-1)!.papers;
  const fits = [0.5, 0.3, 0.2]
    .map((share) => Math.round(wanted * share))
    .filter((papers) => papers > last)
    .find((papers) => estimateLevel(result.levels, papers).wallMs <= remainingMs);
  const reason = `estimated ${minutes(estimate.wallMs)} (ingest ${minutes(estimate.ingestMs)}), more than the ${minutes(Math.max(0, remainingMs))} left of the section's ${minutes(budgetMs)} budget`;
  result.notRun.push({ papers: wanted, reason, estimate });
  progress.say('papers', `${wanted} papers: ${reason}; ${fits ? `measuring ${fits} papers instead` : 'skipped'}`);
  return fits;
}

function describeLevel(level: PapersLevelResult, k: number): string {
  return (
    `${level.papers} papers: ${level.ingest.chunks.toLocaleString('en')} passages, ingest ${(level.ingest.ms / 1000).toFixed(1)} s (peak RSS ${mib(level.ingest.maxRssBytes)}), ` +
    `index ${mib(level.indexBytes)}, server RSS ${mib(level.serve.rssAfterLoadBytes)}, answer p50 ${level.serve.answerMs.median.toFixed(1)} ms, recall@${k} ${level.serve.recall.mean.toFixed(3)}; ` +
    `${minutes(level.wallMs)} in all${level.estimatedWallMs !== undefined ? ` (estimated ${minutes(level.estimatedWallMs)})` : ''}`
  );
}

interface LevelJob {
  library: string;
  papers: number;
  plan: PapersPlan;
  /** `performance.now()` past which a child is stopped. */
  deadline: number;
}

async function measureLevel(
  workspace: Workspace,
  job: LevelJob,
  progress: Progress,
): Promise<Pick<PapersLevelResult, 'ingest' | 'indexBytes' | 'indexFiles' | 'serve' | 'ingestWallMs' | 'serveWallMs'>> {
  const indexDir = workspace.scratch(`papers-index-${job.papers}`);
  try {
    progress.say('papers', `${job.papers} papers: ingest from scratch (child process)`);
    let started = performance.now();
    const ingest = await runChild<IngestOutcome>(workspace, { kind: 'ingest', repo: workspace.repo, corpusDir: job.library, indexDir }, job.deadline - started);
    const ingestWallMs = performance.now() - started;
    if (ingest.chunks === 0) throw new Error(`bench: papers: the ingest of ${job.papers} papers indexed nothing (${ingest.failed.slice(0, 3).join('; ')})`);
    const { total: indexBytes, files: indexFiles } = await indexSize(indexDir);
    progress.say('papers', `${job.papers} papers: loading the index and asking the questions (child process)`);
    started = performance.now();
    const serve = await runChild<ServeOutcome>(
      workspace,
      { kind: 'serve', repo: workspace.repo, corpusDir: job.library, indexDir, passes: job.plan.answerPasses, k: job.plan.k },
      Math.max(10_000, job.deadline - started),
      ['--expose-gc'],
    );
    const serveWallMs = performance.now() - started;
    const { kind: _ingestKind, ...ingestFigures } = ingest;
    return {
      ingest: ingestFigures,
      ingestWallMs,
      serveWallMs,
      indexBytes,
      indexFiles,
      serve: {
        questions: serve.questions,
        asked: serve.asked,
        loadMs: serve.loadMs,
        rssAfterLoadBytes: serve.rssAfterLoadBytes,
        heapUsedAfterLoadBytes: serve.heapUsedAfterLoadBytes,
        rssAfterAnswersBytes: serve.rssAfterAnswersBytes,
        maxRssBytes: serve.maxRssBytes,
        answerMs: summarize(serve.answerMs),
        retrieveMs: summarize(serve.retrieveMs),
        recall: { k: serve.recall.k, efSearch: serve.recall.efSearch, mean: serve.recall.mean },
        hnswMs: summarize(serve.recall.hnswMs),
        bruteForceMs: summarize(serve.recall.bruteForceMs),
      },
    };
  } finally {
    await rm(indexDir, { recursive: true, force: true });
  }
}

/** Runs bench/papers-child.ts on a job; resolves to the JSON line it prints. */
async function runChild<T>(workspace: Workspace, job: PapersJob, timeoutMs: number, nodeOptions: string[] = []): Promise<T> {
  const jobFile = `${workspace.scratch('papers-job')}.json`;
  await writeFile(jobFile, JSON.stringify(job));
  try {
    return await new Promise<T>((resolve, reject) => {
      const child = spawn(process.execPath, [...nodeOptions, ...tsxArguments(join(workspace.repo, 'bench', 'papers-child.ts')), jobFile], {
        cwd: workspace.repo,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4_000)));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        const line = stdout.trim().split('\n').at(-1);
        if (code === 0 && line) return resolve(JSON.parse(line) as T);
        const why = signal === 'SIGKILL' ? `stopped after ${minutes(timeoutMs)}` : `exited with ${signal ?? `code ${code}`}`;
        reject(new Error(`bench: papers: the ${job.kind} child ${why}; its stderr:\n${stderr.trim().slice(-2_000)}`));
      });
    });
  } finally {
    await rm(jobFile, { force: true });
  }
}

/** Bytes of the index's current version, in all and by file. */
async function indexSize(indexDir: string): Promise<{ total: number; files: Record<string, number> }> {
  const files: Record<string, number> = {};
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path, `${prefix}${entry.name}/`);
      else if (!entry.name.startsWith('.')) files[`${prefix}${entry.name}`] = (await stat(path)).size;
    }
  };
  await walk(indexDir, '');
  // Version directories are named v-<time>-<hash>: keep the names inside them only.
  const byFile: Record<string, number> = {};
  for (const [path, bytes] of Object.entries(files)) {
    const name = path.replace(/^v-[^/]+\//, '');
    byFile[name] = (byFile[name] ?? 0) + bytes;
  }
  return { total: Object.values(files).reduce((sum, bytes) => sum + bytes, 0), files: byFile };
}

/**
 * What a size will take, from the last two sizes measured: each part on a power law through
 * them (value ∝ papers^exponent) — every ingest phase apart (parsing grows with the papers,
 * the LSA fit stops growing at its 4,000-passage sample), the index load, the answers and
 * the brute-force recall apart — and the child processes' fixed start-up as measured. An
 * estimate, not a measurement: it is reported as one.
 */
export function estimateLevel(levels: readonly PapersLevelResult[], papers: number): PapersEstimate {
  const last = levels.at(-1)!;
  const before = levels.at(-2) ?? last;
  const exponents: Record<string, number> = {};
  const grow = (name: string, value: (level: PapersLevelResult) => number) => {
    const [from, to] = [value(before), value(last)];
    const exponent = before.papers !== last.papers && from > 0 && to > 0 ? Math.log(to / from) / Math.log(last.papers / before.papers) : 1;
    exponents[name] = exponent;
    return to * (papers / last.papers) ** exponent;
  };
  const phases = (level: PapersLevelResult) => level.ingest.phasesMs;
  const parsed = phases(before).parse !== undefined && phases(last).parse !== undefined;
  const ingestMs =
    (parsed ? grow('parse', (level) => phases(level).parse!) + grow('fitLsa', (level) => phases(level).prepare - phases(level).parse!) : grow('prepare', (level) => phases(level).prepare)) +
    grow('embed', (level) => phases(level).embed) +
    grow('index', (level) => phases(level).index) +
    grow('lexicon', (level) => phases(level).lexicon) +
    grow('write', (level) => phases(level).write);
  const answering = (level: PapersLevelResult) => level.serve.answerMs.mean * level.serve.asked;
  const recall = (level: PapersLevelResult) => (level.serve.bruteForceMs.mean + level.serve.hnswMs.mean) * level.serve.questions;
  const serveMs = grow('load', (level) => level.serve.loadMs) + grow('answers', answering) + grow('recall', recall);
  // Start-up, imports and what else the children do, as at the last size.
  const fixedMs = last.ingestWallMs - last.ingest.ms + Math.max(0, last.serveWallMs - last.serve.loadMs - answering(last) - recall(last));
  const generateMs = (last.generateMs / Math.max(1, last.papers - (levels.at(-2)?.papers ?? 0))) * (papers - last.papers);
  return {
    papers,
    wallMs: generateMs + ingestMs + serveMs + fixedMs,
    ingestMs,
    ingestMaxRssBytes: grow('ingestRss', (level) => level.ingest.maxRssBytes),
    indexBytes: grow('indexBytes', (level) => level.indexBytes),
    serveRssBytes: grow('serveRss', (level) => level.serve.rssAfterLoadBytes),
    answerP50Ms: grow('answerP50', (level) => level.serve.answerMs.median),
    exponents,
  };
}

function minutes(ms: number): string {
  return ms >= 90_000 ? `${(ms / 60_000).toFixed(1)} min` : `${Math.round(ms / 1000)} s`;
}

function mib(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MiB`;
}
