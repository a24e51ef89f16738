/**
 * `paperchat ingest` (`npm run ingest`): turn the papers in the corpus directory into the index.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../lib/config.ts';
import { embedderChoice } from '../lib/embeddings/index.ts';
import { environment } from '../lib/env.ts';
import { releaseLockSync } from '../lib/index-store.ts';
import { buildIndex } from './build.ts';
import { describe, printable, progressPrinter } from './report.ts';
import { argumentError, isEntryPoint, keepStdoutClean } from '../lib/cli-args.ts';

const OPTIONS = {
  corpus: { type: 'string' },
  index: { type: 'string' },
  rebuild: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const help = (invocation: string) => `Usage: ${invocation} [options]

Parses the papers in the corpus directory (.pdf, .txt, .md), chunks them, embeds the chunks
and writes the hybrid index (hnswlib vectors + BM25). Re-running only redoes what changed.

Options:
  --corpus DIR   papers to ingest (default: $PAPERCHAT_CORPUS_DIR or ./corpus)
  --index DIR    where the index lives (default: $PAPERCHAT_INDEX_DIR or ./data/index)
  --rebuild      ignore the existing index: re-parse and re-embed everything
  --json         print the summary as one JSON object on stdout (progress stays on stderr)
  -h, --help     show this help

Progress goes to stderr: a bar of files read and chunks embedded on a terminal (coloured
unless NO_COLOR is set), one plain line per step otherwise.

Embeddings: local LSA by default (offline); PAPERCHAT_EMBEDDINGS=openai with OPENAI_API_KEY
(and OPENAI_BASE_URL, OPENAI_EMBEDDING_MODEL) uses an OpenAI-compatible embeddings server.
Exit status: 0 when every file was ingested, 1 when any file failed, 2 on a usage or index error.`;

async function main(argv: string[], invocation: string): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    process.stderr.write(`${argumentError('ingest', error, OPTIONS)}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${help(invocation)}\n`);
    return 0;
  }
  if (args.json) keepStdoutClean();
  const config = loadConfig({
    ...environment(),
    ...(args.corpus ? { PAPERCHAT_CORPUS_DIR: args.corpus } : {}),
    ...(args.index ? { PAPERCHAT_INDEX_DIR: args.index } : {}),
  });
  // Stopped by SIGTERM or Ctrl-C, leave no lock behind (an index version is never half-current;
  // a staging folder left over goes with the next ingest).
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    process.once(signal, () => {
      releaseLockSync(config.indexDir);
      process.stderr.write(`\ningest: stopped (${signal})\n`);
      process.exit(code);
    });
  }
  const report = await buildIndex({
    corpusDir: config.corpusDir,
    indexDir: config.indexDir,
    rebuild: args.rebuild,
    maxFileBytes: config.maxFileBytes,
    embedder: embedderChoice(config),
    onProgress: progressPrinter(process.stderr, { color: config.color }),
  });
  for (const failure of report.failed) {
    const kept = failure.keptPrevious ? ' (kept the previously indexed version)' : '';
    process.stderr.write(`ingest: ${printable(failure.file)}: ${printable(failure.reason)}${kept}\n`);
  }
  for (const { file, passages } of report.flagged) {
    process.stderr.write(`ingest: warning: ${printable(file)}: ${passages} passage${passages === 1 ? '' : 's'} read${passages === 1 ? 's' : ''} as instructions to a language model (indexed, never quoted as an answer offline, marked as quoted data for a model)\n`);
  }
  if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(`${describe(report)}\n`);
  return report.failed.length > 0 ? 1 : 0;
}

/**
 * Runs ingest with these arguments (`invocation` is how help names the command) and resolves to
 * its exit status; any failure becomes one line on stderr.
 */
export async function run(argv: string[], invocation = 'npm run ingest --'): Promise<number> {
  try {
    return await main(argv, invocation);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // A progress bar may hold the line: clear it so the error is a line of its own.
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
    process.stderr.write(`${error instanceof ConfigError || /^(index|ingest|embeddings):/.test(message) ? '' : 'ingest: '}${message.split('\n')[0]}\n`);
    return 2;
  }
}

if (isEntryPoint(import.meta.url)) void run(process.argv.slice(2)).then((code) => (process.exitCode = code));
