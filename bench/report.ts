/**
 * The run's result (written as JSON) and its rendering as Markdown tables (printed, and pasted
 * into docs/PERFORMANCE.md).
 */
import type { TransportLatency, LibraryLatency } from './answering.ts';
import type { ColdStartResult } from './cold-start.ts';
import type { IngestResult } from './ingest.ts';
import { describeSetup, type LoadResult } from './load.ts';
import type { Machine } from './machine.ts';
import type { PapersResult } from './papers.ts';
import type { PeerResult } from './peer.ts';
import type { BenchPlan } from './plan.ts';
import type { ScalingResult } from './scaling.ts';
import type { Summary } from './stats.ts';

export interface MemoryResult {
  /** Cold-start servers: right after they listen, and one second after their first answer. */
  listeningBytes?: Summary;
  idleBytes?: Summary;
  /** The throughput server: warm and idle before the load, under each load level, after. */
  beforeLoadBytes?: number;
  underLoadMaxBytes?: number;
  afterLoadBytes?: number;
  /** The cluster's throughput server, all its processes (primary + workers). */
  cluster?: { workers: number; beforeLoadBytes: number; underLoadMaxBytes: number };
}

export interface BenchResult {
  /** 2: cold start by launch (tsx, compiled, workers), throughput by server (workers). */
  schema: 2;
  mode: BenchPlan['mode'];
  startedAt: string;
  durationMs: number;
  machine: Machine;
  /** 1, 5 and 15 minute load averages when the run started and ended: others' work skews figures. */
  loadAverage: { start: number[]; end: number[] };
  plan: BenchPlan;
  questions: number;
  ingest?: IngestResult;
  coldStart?: ColdStartResult;
  answering?: { library: LibraryLatency; transports?: TransportLatency };
  throughput?: LoadResult;
  memory?: MemoryResult;
  scaling?: ScalingResult;
  peer?: PeerResult;
  papers?: PapersResult;
}

export function milliseconds(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(3)} ms`;
}

export function mebibytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  const value = bytes / 2 ** 20;
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} MiB`;
}

function count(value: number, digits = 0): string {
  return Number.isFinite(value) ? value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–';
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}

function share(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '–' : `${Math.round(value * 100)} %`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function spread(summary: Summary, format: (value: number) => string): string[] {
  return [format(summary.min), format(summary.median), format(summary.p95)];
}

export function renderMachine(machine: Machine): string {
  return table(
    ['CPU', 'cores', 'RAM', 'OS', 'Node', 'commit'],
    [[machine.cpuModel, String(machine.cores), `${(machine.ramBytes / 2 ** 30).toFixed(1)} GiB`, `${machine.os} (${machine.arch})`, machine.node, machine.commit ?? '–']],
  );
}

export function renderIngest(result: IngestResult): string {
  const rows: [string, Summary, (value: number) => string][] = [
    ['from scratch: total', result.scratchMs, milliseconds],
    ['  prepare (scan, read, parse, chunk, fit LSA)', result.phasesMs.prepare, milliseconds],
    ['    of which read + parse + chunk (timed alone)', result.componentsMs.parse, milliseconds],
    ['    of which fit LSA (timed alone)', result.componentsMs.fitLsa, milliseconds],
    ['  embed', result.phasesMs.embed, milliseconds],
    ['  index (HNSW + BM25)', result.phasesMs.index, milliseconds],
    ['  write', result.phasesMs.write, milliseconds],
    ['from scratch: chunks per second', result.chunksPerSecond, (value) => count(value)],
    ['unchanged re-ingest', result.unchangedMs, milliseconds],
  ];
  return table(['ingestion (' + result.chunks + ' chunks, ' + result.scratchMs.n + ' runs)', 'min', 'median', 'p95'], rows.map(([name, summary, format]) => [name, ...spread(summary, format)]));
}

export function renderColdStart(result: ColdStartResult): string {
  const runs = result.variants[0]?.firstAnswerMs.n ?? 0;
  const rows = result.variants.flatMap((variant) => [
    [`${variant.label}: spawn → listening`, ...spread(variant.listeningMs, milliseconds)],
    [`${variant.label}: spawn → first answer`, ...spread(variant.firstAnswerMs, milliseconds)],
  ]);
  rows.push(
    ['Node + tsx boot alone (node --import tsx -e "")', ...spread(result.runtimeBootMs.tsx, milliseconds)],
    ['Node boot alone (node -e "")', ...spread(result.runtimeBootMs.node, milliseconds)],
  );
  const build = result.buildMs !== undefined ? `\n\nnpm run build (tsc, once): ${milliseconds(result.buildMs)}.` : '';
  return `${table([`cold start (${runs} runs each, first answer = POST /api/ask)`, 'min', 'median', 'p95'], rows)}${build}`;
}

export function renderAnswering(answering: NonNullable<BenchResult['answering']>): string {
  const row = (name: string, summary: Summary) => [name, String(summary.n), milliseconds(summary.min), milliseconds(summary.median), milliseconds(summary.p95), milliseconds(summary.p99)];
  const rows = [row('library: retrieval only', answering.library.retrievalMs), row('library: whole answer', answering.library.answerMs)];
  if (answering.transports) {
    rows.push(
      row('HTTP POST /api/ask (loopback)', answering.transports.httpMs),
      row('Socket.IO: first answer:delta', answering.transports.socketFirstDeltaMs),
      row('Socket.IO: answer:done', answering.transports.socketDoneMs),
    );
  }
  return table(['answering, offline, one at a time', 'n', 'min', 'p50', 'p95', 'p99'], rows);
}

export function renderThroughput(result: LoadResult): string {
  const levels = result.runs.flatMap((run) => run.levels);
  const rendered = table(
    ['setup', 'transport', 'clients', 'q/s', `q/s per ${result.bucketMs} ms (min / median / p95)`, 'latency p50 / p95 / p99', 'answered', 'errors', 'server RSS max', 'CPU server (primary) / load gen.', 'new connection: first answer p50 / p95 (errors)'],
    levels.map((level) => [
      level.servers ? describeSetup(level) : level.workers === 1 ? '1 (no cluster)' : `${level.workers} workers`,
      level.transport === 'http' ? 'HTTP' : 'Socket.IO',
      String(level.concurrency),
      count(level.questionsPerSecond),
      spread(level.questionsPerSecondBySlice, (value) => count(value)).join(' / '),
      [level.latencyMs.median, level.latencyMs.p95, level.latencyMs.p99].map(milliseconds).join(' / '),
      count(level.completed),
      level.errors === 0 ? '0' : `${level.errors} (${Object.entries(level.errorKinds).map(([kind, n]) => `${kind} ${n}`).join(', ')})`,
      mebibytes(level.rssBytes.max),
      `${share(level.serverCpuShare)}${level.workers > 1 || level.servers ? ` (${share(level.primaryCpuShare)})` : ''} / ${share(level.clientCpuShare)}`,
      level.newcomerMs ? `${[level.newcomerMs.median, level.newcomerMs.p95].map(milliseconds).join(' / ')} (${level.newcomerErrors})` : '–',
    ]),
  );
  const notes: string[] = [];
  if (levels.some((level) => level.servers)) {
    notes.push('Behind haproxy: RSS and CPU are the whole stack (servers, haproxy, Redis); "primary" is haproxy + Redis. The rate limit is on there (every question counted in Redis, none refused); the other setups run without one.');
  }
  for (const { run, reason } of result.skipped ?? []) notes.push(`Not measured: ${run}: ${reason}.`);
  return [rendered, ...notes].join('\n\n');
}

export function renderMemory(memory: MemoryResult): string {
  const rows: string[][] = [];
  if (memory.listeningBytes) rows.push(['idle, just started (cold-start runs)', ...spread(memory.listeningBytes, mebibytes)]);
  if (memory.idleBytes) rows.push(['idle, 1 s after the first answer (cold-start runs)', ...spread(memory.idleBytes, mebibytes)]);
  if (memory.beforeLoadBytes !== undefined) rows.push(['idle, warm, before the load', mebibytes(memory.beforeLoadBytes), '', '']);
  if (memory.underLoadMaxBytes !== undefined) rows.push(['under load (max of all levels)', mebibytes(memory.underLoadMaxBytes), '', '']);
  if (memory.afterLoadBytes !== undefined) rows.push(['1 s after the load', mebibytes(memory.afterLoadBytes), '', '']);
  if (memory.cluster) {
    rows.push([`${memory.cluster.workers} workers + primary: idle, warm, before the load`, mebibytes(memory.cluster.beforeLoadBytes), '', '']);
    rows.push([`${memory.cluster.workers} workers + primary: under load (max)`, mebibytes(memory.cluster.underLoadMaxBytes), '', '']);
  }
  return table(['server RSS', 'min (or value)', 'median', 'p95'], rows);
}

export function renderScaling(result: ScalingResult): string {
  const rows = result.levels.flatMap((level) =>
    level.builds.map((build) => [
      `${level.factor}×`,
      count(level.passages),
      `${build.M} / ${build.efConstruction}`,
      milliseconds(build.buildMs),
      mebibytes(build.indexBytes),
      mebibytes(level.vectorBytes),
      `${milliseconds(level.bruteForceMs.median)} / ${milliseconds(level.bruteForceMs.p95)}`,
      build.chosen ? String(build.chosen.efSearch) : `none ≤ ${build.sweep.at(-1)?.efSearch}`,
      build.chosen ? build.chosen.recall.toFixed(3) : Math.max(...build.sweep.map((point) => point.recall)).toFixed(3),
      build.chosen ? `${milliseconds(build.chosen.latencyMs.median)} / ${milliseconds(build.chosen.latencyMs.p95)}` : '–',
      build.chosen ? `${count(build.chosen.speedupOverBruteForce)}×` : '–',
      `${build.atDefault.efSearch}, ${build.atDefault.recall.toFixed(3)}, ${milliseconds(build.atDefault.latencyMs.median)}`,
    ]),
  );
  return table(
    [
      'corpus',
      'passages',
      'M / efC',
      'HNSW build',
      'hnsw.bin',
      'vectors.f32',
      'brute force p50 / p95',
      'efSearch',
      `recall@${result.k}`,
      'HNSW p50 / p95',
      'speed-up (p50)',
      `at PaperChat's efSearch for the size: ef, recall, p50`,
    ],
    rows,
  );
}

export function renderPeer(result: PeerResult): string {
  const row = (name: string, ours: string, peer: string) => [name, ours, peer];
  return table(
    ['eval set (' + result.ours.questions + ' questions)', 'PaperChat (offline)', 'LangChain peer'],
    [
      row('answer latency p50 / p95', `${milliseconds(result.oursAnswerMs.median)} / ${milliseconds(result.oursAnswerMs.p95)}`, `${milliseconds(result.peerAnswerMs.median)} / ${milliseconds(result.peerAnswerMs.p95)}`),
      row('accuracy (facts, length limit, declines)', `${result.ours.correct}/${result.ours.questions} = ${percent(result.ours.accuracy)}`, `${result.peer.correct}/${result.peer.questions} = ${percent(result.peer.accuracy)}`),
      row(
        'facts present, ignoring length (answerable)',
        `${result.ours.factsPresent}/${result.ours.answerable} = ${percent(result.ours.factsPresentRate)}`,
        `${result.peer.factsPresent}/${result.peer.answerable} = ${percent(result.peer.factsPresentRate)}`,
      ),
      row('facts present but too long', String(result.ours.tooLong), String(result.peer.tooLong)),
      row('answerable but declined', String(result.ours.falseDeclines), String(result.peer.falseDeclines)),
      row(`unanswerable (${result.ours.unanswerable}) but answered`, String(result.ours.missedDeclines), String(result.peer.missedDeclines)),
      row('mean answer length (prose chars, answered only)', count(result.ours.meanAnswerChars), count(result.peer.meanAnswerChars)),
    ],
  );
}

export function renderCategories(result: PeerResult): string {
  const categories = Object.keys(result.ours.byCategory).sort();
  return table(
    ['category', 'questions', 'PaperChat correct', 'peer correct'],
    categories.map((category) => [
      category,
      String(result.ours.byCategory[category]!.questions),
      String(result.ours.byCategory[category]!.correct),
      String(result.peer.byCategory[category]?.correct ?? 0),
    ]),
  );
}

export function renderPapers(result: PapersResult): string {
  const main = table(
    ['papers', 'passages', 'references', 'ingest (from scratch)', 'ingest peak RSS', 'index on disk', 'server RSS, index loaded', 'load (openLibrary)', 'answer p50 / p95', 'retrieval p50', `recall@${result.levels[0]?.serve.recall.k ?? 10} (efSearch)`, 'HNSW / brute force p50'],
    result.levels.map((level) => [
      `${count(level.papers)}${level.cappedFrom ? ` (cap; ${count(level.cappedFrom)} planned)` : ''}`,
      count(level.ingest.chunks),
      count(level.ingest.references),
      milliseconds(level.ingest.ms),
      mebibytes(level.ingest.maxRssBytes),
      mebibytes(level.indexBytes),
      mebibytes(level.serve.rssAfterLoadBytes),
      milliseconds(level.serve.loadMs),
      `${milliseconds(level.serve.answerMs.median)} / ${milliseconds(level.serve.answerMs.p95)}`,
      milliseconds(level.serve.retrieveMs.median),
      `${level.serve.recall.mean.toFixed(3)} (${level.serve.recall.efSearch})`,
      `${milliseconds(level.serve.hnswMs.median)} / ${milliseconds(level.serve.bruteForceMs.median)}`,
    ]),
  );
  const file = (level: PapersResult['levels'][number], name: string) => mebibytes(level.indexFiles[name] ?? Number.NaN);
  const phases = table(
    ['papers', 'prepare (read, parse, chunk, fit LSA)', 'of which parse (est.)', 'embed', 'HNSW + BM25', 'lexicon', 'write', 'RSS before ingest', 'papers.json', 'vectors.f32', 'hnsw.bin', 'lexical.json', 'lexicon.json'],
    result.levels.map((level) => [
      count(level.papers),
      ...(['prepare', 'parse', 'embed', 'index', 'lexicon', 'write'] as const).map((phase) => milliseconds(level.ingest.phasesMs[phase] ?? Number.NaN)),
      mebibytes(level.ingest.rssBeforeBytes),
      ...['papers.json', 'vectors.f32', 'hnsw.bin', 'lexical.json', 'lexicon.json'].map((name) => file(level, name)),
    ]),
  );
  const notes = [
    `Sources: ${result.sources.length} (${result.sources.join(', ')}), read and parsed in ${milliseconds(result.readSourcesMs)}.${result.pdfNote ? ` ${result.pdfNote}.` : ''}`,
    ...result.levels.flatMap((level) => (level.ingest.failed.length > 0 ? [`${count(level.papers)} papers: ${level.ingest.failed.length} files failed to ingest (${level.ingest.failed.slice(0, 2).join('; ')}).`] : [])),
    ...result.notRun.map(({ papers, reason, estimate }) =>
      `Not measured: ${count(papers)} papers (${reason}).` +
      (estimate
        ? ` Extrapolated from the last two sizes measured (a power law per part: ${Object.entries(estimate.exponents).map(([part, exponent]) => `${part} ∝ papers^${exponent.toFixed(2)}`).join(', ')}), not measured: ` +
          `ingest ${milliseconds(estimate.ingestMs)}, ingest peak RSS ${mebibytes(estimate.ingestMaxRssBytes)}, index ${mebibytes(estimate.indexBytes)}, server RSS ${mebibytes(estimate.serveRssBytes)}, answer p50 ${milliseconds(estimate.answerP50Ms)}, whole size ${milliseconds(estimate.wallMs)}.`
        : ''),
    ),
  ];
  return [main, phases, ...notes].join('\n\n');
}

/** The whole report as Markdown. */
export function renderReport(result: BenchResult): string {
  const loads = (values: number[]) => values.map((value) => value.toFixed(2)).join(' / ');
  const parts = [
    `# PaperChat benchmark (${result.mode}, ${result.startedAt}, ${(result.durationMs / 1000).toFixed(0)} s)`,
    renderMachine(result.machine),
    `Load average (1 / 5 / 15 min): ${loads(result.loadAverage.start)} at the start, ${loads(result.loadAverage.end)} at the end.`,
  ];
  if (result.ingest) parts.push('## Ingestion', renderIngest(result.ingest));
  if (result.coldStart) parts.push('## Cold start', renderColdStart(result.coldStart));
  if (result.answering) parts.push('## Answering latency', renderAnswering(result.answering));
  if (result.throughput) parts.push('## Throughput', renderThroughput(result.throughput));
  if (result.memory) parts.push('## Memory', renderMemory(result.memory));
  if (result.scaling) {
    parts.push(
      '## Scaling the vector index',
      `${result.scaling.queries} queries (the eval questions); recall@${result.scaling.k} against brute force; efSearch = the smallest reaching ${result.scaling.recallTarget}.`,
      renderScaling(result.scaling),
    );
  }
  if (result.peer) {
    parts.push(
      '## PaperChat and a plain LangChain pipeline',
      `Peer: ${result.peer.pipeline}; ${result.peer.peerChunks} chunks, built in ${milliseconds(result.peer.peerBuildMs)}. ` +
        `Latency ratio (ours / peer, median, same passes): ${result.peer.latencyRatio.toFixed(2)}.`,
      renderPeer(result.peer),
      renderCategories(result.peer),
    );
  }
  if (result.papers) {
    parts.push(
      '## A library of papers, end to end',
      `n× = n papers (1× is corpus/'s review); each size ingested from scratch in a child process, then loaded by another that asks the ${result.papers.questions} eval questions (${result.plan.papers.answerPasses} timed passes after a warm-up) and measures recall against brute force over the index's own vectors. Budget ${milliseconds(result.papers.budgetMs)}.`,
      renderPapers(result.papers),
    );
  }
  return `${parts.join('\n\n')}\n`;
}
