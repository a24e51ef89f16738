/**
 * The front matter as data: the paper's authors (the name list under the title), its abstract,
 * its keywords and its own DOI (printed on the first page, not in the reference list).
 */
import type { FrontMatter } from '../../lib/types.ts';
import { findDoi } from './reference-fields.ts';
import type { Element } from './structure.ts';

export function frontMatter(elements: Element[], firstPageText: string, referenceTexts: string[]): FrontMatter {
  const front = elements.filter((element): element is Extract<Element, { kind: 'paragraph' }> => element.kind === 'paragraph' && (element.front || element.sectionPath[0] === 'Abstract'));
  const labelled = front.filter((element) => element.front);
  const abstract = front.filter((element) => element.sectionPath[0] === 'Abstract').map((element) => element.text).join(' ').trim();
  const keywordLine = labelled.map((element) => /^(?:key ?words?|index terms)\s*[:.-]?\s*(.+)$/is.exec(element.text)?.[1]).find((value) => value !== undefined);
  // The first page of a short paper may hold references: their DOIs are theirs.
  const doi =
    labelled.map((element) => findDoi(element.text)?.value).find((value) => value !== undefined) ??
    [findDoi(firstPageText)?.value].find((value) => value !== undefined && !referenceTexts.some((reference) => reference.includes(value)));
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

/** "France Légaré^1,2*, Nathalie Brière^3 and Dawn Stacey^4" (or "^{1,2*}") → the names, when the line is a name list. */
function authorNames(text: string): string[] {
  const plain = text
    .replace(/^[\p{L} ]{2,30}:\s*/u, '')
    .replace(/\^\{[^}]*\}|\^[\w*†‡§¶#–-]+(?:,[\w*†‡§¶#–-]+)*|\[\d[\d,\s–-]*\]|[*†‡§¶#∗]+/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (plain.length > 600 || /[.:;]\s+\p{Lu}\p{Ll}+\s+\p{Ll}/u.test(plain)) return [];
  const pieces = plain.split(/\s*,\s*|\s+(?:and|&)\s+/).map((piece) => piece.trim()).filter(Boolean);
  const names = pieces.filter((piece) => /^(?:\p{Lu}[\p{L}'’.-]*\s+){0,3}\p{Lu}[\p{L}'’-]+$/u.test(piece) && piece.split(/[\s-]+/).length >= 2 && !/\b(?:University|Institute|Department|Hospital|Centre|Center|School|College|Journal|Research|Article|Review|Health|Care|Press)\b/.test(piece));
  return pieces.length > 0 && names.length >= 0.7 * pieces.length ? names : [];
}
