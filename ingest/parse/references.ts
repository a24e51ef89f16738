/**
 * The reference list: lines → numbered entries → authors, title, journal, year, volume,
 * pages and DOI. Entries may be numbered ("21. ", "[21]") or bullets that count on from the
 * previous entry, and may wrap over several lines (even a line that looks like a bullet but
 * starts in lowercase, the tail of a wrapped entry).
 */
import { squash, stripEmphasis } from '../../lib/text.ts';
import type { Reference, Span } from '../../lib/types.ts';
import type { Line } from './blocks.ts';

export interface ReferenceEntry {
  n: number;
  /** As printed, Markdown emphasis kept (it marks the journal). */
  raw: string;
  span: Span;
}

const NUMBERED = /^\s*(?:\[(\d{1,4})\]|(\d{1,4})[.)])\s+(.*)$/;
const BULLET = /^\s*[-•*]\s+(.*)$/;

export function splitReferenceEntries(lines: Line[]): ReferenceEntry[] {
  const entries: ReferenceEntry[] = [];
  for (const line of lines) {
    const text = line.text.trim();
    if (text.length === 0) continue;
    const previous = entries[entries.length - 1];
    const expected = (previous?.n ?? 0) + 1;
    const numbered = NUMBERED.exec(text);
    const bullet = BULLET.exec(text);
    let startsEntry: { n: number; text: string } | undefined;
    if (numbered && Number(numbered[1] ?? numbered[2]) === expected) {
      startsEntry = { n: expected, text: numbered[3]! };
    } else if (bullet && !/^[a-z]/.test(bullet[1]!)) {
      startsEntry = { n: expected, text: bullet[1]! };
    } else if (!previous) {
      startsEntry = { n: 1, text };
    }
    if (startsEntry) {
      entries.push({ n: startsEntry.n, raw: startsEntry.text, span: { start: line.start, end: line.end } });
    } else if (previous) {
      previous.raw = `${previous.raw} ${bullet ? bullet[1]! : text}`;
      previous.span = { start: previous.span.start, end: line.end };
    }
  }
  return entries.map((entry) => ({ ...entry, raw: squash(entry.raw) }));
}

// An author: surname (possibly several words, particles, hyphens, apostrophes) and initials.
const AUTHOR_LIST_END = /(?:,\s*et al\.|\b[A-Z]{1,4}(?:-[A-Z]{1,2})?(?:\s(?:\d(?:st|nd|rd|th)|Jr|Sr))?\.)(?=\s)/;

export function parseReference(docId: string, entry: ReferenceEntry): Reference {
  const raw = entry.raw;
  const text = stripEmphasis(raw);
  const doi = /\bdoi:?\s*(10\.\d{3,9}\/\S+)/i.exec(text)?.[1]?.replace(/[.,;\]]+$/, '');

  // Authors run to "et al." or to the full stop after the last author's initials.
  const end = AUTHOR_LIST_END.exec(text);
  const authorsText = end ? text.slice(0, end.index + end[0].length) : '';
  const authors = authorsText
    .replace(/,?\s*et al\.$/, '')
    .replace(/\.$/, '')
    .split(/,\s*/)
    .map((author) => author.trim())
    .filter((author) => author.length > 0);
  if (/et al\.$/.test(authorsText)) authors.push('et al.');
  const rest = end ? text.slice(end.index + end[0].length).trim() : text;

  // The journal is the emphasised name before "(year)"; without emphasis, the sentence before it.
  let journal = '';
  let title = rest;
  let year: number | undefined;
  let volume: string | undefined;
  let pages: string | undefined;
  const emphasised = [...raw.matchAll(/\*([^*]+)\*\.?\s*\((\d{4})\)/g)][0];
  const journalAt = emphasised ? rest.indexOf(emphasised[1]!.trim()) : -1;
  const published = /\((\d{4})\)\s*([\w()-]+)?(?::\s*([\w–-]+))?/.exec(journalAt > 0 ? rest.slice(journalAt) : rest);
  if (emphasised) {
    journal = emphasised[1]!.trim().replace(/\.$/, '');
    if (journalAt > 0) title = rest.slice(0, journalAt);
  } else if (published) {
    const before = rest.slice(0, published.index).trim().replace(/\.$/, '');
    const cut = before.lastIndexOf('. ');
    if (cut > 0) {
      title = before.slice(0, cut);
      journal = before.slice(cut + 2);
    } else {
      title = before;
    }
  }
  if (published) {
    year = Number(published[1]);
    volume = published[2];
    pages = published[3]?.replace(/\.$/, '');
  }
  title = title.replace(/\[published correction.*$/i, '').trim().replace(/[.\s]+$/, '');
  return {
    docId,
    n: entry.n,
    text: squash(text),
    authors,
    title,
    journal,
    ...(year ? { year } : {}),
    ...(volume ? { volume } : {}),
    ...(pages ? { pages } : {}),
    ...(doi ? { doi } : {}),
  };
}
