/**
 * A paper's own references exported for reference managers: BibTeX, RIS and CSL-JSON. Our
 * `Reference` (authors as printed, "Shitara K" or "K. Shitara") becomes a CSL-JSON item here;
 * citation-js writes the formats from those items.
 */
import { Cite, type CslItem, type CslName, type RisEntry } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import '@citation-js/plugin-ris';
import type { Reference } from '../../lib/types.ts';

/** The export formats, with the media type and file extension each is served with. */
export const REFERENCE_FORMATS = {
  bibtex: { mediaType: 'application/x-bibtex', extension: 'bib' },
  ris: { mediaType: 'application/x-research-info-systems', extension: 'ris' },
  csl: { mediaType: 'application/vnd.citationstyles.csl+json', extension: 'json' },
} as const;

export type ReferenceFormat = keyof typeof REFERENCE_FORMATS;

/**
 * Writes references in one export format, in the order given. An empty list gives an empty
 * file (`[]` for CSL-JSON).
 */
export function formatReferences(references: readonly Reference[], format: ReferenceFormat): string {
  const cite = new Cite(references.map(toCslItem));
  switch (format) {
    case 'bibtex':
      return cite.format('bibtex');
    case 'ris':
      return risText(cite.format('ris', { format: 'object' }), references.map(risId));
    case 'csl':
      return cite.format('data', { format: 'text' });
  }
}

/**
 * One reference as a CSL-JSON item. `id` is `docId:n`, the way the API names a reference;
 * the BibTeX key is the same with only letters, digits and underscores, which every BibTeX
 * tool accepts (citation-js would otherwise invent one from author, year and title, which
 * changes when the parse improves).
 */
export function toCslItem(reference: Reference): CslItem {
  const authors = reference.authors.map(cslName).filter((name): name is CslName => name !== undefined);
  const page = reference.pages ? pageRange(reference.pages) : '';
  return {
    id: `${reference.docId}:${reference.n}`,
    'citation-key': citationKey(reference.docId, reference.n),
    // Without a journal we cannot tell an article from a book or a web page: say so.
    type: reference.journal ? 'article-journal' : 'document',
    ...(reference.title ? { title: reference.title } : {}),
    ...(authors.length > 0 ? { author: authors } : {}),
    ...(reference.journal ? { 'container-title': reference.journal } : {}),
    ...(reference.year !== undefined ? { issued: { 'date-parts': [[reference.year]] } } : {}),
    ...(reference.volume ? { volume: reference.volume } : {}),
    ...(page ? { page } : {}),
    ...(reference.doi ? { DOI: reference.doi } : {}),
    // A parse that missed the title or the authors keeps the entry as printed, so nothing is lost.
    ...(!reference.title || authors.length === 0 ? { note: reference.text } : {}),
  };
}

/** "her2-gastric-cancer-review", 33 → "her2_gastric_cancer_review_33". */
export function citationKey(docId: string, n: number): string {
  return `${docId.replace(/[^A-Za-z0-9]+/g, '_')}_${n}`;
}

/**
 * The RIS `ID`: at most 20 characters by the RIS specification, and citation-js cuts `id`
 * there, which gave every entry of a long-named paper the same ID. The reference number
 * is kept whole instead: "her2_gastric_canc_33".
 */
export function risId(reference: Pick<Reference, 'docId' | 'n'>): string {
  const key = citationKey(reference.docId, reference.n);
  const suffix = `_${reference.n}`;
  return key.length <= 20 ? key : key.slice(0, 20 - suffix.length) + suffix;
}

/** Initials as Vancouver prints them after a surname: "K", "YY", "DVT", "J-P", "K.", "Ö". */
const TRAILING_INITIALS = /^\p{Lu}(?:\p{Lu}|[-.]\p{Lu}|\.){0,7}\.?$/u;
/** Initials written before a surname, with dots: "K.", "J.-P.", "R.L.". */
const LEADING_INITIALS = /^(?:\p{Lu}\.-?)+$/u;
/** Lower-case words that start a surname: "van de Vijver", "di Bartolomeo". */
const PARTICLES = new Set(['van', 'von', 'de', 'der', 'den', 'di', 'da', 'del', 'della', 'des', 'du', 'la', 'le', 'dos', 'das', 'ter', 'ten', 'zu', 'af', 'bin', 'ibn']);
/** Words that make an author an organisation, kept whole as a CSL `literal`. */
const ORGANISATION = /\b(?:group|network|society|association|committee|consortium|organi[sz]ation|investigators|collaborat\w*|institute|council|panel|foundation|agency|administration|alliance|federation|working)\b/i;

/**
 * An author as printed → a CSL name; undefined for "et al." (CSL has no such name: the list
 * is simply the names printed). Particles stay in `family`: citation-js's RIS writer drops
 * a separate particle, and BibTeX readers split "van de Vijver, M" by themselves.
 */
export function cslName(printed: string): CslName | undefined {
  const text = printed.replace(/\s+/g, ' ').trim().replace(/,$/, '');
  if (!text || /^et\.? al\.?$/i.test(text)) return undefined;
  const comma = text.indexOf(',');
  if (comma > 0) return person(text.slice(0, comma), text.slice(comma + 1));
  const words = text.split(' ');
  if (words.length === 1 || ORGANISATION.test(text)) return { literal: text };
  // "Shitara K", "van de Vijver M", "Amin ARMR": surname first, then initials.
  if (TRAILING_INITIALS.test(words.at(-1)!)) return person(words.slice(0, -1).join(' '), words.at(-1)!);
  // "K. Shitara", "J.-P. Dupont", "K Shitara".
  const leading = words.findIndex((word) => !LEADING_INITIALS.test(word) && !/^\p{Lu}$/u.test(word));
  if (leading > 0) return person(words.slice(leading).join(' '), words.slice(0, leading).join(' '));
  // "Kohei Shitara", "Ludwig van Beethoven": the surname is the last word and the particles before it.
  let family = words.length - 1;
  while (family > 1 && PARTICLES.has(words[family - 1]!)) family--;
  return person(words.slice(family).join(' '), words.slice(0, family).join(' '));
}

function person(family: string, given: string): CslName {
  const initials = given.trim();
  return { family: family.trim(), ...(initials ? { given: spelledInitials(initials) } : {}) };
}

/**
 * "YY" → "Y. Y.", "J-P" → "J.-P.": Vancouver runs initials together, which CSL processors and
 * reference managers read as one given name ("Yy"). Given names that are not bare capitals stay.
 */
function spelledInitials(given: string): string {
  if (!/^[\p{Lu}-]{1,8}$/u.test(given)) return given;
  return given.replace(/\p{Lu}/gu, '$&. ').replace(/\. -/g, '.-').trim();
}

/**
 * "727–30" → "727-730": CSL wants a hyphen and whole numbers (processors shorten ranges
 * themselves, as the style says). Anything not a simple range is kept as printed.
 */
export function pageRange(pages: string): string {
  const match = /^([A-Za-z]*)(\d+)\s*[-–—]\s*(\d+)$/.exec(pages.trim());
  if (!match) return pages.trim();
  const [, prefix = '', first = '', last = ''] = match;
  const whole = last.length < first.length ? first.slice(0, first.length - last.length) + last : last;
  return `${prefix}${first}-${prefix}${whole}`;
}

/**
 * RIS text from citation-js's tags. Its own text writer hard-wraps every value at 70
 * characters, mid-word, and readers (citation-js's included) rejoin the pieces with a space:
 * 131 of the review's 190 titles came back broken ("incidence and mor tality"). RIS allows
 * long lines, so each tag is one line here; the mapping from CSL to tags stays citation-js's.
 * `ids[i]` replaces entry i's cut `ID` (see risId).
 */
function risText(entries: RisEntry[], ids: string[]): string {
  return entries
    .map((entry, i) => {
      const lines = [`TY  - ${String(entry.TY)}`];
      for (const [tag, value] of Object.entries({ ...entry, ID: ids[i] ?? entry.ID })) {
        if (tag === 'TY') continue;
        for (const one of [value].flat()) lines.push(`${tag}  - ${String(one).replace(/\s+/g, ' ').trim()}`);
      }
      lines.push('ER  - ');
      return lines.join('\n');
    })
    .join('\n\n')
    .concat(entries.length > 0 ? '\n' : '');
}
