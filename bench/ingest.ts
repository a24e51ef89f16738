/**
 * Ingestion: the review from scratch (parse, chunk, fit the embedder, embed, index, write)
 * into an empty index directory, and an unchanged re-ingest of that index (hash check only).
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { buildIndex, embeddingText, type BuildOptions, type ProgressEvent } from '../ingest/build.ts';
import { DEFAULT_CHUNKING } from '../ingest/chunk.ts';
import { formatOf, loadSource } from '../ingest/load.ts';
import { parsePaper } from '../ingest/parse/paper.ts';
import { DEFAULT_LSA, fitLsa } from '../lib/embeddings/lsa.ts';
import type { Chunk } from '../lib/types.ts';
import type { Progress } from './progress.ts';
import { summarize, type Summary } from './stats.ts';
import type { Workspace } from './workspace.ts';

export interface IngestResult {
  chunks: number;
  /** Wall time of a build into an empty directory. */
  scratchMs: Summary;
  /**
   * Where a from-scratch build spends its time, from the build's own progress events:
   * prepare = scan, read, parse, chunk and fit the LSA model; embed; index = HNSW + BM25; write.
   */
  phasesMs: Record<'prepare' | 'embed' | 'index' | 'write', Summary>;
  /** The two parts of "prepare", timed alone: read + parse + chunk, and fitting the LSA model. */
  componentsMs: Record<'parse' | 'fitLsa', Summary>;
  chunksPerSecond: Summary;
  /** Wall time of a second build over an unchanged corpus. */
  unchangedMs: Summary;
}

type Phase = keyof IngestResult['phasesMs'];

export async function benchIngest(workspace: Workspace, runs: number, progress: Progress): Promise<IngestResult> {
  const scratch: number[] = [];
  const unchanged: number[] = [];
  const perSecond: number[] = [];
  const phases: Record<Phase, number[]> = { prepare: [], embed: [], index: [], write: [] };
  const components = { parse: [] as number[], fitLsa: [] as number[] };
  let chunks = 0;
  for (let run = 1; run <= runs; run++) {
    const indexDir = workspace.scratch('ingest');
    const options: BuildOptions = {
      corpusDir: workspace.corpusDir,
      indexDir,
      maxFileBytes: workspace.config.maxFileBytes,
      embedder: { kind: 'local' },
    };
    try {
      const marks = new PhaseClock();
      const started = performance.now();
      const report = await buildIndex({ ...options, onProgress: (event) => marks.mark(event) });
      const ms = performance.now() - started;
      if (report.failed.length > 0 || report.chunks === 0) throw new Error(`bench: ingest failed (${report.failed.map((failure) => failure.reason).join('; ')})`);
      chunks = report.chunks;
      scratch.push(ms);
      perSecond.push(report.chunks / (ms / 1000));
      for (const [phase, value] of Object.entries(marks.durations(started, started + ms))) phases[phase as Phase].push(value);

      const again = performance.now();
      const second = await buildIndex(options);
      unchanged.push(performance.now() - again);
      if (second.version !== undefined || second.reused !== second.chunks) throw new Error('bench: an unchanged re-ingest rebuilt the index');
      const parts = await timeComponents(workspace);
      components.parse.push(parts.parse);
      components.fitLsa.push(parts.fitLsa);
      progress.say('ingest', `run ${run}/${runs}: from scratch ${(ms / 1000).toFixed(2)} s (${report.chunks} chunks), unchanged ${unchanged.at(-1)!.toFixed(0)} ms`);
    } finally {
      await rm(indexDir, { recursive: true, force: true });
    }
  }
  return {
    chunks,
    scratchMs: summarize(scratch),
    phasesMs: {
      prepare: summarize(phases.prepare),
      embed: summarize(phases.embed),
      index: summarize(phases.index),
      write: summarize(phases.write),
    },
    componentsMs: { parse: summarize(components.parse), fitLsa: summarize(components.fitLsa) },
    chunksPerSecond: summarize(perSecond),
    unchangedMs: summarize(unchanged),
  };
}

/** Read + parse + chunk every corpus file, then fit the LSA model on the chunks, as ingest does. */
async function timeComponents(workspace: Workspace): Promise<{ parse: number; fitLsa: number }> {
  const files = (await readdir(workspace.corpusDir)).filter((name) => formatOf(name) !== undefined && !/^readme/i.test(name)).sort();
  let started = performance.now();
  const chunks: Chunk[] = [];
  for (const name of files) {
    const text = await loadSource(join(workspace.corpusDir, name), { maxBytes: workspace.config.maxFileBytes });
    chunks.push(...parsePaper(text, { docId: name, source: name, chunking: DEFAULT_CHUNKING }).chunks);
  }
  const parse = performance.now() - started;
  started = performance.now();
  fitLsa(chunks.map(embeddingText), DEFAULT_LSA);
  return { parse, fitLsa: performance.now() - started };
}

/** Turns the build's progress events into phase durations. */
class PhaseClock {
  private firstEmbed?: number;
  private index?: number;
  private write?: number;

  mark(event: ProgressEvent): void {
    const now = performance.now();
    if (event.phase === 'embed') this.firstEmbed ??= now;
    else if (event.phase === 'index') this.index = now;
    else if (event.phase === 'write') this.write = now;
  }

  durations(started: number, ended: number): Record<Phase, number> {
    const embed = this.firstEmbed ?? started;
    const index = this.index ?? embed;
    const write = this.write ?? index;
    return { prepare: embed - started, embed: index - embed, index: write - index, write: ended - write };
  }
}
