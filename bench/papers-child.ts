/**
 * The measured side of the `papers` section, run as its own process so that its memory is its
 * own: `node --import tsx bench/papers-child.ts <job.json>`. Prints one JSON line on stdout.
 *
 *   ingest: `buildIndex` from scratch over the corpus into an empty index directory, as
 *           `npm run ingest` does; its phases from the build's progress events, and the
 *           process's resident memory before the build and at its peak.
 *   serve:  what a server does at start (`openLibrary`), then the eval questions through the
 *           library one at a time (one uncounted warm-up pass), then recall@k of the index's
 *           HNSW search against brute force over its own vectors, for the same questions.
 */
import { readFile } from 'node:fs/promises';
import { getHeapStatistics } from 'node:v8';
import type { ProgressEvent } from '../ingest/build.ts';
import { loadConfig } from '../lib/config.ts';
import { offlineEnvironment } from './environment.ts';

export interface IngestJob {
  kind: 'ingest';
  repo: string;
  corpusDir: string;
  indexDir: string;
}

export interface ServeJob {
  kind: 'serve';
  repo: string;
  corpusDir: string;
  indexDir: string;
  /** Timed passes over the questions, after one warm-up pass. */
  passes: number;
  k: number;
}

export type PapersJob = IngestJob | ServeJob;

export interface IngestOutcome {
  kind: 'ingest';
  ms: number;
  /**
   * prepare = scan, read, parse, chunk and fit the LSA model, all before the first embedding;
   * parse = its read + parse + chunk part, estimated (undefined for one file, see PhaseClock);
   * embed; index = HNSW + BM25; lexicon (WordNet relations of the corpus's words); write.
   */
  phasesMs: { prepare: number; parse?: number; embed: number; index: number; lexicon: number; write: number };
  papers: number;
  chunks: number;
  references: number;
  failed: string[];
  /** Resident memory once the modules are loaded, before the build. */
  rssBeforeBytes: number;
  /** The process's peak resident memory (`process.resourceUsage().maxRSS`). */
  maxRssBytes: number;
  heapLimitBytes: number;
}

export interface ServeOutcome {
  kind: 'serve';
  /** `openLibrary`: read the index and build the library, as a server does at start. */
  loadMs: number;
  rssBeforeLoadBytes: number;
  /** Resident memory just after loading, after a full garbage collection. */
  rssAfterLoadBytes: number;
  heapUsedAfterLoadBytes: number;
  /** After the questions, and the peak over the process's life. */
  rssAfterAnswersBytes: number;
  maxRssBytes: number;
  questions: number;
  /** Whole answers asked, the warm-up pass included. */
  asked: number;
  /** Every timed whole answer (`ask`), and the retrieval part the answer reports. */
  answerMs: number[];
  retrieveMs: number[];
  recall: { k: number; efSearch: number; passages: number; mean: number; hnswMs: number[]; bruteForceMs: number[] };
}

async function main(): Promise<void> {
  const path = process.argv[2];
  if (!path) throw new Error('usage: papers-child.ts <job.json>');
  const job = JSON.parse(await readFile(path, 'utf8')) as PapersJob;
  const outcome = job.kind === 'ingest' ? await ingest(job) : await serve(job);
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}

function configOf(job: PapersJob) {
  return loadConfig(offlineEnvironment({ corpusDir: job.corpusDir, indexDir: job.indexDir }), job.repo);
}

// Each job imports only what it runs: the ingest's memory is not the server's modules'.
async function ingest(job: IngestJob): Promise<IngestOutcome> {
  const { buildIndex } = await import('../ingest/build.ts');
  const config = configOf(job);
  const rssBeforeBytes = process.memoryUsage().rss;
  const started = performance.now();
  const clock = new PhaseClock(started);
  const report = await buildIndex({
    corpusDir: job.corpusDir,
    indexDir: job.indexDir,
    maxFileBytes: config.maxFileBytes,
    embedder: { kind: 'local' },
    rebuild: true,
    onProgress: (event) => clock.mark(event),
  });
  const ms = performance.now() - started;
  return {
    kind: 'ingest',
    ms,
    phasesMs: clock.durations(started + ms),
    papers: report.papers,
    chunks: report.chunks,
    references: report.references,
    failed: report.failed.map((failure) => `${failure.file}: ${failure.reason}`),
    rssBeforeBytes,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    heapLimitBytes: getHeapStatistics().heap_size_limit,
  };
}

/**
 * Phases from the build's progress events. Parsing and fitting the LSA model both happen before
 * the first embedding, and no event marks the end of the last file's parse: the parse time is
 * the time to the last file's event plus one file's mean, which needs two files or more.
 */
class PhaseClock {
  private scan?: number;
  private lastParse?: number;
  private files = 0;
  private firstEmbed?: number;
  private readonly indexMarks: number[] = [];
  private write?: number;

  constructor(private readonly started: number) {}

  mark(event: ProgressEvent): void {
    const now = performance.now();
    if (event.phase === 'scan') this.scan = now;
    else if (event.phase === 'parse') {
      this.lastParse = now;
      this.files = event.total;
    } else if (event.phase === 'embed') this.firstEmbed ??= now;
    else if (event.phase === 'index') this.indexMarks.push(now);
    else if (event.phase === 'write') this.write = now;
  }

  durations(ended: number): IngestOutcome['phasesMs'] {
    const scan = this.scan ?? this.started;
    const embed = this.firstEmbed ?? scan;
    const [indexStart = embed, indexEnd = indexStart] = this.indexMarks;
    const write = this.write ?? indexEnd;
    const phases = { prepare: embed - this.started, embed: indexStart - embed, index: indexEnd - indexStart, lexicon: write - indexEnd, write: ended - write };
    if (this.files < 2 || this.lastParse === undefined) return phases;
    const perFile = (this.lastParse - scan) / (this.files - 1);
    return { ...phases, parse: Math.min(phases.prepare, this.lastParse - this.started + perFile) };
  }
}

async function serve(job: ServeJob): Promise<ServeOutcome> {
  const [{ ask }, { answererFor, openLibrary }, { loadQuestions }, { bruteForceSearch, cosine, norms, recallAtK }] = await Promise.all([
    import('../server/rag/answer.ts'),
    import('../server/rag/setup.ts'),
    import('./questions.ts'),
    import('./vector-search.ts'),
  ]);
  const questions = await loadQuestions(job.repo);
  const collect = () => (globalThis as { gc?: () => void }).gc?.();
  collect();
  const rssBeforeLoadBytes = process.memoryUsage().rss;
  const started = performance.now();
  const library = await openLibrary(configOf(job));
  const loadMs = performance.now() - started;
  collect();
  const afterLoad = process.memoryUsage();

  const answerer = answererFor(library);
  const answerMs: number[] = [];
  const retrieveMs: number[] = [];
  for (let pass = 0; pass <= job.passes; pass++) {
    for (const question of questions) {
      const asked = performance.now();
      const answer = await ask(answerer, question.question, { history: question.history ?? [] });
      if (pass === 0) continue;
      answerMs.push(performance.now() - asked);
      retrieveMs.push(answer.timings.retrieveMs);
    }
  }
  const rssAfterAnswersBytes = process.memoryUsage().rss;

  // The question vectors exactly as the retriever's dense search makes them (server/rag/retrieve.ts).
  const { index } = library;
  const dimensions = index.manifest.embedder.dimensions;
  const set = { vectors: index.vectors, dimensions, count: index.chunks.length };
  const setNorms = norms(set);
  const hnswMs: number[] = [];
  const bruteForceMs: number[] = [];
  let recall = 0;
  for (const question of questions) {
    const analyzed = library.analyze(question.question, question.history ?? []);
    const expansions = analyzed.glossaryHits.map((entry) => `${entry.short} ${entry.long}`).join(' ');
    const vector = await library.embedder.embedQuery(`${analyzed.searchText} ${expansions}`.trim());
    const query = Float32Array.from(vector);
    let at = performance.now();
    const exact = bruteForceSearch(set, setNorms, query, job.k);
    bruteForceMs.push(performance.now() - at);
    at = performance.now();
    const { neighbors } = index.hnsw.searchKnn(vector, Math.min(job.k, set.count));
    hnswMs.push(performance.now() - at);
    recall += recallAtK(exact, neighbors, (position) => cosine(set, setNorms, position, query), job.k);
  }
  return {
    kind: 'serve',
    loadMs,
    rssBeforeLoadBytes,
    rssAfterLoadBytes: afterLoad.rss,
    heapUsedAfterLoadBytes: afterLoad.heapUsed,
    rssAfterAnswersBytes,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    questions: questions.length,
    asked: questions.length * (job.passes + 1),
    answerMs,
    retrieveMs,
    recall: { k: job.k, efSearch: index.manifest.hnsw.efSearch, passages: set.count, mean: recall / questions.length, hnswMs, bruteForceMs },
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: papers child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
