/**
 * Exact nearest neighbours by brute force — the baseline the HNSW index is measured against,
 * and the ground truth of its recall. Cosine similarity as dot products over a Float32Array.
 */

export interface VectorSet {
  vectors: Float32Array;
  dimensions: number;
  count: number;
}

export interface Neighbors {
  /** Positions, best first. */
  positions: number[];
  /** Cosine similarities, best first. */
  similarities: number[];
}

/** The `k` most similar vectors of `set` to `query` (cosine), by scanning them all. */
export function bruteForceSearch(set: VectorSet, norms: Float32Array, query: Float32Array, k: number): Neighbors {
  const { vectors, dimensions, count } = set;
  const queryNorm = Math.sqrt(dot(query, 0, query, 0, dimensions)) || 1;
  // The best k so far, kept sorted (k is small: insertion beats a heap).
  const positions: number[] = [];
  const similarities: number[] = [];
  for (let i = 0; i < count; i++) {
    const similarity = dot(vectors, i * dimensions, query, 0, dimensions) / (queryNorm * (norms[i]! || 1));
    if (positions.length === k && similarity <= similarities[k - 1]!) continue;
    let at = Math.min(positions.length, k - 1);
    while (at > 0 && similarities[at - 1]! < similarity) at--;
    positions.splice(at, 0, i);
    similarities.splice(at, 0, similarity);
    if (positions.length > k) {
      positions.pop();
      similarities.pop();
    }
  }
  return { positions, similarities };
}

/** The norm of every vector of the set. */
export function norms(set: VectorSet): Float32Array {
  const result = new Float32Array(set.count);
  for (let i = 0; i < set.count; i++) result[i] = Math.sqrt(dot(set.vectors, i * set.dimensions, set.vectors, i * set.dimensions, set.dimensions));
  return result;
}

/** Cosine similarity of vector `position` of the set and `query`. */
export function cosine(set: VectorSet, norms: Float32Array, position: number, query: Float32Array): number {
  const queryNorm = Math.sqrt(dot(query, 0, query, 0, set.dimensions)) || 1;
  return dot(set.vectors, position * set.dimensions, query, 0, set.dimensions) / (queryNorm * (norms[position]! || 1));
}

/** Dot product of `a[aAt…aAt+n)` and `b[bAt…bAt+n)`, four lanes at a time. */
function dot(a: Float32Array, aAt: number, b: Float32Array, bAt: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < n; d += 4) {
    s0 += a[aAt + d]! * b[bAt + d]!;
    s1 += a[aAt + d + 1]! * b[bAt + d + 1]!;
    s2 += a[aAt + d + 2]! * b[bAt + d + 2]!;
    s3 += a[aAt + d + 3]! * b[bAt + d + 3]!;
  }
  for (; d < n; d++) s0 += a[aAt + d]! * b[bAt + d]!;
  return s0 + s1 + s2 + s3;
}

/**
 * Recall@k of an approximate result against the exact one, tolerant of ties: a returned
 * neighbour counts when it is in the exact top k, or is exactly as similar as the k-th
 * (synthetic corpora hold identical vectors; any of them is a right answer).
 */
export function recallAtK(exact: Neighbors, approximate: number[], similarityOf: (position: number) => number, k: number): number {
  const truth = new Set(exact.positions.slice(0, k));
  const threshold = exact.similarities[Math.min(k, exact.similarities.length) - 1] ?? Number.POSITIVE_INFINITY;
  let hits = 0;
  for (const position of approximate.slice(0, k)) {
    if (truth.has(position) || similarityOf(position) >= threshold - 1e-6) hits++;
  }
  return hits / Math.min(k, exact.positions.length || k);
}
