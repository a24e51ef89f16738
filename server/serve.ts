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
  drainOnSignal(app, redis, config, log);
  if (worker !== undefined) {
    joinCluster(app.io, app.httpServer, describeServing(engine), { sharedRedis: redis !== undefined });
    return;
  }
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
 * SIGTERM or Ctrl-C: drain (refuse new questions, finish those in flight within the drain
 * time-out), close, exit 0. A second signal changes nothing; a close that hangs is cut short.
 */
function drainOnSignal(app: App, redis: SharedRedis | undefined, config: Config, log: Logger): void {
  const worker = cluster.isWorker ? { worker: cluster.worker!.id } : {};
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log.info('shutting down', { signal, ...worker });
    setTimeout(() => process.exit(0), config.server.drainTimeoutMs + 5_000).unref();
    void app.drain(config.server.drainTimeoutMs).then(async (outcome) => {
      if (outcome.finished) log.info('drained', { ms: outcome.ms, ...worker });
      else log.error('drain timed out; answers still in flight were cut', { cut: outcome.cut, ms: outcome.ms, ...worker });
      await redis?.close();
      process.exit(0);
    });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
