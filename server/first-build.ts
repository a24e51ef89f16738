/**
 * The index a server needs before it can serve: a cheap look at the one on disk, and the build
 * from the corpus when there is none (or it cannot be used), with `npm run ingest`'s progress
 * on stderr. Loaded only when the server starts, by the single process or by a cluster's
 * primary, which builds once for all its workers.
 */
import type { Config } from '../lib/config.ts';
import { currentVersion, readManifest, SCHEMA_VERSION } from '../lib/index-store.ts';

/**
 * Why the index on disk cannot be served, in the words of `loadIndex`'s errors, or undefined
 * when it looks servable. Reads only CURRENT and the manifest: a cluster's primary never loads
 * the index itself, and a worker that finds it broken after all fails its start.
 */
export async function indexProblem(indexDir: string): Promise<string | undefined> {
  if (!(await currentVersion(indexDir))) return `index: no index in ${indexDir}; run \`npm run ingest\` first`;
  try {
    const manifest = await readManifest(indexDir);
    if (manifest?.schemaVersion !== SCHEMA_VERSION) return `index: ${indexDir} has schema v${manifest?.schemaVersion}, this PaperChat reads v${SCHEMA_VERSION}; run \`npm run ingest -- --rebuild\``;
  } catch (error) {
    return `index: cannot read the manifest in ${indexDir} (${(error as Error).message}); run \`npm run ingest -- --rebuild\``;
  }
  return undefined;
}

/** Builds the index because of `problem` (an `IndexError` message): from scratch unless there was none. */
export async function buildAtStart(config: Config, problem: string): Promise<void> {
  process.stderr.write(`${problem.split(';')[0]}: building it now\n`);
  // Only now: a cluster's primary with an index in place never loads the ingest pipeline.
  const [{ buildIndex }, { describe, progressPrinter }, { embedderChoice }] = await Promise.all([
    import('../ingest/build.ts'),
    import('../ingest/report.ts'),
    import('../lib/embeddings/index.ts'),
  ]);
  const report = await buildIndex({
    corpusDir: config.corpusDir,
    indexDir: config.indexDir,
    rebuild: !/no index/.test(problem),
    maxFileBytes: config.maxFileBytes,
    embedder: embedderChoice(config),
    onProgress: progressPrinter(process.stderr, { color: config.color }),
  });
  for (const failure of report.failed) process.stderr.write(`ingest: ${failure.file}: ${failure.reason}\n`);
  process.stderr.write(`${describe(report)}\n`);
}
