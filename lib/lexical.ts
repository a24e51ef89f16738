/**
 * The lexical index: BM25 (MiniSearch's BM25+) over passages' search terms, plus the document
 * frequencies the answerer uses to weigh terms inside sentences.
 */
import MiniSearch from 'minisearch';
import { commonPrefix, searchTerms } from './text.ts';
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

  /**
   * Terms of the corpus that are probably what an unseen term meant: a truncation ("chemo"),
   * one typo away (two for long words), or the same stem with a different ending
   * ("coadminist" → "coadministr"). Empty when nothing is close.
   */
  similarTerms(term: string, { truncations = true }: { truncations?: boolean } = {}): string[] {
    // Codes differ by a digit on purpose (DESTINY-Gastric01 and -Gastric04): never guess those.
    if (term.length < 4 || /\d/.test(term) || this.frequencies.has(term)) return [];
    this.byPrefix ??= groupByPrefix(this.frequencies.keys());
    const candidates = this.byPrefix.get(term.slice(0, 2)) ?? [];
    const budget = term.length >= 8 ? 2 : term.length >= 5 ? 1 : 0;
    // Truncations: "chemo" → chemotherapy, "intro" → introduction.
    const extended = candidates.filter((other) => other.length > term.length && other.startsWith(term) && !/\d/.test(other));
    if (truncations && term.length >= 4 && extended.length > 0 && extended.length <= 6) {
      return extended.sort((a, b) => this.documentFrequency(b) - this.documentFrequency(a)).slice(0, 2);
    }
    const close = candidates.filter((other) => {
      if (Math.abs(other.length - term.length) > 3) return false;
      const shared = commonPrefix(term, other);
      if (shared >= 6 && shared >= Math.min(term.length, other.length) - 2) return true;
      return budget > 0 && editDistance(term, other, budget) <= budget;
    });
    return close.sort((a, b) => this.documentFrequency(b) - this.documentFrequency(a)).slice(0, 3);
  }

  private byPrefix: Map<string, string[]> | undefined;

  /** Inverse document frequency of a processed term; unseen terms weigh the most. */
  idf(term: string): number {
    const n = this.documentCount;
    return Math.log(1 + (n - this.documentFrequency(term) + 0.5) / (this.documentFrequency(term) + 0.5));
  }

  /**
   * BM25 over processed terms. `weights` scales individual terms (expansions count less than
   * the user's own words); `keep`, when given, drops passages before the `limit` best are taken.
   */
  query(terms: string[], limit: number, weights?: Map<string, number>, keep?: (id: string) => boolean): LexicalHit[] {
    if (terms.length === 0) return [];
    const results = this.search.search(terms.join(' '), {
      ...(weights ? { boostTerm: (term: string) => weights.get(term) ?? 1 } : {}),
      ...(keep ? { filter: (result: { id: unknown }) => keep(String(result.id)) } : {}),
    });
    return results.slice(0, limit).map((result) => ({ id: String(result.id), score: result.score }));
  }
}

function groupByPrefix(terms: Iterable<string>): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const term of terms) {
    if (term.length < 3) continue;
    const key = term.slice(0, 2);
    const group = groups.get(key) ?? [];
    group.push(term);
    groups.set(key, group);
  }
  return groups;
}

/** Levenshtein distance, stopping early once it exceeds `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      current.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}
