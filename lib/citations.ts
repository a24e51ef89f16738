/**
 * In-text citations → the paper's reference numbers, in every common style: bracketed
 * (`[12]`, `[3-5, 8]`; superscripts arrive from PDF layout written this way), parenthesised
 * (`(24)`, `(95–97)`), and author–year (`(Smith et al., 2010; Lee, 2012a)`, `Smith and Jones
 * (2010)`). Numbers count only when the reference list is numbered and they fall inside it;
 * a paper that cites in brackets does not cite in parentheses, so its "(1)" is an equation.
 */

const NUMERIC = /([([])\s*(\d{1,4}(?:\s*[-–—]\s*\d{1,4})?(?:\s*[,;]\s*\d{1,4}(?:\s*[-–—]\s*\d{1,4})?)*)\s*([)\]])/g;

/** Longest range a citation may span; longer ones are not citations ("(1990–2020)"). */
const MAX_RANGE = 30;

export interface CitationMatch {
  numbers: number[];
  start: number;
  end: number;
}

/** What a resolver needs to know of a paper's reference list. */
export interface CitableReference {
  n: number;
  authors: string[];
  year?: number;
}

export type NumericStyle = 'brackets' | 'parentheses' | 'both';

export interface CitationStyle {
  /** Entries in the list (numbers above it are not citations); 0 when unknown. */
  count: number;
  /** The list prints numbers; otherwise only author–year citations resolve. */
  numbered: boolean;
  numeric: NumericStyle;
}

export class CitationResolver {
  private readonly byAuthorYear = new Map<string, number[]>();

  constructor(
    readonly style: CitationStyle,
    references: CitableReference[] = [],
  ) {
    if (style.numbered) return;
    for (const reference of references) {
      const surname = firstSurname(reference.authors);
      if (!surname || reference.year === undefined) continue;
      const key = `${surname}|${reference.year}`;
      this.byAuthorYear.set(key, [...(this.byAuthorYear.get(key) ?? []), reference.n]);
    }
  }

  /** Every citation in `text`, in order. */
  find(text: string): CitationMatch[] {
    return this.style.numbered ? numericCitations(text, this.style) : this.authorYear(text);
  }

  /**
   * `text` with raised numbers that are not citations joined back to their word: PDF layout
   * writes every superscript number after a word as `[n]`, but "Tyr³⁶⁹" in a paper with 52
   * references is residue 369 (`Tyr369`), not citation 369.
   */
  joinNonCitations(text: string): string {
    const cited = this.find(text);
    return text.replace(/(?<=\p{L})\[(\d{1,4})\]/gu, (marker: string, digits: string, at: number) =>
      cited.some((citation) => at >= citation.start && at < citation.end) ? marker : digits,
    );
  }

  /** The distinct reference numbers cited in `text`, ascending. */
  cited(text: string): number[] {
    return [...new Set(this.find(text).flatMap((citation) => citation.numbers))].sort((a, b) => a - b);
  }

  /**
   * "(Smith et al., 2010; Lee and Park 2012a, 2013)" and "Smith et al. (2010)": each year
   * with the names before it in its group, matched to the entry with that first author and
   * year (a letter after the year picks among several).
   */
  private authorYear(text: string): CitationMatch[] {
    const found: CitationMatch[] = [];
    for (const match of text.matchAll(/\(([^()]*\b(?:1[6-9]|20)\d{2}[a-z]?\b[^()]*)\)/g)) {
      const numbers = match[1]!.split(';').flatMap((part) => this.resolveGroup(part));
      if (numbers.length > 0) found.push({ numbers, start: match.index, end: match.index + match[0].length });
    }
    const narrative = /(\p{Lu}[\p{L}'’-]+(?:\s+(?:and|&)\s+\p{Lu}[\p{L}'’-]+)?)(?:\s+et al\.?)?\s*\(((?:1[6-9]|20)\d{2}[a-z]?(?:\s*,\s*(?:1[6-9]|20)\d{2}[a-z]?)*)[^)]*\)/gu;
    for (const match of text.matchAll(narrative)) {
      if (found.some((citation) => match.index >= citation.start && match.index < citation.end)) continue;
      const numbers = this.resolveGroup(`${match[1]} ${match[2]}`);
      if (numbers.length > 0) found.push({ numbers, start: match.index, end: match.index + match[0].length });
    }
    return found.sort((a, b) => a.start - b.start);
  }

  private resolveGroup(part: string): number[] {
    const names = /(\p{Lu}[\p{L}'’-]+)/u.exec(part.replace(/^\s*(?:e\.g\.,?|see(?: also)?|cf\.|i\.e\.,?|reviewed in|for a review,? see)\s*/i, ''));
    if (!names) return [];
    const surname = normalizeName(names[1]!);
    const numbers: number[] = [];
    for (const year of part.matchAll(/\b((?:1[6-9]|20)\d{2})([a-z])?\b/g)) {
      const candidates = this.byAuthorYear.get(`${surname}|${year[1]}`) ?? [];
      const pick = year[2] ? candidates[year[2].charCodeAt(0) - 97] : candidates[0];
      if (pick !== undefined) numbers.push(pick);
    }
    return numbers;
  }
}

/**
 * The numeric citation style a text uses: brackets or parentheses, whichever holds more
 * plausible citation numbers (a review cites "(24)", a BMC paper "[24]").
 */
export function detectNumericStyle(texts: string[], count: number): NumericStyle {
  let brackets = 0;
  let parentheses = 0;
  for (const text of texts) {
    for (const citation of numericCitations(text, { count, numbered: true, numeric: 'both' })) {
      if (text[citation.start] === '[') brackets++;
      else parentheses++;
    }
  }
  if (brackets >= 3 * Math.max(1, parentheses)) return 'brackets';
  if (parentheses >= 3 * Math.max(1, brackets)) return 'parentheses';
  return 'both';
}

function numericCitations(text: string, style: CitationStyle): CitationMatch[] {
  const found: CitationMatch[] = [];
  for (const match of text.matchAll(NUMERIC)) {
    const open = match[1]!;
    if ((open === '[') !== (match[3] === ']')) continue;
    if ((style.numeric === 'brackets' && open !== '[') || (style.numeric === 'parentheses' && open !== '(')) continue;
    const numbers = expand(match[2]!, style.count);
    if (numbers) found.push({ numbers, start: match.index, end: match.index + match[0].length });
  }
  return found;
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

/** A reference's first author's surname, lowercased without accents ("Østergaard PA" → "ostergaard"). */
function firstSurname(authors: string[]): string | undefined {
  const first = authors.find((author) => author !== 'et al.');
  if (!first) return undefined;
  const parts = first.trim().split(/\s+/);
  const surname = parts.length > 1 && /^\p{Lu}{1,4}$/u.test(parts[parts.length - 1]!) ? parts.slice(0, -1) : parts;
  // "van den Beek" is cited as "van den Beek" or "Beek": the last word decides.
  return normalizeName(surname[surname.length - 1]!);
}

function normalizeName(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/ø/gi, 'o').toLowerCase().replace(/[^a-z]/g, '');
}

/** Numeric citations with no knowledge of the paper beyond its list length (plain texts, tests). */
export function citedNumbers(text: string, maxReference: number): number[] {
  return new CitationResolver({ count: maxReference, numbered: true, numeric: 'both' }).cited(text);
}
