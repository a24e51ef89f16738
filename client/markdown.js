/**
 * A model's answer as Markdown, made safe for the page. marked renders it with raw HTML turned
 * back into visible text, images into their alt text and links kept only for http, https and
 * doi: (sent to https://doi.org/); DOMPurify then keeps only the few tags a Markdown answer
 * needs, so nothing the model writes can run, load or style anything. Citation markers are set
 * aside before parsing (so `[1][2]` is never read as a Markdown link) and put back as nodes the
 * caller makes: the same citation buttons as in plain answers.
 */
import { Marked } from './vendor/marked.esm.js';
import DOMPurify from './vendor/purify.es.mjs';

/** Private-use characters around a marker's number: no Markdown syntax touches them. */
const OPEN = '\uE000';
const CLOSE = '\uE001';
const MARKER = /\[(\d{1,3})\]/g;
const PLACEHOLDER = new RegExp(`${OPEN}(\\d{1,3})${CLOSE}`, 'g');

const ALLOWED_TAGS = ['p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td'];

/** @param {string} text */
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * The address a Markdown link may have in the page, or null for none (the text stays, unlinked).
 * @param {string} href
 * @returns {string | null}
 */
export function safeHref(href) {
  const doi = /^doi:\s*(10\.\d{4,9}\/\S+)$/i.exec(href.trim());
  if (doi) return `https://doi.org/${doi[1].split('/').map((part) => encodeURIComponent(safeDecode(part))).join('/')}`;
  try {
    // Absolute addresses only; the URL parser also sees through "java\tscript:" and such.
    const url = new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** @param {string} part */
function safeDecode(part) {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

const marked = new Marked({
  gfm: true,
  // A model's line breaks were shown before Markdown was rendered; keep showing them.
  breaks: true,
  async: false,
  renderer: {
    // Raw HTML is shown as the text the model wrote, never parsed.
    html({ text, block }) {
      return block ? `<p>${escapeHtml(text.trim())}</p>\n` : escapeHtml(text);
    },
    // An image would load from anywhere (and the CSP would refuse it): its alt text instead.
    image({ text }) {
      return escapeHtml(text);
    },
    link({ href, title, tokens }) {
      const inner = this.parser.parseInline(tokens);
      const safe = safeHref(href);
      if (!safe) return inner;
      return `<a href="${escapeHtml(safe)}"${title ? ` title="${escapeHtml(title)}"` : ''}>${inner}</a>`;
    },
  },
});

/**
 * Renders Markdown answer text into sanitized nodes, with each `[n]` replaced by `marker(n, raw)`.
 * Inside links and code a marker stays plain text (a button cannot sit inside a link).
 * @param {string} text
 * @param {(n: number, raw: string) => Node} marker
 * @returns {DocumentFragment}
 */
export function renderMarkdown(text, marker) {
  const source = text.replace(/[\uE000\uE001]/g, '').replace(MARKER, `${OPEN}$1${CLOSE}`);
  const html = /** @type {string} */ (marked.parse(source)).trim();
  const fragment = DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ['href', 'title', 'start'],
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ALLOWED_URI_REGEXP: /^https?:\/\//i,
    RETURN_DOM_FRAGMENT: true,
  });
  for (const link of fragment.querySelectorAll('a')) {
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
  }
  placeMarkers(fragment, marker);
  return fragment;
}

/**
 * @param {DocumentFragment} fragment
 * @param {(n: number, raw: string) => Node} marker
 */
function placeMarkers(fragment, marker) {
  const walker = document.createTreeWalker(fragment, NodeFilter.SHOW_TEXT);
  /** @type {Text[]} */
  const texts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeValue?.includes(OPEN)) texts.push(/** @type {Text} */ (node));
  }
  for (const node of texts) {
    const plain = Boolean(node.parentElement?.closest('a, code, pre'));
    const parts = (node.nodeValue ?? '').split(PLACEHOLDER);
    // split with a capture group: text, number, text, number, …, text
    const nodes = parts.map((part, i) => {
      if (i % 2 === 1) return plain ? document.createTextNode(`[${part}]`) : marker(Number(part), `[${part}]`);
      // A no-break space keeps a citation number on the line of the word it follows.
      return document.createTextNode(i < parts.length - 1 && !plain ? part.replace(/ $/, '\u00a0') : part);
    });
    node.replaceWith(...nodes);
  }
}
