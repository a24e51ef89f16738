/**
 * A small preview of the cited sentence on every citation marker, shown while the pointer is
 * on the marker (or on the preview itself) and while the marker has keyboard focus; Escape
 * dismisses it. One element for the page, described to screen readers through
 * aria-describedby. The browser's `title` tooltip is not used: it cannot be reached by
 * keyboard and would only repeat the marker's label.
 */
import { citedCells, citedSpan } from './quote.js';
import { citeInfo, h, tableView } from './render.js';
import { rowOf, shorten } from './source-label.js';

/** Pointer previews wait this long, so a pointer passing over a marker does not flash one. */
const HOVER_DELAY_MS = 120;
/** …and stay this long after it leaves, so it can move onto the preview. */
const LEAVE_DELAY_MS = 150;
/** Space kept between the preview and the marker or the window's edge. */
const GAP = 8;

/**
 * The answer's words that a marker cites: the text since the previous marker in the same
 * block (paragraph or list item). Markers side by side ("[1][2]") share the sentence before them.
 * @param {Element} marker
 * @returns {string}
 */
export function quoteBefore(marker) {
  const block = marker.closest('p, li, td, th, blockquote, h1, h2, h3, h4, h5, h6, .answer-text');
  if (!block) return '';
  /** @type {string[]} */
  const pieces = [''];
  let done = false;
  /** @param {Node} node */
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (done) return;
      if (child instanceof Element && child.classList.contains('cite')) {
        if (child === marker) done = true;
        else pieces.push('');
      } else if (child.nodeType === Node.TEXT_NODE) {
        pieces[pieces.length - 1] += child.nodeValue ?? '';
      } else {
        walk(child);
      }
    }
  };
  walk(block);
  for (let i = pieces.length - 1; i >= 0; i--) if (/[\p{L}\p{N}]/u.test(pieces[i])) return pieces[i].trim();
  return '';
}

/**
 * The answer's sentences citing source `n`, one per marker, in order.
 * @param {Element} answerText
 * @param {number} n
 */
export function quotesFor(answerText, n) {
  return [...answerText.querySelectorAll(`button.cite[data-n="${n}"]`)].map(quoteBefore).filter(Boolean);
}

/**
 * Starts the previews for every citation marker in the page, present and future.
 * @returns {{ hide: () => void }}
 */
export function installPreviews() {
  const preview = createPreview();
  /** @param {EventTarget | null} target */
  const markerAt = (target) => (target instanceof Element ? /** @type {HTMLElement | null} */ (target.closest('button.cite')) : null);
  /** @param {EventTarget | null} target */
  const inPreview = (target) => target instanceof Node && preview.element.contains(target);

  document.addEventListener('pointerover', (event) => {
    const marker = markerAt(event.target);
    if (marker && event.pointerType !== 'touch') preview.later(() => preview.show(marker), preview.owner() ? 0 : HOVER_DELAY_MS);
    // On the preview itself (to read or select it): it stays.
    else if (inPreview(event.target)) preview.cancel();
  });
  document.addEventListener('pointerout', (event) => {
    const leaving = markerAt(event.target) ?? inPreview(event.target);
    if (leaving && document.activeElement !== preview.owner()) preview.later(preview.hide, LEAVE_DELAY_MS);
  });
  document.addEventListener('focusin', (event) => {
    const marker = markerAt(event.target);
    // Keyboard focus only: a click opens the panel, and the pointer already previewed it.
    if (marker && marker.matches(':focus-visible')) preview.show(marker);
    else if (preview.owner()) preview.hide();
  });
  document.addEventListener('focusout', (event) => {
    if (markerAt(event.target) === preview.owner()) preview.hide();
  });
  // Before the source panel's own Escape: the first Escape only dismisses the preview.
  window.addEventListener(
    'keydown',
    (event) => {
      if (event.key !== 'Escape' || preview.element.hidden) return;
      event.stopPropagation();
      event.preventDefault();
      preview.hide();
    },
    { capture: true },
  );
  window.addEventListener('resize', preview.hide);
  // Scrolling moves the marker: the preview follows it.
  document.addEventListener('scroll', preview.follow, { capture: true, passive: true });
  document.addEventListener('click', (event) => {
    if (markerAt(event.target)) preview.hide();
  });
  return { hide: preview.hide };
}

/** The one preview element and what shows, hides and places it. */
function createPreview() {
  const element = h('div', { className: 'cite-preview', attrs: { id: 'cite-preview', role: 'tooltip' } });
  element.hidden = true;
  document.body.append(element);
  /** @type {HTMLElement | null} */
  let owner = null;
  let timer = 0;
  const hide = () => {
    window.clearTimeout(timer);
    element.hidden = true;
    owner?.removeAttribute('aria-describedby');
    owner = null;
  };
  /** @param {HTMLElement} marker */
  const show = (marker) => {
    const info = citeInfo(marker);
    if (!info) return;
    window.clearTimeout(timer);
    if (owner !== marker) owner?.removeAttribute('aria-describedby');
    owner = marker;
    element.replaceChildren(...previewContent(info.citation, info.label, quoteBefore(marker)));
    element.hidden = false;
    marker.setAttribute('aria-describedby', element.id);
    place(element, marker);
  };
  return {
    element,
    show,
    hide,
    owner: () => owner,
    cancel: () => window.clearTimeout(timer),
    /** Runs `action` after `ms`, instead of whatever was waiting. @param {() => void} action @param {number} ms */
    later: (action, ms) => {
      window.clearTimeout(timer);
      timer = window.setTimeout(action, ms);
    },
    follow: () => {
      if (owner && !element.hidden) place(element, owner);
    },
  };
}

/**
 * The label, the paper and what is cited: the sentence of a paragraph or caption, the row of
 * a table as header → cell, or the reference entry.
 * @param {import('./render.js').Citation} citation
 * @param {string} label
 * @param {string} quote
 * @returns {Node[]}
 */
function previewContent(citation, label, quote) {
  const head = h('p', { className: 'cite-preview-head' }, [
    h('span', { className: 'cite-preview-n', text: String(citation.n) }),
    h('strong', { className: 'cite-preview-label', text: label || citation.section || 'Source' }),
  ]);
  const doc = h('p', { className: 'cite-preview-doc', text: shorten(citation.docTitle, 90) });
  const row = citation.kind === 'table-row' ? rowOf(citation) : undefined;
  if (row) return [head, tableView(row.label, '', row.header, row.cells, new Set(citedCells(row.cells, quote))), doc];
  const span = citation.kind === 'reference' ? null : citedSpan(citation.text, quote);
  const text = span ? citation.text.slice(span.start, span.end) : citation.text;
  return [head, h('blockquote', { className: 'cite-preview-quote', text: shorten(text, 420) }), doc];
}

/**
 * Puts the preview under the marker (above it when there is no room below), inside the window.
 * @param {HTMLElement} preview
 * @param {HTMLElement} marker
 */
function place(preview, marker) {
  const anchor = marker.getBoundingClientRect();
  const box = preview.getBoundingClientRect();
  const below = anchor.bottom + GAP + box.height <= window.innerHeight - GAP || anchor.top - GAP - box.height < GAP;
  const top = below ? anchor.bottom + GAP : anchor.top - GAP - box.height;
  const left = Math.min(Math.max(GAP, anchor.left + anchor.width / 2 - box.width / 2), Math.max(GAP, window.innerWidth - box.width - GAP));
  // Positions set through the CSSOM, which the CSP allows (it forbids style attributes in markup).
  preview.style.top = `${Math.round(Math.max(GAP, top))}px`;
  preview.style.left = `${Math.round(left)}px`;
  preview.dataset.side = below ? 'below' : 'above';
}
