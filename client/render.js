/**
 * DOM builders for answers, sources, references and passages. Everything is built with
 * createElement and textContent: no text from a paper, a model or the user is ever parsed as
 * HTML, so none of it can run in the page. The one exception, a model's Markdown, goes through
 * markdown.js (renderer + sanitizer) and comes back as nodes.
 */
import { segmentAnswer } from './answer-text.js';
import { renderMarkdown } from './markdown.js';
import { citedCells, citedSpan } from './quote.js';
import { rowOf, shorten } from './source-label.js';

/**
 * @typedef {{ label: string, caption: string, header: string[], cells: string[], row?: number,
 *   nameColumn?: number }} CitedTable
 * @typedef {{ n: number, passageId: string, docId: string, docTitle: string, section: string,
 *   page?: number, kind: string, text: string, refs: number[], table?: CitedTable }} Citation
 * @typedef {{ docId: string, n: number, authors: string[], title: string, journal: string,
 *   year?: number, doi?: string }} CitedReference
 * @typedef {{ answer: string, abstained: boolean, mode: 'extractive' | 'llm',
 *   citations: Citation[], references: CitedReference[], notice?: string,
 *   timings?: { retrieveMs: number, answerMs: number } }} Answer
 * @typedef {{ passageId: string, docId: string, docTitle: string, section: string,
 *   sectionPath?: string[], page?: number, kind: string, text: string, refs: number[],
 *   table?: CitedTable, references: CitedReference[] }} Passage
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
 * @typedef {{ citations: Map<number, Citation> | null, labels?: Map<number, string>,
 *   onCite: (citation: Citation, trigger: HTMLElement) => void, markdown?: boolean }} AnswerTextOptions
 *   `citations` is null while streaming; `labels` name the sources (source-label.js)
 */

/**
 * Fills an answer's text element: markers become citation buttons when the citations are
 * known (the final answer), numbered placeholders while streaming, and plain text when a
 * marker names no citation. A model's answer is Markdown (rendered safely, see markdown.js);
 * an offline answer quotes the papers, whose `*` and `_` are not Markdown, so it stays text.
 * @param {HTMLElement} container
 * @param {string} text
 * @param {AnswerTextOptions} options
 */
export function fillAnswerText(container, text, options) {
  const markdown = options.markdown ?? false;
  /** @param {number} n @param {string} raw */
  const marker = (n, raw) => markerNode(n, raw, options);
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
 * @param {AnswerTextOptions} options
 * @returns {Node}
 */
function markerNode(n, raw, options) {
  if (!options.citations) return h('span', { className: 'cite cite-pending', text: String(n), attrs: { 'aria-hidden': 'true' } });
  const citation = options.citations.get(n);
  return citation ? citeButton(citation, options.labels?.get(n) ?? '', options.onCite) : document.createTextNode(raw);
}

/** What each citation button in the page stands for, for its preview (preview.js). */
const cited = new WeakMap();

/**
 * The citation and source label behind a citation button, if it is one.
 * @param {Element} button
 * @returns {{ citation: Citation, label: string } | undefined}
 */
export function citeInfo(button) {
  return cited.get(button);
}

/**
 * A marker as a button: it opens the source panel, and hovering or focusing it previews the
 * cited sentence (preview.js; the browser's own tooltip would only repeat the label).
 * @param {Citation} citation
 * @param {string} label
 * @param {(citation: Citation, trigger: HTMLElement) => void} onCite
 */
function citeButton(citation, label, onCite) {
  const name = `Source ${citation.n}: ${[label, citation.docTitle].filter(Boolean).join(', ')}${label ? '' : `, ${locationText(citation)}`}`;
  const button = h('button', {
    className: 'cite',
    text: String(citation.n),
    attrs: { type: 'button', 'aria-label': name, 'data-n': String(citation.n), 'aria-haspopup': 'dialog' },
  });
  cited.set(button, { citation, label });
  button.addEventListener('click', () => onCite(citation, button));
  return button;
}

/**
 * The sources and references listed under an answer: each source by its label (what it is),
 * its paper and, for a paragraph or caption, the sentence the answer cites from it.
 * @param {Answer} answer
 * @param {{ labels: Map<number, string>, onCite: (citation: Citation, trigger: HTMLElement) => void,
 *   quotes: (n: number) => string[] }} options `quotes`: the answer's sentences citing source n
 * @returns {HTMLElement | null}
 */
export function sourcesSection(answer, { labels, onCite, quotes }) {
  if (answer.citations.length === 0) return null;
  const sources = answer.citations.map((citation) => {
    const snippet = sourceSnippet(citation, answer.references, quotes(citation.n));
    const button = h('button', { className: 'source-link', attrs: { type: 'button', 'data-n': String(citation.n), 'aria-haspopup': 'dialog' } }, [
      h('span', { className: 'source-n', text: String(citation.n) }),
      h('span', { className: 'source-body' }, [
        h('span', { className: 'source-section source-label', text: labels.get(citation.n) || citation.section || kindLabel(citation.kind) }),
        snippet && h('span', { className: 'source-quote', text: snippet }),
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
 * A line under a source's label: the sentence cited from a paragraph or caption, a reference
 * entry's title; none for a table row (its label names it).
 * @param {Citation} citation
 * @param {CitedReference[]} references
 * @param {string[]} quotes
 */
function sourceSnippet(citation, references, quotes) {
  if (citation.kind === 'table-row') return '';
  if (citation.kind === 'reference') {
    const entry = references.find((reference) => reference.docId === citation.docId && reference.n === citation.refs[0]);
    return entry ? shorten(entry.title, 120) : '';
  }
  const span = quotes.map((quote) => citedSpan(citation.text, quote)).find(Boolean);
  return span ? shorten(citation.text.slice(span.start, span.end), 160) : '';
}

/**
 * The body of the source panel: the passage, where it is, and the references it cites. The
 * sentences the answer cites (`quotes`, the answer's sentences) are marked in the passage.
 * @param {Passage} passage
 * @param {string[]} [quotes]
 */
export function passageView(passage, quotes = []) {
  const path = passage.sectionPath && passage.sectionPath.length > 0 ? passage.sectionPath : [passage.section].filter(Boolean);
  return h('div', { className: 'passage' }, [
    h('p', { className: 'passage-doc', text: passage.docTitle }),
    path.length > 0 && h('ol', { className: 'passage-path', attrs: { 'aria-label': 'Section' } }, path.map((heading) => h('li', { text: heading }))),
    h('p', { className: 'passage-meta' }, [
      h('span', { className: 'badge', text: kindLabel(passage.kind) }),
      passage.page !== undefined && h('span', { className: 'badge', text: `Page ${passage.page}` }),
    ]),
    passageBody(passage, quotes),
    h('h3', { className: 'panel-subtitle', text: 'References cited in this passage' }),
    passage.references.length > 0
      ? referenceList(passage.references)
      : h('p', {
          className: 'muted',
          text: passage.refs.length > 0 ? `It cites reference ${passage.refs.join(', ')}, which the paper’s reference list does not describe.` : 'This passage cites none of the paper’s references.',
        }),
  ]);
}

/**
 * A table row as a two-column table (header → cell), a reference entry as one cited block,
 * other passages as text with the cited sentences marked.
 * @param {Passage} passage
 * @param {string[]} quotes
 */
function passageBody(passage, quotes) {
  const row = passage.kind === 'table-row' ? rowOf(passage) : undefined;
  if (row) {
    const marked = new Set(quotes.flatMap((quote) => citedCells(row.cells, quote)));
    return tableView(row.label, passage.table?.caption ?? '', row.header, row.cells, marked);
  }
  if (passage.kind === 'reference') {
    return h('blockquote', { className: 'passage-text' }, [quotes.length > 0 ? h('mark', { className: 'cited-sentence', text: passage.text }) : passage.text]);
  }
  const spans = quotes.map((quote) => citedSpan(passage.text, quote)).filter((span) => span !== null);
  return h('blockquote', { className: 'passage-text' }, markedText(passage.text, spans));
}

/**
 * Text with the given ranges in <mark>, overlapping ranges merged.
 * @param {string} text
 * @param {{ start: number, end: number }[]} spans
 * @returns {Child[]}
 */
function markedText(text, spans) {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  /** @type {Child[]} */
  const out = [];
  let at = 0;
  for (const span of sorted) {
    if (span.end <= at) continue;
    const start = Math.max(span.start, at);
    if (start > at) out.push(text.slice(at, start));
    out.push(h('mark', { className: 'cited-sentence', text: text.slice(start, span.end) }));
    at = span.end;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/**
 * @param {string} label
 * @param {string} caption
 * @param {string[]} header
 * @param {string[]} cells
 * @param {Set<number>} marked cells the answer names
 */
export function tableView(label, caption, header, cells, marked = new Set()) {
  const rows = cells.map((cell, i) =>
    cell.trim()
      ? h('tr', { className: marked.has(i) ? 'cited-cell' : '' }, [h('th', { text: header[i] ?? `Column ${i + 1}`, attrs: { scope: 'row' } }), h('td', {}, [marked.has(i) ? h('mark', { className: 'cited-sentence', text: cell }) : cell])])
      : null,
  );
  const table = h('table', {}, [h('caption', {}, [h('strong', { text: caption ? `${label}. ` : label }), caption]), h('tbody', {}, rows)]);
  return h('figure', { className: 'passage-table' }, [table]);
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
    ...(citation.table ? { table: citation.table } : {}),
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
