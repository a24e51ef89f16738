/**
 * `paperchat serve` (`npm start`): the only place that reads the environment. Builds the index
 * on first start (or when the existing one cannot be used), then serves the chat page, the JSON
 * API and Socket.IO, watching for re-ingests: in one process (server/serve.ts) or, with
 * PAPERCHAT_WORKERS above 1 (the default on a machine with several cores), in a cluster of
 * workers behind one port (server/cluster.ts). SIGTERM drains before it exits (server/drain.ts).
 */
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { argumentError, isEntryPoint } from '../lib/cli-args.ts';
import { ConfigError, loadConfig } from '../lib/config.ts';
import { environment } from '../lib/env.ts';
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

Runs one worker process per core, sharing the port (PAPERCHAT_WORKERS=N to choose, 1 for a
single process). On SIGTERM or Ctrl-C it stops taking questions (503, /api/health/ready 503),
finishes those in flight (at most PAPERCHAT_DRAIN_TIMEOUT_MS, default 25 s), then exits.
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
  // Imported here, not above: a cluster's primary never loads the server itself, and --help
  // and a bad option are answered before anything heavy is read.
  if (config.server.workers > 1 && cluster.isPrimary) await (await import('./cluster.ts')).runPrimary(config, log);
  else await (await import('./serve.ts')).serve(config, log);
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
    else process.stderr.write(`${error instanceof ConfigError || /^(index|ingest|embeddings|model|server):/.test(message) ? '' : 'server: '}${message.split('\n')[0]}\n`);
    // A worker that cannot start must end: its IPC channel to the primary would keep it alive.
    if (cluster.isWorker) process.exit(1);
    return 1;
  }
}

if (isEntryPoint(import.meta.url)) {
  void run(process.argv.slice(2)).then((code) => {
    if (code !== undefined) process.exitCode = code;
  });
}
