/**
 * `npm run ingest`: turn the papers in the corpus directory into the index.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../lib/config.ts';
import { embedderChoice } from '../lib/embeddings/index.ts';
import { environment } from '../lib/env.ts';
import { releaseLockSync } from '../lib/index-store.ts';
import { buildIndex } from './build.ts';
import { describe, printable, progressPrinter } from './report.ts';
import { argumentError } from '../lib/cli-args.ts';

const HELP = `Usage: npm run ingest -- [options]

Parses the papers in the corpus directory (.pdf, .txt, .md), chunks them, embeds the chunks
and writes the hybrid index (hnswlib vectors + BM25). Re-running only redoes what changed.

Options:
  --corpus DIR   papers to ingest (default: $PAPERCHAT_CORPUS_DIR or ./corpus)
  --index DIR    where the index lives (default: $PAPERCHAT_INDEX_DIR or ./data/index)
  --rebuild      ignore the existing index: re-parse and re-embed everything
  --json         print the summary as one JSON object on stdout
  -h, --help     show this help

Embeddings: local LSA by default (offline); PAPERCHAT_EMBEDDINGS=openai with OPENAI_API_KEY
(and OPENAI_BASE_URL, OPENAI_EMBEDDING_MODEL) uses an OpenAI-compatible embeddings server.
Exit status: 0 when every file was ingested, 1 when any file failed, 2 on a usage or index error.`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        corpus: { type: 'string' },
        index: { type: 'string' },
        rebuild: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    process.stderr.write(`${argumentError('ingest', error)}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
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
    onProgress: progressPrinter(),
  });
  for (const failure of report.failed) {
    const kept = failure.keptPrevious ? ' (kept the previously indexed version)' : '';
    process.stderr.write(`ingest: ${printable(failure.file)}: ${printable(failure.reason)}${kept}\n`);
  }
  if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(`${describe(report)}\n`);
  return report.failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${error instanceof ConfigError || /^(index|ingest|embeddings):/.test(message) ? '' : 'ingest: '}${message.split('\n')[0]}\n`);
    process.exitCode = 2;
  },
);
