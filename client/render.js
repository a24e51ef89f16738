/**
 * DOM builders for answers, sources, references and passages. Everything is built with
 * createElement and textContent: no text from a paper, a model or the user is ever parsed as
 * HTML, so none of it can run in the page. The one exception, a model's Markdown, goes through
 * markdown.js (renderer + sanitizer) and comes back as nodes.
 */
import { segmentAnswer } from './answer-text.js';
import { renderMarkdown } from './markdown.js';

/**
 * @typedef {{ n: number, passageId: string, docId: string, docTitle: string, section: string,
 *   page?: number, kind: string, text: string, refs: number[] }} Citation
 * @typedef {{ docId: string, n: number, authors: string[], title: string, journal: string,
 *   year?: number, doi?: string }} CitedReference
 * @typedef {{ answer: string, abstained: boolean, mode: 'extractive' | 'llm',
 *   citations: Citation[], references: CitedReference[], notice?: string,
 *   timings?: { retrieveMs: number, answerMs: number } }} Answer
 * @typedef {{ label: string, caption: string, header: string[], cells: string[] }} TableCells
 * @typedef {{ passageId: string, docId: string, docTitle: string, section: string,
 *   sectionPath?: string[], page?: number, kind: string, text: string, refs: number[],
 *   table?: TableCells, references: CitedReference[] }} Passage
 * @typedef {Node | string | null | undefined | false} Child
 */

/**
 * Creates an element. Attribute values are set as attributes, never parsed; event handler
 * attributes are refused, so data can never become code through this helper.
 * @param {string} tag
 * @param {{ className?: string, text?: string, attrs?: Record<string, string>,
 *   on?: Record<string, EventListener> }} [options]
 * @param {Child[]} [children]
 * @returns {HTMLElement}
 */
export function h(tag, options = {}, children = []) {
  const element = document.createElement(tag);
  if (options.className) element.className = options.className;
  if (options.text !== undefined) element.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    if (/^on/i.test(name)) throw new Error(`render: refusing event handler attribute ${name}`);
    element.setAttribute(name, value);
  }
  for (const [type, listener] of Object.entries(options.on ?? {})) element.addEventListener(type, listener);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

const KIND_LABELS = /** @type {Record<string, string>} */ ({
  paragraph: 'Paragraph',
  'table-row': 'Table row',
  'figure-caption': 'Figure caption',
  reference: 'Reference entry',
});

/** @param {string} kind */
export function kindLabel(kind) {
  return KIND_LABELS[kind] ?? kind;
}

/**
 * "3.1 Trastuzumab · page 4": where a passage sits in its paper.
 * @param {{ section: string, page?: number }} where
 */
export function locationText(where) {
  return [where.section, where.page !== undefined ? `page ${where.page}` : ''].filter(Boolean).join(' · ');
}

/**
 * Fills an answer's text element: markers become citation buttons when the citations are
 * known (the final answer), numbered placeholders while streaming, and plain text when a
 * marker names no citation. A model's answer is Markdown (rendered safely, see markdown.js);
 * an offline answer quotes the papers, whose `*` and `_` are not Markdown, so it stays text.
 * @param {HTMLElement} container
 * @param {string} text
 * @param {Map<number, Citation> | null} citationsByN null while streaming
 * @param {(citation: Citation, trigger: HTMLElement) => void} onCite
 * @param {boolean} [markdown]
 */
export function fillAnswerText(container, text, citationsByN, onCite, markdown = false) {
  /** @param {number} n @param {string} raw */
  const marker = (n, raw) => markerNode(n, raw, citationsByN, onCite);
  container.classList.toggle('markdown', markdown);
  container.replaceChildren(markdown ? renderMarkdown(text, marker) : plainAnswer(text, marker));
}

/**
 * @param {string} text
 * @param {(n: number, raw: string) => Node} marker
 */
function plainAnswer(text, marker) {
  const segments = segmentAnswer(text);
  const fragment = document.createDocumentFragment();
  segments.forEach((segment, i) => {
    if (segment.kind === 'marker') {
      fragment.append(marker(segment.n, segment.raw));
      return;
    }
    // A no-break space keeps a citation number on the line of the word it follows.
    fragment.append(segments[i + 1]?.kind === 'marker' ? segment.text.replace(/ $/, '\u00a0') : segment.text);
  });
  return fragment;
}

/**
 * @param {number} n
 * @param {string} raw
 * @param {Map<number, Citation> | null} citationsByN
 * @param {(citation: Citation, trigger: HTMLElement) => void} onCite
 * @returns {Node}
 */
function markerNode(n, raw, citationsByN, onCite) {
  if (!citationsByN) return h('span', { className: 'cite cite-pending', text: String(n), attrs: { 'aria-hidden': 'true' } });
  const citation = citationsByN.get(n);
  return citation ? citeButton(citation, onCite) : document.createTextNode(raw);
}

/**
 * @param {Citation} citation
 * @param {(citation: Citation, trigger: HTMLElement) => void} onCite
 */
function citeButton(citation, onCite) {
  const label = `Source ${citation.n}: ${citation.docTitle}, ${locationText(citation)}`;
  const button = h('button', {
    className: 'cite',
    text: String(citation.n),
    attrs: { type: 'button', 'aria-label': label, title: label, 'data-n': String(citation.n), 'aria-haspopup': 'dialog' },
  });
  button.addEventListener('click', () => onCite(citation, button));
  return button;
}

/**
 * The sources and references listed under an answer.
 * @param {Answer} answer
 * @param {(citation: Citation, trigger: HTMLElement) => void} onCite
 * @returns {HTMLElement | null}
 */
export function sourcesSection(answer, onCite) {
  if (answer.citations.length === 0) return null;
  const sources = answer.citations.map((citation) => {
    const button = h('button', { className: 'source-link', attrs: { type: 'button', 'data-n': String(citation.n), 'aria-haspopup': 'dialog' } }, [
      h('span', { className: 'source-n', text: String(citation.n) }),
      h('span', { className: 'source-body' }, [
        h('span', { className: 'source-section', text: citation.section || kindLabel(citation.kind) }),
        h('span', { className: 'source-doc', text: [citation.docTitle, citation.page !== undefined ? `page ${citation.page}` : ''].filter(Boolean).join(' · ') }),
      ]),
    ]);
    button.addEventListener('click', () => onCite(citation, button));
    return h('li', {}, [button]);
  });
  return h('section', { className: 'sources', attrs: { 'aria-label': 'Sources and references' } }, [
    h('h3', { className: 'sources-title', text: 'Sources' }),
    h('ol', { className: 'source-list' }, sources),
    answer.references.length > 0 && h('h3', { className: 'sources-title', text: 'References cited by these passages' }),
    answer.references.length > 0 && referenceList(answer.references),
  ]);
}

/**
 * A paper's own references, each with its DOI link.
 * @param {CitedReference[]} references
 */
export function referenceList(references) {
  return h(
    'ol',
    { className: 'reference-list' },
    references.map((reference) => h('li', { className: 'reference', attrs: { 'data-ref': String(reference.n) } }, [h('span', { className: 'reference-n', text: String(reference.n) }), referenceBody(reference)])),
  );
}

/** @param {CitedReference} reference */
function referenceBody(reference) {
  const link = doiLink(reference.doi);
  return h('span', { className: 'reference-body' }, [
    reference.authors.length > 0 && h('span', { className: 'reference-authors', text: `${authorList(reference.authors)}. ` }),
    h('span', { className: 'reference-title', text: `${reference.title.replace(/\.$/, '')}. ` }),
    reference.journal && h('cite', { className: 'reference-journal', text: reference.journal }),
    reference.year !== undefined && h('span', { className: 'reference-year', text: ` (${reference.year})` }),
    '. ',
    link,
  ]);
}

/**
 * "Shitara K, Bang YJ, Iwasa S, et al."
 * @param {string[]} authors
 */
export function authorList(authors) {
  const named = authors.filter((author) => !/^et al\.?$/i.test(author.trim()));
  const more = named.length > 3 || named.length < authors.length;
  return named.slice(0, 3).join(', ') + (more ? ', et al' : '');
}

/**
 * A link to the DOI resolver, or null when there is no plausible DOI. The address always
 * starts with https://doi.org/, whatever the DOI says.
 * @param {string | undefined} doi
 */
export function doiLink(doi) {
  if (!doi || !/^10\.\d{4,9}\//.test(doi)) return null;
  const href = `https://doi.org/${doi.split('/').map(encodeURIComponent).join('/')}`;
  return h('a', { className: 'doi', text: `doi:${doi}`, attrs: { href, target: '_blank', rel: 'noopener noreferrer' } });
}

/**
 * The body of the source panel: the passage, where it is, and the references it cites.
 * @param {Passage} passage
 */
export function passageView(passage) {
  const path = passage.sectionPath && passage.sectionPath.length > 0 ? passage.sectionPath : [passage.section].filter(Boolean);
  return h('div', { className: 'passage' }, [
    h('p', { className: 'passage-doc', text: passage.docTitle }),
    path.length > 0 && h('ol', { className: 'passage-path', attrs: { 'aria-label': 'Section' } }, path.map((heading) => h('li', { text: heading }))),
    h('p', { className: 'passage-meta' }, [
      h('span', { className: 'badge', text: kindLabel(passage.kind) }),
      passage.page !== undefined && h('span', { className: 'badge', text: `Page ${passage.page}` }),
    ]),
    passage.table ? tableView(passage.table) : h('blockquote', { className: 'passage-text', text: passage.text }),
    h('h3', { className: 'panel-subtitle', text: 'References cited in this passage' }),
    passage.references.length > 0
      ? referenceList(passage.references)
      : h('p', {
          className: 'muted',
          text: passage.refs.length > 0 ? `It cites reference ${passage.refs.join(', ')}, which the paper’s reference list does not describe.` : 'This passage cites none of the paper’s references.',
        }),
  ]);
}

/** @param {TableCells} table */
function tableView(table) {
  const rows = table.header.map((heading, i) => [h('dt', { text: heading }), h('dd', { text: table.cells[i] ?? '' })]).flat();
  return h('figure', { className: 'passage-table' }, [
    h('figcaption', {}, [h('strong', { text: `${table.label}. ` }), table.caption]),
    h('dl', {}, rows),
  ]);
}

/**
 * A passage as the answer already knows it (shown at once; the server's fuller view follows).
 * @param {Citation} citation
 * @param {CitedReference[]} references the answer's references
 * @returns {Passage}
 */
export function passageFromCitation(citation, references) {
  return {
    passageId: citation.passageId,
    docId: citation.docId,
    docTitle: citation.docTitle,
    section: citation.section,
    ...(citation.page !== undefined ? { page: citation.page } : {}),
    kind: citation.kind,
    text: citation.text,
    refs: citation.refs,
    references: references.filter((reference) => reference.docId === citation.docId && citation.refs.includes(reference.n)),
  };
}

/**
 * "Extractive · 45 ms"
 * @param {Answer} answer
 */
export function metaText(answer) {
  const mode = answer.mode === 'llm' ? 'LLM answer' : 'Extractive answer';
  const ms = answer.timings ? Math.round(answer.timings.retrieveMs + answer.timings.answerMs) : undefined;
  return ms !== undefined && Number.isFinite(ms) ? `${mode} · ${ms.toLocaleString('en')} ms` : mode;
}
