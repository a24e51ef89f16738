/**
 * Retrieval metrics: where, among the retrieved passages, is the first one that holds the
 * question's evidence quote? Quotes are compared after dropping case and everything that is not
 * a letter or digit, so extraction repairs ("11.1months" → "11.1 months") and table layout do
 * not matter.
 */
import type { Chunk } from '../lib/types.ts';

/** Normalised prefixes and suffixes are this long: enough to be unique in a paper. */
export const QUOTE_PIECE = 60;

/** The cut-off ranks reported as recall@k. */
/** Cut-offs; 6 is how many passages the LLM is shown. */
export const RECALL_AT = [1, 5, 6, 10] as const;

/** Lowercase letters and digits only. */
export function normalizeForEvidence(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** The passage fields a quote can be found in. */
export type EvidencePassage = Pick<Chunk, 'text' | 'table'>;

/**
 * Whether a passage holds the evidence: its text (or, for a table row, its cells in order —
 * the quote copies a row with tabs between cells) contains the whole quote, or its first or
 * last 60 normalised characters (a quote cut by a chunk boundary).
 */
export function holdsEvidence(passage: EvidencePassage, evidence: string): boolean {
  const quote = normalizeForEvidence(evidence);
  if (quote.length === 0) return false;
  const haystacks = [normalizeForEvidence(passage.text)];
  if (passage.table) haystacks.push(normalizeForEvidence(passage.table.cells.join(' ')));
  const pieces = quote.length > QUOTE_PIECE ? [quote, quote.slice(0, QUOTE_PIECE), quote.slice(-QUOTE_PIECE)] : [quote];
  return haystacks.some((haystack) => pieces.some((piece) => haystack.includes(piece)));
}

/** 1-based rank of the first passage holding the evidence, or undefined when none does. */
export function evidenceRank(passages: EvidencePassage[], evidence: string): number | undefined {
  const at = passages.findIndex((passage) => holdsEvidence(passage, evidence));
  return at === -1 ? undefined : at + 1;
}

/** Recall@k (1 or 0 per question) and reciprocal rank for one question. */
export interface RetrievalScore {
  rank?: number;
  recallAt: Record<`${(typeof RECALL_AT)[number]}`, number>;
  reciprocalRank: number;
}

export function scoreRetrieval(rank: number | undefined): RetrievalScore {
  const hit = (k: number) => (rank !== undefined && rank <= k ? 1 : 0);
  return {
    ...(rank !== undefined ? { rank } : {}),
    recallAt: { '1': hit(1), '5': hit(5), '6': hit(6), '10': hit(10) },
    reciprocalRank: rank === undefined ? 0 : 1 / rank,
  };
}
