/**
 * The real server as its own process, as `npm start` runs it: spawned on port 0 of 127.0.0.1,
 * its address read from the start-up line, its stdout (JSON logs) and stderr kept, its exit
 * awaited with a bound. `killAll()` (in afterAll) SIGKILLs whatever a failed test left running;
 * a cluster's workers end with their primary.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './fixtures.ts';

export interface ServerProcess {
  url: string;
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** stdout's JSON log lines. */
  logs(): Record<string, unknown>[];
  /** The exit code (null after a signal), or a rejection after `timeoutMs`. */
  exit(timeoutMs?: number): Promise<number | null>;
}

const running = new Set<ChildProcessWithoutNullStreams>();

export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** `node --import tsx server/main.ts` by default; `command` runs something else (the compiled server). */
export async function spawnServer(env: Record<string, string>, options: { command?: string[]; timeoutMs?: number } = {}): Promise<ServerProcess> {
  const command = options.command ?? ['--import', 'tsx', join(REPO, 'server', 'main.ts')];
  const child = spawn(process.execPath, command, {
    cwd: REPO,
    // Only what the test sets (and PATH, HOME): a developer's own keys never reach the server.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data) => (stdout += String(data)));
  child.stderr.on('data', (data) => (stderr += String(data)));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const url = await waitFor(() => /at (http:\/\/127\.0\.0\.1:\d+)\/\s*$/m.exec(stderr)?.[1], options.timeoutMs ?? 60_000, () => child.exitCode !== null).catch(() => undefined);
  if (!url) {
    child.kill('SIGKILL');
    throw new Error(`the server did not start; its stderr:\n${stderr.slice(-2_000)}`);
  }
  return {
    url,
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    logs: () =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    exit: (timeoutMs = 30_000) =>
      Promise.race([exited, new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error(`the server did not exit within ${timeoutMs} ms`)), timeoutMs).unref())]),
  };
}

/** Polls `probe` every 50 ms until it gives a value; rejects after `timeoutMs` or when `gaveUp()` says so. */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, gaveUp: () => boolean = () => false): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (gaveUp() || Date.now() > deadline) throw new Error(`waitFor: nothing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** SIGTERMs a server whose answers are in flight (`inFlight` requests reached the model) and waits for readiness to say draining. */
export async function terminateWhileAnswering(server: ServerProcess, modelRequests: () => number, inFlight: number): Promise<Response> {
  await waitFor(() => (modelRequests() >= inFlight ? true : undefined), 15_000);
  server.child.kill('SIGTERM');
  return waitFor(async () => {
    // In a cluster a probe may reach a worker the moment it closes (the connection drops): ask again.
    const response = await fetch(`${server.url}/api/health/ready`).catch(() => undefined);
    return response?.status === 503 ? response : undefined;
  }, 10_000);
}
