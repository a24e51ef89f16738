/**
 * The real server as a separate process: `server/main.ts` under Node with tsx's loader (what
 * `npm start` runs, minus the npm and tsx wrapper processes, so the pid measured is the
 * server's own), or the compiled `server/main.js` of a build (what `npm run start:prod` runs).
 * One process or a cluster of workers (`workers`); memory and CPU are those of the whole
 * process tree (primary + workers). Port 0 picks a free port; the address is read from the
 * line it prints, which a cluster prints once every worker is ready.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface ServerProcess {
  url: string;
  pid: number;
  /** From spawn to the "serving … at http://…" line. */
  listeningMs: number;
  /** `performance.now()` when the process was spawned. */
  spawnedAt: number;
  /** Resident memory of the process and its workers. */
  rssBytes(): Promise<number>;
  /** CPU time (user + system) the process and its workers have used, in ms; undefined without /proc. */
  cpuMs(): Promise<number | undefined>;
  /** The same for the primary process alone (in a cluster, the router): undefined without /proc. */
  primaryCpuMs(): Promise<number | undefined>;
  stop(): Promise<void>;
}

export interface ServerOptions {
  repo: string;
  env: Record<string, string>;
  timeoutMs?: number;
  /** PAPERCHAT_WORKERS; 1 (one process) unless set. */
  workers?: number;
  /** A build's output directory (scripts/build.ts --out): run its compiled server instead of tsx. */
  compiled?: string;
}

/** Node's own arguments to run a TypeScript file of the repository. */
export function tsxArguments(file: string): string[] {
  return ['--import', import.meta.resolve('tsx'), file];
}

export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const spawnedAt = performance.now();
  const command = options.compiled ? [join(options.compiled, 'server', 'main.js')] : tsxArguments(join(options.repo, 'server', 'main.ts'));
  const child = spawn(process.execPath, command, {
    cwd: options.repo,
    env: { ...process.env, ...options.env, PORT: '0', HOST: '127.0.0.1', PAPERCHAT_WORKERS: String(options.workers ?? 1) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await waitForAddress(child, options.timeoutMs ?? 60_000);
  const listeningMs = performance.now() - spawnedAt;
  const pid = child.pid!;
  const ticksPerSecond = await clockTicksPerSecond();
  return {
    url,
    pid,
    listeningMs,
    spawnedAt,
    rssBytes: async () => sum(await Promise.all((await processTree(pid)).map((member) => residentBytes(member).catch(() => 0)))),
    cpuMs: async () => sum(await Promise.all((await processTree(pid)).map((member) => cpuMilliseconds(member, ticksPerSecond).then((ms) => ms ?? 0)))),
    primaryCpuMs: () => cpuMilliseconds(pid, ticksPerSecond),
    stop: () => stopProcess(child),
  };
}

function waitForAddress(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    let settled = false;
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited with ${signal ?? `code ${code}`}`);
    const onError = (error: Error) => fail(error.message);
    const timer = setTimeout(() => fail(`no address after ${timeoutMs} ms`), timeoutMs);
    const done = () => {
      settled = true;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    const fail = (why: string) => {
      if (settled) return;
      done();
      child.kill('SIGKILL');
      reject(new Error(`bench: the server did not start (${why}); its stderr:\n${output.slice(-2_000)}`));
    };
    child.stderr!.setEncoding('utf8');
    // Keep reading after the address too: a full pipe would block the server.
    child.stderr!.on('data', (text: string) => {
      if (settled) return;
      output += text;
      const match = /at (http:\/\/[^\s/]+)\/?\s*$/m.exec(output);
      if (match) {
        done();
        resolve(match[1]!);
      }
    });
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** SIGTERM, then SIGKILL if the server has not closed within 8 s. */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 8_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/**
 * A process and its descendants (a cluster's workers), from the parent pids in /proc; just the
 * process where there is no /proc. Workers that exited meanwhile simply count 0.
 */
export async function processTree(root: number): Promise<number[]> {
  let entries: string[];
  try {
    entries = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  } catch {
    return [root];
  }
  const parents = new Map<number, number>();
  await Promise.all(
    entries.map(async (name) => {
      const stat = await readFile(join('/proc', name, 'stat'), 'utf8').catch(() => undefined);
      // Field 4 (ppid) follows the command name, which may hold spaces and parentheses.
      if (stat) parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    }),
  );
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  return tree;
}

/** Resident memory of a process: VmRSS from /proc, or `ps` where there is no /proc. */
export async function residentBytes(pid: number): Promise<number> {
  try {
    const status = await readFile(join('/proc', String(pid), 'status'), 'utf8');
    const kilobytes = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    if (kilobytes) return Number(kilobytes) * 1024;
  } catch {
    // No /proc (macOS): fall back to ps.
  }
  const { stdout } = await promisify(execFile)('ps', ['-o', 'rss=', '-p', String(pid)]);
  return Number(stdout.trim()) * 1024;
}

/** utime + stime of a process from /proc/<pid>/stat, in ms; undefined where there is no /proc. */
export async function cpuMilliseconds(pid: number, ticksPerSecond: number): Promise<number | undefined> {
  try {
    const stat = await readFile(join('/proc', String(pid), 'stat'), 'utf8');
    // Fields after the command name (which may hold spaces) start at state, field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1000;
  } catch {
    return undefined;
  }
}

/** The kernel's clock ticks per second (USER_HZ), which /proc/<pid>/stat counts in. */
export async function clockTicksPerSecond(): Promise<number> {
  try {
    return Number((await promisify(execFile)('getconf', ['CLK_TCK'])).stdout.trim()) || 100;
  } catch {
    return 100;
  }
}

/** `npm run build` into `outDir` (scripts/build.ts --out); resolves to how long it took, in ms. */
export function compileServer(repo: string, outDir: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, tsxArguments(join(repo, 'scripts', 'build.ts')).concat(['--out', outDir]), { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => (stderr += text));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`bench: the build failed (exit ${code}): ${stderr.trim().slice(-1_000)}`))));
  });
}
