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
import { seededRandom } from '../random.ts';
import { searchTerms } from '../text.ts';
import type { Embedder } from '../types.ts';

export interface LsaOptions {
  /** Target dimensions; fewer when the corpus has fewer independent passages. */
  dimensions: number;
  /** Fit on at most this many passages (evenly sampled); the rest are folded in. */
  maxFitDocuments: number;
}

export const DEFAULT_LSA: LsaOptions = { dimensions: 256, maxFitDocuments: 4_000 };

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

  // The top eigenpairs of the passage × passage Gram matrix X Xᵀ give X's singular vectors.
  const { values, vectors } = topEigenpairs(rows, termIndex.size, options.dimensions);
  const kept = values.map((value, index) => ({ value, index })).filter((entry) => entry.value > 1e-8);
  const dimensions = Math.max(1, kept.length);
  const width = values.length;

  // V = Xᵀ U Σ⁻¹, accumulated over the sparse rows.
  const projection = new Float32Array(termIndex.size * dimensions);
  kept.forEach((entry, k) => {
    const inverseSigma = 1 / Math.sqrt(entry.value);
    for (let d = 0; d < n; d++) {
      const u = vectors[d * width + entry.index]! * inverseSigma;
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

/**
 * The top `k` eigenpairs of G = X Xᵀ for sparse passage rows X, eigenvectors row-major
 * (passages × k). Small corpora: the exact decomposition of G. Larger ones: randomized
 * subspace iteration (Halko, Martinsson & Tropp 2011), applying G as X (Xᵀ Y) so the cost
 * grows with the non-zeros, not with n³ (a full decomposition of 2,000 passages takes 80 s in
 * JavaScript). Seeded, so the same corpus always gives the same model.
 */
export function topEigenpairs(rows: SparseVector[], terms: number, k: number): { values: number[]; vectors: Float64Array } {
  const n = rows.length;
  // Oversampled by 16 with three power iterations: the leading dimensions come out exact to
  // well under 1 %, the last few of the k within a few per cent, at a fraction of the cost.
  const width = Math.min(n, k + 16);
  // Up to about twice the sketch width the exact decomposition is as fast, and exact.
  if (n <= 2 * width) {
    const gram = new Matrix(n, n);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const value = dot(rows[i]!, rows[j]!);
        gram.set(i, j, value);
        gram.set(j, i, value);
      }
    }
    return eigenpairs(gram, Matrix.eye(n), Math.min(k, n));
  }
  const random = seededRandom(0x5eed);
  let basis = orthonormal(Float64Array.from({ length: n * width }, () => gaussian(random)), n, width);
  for (let iteration = 0; iteration < 3; iteration++) basis = orthonormal(applyGram(rows, terms, basis, width), n, width);
  // G seen from the subspace: Bᵀ G B, small (width × width).
  const applied = applyGram(rows, terms, basis, width);
  const small = new Matrix(width, width);
  for (let i = 0; i < width; i++) {
    for (let j = 0; j < width; j++) {
      let sum = 0;
      for (let r = 0; r < n; r++) sum += basis[r * width + i]! * applied[r * width + j]!;
      small.set(i, j, sum);
    }
  }
  return eigenpairs(small, Matrix.from1DArray(n, width, Array.from(basis)), k);
}

/** Eigenpairs of a small symmetric matrix, largest first, mapped back through `basis`. */
function eigenpairs(matrix: Matrix, basis: Matrix, k: number): { values: number[]; vectors: Float64Array } {
  const eigen = new EigenvalueDecomposition(matrix, { assumeSymmetric: true });
  const order = eigen.realEigenvalues
    .map((value, index) => ({ value, index }))
    .sort((a, b) => b.value - a.value)
    .slice(0, k);
  const chosen = new Matrix(order.map((entry) => eigen.eigenvectorMatrix.getColumn(entry.index))).transpose();
  return { values: order.map((entry) => entry.value), vectors: Float64Array.from(basis.mmul(chosen).to1DArray()) };
}

/** G Y = X (Xᵀ Y) for sparse rows X and a dense n × width Y (row-major). */
function applyGram(rows: SparseVector[], terms: number, y: Float64Array, width: number): Float64Array {
  const inner = new Float64Array(terms * width);
  rows.forEach((row, d) => {
    for (const [term, weight] of row) {
      for (let c = 0; c < width; c++) inner[term * width + c]! += weight * y[d * width + c]!;
    }
  });
  const out = new Float64Array(rows.length * width);
  rows.forEach((row, d) => {
    for (const [term, weight] of row) {
      for (let c = 0; c < width; c++) out[d * width + c]! += weight * inner[term * width + c]!;
    }
  });
  return out;
}

/** An orthonormal basis of the columns of Y (n × width), by modified Gram–Schmidt. */
function orthonormal(y: Float64Array, n: number, width: number): Float64Array {
  const q = Float64Array.from(y);
  for (let c = 0; c < width; c++) {
    for (let previous = 0; previous < c; previous++) {
      let projection = 0;
      for (let r = 0; r < n; r++) projection += q[r * width + c]! * q[r * width + previous]!;
      for (let r = 0; r < n; r++) q[r * width + c]! -= projection * q[r * width + previous]!;
    }
    let norm = 0;
    for (let r = 0; r < n; r++) norm += q[r * width + c]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let r = 0; r < n; r++) q[r * width + c]! /= norm;
  }
  return q;
}

/** A standard normal sample (Box–Muller). */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
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
