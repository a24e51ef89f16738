/**
 * Hybrid retrieval: BM25 and dense vectors fused by reciprocal rank, then citation hops both
 * ways (a reference entry brings the body passages that cite it; a body passage brings the
 * entries it cites) so a trial named only in a reference title still reaches the text.
 */
import type { LoadedIndex } from '../../lib/index-store.ts';
import { searchTerms } from '../../lib/text.ts';
import type { Chunk, Embedder } from '../../lib/types.ts';
import { matchWeight, type Concept } from './concepts.ts';
import type { AnalyzedQuestion } from './question.ts';

export interface Passage {
  chunk: Chunk;
  score: number;
  /** Cosine similarity of the passage's vector to the question's (0 when not computed). */
  dense?: number;
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
  /**
   * Only passages of these papers (a question's scope). Applied inside both rankings, before
   * `depth` is cut, so a small paper's passages are not crowded out by the others'.
   */
  docIds?: ReadonlySet<string>;
}

/**
 * How retrieval weighs what it finds, beyond the two rankings. Fitted with the answering
 * model (`npm run train` searches them for retrieval recall on the train split) and stored in
 * server/rag/answer-model.json; these defaults are what it found.
 */
export interface RetrievalSettings {
  /** Score kept by a passage that lacks a key concept of the question (per concept missing). */
  missingKey: number;
  /** … that lacks the earlier turn's subject, for a follow-up. */
  missingCarried: number;
  /** Score kept by a reference entry when the question is not about references. */
  referenceEntry: number;
  /** How much a paper's title, keywords and abstract matching the question lift its passages. */
  titleBoost: number;
  /** How much the paper most of the retrieved score falls to lifts its passages. */
  paperWeight: number;
  /** BM25 boost of an alternative that is not the question's own word (synonym, alias). */
  expansionBoost: number;
  /**
   * BM25 weight of a concept that names a paper (is in its title or keywords): it tells which
   * paper, which the paper's lift already uses, not which of its passages.
   */
  paperTermWeight: number;
  /** Score of a passage reached by a hop (a cited reference entry, a citing passage) relative to the passage it came from. */
  hop: number;
}

export const DEFAULT_RETRIEVAL: RetrievalSettings = { missingKey: 0.75, missingCarried: 0.5, referenceEntry: 0.6, titleBoost: 1, paperWeight: 0.3, expansionBoost: 0.5, paperTermWeight: 1, hop: 0.8 };

export const DEFAULT_RETRIEVE: RetrieveOptions = { limit: 12, depth: 60 };

/** Reciprocal rank fusion constant (Cormack et al. 2009). */
const RRF_K = 60;

/** A paper's prior is set by this many of its best fused passages (a short paper has as many). */
const PRIOR_PASSAGES = 3;

export class Retriever {
  /** Body passages citing each reference, per paper: `docId:n` → chunks. */
  private readonly citing = new Map<string, Chunk[]>();
  /** Reference entries by `docId:n`. */
  private readonly entries = new Map<string, Chunk>();

  private readonly positions = new Map<string, number>();
  private readonly profiles = new Map<string, Set<string>>();

  constructor(
    private readonly index: LoadedIndex,
    private readonly embedder: Embedder,
    private readonly settings: RetrievalSettings = DEFAULT_RETRIEVAL,
  ) {
    index.chunks.forEach((chunk, position) => this.positions.set(chunk.id, position));
    for (const paper of index.papers) {
      this.profiles.set(paper.docId, new Set(searchTerms([paper.title, ...(paper.front?.keywords ?? []), paper.source.replace(/\.[^.]+$/, '').replace(/[-_]+/g, ' ')].join(' '))));
    }
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

  /** What a paper is about by its title, keywords and file name, as search terms. */
  paperTerms(docId: string): Set<string> {
    return this.profiles.get(docId) ?? new Set();
  }

  /** Whether a concept names some indexed paper. */
  private namesAPaper(concept: Concept): boolean {
    return [...this.profiles.values()].some((profile) => matchWeight(concept, profile) > 0);
  }

  async retrieve(question: AnalyzedQuestion, options: RetrieveOptions = DEFAULT_RETRIEVE): Promise<Passage[]> {
    const { terms, weights } = queryTerms(question, this.settings, (concept) => this.namesAPaper(concept));
    const lexicalWeight = options.lexicalWeight ?? 1;
    const denseWeight = options.denseWeight ?? 1;
    const scope = options.docIds;
    const inScope = scope ? (id: string) => scope.has(this.index.chunkById.get(id)?.docId ?? '') : undefined;
    const lexical = lexicalWeight > 0 ? this.index.lexical.query(terms, options.depth, weights, inScope) : [];
    const dense = denseWeight > 0 ? await this.dense(question, options.depth, scope) : { ids: [], vector: [] };

    const fused = new Map<string, number>();
    lexical.forEach((hit, rank) => fused.set(hit.id, (fused.get(hit.id) ?? 0) + lexicalWeight / (RRF_K + rank + 1)));
    dense.ids.forEach((id, rank) => fused.set(id, (fused.get(id) ?? 0) + denseWeight / (RRF_K + rank + 1)));

    const scored = new Map<string, Passage>();
    const papers = this.paperPriors(question, fused);
    for (const [id, score] of fused) {
      const chunk = this.index.chunkById.get(id);
      if (chunk) scored.set(id, { chunk, score: score * this.adjustment(question, chunk) * (papers.get(chunk.docId) ?? 1), via: 'search' });
    }
    this.addHops(question, scored, options.limit);
    const top = [...scored.values()].sort((a, b) => b.score - a.score).slice(0, options.limit);
    for (const passage of top) passage.dense = this.similarity(dense.vector, passage.chunk);
    return top;
  }

  /**
   * Reference entries count less unless asked for; passages without the question's entities
   * too, unless their paper's title names the entity (every passage of a paper is about it).
   */
  private adjustment(question: AnalyzedQuestion, chunk: Chunk): number {
    let factor = chunk.kind === 'reference' && question.intent !== 'reference' ? this.settings.referenceEntry : 1;
    const terms = this.termsOf(chunk);
    const paper = this.paperTerms(chunk.docId);
    for (const concept of question.concepts) {
      if (!concept.key || matchWeight(concept, terms) > 0 || matchWeight(concept, paper) > 0) continue;
      factor *= concept.carried ? this.settings.missingCarried : this.settings.missingKey;
    }
    return factor;
  }

  /**
   * A lift for each paper: by how much of the question its title, keywords and file name match
   * (users name papers by their topic: "the dog paper", "the DOLCE trial"), and by its share of
   * the best fused scores.
   */
  private paperPriors(question: AnalyzedQuestion, fused: Map<string, number>): Map<string, number> {
    const own = question.concepts.filter((concept) => !concept.carried);
    const total = own.reduce((sum, concept) => sum + concept.weight, 0) || 1;
    // Each paper by its few best passages, not by how many of the list it fills: a 19-passage
    // paper holding the best passages is the one asked about, though a 360-passage review fills
    // most of the list with middling ones.
    const best = new Map<string, number[]>();
    for (const [id, score] of fused) {
      const chunk = this.index.chunkById.get(id);
      // A passage addressing a model may be stuffed with a question's words to pull its paper up.
      if (!chunk || chunk.instructions) continue;
      const scores = best.get(chunk.docId) ?? [];
      scores.push(score);
      best.set(chunk.docId, scores);
    }
    const mass = new Map([...best].map(([docId, scores]) => [docId, scores.sort((a, b) => b - a).slice(0, PRIOR_PASSAGES).reduce((sum, score) => sum + score, 0)]));
    const most = Math.max(0, ...mass.values()) || 1;
    const priors = new Map<string, number>();
    for (const [docId, profile] of this.profiles) {
      const title = own.reduce((sum, concept) => sum + (concept.alternatives.some((alternative) => alternative.every((term) => profile.has(term))) ? concept.weight : 0), 0) / total;
      priors.set(docId, (1 + this.settings.titleBoost * title) * (1 - this.settings.paperWeight + this.settings.paperWeight * ((mass.get(docId) ?? 0) / most)));
    }
    return priors;
  }

  /**
   * Hops: entries among the top bring their citing passages; passages bring their entries when
   * references are asked for.
   */
  private addHops(question: AnalyzedQuestion, scored: Map<string, Passage>, limit: number): void {
    const top = [...scored.values()].sort((a, b) => b.score - a.score).slice(0, Math.min(8, limit));
    const hop = this.settings.hop;
    for (const passage of top) {
      const { chunk } = passage;
      if (chunk.kind === 'reference') {
        for (const citing of this.citingPassages(chunk.docId, chunk.refs[0]!)) addHop(scored, citing, passage.score * hop);
      } else if (question.intent === 'reference') {
        for (const n of chunk.refs) {
          const entry = this.referenceEntry(chunk.docId, n);
          if (entry) addHop(scored, entry, passage.score * hop);
        }
      }
    }
  }

  private async dense(question: AnalyzedQuestion, depth: number, scope?: ReadonlySet<string>): Promise<{ ids: string[]; vector: number[] }> {
    const chunks = this.index.chunks;
    const count = scope ? chunks.reduce((sum, chunk) => sum + (scope.has(chunk.docId) ? 1 : 0), 0) : chunks.length;
    if (count === 0) return { ids: [], vector: [] };
    const expansions = question.glossaryHits.map((entry) => `${entry.short} ${entry.long}`).join(' ');
    const vector = await this.embedder.embedQuery(`${question.searchText} ${expansions}`.trim());
    // hnswlib labels are positions in the chunk list; the filter runs inside the graph search.
    const filter = scope ? (position: number) => scope.has(chunks[position]?.docId ?? '') : undefined;
    const result = this.index.hnsw.searchKnn(vector, Math.min(depth, count), filter);
    // hnswlib returns cosine distances, lower is closer, already sorted.
    return { ids: result.neighbors.map((position) => this.index.chunks[position]!.id), vector };
  }

  /** Cosine similarity of a chunk's stored vector to the question's. */
  private similarity(vector: number[], chunk: Chunk): number {
    const position = this.positions.get(chunk.id);
    const dimensions = this.index.manifest.embedder.dimensions;
    if (position === undefined || vector.length !== dimensions) return 0;
    let dot = 0;
    let a = 0;
    let b = 0;
    for (let i = 0; i < dimensions; i++) {
      const x = vector[i]!;
      const y = this.index.vectors[position * dimensions + i]!;
      dot += x * y;
      a += x * x;
      b += y * y;
    }
    return a === 0 || b === 0 ? 0 : dot / Math.sqrt(a * b);
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

/**
 * BM25 terms: the question's words (and a follow-up's carried subject) count fully, other
 * forms less, and words naming a paper by the settings' weight for them.
 */
function queryTerms(question: AnalyzedQuestion, settings: RetrievalSettings, namesAPaper: (concept: Concept) => boolean): { terms: string[]; weights: Map<string, number> } {
  const weights = new Map<string, number>();
  for (const concept of question.concepts) {
    const scale = namesAPaper(concept) ? settings.paperTermWeight : 1;
    concept.alternatives.forEach((alternative, i) => {
      const weight = scale * (i === 0 ? 1 : settings.expansionBoost * (concept.weights[i] ?? 1));
      for (const term of alternative) weights.set(term, Math.max(weights.get(term) ?? 0, weight));
    });
  }
  return { terms: [...weights.keys()], weights };
}
