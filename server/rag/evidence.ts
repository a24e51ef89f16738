/**
 * Sentence-level evidence. Every sentence of the retrieved passages (and their neighbours) is
 * scored by how much of the question it covers — fully for words in the sentence, partly for
 * words in its heading, its paragraph or the titles of the references it cites — with a bonus
 * when it holds the kind of answer asked for. Then the decision: which sentences answer, or
 * whether nothing does.
 */
import { searchTerms } from '../../lib/text.ts';
import type { Chunk, Reference } from '../../lib/types.ts';
import type { Library } from './library.ts';
import type { AnalyzedQuestion, AnswerType, Concept } from './question.ts';
import type { Passage } from './retrieve.ts';

export interface Evidence {
  chunk: Chunk;
  text: string;
  /** Sentence order inside the passage. */
  position: number;
  refs: number[];
  score: number;
  /** Share of the question's weight found in the sentence or its context. */
  coverage: number;
  /** Concepts (by index) found in the sentence itself. */
  inSentence: Set<number>;
  /** Concepts found in the sentence or its context (heading, paragraph, cited titles). */
  inContext: Set<number>;
  /** Holds the expected kind of answer. */
  typed: boolean;
  /** Every key concept of the question is in its context. */
  keysPresent: boolean;
  passageRank: number;
}

/** Sections about the paper rather than its subject. */
const METADATA_SECTION = /^(?:front matter|keywords|author contributions?|funding|conflicts? of interest|competing interests|generative ai statement|publisher'?s note|acknowledge?ments?|data availability|ethics)/i;

/** Questions about the paper itself, which its front matter answers. */
const ABOUT_THE_PAPER = /\b(authors?|wrote|written|edit(?:ed|or|ors)|review(?:ed|ers)|affiliat\w*|universit\w*|hospital|received|accepted|published|publication|licen[cs]e|copyright|correspond\w*|e-?mail|fund\w*|grant|support(?:ed)?|conflicts?|interests?|generative|citation|cite this|doi|journal|keywords?)\b/i;

/** A sentence that lists things: "including A, B, C", "such as", three commas. */
const ENUMERATES = /\b(?:includ(?:e|es|ing)|such as|namely|categorized into|consists? of)\b|(?:[^,]+,){3}/i;

/** A sentence that sets two results side by side. */
const COMPARES = /\bvs\.?\s|\bversus\b|\bcompared (?:with|to)\b|\bthan\b|\brespectively\b|\bin comparison\b/i;

/** How strongly a place counts when a concept is found there. */
const FOUND_IN = { sentence: 1, heading: 0.5, citedTitle: 0.5, paragraph: 0.35 } as const;

const PATTERNS: Record<Exclude<AnswerType, 'none' | 'journal' | 'author' | 'outcome' | 'count'>, RegExp> = {
  percentage: /\d(?:\.\d+)?\s*%|\bper ?cent\b|\d(?:\.\d+)?-?\s*(?:fold|times)\b/i,
  duration: /\d(?:\.\d+)?\s*(?:-|to|–)?\s*(?:months?|weeks?|days?|years?|hours?)\b|\bmonths?\b/i,
  year: /\b(?:19|20)\d{2}\b/,
  dose: /\d\s*(?:mg|µg|mcg|g)(?:\s*\/\s*(?:kg|m2|m²))?\b|\bmg\/kg\b/i,
  money: /[$€£¥]\s*\d|\b\d[\d,.]*\s*(?:dollars?|euros?|usd|eur|gbp|yuan|rmb)\b/i,
  doi: /\b10\.\d{4,9}\/\S+/,
  ratio: /\bhazard ratio\b|\bodds ratio\b|\bHR\b\s*[=:,]?\s*\d|\bOR\s*[=:]\s*\d/,
};

/** A reported result: a percentage, a duration, a fold change. */
const RESULT = /\d(?:\.\d+)?\s*(?:%|months?|weeks?|-?fold)/i;

/** Whether `text` holds an answer of the expected kind (for counts, of the thing counted). */
function holdsType(text: string, expected: AnswerType, counted?: string): boolean {
  // Citations such as "(24)" are not counts or years; strip them first.
  const plain = text.replace(/\(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\)/g, '');
  if (expected === 'none' || expected === 'journal' || expected === 'author') return true;
  if (expected === 'outcome') return RESULT.test(plain);
  if (expected === 'count') {
    // A whole number, not part of a decimal or a name, followed closely by the thing counted.
    const numbers = [...plain.matchAll(/(?<![\d.\-/A-Za-z])(\d{1,3}(?:,\d{3})*|\d+)(?![\d.%]|\s*(?:months?|weeks?|days?|years?|mg)\b)(?=((?:\s+\S+){0,3}))/g)];
    return numbers.some((match) => !counted || searchTerms(match[2] ?? '').includes(counted));
  }
  return PATTERNS[expected].test(plain);
}

function matches(concept: Concept, terms: Set<string>): boolean {
  return concept.alternatives.some((alternative) => alternative.every((term) => terms.has(term)));
}

/** Scores every sentence of the passages (plus their neighbours) against the question. */
export function scoreEvidence(question: AnalyzedQuestion, passages: Passage[], library: Library): Evidence[] {
  const own = question.concepts.map((concept, i) => ({ concept, i })).filter(({ concept }) => !concept.carried);
  const carried = question.concepts.map((concept, i) => ({ concept, i })).filter(({ concept }) => concept.carried);
  const ownWeight = own.reduce((sum, { concept }) => sum + concept.weight, 0) || 1;
  const carriedWeight = carried.reduce((sum, { concept }) => sum + concept.weight, 0) || 1;
  const topScore = passages[0]?.score || 1;

  // Candidate passages in rank order, then neighbours of the best few (a fact may straddle).
  const candidates: { chunk: Chunk; rank: number; prior: number }[] = [];
  const seen = new Set<string>();
  passages.forEach((passage, rank) => {
    if (seen.has(passage.chunk.id)) return;
    seen.add(passage.chunk.id);
    candidates.push({ chunk: passage.chunk, rank, prior: passage.score / topScore });
  });
  for (const passage of passages.slice(0, 5)) {
    for (const neighbor of library.neighbors(passage.chunk)) {
      if (seen.has(neighbor.id)) continue;
      seen.add(neighbor.id);
      candidates.push({ chunk: neighbor, rank: passages.length, prior: 0.5 * (passage.score / topScore) });
    }
  }

  // In a comparison each side may stand in its own sentence: one compared name suffices.
  const compared = new Set(own.filter(({ concept }) => concept.compared).map(({ i }) => i));
  const comparing = compared.size >= 2;
  const evidence: Evidence[] = [];
  const aboutThePaper = ABOUT_THE_PAPER.test(question.text);
  for (const { chunk, rank, prior } of candidates) {
    // Editors, affiliations, funding and licences answer questions about the paper, not its topic.
    if (!aboutThePaper && METADATA_SECTION.test(chunk.section)) continue;
    const heading = library.terms(`heading:${chunk.docId}:${chunk.sectionPath.join('/')}:${chunk.table?.header.join('|') ?? ''}`, () =>
      [...chunk.sectionPath, chunk.table ? `${chunk.table.caption} ${chunk.table.header.join(' ')}` : ''].join(' '),
    );
    // A paragraph's sentences share context; a table's rows are separate records.
    const paragraph =
      chunk.kind === 'paragraph'
        ? library.terms(`block:${chunk.docId}:${chunk.block}`, () => library.blockOf(chunk).map((member) => member.text).join(' '))
        : library.terms(`chunk:${chunk.id}`, () => chunk.text);
    library.sentences(chunk).forEach((sentence, position) => {
      const terms = new Set(searchTerms(sentence.text));
      const titles = new Set(
        sentence.refs.flatMap((n) => [...library.terms(`cited:${chunk.docId}:${n}`, () => citedText(library.reference(chunk.docId, n)))]),
      );
      const inSentence = new Set<number>();
      const inContext = new Set<number>();
      let covered = 0;
      for (const { concept, i } of own) {
        let found = 0;
        if (matches(concept, terms)) found = FOUND_IN.sentence;
        else if (matches(concept, heading)) found = FOUND_IN.heading;
        else if (matches(concept, titles)) found = FOUND_IN.citedTitle;
        else if (matches(concept, paragraph)) found = FOUND_IN.paragraph;
        if (found === FOUND_IN.sentence) inSentence.add(i);
        if (found > 0) inContext.add(i);
        covered += concept.weight * found;
      }
      let carriedCovered = 0;
      for (const { concept, i } of carried) {
        if (matches(concept, terms) || matches(concept, heading) || matches(concept, paragraph) || matches(concept, titles)) {
          inContext.add(i);
          if (matches(concept, terms)) inSentence.add(i);
          carriedCovered += concept.weight;
        }
      }
      const coverage = covered / ownWeight;
      const typed = holdsType(sentence.text, question.expected, question.counted);
      const keysPresent = keysHeld(comparing ? own.filter(({ i }) => !compared.has(i)) : own, inContext, inSentence, coverage) &&
        (!comparing || [...compared].some((i) => inContext.has(i))) && (carried.length === 0 || carried.some(({ i }) => inContext.has(i)));
      let score = coverage + 0.08 * prior;
      if (carried.length > 0) score += 0.3 * (carriedCovered / carriedWeight);
      if (question.expected === 'outcome') score += typed ? 0.1 : 0;
      else if (question.expected !== 'none') score += typed ? 0.15 : -0.15;
      if (question.wantsMany && ENUMERATES.test(sentence.text)) score += 0.1;
      if (chunk.kind === 'reference' && question.intent !== 'reference') score -= 0.15;
      if (chunk.kind === 'reference' && question.intent === 'reference') score += 0.1;
      if (question.intent === 'definition' && definesSubject(sentence.text, question)) score += 0.15;
      if (question.comparative && COMPARES.test(sentence.text)) score += 0.1;
      // A list of names ("including A, B and C") names the sides of a comparison without comparing.
      if (question.comparative && /\b(?:including|such as)\b/i.test(sentence.text)) score -= 0.15;
      if (sentence.text.length > 450) score -= 0.05;
      evidence.push({
        chunk,
        text: sentence.text,
        position,
        refs: sentence.refs,
        score,
        coverage,
        inSentence,
        inContext,
        typed,
        keysPresent,
        passageRank: rank,
      });
    });
  }
  return evidence.sort((a, b) => b.score - a.score);
}

/**
 * The key concepts of the question are in the sentence's context. A name or code (TOGA,
 * NCT00103324) or a specialist word the corpus never uses (zolbetuximab) must be there. Other
 * key words may be paraphrased: one in three may be missing when the sentence covers most of
 * the question and holds another key concept itself.
 */
function keysHeld(own: { concept: Concept; i: number }[], inContext: Set<number>, inSentence: Set<number>, coverage: number): boolean {
  const keys = own.filter(({ concept }) => concept.key);
  const missing = keys.filter(({ i }) => !inContext.has(i));
  if (missing.length === 0) return true;
  if (missing.some(({ concept }) => concept.name || concept.absent)) return false;
  const anchored = keys.some(({ i }) => inSentence.has(i));
  return anchored && coverage >= 0.45 && missing.length <= Math.max(1, Math.floor(keys.length / 3));
}

/** What a citation tells about the cited work: its title and journal. */
function citedText(reference: Reference | undefined): string {
  return reference ? `${reference.title} ${reference.journal}` : '';
}

/** "ZW25 is a bispecific antibody…": the sentence opens by defining the question's subject. */
function definesSubject(sentence: string, question: AnalyzedQuestion): boolean {
  const opening = searchTerms(sentence.split(/\s(?:is|are|was|were|represents?|refers to)\s/)[0] ?? '');
  if (opening.length === 0 || opening.length > 6) return false;
  return question.concepts.some((concept) => !concept.carried && concept.alternatives.some((alternative) => alternative.every((term) => opening.includes(term))));
}

export interface Selection {
  chosen: Evidence[];
  /** Why nothing was chosen, when nothing was. */
  abstainReason?: 'no-evidence' | 'missing-entity' | 'missing-type' | 'low-coverage' | 'off-topic';
}

export interface SelectionOptions {
  /** The best sentence must cover at least this share of the question. */
  minCoverage: number;
  maxSentences: number;
  maxChars: number;
}

export const DEFAULT_SELECTION: SelectionOptions = { minCoverage: 0.3, maxSentences: 4, maxChars: 600 };

const STRICT_TYPES: AnswerType[] = ['percentage', 'duration', 'count', 'year', 'dose', 'money', 'doi', 'ratio'];

/**
 * Picks the sentences that answer: the best sentence whose context holds every key concept,
 * then sentences that add concepts (or the expected kind of value) it lacks, up to the limits.
 * Declines when no sentence holds the key concepts together, when the expected kind of value
 * is nowhere in them, or when the best covers too little of the question.
 */
export function selectEvidence(question: AnalyzedQuestion, evidence: Evidence[], options: SelectionOptions = DEFAULT_SELECTION): Selection {
  const ownConcepts = question.concepts.filter((concept) => !concept.carried);
  const present = ownConcepts.filter((concept) => concept.weight > 0);
  if (present.length === 0 || evidence.length === 0) return { chosen: [], abstainReason: 'no-evidence' };
  const candidates = evidence.filter((item) => item.keysPresent);
  if (candidates.length === 0) return { chosen: [], abstainReason: 'missing-entity' };
  const best = candidates[0]!;
  if (best.coverage < options.minCoverage) return { chosen: [], abstainReason: 'low-coverage' };
  const strict = STRICT_TYPES.includes(question.expected);
  if (strict && !candidates.slice(0, 8).some((item) => item.typed && item.coverage >= options.minCoverage * 0.8)) {
    return { chosen: [], abstainReason: 'missing-type' };
  }

  const first = strict && !best.typed ? candidates.find((item) => item.typed && item.coverage >= options.minCoverage * 0.8)! : best;
  const chosen: Evidence[] = [first];
  const covered = new Set(first.inSentence);
  const totalWeight = question.concepts.filter((concept) => !concept.carried).reduce((sum, concept) => sum + concept.weight, 0) || 1;
  let length = first.text.length;
  const limit = question.wantsMany || question.comparative ? Math.round(options.maxChars * 1.6) : options.maxChars;
  for (const item of candidates) {
    if (chosen.length >= options.maxSentences) break;
    if (chosen.includes(item) || item.score < first.score * 0.6) continue;
    if (chosen.some((other) => other.text === item.text)) continue;
    // A further sentence must bring something: a part of the question the others miss (a
    // list's next items, the other side of a comparison), or the kind of value still missing.
    const adds = [...item.inSentence].filter((i) => !covered.has(i) && !question.concepts[i]!.carried);
    const addedWeight = adds.reduce((sum, i) => sum + question.concepts[i]!.weight, 0);
    const addsType = strict && item.typed && !chosen.some((other) => other.typed);
    const nextItem = question.wantsMany && item.score >= first.score * 0.85;
    if (addedWeight < 0.12 * totalWeight && !addsType && !nextItem) continue;
    if (length + item.text.length > limit) continue;
    chosen.push(item);
    for (const i of item.inSentence) covered.add(i);
    length += item.text.length;
  }
  if (question.comparative) addSides(question, candidates, chosen, first.score, limit);
  return { chosen };
}

/**
 * A comparison needs each side's own figure: "T-DXd has a DAR of 8, unlike T-DM1" names both but
 * gives one. Each named entity of the question without a sentence of its own (naming it and no
 * other entity, with something of what is asked) gets its best such sentence.
 */
function addSides(question: AnalyzedQuestion, candidates: Evidence[], chosen: Evidence[], bestScore: number, limit: number): void {
  const entities = question.concepts.map((concept, i) => ({ concept, i })).filter(({ concept }) => concept.compared && !concept.carried);
  if (entities.length < 2) return;
  // What is asked of each side; words in nearly every passage (HER2 here) say nothing of it.
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
