/**
 * Cold start: from spawning the real server process (over an existing index, on a fresh port)
 * to the first answered `POST /api/ask`. Also the resident memory of the idle server, before
 * and after that first question, and — for scale — how long Node with tsx's loader takes to
 * run nothing at all.
 */
import { spawn } from 'node:child_process';
import { HttpAsker } from './clients.ts';
import type { Progress } from './progress.ts';
import { startServer } from './server-process.ts';
import { summarize, type Summary } from './stats.ts';
import { offlineEnvironment, type Workspace } from './workspace.ts';

export interface ColdStartResult {
  question: string;
  /** Spawn → the server prints its address (imports, index load, listen). */
  listeningMs: Summary;
  /** Spawn → the first answer's body has arrived. */
  firstAnswerMs: Summary;
  /** `node --import tsx -e ""`: the runtime's own share of the above. */
  runtimeBootMs: Summary;
  rssListeningBytes: Summary;
  /** One second after the first answer. */
  rssIdleBytes: Summary;
}

/** How long the idle server is left alone before its memory is read. */
const SETTLE_MS = 1_000;

export async function benchColdStart(workspace: Workspace, question: string, runs: number, progress: Progress): Promise<ColdStartResult> {
  const listening: number[] = [];
  const firstAnswer: number[] = [];
  const boot: number[] = [];
  const rssListening: number[] = [];
  const rssIdle: number[] = [];
  for (let run = 1; run <= runs; run++) {
    boot.push(await runtimeBoot(workspace.repo));
    const server = await startServer({ repo: workspace.repo, env: offlineEnvironment(workspace) });
    const client = new HttpAsker(server.url, 1);
    try {
      rssListening.push(await server.rssBytes());
      await client.ask({ question }, 30_000);
      firstAnswer.push(performance.now() - server.spawnedAt);
      listening.push(server.listeningMs);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      rssIdle.push(await server.rssBytes());
    } finally {
      client.close();
      await server.stop();
    }
    progress.say('cold start', `run ${run}/${runs}: listening ${listening.at(-1)!.toFixed(0)} ms, first answer ${firstAnswer.at(-1)!.toFixed(0)} ms`);
  }
  return {
    question,
    listeningMs: summarize(listening),
    firstAnswerMs: summarize(firstAnswer),
    runtimeBootMs: summarize(boot),
    rssListeningBytes: summarize(rssListening),
    rssIdleBytes: summarize(rssIdle),
  };
}

function runtimeBoot(repo: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '-e', ''], { cwd: repo, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`bench: node --import tsx exited with code ${code}`))));
  });
}
