/**
 * The lexical index: BM25 (MiniSearch's BM25+) over passages' search terms, plus the document
 * frequencies the answerer uses to weigh terms inside sentences.
 */
import MiniSearch from 'minisearch';
import { searchTerms } from './text.ts';
import type { Chunk } from './types.ts';

interface IndexedChunk {
  id: string;
  text: string;
  section: string;
}

const OPTIONS = {
  fields: ['text', 'section'],
  idField: 'id',
  tokenize: (text: string) => searchTerms(text),
  processTerm: (term: string) => term,
  searchOptions: {
    // Query terms arrive already processed; split only.
    tokenize: (text: string) => text.split(' ').filter(Boolean),
    boost: { text: 1, section: 0.4 },
  },
};

export interface LexicalHit {
  id: string;
  score: number;
}

export class LexicalIndex {
  private constructor(
    private readonly search: MiniSearch<IndexedChunk>,
    /** Passages containing each term. */
    private readonly frequencies: Map<string, number>,
  ) {}

  static build(chunks: Chunk[]): LexicalIndex {
    const search = new MiniSearch<IndexedChunk>(OPTIONS);
    const frequencies = new Map<string, number>();
    search.addAll(
      chunks.map((chunk) => {
        for (const term of new Set(searchTerms(chunk.text))) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
        // Headings help find paragraphs; a table's caption or "References" would only add noise.
        return { id: chunk.id, text: chunk.text, section: chunk.kind === 'paragraph' ? chunk.section : '' };
      }),
    );
    return new LexicalIndex(search, frequencies);
  }

  static fromJSON(json: string): LexicalIndex {
    const parsed = JSON.parse(json) as { search: unknown; frequencies: [string, number][] };
    return new LexicalIndex(MiniSearch.loadJS(parsed.search as never, OPTIONS), new Map(parsed.frequencies));
  }

  toJSON(): string {
    return JSON.stringify({ search: this.search.toJSON(), frequencies: [...this.frequencies] });
  }

  get documentCount(): number {
    return this.search.documentCount;
  }

  /** Passages containing `term` (a processed search term). */
  documentFrequency(term: string): number {
    return this.frequencies.get(term) ?? 0;
  }

  /** Inverse document frequency of a processed term; unseen terms weigh the most. */
  idf(term: string): number {
    const n = this.documentCount;
    return Math.log(1 + (n - this.documentFrequency(term) + 0.5) / (this.documentFrequency(term) + 0.5));
  }

  /**
   * BM25 over processed terms. `weights` scales individual terms (expansions count less than
   * the user's own words).
   */
  query(terms: string[], limit: number, weights?: Map<string, number>): LexicalHit[] {
    if (terms.length === 0) return [];
    const results = this.search.search(terms.join(' '), {
      ...(weights ? { boostTerm: (term: string) => weights.get(term) ?? 1 } : {}),
    });
    return results.slice(0, limit).map((result) => ({ id: String(result.id), score: result.score }));
  }
}
