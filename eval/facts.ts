/**
 * Does an answer state the required facts? Plain string matching after normalisation, with
 * word boundaries so that "17" is not found in "117" nor "MET" in "metastatic".
 */

/** The citation markers an answer carries: `[1]`, `[2][3]`. */
export const MARKER = /\[(\d+)\]/g;

/**
 * Case-folded text with Unicode dashes as "-", spaces around dashes dropped ("10 – 20" →
 * "10-20") and whitespace runs as one space.
 */
export function normalizeForFacts(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/ ?- ?/g, '-')
    .trim();
}

/** Endings a word may take and still count as the fact's word ("antigen" → "antigens"). */
const INFLECTIONS = new Set(['', 's', 'es', 'd', 'ed', 'ing', 'ly']);

const isAlphanumeric = (char: string | undefined) => char !== undefined && /[\p{L}\p{N}]/u.test(char);
const isDigit = (char: string | undefined) => char !== undefined && /\p{N}/u.test(char);
const isLetter = (char: string | undefined) => char !== undefined && /\p{L}/u.test(char);

/**
 * Whether `alternative` occurs in `text` (both already normalised) as a whole: it may not
 * start inside a word or a number ("5" in "10.5"), a number may not continue ("8" in "8.4"),
 * and a word may only continue with a plain inflection (s, es, d, ed, ing, ly).
 */
export function containsPhrase(text: string, alternative: string): boolean {
  if (alternative.length === 0) return false;
  const first = alternative[0];
  const last = alternative[alternative.length - 1];
  for (let at = text.indexOf(alternative); at !== -1; at = text.indexOf(alternative, at + 1)) {
    const before = text[at - 1];
    const end = at + alternative.length;
    if (isAlphanumeric(first) && isAlphanumeric(before)) continue;
    if (isDigit(first) && (before === '.' || before === ',') && isDigit(text[at - 2])) continue;
    if (isDigit(last) && (isDigit(text[end]) || ((text[end] === '.' || text[end] === ',') && isDigit(text[end + 1])))) continue;
    if (isLetter(last)) {
      let tail = '';
      for (let i = end; isLetter(text[i]); i++) tail += text[i];
      if (!INFLECTIONS.has(tail)) continue;
      if (isDigit(text[end + tail.length])) continue;
    }
    return true;
  }
  return false;
}

/** One required fact and whether the answer states it (and with which alternative). */
export interface FactCheck {
  alternatives: string[];
  found?: string;
}

/** Checks each fact (a list of alternatives, any one suffices) against an answer text. */
export function checkFacts(answer: string, facts: string[][]): FactCheck[] {
  const text = normalizeForFacts(answer.replace(MARKER, ' '));
  return facts.map((alternatives) => {
    const found = alternatives.find((alternative) => containsPhrase(text, normalizeForFacts(alternative)));
    return found === undefined ? { alternatives } : { alternatives, found };
  });
}

/** The answer's length as a reader sees it: citation markers removed, whitespace squashed. */
export function proseLength(answer: string): number {
  return answer.replace(MARKER, '').replace(/\s+/g, ' ').replace(/ ([.,;:!?])/g, '$1').trim().length;
}
