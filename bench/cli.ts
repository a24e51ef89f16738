/**
 * `npm run bench`: measures PaperChat and writes bench/results/<date>.json. See --help and
 * docs/PERFORMANCE.md. Benchmarks are not tests: nothing here fails on a slow figure.
 */
import { rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchLibrary, benchTransports, payloadOf } from './answering.ts';
import { benchColdStart } from './cold-start.ts';
import { benchIngest } from './ingest.ts';
import { balancedUnavailable, startBalanced } from './balanced.ts';
import { benchLoad, describeSetup, type LoadPlan, type LoadResult, type LoadRun, type LoadTarget } from './load.ts';
import { describeMachine } from './machine.ts';
import { benchPapers } from './papers.ts';
import { benchPeer } from './peer.ts';
import { fullPlan, quickPlan, SECTIONS, type BenchPlan, type Section } from './plan.ts';
import { stderrProgress, type Progress } from './progress.ts';
import { loadQuestions, type EvalQuestion } from './questions.ts';
import { renderReport, type BenchResult, type MemoryResult } from './report.ts';
import { benchScaling } from './scaling.ts';
import { compileServer, startServer } from './server-process.ts';
import { createWorkspace, offlineEnvironment, type Workspace } from './workspace.ts';

const HELP = `Usage: npm run bench -- [options]

Measures PaperChat on this machine, prints Markdown tables on stdout (progress on stderr)
and writes every figure to bench/results/<date>.json. Everything runs offline, against
temporary copies of the corpus and index (data/index is never touched).

  ingestion     the review from scratch and an unchanged re-ingest; chunks per second
  cold start    spawn the server over an existing index → first answered POST /api/ask,
                through tsx and compiled (npm run build), one process and 2 workers
  answering     retrieval and whole answers in the library, POST /api/ask, Socket.IO
                first delta and final answer (p50 / p95 / p99)
  throughput    1, 8 and 64 concurrent clients over HTTP and Socket.IO, from a separate
                load-generator process, against one process, against 2 workers
                (PAPERCHAT_WORKERS=2) and against two servers behind haproxy sharing Redis
                (needs Debian's redis-server and haproxy; skipped, saying so, without them);
                server memory idle and under load
  peer          the eval questions through a plain LangChain pipeline, next to ours
  scaling       synthetic 10×, 100×, 1,000× corpora: HNSW build, size, latency and
                recall@10 against brute force
  papers        the whole pipeline over libraries of 1, 10, 100 and 1,000 papers (the review
                and ../shared/papers's PDFs, perturbed into distinct papers): ingest time and
                peak RSS, index size on disk, a server process's RSS once loaded, answer
                latency p50 / p95 and HNSW recall@10 against brute force; a size estimated to
                overrun the section's 20-minute budget is capped, and its estimate reported

Options:
  --quick            smoke run of about two and a half minutes (fewer repetitions, 1.5 s load
                     levels, no cluster cold start, scaling at 10× only, papers at 1 and 10);
                     what CI calls
  --only <sections>  comma-separated subset of: ${SECTIONS.join(', ')}
  --out <file>       write the JSON there instead of bench/results/<date>.json
  -h, --help         this text

A full run takes about twenty minutes on two cores: about ten of them the papers section (its
budget is twenty), most of the rest the 1,000× vector corpus of scaling.
`;

interface CliOptions {
  plan: BenchPlan;
  out?: string;
}

function parseCli(argv: string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const plan = values.quick ? quickPlan() : fullPlan();
  if (values.only !== undefined) {
    const wanted = values.only.split(',').map((name) => name.trim()).filter(Boolean);
    const unknown = wanted.filter((name) => !(SECTIONS as readonly string[]).includes(name));
    if (unknown.length > 0 || wanted.length === 0) throw new UsageError(`bench: unknown section ${unknown.join(', ') || '(none)'}; choose from ${SECTIONS.join(', ')}`);
    plan.sections = SECTIONS.filter((section) => wanted.includes(section));
  }
  return { plan, ...(values.out !== undefined ? { out: values.out } : {}) };
}

class UsageError extends Error {
  override name = 'UsageError';
}

async function main(argv: string[]): Promise<void> {
  const parsed = parseCli(argv);
  if (parsed === 'help') {
    process.stdout.write(HELP);
    return;
  }
  const { plan } = parsed;
  const repo = resolve(import.meta.dirname, '..');
  const progress = stderrProgress();
  const started = performance.now();
  const startedAt = new Date();
  progress.say('setup', `${plan.mode} run: ${plan.sections.join(', ')}`);
  const [machine, questions] = await Promise.all([describeMachine(repo), loadQuestions(repo)]);
  progress.say('setup', `${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; ${questions.length} eval questions`);
  progress.say('setup', 'building the review index in a temporary directory');
  const workspace = await createWorkspace(repo);
  const interrupt = () => {
    rmSync(workspace.root, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  const result: BenchResult = {
    schema: 2,
    mode: plan.mode,
    startedAt: startedAt.toISOString(),
    durationMs: 0,
    machine,
    loadAverage: { start: loadavg(), end: [] },
    plan,
    questions: questions.length,
  };
  try {
    await runSections(result, workspace, questions, plan, progress);
  } finally {
    await workspace.remove();
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
  result.durationMs = performance.now() - started;
  result.loadAverage.end = loadavg();

  const out = parsed.out ? resolve(parsed.out) : join(repo, 'bench', 'results', `${stamp(startedAt)}${plan.mode === 'quick' ? '-quick' : ''}.json`);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(renderReport(result));
  progress.say('done', `${(result.durationMs / 1000).toFixed(0)} s; results in ${relative(process.cwd(), out) || out}`);
}

async function runSections(result: BenchResult, workspace: Workspace, questions: EvalQuestion[], plan: BenchPlan, progress: Progress): Promise<void> {
  const wants = (section: Section) => plan.sections.includes(section);
  if (wants('ingest')) result.ingest = await benchIngest(workspace, plan.ingestRuns, progress);
  if (wants('cold-start')) await runColdStart(result, workspace, questions, plan, progress);
  if (wants('answering') || wants('throughput')) await runServers(result, workspace, questions, plan, progress);
  if (wants('peer')) result.peer = await benchPeer(workspace, questions, plan.peerPasses, progress);
  if (wants('scaling')) result.scaling = await benchScaling(workspace, questions, plan.scaling, progress);
  if (wants('papers')) result.papers = await benchPapers(workspace, plan.papers, progress);
}

async function runColdStart(result: BenchResult, workspace: Workspace, questions: EvalQuestion[], plan: BenchPlan, progress: Progress): Promise<void> {
  const first = questions.find((question) => question.answerable && !question.history) ?? questions[0]!;
  let compiled: { dir: string; buildMs: number } | undefined;
  if (plan.coldStartLaunches.some((launch) => launch.runtime === 'compiled')) {
    progress.say('cold start', 'compiling the server (npm run build) into the workspace');
    const dir = workspace.scratch('dist');
    compiled = { dir, buildMs: await compileServer(workspace.repo, dir) };
  }
  result.coldStart = await benchColdStart(
    workspace,
    first.question,
    { runs: plan.coldStartRuns, launches: plan.coldStartLaunches, ...(compiled ? { compiledDir: compiled.dir, buildMs: compiled.buildMs } : {}) },
    progress,
  );
  const tsx = result.coldStart.variants.find((variant) => variant.runtime === 'tsx' && variant.workers === 1) ?? result.coldStart.variants[0]!;
  result.memory = { listeningBytes: tsx.rssListeningBytes, idleBytes: tsx.rssIdleBytes };
}

/**
 * The loopback latencies (one process) and the load levels of every server in the plan. The
 * servers (through tsx, as `npm start` runs them) are all started first and run side by side,
 * idle but for the level being measured, so their levels can be interleaved.
 */
async function runServers(result: BenchResult, workspace: Workspace, questions: EvalQuestion[], plan: BenchPlan, progress: Progress): Promise<void> {
  const wants = (section: Section) => plan.sections.includes(section);
  const library = wants('answering') ? await benchLibrary(workspace, questions, plan.answeringPasses, progress) : undefined;
  const plans = wants('throughput') ? [...plan.load.servers] : [];
  if (library && !plans.some((target) => target.workers === 1 && !target.servers)) plans.unshift({ workers: 1, concurrency: [] });
  const targets: LoadTarget[] = [];
  const skipped: NonNullable<LoadResult['skipped']> = [];
  try {
    for (const target of plans) {
      const started = await startTarget(target, workspace, progress);
      if (typeof started === 'string') skipped.push({ run: describeSetup(target), reason: started });
      else targets.push({ ...target, server: started });
    }
    const single = targets.find((target) => target.workers === 1 && !target.servers);
    if (library && single) result.answering = { library, transports: await benchTransports(single.server.url, questions, plan.transportPasses, progress) };
    const loaded = targets.filter((target) => target.concurrency.length > 0);
    if (loaded.length > 0) result.throughput = { ...(await benchLoad(workspace, loaded, questions.map(payloadOf), plan.load, progress)), ...(skipped.length > 0 ? { skipped } : {}) };
  } finally {
    await Promise.all(targets.map((target) => target.server.stop()));
  }
  if (result.throughput) result.memory = { ...result.memory, ...memoryUnderLoad(result.throughput) };
}

/** Starts one server setup of the plan; a string says why it cannot run here (printed, and kept in the results). */
async function startTarget(target: LoadPlan['servers'][number], workspace: Workspace, progress: Progress): Promise<LoadTarget['server'] | string> {
  const env = offlineEnvironment(workspace);
  if (!target.servers) {
    progress.say('server', `starting the server (${target.workers === 1 ? 'one process' : `${target.workers} workers`}) for the loopback and load measurements`);
    return startServer({ repo: workspace.repo, env, workers: target.workers });
  }
  const unavailable = balancedUnavailable();
  if (unavailable) {
    progress.say('server', `skipping ${describeSetup(target)}: ${unavailable}`);
    return unavailable;
  }
  progress.say('server', `starting ${describeSetup(target)} for the load measurements`);
  return startBalanced({ repo: workspace.repo, env, servers: target.servers, workers: target.workers, dir: workspace.scratch('balanced') });
}

function memoryUnderLoad(throughput: LoadResult): MemoryResult {
  const single = throughput.runs.find((run) => run.workers === 1 && !run.servers);
  const cluster = throughput.runs.find((run) => run.workers > 1 && !run.servers);
  const peak = (run: LoadRun) => Math.max(...run.levels.map((level) => level.rssBytes.max));
  return {
    ...(single ? { beforeLoadBytes: single.rssBeforeBytes, underLoadMaxBytes: peak(single), afterLoadBytes: single.rssAfterBytes } : {}),
    ...(cluster ? { cluster: { workers: cluster.workers, beforeLoadBytes: cluster.rssBeforeBytes, underLoadMaxBytes: peak(cluster) } } : {}),
  };
}

/** 2026-11-29T03-04-05Z: a date that sorts and is a valid file name everywhere. */
function stamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${message.startsWith('bench:') ? '' : 'bench: '}${message}\n`);
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) process.stderr.write('Run `npm run bench -- --help` for usage.\n');
  process.exitCode = 1;
});
