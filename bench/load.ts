/**
 * Throughput and memory under load: for each server (one process, a cluster of workers), each
 * transport and concurrency level, a separate load-generator process (bench/load-client.ts)
 * drives the real server on 127.0.0.1 for a bounded time while this process samples the
 * server's resident memory and CPU (all its processes).
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HttpAsker, SocketAsker, type AskPayload } from './clients.ts';
import type { LoadClientConfig, LoadClientResult } from './load-client.ts';
import type { Progress } from './progress.ts';
import { tsxArguments, type ServerProcess } from './server-process.ts';
import { summarize, type Summary } from './stats.ts';
import type { Workspace } from './workspace.ts';

export type Transport = 'http' | 'socket';

export interface LoadLevelResult {
  /** PAPERCHAT_WORKERS of the server measured (1: one process, no cluster). */
  workers: number;
  /** Set for servers behind haproxy sharing Redis (bench/balanced.ts): how many. */
  servers?: number;
  transport: Transport;
  concurrency: number;
  windowMs: number;
  completed: number;
  errors: number;
  errorKinds: Record<string, number>;
  /** Completed questions / (window opening → last completion). */
  questionsPerSecond: number;
  /** Questions per second in each `bucketMs` slice of the window. */
  questionsPerSecondBySlice: Summary;
  latencyMs: Summary;
  /** Server RSS, sampled every `SAMPLE_MS` while the window was open. */
  rssBytes: Summary;
  /** CPU used over the window as a share of one core: the server (one Node thread does the work) and the load generator. */
  serverCpuShare?: number;
  /** Of `serverCpuShare`, the primary's (in a cluster, the router relaying connections and bodies). */
  primaryCpuShare?: number;
  clientCpuShare: number;
  /** A new HTTP connection's wait for its first answer while the others keep the server busy. */
  newcomerMs: Summary;
  newcomerErrors: number;
}

/** The levels measured on one server. */
export interface LoadRun {
  workers: number;
  servers?: number;
  levels: LoadLevelResult[];
  /** Server RSS before the first level (warm) and 1 s after the last. */
  rssBeforeBytes: number;
  rssAfterBytes: number;
}

export interface LoadResult {
  bucketMs: number;
  runs: LoadRun[];
  /** Runs of the plan that could not happen on this machine, and why. */
  skipped?: { run: string; reason: string }[];
}

export interface LoadPlan {
  /**
   * The servers measured (all started, levels interleaved): PAPERCHAT_WORKERS and the client
   * counts for each; `servers`: that many servers behind haproxy sharing Redis (bench/balanced.ts).
   */
  servers: { workers: number; servers?: number; concurrency: number[] }[];
  /** Uncounted load before each window. */
  warmupMs: number;
  windowMs: number;
  bucketMs: number;
}

const SAMPLE_MS = 100;
const TIMEOUT_MS = 30_000;
/** How often the load client opens a new connection to time a newcomer's first answer. */
const PROBE_EVERY_MS = 250;

/** A server under test: how it was started and the running process. */
export interface LoadTarget {
  workers: number;
  servers?: number;
  concurrency: number[];
  server: ServerProcess;
}

/**
 * Every level of every target, interleaved: for each transport and client count, each server
 * in turn, so that other work on the machine (which comes and goes) weighs on the one process
 * and the cluster alike and their ratio holds.
 */
export async function benchLoad(workspace: Workspace, targets: LoadTarget[], questions: AskPayload[], plan: LoadPlan, progress: Progress): Promise<LoadResult> {
  for (const target of targets) await warmUp(target.server.url, questions);
  progress.say('throughput', `warmed ${targets.length} server(s) with a pass of the questions`);
  const runs = await Promise.all(targets.map(async (target): Promise<LoadRun> => ({ ...setupOf(target), levels: [], rssBeforeBytes: await target.server.rssBytes(), rssAfterBytes: 0 })));
  const counts = [...new Set(targets.flatMap((target) => target.concurrency))].sort((a, b) => a - b);
  for (const transport of ['http', 'socket'] as const) {
    for (const concurrency of counts) {
      for (const [i, target] of targets.entries()) {
        if (!target.concurrency.includes(concurrency)) continue;
        const level = { ...setupOf(target), ...(await runLevel(workspace, target.server, levelConfig(target.server.url, transport, concurrency, questions, plan))) };
        runs[i]!.levels.push(level);
        progress.say(
          'throughput',
          `${describeSetup(target)}, ${transport} × ${concurrency}: ${level.questionsPerSecond.toFixed(0)} q/s, p95 ${level.latencyMs.p95.toFixed(1)} ms, ${level.errors} errors, ` +
            `newcomer p50 ${level.newcomerMs.median.toFixed(1)} ms, ` +
            `RSS ≤ ${(level.rssBytes.max / 2 ** 20).toFixed(0)} MiB, CPU server ${percentOf(level.serverCpuShare)} / load ${percentOf(level.clientCpuShare)}`,
        );
      }
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  for (const [i, target] of targets.entries()) runs[i]!.rssAfterBytes = await target.server.rssBytes();
  return { bucketMs: plan.bucketMs, runs };
}

/**
 * One uncounted pass of the questions over HTTP, then over two Socket.IO connections: the levels
 * measure warm code, as a running server has. In a cluster both reach every worker (HTTP
 * connections are not kept alive there and, like sockets, are handed out round-robin).
 */
async function warmUp(url: string, questions: AskPayload[]): Promise<void> {
  const http = new HttpAsker(url, 1);
  try {
    for (const question of questions) await http.ask(question, TIMEOUT_MS);
  } finally {
    http.close();
  }
  const sockets = await Promise.all([SocketAsker.connect(url), SocketAsker.connect(url)]);
  try {
    await Promise.all(
      sockets.map(async (socket, i) => {
        for (const question of questions.filter((_question, j) => j % 2 === i)) await socket.ask(question, TIMEOUT_MS);
      }),
    );
  } finally {
    for (const socket of sockets) socket.close();
  }
}

function levelConfig(url: string, transport: Transport, concurrency: number, questions: AskPayload[], plan: LoadPlan): LoadClientConfig {
  return {
    url,
    transport,
    concurrency,
    durationMs: plan.windowMs,
    warmupMs: plan.warmupMs,
    bucketMs: plan.bucketMs,
    timeoutMs: TIMEOUT_MS,
    questions,
    probeEveryMs: PROBE_EVERY_MS,
  };
}

interface CpuReading {
  cpu: number | undefined;
  primary: number | undefined;
  at: number;
}

async function readCpu(server: ServerProcess): Promise<CpuReading> {
  const [cpu, primary] = await Promise.all([server.cpuMs(), server.primaryCpuMs()]);
  return { cpu, primary, at: performance.now() };
}

/** CPU used between two readings as a share of one core: the server's (all processes) and its primary's. */
function cpuShares(start: CpuReading | undefined, end: CpuReading | undefined): Pick<LoadLevelResult, 'serverCpuShare' | 'primaryCpuShare'> {
  const shareOf = (pick: (reading: CpuReading) => number | undefined) => {
    const [from, to] = [start && pick(start), end && pick(end)];
    return from !== undefined && to !== undefined ? (to - from) / (end!.at - start!.at) : undefined;
  };
  const [serverCpuShare, primaryCpuShare] = [shareOf((reading) => reading.cpu), shareOf((reading) => reading.primary)];
  return { ...(serverCpuShare !== undefined ? { serverCpuShare } : {}), ...(primaryCpuShare !== undefined ? { primaryCpuShare } : {}) };
}

async function runLevel(workspace: Workspace, server: ServerProcess, config: LoadClientConfig): Promise<Omit<LoadLevelResult, 'workers'>> {
  const configPath = join(workspace.root, `load-${server.pid}-${config.transport}-${config.concurrency}.json`);
  await writeFile(configPath, JSON.stringify(config));
  const child = spawn(process.execPath, [...tsxArguments(join(workspace.repo, 'bench', 'load-client.ts')), configPath], {
    cwd: workspace.repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const samples: number[] = [];
  let sampler: NodeJS.Timeout | undefined;
  let cpuAtStart: Promise<CpuReading> | undefined;
  let cpuAtEnd: Promise<CpuReading> | undefined;
  let result: LoadClientResult | undefined;
  let stderr = '';
  let buffered = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => (stderr += text));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    buffered += text;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const message = JSON.parse(line) as { type: string };
      if (message.type === 'start') {
        cpuAtStart = readCpu(server);
        sampler = setInterval(() => void server.rssBytes().then((bytes) => samples.push(bytes), () => undefined), SAMPLE_MS);
      } else if (message.type === 'result') {
        clearInterval(sampler);
        cpuAtEnd = readCpu(server);
        result = message as LoadClientResult;
      }
    }
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  clearInterval(sampler);
  if (code !== 0 || !result) throw new Error(`bench: the load client failed (exit ${code}): ${stderr.trim().slice(-500)}`);
  const perSlice = result.buckets.map((count) => count / (config.bucketMs / 1000));
  const [start, end] = await Promise.all([cpuAtStart, cpuAtEnd]);
  return {
    transport: config.transport,
    concurrency: config.concurrency,
    windowMs: config.durationMs,
    completed: result.completed,
    errors: result.errors,
    errorKinds: result.errorKinds,
    questionsPerSecond: result.completed / (result.elapsedMs / 1000),
    questionsPerSecondBySlice: summarize(perSlice),
    latencyMs: summarize(result.latenciesMs),
    rssBytes: summarize(samples),
    ...cpuShares(start, end),
    clientCpuShare: result.cpuShare,
    newcomerMs: summarize(result.newcomerLatenciesMs),
    newcomerErrors: Object.values(result.newcomerErrorKinds).reduce((sum, n) => sum + n, 0),
  };
}

function setupOf(target: LoadTarget): Pick<LoadRun, 'workers' | 'servers'> {
  return { workers: target.workers, ...(target.servers ? { servers: target.servers } : {}) };
}

/** "1 worker(s)", "2 worker(s)", "2 servers × 1 process, haproxy, Redis": a server setup in words. */
export function describeSetup(setup: { workers: number; servers?: number }): string {
  if (!setup.servers) return `${setup.workers} worker(s)`;
  return `${setup.servers} servers × ${setup.workers === 1 ? '1 process' : `${setup.workers} workers`}, haproxy, Redis`;
}

function percentOf(share: number | undefined): string {
  return share === undefined ? '–' : `${Math.round(share * 100)} %`;
}
