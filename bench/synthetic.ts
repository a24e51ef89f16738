/**
 * Synthetic corpora for the scaling benchmark, made from the review's own passages: passage
 * `j` joins the head of source passage `j mod n` to the tail of another source passage drawn
 * at random, then about a third of its words are replaced by words drawn from the review (so
 * by their frequency), neighbouring words are swapped, and every digit is rewritten.
 *
 * Joining two sources matters: perturbing one source alone makes a thousand near-copies of
 * each passage, tight clusters that no real collection of papers has (and on which HNSW's
 * recall collapses for reasons of the data, not of the index). Passage `j` depends only on
 * `j`, so the 100× corpus is the first tenth of the 1,000× one.
 */
import { seededRandom } from '../lib/random.ts';

/** The same seed gives the same corpus. */
export const random = seededRandom;

export interface PerturbOptions {
  /** Share of words replaced by a word drawn from the corpus. */
  replace: number;
  /** Share of words swapped with their neighbour. */
  swap: number;
  /** The head taken from the first source: between these shares of its words. */
  head: [number, number];
}

export const DEFAULT_PERTURB: PerturbOptions = { replace: 0.3, swap: 0.15, head: [0.4, 0.7] };

export class SyntheticCorpus {
  private readonly words: string[][];
  private readonly vocabulary: string[];

  constructor(
    passages: readonly string[],
    private readonly options: PerturbOptions = DEFAULT_PERTURB,
  ) {
    if (passages.length === 0) throw new Error('bench: a synthetic corpus needs source passages');
    this.words = passages.map((passage) => passage.split(/\s+/).filter(Boolean));
    this.vocabulary = this.words.flat().filter((word) => !/\d/.test(word));
  }

  get sourceCount(): number {
    return this.words.length;
  }

  /** Synthetic passage `j`. */
  passage(j: number): string {
    const next = random(0x9e3779b9 ^ Math.imul(j + 1, 2_654_435_761));
    const [low, high] = this.options.head;
    const first = this.words[j % this.words.length]!;
    const second = this.words[Math.floor(next() * this.words.length)]!;
    const words = [
      ...first.slice(0, Math.max(1, Math.round(first.length * (low + (high - low) * next())))),
      ...second.slice(Math.round(second.length * (low + (high - low) * next()))),
    ];
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      if (/\d/.test(word)) words[i] = word.replace(/\d/g, () => String(Math.floor(next() * 10)));
      else if (next() < this.options.replace) words[i] = this.vocabulary[Math.floor(next() * this.vocabulary.length)]!;
    }
    for (let i = 1; i < words.length; i++) {
      if (next() < this.options.swap) [words[i - 1], words[i]] = [words[i]!, words[i - 1]!];
    }
    return words.join(' ');
  }
}
