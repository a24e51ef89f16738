/**
 * Cutting paragraphs into passages: whole sentences packed up to a size limit, sizes balanced
 * so that a paragraph slightly over the limit becomes two halves, not a long and a short piece.
 * A sentence is never cut; a sentence longer than the limit is a passage of its own.
 */
import { splitSentences } from '../lib/text.ts';

export interface ChunkingOptions {
  /** Passages are at most this long, unless one sentence is longer. */
  maxChars: number;
}

export const DEFAULT_CHUNKING: ChunkingOptions = { maxChars: 700 };

/** A piece of a paragraph: its text and [start, end) offsets in the paragraph text. */
export interface Piece {
  text: string;
  start: number;
  end: number;
}

export function chunkParagraph(text: string, options: ChunkingOptions): Piece[] {
  if (text.length <= options.maxChars) return [{ text, start: 0, end: text.length }];
  const sentences = splitSentences(text);
  if (sentences.length === 0) return [];
  const pieces = Math.ceil(text.length / options.maxChars);
  const target = Math.min(options.maxChars, Math.ceil(text.length / pieces));
  const out: Piece[] = [];
  let start = sentences[0]!.start;
  let end = sentences[0]!.end;
  for (const sentence of sentences.slice(1)) {
    const grown = sentence.end - start;
    const current = end - start;
    // Close the piece when adding the sentence would pass the limit, or when the piece is
    // already nearer the balanced target without it than with it.
    if (grown > options.maxChars || (current >= target * 0.6 && Math.abs(grown - target) > Math.abs(current - target))) {
      out.push({ text: text.slice(start, end), start, end });
      start = sentence.start;
    }
    end = sentence.end;
  }
  out.push({ text: text.slice(start, end), start, end });
  return out;
}
