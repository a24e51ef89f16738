/**
 * The load generator, run as its own process so the load does not share the measuring
 * process's event loop: `node --import tsx bench/load-client.ts <config.json>`.
 *
 * `concurrency` clients each ask one question at a time, back to back, for `durationMs`
 * (HTTP: one keep-alive connection each; Socket.IO: one connection each), after `warmupMs`
 * of the same load that is not counted. Questions still in flight when the window closes are
 * awaited and counted.
 *
 * Meanwhile a probe opens a new connection every `probeEveryMs` and asks one question on it:
 * how long a newcomer waits for its first answer while the server is busy with the others.
 *
 * stdout, one JSON object per line: `{"type":"start"}` when the window opens, then
 * `{"type":"result",…}` (see `LoadClientResult`).
 */
import { readFile } from 'node:fs/promises';
import { AskError, HttpAsker, SocketAsker, type AskPayload } from './clients.ts';

export interface LoadClientConfig {
  url: string;
  transport: 'http' | 'socket';
  concurrency: number;
  durationMs: number;
  /** Load before the window opens, not counted: connections, caches and JIT warm up. */
  warmupMs: number;
  /** Completions are also counted per window of this length, for q/s percentiles. */
  bucketMs: number;
  timeoutMs: number;
  questions: AskPayload[];
  probeEveryMs: number;
}

export interface LoadClientResult {
  type: 'result';
  completed: number;
  errors: number;
  errorKinds: Record<string, number>;
  /** From the window's opening to the last completion. */
  elapsedMs: number;
  /** Latency of each completed question. */
  latenciesMs: number[];
  /** Completions per bucket while the window was open. */
  buckets: number[];
  /** CPU this load generator used over the window, as a share of one core (1 = 100 %). */
  cpuShare: number;
  /** Each probe's time from opening a new HTTP connection to its first answer. */
  newcomerLatenciesMs: number[];
  newcomerErrorKinds: Record<string, number>;
}

type Ask = (payload: AskPayload) => Promise<unknown>;

async function main(): Promise<void> {
  const path = process.argv[2];
  if (!path) throw new Error('usage: load-client.ts <config.json>');
  const config = JSON.parse(await readFile(path, 'utf8')) as LoadClientConfig;
  const { clients, close } = await connect(config);
  try {
    await run(config, clients, config.warmupMs);
    process.stdout.write(`${JSON.stringify({ type: 'start' })}\n`);
    const result = await run(config, clients, config.durationMs);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    close();
  }
}

async function connect(config: LoadClientConfig): Promise<{ clients: Ask[]; close: () => void }> {
  if (config.transport === 'http') {
    const http = new HttpAsker(config.url, config.concurrency);
    return {
      clients: Array.from({ length: config.concurrency }, () => (payload: AskPayload) => http.ask(payload, config.timeoutMs)),
      close: () => http.close(),
    };
  }
  const sockets = await Promise.all(Array.from({ length: config.concurrency }, () => SocketAsker.connect(config.url)));
  return {
    clients: sockets.map((socket) => (payload: AskPayload) => socket.ask(payload, config.timeoutMs)),
    close: () => sockets.forEach((socket) => socket.close()),
  };
}

async function run(config: LoadClientConfig, clients: Ask[], durationMs: number): Promise<LoadClientResult> {
  const opened = performance.now();
  const cpuBefore = process.cpuUsage();
  const deadline = opened + durationMs;
  const buckets = new Array<number>(Math.max(1, Math.round(durationMs / config.bucketMs))).fill(0);
  const latenciesMs: number[] = [];
  const errorKinds: Record<string, number> = {};
  let next = 0;
  let lastCompletion = opened;
  const worker = async (client: Ask) => {
    while (performance.now() < deadline) {
      const payload = config.questions[next++ % config.questions.length]!;
      const started = performance.now();
      try {
        await client(payload);
        const now = performance.now();
        latenciesMs.push(Math.round((now - started) * 100) / 100);
        const bucket = Math.floor((now - opened) / config.bucketMs);
        if (bucket < buckets.length) buckets[bucket]!++;
        lastCompletion = Math.max(lastCompletion, now);
      } catch (error) {
        const kind = error instanceof AskError ? error.kind : 'other';
        errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
        // A broken connection will not mend; anything else may be transient.
        if (kind === 'socket-disconnect') return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  };
  const probes = probeNewcomers(config, deadline);
  await Promise.all(clients.map(worker));
  const newcomers = await probes;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    type: 'result',
    completed: latenciesMs.length,
    errors: Object.values(errorKinds).reduce((sum, count) => sum + count, 0),
    errorKinds,
    elapsedMs: Math.max(lastCompletion, deadline) - opened,
    latenciesMs,
    buckets,
    cpuShare: (cpu.user + cpu.system) / 1000 / Math.max(1, performance.now() - opened),
    newcomerLatenciesMs: newcomers.latenciesMs,
    newcomerErrorKinds: newcomers.errorKinds,
  };
}

/** A new connection every `probeEveryMs` until the deadline, each asking one question. */
async function probeNewcomers(config: LoadClientConfig, deadline: number): Promise<{ latenciesMs: number[]; errorKinds: Record<string, number> }> {
  const latenciesMs: number[] = [];
  const errorKinds: Record<string, number> = {};
  const pending: Promise<void>[] = [];
  for (let i = 0; performance.now() < deadline; i++) {
    const newcomer = new HttpAsker(config.url, 1);
    const started = performance.now();
    pending.push(
      newcomer
        .ask(config.questions[i % config.questions.length]!, config.timeoutMs)
        .then(
          () => void latenciesMs.push(Math.round((performance.now() - started) * 100) / 100),
          (error: unknown) => {
            const kind = error instanceof AskError ? error.kind : 'other';
            errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
          },
        )
        .finally(() => newcomer.close()),
    );
    await new Promise((resolve) => setTimeout(resolve, config.probeEveryMs));
  }
  await Promise.all(pending);
  return { latenciesMs, errorKinds };
}

main().catch((error: unknown) => {
  process.stderr.write(`load-client: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
