/**
 * Answers as plain text and Markdown, for the clipboard and for exported conversations: the
 * answer with its `[n]` markers, then the numbered sources those markers name, then the
 * papers' own references behind them. Pure functions of the answer object; no DOM.
 */
import { authorList, kindLabel, locationText } from './render.js';

/**
 * @typedef {import('./render.js').Answer} Answer
 * @typedef {import('./render.js').Citation} Citation
 * @typedef {import('./render.js').CitedReference} CitedReference
 */

/**
 * "[2] HER2-positive gastric cancer… — 3.1 Trastuzumab · page 4 (Table row)"
 * @param {Citation} citation
 */
export function sourceLine(citation) {
  const where = locationText(citation);
  const kind = citation.kind === 'paragraph' ? '' : ` (${kindLabel(citation.kind)})`;
  return `[${citation.n}] ${citation.docTitle}${where ? ` — ${where}` : ''}${kind}`;
}

/**
 * "Shitara K, Bang YJ, Iwasa S, et al. Trastuzumab deruxtecan… N Engl J Med (2020). https://doi.org/…"
 * @param {CitedReference} reference
 */
export function referenceText(reference) {
  const parts = [
    reference.authors.length > 0 ? `${authorList(reference.authors)}.` : '',
    `${reference.title.replace(/\.$/, '')}.`,
    [reference.journal, reference.year !== undefined ? `(${reference.year})` : ''].filter(Boolean).join(' '),
  ].filter(Boolean);
  const text = parts.join(' ').replace(/([^.])$/, '$1.');
  return reference.doi ? `${text} https://doi.org/${reference.doi}` : text;
}

/**
 * The references grouped by the paper whose reference list they are in, that paper's title
 * taken from the citations (a reference has only its paper's id).
 * @param {CitedReference[]} references
 * @param {Citation[]} citations
 * @returns {{ docTitle: string, references: CitedReference[] }[]}
 */
export function referencesByPaper(references, citations) {
  /** @type {Map<string, { docTitle: string, references: CitedReference[] }>} */
  const groups = new Map();
  for (const reference of references) {
    const docTitle = citations.find((citation) => citation.docId === reference.docId)?.docTitle ?? reference.docId;
    const group = groups.get(reference.docId) ?? { docTitle, references: [] };
    group.references.push(reference);
    groups.set(reference.docId, group);
  }
  return [...groups.values()];
}

/**
 * What "Copy" puts on the clipboard: the answer, its sources, their references.
 * @param {Answer} answer
 */
export function answerAsText(answer) {
  const blocks = [answer.answer.trim()];
  if (answer.citations.length > 0) blocks.push(['Sources', ...answer.citations.map(sourceLine)].join('\n'));
  for (const group of referencesByPaper(answer.references, answer.citations)) {
    blocks.push([`References in ${group.docTitle}`, ...group.references.map((reference) => `${reference.n}. ${referenceText(reference)}`)].join('\n'));
  }
  return blocks.join('\n\n');
}
