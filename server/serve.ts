/**
 * One serving process: the whole server on its own (PAPERCHAT_WORKERS=1), or one worker of a
 * cluster (server/cluster.ts), which does not listen itself: the primary hands it connections.
 * Either way it opens the engine, serves, watches for re-ingests and drains on SIGTERM.
 */
import cluster from 'node:cluster';
import type { Config } from '../lib/config.ts';
import { IndexError } from '../lib/index-store.ts';
import { createApp, type App } from './app.ts';
import { joinCluster } from './cluster.ts';
import type { ShutdownSteps } from './drain.ts';
import { Engine } from './engine.ts';
import { listen, urlOf } from './listen.ts';
import type { Logger } from './log.ts';
import { connectRedis, type SharedRedis } from './redis.ts';

/** Serves until a signal ends the process; throws when it cannot start. */
export async function serve(config: Config, log: Logger): Promise<void> {
  const worker = cluster.isWorker ? cluster.worker!.id : undefined;
  const engine = await openEngine(config, log, worker === undefined);
  engine.watch();
  const redis = config.server.redisUrl ? await connectRedis(config.server.redisUrl, log, worker !== undefined ? { worker } : {}) : undefined;
  const app = createApp({ config, engine, log, ...(redis ? { redis } : {}) });
  const shutdown = shutdownSteps(app, redis, config, log);
  if (worker !== undefined) {
    // The primary says when to take each step, so that the workers drain in step (server/cluster.ts);
    // a signal reaching a worker as well (a terminal's Ctrl-C reaches them all) must not end it alone.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => {});
    joinCluster(app.io, app.httpServer, describeServing(engine), { sharedRedis: redis !== undefined, shutdown });
    return;
  }
  drainOnSignal(shutdown);
  await listen(app.httpServer, config.server.port, config.server.host);
  process.stderr.write(`PaperChat is serving ${describeServing(engine)}, at ${urlOf(app.httpServer)}/\n`);
}

/** "2 paper(s), offline (extractive) answers": what the start-up line says is served. */
function describeServing(engine: Engine): string {
  const mode = engine.answerer.mode === 'llm' ? `LLM answers with ${engine.answerer.model}` : 'offline (extractive) answers';
  return `${engine.library.index.manifest.counts.papers} paper(s), ${mode}`;
}

/** The engine over the current index; alone, the server builds the index first when it cannot be used. */
async function openEngine(config: Config, log: Logger, buildIfNeeded: boolean): Promise<Engine> {
  const worker = cluster.isWorker ? { worker: cluster.worker!.id } : {};
  const events = {
    onReload: (version: string) => log.info('index reloaded', { version, ...worker }),
    onReloadError: (error: Error) => log.error('index reload failed; still serving the previous index', { error: error.message, ...worker }),
  };
  try {
    return await Engine.open(config, events);
  } catch (error) {
    // A worker's index was checked (and built if needed) by the primary: failing here is final.
    if (!(error instanceof IndexError) || !buildIfNeeded) throw error;
    const { buildAtStart } = await import('./first-build.ts');
    await buildAtStart(config, error.message);
    return Engine.open(config, events);
  }
}

/**
 * The shutdown's steps and their log lines: refuse new questions, let those in flight finish
 * within the drain time-out, close, exit 0. A close that hangs is cut short.
 */
function shutdownSteps(app: App, redis: SharedRedis | undefined, config: Config, log: Logger): ShutdownSteps {
  const worker = cluster.isWorker ? { worker: cluster.worker!.id } : {};
  return {
    refuse: async (signal) => {
      log.info('shutting down', { signal, ...worker });
      setTimeout(() => process.exit(0), config.server.drainTimeoutMs + 5_000).unref();
      app.drain.refuse();
      const outcome = await app.drain.settle(config.server.drainTimeoutMs);
      if (outcome.finished) log.info('drained', { ms: outcome.ms, ...worker });
      else log.error('drain timed out; answers still in flight were cut', { cut: outcome.cut, ms: outcome.ms, ...worker });
    },
    announce: () => app.drain.announce(),
    exit: async () => {
      await app.close();
      await redis?.close();
      process.exit(0);
    },
  };
}

/**
 * Alone, SIGTERM or Ctrl-C takes the steps back to back: refusing and saying so at once (no
 * sibling to wait for). A second signal changes nothing.
 */
function drainOnSignal(shutdown: ShutdownSteps): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    const settled = shutdown.refuse(signal);
    shutdown.announce();
    void settled.then(() => shutdown.exit());
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
