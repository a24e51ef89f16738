/**
 * Ingestion: the review from scratch (parse, chunk, fit the embedder, embed, index, write)
 * into an empty index directory, and an unchanged re-ingest of that index (hash check only).
 */
import { rm } from 'node:fs/promises';
import { buildIndex, type BuildOptions, type ProgressEvent } from '../ingest/build.ts';
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
    chunksPerSecond: summarize(perSecond),
    unchangedMs: summarize(unchanged),
  };
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
