/**
 * The offline embedder: latent semantic analysis. TF-IDF vectors of the corpus's own search
 * terms, projected on their top singular vectors, so passages that share vocabulary patterns
 * land near each other even without shared words. Needs nothing downloaded; it is fitted at
 * ingest and saved with the index.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { searchTerms } from '../text.ts';
import type { Embedder } from '../types.ts';

export interface LsaOptions {
  /** Target dimensions; fewer when the corpus has fewer independent passages. */
  dimensions: number;
  /** Fit on at most this many passages (evenly sampled); the rest are folded in. */
  maxFitDocuments: number;
}

export const DEFAULT_LSA: LsaOptions = { dimensions: 256, maxFitDocuments: 2_000 };

export interface LsaModel {
  terms: string[];
  idf: Float32Array;
  /** terms × dimensions, row-major: the right singular vectors. */
  projection: Float32Array;
  dimensions: number;
}

type SparseVector = Map<number, number>;

/** Fits an LSA model on `texts`. Deterministic: the same texts give the same model. */
export function fitLsa(texts: string[], options: LsaOptions = DEFAULT_LSA): LsaModel {
  const sample = evenSample(texts, options.maxFitDocuments);
  const termIndex = new Map<string, number>();
  const documentFrequency: number[] = [];
  const counts = sample.map((text) => {
    const tf = new Map<number, number>();
    for (const term of searchTerms(text)) {
      let index = termIndex.get(term);
      if (index === undefined) {
        index = termIndex.size;
        termIndex.set(term, index);
        documentFrequency.push(0);
      }
      tf.set(index, (tf.get(index) ?? 0) + 1);
    }
    for (const index of tf.keys()) documentFrequency[index]!++;
    return tf;
  });
  const n = sample.length;
  const idf = Float32Array.from(documentFrequency, (df) => Math.log((n + 1) / (df + 1)) + 1);
  const rows = counts.map((tf) => weigh(tf, idf));

  // Eigen-decompose the small passage × passage Gram matrix instead of the wide term matrix.
  const gram = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const value = dot(rows[i]!, rows[j]!);
      gram.set(i, j, value);
      gram.set(j, i, value);
    }
  }
  const eigen = new EigenvalueDecomposition(gram, { assumeSymmetric: true });
  const order = eigen.realEigenvalues.map((value, index) => ({ value, index })).sort((a, b) => b.value - a.value);
  const kept = order.filter((entry) => entry.value > 1e-8).slice(0, options.dimensions);
  const dimensions = Math.max(1, kept.length);
  const vectors = eigen.eigenvectorMatrix;

  // V = Xᵀ U Σ⁻¹, accumulated over the sparse rows.
  const projection = new Float32Array(termIndex.size * dimensions);
  kept.forEach((entry, k) => {
    const inverseSigma = 1 / Math.sqrt(entry.value);
    for (let d = 0; d < n; d++) {
      const u = vectors.get(d, entry.index) * inverseSigma;
      if (u === 0) continue;
      for (const [term, weight] of rows[d]!) projection[term * dimensions + k]! += weight * u;
    }
  });
  // Eigenvector signs are arbitrary; fix them so refits of the same corpus agree bit for bit.
  for (let k = 0; k < dimensions; k++) {
    let largest = 0;
    for (let t = 0; t < termIndex.size; t++) {
      const value = projection[t * dimensions + k]!;
      if (Math.abs(value) > Math.abs(largest)) largest = value;
    }
    if (largest < 0) for (let t = 0; t < termIndex.size; t++) projection[t * dimensions + k] = -projection[t * dimensions + k]!;
  }
  return { terms: [...termIndex.keys()], idf, projection, dimensions };
}

function evenSample<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)]!);
}

function weigh(tf: Map<number, number>, idf: Float32Array): SparseVector {
  const vector: SparseVector = new Map();
  let norm = 0;
  for (const [term, count] of tf) {
    const weight = (1 + Math.log(count)) * idf[term]!;
    vector.set(term, weight);
    norm += weight * weight;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [term, weight] of vector) vector.set(term, weight / norm);
  return vector;
}

function dot(a: SparseVector, b: SparseVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [term, weight] of small) {
    const other = large.get(term);
    if (other !== undefined) sum += weight * other;
  }
  return sum;
}

/** Embeds texts with a fitted model; implements the `Embedder` seam. */
export class LsaEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  private readonly termIndex: Map<string, number>;

  constructor(private readonly model: LsaModel) {
    this.dimensions = model.dimensions;
    this.termIndex = new Map(model.terms.map((term, index) => [term, index]));
    const hash = createHash('sha256')
      .update(model.terms.join('\u0000'))
      .update(new Uint8Array(model.projection.buffer, model.projection.byteOffset, model.projection.byteLength))
      .digest('hex')
      .slice(0, 12);
    this.id = `lsa-${model.dimensions}d-${hash}`;
  }

  embed(text: string): number[] {
    const tf = new Map<number, number>();
    for (const term of searchTerms(text)) {
      const index = this.termIndex.get(term);
      if (index !== undefined) tf.set(index, (tf.get(index) ?? 0) + 1);
    }
    const k = this.dimensions;
    const vector = new Array<number>(k).fill(0);
    for (const [term, weight] of weigh(tf, this.model.idf)) {
      const offset = term * k;
      for (let d = 0; d < k; d++) vector[d]! += weight * this.model.projection[offset + d]!;
    }
    const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
    // An all-zero vector (no known terms) would be undefined under cosine; nudge it.
    if (norm === 0) vector[0] = 1e-6;
    else for (let d = 0; d < k; d++) vector[d] = vector[d]! / norm;
    return vector;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((text) => this.embed(text));
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.embed(text);
  }
}

const MODEL_JSON = 'lsa.json';
const MODEL_BIN = 'lsa.f32';

export async function saveLsa(dir: string, model: LsaModel): Promise<void> {
  await writeFile(join(dir, MODEL_JSON), JSON.stringify({ dimensions: model.dimensions, terms: model.terms }));
  const bytes = new Float32Array(model.idf.length + model.projection.length);
  bytes.set(model.idf, 0);
  bytes.set(model.projection, model.idf.length);
  await writeFile(join(dir, MODEL_BIN), new Uint8Array(bytes.buffer));
}

export async function loadLsa(dir: string): Promise<LsaModel> {
  const meta = JSON.parse(await readFile(join(dir, MODEL_JSON), 'utf8')) as { dimensions: number; terms: string[] };
  const raw = await readFile(join(dir, MODEL_BIN));
  const floats = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const termCount = meta.terms.length;
  if (floats.length !== termCount * (1 + meta.dimensions)) throw new Error('lsa model files do not match');
  return {
    terms: meta.terms,
    dimensions: meta.dimensions,
    idf: floats.slice(0, termCount),
    projection: floats.slice(termCount),
  };
}
