/**
 * `npm start`: the only place that reads the environment and listens. Builds the index on
 * first start (or when the existing one cannot be used), then serves the chat page, the JSON
 * API and Socket.IO, watching for re-ingests.
 */
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from '../lib/config.ts';
import { environment } from '../lib/env.ts';
import { embedderChoice } from '../lib/embeddings/index.ts';
import { IndexError } from '../lib/index-store.ts';
import { buildIndex } from '../ingest/build.ts';
import { describe, progressPrinter } from '../ingest/report.ts';
import { createApp } from './app.ts';
import { Engine } from './engine.ts';
import { createLogger } from './log.ts';

async function main(): Promise<void> {
  const config = loadConfig(environment());
  const log = createLogger(config.server.log);
  const events = {
    onReload: (version: string) => log.info('index reloaded', { version }),
    onReloadError: (error: Error) => log.error('index reload failed; still serving the previous index', { error: error.message }),
  };
  let engine: Engine;
  try {
    engine = await Engine.open(config, events);
  } catch (error) {
    if (!(error instanceof IndexError)) throw error;
    process.stderr.write(`${error.message.split(';')[0]}: building it now\n`);
    const report = await buildIndex({
      corpusDir: config.corpusDir,
      indexDir: config.indexDir,
      rebuild: !/no index/.test(error.message),
      maxFileBytes: config.maxFileBytes,
      embedder: embedderChoice(config),
      onProgress: progressPrinter(),
    });
    for (const failure of report.failed) process.stderr.write(`ingest: ${failure.file}: ${failure.reason}\n`);
    process.stderr.write(`${describe(report)}\n`);
    engine = await Engine.open(config, events);
  }
  engine.watch();
  const app = createApp({ config, engine, log });
  await new Promise<void>((resolve, reject) => {
    app.httpServer.once('error', reject);
    app.httpServer.listen(config.server.port, config.server.host, () => resolve());
  });
  const address = app.httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const mode = engine.answerer.mode === 'llm' ? `LLM answers with ${engine.answerer.model}` : 'offline (extractive) answers';
  process.stderr.write(`PaperChat is serving ${engine.library.index.manifest.counts.papers} paper(s), ${mode}, at http://${host}:${address.port}/\n`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info('shutting down', { signal });
    const force = setTimeout(() => process.exit(0), 5_000);
    force.unref();
    void app.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') process.stderr.write('server: the port is already in use; set PORT to another port\n');
  else if (code === 'EACCES') process.stderr.write('server: permission denied to listen on that port; set PORT above 1024\n');
  else process.stderr.write(`${error instanceof ConfigError || /^(index|ingest|embeddings):/.test(message) ? '' : 'server: '}${message.split('\n')[0]}\n`);
  process.exitCode = 1;
});
