/**
 * The library: the indexed papers (title, authors, year, sections, the reference list with
 * DOIs), the choice of which papers answers may use (the scope sent with each question as
 * `docIds`), and adding a paper (upload.js). Shown in the side panel; the scope is kept in
 * this browser and dropped for papers the server no longer has.
 */
import { getJson } from './connection.js';
import { authorList, h, referenceList } from './render.js';
import { createUploadSection } from './upload.js';

/**
 * @typedef {{ docId: string, title: string, authors: string[], year?: number, source: string,
 *   format: string, pages?: number, chunks: number, references: number, glossary: number }} PaperSummary
 * @typedef {{ show: (heading: string, content: Node, opener: HTMLElement, key: string) => void }} PanelLike
 */

const SCOPE_KEY = 'paperchat.scope';
const FORMAT_NAMES = /** @type {Record<string, string>} */ ({ pdf: 'PDF', text: 'Text', markdown: 'Markdown' });

/**
 * @param {{ panel: PanelLike, connection: import('./connection.js').Connection,
 *   onChange: (docs: PaperSummary[]) => void }} options `onChange`: the papers or the scope changed
 */
export function createLibrary({ panel, connection, onChange }) {
  /** @type {PaperSummary[]} */
  let docs = [];
  const scope = createScope();
  const papers = createPaperList((docId, box) => {
    const next = new Set(scope.get() ?? docs.map((doc) => doc.docId));
    if (box.checked) next.add(docId);
    else next.delete(docId);
    // A question needs at least one paper to be answered from.
    if (next.size === 0) {
      box.checked = true;
      status.textContent = 'At least one paper must stay chosen.';
    } else changed(() => scope.set(next, docs));
  });
  // A paper added to ask about it: a chosen scope takes it in.
  const upload = createUploadSection({ connection, onAdded: (paper) => void refreshUntil(scope.add(paper.docId)) });
  const { view, status, useAll } = libraryElements(upload.element, papers.element);
  useAll.addEventListener('click', () => changed(() => scope.set(null, docs)));

  /** @param {() => void} update what changed: then the view and the page follow */
  function changed(update) {
    update();
    status.textContent = scopeText(docs, scope.get());
    useAll.hidden = scope.get() === null;
    papers.render(docs, scope.get());
    onChange(docs);
  }

  /** Reads the papers from the server again; keeps the scope to papers it has. */
  async function refresh() {
    const body = await getJson('/api/docs');
    changed(() => {
      docs = Array.isArray(body.docs) ? body.docs : [];
      scope.keepKnown(docs);
    });
  }

  /**
   * Refreshes until the server lists a paper: in a cluster, the worker that answers may load
   * the new index a moment (PAPERCHAT_INDEX_POLL_MS) after the one that ingested it.
   * @param {string} docId
   */
  async function refreshUntil(docId) {
    for (let attempt = 0; attempt < 10; attempt++) {
      await refresh();
      if (docs.some((doc) => doc.docId === docId)) return;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }

  return {
    /** @param {HTMLElement} opener */
    open(opener) {
      panel.show('Library', view, opener, 'library');
      void upload.refresh();
      void refresh().catch((/** @type {Error} */ error) => (status.textContent = `Could not load the papers (${error.message}).`));
    },
    refresh,
    /** The papers a question may use, or undefined for all of them. */
    docIds: () => {
      const chosen = scope.get();
      return chosen ? docs.filter((doc) => chosen.has(doc.docId)).map((doc) => doc.docId) : undefined;
    },
    docs: () => docs,
  };
}

/**
 * The library's view: adding a paper, then which papers answers use, then the papers.
 * @param {HTMLElement} upload
 * @param {HTMLElement} list
 */
function libraryElements(upload, list) {
  const status = h('p', { className: 'library-scope-status', attrs: { id: 'scope-status', role: 'status' } });
  const useAll = h('button', { className: 'button button-quiet button-small', text: 'Use all papers', attrs: { type: 'button', id: 'scope-all' } });
  const view = h('div', { className: 'library-view', attrs: { id: 'library-view' } }, [
    upload,
    h('h3', { className: 'panel-subtitle', text: 'Papers answers may use' }),
    h('div', { className: 'library-scope' }, [status, useAll]),
    list,
  ]);
  return { view, status, useAll };
}

/** The chosen papers (null: all of them), kept in this browser. */
function createScope() {
  /** @type {Set<string> | null} */
  let chosen = readScope();
  return {
    get: () => chosen,
    /** @param {Set<string> | null} next @param {PaperSummary[]} docs */
    set(next, docs) {
      chosen = next && next.size < docs.length ? next : null;
      writeScope(chosen);
    },
    /** Takes a paper in when some are chosen; returns its id. @param {string} docId */
    add(docId) {
      chosen?.add(docId);
      writeScope(chosen);
      return docId;
    },
    /** Drops papers the server no longer has. @param {PaperSummary[]} docs */
    keepKnown(docs) {
      const known = new Set(docs.map((doc) => doc.docId));
      const kept = chosen ? new Set([...chosen].filter((docId) => known.has(docId))) : null;
      chosen = kept && kept.size > 0 && kept.size < docs.length ? kept : null;
      writeScope(chosen);
    },
  };
}

/**
 * The list of papers, rebuilt only when the papers change (so focus and open details stay);
 * the checkboxes follow the scope.
 * @param {(docId: string, box: HTMLInputElement) => void} toggle
 */
function createPaperList(toggle) {
  const element = h('ol', { className: 'paper-list', attrs: { 'aria-label': 'Indexed papers' } });
  let shown = '';
  return {
    element,
    /** @param {PaperSummary[]} docs @param {Set<string> | null} scope */
    render(docs, scope) {
      const key = JSON.stringify(docs);
      if (key !== shown) {
        shown = key;
        element.replaceChildren(...docs.map((doc) => paperItem(doc, toggle)));
      }
      for (const box of element.querySelectorAll('input[data-doc-id]')) {
        const input = /** @type {HTMLInputElement} */ (box);
        input.checked = scope === null || scope.has(input.dataset.docId ?? '');
      }
    },
  };
}

/**
 * "Answers use all 3 papers." / "Answers use 1 of 3 papers."
 * @param {PaperSummary[]} docs
 * @param {Set<string> | null} scope
 */
export function scopeText(docs, scope) {
  if (docs.length === 0) return 'No papers are indexed.';
  if (!scope) return docs.length === 1 ? 'Answers use the one indexed paper.' : `Answers use all ${docs.length} papers.`;
  return `Answers use ${scope.size} of ${docs.length} papers.`;
}

/**
 * One paper: whether answers use it, what it is, and its sections and references on demand.
 * @param {PaperSummary} doc
 * @param {(docId: string, box: HTMLInputElement) => void} toggle
 */
function paperItem(doc, toggle) {
  const id = `use-${doc.docId}`;
  const box = /** @type {HTMLInputElement} */ (h('input', { attrs: { type: 'checkbox', id, 'data-doc-id': doc.docId } }));
  box.addEventListener('change', () => toggle(doc.docId, box));
  const facts = [FORMAT_NAMES[doc.format] ?? doc.format, doc.pages !== undefined ? count(doc.pages, 'page') : '', count(doc.chunks, 'passage'), count(doc.references, 'reference')].filter(Boolean).join(' · ');
  return h('li', { className: 'paper', attrs: { 'data-doc-id': doc.docId } }, [
    h('h4', { className: 'paper-title', text: doc.title }),
    doc.authors.length > 0 || doc.year !== undefined ? h('p', { className: 'paper-authors', text: [doc.authors.length > 0 ? authorList(doc.authors) : '', doc.year !== undefined ? String(doc.year) : ''].filter(Boolean).join(' · ') }) : null,
    h('p', { className: 'paper-meta muted', text: `${facts} · ${doc.source}` }),
    h('p', { className: 'paper-use' }, [box, h('label', { text: 'Use in answers', attrs: { for: id } })]),
    lazyDetails('Sections', 'paper-sections', () => sectionsOf(doc.docId)),
    doc.references > 0 ? lazyDetails(`References (${doc.references})`, 'paper-references', () => referencesOf(doc.docId)) : null,
  ]);
}

/**
 * "1 page", "7 passages"
 * @param {number} n
 * @param {string} noun
 */
function count(n, noun) {
  return `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * A <details> whose content is fetched the first time it opens.
 * @param {string} summary
 * @param {string} className
 * @param {() => Promise<Node>} load
 */
function lazyDetails(summary, className, load) {
  const body = h('div', { className: 'paper-details-body' }, [h('p', { className: 'muted', text: 'Loading…' })]);
  const details = /** @type {HTMLDetailsElement} */ (h('details', { className: `paper-details ${className}` }, [h('summary', { text: summary }), body]));
  let loaded = false;
  details.addEventListener('toggle', () => {
    if (!details.open || loaded) return;
    loaded = true;
    load().then(
      (node) => body.replaceChildren(node),
      (/** @type {Error} */ error) => {
        loaded = false;
        body.replaceChildren(h('p', { className: 'muted', text: `Could not load (${error.message}).` }));
      },
    );
  });
  return details;
}

/** @param {string} docId */
async function sectionsOf(docId) {
  const paper = await getJson(`/api/docs/${encodeURIComponent(docId)}`);
  const sections = /** @type {{ text: string, level: number }[]} */ (Array.isArray(paper.sections) ? paper.sections : []);
  if (sections.length === 0) return h('p', { className: 'muted', text: 'No numbered sections were found in this paper.' });
  return h(
    'ol',
    { className: 'paper-section-list' },
    sections.map((section) => h('li', { className: `level-${Math.min(4, Math.max(1, section.level))}`, text: section.text })),
  );
}

/** @param {string} docId */
async function referencesOf(docId) {
  const { references } = await getJson(`/api/docs/${encodeURIComponent(docId)}/references`);
  return referenceList(Array.isArray(references) ? references : []);
}

/** @returns {Set<string> | null} */
function readScope() {
  try {
    const stored = JSON.parse(localStorage.getItem(SCOPE_KEY) ?? 'null');
    return Array.isArray(stored) && stored.length > 0 ? new Set(stored.map(String)) : null;
  } catch {
    return null;
  }
}

/** @param {Set<string> | null} scope */
function writeScope(scope) {
  try {
    if (scope) localStorage.setItem(SCOPE_KEY, JSON.stringify([...scope]));
    else localStorage.removeItem(SCOPE_KEY);
  } catch {
    // Private browsing without storage: the scope lasts for this page only.
  }
}
