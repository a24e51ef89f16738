/**
 * Text helpers shared by ingest and retrieval: repairing extraction damage, splitting
 * sentences, and turning text into search terms. Chunks and queries go through the same
 * functions, so they always agree.
 */
import { stemmer } from 'stemmer';

const UNIT_WORDS =
  'months?|weeks?|days?|years?|hours?|mg|mg/kg|mg/m2|kg|ml|cycles?|patients?|cases?';

/**
 * Repairs text that PDF extraction glued together, where the repair is unambiguous:
 * `chromosome17` → `chromosome 17`, `11.1months` → `11.1 months`, `84%vs.77%` → `84% vs. 77%`.
 * Codes such as `HER2`, `ZW25` or `RC48` are left alone (short or capitalised stems).
 */
export function repairExtractedText(text: string): string {
  return (
    text
      // a lowercase word of 6+ letters glued to a number: chromosome17, cycle1 stays (short)
      .replace(/\b([a-z]{6,})(\d+)\b/g, '$1 $2')
      // a number glued to a unit word
      .replace(new RegExp(`(\\d)(${UNIT_WORDS})\\b`, 'g'), '$1 $2')
      // "84%vs.77%", "5.4 vs.4.4", "14.2vs.": space around a glued vs.
      .replace(/([\d%)])vs\./g, '$1 vs.')
      .replace(/\bvs\.(?=[\w(])/g, 'vs. ')
      // "PCR:35%": a colon glued to a number after a label
      .replace(/\b([A-Za-z]{2,}):(?=\d)/g, '$1: ')
  );
}

/** Removes Markdown emphasis (`*in situ*`, `**bold**`, `_x_`) kept by the text extraction. */
export function stripEmphasis(text: string): string {
  return text
    .replace(/(\*{1,2})(?=\S)([^*\n]+?)(?<=\S)\1/g, '$2')
    .replace(/(?<![\p{L}\p{N}_])(__?)(?=\S)([^_\n]+?)(?<=\S)\1(?![\p{L}\p{N}_])/gu, '$2');
}

/** Plain text from inline Markdown: emphasis, links (`[text](url)` → text), backslash escapes. */
export function stripMarkdownInline(text: string): string {
  return stripEmphasis(text.replace(/\[([^\]]+)\]\((?:https?:\/\/|mailto:)[^)\s]+\)/g, '$1').replace(/\\([()[\]*_#`\\])/g, '$1'));
}

/** Collapses runs of whitespace into single spaces and trims. */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const ABBREVIATION_END =
  /(?:\bet al|\bvs|\be\.g|\bi\.e|\bFig|\bFigs|\bNo|\bNos|\bcf|\bapprox|\bca|\bRef|\bRefs|\bDr|\bvol|\bpp|\bSt|\b[A-Z])\.\s*$/;

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/** A sentence and where it sits in the text it was cut from. */
export interface Sentence {
  text: string;
  start: number;
  end: number;
}

/**
 * Splits text into sentences with Unicode sentence rules, then re-joins the splits those rules
 * make after abbreviations common in papers ("et al.", "vs.", "e.g.", "No.") and before a
 * lowercase continuation.
 */
export function splitSentences(text: string): Sentence[] {
  const raw: Sentence[] = [];
  for (const segment of segmenter.segment(text)) {
    raw.push({ text: segment.segment, start: segment.index, end: segment.index + segment.segment.length });
  }
  const merged: Sentence[] = [];
  for (const piece of raw) {
    const previous = merged[merged.length - 1];
    const joinsPrevious =
      previous !== undefined &&
      (ABBREVIATION_END.test(previous.text) || /^\s*[a-z(]/.test(piece.text) || /^\s*\d+[)\],]/.test(piece.text));
    if (joinsPrevious) {
      previous.text += piece.text;
      previous.end = piece.end;
    } else {
      merged.push({ ...piece });
    }
  }
  return merged
    .map((sentence) => {
      const leading = sentence.text.length - sentence.text.trimStart().length;
      const trimmed = sentence.text.trim();
      return { text: trimmed, start: sentence.start + leading, end: sentence.start + leading + trimmed.length };
    })
    .filter((sentence) => sentence.text.length > 0);
}

const GREEK: Record<string, string> = {
  α: 'alpha',
  β: 'beta',
  γ: 'gamma',
  δ: 'delta',
  ε: 'epsilon',
  ζ: 'zeta',
  κ: 'kappa',
  λ: 'lambda',
  μ: 'mu',
};

/**
 * Lowercases, folds accents, Greek letters, dash variants and British spellings (tumour,
 * randomised, oesophageal, haematologic): the form search terms come from.
 */
export function foldForSearch(text: string): string {
  return text
    .replace(/[αβγδεζκλμ]/g, (letter) => ` ${GREEK[letter]} `)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\u2018\u2019]/g, "'")
    .toLowerCase()
    // Contractions: "didn't" → "did not", "what's" → "what".
    .replace(/n't\b/g, ' not')
    .replace(/'(?:s|re|ve|ll|d|m)\b/g, '')
    .replace(/\b(tum|col|behavi|fav|lab|hum|vap|rum)our/g, '$1or')
    .replace(/([a-z]{3,})is(e|ed|es|ing|ation|ations|er|ers)\b/g, '$1iz$2')
    .replace(/\b(o?esophag|diarrho?e|o?edem|f?oet|coeliac)/g, (word) => word.replace(/oe/g, 'e').replace(/^oe/, 'e'))
    .replace(/\b(h|an|leuk|p|gyn|septic)ae/g, '$1e')
    .replace(/\b(cent|fib|lit|met|theat)re(s?)\b/g, '$1er$2');
}

// Function words and the paper's most generic question words; numbers and codes are never stopped.
const STOPWORDS = new Set(
  (
    'a an and are as at be been being but by can could did do does doing for from had has have having he her hers him his how i if ' +
    'in into is it its itself me more most my no nor not of off on once only or other our ours out over own same she should so ' +
    'some such than that the their theirs them then there these they this those through to too under until up very was we were ' +
    'what when where which while who whom why will with would you your yours also about after again against all am any because ' +
    'before below between both during each few further here just let may might must shall whose within without upon via per ' +
    'among amongst across along around like et al vs e g i ie eg tell give show describe explain according paper review article say says said'
  ).split(' '),
);

function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

const TOKEN = /[a-z0-9]+(?:[-.'/][a-z0-9]+)*\+?/g;

/** One word of a text as search terms: the whole (`tdxd`) and, for hyphenated names, its parts. */
export interface SearchToken {
  term: string;
  parts: string[];
}

/**
 * Search tokens of a text: folded, stemmed words without stopwords; numbers kept as written
 * (`13.8`); hyphenated names as one joined term (`t-dxd` → `tdxd`, `her-2` → `her2`) so that
 * spelling variants meet, plus their parts.
 */
export function searchTokens(text: string): SearchToken[] {
  const tokens: SearchToken[] = [];
  for (const match of foldForSearch(text).matchAll(TOKEN)) {
    const token = match[0].replace(/\+$/, '').replace(/'s$/, '');
    if (/^\d+(?:\.\d+)?$/.test(token)) {
      tokens.push({ term: token, parts: [] });
      continue;
    }
    const pieces = token.split(/[-/']/).filter((part) => part.length > 0);
    if (pieces.length > 1) {
      // "drug-to-antibody" and "drug-antibody" meet: stopwords inside a compound do not count.
      const joined = pieces.filter((piece, i) => i === 0 || !isStopword(piece)).join('').replace(/\./g, '');
      const parts = pieces.filter((part) => part.length >= 2 && !isStopword(part)).map(stemWord);
      if (!isStopword(joined)) tokens.push({ term: stemWord(joined), parts });
      continue;
    }
    if (token.length < 2 || isStopword(token)) continue;
    tokens.push({ term: stemWord(token), parts: [] });
  }
  return tokens;
}

/** Search terms of a text (see `searchTokens`), parts included: what indexes store. */
export function searchTerms(text: string): string[] {
  return searchTokens(text).flatMap((token) => [token.term, ...token.parts]);
}

/** Porter stem for plain words; codes with digits (`her2`, `zw25`) are kept whole. */
function stemWord(word: string): string {
  if (/\d/.test(word) || word.length <= 3) return word;
  return stemmer(word);
}

/** How many leading characters two strings share. */
export function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** `text` matched literally inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
