/**
 * What a question asks for: its concepts (the words that matter, with abbreviation ⇄ long
 * form alternatives from the papers' glossaries), which of them are key entities, the kind of
 * answer expected (a percentage, a duration, a year, a dose…), and what it carries over from
 * the previous turn when it is a follow-up.
 */
import { isCommonWord } from '../../lib/common-words.ts';
import { Synonyms } from '../../lib/synonyms.ts';
import { foldForSearch, searchTerms, searchTokens } from '../../lib/text.ts';
import type { ChatTurn, GlossaryEntry } from '../../lib/types.ts';

/** One thing the question mentions; matched when every term of any alternative is present. */
export interface Concept {
  label: string;
  alternatives: string[][];
  /** Inverse document frequency: rare words weigh more. */
  weight: number;
  /** A specific entity the evidence must mention (a drug, a trial, a rare term). */
  key: boolean;
  /** Carried over from an earlier turn: helps retrieval, not required of the evidence. */
  carried: boolean;
  /** No passage of the corpus uses it. */
  absent: boolean;
  /** Written as a name or code (capitals, digits): NCT00103324, TOGA, T-DXd. */
  name: boolean;
  /** One of the things a comparison sets side by side ("T-DM1 and T-DXd"). */
  compared?: boolean;
}

export type AnswerType =
  | 'percentage'
  | 'duration'
  | 'count'
  | 'year'
  | 'dose'
  | 'money'
  | 'doi'
  | 'ratio'
  | 'journal'
  | 'author'
  /** "How did it do", "what results": any reported result (a number) is preferred, not required. */
  | 'outcome'
  | 'none';

export type Intent = 'abbreviation' | 'reference' | 'definition' | 'general';

export interface AnalyzedQuestion {
  /** The question as asked. */
  text: string;
  /** The question with the subject of earlier turns added, for retrieval. */
  searchText: string;
  concepts: Concept[];
  expected: AnswerType;
  intent: Intent;
  /** The question asks for a list of items: allow more sentences. */
  wantsMany: boolean;
  /** The question compares (versus, compared with, differ): prefer sentences that compare. */
  comparative: boolean;
  /** Asks which trial or study: the answer names it, from a reference title if need be. */
  asksForName: boolean;
  /** For "how many X" questions: the thing counted ("patients"). */
  counted?: string;
  /** Glossary entries the question names. */
  glossaryHits: GlossaryEntry[];
}

/** Corpus statistics the analysis needs: how many passages contain a term, and near misses. */
export interface TermStatistics {
  documentCount: number;
  documentFrequency(term: string): number;
  /**
   * What an unseen term probably meant, as alternatives of corpus terms: spelling variants and
   * truncations ([["chemotherapi"]]), or the phrase an initialism stands for ("NEJM").
   */
  aliases(term: string): string[][];
}

// Words that shape a question but never name what it is about.
const QUESTION_WORDS = new Set(
  searchTerms(
    'what which who whom whose when where why how many much often long does did do is are was were can could should would ' +
      'tell give list name describe explain compare comparison mention mentioned according paper review authors author article text ' +
      'reported report reports show shown find found study studies kind type main role use used using stand stands abbreviation ' +
      'abbreviated acronym short mean means meaning refer refers define definition called known anything something happen ' +
      'happens happened versus compared differ difference different cited cite citation journal published doi first year',
  ),
);

const EXCLUSION =
  /\b(?:besides|other than|apart from|except(?: for)?|excluding|aside from|rather than|instead of)\s+([^,.;?]+?)(?=\s+(?:in|for|on|with|at|by|being|are|is|was|were|that)\b|[,.;?]|$)/i;

const ANSWER_PHRASE =
  /^\s*(?:which|what)\s+(?!(?:is|are|was|were|do|does|did|can|could|has|have|had)\b)((?:[\w-]+\s+){0,3}?)(?=(?:is|are|was|were|do|does|did|can|could|has|have|had|would|should|will|needs?|carries|causes?)\b)|\bwhere in the ([\w-]+)/i;

/** Everyday words for what papers say in their own terms (an immutable table). */
const SYNONYMS = new Synonyms();

const NUMBER_WORD = /^(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty|fifty|hundred)$/;

// Pronouns and phrases that point back to the previous turn.
const FOLLOW_UP = /^(and|also|what about|how about|and what|then)\b|\b(it|its|they|them|their|this|that|these|those|the same|the drug|the trial|the study|the combination|that combination|this drug|this trial|the latter|the former)\b/i;

export function analyzeQuestion(
  question: string,
  history: ChatTurn[],
  glossary: GlossaryEntry[],
  statistics: TermStatistics,
): AnalyzedQuestion {
  const own = conceptsOf(question, glossary, statistics, false);
  own.concepts = withoutExcluded(question, own.concepts);
  relaxAnswerWords(question, own.concepts);
  const comparative = /\bcompar|\bversus\b|\bvs\.?\b|\bdiffer|\bthan\b|\bbetter\b|\bworse\b/i.test(question);
  if (comparative) markComparedSides(question, own.concepts);

  const previous = previousSubject(history, glossary, statistics);
  const pointsBack = FOLLOW_UP.test(question.trim());
  const carry = previous.length > 0 && (pointsBack || !own.concepts.some((concept) => concept.key));
  const carried = carry
    ? previous.filter((concept) => !own.concepts.some((mine) => sameConcept(mine, concept))).map((concept) => ({ ...concept, carried: true }))
    : [];
  // A follow-up with no subject of its own ("Who was its first author?") is about the last one.
  const concepts = own.concepts.length > 0 ? [...own.concepts, ...carried] : carried.map((concept) => ({ ...concept, carried: false }));
  const expected = expectedAnswer(question);
  const counted = expected === 'count' ? countedThing(question) : undefined;
  return {
    text: question,
    searchText: carried.length > 0 ? `${question} ${carried.map((concept) => concept.label).join(' ')}` : question,
    concepts,
    expected,
    intent: intentOf(question, own.glossaryHits.length > 0),
    wantsMany: /\blist\b|\b(what|which) (?:\w+ )?(kinds|types|factors|mechanisms|components|steps|causes|features|properties|strategies|pathways|drugs|agents|targets)\b|\bwhich \w+s\b(?! (is|was|does|did)\b)/i.test(question),
    asksForName: /\b(which|what) (?:named )?(trial|study|studies|trials)\b|\bname of the (?:[\w-]+ ){0,3}(trial|study)\b/i.test(question),
    comparative,
    ...(counted ? { counted } : {}),
    glossaryHits: own.glossaryHits,
  };
}

/** "Other targets besides HER2": what follows "besides" is what the answer is not about. */
function withoutExcluded(question: string, concepts: Concept[]): Concept[] {
  const phrase = EXCLUSION.exec(question)?.[1];
  if (!phrase) return concepts;
  const excluded = new Set(searchTerms(phrase));
  return concepts.filter((concept) => !concept.alternatives.some((alternative) => alternative.every((term) => excluded.has(term))));
}

/**
 * "Which endocytosis route …", "where in the genome …": these words name the kind of answer,
 * which the answer may call something else; they count, but are not required.
 */
function relaxAnswerWords(question: string, concepts: Concept[]): void {
  const words = new Set(searchTerms(ANSWER_PHRASE.exec(question)?.slice(1).join(' ') ?? ''));
  for (const concept of concepts) {
    if (concept.alternatives.some((alternative) => alternative.every((term) => words.has(term)))) concept.key = false;
  }
}

/**
 * The sides of a comparison are the words joined by and / or / versus / with / than, lists
 * included ("trastuzumab, pertuzumab and zanidatamab").
 */
function markComparedSides(question: string, concepts: Concept[]): void {
  const sides = new Set<string>();
  for (const match of question.matchAll(/((?:[\w-]+\s*,\s*)*[\w-]+)\s*,?\s+(?:and|or|versus|vs\.?|compared (?:with|to)|with|than|to)\s+([\w-]+)/gi)) {
    for (const word of [...match[1]!.split(','), match[2]!]) for (const term of searchTerms(word)) sides.add(term);
  }
  for (const concept of concepts) {
    if (concept.alternatives.some((alternative) => alternative.every((term) => sides.has(term)))) concept.compared = true;
  }
}

function sameConcept(a: Concept, b: Concept): boolean {
  return a.alternatives.some((x) => b.alternatives.some((y) => x.join(' ') === y.join(' ')));
}

/**
 * The subject of the conversation so far: the key concepts of the most recent user turn that
 * had any (follow-ups chain back), and of the answer after it ("Which ADC is first-in-class?"
 * → "RC48 …" → "What is its DAR?" is about RC48).
 */
function previousSubject(history: ChatTurn[], glossary: GlossaryEntry[], statistics: TermStatistics): Concept[] {
  for (let i = history.length - 1; i >= 0; i--) {
    const turn = history[i]!;
    if (turn.role !== 'user') continue;
    const key = conceptsOf(turn.content, glossary, statistics, false).concepts.filter((concept) => concept.key);
    const reply = history.slice(i + 1).find((later) => later.role === 'assistant');
    const answered = reply
      ? conceptsOf(reply.content.replace(/\[\d+\]/g, '').slice(0, 400), glossary, statistics, false)
          .concepts.filter((concept) => concept.key && !concept.absent && !key.some((mine) => sameConcept(mine, concept)))
          .sort((a, b) => b.weight - a.weight)
          .slice(0, 2)
      : [];
    if (key.length + answered.length > 0) return [...key, ...answered];
  }
  return [];
}

function conceptsOf(
  text: string,
  glossary: GlossaryEntry[],
  statistics: TermStatistics,
  carried: boolean,
): { concepts: Concept[]; glossaryHits: GlossaryEntry[] } {
  const terms = searchTerms(text);
  const used = new Array<boolean>(terms.length).fill(false);
  const concepts: Concept[] = [];
  const glossaryHits: GlossaryEntry[] = [];
  const n = Math.max(1, statistics.documentCount);
  const idf = (term: string) => Math.log(1 + (n + 0.5) / (statistics.documentFrequency(term) + 0.5));
  // The words as written, to see capitals: "Lauren", "SPOTLIGHT", "France" name things.
  const written = new Map<string, string>();
  const words = [...text.matchAll(/[\p{L}\p{N}]+(?:[-.'/][\p{L}\p{N}]+)*/gu)];
  words.forEach((match, i) => {
    const term = searchTerms(match[0])[0];
    if (term && !written.has(term)) written.set(term, i === 0 ? match[0].charAt(0).toLowerCase() + match[0].slice(1) : match[0]);
  });
  const isName = (term: string) => {
    const word = written.get(term) ?? term;
    return /[A-Z]/.test(word) || /\d/.test(word);
  };
  const isCommon = (term: string) => {
    const common = (word: string) => isCommonWord(word) || isCommonWord(word.replace(/(ies)$/, 'y').replace(/(es|s|ed|ing|ly)$/, ''));
    // "follow-up" is everyday English when each of its pieces is.
    return (written.get(term) ?? term).toLowerCase().split(/[-/]/).every((piece) => piece.length === 0 || common(piece));
  };
  /**
   * Key concepts must appear with the answer: rare terms of the corpus, and words the corpus
   * never uses unless they are everyday English (a paraphrase, not a missing subject).
   */
  const isKey = (term: string) => {
    const df = statistics.documentFrequency(term);
    if (df === 0) return isName(term) || !isCommon(term);
    if (/\d/.test(term)) return term.length >= 2 && df <= 0.15 * n;
    return df <= Math.max(3, 0.04 * n) && (isName(term) || !isCommon(term));
  };
  /** Everyday words the corpus never uses weigh little: they are the asker's wording. */
  const weightOf = (term: string) => (statistics.documentFrequency(term) === 0 && !isKey(term) ? 1 : idf(term));

  // Abbreviations and their long forms, as phrases, both ways.
  const seen = new Set<string>();
  for (const entry of glossary) {
    const short = searchTerms(entry.short);
    const long = searchTerms(entry.long);
    if (short.length === 0 || long.length === 0) continue;
    for (const form of [short, long]) {
      const at = findSequence(terms, form);
      if (at === -1) continue;
      const key = `${short.join(' ')}|${long.join(' ')}`;
      for (let i = at; i < at + form.length; i++) used[i] = true;
      if (seen.has(key)) break;
      seen.add(key);
      glossaryHits.push(entry);
      const existing = concepts.find((concept) => concept.alternatives.some((alternative) => alternative.join(' ') === short.join(' ')));
      if (existing) {
        if (!existing.alternatives.some((alternative) => alternative.join(' ') === long.join(' '))) existing.alternatives.push(long);
      } else {
        // Tables write "median PFS" as mPFS: let the plain abbreviation match its m-form too.
        const median = glossary.find((other) => other.short.toLowerCase() === `m${entry.short.toLowerCase()}`);
        concepts.push({
          label: entry.short,
          alternatives: median ? [short, long, searchTerms(median.short)] : [short, long],
          weight: Math.max(...short.map(weightOf)),
          // Key when named by its (rare) short form; a long form of common words is a description.
          key: form === short ? short.some(isKey) : long.every(isKey),
          carried,
          absent: false,
          name: /[A-Z]|\d/.test(entry.short.slice(1)),
        });
      }
      break;
    }
  }
  const labels = foldForSearch(text).match(/[a-z0-9]+(?:[-.'/][a-z0-9]+)*/g) ?? [];
  let position = 0;
  for (const token of searchTokens(text)) {
    const at = position;
    position += 1 + token.parts.length;
    if (used[at] || QUESTION_WORDS.has(token.term)) continue;
    if (concepts.some((concept) => concept.alternatives.some((alternative) => alternative.length === 1 && alternative[0] === token.term))) continue;
    // A hyphenated name matches written whole or in parts ("HER2-positive" / "HER2 positive");
    // a word the corpus lacks also matches the corpus words it is probably a variant of.
    const alternatives = token.parts.length > 0 ? [[token.term], token.parts] : [[token.term]];
    const variants = statistics.documentFrequency(token.term) === 0 ? statistics.aliases(token.term) : [];
    alternatives.push(...variants);
    // Ordinary words may be said differently ("live longer" → survival); names never are.
    if (token.parts.length === 0 && !isName(token.term)) alternatives.push(...SYNONYMS.of(token.term));
    concepts.push({
      label: labels.find((label) => searchTerms(label)[0] === token.term) ?? token.term,
      alternatives,
      weight: variants.length > 0 ? Math.max(...variants[0]!.map(idf)) : weightOf(token.term),
      // "HER2-positive" is as common as its parts; "five-year" names a time point the corpus lacks.
      key:
        (isKey(token.term) && (token.parts.length === 0 || token.parts.some(isKey))) ||
        (statistics.documentFrequency(token.term) === 0 && token.parts.some((part) => NUMBER_WORD.test(part))),
      carried,
      absent: variants.length === 0 && statistics.documentFrequency(token.term) === 0 && token.parts.every((part) => statistics.documentFrequency(part) === 0),
      name: isName(token.term),
    });
  }
  return { concepts, glossaryHits };
}

function findSequence(terms: string[], sequence: string[]): number {
  outer: for (let i = 0; i + sequence.length <= terms.length; i++) {
    for (let j = 0; j < sequence.length; j++) if (terms[i + j] !== sequence[j]) continue outer;
    return i;
  }
  return -1;
}

/** The kind of answer the wording asks for. */
function expectedAnswer(question: string): AnswerType {
  const q = question.toLowerCase();
  if (/\bdoi\b/.test(q)) return 'doi';
  if (/\b(cost|costs|price|priced|dollars?|euros?|usd|reimburse\w*)\b|\$/.test(q)) return 'money';
  if (/\b(dose|doses|dosage|dosing)\b(?!-)|\bmg\/(kg|m2)\b|\bhow much .* (given|administered|infused)\b/.test(q)) return 'dose';
  if (/\b(hazard|odds) ratios?\b|\bhr\b/.test(q)) return 'ratio';
  if (/\b(which|what) journal\b|\bjournal\b.*\bpublish|\bpublished in\b|\bwhere .* published\b/.test(q)) return 'journal';
  if (/\bfirst author\b|\bwho (wrote|authored|published|reported|led|discovered|showed|found)\b|\bwhich authors?\b/.test(q)) return 'author';
  if (/^\s*when (was|were|did|is|does|has|have|will|had)\b|\bin (what|which) year\b|\b(what|which) year\b/.test(q)) return 'year';
  if (/\bhow long\b|\bhow many (months|weeks|years|days)\b|\b(median|mean) (overall |progression-free )?(survival|os|pfs|duration)\b|\b(mos|mpfs|mdor|dor)\b|\bduration\b/.test(q)) return 'duration';
  if (/\b(what|which) (percentage|proportion|share|fraction|percent)\b|\bhow (often|common|frequent|frequently)\b|\bwhat (rate|rates)\b|\b(response|control|remission|incidence|survival) rates?\b|\b(orr|dcr|crr)\b|\bby how much\b|\bhow many percent\b|\bhow many times\b/.test(q)) return 'percentage';
  if (/\bhow many\b|\bnumber of\b/.test(q)) return 'count';
  if (/\bhow (did|does|do|well)\b.*\b(do|perform|work|fare)\b|\b(results?|outcomes?|efficacy|benefit)\b/.test(q)) return 'outcome';
  return 'none';
}

/** "How many patients were…" → "patients". */
function countedThing(question: string): string | undefined {
  const match = /\b(?:how many|number of)\s+(?:[a-z-]+\s+)?([a-z]+s)\b/i.exec(question);
  return match ? searchTerms(match[1]!)[0] : undefined;
}

function intentOf(question: string, namesAbbreviation: boolean): Intent {
  const q = question.toLowerCase();
  if (/\bstands? for\b|\babbreviat|\bacronym\b|\bshort (name|form)\b|\bcode name\b|\bshort for\b|\bspelled out\b|\bfull (name|form)\b/.test(q)) return 'abbreviation';
  if (namesAbbreviation && /\bwhat (does|do) \S+ (mean|refer to)\b|\brefer to\b/.test(q)) return 'abbreviation';
  if (/\bname of the (?:[\w-]+ ){0,3}(?:trial|study)\b|\bstudy code\b|\bwhich (?:named )?(?:[\w-]+ ){0,2}(?:trials?|studies|study)\b.*\b(?:support|show|cited|behind|report)|\bsupports? (?:the|this) (?:claim|statement|finding)|\bwhich study\b/.test(q)) {
    return 'reference';
  }
  if (/\bjournal\b|\bdoi\b|\bfirst author\b|\breference (list|number|entry)\b|\bwhich (reference|references|citation|study is cited|trial is cited|trials are cited)\b|\bcited\b|\bwho (wrote|authored|reported|published)\b|\bpublished\b|\btitle of\b/.test(q)) {
    return 'reference';
  }
  if (/^\s*(what|who) (is|are) (an? |the )?[\w-]+( [\w-]+)?\s*\??$/.test(q)) return 'definition';
  return 'general';
}
