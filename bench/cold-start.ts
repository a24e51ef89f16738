/**
 * Cold start: from spawning the real server process (over an existing index, on a fresh port)
 * to the first answered `POST /api/ask`, for each way of running it — TypeScript through tsx
 * (`npm start`) and the compiled build (`npm run start:prod`), one process and a cluster of
 * workers — interleaved run by run so the machine's noise falls on all alike. Also the
 * resident memory of the idle server (every process of it), before and after that first
 * question, and — for scale — how long Node takes to run nothing, with and without tsx.
 */
import { spawn } from 'node:child_process';
import { HttpAsker } from './clients.ts';
import type { Progress } from './progress.ts';
import { startServer } from './server-process.ts';
import { summarize, type Summary } from './stats.ts';
import { offlineEnvironment, type Workspace } from './workspace.ts';

/** One way of starting the server. */
export interface Launch {
  label: string;
  runtime: 'tsx' | 'compiled';
  workers: number;
}

export interface ColdStartVariant extends Launch {
  /** Spawn → the server prints its address (imports, index load, listen; a cluster: every worker ready). */
  listeningMs: Summary;
  /** Spawn → the first answer's body has arrived. */
  firstAnswerMs: Summary;
  rssListeningBytes: Summary;
  /** One second after the first answer. */
  rssIdleBytes: Summary;
}

export interface ColdStartResult {
  question: string;
  variants: ColdStartVariant[];
  /** `node --import tsx -e ""` and `node -e ""`: the runtime's own share of the above. */
  runtimeBootMs: { tsx: Summary; node: Summary };
  /** `npm run build` (scripts/build.ts) once, when a compiled variant is measured. */
  buildMs?: number;
}

/** How long the idle server is left alone before its memory is read. */
const SETTLE_MS = 1_000;

interface Samples {
  listening: number[];
  firstAnswer: number[];
  rssListening: number[];
  rssIdle: number[];
}

export async function benchColdStart(
  workspace: Workspace,
  question: string,
  options: { runs: number; launches: Launch[]; compiledDir?: string; buildMs?: number },
  progress: Progress,
): Promise<ColdStartResult> {
  const samples = options.launches.map((): Samples => ({ listening: [], firstAnswer: [], rssListening: [], rssIdle: [] }));
  const boot = { tsx: [] as number[], node: [] as number[] };
  for (let run = 1; run <= options.runs; run++) {
    boot.tsx.push(await runtimeBoot(workspace.repo, ['--import', import.meta.resolve('tsx')]));
    boot.node.push(await runtimeBoot(workspace.repo, []));
    for (const [i, launch] of options.launches.entries()) {
      await coldStartOnce(workspace, question, launch, options.compiledDir, samples[i]!);
      progress.say('cold start', `run ${run}/${options.runs}, ${launch.label}: listening ${samples[i]!.listening.at(-1)!.toFixed(0)} ms, first answer ${samples[i]!.firstAnswer.at(-1)!.toFixed(0)} ms`);
    }
  }
  return {
    question,
    variants: options.launches.map((launch, i) => ({
      ...launch,
      listeningMs: summarize(samples[i]!.listening),
      firstAnswerMs: summarize(samples[i]!.firstAnswer),
      rssListeningBytes: summarize(samples[i]!.rssListening),
      rssIdleBytes: summarize(samples[i]!.rssIdle),
    })),
    runtimeBootMs: { tsx: summarize(boot.tsx), node: summarize(boot.node) },
    ...(options.buildMs !== undefined ? { buildMs: options.buildMs } : {}),
  };
}

async function coldStartOnce(workspace: Workspace, question: string, launch: Launch, compiledDir: string | undefined, samples: Samples): Promise<void> {
  if (launch.runtime === 'compiled' && !compiledDir) throw new Error('bench: a compiled launch needs the build');
  const server = await startServer({
    repo: workspace.repo,
    env: offlineEnvironment(workspace),
    workers: launch.workers,
    ...(launch.runtime === 'compiled' ? { compiled: compiledDir! } : {}),
  });
  const client = new HttpAsker(server.url, 1);
  try {
    samples.rssListening.push(await server.rssBytes());
    await client.ask({ question }, 30_000);
    samples.firstAnswer.push(performance.now() - server.spawnedAt);
    samples.listening.push(server.listeningMs);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    samples.rssIdle.push(await server.rssBytes());
  } finally {
    client.close();
    await server.stop();
  }
}

function runtimeBoot(repo: string, nodeArguments: string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArguments, '-e', ''], { cwd: repo, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`bench: node ${nodeArguments.join(' ')} -e "" exited with code ${code}`))));
  });
}
