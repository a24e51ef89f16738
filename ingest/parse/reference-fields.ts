/**
 * The fields of one reference entry in any of the common styles — Vancouver, APA, Harvard,
 * Chicago, IEEE, Nature, ACL, MDPI, the Royal Society's — found by their shapes rather than
 * one punctuation pattern: the DOI in every printed form, the author list (a run of names in
 * "Smith J", "Smith, J.", "J. Smith" or corporate form, up to "et al." or the title), the year
 * (right after the authors, or the last plausible one), then the title and the journal.
 */

export interface ReferenceFields {
  /** "Surname Initials" (corporate authors as printed), then "et al." when the list is cut. */
  authors: string[];
  title: string;
  journal: string;
  year?: number;
  volume?: string;
  pages?: string;
  doi?: string;
}

const LINK_LABELS = /\[(?:CrossRef|PubMed|Google Scholar|Green Version|PMC free article|Ref list|Web of Science)\]/gi;
const PARTICLE = "(?:van|von|de|der|den|del|della|da|di|du|la|le|ter|ten|dos|das|al|el|bin|St\\.?)";
const NAME_WORD = "[\\p{Lu}][\\p{L}'’`´-]*\\p{L}";
const SURNAME = `(?:${PARTICLE}\\s+)*${NAME_WORD}(?:[\\s-](?:${PARTICLE}\\s+)*${NAME_WORD})*?`;
const INITIALS_TIGHT = '\\p{Lu}{1,4}(?:-\\p{Lu})?';
const INITIALS_DOTTED = '(?:\\p{Lu}\\.?\\s?-?\\s?){1,4}';
const SUFFIX = '(?:\\s+(?:Jr|Sr|II|III|IV|2nd|3rd)\\.?)?';

/** "Bradshaw SA" (Vancouver). */
const VANCOUVER = new RegExp(`(${SURNAME})${SUFFIX}\\s+(${INITIALS_TIGHT})${SUFFIX}(?=[,.;:()]|\\s+(?:and|&)\\s|\\s*$|\\s+et al|\\s+\\(?\\d{4})`, 'uy');
/** "Hare, B." or "Piette, M. A." (APA, Nature, MDPI). */
const SURNAME_FIRST = new RegExp(`(${SURNAME})${SUFFIX},\\s*(${INITIALS_DOTTED}\\.?)(?=[,;&(]|\\s|$)`, 'uy');
/** "J. Smith", "S.-J. Wu" (IEEE, ACL, Harvard given-name first). */
const INITIALS_FIRST = new RegExp(`((?:\\p{Lu}\\.\\s?-?){1,4})\\s*(${SURNAME})(?=[,;.&]|\\s+(?:and|&)\\s|\\s+et al|\\s+\\(?\\d{4}|\\s*$)`, 'uy');
/** "Allfrey, M" (Harvard without stops). */
const SURNAME_COMMA_TIGHT = new RegExp(`(${SURNAME}),\\s+(${INITIALS_TIGHT})(?=[,;&]|\\s+(?:and|&)\\s|\\s+\\(?\\d{4}|\\s*$)`, 'uy');

const SEPARATOR = /\s*(?:,|;)?\s*(?:(?:and|&)\s+)?/y;
const ET_AL = /\s*,?\s*(?:et al\.?|and others|et al)(?=[\s.,:;(]|$)/iy;

export function referenceFields(printed: string): ReferenceFields {
  let text = printed.replace(LINK_LABELS, ' ').replace(/\s+/g, ' ').trim();
  const doi = findDoi(text);
  if (doi) text = text.replace(doi.printed, ' ').replace(/\s+/g, ' ').trim();
  const names = authorList(text);
  let rest = text.slice(names.end).replace(/^[\s.,:;]+/, '');
  let year: number | undefined;
  const early = /^\(?((?:1[6-9]|20)\d{2})[a-z]?\)?[.,:;]?\s+/.exec(rest);
  if (early && plausibleYear(Number(early[1]))) {
    year = Number(early[1]);
    rest = rest.slice(early[0].length);
  }
  const { title, after } = titleOf(rest);
  year ??= lastYear(after) ?? lastYear(rest);
  const venue = venueOf(after);
  return {
    authors: names.authors,
    title,
    journal: venue.journal,
    ...(year !== undefined ? { year } : {}),
    ...(venue.volume ? { volume: venue.volume } : {}),
    ...(venue.pages ? { pages: venue.pages } : {}),
    ...(doi ? { doi: doi.value } : {}),
  };
}

function plausibleYear(year: number): boolean {
  return year >= 1600 && year <= new Date().getFullYear() + 1;
}

/**
 * DOIs as printed: "doi:10.…", "DOI 10.…", "https://doi.org/10.…", "dx.doi.org/…", and broken
 * over a line ("10.1038/ 322273a0"). Trailing punctuation and unmatched brackets are not part of it.
 */
export function findDoi(text: string): { value: string; printed: string } | undefined {
  // "dx.doi.⏎org/10.…": a line break inside the resolver's address.
  const match = /(?:\bdoi\s*:?\s*(?:\.\s*)?(?:org\/)?|\bDOI:?\s+|https?:\/\/(?:dx\.)?doi\.org\/|\bdx\.doi\.org\/|(?<=\s|^))(10\.\d{4,9}\/\S*(?:\s+[\w.()/<>;:-]*\d[\w.()/<>;:-]*(?=[\s.,;]|$))?)/i.exec(text);
  if (!match) return undefined;
  let value = match[1]!;
  // A line break splits a DOI after "/", "." or "-", or before "(": "10.1016/0022-3956 (75)90026-6".
  const pieces = value.split(/\s+/);
  value = pieces[1] && (/[/.\-_(]$/.test(pieces[0]!) || /^[(/.-]/.test(pieces[1])) ? pieces[0]! + pieces[1] : pieces[0]!;
  if (/\/$/.test(value)) return undefined;
  value = value.replace(/[.,;:]+$/, '');
  while (/[)\]]$/.test(value) && count(value, /[([]/g) < count(value, /[)\]]/g)) value = value.slice(0, -1).replace(/[.,;:]+$/, '');
  return { value, printed: match[0] };
}

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/** The author list at the start of an entry, normalized, and where it ends. */
function authorList(text: string): { authors: string[]; end: number } {
  const authors: string[] = [];
  let position = 0;
  for (;;) {
    const name = nameAt(text, position);
    if (!name) break;
    authors.push(name.name);
    position = name.end;
    ET_AL.lastIndex = position;
    const etAl = ET_AL.exec(text);
    if (etAl) {
      authors.push('et al.');
      position += etAl[0].length;
      break;
    }
    SEPARATOR.lastIndex = position;
    const separator = SEPARATOR.exec(text)!;
    // After "Surname, I." a plain space (no comma, "and" or "&") ends the list.
    if (separator[0].trim() === '' && !/^\s*(?:and|&)\s/.test(text.slice(position))) break;
    position += separator[0].length;
  }
  if (authors.length > 0) return { authors, end: position };
  return corporateAuthor(text);
}

function nameAt(text: string, position: number): { name: string; end: number } | undefined {
  for (const pattern of [VANCOUVER, SURNAME_FIRST, SURNAME_COMMA_TIGHT, INITIALS_FIRST]) {
    pattern.lastIndex = position;
    const match = pattern.exec(text);
    if (!match) continue;
    const initialsFirst = pattern === INITIALS_FIRST;
    const surname = (initialsFirst ? match[2] : match[1])!.trim();
    const initials = ((initialsFirst ? match[1] : match[2]) ?? '').replace(/[.\s-]/g, '');
    if (!isSurname(surname)) continue;
    return { name: initials ? `${surname} ${initials}` : surname, end: match.index + match[0].length };
  }
  return undefined;
}

/** Words that open titles are not surnames ("The", "A"): a surname has a lowercase letter or is a particle run. */
function isSurname(surname: string): boolean {
  return /\p{Ll}/u.test(surname) && !/^(?:The|A|An|In|On|Of|For|From|With|Towards?|Using|Is|Are)$/.test(surname);
}

/** "Alberta Health and Wellness. Continuing care …": an organisation named before the title. */
function corporateAuthor(text: string): { authors: string[]; end: number } {
  // "HS1 Limited 2011 History …" (Harvard) or "Alberta Health and Wellness. Continuing care …".
  const named = /^((?:[\p{Lu}\d][\p{L}\d&'’.-]*|of|and|for|the|de|du|des|et|in|on|la|le|del|für)(?:\s+(?:[\p{Lu}\d][\p{L}\d&'’.-]*|of|and|for|the|de|du|des|et|in|on|la|le|del|für)){0,11}?)(?:\.\s|\s+(?=\(?(?:1[6-9]|20)\d{2}[a-z]?\)?[.,]?\s))/u.exec(text);
  if (!named || /(?:1[6-9]|20)\d{2}/.test(named[1]!) || named[1]!.length < 3) return { authors: [], end: 0 };
  return { authors: [named[1]!.trim().replace(/\.$/, '')], end: named[0].length };
}

/** The title: quoted (IEEE), or the first sentence. */
function titleOf(rest: string): { title: string; after: string } {
  const quoted = /^[“"‘]\s*(.+?)\s*[,.]?\s*[”"’]\s*[,.]?\s*/.exec(rest);
  if (quoted) return { title: quoted[1]!.replace(/[,.]$/, ''), after: rest.slice(quoted[0].length) };
  const end = sentenceEnd(rest);
  return { title: rest.slice(0, end).replace(/[.\s]+$/, '').trim(), after: rest.slice(end).replace(/^[\s.]+/, '') };
}

/** Where the first sentence ends: ". " or "? " before a capital or a digit, not after an initial or "vs". */
function sentenceEnd(text: string): number {
  const pattern = /[.?!](?=\s+[\p{Lu}\d[(]|\s*$)/gu;
  for (const match of text.matchAll(pattern)) {
    const before = text.slice(0, match.index);
    if (/(?:\b\p{Lu}|\bvs|\be\.g|\bi\.e|\bst|\bno|\bvol|\bed|\beds|\bet al)$/iu.test(before)) continue;
    return match.index + 1;
  }
  return text.length;
}

/** "Age Ageing. 2012;41:429–40", "Energy 165, 617–637 (2018)", "Chinese Medical Journal, vol. 122, pp. 1486–1491". */
function venueOf(text: string): { journal: string; volume?: string; pages?: string } {
  const after = text.split(ACCESS_DATE)[0]!;
  if (/^(?:available|retrieved|accessed|online|https?:|www\.|url)\b/i.test(after)) return { journal: '' };
  const numeric = /(?:,?\s*(?:vol\.?|volume)\s*)?\(?\b(?:(?:1[6-9]|20)\d{2}[a-z]?\)?[;,.:]?\s*)?(\d+[A-Za-z]?)(?:\s*\(([\w\s–-]+)\))?\s*[:,]\s*(?:pp?\.\s*)?([A-Za-z]?\d+(?:\s*[-–]\s*[A-Za-z]?\d+)?)/;
  const match = numeric.exec(after);
  const journalEnd = firstNumberOrYear(after);
  const written = after.slice(0, journalEnd);
  const bare = written.replace(/[\s.,;:(]+$/, '').replace(/^(?:In:?|in)\s+/, '').trim();
  // A name abbreviated with full stops keeps its last one: "Biochem. J.", not "Biochem. J".
  const journal = /\.\s/.test(bare) && /^[^,;:(]*?\./.test(written.slice(written.indexOf(bare) + bare.length)) ? `${bare}.` : bare;
  return { journal, ...(match ? { volume: match[1], pages: match[3]?.replace(/\s+/g, '') } : {}) };
}

function firstNumberOrYear(text: string): number {
  const match = /(?:,?\s*(?:vol\.?|volume)\s*)?\(?\b\d/i.exec(text);
  return match ? match.index : text.length;
}

/** Where a web page's access date or a licence line starts: no year or venue after it is the entry's. */
const ACCESS_DATE = /\b(?:accessed|retrieved|cited|viewed|last (?:accessed|updated))\b|©|\(c\) \d{4}/i;

/** The last year that is not part of a range ("1990–2010") or an identifier. */
function lastYear(text: string): number | undefined {
  let found: number | undefined;
  // A web page's access date is not its year: cut "Accessed …", "[cited …]", "Retrieved …".
  const published = text.split(ACCESS_DATE)[0]!;
  for (const match of published.matchAll(/(?<![\d–-])((?:1[6-9]|20)\d{2})[a-z]?(?![\d–-]|\/)/g)) {
    const year = Number(match[1]);
    if (plausibleYear(year)) found = year;
  }
  return found;
}
