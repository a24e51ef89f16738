/**
 * In-text citations: `(24)`, `(46, 47)`, `(95–97)`, `(3, 4)`, `[12]`, `[3-5, 8]`, expanded to
 * reference numbers. Parenthesised numbers that cannot be references (years, percentages,
 * numbers beyond the reference list) are not citations.
 */

const CITATION = /[([]\s*(\d{1,4}(?:\s*[-–—]\s*\d{1,4})?(?:\s*[,;]\s*\d{1,4}(?:\s*[-–—]\s*\d{1,4})?)*)\s*[)\]]/g;

/** Longest range a citation may span; longer ones are not citations ("(1990–2020)"). */
const MAX_RANGE = 30;

export interface CitationMatch {
  numbers: number[];
  start: number;
  end: number;
}

/** Every citation in `text`, in order. `maxReference` bounds valid numbers (0 = unknown). */
export function findCitations(text: string, maxReference: number): CitationMatch[] {
  const found: CitationMatch[] = [];
  for (const match of text.matchAll(CITATION)) {
    const numbers = expand(match[1]!, maxReference);
    if (numbers) found.push({ numbers, start: match.index, end: match.index + match[0].length });
  }
  return found;
}

/** The distinct reference numbers cited in `text`, ascending. */
export function citedNumbers(text: string, maxReference: number): number[] {
  const all = new Set(findCitations(text, maxReference).flatMap((citation) => citation.numbers));
  return [...all].sort((a, b) => a - b);
}

function expand(list: string, maxReference: number): number[] | undefined {
  const numbers: number[] = [];
  for (const part of list.split(/[,;]/)) {
    const [from, to] = part.split(/[-–—]/).map((value) => Number(value.trim()));
    if (from === undefined || !Number.isInteger(from)) return undefined;
    if (to === undefined) {
      numbers.push(from);
      continue;
    }
    if (!Number.isInteger(to) || to <= from || to - from > MAX_RANGE) return undefined;
    for (let n = from; n <= to; n++) numbers.push(n);
  }
  const limit = maxReference > 0 ? maxReference : 999;
  if (numbers.some((n) => n < 1 || n > limit)) return undefined;
  return numbers;
}
