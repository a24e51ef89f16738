/**
 * The front matter as data: the paper's authors (the name list under the title), its abstract,
 * its keywords and its own DOI (printed on the first page, not in the reference list).
 */
import type { FrontMatter } from '../../lib/types.ts';
import { findDoi } from './reference-fields.ts';
import type { Element } from './structure.ts';

/** Where the paper's own DOI may be printed, besides its labelled front matter. */
export interface DoiPlaces {
  /** The first pages' text (a publisher's cover sheet may come before the article's first page). */
  opening: string;
  /** The paper's title and whole text: a "Cite this article" box prints the DOI after the title. */
  title: string;
  text: string;
}

export function frontMatter(elements: Element[], places: DoiPlaces, referenceTexts: string[]): FrontMatter {
  const front = elements.filter((element): element is Extract<Element, { kind: 'paragraph' }> => element.kind === 'paragraph' && (element.front || element.sectionPath[0] === 'Abstract'));
  const labelled = front.filter((element) => element.front);
  const abstract = front.filter((element) => element.sectionPath[0] === 'Abstract').map((element) => element.text).join(' ').trim();
  const keywordLine = labelled.map((element) => /^(?:key ?words?|index terms)\s*[:.-]?\s*(.+)$/is.exec(element.text)?.[1]).find((value) => value !== undefined);
  const doi = labelled.map((element) => findDoi(element.text)?.value).find((value) => value !== undefined) ?? ownDoi(places, referenceTexts);
  // The line under the title, else the first name list of the front matter.
  const byline = labelled.filter((element) => element.byline);
  const authors = [...byline, ...labelled.slice(0, 6)].map((element) => authorNames(element.text)).find((names) => names.length > 0) ?? [];
  return {
    authors,
    ...(abstract ? { abstract } : {}),
    keywords: keywordLine ? keywordLine.split(/\s*[,;•·]\s*/).map((keyword) => keyword.replace(/\.$/, '').trim()).filter((keyword) => keyword.length > 1) : [],
    ...(doi ? { doi } : {}),
  };
}

/**
 * The paper's DOI where no labelled front matter gives it: the first one on its opening pages
 * that no reference entry holds (the first page of a short paper may hold references: their
 * DOIs are theirs), unless that entry is the paper's own citation; else one printed within a
 * few lines after the paper's own title (a "Cite this article" box at the end).
 */
function ownDoi(places: DoiPlaces, referenceTexts: string[]): string | undefined {
  const titleKey = squashed(places.title).slice(0, TITLE_KEY);
  const ownCitation = (text: string) => titleKey.length === TITLE_KEY && squashed(text).includes(titleKey);
  // Compared without spaces and punctuation: an entry may print its DOI broken over two lines.
  const cited = (value: string) => referenceTexts.some((reference) => squashed(reference).includes(squashed(value)) && !ownCitation(reference));
  const opening = allDois(places.opening).find((value) => !cited(value));
  if (opening || titleKey.length < TITLE_KEY) return opening;
  const flat = places.text.replace(/\s+/g, ' ');
  const lower = flat.toLowerCase();
  const start = places.title.replace(/\s+/g, ' ').toLowerCase().slice(0, TITLE_KEY);
  for (let at = lower.indexOf(start); at >= 0; at = lower.indexOf(start, at + 1)) {
    const after = findDoi(flat.slice(at, at + places.title.length + CITATION_TAIL))?.value;
    if (after && !cited(after)) return after;
  }
  return undefined;
}

/** Characters of a title that identify it; and how far past it a citation prints its DOI. */
const TITLE_KEY = 40;
const CITATION_TAIL = 300;

const squashed = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/** Every DOI in a text, in order. */
function allDois(text: string): string[] {
  const found: string[] = [];
  for (let rest = text, hit = findDoi(rest); hit; hit = findDoi(rest)) {
    found.push(hit.value);
    rest = rest.slice(rest.indexOf(hit.printed) + hit.printed.length);
  }
  return found;
}

/**
 * "France Légaré^1,2*, Nathalie Brière^3 and Dawn Stacey^4" (or "^{1,2*}"), "A. E. Firth, … and
 * J. F. Atkins", "Margriet FC de Jong (mfc@…) Nienke Molenaar (nm@…)" → the names, when the
 * line is a name list.
 */
function authorNames(text: string): string[] {
  const plain = text
    .replace(/^[\p{L} ]{2,30}:\s*/u, '')
    // An e-mail in brackets after each name separates the names.
    .replace(/\s*\([^()\s]+@[^()\s]+\)\s*/g, ', ')
    .replace(/\^\{[^}]*\}|\^[\w*†‡§¶#–-]+(?:,[\w*†‡§¶#–-]+)*|\[\d[\d,\s–-]*\]|[*†‡§¶#∗]+/gu, '')
    .replace(/\s+/g, ' ')
    .replace(/[\s,]+$/, '')
    .trim();
  // A sentence ("Results. The patients were …") is no name list; "P. Digard and J. F. Atkins" is.
  if (plain.length > 600 || /[.:;]\s+\p{Lu}\p{Ll}+\s+(?!and\b)\p{Ll}/u.test(plain)) return [];
  const pieces = plain.split(/\s*,\s*|\s+(?:and|&)\s+/).map((piece) => piece.trim()).filter(Boolean);
  const names = pieces.filter((piece) => NAME.test(piece) && piece.split(/[\s-]+/).length >= 2 && !/\b(?:University|Institute|Department|Hospital|Centre|Center|School|College|Journal|Research|Article|Review|Health|Care|Press)\b/.test(piece));
  return pieces.length > 0 && names.length >= 0.7 * pieces.length ? names : [];
}

/** Given names or initials, then a surname, which may open with a particle ("de Jong", "van der Berg"). */
const NAME = /^(?:\p{Lu}[\p{L}'’.-]*\s+){0,3}(?:(?:de|del|der|den|van|von|da|di|du|dos|das|le|la|ter|ten)\s+){0,2}\p{Lu}[\p{L}'’-]+$/u;
