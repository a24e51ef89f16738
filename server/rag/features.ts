/**
 * The features the answering model weighs, as named functions: one set describes a candidate
 * sentence against the question (how much of the question it covers, with what certainty, in
 * which kind of passage, how highly retrieval ranked it), the other the question against its
 * best evidence (is its subject in the corpus at all, does any sentence hold what it asks).
 * The model's weights for them are fitted by `npm run train` (eval/train.ts) and live in
 * server/rag/answer-model.json.
 */
import type { Chunk } from '../../lib/types.ts';
import type { Concept } from './concepts.ts';
import type { AnalyzedQuestion } from './question.ts';

/** A sentence of a candidate passage and what the features need to know about it. */
export interface SentenceContext {
  question: AnalyzedQuestion;
  chunk: Chunk;
  text: string;
  /** Sentence order inside its passage. */
  position: number;
  sentenceTerms: Set<string>;
  /** How surely (matchWeight) each of the question's concepts, in its order, is found in the sentence, around it, in the paper's title and keywords, and in the sentences next to it. */
  matches: ConceptMatches;
  /** The sentence's adjacent search terms as "a b" pairs, for phrase overlap. */
  sentencePairs: Set<string>;
  passageRank: number;
  /** Fused retrieval score relative to the best passage's. */
  prior: number;
  /** Cosine similarity of the passage's vector to the question's. */
  dense: number;
  /** Share of the retrieved score that fell to this passage's paper. */
  paperShare: number;
  /** The sentence holds the kind of answer the question expects. */
  typed: boolean;
  /** The sentence names a kind of what the question asks for (methionine for "which amino acids"). */
  focusMember: boolean;
  defines: boolean;
  enumerates: boolean;
  compares: boolean;
  /** The passage is front or back matter (authors, funding, licence). */
  metadata: boolean;
  /** Cosine similarity of the sentence's own vector to the question's (the passage's when sentences have none). */
  sentenceDense: number;
}

/**
 * matchWeight of each concept of the question (by its index) in one text: worked out once per
 * sentence, read by many features. "Context" is the sentence's heading, paragraph (a table
 * row's caption and header), the titles of the references it cites and its paper's title.
 */
export interface ConceptMatches {
  sentence: number[];
  context: number[];
  paper: number[];
  neighbors: number[][];
}

/**
 * What a question's wh-word asks for, as English writes answers to it: reasons ("because",
 * "due to"), people (names, "et al."), places ("in Cheongju"), ways ("by using"), times.
 */
export type WhWord = 'why' | 'who' | 'where' | 'how' | 'when';

const CUES: Record<WhWord, RegExp> = {
  why: /\b(?:because|due to|since|as a result|owing to|caused by|leads? to|in order to|so that|reason|explain(?:s|ed)? by|attribut\w+ to)\b/i,
  who: /\b(?:[A-Z][a-z]+ (?:[A-Z]\.\s?)*[A-Z][a-z]+|et al\.?|Dr\.? [A-Z]|[A-Z][a-z]+ and [A-Z][a-z]+ \(\d{4})\b/,
  where: /\b(?:in|at|from) (?:the )?[A-Z][a-z]+/,
  how: /\b(?:by (?:using|means of|\w+ing)|using|through|via|with the help of)\b/i,
  when: /\b(?:1[89]|20)\d{2}\b|\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b/,
};

/** The wh-word a question opens with (or leads a clause with). */
export function whWord(question: string): WhWord | undefined {
  const match = /\b(why|who|whom|where|how|when)\b(?!\s+(?:many|much|long|often|big|large|old))/i.exec(question);
  const word = match?.[1]?.toLowerCase();
  return word === 'whom' ? 'who' : (word as WhWord | undefined);
}

type Feature<T> = (context: T) => number;

/** The question's own concepts (not carried from an earlier turn) and its key ones, by index, with their total weight. */
interface QuestionParts {
  own: number[];
  keys: number[];
  carried: number[];
  ownWeight: number;
}

const partsCache = new WeakMap<AnalyzedQuestion, QuestionParts>();

function partsOf(question: AnalyzedQuestion): QuestionParts {
  let parts = partsCache.get(question);
  if (!parts) {
    const indices = question.concepts.map((_, i) => i);
    const own = indices.filter((i) => !question.concepts[i]!.carried);
    const ownWeight = own.reduce((sum, i) => sum + question.concepts[i]!.weight, 0) || 1;
    parts = { own, keys: own.filter((i) => question.concepts[i]!.key), carried: indices.filter((i) => question.concepts[i]!.carried), ownWeight };
    partsCache.set(question, parts);
  }
  return parts;
}

/** Share of the question's own weight that `match` finds (each concept by how surely). */
function coverage(question: AnalyzedQuestion, match: (i: number) => number): number {
  const parts = partsOf(question);
  let sum = 0;
  for (const i of parts.own) sum += question.concepts[i]!.weight * match(i);
  return sum / parts.ownWeight;
}

/** The question's own concepts, and the share of a list's weight that `match` finds (for the decision's few features). */
const own = (question: AnalyzedQuestion) => partsOf(question).own.map((i) => question.concepts[i]!);
const weightedShare = (concepts: Concept[], match: (concept: Concept) => number) =>
  concepts.reduce((sum, concept) => sum + concept.weight * match(concept), 0) / (concepts.reduce((sum, concept) => sum + concept.weight, 0) || 1);

const found = (c: SentenceContext, i: number) => c.matches.sentence[i]! > 0 || c.matches.context[i]! > 0;

/** Kinds of answer a sentence either holds or does not (a number with its unit, a year, a DOI). */
export const STRICT_TYPES: ReadonlySet<string> = new Set(['percentage', 'frequency', 'duration', 'count', 'year', 'dose', 'money', 'doi', 'ratio', 'version']);

export const SENTENCE_FEATURES: Record<string, Feature<SentenceContext>> = {
  /** Share of the question's weight in the sentence, each concept by its surest form found. */
  coverage: (c) => coverage(c.question, (i) => c.matches.sentence[i]!),
  /** … found only around the sentence (heading, paragraph, cited titles). */
  contextCoverage: (c) => coverage(c.question, (i) => (c.matches.sentence[i]! > 0 ? 0 : c.matches.context[i]!)),
  /** … as the question writes it (no synonyms, no aliases). */
  exactCoverage: (c) => coverage(c.question, (i) => (c.question.concepts[i]!.alternatives[0]!.every((term) => c.sentenceTerms.has(term)) ? 1 : 0)),
  /** Share of the key concepts (names, rare terms) in the sentence or around it; 1 without any. */
  keyCoverage: (c) => share(partsOf(c.question).keys, (i) => found(c, i)),
  /** Share of the key concepts in the sentence itself. */
  keyInSentence: (c) => share(partsOf(c.question).keys, (i) => c.matches.sentence[i]! > 0),
  /** Names and codes of the question missing from the sentence and its context (0, ½, 1 for two or more). */
  missingNames: (c) => Math.min(2, partsOf(c.question).keys.filter((i) => (c.question.concepts[i]!.name || c.question.concepts[i]!.absent) && !found(c, i)).length) / 2,
  /** Names and codes carried from the earlier turn missing from the sentence and its context (0, ½, 1). */
  missingCarriedNames: (c) => Math.min(2, partsOf(c.question).carried.filter((i) => c.question.concepts[i]!.key && c.question.concepts[i]!.name && !found(c, i)).length) / 2,
  /** The earlier turn's subject, for a follow-up, around the sentence; 0 when there is none. */
  carriedCoverage: (c) => {
    const carried = partsOf(c.question).carried;
    return carried.length === 0 ? 0 : share(carried, (i) => found(c, i));
  },
  typed: (c) => (c.question.expected !== 'none' && c.typed ? 1 : 0),
  typeMissing: (c) => (STRICT_TYPES.has(c.question.expected) && !c.typed ? 1 : 0),
  passageRank: (c) => 1 / (1 + c.passageRank),
  prior: (c) => c.prior,
  dense: (c) => c.dense,
  paperShare: (c) => c.paperShare,
  /** Share of the question's weight that names the sentence's paper (its title, keywords). */
  paperNamed: (c) => coverage(c.question, (i) => c.matches.paper[i]!),
  tableRow: (c) => (c.chunk.kind === 'table-row' ? 1 : 0),
  reference: (c) => (c.chunk.kind === 'reference' ? 1 : 0),
  referenceAsked: (c) => (c.chunk.kind === 'reference' && c.question.intent === 'reference' ? 1 : 0),
  caption: (c) => (c.chunk.kind === 'figure-caption' ? 1 : 0),
  metadata: (c) => (c.metadata ? 1 : 0),
  metadataAsked: (c) => (c.metadata && c.question.aboutPaper ? 1 : 0),
  abstract: (c) => (c.chunk.section === 'Abstract' ? 1 : 0),
  /** Length in characters, on a log scale where 600 is 1. */
  length: (c) => Math.log(1 + c.text.length) / Math.log(601),
  firstSentence: (c) => (c.position === 0 ? 1 : 0),
  /** Share of the question's adjacent word pairs that stand side by side in the sentence. */
  phrases: (c) => phraseOverlap(c),
  /** A number the question names is in the sentence; 0 when the question names none. */
  numberMatch: (c) => (c.question.numbers.length === 0 ? 0 : share(c.question.numbers, (number) => c.sentenceTerms.has(number))),
  /** Share of the question's focus words ("which *kernel*", "how many *patients*") in the sentence; 0 without a focus. */
  focus: (c) => (c.question.focus.length === 0 ? 0 : share(c.question.focus, (term) => c.sentenceTerms.has(term))),
  /** The sentence names a kind of the question's focus, by WordNet ("which organs" → heart, kidney); 0 without a focus. */
  focusMember: (c) => (c.focusMember ? 1 : 0),
  /** The sentence's own similarity to the question, beyond its passage's. */
  sentenceDense: (c) => c.sentenceDense,
  /** The sentence reads like an answer to the question's wh-word (a reason for "why", a name for "who"). */
  cue: (c) => {
    const wh = c.question.wh;
    return wh && CUES[wh].test(c.text) ? 1 : 0;
  },
  /** The best coverage of a sentence next to it: answers follow the sentence that sets them up. */
  neighborCoverage: (c) => Math.max(0, ...c.matches.neighbors.map((neighbor) => coverage(c.question, (i) => neighbor[i]!))),
  /** Coverage and key concepts together, and coverage with the vector similarity: each alone misleads. */
  coverageWithKeys: (c) => SENTENCE_FEATURES.coverage!(c) * SENTENCE_FEATURES.keyCoverage!(c),
  coverageWithDense: (c) => SENTENCE_FEATURES.coverage!(c) * c.dense,
  typedCoverage: (c) => (c.typed && c.question.expected !== 'none' ? SENTENCE_FEATURES.coverage!(c) : 0),
  defines: (c) => (c.question.intent === 'definition' && c.defines ? 1 : 0),
  enumerates: (c) => (c.question.wantsMany && c.enumerates ? 1 : 0),
  compares: (c) => (c.question.comparative && c.compares ? 1 : 0),
};

/**
 * Features also given as the distance below the best candidate of the same question: the model
 * weighs each sentence alone, but an answer is the best of its candidates, and what is a high
 * coverage for one question is a low one for another.
 */
const RELATIVE_TO_BEST = ['coverage', 'keyCoverage', 'sentenceDense', 'phrases', 'focus', 'typedCoverage'] as const;
const OWN_FEATURE_NAMES = Object.keys(SENTENCE_FEATURES);

export const SENTENCE_FEATURE_NAMES = [...OWN_FEATURE_NAMES, ...RELATIVE_TO_BEST.map((name) => `${name}BelowBest`)];

/** A sentence's own features; `relativeToBest` completes the vectors of all of a question's candidates. */
export function sentenceFeatures(context: SentenceContext): number[] {
  return OWN_FEATURE_NAMES.map((name) => SENTENCE_FEATURES[name]!(context));
}

/**
 * Appends, to each candidate's vector, how far below the question's best candidate it falls on
 * RELATIVE_TO_BEST; the best among the `trusted` ones when there are any (a planted passage
 * stuffed with the question's words must not set the bar for the others).
 */
export function relativeToBest(vectors: number[][], trusted: boolean[] = vectors.map(() => true)): void {
  const columns = RELATIVE_TO_BEST.map((name) => OWN_FEATURE_NAMES.indexOf(name));
  const bar = trusted.some(Boolean) ? vectors.filter((_, i) => trusted[i]) : vectors;
  const best = columns.map((column) => bar.reduce((most, vector) => Math.max(most, vector[column]!), 0));
  for (const vector of vectors) vector.push(...columns.map((column, i) => best[i]! - vector[column]!));
}

const SENTENCE_FEATURE_INDEX = new Map(SENTENCE_FEATURE_NAMES.map((name, i) => [name, i]));

/** One named feature of a sentence's vector. */
export function sentenceFeature(vector: number[], name: keyof typeof SENTENCE_FEATURES): number {
  return vector[SENTENCE_FEATURE_INDEX.get(name)!]!;
}

function share<T>(items: T[], holds: (item: T) => boolean): number {
  return items.length === 0 ? 1 : items.filter(holds).length / items.length;
}

/** Adjacent pairs of the question's content terms that also stand together in the sentence. */
function phraseOverlap(c: SentenceContext): number {
  let pairs = questionPairs.get(c.question);
  if (!pairs) questionPairs.set(c.question, (pairs = [...adjacentPairs(c.question.termSequence)]));
  if (pairs.length === 0) return 0;
  return pairs.filter((pair) => c.sentencePairs.has(pair)).length / pairs.length;
}

const questionPairs = new WeakMap<AnalyzedQuestion, string[]>();

/** What the decision features need: the question, and its candidates with the model's probabilities. */
export interface DecisionContext {
  question: AnalyzedQuestion;
  /** Candidate probabilities, best first. */
  probabilities: number[];
  best?: { coverage: number; keyCoverage: number; typed: boolean };
  /** Among the few best candidates, one holds the expected kind of answer. */
  typedNearTop: boolean;
  topPaperShare: number;
  bestDense: number;
}

export const DECISION_FEATURES: Record<string, Feature<DecisionContext>> = {
  bestProbability: (d) => d.probabilities[0] ?? 0,
  secondProbability: (d) => d.probabilities[1] ?? 0,
  bestCoverage: (d) => d.best?.coverage ?? 0,
  bestKeyCoverage: (d) => d.best?.keyCoverage ?? 0,
  /** Names and codes of the question that no passage of the corpus uses (0, ½, 1 for two or more). */
  absentNames: (d) => Math.min(2, own(d.question).filter((concept) => concept.absent && concept.name).length) / 2,
  /** Other uncommon words no passage uses (jargon, misspellings the corpus has no near form of). */
  absentRare: (d) => Math.min(2, own(d.question).filter((concept) => concept.absent && !concept.name && !concept.common).length) / 2,
  /** Share of the question's weight in words the corpus never uses (everyday words excluded). */
  absentShare: (d) => weightedShare(own(d.question).filter((concept) => !concept.common || concept.absent), (concept) => (concept.absent && !concept.common ? 1 : 0)),
  /** Share of the question's words that are everyday English: off-topic questions are all such. */
  commonShare: (d) => share(own(d.question), (concept) => concept.common),
  /** Share of the question's concepts the corpus uses somewhere. */
  corpusCoverage: (d) => share(own(d.question), (concept) => !concept.absent),
  typeMissing: (d) => (STRICT_TYPES.has(d.question.expected) && !d.typedNearTop ? 1 : 0),
  topPaperShare: (d) => d.topPaperShare,
  bestDense: (d) => d.bestDense,
  /** How many things the question names, on a log scale (longer questions cover less). */
  concepts: (d) => Math.log(1 + own(d.question).length) / Math.log(11),
};

export const DECISION_FEATURE_NAMES = Object.keys(DECISION_FEATURES);

export function decisionFeatures(context: DecisionContext): number[] {
  return DECISION_FEATURE_NAMES.map((name) => DECISION_FEATURES[name]!(context));
}

/** "a b", "b c" for the terms a b c. */
export function adjacentPairs(terms: string[]): Set<string> {
  const pairs = new Set<string>();
  for (let i = 1; i < terms.length; i++) pairs.add(`${terms[i - 1]} ${terms[i]}`);
  return pairs;
}
