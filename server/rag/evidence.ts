/**
 * Sentence-level evidence. Every sentence of the retrieved passages (and their neighbours) is
 * described by the features of features.ts and scored by the fitted sentence model: how
 * likely it is to state (part of) the answer. Then the decision, also fitted: does the corpus
 * hold an answer at all, and if so which sentences give it.
 */
import { numberWords } from '../../lib/lexicon/numbers.ts';
import { searchTerms } from '../../lib/text.ts';
import type { Chunk, Reference } from '../../lib/types.ts';
import { matchWeight, QUESTION_WORDS, type Has } from './concepts.ts';
import { decisionFeatures, relativeToBest, sentenceFeature, sentenceFeatures, DECISION_FEATURES, STRICT_TYPES, type ConceptMatches, type DecisionContext } from './features.ts';
import type { CitedSentence, Library } from './library.ts';
import { probability, type AnswerModel } from './model.ts';
import type { AnalyzedQuestion, AnswerType } from './question.ts';
import type { Passage } from './retrieve.ts';

export interface Evidence {
  chunk: Chunk;
  text: string;
  /** Sentence order inside the passage. */
  position: number;
  refs: number[];
  /** The sentence model's probability that this sentence answers. */
  score: number;
  features: number[];
  /** Share of the question's weight found in the sentence or its context. */
  coverage: number;
  /** The sentence's search terms. */
  terms: Set<string>;
  /** Concepts (by index) found in the sentence itself. */
  inSentence: Set<number>;
  /** Concepts found in the sentence or its context (heading, paragraph, cited titles). */
  inContext: Set<number>;
  /** Holds the expected kind of answer. */
  typed: boolean;
  passageRank: number;
}

/** Sections about the paper rather than its subject. */
const METADATA_SECTION = /^(?:front matter|keywords|author contributions?|authors?['’]? (?:contributions?|information|details)|funding|conflicts? of interest|competing interests|generative ai statement|publisher'?s note|acknowledge?ments?|data availability|code availability|ethics|abbreviations|additional (?:file|information)|declarations?|correspondence)/i;

/** A sentence that lists things: "including A, B, C", "such as", three commas. */
const ENUMERATES = /\b(?:includ(?:e|es|ing)|such as|namely|categorized into|consists? of)\b/i;
/** … or holds three commas (counted: a regular expression for it backtracks on long sentences). */
const enumerates = (text: string) => ENUMERATES.test(text) || (text.match(/,/g)?.length ?? 0) >= 3;

/** A sentence that sets two results side by side. */
const COMPARES = /\bvs\.?\s|\bversus\b|\bcompared (?:with|to)\b|\bthan\b|\brespectively\b|\bin comparison\b/i;

const PATTERNS: Record<Exclude<AnswerType, 'none' | 'journal' | 'author' | 'outcome' | 'count'>, RegExp> = {
  percentage: /\d(?:\.\d+)?\s*%|\bper ?cent\b|\d(?:\.\d+)?-?\s*(?:fold|times)\b/i,
  frequency: /\d(?:\.\d+)?\s*%|\bper ?cent\b|\b(?:every|each|per|a)\s+(?:\w+\s+)?(?:hour|day|week|fortnight|month|year|visit|cycle)s?\b|\b(?:once|twice|thrice|\d+\s+times)\b|\b(?:hourly|daily|weekly|fortnightly|monthly|quarterly|annually|yearly)\b/i,
  duration: /\d(?:\.\d+)?\s*(?:-|to|–)?\s*(?:months?|weeks?|days?|years?|hours?|minutes?|min|h)\b|\bmonths?\b/i,
  year: /\b(?:1[89]|20)\d{2}\b/,
  dose: /\d\s*(?:mg|µg|mcg|g|ml|mL|IU|units?)(?:\s*\/\s*(?:kg|m2|m²|day|d))?\b|\bmg\/kg\b/i,
  money: /[$€£¥]\s*\d|\b\d[\d,.]*\s*(?:dollars?|euros?|usd|eur|gbp|yuan|rmb|pounds?)\b/i,
  doi: /\b10\.\d{4,9}\/\S+/,
  version: /\b(?:v|version|release)\s*\d+(?:\.\d+)*\b|\b\d+\.\d+(?:\.\d+)+\b/i,
  ratio: /\bhazard ratio\b|\bodds ratio\b|\b(?:HR|OR|RR)\b\s*[=:,(]?\s*\d|\b\d\.\d+\s*\(\s*\d\.\d+\s*[-–]\s*\d\.\d+\s*\)/,
};

/** A reported result: a percentage, a duration, a fold change, a ratio with its interval. */
const RESULT = /\d(?:\.\d+)?\s*(?:%|months?|weeks?|-?fold)|\b\d\.\d+\s*\(\s*\d/i;

/** Whether `text` holds an answer of the expected kind (for counts, of the thing counted). */
export function holdsType(text: string, expected: AnswerType, counted?: string): boolean {
  // Citations such as "(24)" or "[3]" are not counts or years; strip them first.
  const plain = text.replace(/[([]\d{1,3}(?:\s*[,–-]\s*\d{1,3})*[)\]]/g, '');
  if (expected === 'none' || expected === 'journal' || expected === 'author') return true;
  if (expected === 'outcome') return RESULT.test(plain);
  if (expected === 'count') {
    // A whole number (digits or words), not part of a decimal or a name, followed closely by the thing counted.
    const digits = [...plain.matchAll(/(?<![\d.\-/A-Za-z])(\d{1,3}(?:[, ]\d{3})*|\d+)(?![\d.%]|\s*(?:months?|weeks?|days?|years?|mg)\b)/g)].map((match) => match.index + match[0].length);
    // "Fifteen new openings", "twenty-two sites"; not ordinals ("the fifth wave").
    const words = numberWords(plain).filter((number) => !/(?:st|nd|rd|th)$/i.test(number.text)).map((number) => number.end);
    const followedBy = (end: number) => searchTerms(/^(?:\s+\S+){0,4}/.exec(plain.slice(end))?.[0] ?? '');
    return [...digits, ...words].some((end) => !counted || followedBy(end).includes(counted));
  }
  return PATTERNS[expected].test(plain);
}

/** Scores every sentence of the passages (plus their neighbours) against the question. */
export function scoreEvidence(question: AnalyzedQuestion, passages: Passage[], library: Library, model: AnswerModel | undefined = library.model): Evidence[] {
  const scope: QuestionScope = {
    question,
    library,
    paperShares: paperShare(passages, library),
    questionVector: library.sentenceVector(question.searchText),
    echoes: echoOf(question),
    members: library.focusMembers(question.focus),
  };
  const namesAll = usesTheNames(question, library);
  const evidence = candidatePassages(passages, library).flatMap((candidate) => (namesAll(candidate.chunk.docId) ? passageEvidence(scope, candidate) : []));
  relativeToBest(
    evidence.map((item) => item.features),
    evidence.map((item) => item.chunk.instructions !== true),
  );
  if (model) for (const item of evidence) item.score = probability(model.sentence, item.features);
  // A passage that addresses a language model is planted text or at best unreliable: its other
  // sentences answer only after every sentence of the passages that do not (a passage stuffed
  // with the question's words would otherwise lead).
  return evidence.sort((a, b) => Number(a.chunk.instructions === true) - Number(b.chunk.instructions === true) || b.score - a.score);
}

/** What every candidate passage of one question shares. */
interface QuestionScope {
  question: AnalyzedQuestion;
  library: Library;
  paperShares: Map<string, number>;
  questionVector: number[] | undefined;
  /** The sentence is made only of the question's own words (echoOf). */
  echoes: (terms: Set<string>) => boolean;
  /** The corpus words that are kinds of the question's focus. */
  members: ReadonlySet<string>;
}

/** The sentences of one candidate passage as evidence, unscored: each concept matched once per sentence, its context and its paper. */
function passageEvidence(scope: QuestionScope, candidate: Candidate): Evidence[] {
  const { question, library } = scope;
  const { chunk } = candidate;
  const context = contextTerms(chunk, library);
  const paperTerms = library.retriever.paperTerms(chunk.docId);
  const sentences = library.sentences(chunk);
  const termSets = sentences.map((sentence) => library.terms(`sentence:${chunk.id}:${sentence.start}`, () => sentence.text));
  const matchesOf = (terms: Has) => question.concepts.map((concept) => matchWeight(concept, terms));
  const sentenceMatches = termSets.map(matchesOf);
  const paper = matchesOf(paperTerms);
  return sentences.flatMap((sentence, position) => {
    if (scope.echoes(termSets[position]!)) return [];
    const cited = sentence.refs.map((n) => library.terms(`cited:${chunk.docId}:${n}`, () => citedText(library.reference(chunk.docId, n))));
    // Around the sentence: its heading and paragraph, the titles it cites, its paper's title and keywords.
    const around = [...context, ...cited, paperTerms];
    const matches: ConceptMatches = {
      sentence: sentenceMatches[position]!,
      context: matchesOf({ has: (term) => around.some((terms) => terms.has(term)) }),
      paper,
      neighbors: [sentenceMatches[position - 1], sentenceMatches[position + 1]].filter((match): match is number[] => match !== undefined),
    };
    return [sentenceEvidence(scope, candidate, sentence, position, termSets[position]!, matches)];
  });
}

function sentenceEvidence(scope: QuestionScope, candidate: Candidate, sentence: CitedSentence, position: number, sentenceTerms: Set<string>, matches: ConceptMatches): Evidence {
  const { question, library } = scope;
  const { chunk, rank, prior, dense } = candidate;
  const key = `${chunk.id}:${sentence.start}`;
  const typed = holdsType(sentence.text, question.expected, question.counted);
  const vector = sentenceFeatures({
    question,
    chunk,
    text: sentence.text,
    position,
    sentenceTerms,
    matches,
    sentencePairs: library.pairs(`sentence:${key}`, () => sentence.text),
    passageRank: rank,
    prior,
    dense,
    paperShare: scope.paperShares.get(chunk.docId) ?? 0,
    typed,
    focusMember: scope.members.size > 0 && holdsAny(sentenceTerms, scope.members),
    defines: definesSubject(library.terms(`opening:${key}`, () => opening(sentence.text)), question),
    enumerates: enumerates(sentence.text),
    compares: COMPARES.test(sentence.text),
    metadata: METADATA_SECTION.test(chunk.section) || METADATA_SECTION.test(chunk.sectionPath[0] ?? ''),
    sentenceDense: scope.questionVector ? cosine(scope.questionVector, library.sentenceVector(sentence.text, key)!) : dense,
  });
  const inSentence = new Set<number>();
  const inContext = new Set<number>();
  question.concepts.forEach((_, i) => {
    if (matches.sentence[i]! > 0) inSentence.add(i);
    if (matches.sentence[i]! > 0 || matches.context[i]! > 0) inContext.add(i);
  });
  return {
    chunk,
    text: sentence.text,
    position,
    refs: sentence.refs,
    score: 0,
    features: vector,
    coverage: sentenceFeature(vector, 'coverage') + sentenceFeature(vector, 'contextCoverage'),
    terms: sentenceTerms,
    inSentence,
    inContext,
    typed,
    passageRank: rank,
  };
}

function holdsAny(terms: Set<string>, wanted: ReadonlySet<string>): boolean {
  for (const term of terms) if (wanted.has(term)) return true;
  return false;
}

/**
 * A wh-question asks for something it does not say: a sentence made only of the question's own
 * words (its heading, a planted copy of it) cannot answer it. A yes/no question can be answered
 * by its own words ("T-DXd improved survival"), so it is exempt.
 */
function echoOf(question: AnalyzedQuestion): (terms: Set<string>) => boolean {
  if (!WH_QUESTION.test(question.text)) return () => false;
  const own = new Set([...question.termSequence, ...question.concepts.flatMap((concept) => concept.alternatives.flat())]);
  return (terms) => {
    for (const term of terms) if (!own.has(term) && !QUESTION_WORDS.has(term)) return false;
    return terms.size > 0;
  };
}

const WH_QUESTION = /\b(?:what|which|who|whom|whose|when|where|why|how)\b/i;

/** Whether a paper uses every name the question gives: "the Betula participants" are in no sentence of a paper that never says Betula. */
function usesTheNames(question: AnalyzedQuestion, library: Library): (docId: string) => boolean {
  const names = question.concepts.filter((concept) => concept.key && concept.name && !concept.carried && !concept.absent);
  return (docId) => names.every((concept) => matchWeight(concept, library.paperVocabulary(docId)) > 0 || matchWeight(concept, library.retriever.paperTerms(docId)) > 0);
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

interface Candidate {
  chunk: Chunk;
  rank: number;
  prior: number;
  dense: number;
}

/** Candidate passages in rank order, then the neighbours of the best few (a fact may straddle). */
function candidatePassages(passages: Passage[], library: Library): Candidate[] {
  const topScore = passages[0]?.score || 1;
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  passages.forEach((passage, rank) => {
    if (seen.has(passage.chunk.id)) return;
    seen.add(passage.chunk.id);
    candidates.push({ chunk: passage.chunk, rank, prior: passage.score / topScore, dense: passage.dense ?? 0 });
  });
  for (const passage of passages.slice(0, 5)) {
    for (const neighbor of library.neighbors(passage.chunk)) {
      if (seen.has(neighbor.id)) continue;
      seen.add(neighbor.id);
      candidates.push({ chunk: neighbor, rank: passages.length, prior: 0.5 * (passage.score / topScore), dense: passage.dense ?? 0 });
    }
  }
  return candidates;
}

/**
 * The share of the retrieved score each paper holds, out of what a paper of its size could hold:
 * a two-passage note whose passages rank first and third holds most of what it could, though
 * the long review beside it fills the rest of the list.
 */
function paperShare(passages: Passage[], library: Library): Map<string, number> {
  const scores = passages.map((passage) => passage.score).sort((a, b) => b - a);
  const held = new Map<string, number>();
  for (const passage of passages) held.set(passage.chunk.docId, (held.get(passage.chunk.docId) ?? 0) + passage.score);
  const shares = new Map<string, number>();
  for (const [docId, score] of held) {
    const size = library.paper(docId)?.chunks.length ?? passages.length;
    const reachable = scores.slice(0, Math.max(1, size)).reduce((sum, value) => sum + value, 0) || 1;
    shares.set(docId, Math.min(1, score / reachable));
  }
  return shares;
}

/** Heading, paragraph (a table row's caption and header instead), as search terms. */
function contextTerms(chunk: Chunk, library: Library): Set<string>[] {
  const heading = library.terms(`heading:${chunk.docId}:${chunk.sectionPath.join('/')}:${chunk.table?.header.join('|') ?? ''}`, () =>
    [...chunk.sectionPath, chunk.table ? `${chunk.table.caption} ${chunk.table.header.join(' ')}` : ''].join(' '),
  );
  // A paragraph's sentences share context; a table's rows are separate records.
  const paragraph =
    chunk.kind === 'paragraph'
      ? library.terms(`block:${chunk.docId}:${chunk.block}`, () => library.blockOf(chunk).map((member) => member.text).join(' '))
      : library.terms(`chunk:${chunk.id}`, () => chunk.text);
  return [heading, paragraph];
}

/** What a citation tells about the cited work: its title and journal. */
function citedText(reference: Reference | undefined): string {
  return reference ? `${reference.title} ${reference.journal}` : '';
}

/** The words before a sentence's first "is", "are", "refers to": what it may be defining. */
function opening(sentence: string): string {
  return sentence.split(/\s(?:is|are|was|were|represents?|refers to)\s/)[0] ?? '';
}

/** "ZW25 is a bispecific antibody…": the sentence opens by defining the question's subject. */
function definesSubject(opening: Set<string>, question: AnalyzedQuestion): boolean {
  if (opening.size === 0 || opening.size > 6) return false;
  return question.concepts.some((concept) => !concept.carried && matchWeight(concept, opening) > 0);
}

export type AbstainReason = 'no-evidence' | 'missing-entity' | 'missing-type' | 'low-coverage' | 'off-topic';

export interface Selection {
  chosen: Evidence[];
  /** The decision model's probability that the corpus holds an answer. */
  answerable: number;
  /** Why nothing was chosen, when nothing was. */
  abstainReason?: AbstainReason;
}

export interface SelectionLimits {
  maxChars: number;
  /** For lists and comparisons. */
  longMaxChars: number;
}

/**
 * Answer lengths to aim for (characters), as the suite checks them (eval/README.md): short
 * answers, and lists and comparisons, which may run longer.
 */
export const ANSWER_LENGTH = { short: 600, long: 1000 } as const;

/**
 * The probability that the papers answer: the decision model's, or the best sentence's own when
 * that is higher. The decision model leans on a second supporting sentence, which a table row
 * or a short paper's one statement does not have ("Which dosing schedules were compared in
 * JOSHUA?": its row at 0.83, the decision at 0.49).
 */
export function answerProbability(model: AnswerModel, context: DecisionContext): number {
  return Math.max(probability(model.decision, decisionFeatures(context)), context.probabilities[0] ?? 0);
}

/**
 * Lists and comparisons may run longer; not a question asking for one value, however it is
 * worded ("the DOI of the paper comparing T-DXd with chemotherapy").
 */
export function wantsLongAnswer(question: AnalyzedQuestion): boolean {
  return (question.wantsMany || question.comparative) && !SINGLE_VALUES.has(question.expected);
}

const SINGLE_VALUES: ReadonlySet<AnswerType> = new Set(['doi', 'journal', 'author', 'year', 'version']);

export const DEFAULT_LIMITS: SelectionLimits = { maxChars: ANSWER_LENGTH.short, longMaxChars: ANSWER_LENGTH.long };

/** The decision's features for a question and its scored evidence. */
export function decisionContext(question: AnalyzedQuestion, evidence: Evidence[]): DecisionContext {
  const best = evidence[0];
  const shares = new Map<string, number>();
  for (const item of evidence.slice(0, 10)) shares.set(item.chunk.docId, (shares.get(item.chunk.docId) ?? 0) + 1);
  return {
    question,
    probabilities: evidence.map((item) => item.score),
    ...(best ? { best: { coverage: best.coverage, keyCoverage: sentenceFeature(best.features, 'keyCoverage'), typed: best.typed } } : {}),
    typedNearTop: evidence.slice(0, 5).some((item) => item.typed),
    topPaperShare: Math.max(0, ...shares.values()) / Math.max(1, Math.min(10, evidence.length)),
    bestDense: Math.max(0, ...evidence.slice(0, 5).map((item) => sentenceFeature(item.features, 'dense'))),
  };
}

/**
 * The question's subject is named only in bylines, affiliations and reference entries, never in
 * the papers' own text or titles: "the capital of France" where France is an author's first name and a
 * publisher's city. Unless the question asks about the papers themselves or what they cite,
 * the papers do not treat it.
 */
function namedOnlyAround(question: AnalyzedQuestion, evidence: Evidence[]): boolean {
  if (question.intent === 'reference' || question.aboutPaper) return false;
  const keys = question.concepts.flatMap((concept, i) => (concept.key && !concept.carried ? [i] : []));
  // A paper's title (its first passage) names its subject; the rest of the front matter does not.
  const around = (item: Evidence) => item.chunk.kind === 'reference' || (sentenceFeature(item.features, 'metadata') === 1 && item.chunk.seq !== 0);
  const inText = (i: number) => evidence.some((item) => !around(item) && item.inSentence.has(i));
  return keys.length > 0 && keys.every((i) => !inText(i)) && keys.some((i) => evidence.some((item) => item.inSentence.has(i)));
}

/**
 * Decides whether the corpus answers and picks the sentences that do: the most probable
 * sentence, then those nearly as probable that add a part of the question the others miss (or
 * the next item of a list), up to the model's limits.
 */
export function selectEvidence(question: AnalyzedQuestion, evidence: Evidence[], model: AnswerModel, limits: SelectionLimits = DEFAULT_LIMITS): Selection {
  const own = question.concepts.filter((concept) => !concept.carried);
  if (own.length === 0 || evidence.length === 0) return { chosen: [], answerable: 0, abstainReason: 'no-evidence' };
  const context = decisionContext(question, evidence);
  const answerable = answerProbability(model, context);
  if (answerable < model.decision.threshold) return { chosen: [], answerable, abstainReason: abstainReason(context) };
  if (namedOnlyAround(question, evidence)) return { chosen: [], answerable, abstainReason: 'no-evidence' };

  // "DESTINY-Gastric04" asked, "DESTINY-Gastric01" stated: a sibling's sentence is no answer.
  const usable = evidence.filter((item) => !aboutAnotherCode(question, item));
  if (usable.length === 0) return { chosen: [], answerable, abstainReason: 'no-evidence' };
  const first = leading(question, usable, model);
  const chosen: Evidence[] = [first];
  const covered = new Set(first.inSentence);
  const totalWeight = own.reduce((sum, concept) => sum + concept.weight, 0) || 1;
  const { selection } = model;
  let length = first.text.length;
  const limit = wantsLongAnswer(question) ? limits.longMaxChars : limits.maxChars;
  for (const item of usable) {
    if (item === first) continue;
    if (chosen.length >= selection.maxSentences) break;
    if (item.score < Math.max(selection.extraMinimum, first.score * selection.extraRatio)) break;
    if (chosen.some((other) => other.text === item.text)) continue;
    const adds = [...item.inSentence].filter((i) => !covered.has(i) && !question.concepts[i]!.carried);
    const addedWeight = adds.reduce((sum, i) => sum + question.concepts[i]!.weight, 0);
    const addsType = item.typed && !chosen.some((other) => other.typed);
    if (addedWeight < selection.minAddedShare * totalWeight && !addsType && !question.wantsMany) continue;
    if (length + item.text.length > limit) continue;
    chosen.push(item);
    for (const i of item.inSentence) covered.add(i);
    length += item.text.length;
  }
  const neighbor = continuation(first, usable, chosen, selection.neighborRatio);
  if (neighbor && length + neighbor.text.length <= limit) chosen.push(neighbor);
  if (question.comparative) addSides(question, usable, chosen, first.score, limit);
  // "How many weeks", "what dose", "how much money": an answer without one is no answer.
  if (STRICT_TYPES.has(question.expected) && !chosen.some((item) => item.typed)) return { chosen: [], answerable, abstainReason: 'missing-type' };
  return { chosen, answerable };
}

/**
 * The sentence the answer opens with: the most probable, or for "what is X" the best sentence
 * that defines X ("ZW25 is a bispecific antibody…") when it is probable enough to be part of an
 * answer at all — what a reader asking for a definition wants first.
 */
function leading(question: AnalyzedQuestion, evidence: Evidence[], model: AnswerModel): Evidence {
  const best = evidence[0]!;
  if (question.intent !== 'definition') return best;
  const defining = evidence.find((item) => sentenceFeature(item.features, 'defines') > 0);
  return defining && defining.score >= model.selection.extraMinimum ? defining : best;
}

/**
 * Whether a sentence is about something other than a coded name the question asks about: no
 * word of the name around it, or a sibling named instead (the same letters, another number:
 * DESTINY-Gastric01 for DESTINY-Gastric04, BRCA1 for BRCA2, S1 for S6).
 */
function aboutAnotherCode(question: AnalyzedQuestion, item: Evidence): boolean {
  const coded = question.concepts.filter((concept) => concept.key && concept.name && !concept.carried && /\d/.test(concept.alternatives[0]!.join('')));
  if (coded.length === 0) return false;
  // An identifier is not paraphrased: a sentence with no word of it around it is not about it.
  if (coded.some((concept) => !item.inContext.has(question.concepts.indexOf(concept)))) return true;
  return coded.some((concept) => {
    if (matchWeight(concept, item.terms) > 0) return false;
    const [term] = concept.alternatives[0]!;
    const letters = term!.replace(/\d+/g, '');
    return letters.length >= 2 && [...item.terms].some((other) => other !== term && /\d/.test(other) && other.replace(/\d+/g, '') === letters);
  });
}

/** The more probable of the sentences right before and after `first` in its passage, if probable enough. */
function continuation(first: Evidence, evidence: Evidence[], chosen: Evidence[], ratio = Infinity): Evidence | undefined {
  return evidence.find(
    (item) => item.chunk.id === first.chunk.id && Math.abs(item.position - first.position) === 1 && !chosen.includes(item) && item.score >= ratio * first.score,
  );
}

/** Which reason fits a decline: a named thing the corpus lacks, the kind of answer missing, or too little. */
function abstainReason(context: DecisionContext): AbstainReason {
  if (DECISION_FEATURES.absentNames!(context) > 0) return 'missing-entity';
  if (DECISION_FEATURES.typeMissing!(context) > 0) return 'missing-type';
  if (DECISION_FEATURES.corpusCoverage!(context) < 0.5) return 'off-topic';
  return 'low-coverage';
}

/**
 * A comparison needs each side's own figure: "T-DXd has a DAR of 8, unlike T-DM1" names both but
 * gives one. Each named entity of the question without a sentence of its own (naming it and no
 * other entity, with something of what is asked) gets its best such sentence.
 */
function addSides(question: AnalyzedQuestion, candidates: Evidence[], chosen: Evidence[], bestScore: number, limit: number): void {
  const entities = question.concepts.map((concept, i) => ({ concept, i })).filter(({ concept }) => concept.compared && !concept.carried);
  if (entities.length < 2) return;
  // What is asked of each side; words in nearly every passage say nothing of it.
  const attributes = question.concepts.map((concept, i) => ({ concept, i })).filter(({ concept }) => !concept.compared && !concept.carried && concept.weight >= 2);
  const ownSentence = (item: Evidence, i: number) =>
    item.inSentence.has(i) && entities.every((other) => other.i === i || !item.inSentence.has(other.i)) && attributes.some((attribute) => item.inContext.has(attribute.i));
  // Failing a sentence of its own, one that says the asked thing of it among others will do.
  const sharedSentence = (item: Evidence, i: number) => item.inSentence.has(i) && attributes.some((attribute) => item.inSentence.has(attribute.i));
  let length = chosen.reduce((sum, item) => sum + item.text.length, 0);
  for (const { i } of entities) {
    if (chosen.some((item) => ownSentence(item, i))) continue;
    const eligible = (item: Evidence) => !chosen.includes(item) && item.score >= bestScore * 0.4;
    const side = candidates.find((item) => eligible(item) && ownSentence(item, i)) ?? (chosen.some((item) => sharedSentence(item, i)) ? undefined : candidates.find((item) => eligible(item) && sharedSentence(item, i)));
    if (!side || length + side.text.length > limit) continue;
    chosen.push(side);
    length += side.text.length;
  }
}
