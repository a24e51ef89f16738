/**
 * Domain vocabulary: documented data files (`*.tsv` in a vocabulary directory; the built-in one
 * is lib/lexicon/vocabulary, PAPERCHAT_VOCABULARY names others) whose lines list phrases that
 * stand for one another — a drug's generic and brand names, a journal's title and
 * abbreviations, a clinical term and its lay words. A line opening with "-" lists chat fillers
 * ("im", "btw"), which stand for nothing. Lines starting with `#` say what the file holds and
 * where it comes from.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { searchTerms } from '../text.ts';

export const BUILT_IN_VOCABULARY = join(import.meta.dirname, 'vocabulary');

/** The first phrase of a line of fillers. */
const FILLERS = '-';

/** A phrase of a question that the vocabulary knows, and the other phrases of its line. */
export interface VocabularyMatch {
  /** Position and length in the question's search terms. */
  at: number;
  length: number;
  alternatives: string[][];
  /** The phrases of its line as the file writes them (to tell everyday words from terms). */
  written: string[];
}

export class Vocabulary {
  /** Phrase (search terms joined by spaces) → the groups (lines) it belongs to; a filler's group is one empty phrase. */
  private readonly groups = new Map<string, string[][][]>();
  /** Phrase → the phrases of its lines as written. */
  private readonly writtenLines = new Map<string, string[]>();
  private longest = 1;

  constructor(lines: string[][]) {
    for (const line of lines) {
      const written = line.map((phrase) => searchTerms(phrase));
      const phrases = written.filter((terms) => terms.length > 0);
      // A line opening with "-" lists fillers ("im", "btw"): each stands for nothing a paper could
      // hold; so do the chat forms of a word no search keeps ("abt" for about).
      if (line[0] === FILLERS || written[0]!.length === 0) {
        for (const phrase of phrases) this.groups.set(phrase.join(' '), [[[]]]);
        continue;
      }
      if (phrases.length < 2) continue;
      for (const phrase of phrases) {
        const key = phrase.join(' ');
        this.writtenLines.set(key, [...(this.writtenLines.get(key) ?? []), ...line]);
        this.groups.set(key, [...(this.groups.get(key) ?? []), phrases.filter((other) => other.join(' ') !== key)]);
        this.longest = Math.max(this.longest, phrase.length);
      }
    }
  }

  /** Every `*.tsv` file of the given directories. Throws with the file name when one cannot be read. */
  static load(directories: string[]): Vocabulary {
    const lines: string[][] = [];
    for (const directory of directories) {
      let names: string[];
      try {
        names = readdirSync(directory).filter((file) => file.endsWith('.tsv')).sort();
      } catch (error) {
        throw new Error(`vocabulary: cannot read ${directory} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check PAPERCHAT_VOCABULARY`);
      }
      for (const name of names) {
        for (const line of readFileSync(join(directory, name), 'utf8').split('\n')) {
          if (line.trim().length === 0 || line.startsWith('#')) continue;
          lines.push(line.split('\t').map((phrase) => phrase.trim()).filter(Boolean));
        }
      }
    }
    return new Vocabulary(lines);
  }

  /** The known phrases among a question's search terms, longest first where they overlap. */
  matches(terms: string[]): VocabularyMatch[] {
    const found: VocabularyMatch[] = [];
    for (let at = 0; at < terms.length; at++) {
      for (let length = Math.min(this.longest, terms.length - at); length >= 1; length--) {
        const groups = this.groups.get(terms.slice(at, at + length).join(' '));
        if (!groups) continue;
        const key = terms.slice(at, at + length).join(' ');
        found.push({ at, length, alternatives: groups.flat(), written: this.writtenLines.get(key) ?? [] });
        at += length - 1;
        break;
      }
    }
    return found;
  }
}
