/**
 * The concepts of a text (a question, or an earlier turn): each word or phrase that matters,
 * with the ways the papers may write it and how much it weighs. Alternatives come from the
 * papers' glossaries (T-DXd ⇄ trastuzumab deruxtecan), the domain vocabulary (Herceptin →
 * trastuzumab, stomach cancer → gastric cancer), numbers written as words (fifteen → 15),
 * near spellings and truncations of words the corpus lacks (chemo → chemotherapy), and WordNet
 * through the corpus lexicon (stomach → gastric, live → survival), each with a weight for how
 * surely it means the same.
 */
import { isCommonWord } from '../../lib/common-words.ts';
import { numberWords } from '../../lib/lexicon/numbers.ts';
import type { Vocabulary } from '../../lib/lexicon/vocabulary.ts';
import { commonPrefix, foldForSearch, searchTerms, searchTokens } from '../../lib/text.ts';
import type { GlossaryEntry } from '../../lib/types.ts';

/** One thing a text mentions; matched when every term of any alternative is present. */
export interface Concept {
  label: string;
  /** As the text writes it ("Herceptin", "disitamab vedotin"), for saying what is missing. */
  surface: string;
  alternatives: string[][];
  /** How surely each alternative means the concept (1 = as written). */
  weights: number[];
  /** Informativeness: inverse document frequency of the surest form the corpus has. */
  weight: number;
  /** A specific entity the evidence must mention (a drug, a trial, a rare term). */
  key: boolean;
  /** Carried over from an earlier turn: helps retrieval, not required of the evidence. */
  carried: boolean;
  /** No alternative occurs in the corpus. */
  absent: boolean;
  /** Written as a name or code (capitals, digits): NCT00103324, TOGA, T-DXd. */
  name: boolean;
  /** An everyday English word (the asker's wording rather than the subject). */
  common: boolean;
  /** One of the things a comparison sets side by side ("T-DM1 and T-DXd"). */
  compared?: boolean;
}

/** Corpus statistics the analysis needs. */
export interface TermStatistics {
  documentCount: number;
  documentFrequency(term: string): number;
  /**
   * What an unseen term probably meant, as alternatives of corpus terms: spelling variants and
   * truncations ([["chemotherapi"]]), or the phrase an initialism stands for ("NEJM"). Names
   * (capitalised, with digits) get no truncations: people misspell names but do not shorten them
   * ("France" is not "Franceschini").
   */
  aliases(term: string, name: boolean): string[][];
  /** Corpus terms WordNet relates to a term, with weights (the corpus lexicon). */
  related(term: string): [string, number][];
  vocabulary: Vocabulary;
}

/** Weight of a near spelling or truncation of an unseen word. */
const ALIAS_WEIGHT = 0.9;
/** WordNet relations are looser than the word itself. */
const LEXICON_WEIGHT = 0.7;
/**
 * An everyday English word weighs at most this plus this share of its inverse document
 * frequency: enough to help choose between sentences, never enough to be the subject.
 */
const EVERYDAY_WEIGHT = 1;
const EVERYDAY_SHARE = 0.25;

interface Builder {
  text: string;
  terms: string[];
  used: boolean[];
  statistics: TermStatistics;
  carried: boolean;
  concepts: Concept[];
  glossaryHits: GlossaryEntry[];
  written: Map<string, string>;
}

export function conceptsOf(text: string, glossary: GlossaryEntry[], statistics: TermStatistics, carried = false): { concepts: Concept[]; glossaryHits: GlossaryEntry[] } {
  const builder: Builder = { text, terms: searchTerms(text), used: [], statistics, carried, concepts: [], glossaryHits: [], written: writtenForms(text) };
  builder.used = new Array<boolean>(builder.terms.length).fill(false);
  glossaryConcepts(builder, glossary);
  vocabularyConcepts(builder);
  wordConcepts(builder);
  return { concepts: builder.concepts, glossaryHits: builder.glossaryHits };
}

/** The words as written, to see capitals: "Lauren", "SPOTLIGHT", "France" name things. */
function writtenForms(text: string): Map<string, string> {
  const written = new Map<string, string>();
  const words = [...text.matchAll(/[\p{L}\p{N}]+(?:[-.'/][\p{L}\p{N}]+)*/gu)];
  words.forEach((match, i) => {
    const term = searchTerms(match[0])[0];
    if (term && !written.has(term)) written.set(term, i === 0 ? match[0].charAt(0).toLowerCase() + match[0].slice(1) : match[0]);
  });
  return written;
}

function idf(statistics: TermStatistics, term: string): number {
  const n = Math.max(1, statistics.documentCount);
  return Math.log(1 + (n + 0.5) / (statistics.documentFrequency(term) + 0.5));
}

const present = (statistics: TermStatistics, alternative: string[]) => alternative.every((term) => statistics.documentFrequency(term) > 0);

/**
 * A glossary entry's search terms, computed once per entry: the entries live as long as the
 * loaded index, and stemming all of them for every question was most of an answer's time in a
 * library of a hundred papers (bench `papers`, docs/PERFORMANCE.md).
 */
const entryTermCache = new WeakMap<GlossaryEntry, { short: string[]; long: string[] }>();
function entryTerms(entry: GlossaryEntry): { short: string[]; long: string[] } {
  let terms = entryTermCache.get(entry);
  if (!terms) {
    terms = { short: searchTerms(entry.short), long: searchTerms(entry.long) };
    entryTermCache.set(entry, terms);
  }
  return terms;
}

/** Abbreviations and their long forms, as phrases, both ways. */
function glossaryConcepts(builder: Builder, glossary: GlossaryEntry[]): void {
  const seen = new Set<string>();
  // Short forms already matched: another paper's entry for the same short form ("FL": foot
  // length in one paper, an author's initials in another) joins the same words.
  const matchedShort = new Set<string>();
  const asked = new Set(builder.terms);
  for (const entry of glossary) {
    const { short, long } = entryTerms(entry);
    if (short.length === 0 || long.length === 0) continue;
    // Most entries share no word with the question: skip them before any matching.
    if (!asked.has(short[0]!) && !asked.has(long[0]!) && !matchedShort.has(short.join(' '))) continue;
    // "im a plumber" is not IM: a two-letter short form counts only with a capital, as papers write it.
    const asWritten = (candidate: string[]) => candidate !== short || short.join('').length > 2 || /[A-Z]/.test(builder.written.get(short[0]!) ?? '');
    const form = [short, long].find((candidate) => asWritten(candidate) && findSequence(builder.terms, candidate, builder.used) !== -1);
    if (!form && !matchedShort.has(short.join(' '))) continue;
    if (form) {
      const at = findSequence(builder.terms, form, builder.used);
      for (let i = at; i < at + form.length; i++) builder.used[i] = true;
      if (form === short) matchedShort.add(short.join(' '));
    }
    const key = `${short.join(' ')}|${long.join(' ')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    builder.glossaryHits.push(entry);
    const existing = builder.concepts.find((concept) => concept.alternatives.some((alternative) => alternative.join(' ') === short.join(' ')));
    if (existing) {
      if (!existing.alternatives.some((alternative) => alternative.join(' ') === long.join(' '))) addAlternative(existing, long, 1);
      continue;
    }
    // Tables write "median PFS" as mPFS: let the plain abbreviation match its m-form too.
    const median = glossary.find((other) => other.short.toLowerCase() === `m${entry.short.toLowerCase()}`);
    const alternatives = median ? [short, long, searchTerms(median.short)] : [short, long];
    const isKey = (term: string) => keyTerm(builder, term);
    builder.concepts.push({
      label: entry.short,
      surface: form === short ? entry.short : entry.long,
      alternatives,
      weights: alternatives.map(() => 1),
      weight: Math.max(...short.map((term) => idf(builder.statistics, term))),
      // Key when named by its (rare) short form; a long form of common words is a description.
      key: form === short ? short.some(isKey) : long.every(isKey),
      carried: builder.carried,
      absent: false,
      name: /[A-Z]|\d/.test(entry.short.slice(1)),
      common: false,
    });
  }
}

/** Phrases the domain vocabulary knows: a brand name, a lay term, a journal's initials. */
function vocabularyConcepts(builder: Builder): void {
  for (const match of builder.statistics.vocabulary.matches(builder.terms)) {
    if (builder.used.slice(match.at, match.at + match.length).some(Boolean)) continue;
    const phrase = builder.terms.slice(match.at, match.at + match.length);
    // "which year": the words that shape a question stay question words whatever a vocabulary says of them.
    if (phrase.every((term) => QUESTION_WORDS.has(term))) continue;
    // "im a plumber", "btw": chat fillers name nothing.
    if (match.alternatives.some((alternative) => alternative.length === 0)) {
      for (let i = match.at; i < match.at + match.length; i++) builder.used[i] = true;
      continue;
    }
    const known = [phrase, ...match.alternatives].filter((alternative) => present(builder.statistics, alternative));
    if (known.length === 0) continue;
    for (let i = match.at; i < match.at + match.length; i++) builder.used[i] = true;
    const alternatives = [phrase, ...match.alternatives.filter((alternative) => alternative.join(' ') !== phrase.join(' '))];
    // "ppl" is people: an everyday word however a chat writes it (the line's first phrase is the word papers use).
    const common = (match.written[0] ?? '').split(/\s+/).every((word) => isCommonWord(word));
    const weight = Math.max(...known.map((alternative) => Math.max(...alternative.map((term) => idf(builder.statistics, term)))));
    builder.concepts.push({
      label: phrase.join(' '),
      surface: writtenPhrase(builder, phrase),
      alternatives,
      weights: alternatives.map(() => 1),
      weight: common ? Math.min(weight, EVERYDAY_WEIGHT + EVERYDAY_SHARE * weight) : weight,
      key: !common && known.some((alternative) => alternative.some((term) => keyTerm(builder, term))),
      carried: builder.carried,
      absent: false,
      name: /[A-Z]/.test(builder.written.get(phrase[0]!) ?? ''),
      common,
    });
  }
}

/** Every other word: itself, its hyphen parts, and what the corpus may call it instead. */
function wordConcepts(builder: Builder): void {
  const { statistics } = builder;
  const numbers = numberValues(builder.text);
  const labels = foldForSearch(builder.text).match(/[a-z0-9]+(?:[-.'/][a-z0-9]+)*/g) ?? [];
  let position = 0;
  for (const token of searchTokens(builder.text)) {
    const at = position;
    position += 1 + token.parts.length;
    if (builder.used[at] || QUESTION_WORDS.has(token.term)) continue;
    if (builder.concepts.some((concept) => concept.alternatives.some((alternative) => alternative.length === 1 && alternative[0] === token.term))) continue;
    const name = isName(builder, token.term);
    const alternatives: string[][] = token.parts.length > 0 ? [[token.term], token.parts] : [[token.term]];
    const weights = alternatives.map(() => 1);
    const unseen = statistics.documentFrequency(token.term) === 0;
    const add = (alternative: string[], weight: number) => {
      if (alternatives.some((existing) => existing.join(' ') === alternative.join(' '))) return;
      alternatives.push(alternative);
      weights.push(weight);
    };
    const label = labels.find((candidate) => searchTerms(candidate)[0] === token.term) ?? token.term;
    for (const either of slashAlternatives(label)) add(either, 1);
    if (numbers.has(token.term)) add([numbers.get(token.term)!], 1);
    const common = isCommon(builder, token.term);
    // An everyday word is no cut of a longer one ("bread" is no "breadth"), nor a misspelling of
    // another everyday word ("bread" is no "breed"), though it may be another form of one
    // ("strongest", "strong"); WordNet relates it below.
    const misread = (alias: string[]) => common && alias.length === 1 && isCommonWord(alias[0]!) && !sameStem(token.term, alias[0]!);
    if (unseen) for (const alias of statistics.aliases(token.term, name || common)) if (!misread(alias)) add(alias, ALIAS_WEIGHT);
    // "Tyr369", "150mm": letters and digits the papers write apart ("Tyr 369", "150 mm").
    const apart = unseen ? lettersAndDigits(token.term) : undefined;
    if (apart) add(apart, 1);
    // Ordinary words may be said differently ("live longer" → survival); names never are.
    if (!name && token.parts.length === 0) for (const [other, weight] of statistics.related(token.term)) add([other], LEXICON_WEIGHT * weight);
    const surest = alternatives.map((alternative, i) => ({ alternative, weight: weights[i]! })).filter(({ alternative }) => present(statistics, alternative));
    const key = (keyTerm(builder, token.term) && (token.parts.length === 0 || token.parts.some((part) => keyTerm(builder, part)))) || (unseen && token.parts.some((part) => /^\d+$/.test(part)));
    builder.concepts.push({
      label,
      surface: builder.written.get(token.term) ?? label,
      alternatives,
      weights,
      weight: wordWeight(statistics, alternatives[0]!, surest, common),
      key,
      carried: builder.carried,
      absent: surest.length === 0 && token.parts.every((part) => statistics.documentFrequency(part) === 0),
      name,
      common,
    });
  }
}

/**
 * How much a word weighs: its inverse document frequency (or, when the corpus lacks it, that
 * of the surest form the corpus has), less for an everyday word — "supervisor", "wants",
 * "actually" are the asker's wording, however rare in the papers.
 */
function wordWeight(statistics: TermStatistics, written: string[], surest: { alternative: string[]; weight: number }[], common: boolean): number {
  const own = present(statistics, written) ? Math.max(...written.map((term) => idf(statistics, term))) : 0;
  const other = surest.length > 0 ? Math.max(...surest.map(({ alternative, weight }) => weight * Math.max(...alternative.map((term) => idf(statistics, term))))) : 0;
  // A synonym helps find the word; it does not make an everyday word the subject.
  const weight = own > 0 ? own : other > 0 ? other : idf(statistics, written[0]!);
  return common ? Math.min(weight, EVERYDAY_WEIGHT + EVERYDAY_SHARE * weight) : weight;
}

/** A phrase of search terms as the text writes it. */
function writtenPhrase(builder: Builder, phrase: string[]): string {
  return phrase.map((term) => builder.written.get(term) ?? term).join(' ');
}

/** "fifteen" → "15": the search term of each number word and the digits it stands for. */
function numberValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const number of numberWords(text)) {
    const term = searchTerms(number.text.split(/[\s-]+/)[0]!)[0];
    if (term) values.set(term, String(number.value));
  }
  return values;
}

/**
 * "organs/tissues", "dog/wolf": a slash between words means either, so each word alone is the
 * concept too; between codes ("N-ACE/33RE", "HER2/neu") it joins a complex, and beside a unit's
 * short abbreviation ("mg/kg", "ml/min", "mmol/l") it means per: those stay whole.
 */
function slashAlternatives(label: string): string[][] {
  const pieces = label.split('/');
  if (pieces.length < 2 || pieces.some((piece) => !/^[a-z]{3,}(?:-[a-z]+)*$/.test(piece))) return [];
  return pieces.map((piece) => searchTerms(piece).slice(0, 1)).filter((terms) => terms.length > 0);
}

/** "tyr369" → ["tyr", "369"]; undefined for a plain word or number, or a piece too short to search. */
function lettersAndDigits(term: string): string[] | undefined {
  const pieces = term.match(/[a-z]+|\d+(?:\.\d+)?/g) ?? [];
  if (pieces.length < 2 || pieces.some((piece) => /^[a-z]$/.test(piece))) return undefined;
  return pieces.map((piece) => searchTerms(piece)[0] ?? piece);
}

function isName(builder: Builder, term: string): boolean {
  const word = builder.written.get(term) ?? term;
  return /[A-Z]/.test(word) || /\d/.test(word);
}

/** Two terms are forms of one word when they differ only in the last two letters of the shorter. */
function sameStem(a: string, b: string): boolean {
  const shared = commonPrefix(a, b);
  return shared >= Math.min(a.length, b.length) - 2 && shared >= 4;
}

function isCommon(builder: Builder, term: string): boolean {
  const common = (word: string) => isCommonWord(word) || isCommonWord(word.replace(/(ies)$/, 'y').replace(/(es|s|ed|ing|ly)$/, ''));
  // "follow-up" is everyday English when each of its pieces is.
  return (builder.written.get(term) ?? term).toLowerCase().split(/[-/]/).every((piece) => piece.length === 0 || common(piece));
}

/**
 * Key terms must appear with the answer: rare terms of the corpus, and words the corpus never
 * uses unless they are everyday English (a paraphrase, not a missing subject).
 */
function keyTerm(builder: Builder, term: string): boolean {
  const { statistics } = builder;
  const n = Math.max(1, statistics.documentCount);
  const df = statistics.documentFrequency(term);
  if (df === 0) return isName(builder, term) || !isCommon(builder, term);
  if (/\d/.test(term)) return term.length >= 2 && df <= 0.15 * n;
  return df <= Math.max(3, 0.04 * n) && (isName(builder, term) || !isCommon(builder, term));
}

function addAlternative(concept: Concept, alternative: string[], weight: number): void {
  concept.alternatives.push(alternative);
  concept.weights.push(weight);
}

/** Where `sequence` starts among `terms` (skipping used positions), or -1. */
function findSequence(terms: string[], sequence: string[], used: boolean[]): number {
  outer: for (let i = 0; i + sequence.length <= terms.length; i++) {
    for (let j = 0; j < sequence.length; j++) if (terms[i + j] !== sequence[j] || used[i + j]) continue outer;
    return i;
  }
  return -1;
}

/** The match of a concept in a set of terms: the weight of its surest alternative found, or 0. */
/** What matchWeight needs of a text's terms: a Set, or several seen as one. */
export interface Has {
  has(term: string): boolean;
}

export function matchWeight(concept: Concept, terms: Has): number {
  let best = 0;
  concept.alternatives.forEach((alternative, i) => {
    if (concept.weights[i]! > best && alternative.every((term) => terms.has(term))) best = concept.weights[i]!;
  });
  return best;
}

// Words that shape a question but never name what it is about.
export const QUESTION_WORDS = new Set(
  searchTerms(
    'what which who whom whose when where why how many much often long does did do is are was were can could should would ' +
      'tell give list name describe explain compare comparison mention mentioned according paper review authors author article text ' +
      'reported report reports show shown find found study studies kind type main role use used using stand stands abbreviation ' +
      'abbreviated acronym short mean means meaning refer refers define definition called known anything something happen ' +
      'happens happened versus compared differ difference different cited cite citation journal published doi first year',
  ),
);
