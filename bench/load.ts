/**
 * Throughput and memory under load: for each transport and concurrency level, a separate
 * load-generator process (bench/load-client.ts) drives the real server on 127.0.0.1 for a
 * bounded time while this process samples the server's resident memory.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AskPayload } from './clients.ts';
import type { LoadClientConfig, LoadClientResult } from './load-client.ts';
import type { Progress } from './progress.ts';
import { tsxArguments, type ServerProcess } from './server-process.ts';
import { summarize, type Summary } from './stats.ts';
import type { Workspace } from './workspace.ts';

export type Transport = 'http' | 'socket';

export interface LoadLevelResult {
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
  clientCpuShare: number;
  /** A new HTTP connection's wait for its first answer while the others keep the server busy. */
  newcomerMs: Summary;
  newcomerErrors: number;
}

export interface LoadResult {
  levels: LoadLevelResult[];
  bucketMs: number;
  /** Server RSS before the first level (warm, after the latency passes) and after the last. */
  rssBeforeBytes: number;
  rssAfterBytes: number;
}

export interface LoadPlan {
  concurrency: number[];
  /** Uncounted load before each window. */
  warmupMs: number;
  windowMs: number;
  bucketMs: number;
}

const SAMPLE_MS = 100;
const TIMEOUT_MS = 30_000;
/** How often the load client opens a new connection to time a newcomer's first answer. */
const PROBE_EVERY_MS = 250;

export async function benchLoad(
  workspace: Workspace,
  server: ServerProcess,
  questions: AskPayload[],
  plan: LoadPlan,
  progress: Progress,
): Promise<LoadResult> {
  const levels: LoadLevelResult[] = [];
  const rssBeforeBytes = await server.rssBytes();
  for (const transport of ['http', 'socket'] as const) {
    for (const concurrency of plan.concurrency) {
      const config: LoadClientConfig = {
        url: server.url,
        transport,
        concurrency,
        durationMs: plan.windowMs,
        warmupMs: plan.warmupMs,
        bucketMs: plan.bucketMs,
        timeoutMs: TIMEOUT_MS,
        questions,
        probeEveryMs: PROBE_EVERY_MS,
      };
      const level = await runLevel(workspace, server, config);
      levels.push(level);
      progress.say(
        'throughput',
        `${transport} × ${concurrency}: ${level.questionsPerSecond.toFixed(0)} q/s, p95 ${level.latencyMs.p95.toFixed(1)} ms, ${level.errors} errors, ` +
          `newcomer p50 ${level.newcomerMs.median.toFixed(1)} ms, ` +
          `RSS ≤ ${(level.rssBytes.max / 2 ** 20).toFixed(0)} MiB, CPU server ${percentOf(level.serverCpuShare)} / load ${percentOf(level.clientCpuShare)}`,
      );
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return { levels, bucketMs: plan.bucketMs, rssBeforeBytes, rssAfterBytes: await server.rssBytes() };
}

async function runLevel(workspace: Workspace, server: ServerProcess, config: LoadClientConfig): Promise<LoadLevelResult> {
  const configPath = join(workspace.root, `load-${config.transport}-${config.concurrency}.json`);
  await writeFile(configPath, JSON.stringify(config));
  const child = spawn(process.execPath, [...tsxArguments(join(workspace.repo, 'bench', 'load-client.ts')), configPath], {
    cwd: workspace.repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const samples: number[] = [];
  let sampler: NodeJS.Timeout | undefined;
  let cpuAtStart: Promise<{ cpu: number | undefined; at: number }> | undefined;
  let cpuAtEnd: Promise<{ cpu: number | undefined; at: number }> | undefined;
  const cpuNow = async () => ({ cpu: await server.cpuMs(), at: performance.now() });
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
        cpuAtStart = cpuNow();
        sampler = setInterval(() => void server.rssBytes().then((bytes) => samples.push(bytes), () => undefined), SAMPLE_MS);
      } else if (message.type === 'result') {
        clearInterval(sampler);
        cpuAtEnd = cpuNow();
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
  const serverCpuShare = start?.cpu !== undefined && end?.cpu !== undefined ? (end.cpu - start.cpu) / (end.at - start.at) : undefined;
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
    ...(serverCpuShare !== undefined ? { serverCpuShare } : {}),
    clientCpuShare: result.cpuShare,
    newcomerMs: summarize(result.newcomerLatenciesMs),
    newcomerErrors: Object.values(result.newcomerErrorKinds).reduce((sum, n) => sum + n, 0),
  };
}

function percentOf(share: number | undefined): string {
  return share === undefined ? '–' : `${Math.round(share * 100)} %`;
}
