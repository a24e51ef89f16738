/**
 * `paperchat serve` (`npm start`): the only place that reads the environment and listens. Builds
 * the index on first start (or when the existing one cannot be used), then serves the chat page,
 * the JSON API and Socket.IO, watching for re-ingests.
 */
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { argumentError, isEntryPoint } from '../lib/cli-args.ts';
import { ConfigError, loadConfig } from '../lib/config.ts';
import { environment } from '../lib/env.ts';
import { embedderChoice } from '../lib/embeddings/index.ts';
import { IndexError } from '../lib/index-store.ts';
import { buildIndex } from '../ingest/build.ts';
import { describe, progressPrinter } from '../ingest/report.ts';
import { createApp } from './app.ts';
import { Engine } from './engine.ts';
import { createLogger } from './log.ts';

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  corpus: { type: 'string' },
  index: { type: 'string' },
  offline: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const help = (invocation: string) => `Usage: ${invocation} [options]

Serves the chat page, the JSON API, the OpenAI-compatible API (/v1) and Socket.IO. Builds the
index from the corpus first when there is none (or it cannot be used), and picks up a re-ingest
by itself. Answers offline (extractive) by default; with OPENAI_API_KEY set, an
OpenAI-compatible LLM writes them (OPENAI_BASE_URL, OPENAI_MODEL; PAPERCHAT_LLM=off to stay offline).

Options:
  --port N       the port (default: $PORT or 3000; 0 picks a free one)
  --host HOST    the address to listen on (default: $HOST or 127.0.0.1)
  --corpus DIR   papers to ingest when there is no index
                 (default: $PAPERCHAT_CORPUS_DIR or ./corpus)
  --index DIR    the index directory (default: $PAPERCHAT_INDEX_DIR or ./data/index)
  --offline      answer extractively even when an LLM is configured
  -h, --help     show this help

Request logs are JSON lines on stdout (PAPERCHAT_LOG=silent turns them off); messages go to stderr.
Exit status: 0 after SIGTERM or Ctrl-C, 1 when it cannot start, 2 on a usage error.`;

/** The command line as settings over the environment's, or the exit status when it ends here. */
function readArguments(argv: string[], invocation: string): Record<string, string> | number {
  let values;
  try {
    values = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false }).values;
  } catch (error) {
    process.stderr.write(`${argumentError('serve', error, OPTIONS)}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${help(invocation)}\n`);
    return 0;
  }
  if (values.port !== undefined && !/^\d+$/.test(values.port)) {
    process.stderr.write(`serve: --port must be a port number from 0 to 65535, got "${values.port}"\n`);
    return 2;
  }
  return {
    ...(values.port !== undefined ? { PORT: values.port } : {}),
    ...(values.host ? { HOST: values.host } : {}),
    ...(values.corpus ? { PAPERCHAT_CORPUS_DIR: values.corpus } : {}),
    ...(values.index ? { PAPERCHAT_INDEX_DIR: values.index } : {}),
    // --offline is PAPERCHAT_LLM=off: then the configuration holds no LLM for the engine to build.
    ...(values.offline ? { PAPERCHAT_LLM: 'off' } : {}),
  };
}

async function main(argv: string[], invocation: string): Promise<number | undefined> {
  const settings = readArguments(argv, invocation);
  if (typeof settings === 'number') return settings;
  const config = loadConfig({ ...environment(), ...settings });
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
      onProgress: progressPrinter(process.stderr, { color: config.color }),
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
  return undefined;
}

/**
 * Runs the server with these arguments (`invocation` is how help names the command). Resolves
 * to an exit status when it stops at once (help, bad arguments, a failed start); to undefined
 * once it is serving: a signal ends the process.
 */
export async function run(argv: string[], invocation = 'npm start --'): Promise<number | undefined> {
  try {
    return await main(argv, invocation);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') process.stderr.write('server: the port is already in use; set PORT (or --port) to another port\n');
    else if (code === 'EACCES') process.stderr.write('server: permission denied to listen on that port; set PORT (or --port) above 1024\n');
    else process.stderr.write(`${error instanceof ConfigError || /^(index|ingest|embeddings|model):/.test(message) ? '' : 'server: '}${message.split('\n')[0]}\n`);
    return 1;
  }
}

if (isEntryPoint(import.meta.url)) {
  void run(process.argv.slice(2)).then((code) => {
    if (code !== undefined) process.exitCode = code;
  });
}
