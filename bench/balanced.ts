/**
 * The throughput run "two servers behind haproxy sharing Redis": Debian's redis-server, N
 * PaperChat servers (each as `npm start` runs it, over the workspace's one index) with
 * PAPERCHAT_REDIS_URL, and haproxy in front (scripts/balancer.ts, docs/DEPLOY.md's
 * configuration), all on this machine's loopback. The load generator talks to haproxy.
 *
 * The rate limit is on, with a budget no load here reaches: every question is counted in
 * Redis, as in a deployment, and none is refused. Memory and CPU are the whole stack's: the
 * servers' and, as "primary" (the part that only routes and shares), haproxy's and Redis's.
 */
import { mkdir } from 'node:fs/promises';
import { findProgram, startHaproxy, startRedis, type Program } from '../scripts/balancer.ts';
import { clockTicksPerSecond, cpuMilliseconds, residentBytes, startServer, type ServerProcess } from './server-process.ts';

export interface BalancedOptions {
  repo: string;
  /** The environment of every server (offline, over the workspace's index). */
  env: Record<string, string>;
  servers: number;
  /** PAPERCHAT_WORKERS of each server. */
  workers: number;
  /** Where haproxy's configuration and Redis's files go. */
  dir: string;
}

/** Questions per minute per client: far above what the load asks, so the count runs and never refuses. */
const UNREACHED_BUDGET = 1_000_000_000;
/** How often haproxy asks each server's readiness (docs/DEPLOY.md uses 2 s; nothing drains here). */
const CHECK_EVERY_MS = 1_000;

/** Why this run cannot happen here (a program is missing), or undefined. */
export function balancedUnavailable(): string | undefined {
  const missing = ['redis-server', 'haproxy'].filter((name) => !findProgram(name));
  return missing.length > 0 ? `${missing.join(' and ')} not installed (apt-get install -y redis-server haproxy)` : undefined;
}

/** Starts Redis, the servers and haproxy; the result looks like one server at haproxy's address. */
export async function startBalanced(options: BalancedOptions): Promise<ServerProcess> {
  const spawnedAt = performance.now();
  await mkdir(options.dir, { recursive: true });
  const redis = await startRedis(findProgram('redis-server')!, options.dir);
  const servers: ServerProcess[] = [];
  let haproxy: Program | undefined;
  try {
    const names = Array.from({ length: options.servers }, (_unused, i) => `server-${i + 1}`);
    for (const name of names) {
      const env = { ...options.env, PAPERCHAT_REDIS_URL: redis.url, PAPERCHAT_SERVER_NAME: name, PAPERCHAT_RATE_LIMIT: String(UNREACHED_BUDGET) };
      servers.push(await startServer({ repo: options.repo, env, workers: options.workers }));
    }
    const started = await startHaproxy(findProgram('haproxy')!, options.dir, { servers: servers.map((server, i) => ({ name: names[i]!, url: server.url })), checkEveryMs: CHECK_EVERY_MS });
    haproxy = started;
    return stack(started.url, spawnedAt, servers, [started, redis], await clockTicksPerSecond());
  } catch (error) {
    await Promise.all([...servers.map((server) => server.stop()), haproxy?.stop(), redis.stop()]);
    throw error;
  }
}

/** The servers and their helpers (haproxy, Redis) measured and stopped as one. */
function stack(url: string, spawnedAt: number, servers: ServerProcess[], helpers: Program[], ticksPerSecond: number): ServerProcess {
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const helperPids = helpers.map((helper) => helper.child.pid!);
  const helpersCpuMs = async () => sum(await Promise.all(helperPids.map(async (pid) => (await cpuMilliseconds(pid, ticksPerSecond)) ?? 0)));
  return {
    url,
    pid: servers[0]!.pid,
    listeningMs: performance.now() - spawnedAt,
    spawnedAt,
    rssBytes: async () => sum(await Promise.all([...servers.map((server) => server.rssBytes()), ...helperPids.map((pid) => residentBytes(pid).catch(() => 0))])),
    cpuMs: async () => sum(await Promise.all(servers.map(async (server) => (await server.cpuMs()) ?? 0))) + (await helpersCpuMs()),
    primaryCpuMs: helpersCpuMs,
    stop: async () => {
      await helpers[0]!.stop();
      await Promise.all(servers.map((server) => server.stop()));
      await Promise.all(helpers.slice(1).map((helper) => helper.stop()));
    },
  };
}
