/**
 * The source panel: the cited passage, where it sits in its paper, and the paper's own
 * references it cites. A side column on wide screens, a full-width drawer on phones. Opening
 * moves focus into it; Escape or the close button returns focus to the citation that opened it.
 */
import { getJson } from './connection.js';
import { h, passageFromCitation, passageView } from './render.js';

/**
 * @typedef {import('./render.js').Citation} Citation
 * @typedef {import('./render.js').CitedReference} CitedReference
 * @typedef {import('./render.js').Passage} Passage
 */

/**
 * @param {{ panel: HTMLElement, title: HTMLElement, body: HTMLElement, close: HTMLButtonElement,
 *   layout: HTMLElement, cover: (drawer: HTMLElement, covers: boolean) => void }} elements
 *   `cover`: makes the rest of the page inert while a drawer covers it (cover.js)
 */
export function createPanel({ panel, title, body, close, layout, cover }) {
  // Must match the stylesheet's breakpoint, where the panel becomes a full-width drawer.
  const drawer = window.matchMedia('(max-width: 860px)');
  /** A drawer covers the page: keep Tab and screen readers inside it while it is open. */
  function updateInert() {
    cover(panel, drawer.matches && !panel.hidden);
  }
  drawer.addEventListener('change', updateInert);

  /** @type {Map<string, Promise<Passage>>} */
  const passages = new Map();
  /** @type {HTMLElement | null} */
  let trigger = null;
  /** @type {string | null} */
  let showing = null;

  /** @param {string} id */
  function fetchPassage(id) {
    let pending = passages.get(id);
    if (!pending) {
      pending = getJson(`/api/passages/${encodeURIComponent(id)}`);
      passages.set(id, pending);
      // A failed fetch is not cached: the next click tries again.
      pending.catch(() => passages.delete(id));
    }
    return pending;
  }

  /**
   * Shows a citation's passage at once from the answer, with the cited sentences marked and
   * scrolled into view, then the server's fuller view (section path, references) when it arrives.
   * @param {Citation} citation
   * @param {CitedReference[]} references the answer's references
   * @param {HTMLElement} opener
   * @param {string[]} [quotes] the answer's sentences citing it (to mark in the passage)
   */
  function open(citation, references, opener, quotes = []) {
    const key = `${citation.passageId}\u0000${quotes.join('\u0000')}`;
    showPanel(`Source ${citation.n}`, passageView(passageFromCitation(citation, references), quotes), opener, key);
    revealCited();
    fetchPassage(citation.passageId).then(
      (passage) => {
        // Not if the reader moved on, or is reading inside the panel body (focus would be lost).
        if (showing !== key || body.contains(document.activeElement)) return;
        const scrolled = body.scrollTop;
        body.replaceChildren(passageView(passage, quotes));
        body.scrollTop = scrolled;
      },
      (/** @type {Error} */ error) => {
        if (showing !== key) return;
        body.append(h('p', { className: 'muted', text: `Could not load the full passage (${error.message}).` }));
      },
    );
  }

  /**
   * Opens the panel on some content (a passage, the library) and moves focus to its close button.
   * @param {string} heading
   * @param {Node} content
   * @param {HTMLElement} opener focus goes back to it when the panel closes
   * @param {string} key what is shown, so late content for something else is not put in
   */
  function showPanel(heading, content, opener, key) {
    trigger = opener;
    showing = key;
    title.textContent = heading;
    body.replaceChildren(content);
    body.scrollTop = 0;
    panel.hidden = false;
    layout.classList.add('panel-open');
    updateInert();
    close.focus();
  }

  /** Scrolls the first marked sentence to the middle of the panel. */
  function revealCited() {
    const mark = body.querySelector('.cited-sentence');
    if (!mark) return;
    const top = mark.getBoundingClientRect().top - body.getBoundingClientRect().top + body.scrollTop;
    body.scrollTop = Math.max(0, top - body.clientHeight / 3);
  }

  /** @param {{ restoreFocus?: boolean }} [options] */
  function hide({ restoreFocus = true } = {}) {
    if (panel.hidden) return;
    panel.hidden = true;
    layout.classList.remove('panel-open');
    updateInert();
    showing = null;
    if (restoreFocus && trigger && trigger.isConnected) trigger.focus();
    trigger = null;
  }

  close.addEventListener('click', () => hide());
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !panel.hidden) {
      event.preventDefault();
      // Someone typing in the question box stays there; focus in the panel goes back to the citation.
      const active = document.activeElement;
      hide({ restoreFocus: !active || active === document.body || panel.contains(active) });
    }
  });

  return {
    open,
    /**
     * Opens the panel on other content (the library).
     * @param {string} heading
     * @param {Node} content
     * @param {HTMLElement} opener
     * @param {string} key
     */
    show: (heading, content, opener, key) => showPanel(heading, content, opener, key),
    hide,
    isOpen: () => !panel.hidden,
  };
}
