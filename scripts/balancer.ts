/**
 * Several PaperChat servers behind one address, on this machine: Debian's `redis-server` and
 * `haproxy` started as child processes on loopback and free ports, with their files in a
 * directory of the caller's (removed by the caller). For the tests
 * (test/server/redis-cluster.test.ts) and the bench (bench/balanced.ts); docs/DEPLOY.md has
 * the same haproxy configuration for a real deployment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** Where Debian puts them; root's PATH has /usr/sbin (haproxy), other users' often not. */
const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
/** How often a starting program is looked at. */
const POLL_MS = 25;

/** The path of an executable named `name` on PATH or in the system directories; undefined when there is none. */
export function findProgram(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of [...path.split(delimiter).filter(Boolean), ...SYSTEM_DIRS]) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // Not here; the next directory.
    }
  }
  return undefined;
}

/** A loopback port that was free a moment ago (the program started on it may still lose a race: callers retry). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Program {
  child: ChildProcess;
  port: number;
  /** What it wrote (stdout and stderr), for a failure's message. */
  output(): string;
  /** SIGTERM, SIGKILL after STOP_TIMEOUT_MS; resolves when it has exited. */
  stop(): Promise<void>;
}

export interface RedisServer extends Program {
  url: string;
}

/** `redis-server` on 127.0.0.1 and a free port, in memory only (no RDB, no AOF), its files in `dir`. */
export async function startRedis(program: string, dir: string): Promise<RedisServer> {
  const started = await withFreePort((port) =>
    startProgram(program, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], port, /Ready to accept connections/),
  );
  return { ...started, url: `redis://127.0.0.1:${started.port}` };
}

export interface HaproxyOptions {
  /** The PaperChat servers, by name (what the cookie and the X-PaperChat-Server header say). */
  servers: { name: string; url: string }[];
  /** How often haproxy asks each server's readiness; once down, it is out until it answers again. */
  checkEveryMs: number;
}

export interface Haproxy extends Program {
  url: string;
}

/** `haproxy` in front of `servers` on 127.0.0.1 and a free port, its configuration written to `dir`. */
export async function startHaproxy(program: string, dir: string, options: HaproxyOptions): Promise<Haproxy> {
  const started = await withFreePort(async (port) => {
    const file = join(dir, `haproxy-${port}.cfg`);
    await writeFile(file, haproxyConfig(port, options));
    // -db: stay in the foreground; "Proxy paperchat started" (or no error) once it listens.
    return startProgram(program, ['-db', '-f', file], port, undefined);
  });
  return { ...started, url: `http://127.0.0.1:${started.port}` };
}

/**
 * docs/DEPLOY.md's configuration, on loopback and without TLS: round-robin; a cookie keeps a
 * browser's Socket.IO session (long-polling, then the upgrade) on one server; readiness checks
 * take a draining server out; a request a draining server refused with 503 (or a server that
 * is gone) is tried again on the other. The header names the server that answered.
 */
export function haproxyConfig(port: number, options: HaproxyOptions): string {
  const servers = options.servers.map(({ name, url }) => `    server ${name} ${new URL(url).host} check cookie ${name}`);
  return `global
    maxconn 4096

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h
    # A check slower than this fails; a busy machine answers readiness slower than the interval.
    timeout check 2s
    retries 2
    retry-on conn-failure empty-response response-timeout 503
    option redispatch
    # Retrying a POST needs its body kept: buffer it before choosing a server.
    option http-buffer-request

frontend paperchat
    bind 127.0.0.1:${port}
    default_backend paperchat

backend paperchat
    balance roundrobin
    cookie pcserver insert indirect nocache httponly
    option httpchk
    http-check send meth GET uri /api/health/ready ver HTTP/1.1 hdr Host localhost
    http-check expect status 200
    http-response set-header X-PaperChat-Server %s
    # Two failed checks take a server out (one slow answer on a busy machine must not), one brings it back.
    default-server inter ${options.checkEveryMs} fall 2 rise 1
${servers.join('\n')}
`;
}

/** Tries `start` on a free port, and on two more if another program took it first. */
async function withFreePort<T>(start: (port: number) => Promise<T>): Promise<T> {
  const attempts = 3;
  let failure: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await start(await freePort());
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}

/**
 * Spawns `program` and resolves once it prints `ready` (or, without a pattern, once `port`
 * accepts connections); rejects, with what it wrote, when it exits first or takes too long.
 */
function startProgram(program: string, args: string[], port: number, ready: RegExp | undefined): Promise<Program> {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (data) => (output += String(data)));
  child.stderr!.on('data', (data) => (output += String(data)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const handle: Program = { child, port, output: () => output, stop: () => stopChild(child, exited) };
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + START_TIMEOUT_MS;
    const fail = (why: string) => {
      child.kill('SIGKILL');
      reject(new Error(`${program} ${why}; it wrote:\n${output.slice(-2_000)}`));
    };
    const poll = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return fail(`exited (${child.signalCode ?? child.exitCode})`);
      if (ready ? ready.test(output) : await accepts(port)) return resolve(handle);
      if (Date.now() > deadline) return fail(`did not start within ${START_TIMEOUT_MS} ms`);
      setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
  });
}

function accepts(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) }).then(
    () => true,
    () => false,
  );
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const force = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  child.kill('SIGTERM');
  await exited;
  clearTimeout(force);
}
