/**
 * Which sentence of a passage an answer sentence cites. Offline answers quote the passage's
 * sentences (sometimes trimmed, with "…" where words were left out, and without the paper's
 * own citation numbers), so the quote is looked for in the passage first; a model's answer
 * paraphrases, so then the sentence sharing the most words with it is taken. Pure functions,
 * no DOM.
 */

/** @typedef {{ start: number, end: number }} Span */

/** Words before a full stop that do not end a sentence ("et al.", "vs.", "Fig. 2"). */
const NOT_AN_END = /(?:\b(?:et al|e\.g|i\.e|vs|cf|ca|approx|resp|no|nos|vol|pp|eq|eqs|ref|refs|fig|figs|dr|prof|mr|ms|st)|\b[A-Z]|\b(?:fig(?:ure)?|table|scheme|box|panel)s?\s+[A-Z]?\d+[A-Za-z]?)\.$/i;
/** Fragments shorter than this are too common to locate a sentence by. */
const MIN_FRAGMENT_CHARS = 12;
/** Share of the answer sentence's words a passage sentence must hold to count as the one cited. */
const MIN_OVERLAP = 0.3;

/**
 * The sentences of a passage, as character ranges: a sentence ends at . ! or ? followed by a
 * space and a capital, a digit or an opening bracket or quote, unless an abbreviation ends there.
 * @param {string} text
 * @returns {Span[]}
 */
export function sentenceSpans(text) {
  /** @type {Span[]} */
  const spans = [];
  let start = 0;
  for (const match of text.matchAll(/[.!?]["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])/g)) {
    const end = (match.index ?? 0) + match[0].length;
    if (match[0].startsWith('.') && NOT_AN_END.test(text.slice(Math.max(0, start), (match.index ?? 0) + 1))) continue;
    pushTrimmed(spans, text, start, end);
    start = end;
  }
  pushTrimmed(spans, text, start, text.length);
  return spans;
}

/**
 * @param {Span[]} spans
 * @param {string} text
 * @param {number} start
 * @param {number} end
 */
function pushTrimmed(spans, text, start, end) {
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  if (end > start) spans.push({ start, end });
}

/**
 * The range of `passage` that `quote` (an answer sentence, without its markers) cites, or null
 * when no sentence of the passage is close enough.
 * @param {string} passage
 * @param {string} quote
 * @returns {Span | null}
 */
export function citedSpan(passage, quote) {
  const spans = sentenceSpans(passage);
  const cleaned = cleanQuote(quote);
  if (!cleaned || spans.length === 0) return null;
  // Verbatim: the longest piece between the "…" of a trimmed quote, found in the passage.
  const fragments = cleaned
    .split(/\s*(?:…|\.\.\.)\s*/)
    .map((fragment) => fragment.trim())
    .filter((fragment) => fragment.length >= MIN_FRAGMENT_CHARS)
    .sort((a, b) => b.length - a.length);
  for (const fragment of fragments) {
    const found = findLoosely(passage, fragment);
    if (found) return cover(spans, found);
  }
  return bestOverlap(passage, spans, cleaned);
}

/**
 * An answer sentence as it would appear in the passage: no markers, no leading "and" or
 * punctuation carried over from the sentence before, no closing punctuation.
 * @param {string} quote
 */
export function cleanQuote(quote) {
  return quote
    .replace(/\[\d{1,3}\]/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.,;:!?)\]]+/, '')
    .replace(/^(?:and|or|but)\s+/i, '')
    .replace(/[\s.,;:!?]+$/, '')
    .trim();
}

/**
 * Where `needle` is in `text`, ignoring case, spacing and the kind of quotation marks.
 * @param {string} text
 * @param {string} needle
 * @returns {Span | null}
 */
function findLoosely(text, needle) {
  const haystack = folded(text);
  const at = haystack.text.indexOf(folded(needle).text);
  if (at < 0) return null;
  const length = folded(needle).text.length;
  return { start: haystack.map[at], end: haystack.map[at + length - 1] + 1 };
}

/**
 * Lower-cased, with runs of spaces as one and curly quotes straight; `map[i]` is the offset in
 * the original text of character i.
 * @param {string} text
 */
function folded(text) {
  let out = '';
  /** @type {number[]} */
  const map = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (/\s/.test(char)) {
      if (out.endsWith(' ') || out.length === 0) continue;
      out += ' ';
    } else {
      out += char.replace(/[“”]/g, '"').replace(/[‘’]/g, "'").toLowerCase();
    }
    map.push(i);
  }
  return { text: out, map };
}

/**
 * The sentences a range touches, as one range.
 * @param {Span[]} spans
 * @param {Span} range
 * @returns {Span}
 */
function cover(spans, range) {
  const touched = spans.filter((span) => span.end > range.start && span.start < range.end);
  if (touched.length === 0) return range;
  return { start: touched[0].start, end: touched[touched.length - 1].end };
}

/**
 * The sentence sharing the most words with the quote (by cosine over word sets), when it holds
 * enough of the quote's words.
 * @param {string} passage
 * @param {Span[]} spans
 * @param {string} quote
 * @returns {Span | null}
 */
function bestOverlap(passage, spans, quote) {
  const wanted = words(quote);
  if (wanted.size === 0) return null;
  let best = { span: /** @type {Span | null} */ (null), score: 0 };
  for (const span of spans) {
    const have = words(passage.slice(span.start, span.end));
    let shared = 0;
    for (const word of wanted) if (have.has(word)) shared++;
    if (have.size === 0 || shared / wanted.size < MIN_OVERLAP) continue;
    const score = shared / Math.sqrt(wanted.size * have.size);
    if (score > best.score) best = { span, score };
  }
  return best.span;
}

/**
 * Content words: three letters or more, or anything with a digit (figures matter most).
 * @param {string} text
 */
export function words(text) {
  return new Set((text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}.%-]*/gu) ?? []).map((word) => word.replace(/[.-]+$/, '')).filter((word) => word.length >= 3 || /\d/.test(word)));
}

/**
 * The cells of a table row an answer sentence names (an answer quoting a row repeats its
 * cells). A cell counts where it stands as whole words and not inside a longer cell's words:
 * "Trastuzumab Emtansine (T-DM1)" names that cell, not also "Trastuzumab" and "DM1".
 * @param {string[]} cells
 * @param {string} quote
 * @returns {number[]} their indexes, in order
 */
export function citedCells(cells, quote) {
  const text = folded(cleanQuote(quote)).text;
  /** @type {Span[]} */
  const claimed = [];
  /** @type {number[]} */
  const found = [];
  const byLength = cells.map((value, i) => ({ cell: folded(value.trim()).text, i })).sort((a, b) => b.cell.length - a.cell.length);
  for (const { cell, i } of byLength) {
    if (cell.length < 2) continue;
    for (let at = text.indexOf(cell); at >= 0; at = text.indexOf(cell, at + 1)) {
      const end = at + cell.length;
      const whole = !/[\p{L}\p{N}]/u.test(text[at - 1] ?? ' ') && !/[\p{L}\p{N}]/u.test(text[end] ?? ' ');
      if (!whole || claimed.some((span) => at < span.end && end > span.start)) continue;
      claimed.push({ start: at, end });
      found.push(i);
      break;
    }
  }
  return found.sort((a, b) => a - b);
}
