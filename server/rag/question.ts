/**
 * What a question asks for: its concepts (the words that matter, with abbreviation ⇄ long
 * form alternatives from the papers' glossaries), which of them are key entities, the kind of
 * answer expected (a percentage, a duration, a year, a dose…), and what it carries over from
 * the previous turn when it is a follow-up.
 */
import { numberWords } from '../../lib/lexicon/numbers.ts';
import { searchTerms, searchTokens } from '../../lib/text.ts';
import type { ChatTurn, GlossaryEntry } from '../../lib/types.ts';
import { conceptsOf, QUESTION_WORDS, type Concept, type TermStatistics } from './concepts.ts';
import { whWord, type WhWord } from './features.ts';

export type { Concept, TermStatistics } from './concepts.ts';

export type AnswerType =
  | 'percentage'
  /** "How often": a rate, or a frequency ("every seven days", "twice daily"). */
  | 'frequency'
  | 'duration'
  | 'count'
  | 'year'
  | 'dose'
  | 'money'
  | 'doi'
  | 'ratio'
  /** "Which version of MUSCLE": a version number. */
  | 'version'
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
  /** Numbers the question names, as digits (number words included). */
  numbers: string[];
  /** The question's content terms in order (for phrase overlap). */
  termSequence: string[];
  /** What kind of thing the answer names: "which *kernel*", "what *advantages*", "how many *patients*". */
  focus: string[];
  /** The wh-word that asks for a reason, a person, a place, a way or a time. */
  wh?: WhWord;
  /** The question is about the paper itself (its authors, journal, funding), which front and back matter answer. */
  aboutPaper: boolean;
}

/** Questions about the paper itself, which its front and back matter answer. */
const ABOUT_THE_PAPER = /\b(authors?|wrote|written|edit(?:ed|or|ors)|review(?:ed|ers)|affiliat\w*|universit\w*|hospital|received|accepted|published|publication|licen[cs]e|copyright|correspond\w*|e-?mail|fund\w*|grant|support(?:ed)?|conflicts?|interests?|generative|citation|cite this|doi|journal|keywords?|abbreviations?|stands? for)\b/i;

const EXCLUSION =
  /\b(?:besides|other than|apart from|except(?: for)?|excluding|aside from|rather than|instead of)\s+([^,.;?]+?)(?=\s+(?:in|for|on|with|at|by|being|are|is|was|were|that)\b|[,.;?]|$)/i;

const ANSWER_PHRASE =
  /^\s*(?:which|what)\s+(?!(?:is|are|was|were|do|does|did|can|could|has|have|had)\b)((?:[\w-]+\s+){0,3}?)(?=(?:is|are|was|were|do|does|did|can|could|has|have|had|would|should|will|needs?|carries|causes?)\b)|\bwhere in the ([\w-]+)/i;

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
  // A question naming a numbered table, figure or section has a subject of its own.
  const namesPart = /\b(?:table|figure|fig\.|section)\s*[A-Z]?\d+/i.test(question);
  // A question naming something of its own ("CAR-T", however common in the papers) is not a follow-up unless it points back.
  const carry = previous.length > 0 && (pointsBack || (!namesPart && !own.concepts.some((concept) => concept.key || concept.name)));
  const carried = carry
    ? previous.filter((concept) => !own.concepts.some((mine) => sameConcept(mine, concept))).map((concept) => ({ ...concept, carried: true }))
    : [];
  // A follow-up with no subject of its own ("Who was its first author?") is about the last one.
  const concepts = own.concepts.length > 0 ? [...own.concepts, ...carried] : carried.map((concept) => ({ ...concept, carried: false }));
  const asked = expectedAnswer(question);
  const expected = asked === 'none' && carry && isFragment(question) ? expectedAnswer(lastQuestion(history) ?? question) : asked;
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
    numbers: [...new Set([...(question.match(/\d+(?:\.\d+)?/g) ?? []), ...numberWords(question).map((number) => String(number.value))])],
    termSequence: searchTokens(question).map((token) => token.term).filter((term) => !QUESTION_WORDS.has(term)),
    focus: [...new Set([...searchTerms(ANSWER_PHRASE.exec(question)?.slice(1).join(' ') ?? ''), ...(counted ? [counted] : [])])],
    ...(whWord(question) ? { wh: whWord(question)! } : {}),
    aboutPaper: ABOUT_THE_PAPER.test(question),
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
/** An answer without its citation marks and cited authors ("[2]", "(Range and Virányi, 2011)"), which name no subject. */
function withoutCitations(text: string): string {
  return text.replace(/\[\d+(?:[,–-]\s*\d+)*\]/g, ' ').replace(/\([^()]*\b(?:1[6-9]|20)\d{2}[a-z]?\b[^()]*\)/g, ' ');
}

function previousSubject(history: ChatTurn[], glossary: GlossaryEntry[], statistics: TermStatistics): Concept[] {
  for (let i = history.length - 1; i >= 0; i--) {
    const turn = history[i]!;
    if (turn.role !== 'user') continue;
    const key = conceptsOf(turn.content, glossary, statistics, false).concepts.filter((concept) => concept.key);
    const reply = history.slice(i + 1).find((later) => later.role === 'assistant');
    const answered = reply
      ? conceptsOf(withoutCitations(reply.content).slice(0, 400), glossary, statistics, false)
          .concepts.filter((concept) => concept.key && !concept.absent && !key.some((mine) => sameConcept(mine, concept)))
          .sort((a, b) => b.weight - a.weight)
          .slice(0, 2)
      : [];
    // A turn that named nothing of its own was itself a follow-up ("what languages is it written
    // in?"): the conversation's subject is still the one before it (VESPA, not the Perl of its answer).
    if (key.length === 0) {
      const earlier = previousSubject(history.slice(0, i), glossary, statistics);
      if (earlier.length > 0) return earlier;
    }
    if (key.length + answered.length > 0) return [...key, ...answered];
  }
  return [];
}

/**
 * A follow-up that asks nothing of its own ("and for the poorly differentiated group?", "what
 * about LIME?"): it asks the previous question again of another subject, for the same kind of answer.
 */
function isFragment(question: string): boolean {
  return !/\b(?:what|which|who|whom|whose|when|where|why|how|did|does|do|is|are|was|were|can|could|has|have)\b/i.test(question.replace(/^\s*(?:and|ok|so|then)?[\s,]*(?:what|how) about\b/i, ''));
}

function lastQuestion(history: ChatTurn[]): string | undefined {
  return history.findLast((turn) => turn.role === 'user')?.content;
}

/** The kind of answer the wording asks for. */
/** "Who's the author of…", "who are the authors", "who is the lead author". */
const ASKS_FOR_AUTHORS = /\bwho(?:'s|’s|s| is| are| was| were)\s+(?:the\s+)?(?:\w+\s+)?authors?\b/;

export function expectedAnswer(question: string): AnswerType {
  const q = question.toLowerCase();
  if (/\bdoi\b/.test(q)) return 'doi';
  if (/\b(cost|costs|price|priced|dollars?|euros?|usd|reimburse\w*|money)\b|\$|\bhow much\b.*\b(spent|spend|paid|pay|worth|funding|grant)\b/.test(q)) return 'money';
  if (/\b(dose|doses|dosage|dosing)\b(?!-)|\bmg\/(kg|m2)\b|\bhow much .* (given|administered|infused)\b/.test(q)) return 'dose';
  if (/\b(hazard|odds) ratios?\b|\bhr\b/.test(q)) return 'ratio';
  if (/\b(which|what) (software |program )?versions?\b|\bversion number\b/.test(q)) return 'version';
  if (/\b(which|what) journal\b|\bjournal\b.*\bpublish|\bpublished in\b|\bwhere .* published\b/.test(q)) return 'journal';
  if (/\bfirst author\b|\bwho (wrote|authored|published|reported|led|discovered|showed|found)\b|\bwhich authors?\b|\bauthors of (the|this|that)\b/.test(q) || ASKS_FOR_AUTHORS.test(q)) return 'author';
  if (/(?:^|[,;:.!?-]\s*|\b(?:ok|so|and|but|then)\s+)when (was|were|did|is|does|has|have|will|had)\b|\bin (what|which) year\b|\b(what|which) year\b/.test(q)) return 'year';
  if (/\bhow long\b|\bhow many (months|weeks|years|days)\b|\bin (months|weeks|days)\b|\b(median|mean) (overall |progression-free )?(survival|os|pfs|duration)\b|\b(mos|mpfs|mdor|dor)\b|\bduration\b/.test(q)) return 'duration';
  if (/\bhow (often|frequently)\b/.test(q)) return 'frequency';
  if (/\b(what|which) (percentage|proportion|share|fraction|percent)\b|\bhow (common|frequent)\b|\bwhat (rate|rates)\b|\b(response|control|remission|incidence|survival) rates?\b|\b(orr|dcr|crr)\b|\bby how much\b|\bhow many percent\b|\bhow many times\b/.test(q)) return 'percentage';
  if (/\bhow (?:many|big|large)\b|\bnumber of\b/.test(q)) return 'count';
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
  if (/\bstands? for\b|\babbreviat|\bacronym\b|\bshort (name|form)\b|\bcode name\b|\bshort for\b|\bspelled out\b|\bfull (name|form)\b|\balso (called|known as)\b|\b(other|another) name\b/.test(q)) return 'abbreviation';
  if (namesAbbreviation && /\bwhat (does|do) \S+ (mean|refer to)\b|\brefer to\b/.test(q)) return 'abbreviation';
  // "ERC = ?", "what's that unit?" about a short form a paper defines.
  if (namesAbbreviation && /\S\s*=\s*\?|\bwhat(?:'s|’s| is| are) (?:that|this|these|those) (?:units?|terms?|words?)\b/.test(q)) return 'abbreviation';
  // "Who is AF?": initials a paper uses for one of its authors.
  if (namesAbbreviation && /\b[Ww]ho(?:'s|’s| is| was)\s+[A-Z]{2,4}\b/.test(question)) return 'abbreviation';
  if (/\bname of the (?:[\w-]+ ){0,3}(?:trial|study)\b|\bstudy code\b|\bwhich (?:named )?(?:[\w-]+ ){0,2}(?:trials?|studies|study)\b.*\b(?:support|show|cited|behind|report)|\bsupports? (?:the|this) (?:claim|statement|finding)|\bwhich study\b/.test(q)) {
    return 'reference';
  }
  if (/\bjournal\b|\bdoi\b|\bfirst author\b|\breference (list|number|entry)\b|\bwhich (reference|references|citation|study is cited|trial is cited|trials are cited)\b|\bcite[sd]?\b|\bwho (wrote|authored|reported|published)\b|\bpublished\b|\btitle of\b/.test(q) || ASKS_FOR_AUTHORS.test(q)) {
    return 'reference';
  }
  if (/^\s*(what|who) (is|are) (an? |the )?[\w-]+( [\w-]+)?\s*\??$/.test(q)) return 'definition';
  return 'general';
}
