/**
 * The corpus lexicon, built at ingest: for the words a question may use, the corpus's own
 * words they may stand for, from WordNet (synonyms of the first senses, derivations,
 * pertainyms; a derived word's synonyms one step further, weighted less). Keyed and valued by
 * search terms, so "stomach" finds "gastric" and "lived" finds "survival". Only corpus words
 * are targets, so the lexicon stays small and every alternative can match.
 */
import { searchTerms } from '../text.ts';
import type { Chunk } from '../types.ts';
import type { WordNet } from './wordnet.ts';

/** Search term → [corpus search term, weight]; weights 1 (direct relation) or 0.6 (two steps). */
export interface CorpusLexicon {
  version: 1;
  related: Record<string, [string, number][]>;
  /**
   * A category's search terms (joined by spaces: "amino acid") → the corpus's words that are
   * kinds of it (methionine, histidine), for "which amino acids…" questions. Absent in indexes
   * built before it existed.
   */
  members?: Record<string, string[]>;
}

/**
 * How many steps up WordNet's kinds a word's categories go: kidney → excretory organ → internal
 * organ → organ takes three; further up come abstractions every noun shares (whole, object).
 */
const CATEGORY_DEPTH = 3;

/** Weight of a word reached through a derived form's synonyms. */
const SECOND_STEP = 0.6;

export function buildLexicon(chunks: Chunk[], wordnet: WordNet): CorpusLexicon {
  const words = new Map<string, string>();
  for (const chunk of chunks) {
    for (const word of chunk.text.toLowerCase().match(/\p{L}{3,}/gu) ?? []) {
      if (words.has(word)) continue;
      const term = searchTerms(word)[0];
      if (term && !/\d/.test(term)) words.set(word, term);
    }
  }
  const related = new Map<string, Map<string, number>>();
  const add = (word: string, target: string, weight: number) => {
    for (const key of searchTerms(word)) {
      if (key === target || searchTerms(word).length !== 1) continue;
      const entry = related.get(key) ?? new Map<string, number>();
      entry.set(target, Math.max(entry.get(target) ?? 0, weight));
      related.set(key, entry);
    }
  };
  const members = new Map<string, Set<string>>();
  for (const [word, term] of words) {
    for (const base of wordnet.baseForms(word)) {
      for (const category of wordnet.broader(base, CATEGORY_DEPTH)) {
        const key = searchTerms(category).join(' ');
        if (key && key !== term) members.set(key, (members.get(key) ?? new Set()).add(term));
      }
      const { synonyms, derived } = wordnet.related(base);
      for (const near of [...synonyms, ...derived]) add(near, term, 1);
      // One step further only from a derived form: survival → survive → live, gastric → stomach → belly.
      for (const form of derived) for (const far of wordnet.related(form, 1).synonyms) add(far, term, SECOND_STEP);
    }
  }
  return {
    version: 1,
    related: Object.fromEntries([...related].map(([key, targets]) => [key, [...targets].sort((a, b) => b[1] - a[1])])),
    members: Object.fromEntries([...members].map(([key, terms]) => [key, [...terms].sort()])),
  };
}
