/**
 * The chunker's invariants, on generated paragraphs: no empty piece, nothing lost or reordered,
 * sentences never cut, sizes within the limit unless one sentence is longer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkParagraph } from '../../ingest/chunk.ts';
import { splitSentences } from '../../lib/text.ts';

const word = fc.constantFrom('HER2', 'trastuzumab', 'improved', 'survival', 'the', 'of', 'patients', '12.5', 'months', 'vs.', 'et al.', 'T-DXd', '(24)', 'e.g.', 'ORR', '51%', 'in', 'GC');
const sentence = fc.array(word, { minLength: 3, maxLength: 40 }).map((words) => {
  const text = words.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
});
const paragraph = fc.array(sentence, { minLength: 1, maxLength: 25 }).map((sentences) => sentences.join(' '));

describe('chunkParagraph', () => {
  it('keeps every character in order, in non-empty pieces cut only between sentences', () => {
    fc.assert(
      fc.property(paragraph, fc.integer({ min: 80, max: 1200 }), (text, maxChars) => {
        const pieces = chunkParagraph(text, { maxChars });
        expect(pieces.length).toBeGreaterThan(0);
        const boundaries = new Set([0, ...splitSentences(text).map((s) => s.start), text.length]);
        let previousEnd = 0;
        for (const piece of pieces) {
          expect(piece.text.trim().length).toBeGreaterThan(0);
          expect(text.slice(piece.start, piece.end)).toBe(piece.text);
          expect(text.slice(previousEnd, piece.start).trim()).toBe('');
          expect(boundaries.has(piece.start)).toBe(true);
          previousEnd = piece.end;
        }
        expect(text.slice(previousEnd).trim()).toBe('');
        for (const piece of pieces) {
          if (piece.text.length > maxChars) expect(splitSentences(piece.text)).toHaveLength(1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('returns a short paragraph whole and balances a long one', () => {
    expect(chunkParagraph('One sentence. Two sentences.', { maxChars: 700 })).toEqual([{ text: 'One sentence. Two sentences.', start: 0, end: 28 }]);
    const text = Array.from({ length: 10 }, (_, i) => `Sentence number ${i} talks about HER2 and gastric cancer outcomes at length.`).join(' ');
    const sizes = chunkParagraph(text, { maxChars: 500 }).map((piece) => piece.text.length);
    expect(sizes.length).toBe(2);
    expect(Math.abs(sizes[0]! - sizes[1]!)).toBeLessThan(100);
  });
});
