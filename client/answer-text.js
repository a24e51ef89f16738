/**
 * Citation markers in answer text. `[n]` cites citation n of the answer it belongs to (looked
 * up by its `n`, never by array position). Pure string functions with no DOM, so the page can
 * test them and the renderer can trust them.
 */

/** A whole marker: `[3]`. */
const MARKER = /\[(\d{1,3})\]/g;

/** The end of streamed text that may still grow into a marker: `[`, `[1`, `[12`. */
const UNFINISHED_MARKER = /\[\s*\d{0,3}$/;

/**
 * @typedef {{ kind: 'text', text: string } | { kind: 'marker', n: number, raw: string }} Segment
 */

/**
 * Splits answer text into plain text and whole markers, in order.
 * @param {string} text
 * @returns {Segment[]}
 */
export function segmentAnswer(text) {
  /** @type {Segment[]} */
  const segments = [];
  let last = 0;
  for (const match of text.matchAll(MARKER)) {
    const start = match.index ?? 0;
    if (start > last) segments.push({ kind: 'text', text: text.slice(last, start) });
    segments.push({ kind: 'marker', n: Number(match[1]), raw: match[0] });
    last = start + match[0].length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}

/**
 * The part of a streamed answer that is safe to show now. Tokens may split a marker
 * (`[`, `1`, `]`); a marker cut off at the end is held back until the rest arrives, so a
 * half-written `[1` never flashes on screen.
 * @param {string} text the deltas so far, concatenated
 * @returns {string}
 */
export function streamablePrefix(text) {
  const match = UNFINISHED_MARKER.exec(text);
  return match ? text.slice(0, match.index) : text;
}

/**
 * Answer text as conversation history: markers only mean something next to their own
 * citations, so a follow-up is sent the words alone.
 * @param {string} text
 * @returns {string}
 */
export function withoutMarkers(text) {
  return text.replace(/\s*\[\d{1,3}\]/g, '').trim();
}
