/**
 * Citation quality in the spirit of ALCE (Gao et al. 2023, "Enabling Large Language Models to
 * Generate Text with Citations"), with a deterministic lexical test in place of their NLI model,
 * so that scores are reproducible and need no model:
 *
 *   A set of passages SUPPORTS a sentence when, after removing its [n] markers,
 *   (a) every number of the sentence occurs among the numbers of the passages (compared as
 *       values: "42.0" = "42"), and
 *   (b) at least 60% of its distinct content words occur in the passages (lowercased, accents
 *       and British spellings folded, Porter-stemmed; function words and attribution words
 *       like "review" dropped).
 *   A sentence with neither numbers nor content words ("Yes.") makes no claim and is skipped.
 *   A sentence without markers is checked against the next cited sentence of its paragraph.
 *   Codes are read whole ("HER-2" = "HER2"), so their digits are not numbers to check.
 *
 *   Citation recall    = claims whose citations jointly support them / claims.
 *   Citation precision = citations that support their sentence alone, or that the joint
 *                        support needs (remove it and the rest no longer supports) / citations.
 */
import { stemmer } from 'stemmer';
import { MARKER } from './facts.ts';

/** Share of a sentence's content words the passages must contain. */
export const CONTENT_WORD_SHARE = 0.6;

// English function words, and words that attribute a claim rather than make it.
const STOPWORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below between both but by can ' +
    'could did do does doing down during each either few for from further had has have having he her here hers herself him himself his ' +
    'how i if in into is it its itself just me more most my myself neither no nor not of off on once only or other our ours ourselves out ' +
    'over own same she should so some such than that the their theirs them themselves then there these they this those through thus to too ' +
    'under until up upon very via was we were what when where which while who whom whose why will with within without would yet you your ' +
    'yours yes et al vs eg ie respectively whereas however moreover furthermore additionally overall ' +
    'paper papers review article authors author according passage passages report reports reported state states stated note notes ' +
    'noted mention mentions mentioned indexed describe describes described say says said show shows showed shown'
  ).split(' '),
);

/** The claim-bearing tokens of a text. */
export interface Claim {
  /** Numeric values, e.g. 13.8, 2007. */
  numbers: number[];
  /** Distinct stemmed content words. */
  words: string[];
}

/**
 * Numbers and stemmed content words of a text (see the rule above). Answer sentences drop
 * their [n] markers; passages keep theirs (a reference entry starts "[33] Janjigian YY…").
 */
export function claimOf(text: string, options: { markers: 'drop' | 'keep' } = { markers: 'drop' }): Claim {
  const folded = (options.markers === 'drop' ? text.replace(MARKER, ' ') : text)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    // "HER-2" and "HER2" are one code, not a word and the number 2.
    .replace(/(\p{L})[-\u2010-\u2015](?=\p{N})/gu, '$1')
    // British and American spellings meet: tumour = tumor, randomised = randomized.
    .replace(/(\p{L}{3,})our\b/gu, '$1or')
    .replace(/(\p{L}{3,})is(e|ed|es|ing|ation|ations)\b/gu, '$1iz$2');
  const numbers = new Set<number>();
  const words = new Set<string>();
  // Decimal points stay inside numbers ("13.8", "3q26.3"); everything else separates tokens.
  for (const [token] of folded.matchAll(/[\p{L}\p{N}]+(?:\.\p{N}+)*/gu)) {
    if (/^\d+(?:\.\d+)?$/.test(token)) {
      numbers.add(Number(token));
    } else if (token.length >= 2 && !STOPWORDS.has(token)) {
      words.add(/^\p{L}+$/u.test(token) ? stemmer(token) : token);
    }
  }
  return { numbers: [...numbers], words: [...words] };
}

/** Whether the claim is a claim at all (it has something that can be checked). */
export function isClaim(claim: Claim): boolean {
  return claim.numbers.length > 0 || claim.words.length > 0;
}

/** Whether passages (their claims merged) support a sentence's claim, by the rule above. */
export function supports(claim: Claim, passages: Claim[]): boolean {
  if (passages.length === 0) return false;
  const numbers = new Set(passages.flatMap((passage) => passage.numbers));
  if (!claim.numbers.every((n) => numbers.has(n))) return false;
  if (claim.words.length === 0) return true;
  const words = new Set(passages.flatMap((passage) => passage.words));
  const found = claim.words.filter((word) => words.has(word)).length;
  return found / claim.words.length >= CONTENT_WORD_SHARE;
}

/** One sentence of an answer with the citation numbers it carries. */
export interface AnswerSentence {
  text: string;
  /** Its own [n] markers. */
  cites: number[];
  /** 0-based paragraph (blank-line separated) of the answer. */
  paragraph: number;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
// Where the Unicode rules split but a paper's sentence goes on ("Bang et al. reported…").
const ABBREVIATION_END = /(?:\bet al|\bvs|\be\.g|\bi\.e|\bFigs?|\bNos?|\bcf|\bapprox|\bRefs?|\b[A-Z])\.\s*$/;

/**
 * Splits an answer into sentences and reads each one's [n] markers. Markers that open a piece
 * ("…growth. [2] Next…") belong to the sentence before, as the writer meant.
 */
export function answerSentences(answer: string): AnswerSentence[] {
  return answer.split(/\n\s*\n/).flatMap((paragraph, index) =>
    splitParagraph(paragraph).map((text) => ({ text, cites: [...new Set([...text.matchAll(MARKER)].map((match) => Number(match[1])))], paragraph: index })),
  );
}

function splitParagraph(paragraph: string): string[] {
  const pieces: string[] = [];
  for (const { segment } of segmenter.segment(paragraph)) {
    const previous = pieces.length - 1;
    if (previous >= 0 && (ABBREVIATION_END.test(pieces[previous]!) || /^\s*[a-z(]/.test(segment))) {
      pieces[previous] += segment;
      continue;
    }
    const leading = /^\s*(?:\[\d+\]\s*)+/.exec(segment);
    if (leading && previous >= 0) {
      pieces[previous] += leading[0];
      const rest = segment.slice(leading[0].length);
      if (rest.trim()) pieces.push(rest);
      continue;
    }
    pieces.push(segment);
  }
  return pieces.map((piece) => piece.trim()).filter((piece) => piece.length > 0);
}

/**
 * The citations a sentence is checked against: its own markers, or, when it has none, those of
 * the next cited sentence of its paragraph (one marker often closes a run of sentences, like a
 * reference entry "Author. Title. Journal (2021). doi … [2]."). Support is still checked, so
 * an unsupported sentence gains nothing from this.
 */
export function effectiveCitations(sentences: AnswerSentence[]): number[][] {
  return sentences.map((sentence, i) => {
    if (sentence.cites.length > 0) return sentence.cites;
    const next = sentences.slice(i + 1).find((later) => later.paragraph === sentence.paragraph && later.cites.length > 0);
    return next?.cites ?? [];
  });
}

/** How one sentence's citations fare. */
export interface SentenceSupport {
  text: string;
  /** The citations checked: its own, or inherited (see `effectiveCitations`). */
  cites: number[];
  inherited: boolean;
  /** The citations jointly support the sentence. */
  supported: boolean;
  /** Citations that support alone or are needed by the joint support. */
  precise: number[];
}

export interface CitationScore {
  sentences: SentenceSupport[];
  /** Undefined when the answer makes no claim. */
  recall?: number;
  /** Undefined when the answer cites nothing. */
  precision?: number;
}

/**
 * Scores an answer's citations. `passageText(n)` is the text of citation n, or undefined for
 * a marker that names no citation (it then supports nothing).
 */
export function scoreCitations(answer: string, passageText: (n: number) => string | undefined): CitationScore {
  const passages = new Map<number, Claim | undefined>();
  const passage = (n: number) => {
    if (!passages.has(n)) {
      const text = passageText(n);
      passages.set(n, text === undefined ? undefined : claimOf(text, { markers: 'keep' }));
    }
    return passages.get(n);
  };
  const claimsOf = (numbers: number[]) => numbers.map(passage).filter((claim): claim is Claim => claim !== undefined);

  const sentences: SentenceSupport[] = [];
  let claims = 0;
  let supportedClaims = 0;
  let citations = 0;
  let preciseCitations = 0;
  const split = answerSentences(answer);
  const checked = effectiveCitations(split);
  split.forEach((sentence, i) => {
    const claim = claimOf(sentence.text);
    if (!isClaim(claim)) return;
    const cites = checked[i]!;
    const supported = supports(claim, claimsOf(cites));
    const precise = cites.filter((n) => supports(claim, claimsOf([n])) || (supported && !supports(claim, claimsOf(cites.filter((other) => other !== n)))));
    claims += 1;
    if (supported) supportedClaims += 1;
    // Precision counts the markers written, so an inherited citation is not counted twice.
    if (sentence.cites.length > 0) {
      citations += cites.length;
      preciseCitations += precise.length;
    }
    sentences.push({ text: sentence.text, cites, inherited: sentence.cites.length === 0 && cites.length > 0, supported, precise });
  });
  return {
    sentences,
    ...(claims > 0 ? { recall: supportedClaims / claims } : {}),
    ...(citations > 0 ? { precision: preciseCitations / citations } : {}),
  };
}
