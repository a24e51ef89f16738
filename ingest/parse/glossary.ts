/**
 * Abbreviations a paper defines, Schwartz & Hearst style (PSB 2003): a short form in
 * parentheses, its long form found by matching the short form's characters backwards through
 * the words before it — `antibody-drug conjugates (ADCs)`, `human epidermal growth factor
 * receptor 2 (HER2)`. Drug codes, whose letters need not come from the name, are accepted
 * when the name starts with the code's first letter (`Zanidatamab (ZW25)`, `Trastuzumab
 * Deruxtecan (T-DXd)`), or when a code with digits follows a capitalised name (`Disitamab
 * Vedotin (RC48)`).
 */
import { isCommonWord } from '../../lib/common-words.ts';
import type { GlossaryEntry } from '../../lib/types.ts';

const DEFINITION = /\(\s*([^()]{1,40}?)\s*\)/g;

export function extractGlossary(texts: string[]): GlossaryEntry[] {
  const seen = new Map<string, GlossaryEntry>();
  const add = (short: string, long: string) => {
    const key = `${short.toLowerCase()}|${long.toLowerCase()}`;
    if (!seen.has(key)) seen.set(key, { short, long });
  };
  for (const text of texts) {
    for (const match of text.matchAll(DEFINITION)) {
      // "(MMSE; Folstein et al., 1975)", "(HR, 95% CI …)": the short form is the first item.
      const short = match[1]!.split(/[;,]\s/)[0]!.trim();
      const unit = !isShortForm(short) && isUnitLike(short);
      if (!isShortForm(short) && !unit) continue;
      const before = text.slice(Math.max(0, match.index - 200), match.index);
      const long = unit ? schwartzHearst(short, before.trim().split(/\s+/).pop() ?? '') : longFormFor(short, before);
      if (long) add(short, long);
    }
  }
  // Initialisms a paper uses without parentheses, beside the words they stand for.
  const defined = new Set([...seen.values()].map((entry) => entry.short.toLowerCase()));
  for (const entry of inlineInitialisms(texts)) if (!defined.has(entry.short.toLowerCase())) add(entry.short, entry.long);
  const entries = [...seen.values()];
  // Clinical tables abbreviate "median X" as "mX" (mOS, mPFS): derive those from X's entry.
  for (const entry of [...entries]) {
    if (/^[A-Z]{2,4}$/.test(entry.short) && /survival|duration/i.test(entry.long)) {
      add(`m${entry.short}`, `median ${entry.long.toLowerCase()}`);
    }
  }
  return [...seen.values()];
}

/**
 * An abbreviation list as papers print it: "CPHSS: center for primary healthcare; IP:
 * interprofessional", "ACE, angiotensin-1-converting enzyme; SDM, shared decision making".
 */
export function abbreviationList(text: string): GlossaryEntry[] {
  const entries: GlossaryEntry[] = [];
  for (const piece of text.split(/\s*;\s*|\t|\n/)) {
    const match = /^\s*([^\s,:=]{2,15})\s*(?:[:,=]|\s[–-]\s|\s)\s*(\p{L}.{2,120}?)\.?\s*$/u.exec(piece);
    if (!match || !isShortForm(match[1]!) || match[2]!.toLowerCase() === match[1]!.toLowerCase()) continue;
    // The long form starts with the short form's first letter (as abbreviation lists are written).
    if (match[2]!.trim()[0]!.toLowerCase() !== match[1]![0]!.toLowerCase()) continue;
    entries.push({ short: match[1]!, long: match[2]!.trim() });
  }
  return entries;
}

/**
 * Authors by their initials, as contribution and steering-committee statements name them ("FL,
 * DS and NB conceived the study"): an author's initials (given names, hyphenated parts, middle
 * initials, surname) that the paper's text uses as a word, when no other author shares them and
 * no definition claims them.
 */
export function authorInitials(authors: string[], texts: string[], defined: GlossaryEntry[]): GlossaryEntry[] {
  const claimed = new Set(defined.map((entry) => entry.short.toLowerCase()));
  const byInitials = new Map<string, string[]>();
  for (const author of authors) {
    for (const initials of initialsOf(author)) byInitials.set(initials, [...(byInitials.get(initials) ?? []), author]);
  }
  const used = new Set(texts.flatMap((text) => text.match(/\b[A-Z]{2,4}\b/g) ?? []));
  return [...byInitials]
    .filter(([initials, names]) => names.length === 1 && used.has(initials) && !claimed.has(initials.toLowerCase()))
    .map(([initials, names]) => ({ short: initials, long: names[0]!, author: true as const }));
}

/** "Lars-Göran Nilsson" → LGN, LN; "Djoko T. Iskandar" → DTI, DI. */
function initialsOf(name: string): string[] {
  const words = name.split(/\s+/).filter((word) => /^\p{Lu}/u.test(word));
  if (words.length < 2) return [];
  const all = words.flatMap((word) => word.split('-').map((part) => part[0]!)).join('').toUpperCase();
  const firstAndLast = `${words[0]![0]}${words[words.length - 1]![0]}`.toUpperCase();
  return [...new Set([all, firstAndLast])];
}

/** Words an initialism skips ("Centre *for* Disease Control", "Council *of* Europe"). */
const SKIPPED = new Set(['of', 'for', 'and', 'the', 'in', 'on', 'to', '&']);

/**
 * "the European Research Council … ERC Grant", "single gene orthologs … SGOs": an initialism of
 * three or more capitals used in a passage whose words, in a row, begin with its letters. Only
 * the same passage counts, so a chance run of initials elsewhere never defines it.
 */
export function inlineInitialisms(texts: string[]): GlossaryEntry[] {
  const entries = new Map<string, GlossaryEntry>();
  for (const text of texts) {
    // Citation brackets ("plot[31]") are not part of a word.
    const plain = text.replace(/\[[\d,;\s–-]*\]?/g, ' ');
    const words = plain.split(/[\s/]+/).map((word) => word.replace(/^[("'‘“]+|[)"'’”,.;:]+$/g, '')).filter(Boolean);
    for (const match of plain.matchAll(/\b([A-Z]{3,6})s?\b/g)) {
      const short = match[1]!;
      // A run of one letter (AAA, UUU) is a sequence, not an initialism.
      if (entries.has(short) || /^(.)\1+$/.test(short)) continue;
      const long = initialsRun(short.toLowerCase(), words);
      if (long) entries.set(short, { short, long });
    }
  }
  return [...entries.values()];
}

/**
 * The first run of words whose initials, skipping function words inside it, spell `letters`;
 * each counted word is a word of three letters or more (not a code, an acronym or "or").
 */
function initialsRun(letters: string, words: string[]): string | undefined {
  const counts = (word: string) => /^\p{L}[\p{L}-]{2,}$/u.test(word) && !/^[A-Z]{2,}s?$/.test(word) && !SKIPPED.has(word.toLowerCase());
  for (let start = 0; start < words.length; start++) {
    let at = 0;
    let end = start;
    while (end < words.length && at < letters.length) {
      const word = words[end]!;
      if (end > start && SKIPPED.has(word.toLowerCase())) {
        end++;
        continue;
      }
      if (!counts(word) || word[0]!.toLowerCase() !== letters[at]) break;
      at++;
      end++;
    }
    if (at === letters.length) return words.slice(start, end).join(' ');
  }
  return undefined;
}

/**
 * "Gigacalories (Gcal)", "kilopascals (kPa)": a capitalised short form without a second capital,
 * taken only from the one word just before it (its letters in order, as Schwartz–Hearst match).
 */
function isUnitLike(candidate: string): boolean {
  return /^[A-Za-z][a-z]*[A-Z]?[a-z]*$/.test(candidate) && candidate.length >= 2 && candidate.length <= 5 && !isCommonWord(candidate.toLowerCase());
}

function isShortForm(candidate: string): boolean {
  if (candidate.length < 2 || candidate.length > 12) return false;
  if (candidate.split(/\s+/).length > 2) return false;
  if (!/^[A-Za-z0-9]/.test(candidate) || !/[A-Za-z]/.test(candidate)) return false;
  // A short form has a capital or a digit beyond its first character (not an ordinary word).
  if (!/[A-Z0-9]/.test(candidate.slice(1)) && !/^[A-Z]{2}/.test(candidate)) return false;
  if (/^(?:e\.g|i\.e|vs|n|p|or|and|see)\b/i.test(candidate)) return false;
  if (/^(?:Figure|Table|Fig)\b/i.test(candidate)) return false;
  return true;
}

/** The long form of `short` at the end of `before`, or undefined. */
function longFormFor(short: string, before: string): string | undefined {
  // Only the current clause: stop at sentence ends, semicolons, other parentheses.
  const clause = before.split(/[.;:!?()[\]]\s|[()[\];]/).pop() ?? '';
  const words = clause.trim().split(/\s+/).filter((word) => word.length > 0);
  if (words.length === 0) return undefined;
  const maxWords = Math.min(short.replace(/[^A-Za-z0-9]/g, '').length + 5, short.length * 2);
  const window = words.slice(-maxWords);
  const strict = schwartzHearst(short, window.join(' '));
  if (strict) return strict;
  return codeName(short, window);
}

/** The classic algorithm: every short-form character, right to left, in the long form. */
function schwartzHearst(short: string, candidate: string): string | undefined {
  const shortChars = short.toLowerCase();
  const longChars = candidate.toLowerCase();
  let s = shortChars.length - 1;
  let l = longChars.length - 1;
  while (s >= 0) {
    const c = shortChars[s]!;
    if (!/[a-z0-9]/.test(c)) {
      s--;
      continue;
    }
    while (l >= 0 && (longChars[l] !== c || (s === 0 && l > 0 && /[a-z0-9]/.test(longChars[l - 1]!)))) l--;
    if (l < 0) return undefined;
    s--;
    l--;
  }
  const start = longChars.lastIndexOf(' ', l) + 1;
  const long = candidate.slice(start).trim();
  if (long.length <= short.length || long.toLowerCase() === short.toLowerCase()) return undefined;
  return long;
}

/** Words that are all everyday English ("Council", "Phase Study") name no particular thing. */
function everyday(words: string[]): boolean {
  return words.every((word) => isCommonWord(word.replace(/[^A-Za-z]/g, '')));
}

/** `Zanidatamab (ZW25)`: a code after the one or two words that name it. */
function codeName(short: string, words: string[]): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(short) || !/[A-Z]/.test(short) || !/[\d-]|[A-Z].*[A-Z]/.test(short)) return undefined;
  const first = short[0]!.toLowerCase();
  for (let take = 1; take <= Math.min(3, words.length); take++) {
    const candidate = words.slice(-take);
    if (candidate[0]!.toLowerCase().startsWith(first) && /^[A-Za-z]/.test(candidate[0]!)) {
      const long = candidate.join(' ').replace(/[,]$/, '');
      if (long.length > short.length && /^[A-Za-z][a-z]/.test(long) && !everyday(candidate)) return long;
    }
  }
  // Company codes share no letters with the drug's name: "Disitamab Vedotin (RC48)". Accept a
  // code with digits after a name written in capitals, one or two words.
  if (/\d/.test(short) && /[A-Z]/.test(short)) {
    const name = words.slice(-2).filter((word, i, list) => /^[A-Z][a-z]{3,}$/.test(word) && (i === list.length - 1 || /^[A-Z][a-z]{3,}$/.test(list[i + 1]!)));
    const run = name.length === 2 || (name.length === 1 && name[0] === words[words.length - 1]) ? name : [];
    // A grant number after "Council" or "People" names no drug: the name must not be everyday English.
    if (run.length > 0 && !everyday(run)) return run.join(' ');
  }
  return undefined;
}
