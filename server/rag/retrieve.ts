/**
 * Hybrid retrieval: BM25 and dense vectors fused by reciprocal rank, then citation hops both
 * ways (a reference entry brings the body passages that cite it; a body passage brings the
 * entries it cites) so a trial named only in a reference title still reaches the text.
 */
import type { LoadedIndex } from '../../lib/index-store.ts';
import { searchTerms } from '../../lib/text.ts';
import type { Chunk, Embedder } from '../../lib/types.ts';
import type { AnalyzedQuestion } from './question.ts';

export interface Passage {
  chunk: Chunk;
  score: number;
  /** How it was found. */
  via: 'search' | 'citation-hop';
}

export interface RetrieveOptions {
  /** Passages returned. */
  limit: number;
  /** Candidates taken from each ranking before fusion. */
  depth: number;
  /** Weights of the two rankings in the fusion (0 turns one off; used to measure each). */
  lexicalWeight?: number;
  denseWeight?: number;
}

export const DEFAULT_RETRIEVE: RetrieveOptions = { limit: 12, depth: 60 };

/** Reciprocal rank fusion constant (Cormack et al. 2009). */
const RRF_K = 60;

export class Retriever {
  /** Body passages citing each reference, per paper: `docId:n` → chunks. */
  private readonly citing = new Map<string, Chunk[]>();
  /** Reference entries by `docId:n`. */
  private readonly entries = new Map<string, Chunk>();

  constructor(
    private readonly index: LoadedIndex,
    private readonly embedder: Embedder,
  ) {
    for (const chunk of index.chunks) {
      if (chunk.kind === 'reference') {
        this.entries.set(`${chunk.docId}:${chunk.refs[0]}`, chunk);
        continue;
      }
      for (const n of chunk.refs) {
        const key = `${chunk.docId}:${n}`;
        const list = this.citing.get(key) ?? [];
        list.push(chunk);
        this.citing.set(key, list);
      }
    }
  }

  private readonly termCache = new Map<string, Set<string>>();

  /** A passage's search terms with its heading's, computed once. */
  private termsOf(chunk: Chunk): Set<string> {
    let terms = this.termCache.get(chunk.id);
    if (!terms) {
      terms = new Set(searchTerms(`${chunk.section} ${chunk.text}`));
      this.termCache.set(chunk.id, terms);
    }
    return terms;
  }

  /** Body passages that cite reference `n` of `docId`. */
  citingPassages(docId: string, n: number): Chunk[] {
    return this.citing.get(`${docId}:${n}`) ?? [];
  }

  /** The reference-list entry `n` of `docId`, as a chunk. */
  referenceEntry(docId: string, n: number): Chunk | undefined {
    return this.entries.get(`${docId}:${n}`);
  }

  async retrieve(question: AnalyzedQuestion, options: RetrieveOptions = DEFAULT_RETRIEVE): Promise<Passage[]> {
    const { terms, weights } = queryTerms(question);
    const lexicalWeight = options.lexicalWeight ?? 1;
    const denseWeight = options.denseWeight ?? 1;
    const lexical = lexicalWeight > 0 ? this.index.lexical.query(terms, options.depth, weights) : [];
    const dense = denseWeight > 0 ? await this.dense(question, options.depth) : [];

    const fused = new Map<string, number>();
    lexical.forEach((hit, rank) => fused.set(hit.id, (fused.get(hit.id) ?? 0) + lexicalWeight / (RRF_K + rank + 1)));
    dense.forEach((id, rank) => fused.set(id, (fused.get(id) ?? 0) + denseWeight / (RRF_K + rank + 1)));

    const wantsReferences = question.intent === 'reference';
    const keys = question.concepts.filter((concept) => concept.key);
    const scored = new Map<string, Passage>();
    for (const [id, score] of fused) {
      const chunk = this.index.chunkById.get(id);
      if (!chunk) continue;
      let adjusted = score;
      // Reference titles are dense with topic words and outrank the text that answers; unless
      // the question is about the reference list, they count for less.
      if (chunk.kind === 'reference' && !wantsReferences) adjusted *= 0.6;
      // Passages that name the question's entities (and a follow-up's subject) come first.
      if (keys.length > 0) {
        const terms = this.termsOf(chunk);
        for (const concept of keys) {
          const present = concept.alternatives.some((alternative) => alternative.every((term) => terms.has(term)));
          if (!present) adjusted *= concept.carried ? 0.5 : 0.75;
        }
      }
      scored.set(id, { chunk, score: adjusted, via: 'search' });
    }

    const ranked = [...scored.values()].sort((a, b) => b.score - a.score);
    const top = ranked.slice(0, options.limit);
    // Hops: entries among the top bring their citing passages; passages bring their entries.
    for (const passage of top.slice(0, 8)) {
      const { chunk } = passage;
      if (chunk.kind === 'reference') {
        for (const citing of this.citingPassages(chunk.docId, chunk.refs[0]!)) addHop(scored, citing, passage.score * 0.9);
      } else if (wantsReferences) {
        for (const n of chunk.refs) {
          const entry = this.referenceEntry(chunk.docId, n);
          if (entry) addHop(scored, entry, passage.score * 0.8);
        }
      }
    }
    return [...scored.values()].sort((a, b) => b.score - a.score).slice(0, options.limit);
  }

  private async dense(question: AnalyzedQuestion, depth: number): Promise<string[]> {
    const count = this.index.chunks.length;
    if (count === 0) return [];
    const expansions = question.glossaryHits.map((entry) => `${entry.short} ${entry.long}`).join(' ');
    const vector = await this.embedder.embedQuery(`${question.searchText} ${expansions}`.trim());
    const result = this.index.hnsw.searchKnn(vector, Math.min(depth, count));
    // hnswlib returns cosine distances, lower is closer, already sorted.
    return result.neighbors.map((position) => this.index.chunks[position]!.id);
  }
}

function addHop(scored: Map<string, Passage>, chunk: Chunk, score: number): void {
  const existing = scored.get(chunk.id);
  if (existing) {
    if (score > existing.score) existing.score = score;
    return;
  }
  scored.set(chunk.id, { chunk, score, via: 'citation-hop' });
}

/** BM25 terms: the question's words (and a follow-up's carried subject) count fully, expansions less. */
function queryTerms(question: AnalyzedQuestion): { terms: string[]; weights: Map<string, number> } {
  const weights = new Map<string, number>();
  for (const concept of question.concepts) {
    concept.alternatives.forEach((alternative, i) => {
      // The carried subject of a follow-up is what it is about; expansions only help recall.
      const weight = i === 0 ? 1 : 0.5;
      for (const term of alternative) weights.set(term, Math.max(weights.get(term) ?? 0, weight));
    });
  }
  return { terms: [...weights.keys()], weights };
}
