/**
 * Scaling the vector index: synthetic corpora of 10×, 100× and 1,000× the review's chunk
 * count (synthetic.ts), embedded with the review's LSA model. For each: hnswlib build time
 * (lib/index-store.ts `buildHnsw`, as ingest builds it), its size on disk, query latency of
 * HNSW against brute force over the same vectors, and recall@10 of HNSW against brute force.
 *
 * The queries are the eval questions, embedded as the retriever embeds them. efSearch is
 * swept upwards until recall@10 ≥ the target; the smallest such value is reported with its
 * latency, next to the default efSearch's.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { embeddingText } from '../ingest/build.ts';
import { buildHnsw, DEFAULT_HNSW, hnswFor, type Hnsw } from '../lib/index-store.ts';
import { LsaEmbedder } from '../lib/embeddings/lsa.ts';
import { openLibrary } from '../server/rag/setup.ts';
import type { Progress } from './progress.ts';
import type { EvalQuestion } from './questions.ts';
import { ratio, summarize, type Summary } from './stats.ts';
import { SyntheticCorpus } from './synthetic.ts';
import { bruteForceSearch, cosine, norms, recallAtK, type Neighbors, type VectorSet } from './vector-search.ts';
import type { Workspace } from './workspace.ts';

export interface HnswBuildPlan {
  M: number;
  efConstruction: number;
}

export interface ScalingLevelPlan {
  factor: number;
  /** Each is built and measured; the first is the one the level is reported with. */
  builds: HnswBuildPlan[];
}

export interface ScalingPlan {
  levels: ScalingLevelPlan[];
  k: number;
  recallTarget: number;
  efSearchCandidates: number[];
  /** Timed passes over the queries at the chosen efSearch. */
  latencyPasses: number;
}

export interface EfSearchPoint {
  efSearch: number;
  recall: number;
  medianMs: number;
}

export interface HnswBuildResult extends HnswBuildPlan {
  buildMs: number;
  /** hnsw.bin as written by hnswlib. */
  indexBytes: number;
  sweep: EfSearchPoint[];
  /** The smallest efSearch reaching the recall target, or undefined when none did. */
  chosen?: { efSearch: number; recall: number; latencyMs: Summary; speedupOverBruteForce: number };
  /** The product's default efSearch, for reference. */
  atDefault: { efSearch: number; recall: number; latencyMs: Summary; speedupOverBruteForce: number };
}

export interface ScalingLevelResult {
  factor: number;
  passages: number;
  dimensions: number;
  /** Generating and embedding the passages added at this level (earlier ones are reused). */
  generateAndEmbedMs: number;
  /** vectors.f32: passages × dimensions × 4 bytes. */
  vectorBytes: number;
  bruteForceMs: Summary;
  builds: HnswBuildResult[];
}

export interface ScalingResult {
  sourcePassages: number;
  queries: number;
  k: number;
  recallTarget: number;
  levels: ScalingLevelResult[];
}

export async function benchScaling(workspace: Workspace, questions: readonly EvalQuestion[], plan: ScalingPlan, progress: Progress): Promise<ScalingResult> {
  const library = await openLibrary(workspace.config);
  const lsa = library.index.lsa;
  if (!lsa) throw new Error('bench: the review index has no LSA model (was it built with local embeddings?)');
  const embedder = new LsaEmbedder(lsa);
  const dimensions = embedder.dimensions;
  const corpus = new SyntheticCorpus(library.index.chunks.map(embeddingText));
  const queries = questions.map((question) => {
    const analyzed = library.analyze(question.question, question.history ?? []);
    // As the retriever embeds a question (server/rag/retrieve.ts, dense()).
    const expansions = analyzed.glossaryHits.map((entry) => `${entry.short} ${entry.long}`).join(' ');
    return embedder.embed(`${analyzed.searchText} ${expansions}`.trim());
  });

  const largest = Math.max(...plan.levels.map((level) => level.factor)) * corpus.sourceCount;
  const vectors = new Float32Array(largest * dimensions);
  let embedded = 0;
  const levels: ScalingLevelResult[] = [];
  for (const level of [...plan.levels].sort((a, b) => a.factor - b.factor)) {
    const count = level.factor * corpus.sourceCount;
    progress.say('scaling', `${level.factor}×: generating and embedding ${count.toLocaleString('en')} passages`);
    const started = performance.now();
    for (; embedded < count; embedded++) {
      vectors.set(embedder.embed(corpus.passage(embedded)), embedded * dimensions);
      if (embedded > 0 && embedded % 100_000 === 0) progress.say('scaling', `${level.factor}×: ${embedded.toLocaleString('en')} passages embedded`);
    }
    const generateAndEmbedMs = performance.now() - started;

    const set: VectorSet = { vectors: vectors.subarray(0, count * dimensions), dimensions, count };
    const setNorms = norms(set);
    const queryVectors = queries.map((query) => Float32Array.from(query));
    bruteForceSearch(set, setNorms, queryVectors[0]!, plan.k); // warm-up, not timed
    const bruteMs: number[] = [];
    const exact: Neighbors[] = queryVectors.map((query) => {
      const searchStarted = performance.now();
      const found = bruteForceSearch(set, setNorms, query, plan.k);
      bruteMs.push(performance.now() - searchStarted);
      return found;
    });
    const bruteForceMs = summarize(bruteMs);
    progress.say('scaling', `${level.factor}×: brute force ${bruteForceMs.median.toFixed(2)} ms per query (median)`);

    const builds: HnswBuildResult[] = [];
    for (const build of level.builds) {
      progress.say('scaling', `${level.factor}×: building HNSW (M ${build.M}, efConstruction ${build.efConstruction})`);
      const buildStarted = performance.now();
      const hnsw = buildHnsw(set.vectors, dimensions, { ...DEFAULT_HNSW, M: build.M, efConstruction: build.efConstruction });
      const buildMs = performance.now() - buildStarted;
      const indexBytes = await sizeOnDisk(hnsw, workspace.scratch('hnsw'));
      const measured = measureHnsw(hnsw, { set, norms: setNorms, queries, queryVectors, exact, bruteMedianMs: bruteForceMs.median }, plan);
      builds.push({ ...build, buildMs, indexBytes, ...measured });
      progress.say(
        'scaling',
        `${level.factor}×: built in ${(buildMs / 1000).toFixed(1)} s; ` +
          (measured.chosen
            ? `recall@${plan.k} ${measured.chosen.recall.toFixed(3)} at efSearch ${measured.chosen.efSearch}, ${measured.chosen.latencyMs.median.toFixed(3)} ms per query`
            : `recall@${plan.k} stayed below ${plan.recallTarget} (best ${Math.max(...measured.sweep.map((point) => point.recall)).toFixed(3)})`),
      );
    }
    levels.push({ factor: level.factor, passages: count, dimensions, generateAndEmbedMs, vectorBytes: count * dimensions * 4, bruteForceMs, builds });
  }
  return { sourcePassages: corpus.sourceCount, queries: queries.length, k: plan.k, recallTarget: plan.recallTarget, levels };
}

interface Truth {
  set: VectorSet;
  norms: Float32Array;
  /** As hnswlib wants them: plain arrays. */
  queries: number[][];
  queryVectors: Float32Array[];
  exact: Neighbors[];
  bruteMedianMs: number;
}

function measureHnsw(hnsw: Hnsw, truth: Truth, plan: ScalingPlan): Pick<HnswBuildResult, 'sweep' | 'chosen' | 'atDefault'> {
  const run = (efSearch: number) => {
    hnsw.setEf(efSearch);
    const latencies: number[] = [];
    let recall = 0;
    truth.queries.forEach((query, q) => {
      const started = performance.now();
      const { neighbors } = hnsw.searchKnn(query, plan.k);
      latencies.push(performance.now() - started);
      recall += recallAtK(truth.exact[q]!, neighbors, (position) => cosine(truth.set, truth.norms, position, truth.queryVectors[q]!), plan.k);
    });
    return { recall: recall / truth.queries.length, latencies };
  };
  const timed = (efSearch: number) => {
    const first = run(efSearch);
    const latencies = [...first.latencies];
    for (let pass = 1; pass < plan.latencyPasses; pass++) latencies.push(...run(efSearch).latencies);
    const latencyMs = summarize(latencies);
    return { efSearch, recall: first.recall, latencyMs, speedupOverBruteForce: ratio(truth.bruteMedianMs, latencyMs.median) };
  };
  const sweep: EfSearchPoint[] = [];
  let chosenEf: number | undefined;
  for (const efSearch of plan.efSearchCandidates) {
    const { recall, latencies } = run(efSearch);
    sweep.push({ efSearch, recall, medianMs: summarize(latencies).median });
    if (recall >= plan.recallTarget) {
      chosenEf = efSearch;
      break;
    }
  }
  return {
    sweep,
    ...(chosenEf !== undefined ? { chosen: timed(chosenEf) } : {}),
    atDefault: timed(hnswFor(truth.set.count).efSearch),
  };
}

async function sizeOnDisk(hnsw: Hnsw, dir: string): Promise<number> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'hnsw.bin');
  try {
    await hnsw.writeIndex(path);
    return (await stat(path)).size;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
