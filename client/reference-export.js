/**
 * Reference export from the page: an answer's references copied as BibTeX or downloaded, and
 * each paper's whole reference list to download. The server writes the formats
 * (`GET /api/references`, `GET /api/docs/:docId/references`); the page only asks and copies.
 */
import { getText } from './connection.js';
import { h } from './render.js';

/**
 * @typedef {import('./render.js').CitedReference} CitedReference
 * @typedef {'bibtex' | 'ris'} DownloadFormat
 * @typedef {{ docId: string, title: string, references: number }} DocSummary
 */

const DOWNLOADS = /** @type {[DownloadFormat, string][]} */ ([
  ['bibtex', 'BibTeX'],
  ['ris', 'RIS'],
]);

/**
 * Where the API exports these references in one format.
 * @param {CitedReference[]} references
 * @param {'bibtex' | 'ris' | 'csl'} format
 */
export function referencesUrl(references, format) {
  const refs = references.map((reference) => `${reference.docId}:${reference.n}`).join(',');
  return `/api/references?${new URLSearchParams({ refs, format })}`;
}

/**
 * Under an answer's references: "Copy references as BibTeX" with a short status beside it,
 * and links to download them as BibTeX or RIS (the way out where the clipboard is refused).
 * @param {CitedReference[]} references
 */
export function answerReferenceActions(references) {
  const status = h('span', { className: 'reference-export-status', attrs: { role: 'status' } });
  const copy = /** @type {HTMLButtonElement} */ (h('button', { className: 'button button-quiet reference-export-copy', text: 'Copy references as BibTeX', attrs: { type: 'button' } }));
  copy.addEventListener('click', async () => {
    copy.disabled = true;
    status.textContent = 'Copying…';
    try {
      await copyText(getText(referencesUrl(references, 'bibtex')));
      status.textContent = 'Copied';
    } catch (error) {
      status.textContent = `Not copied: ${/** @type {Error} */ (error).message}`;
    } finally {
      copy.disabled = false;
    }
  });
  return h('div', { className: 'reference-export' }, [copy, status, downloadLinks((format) => referencesUrl(references, format))]);
}

/**
 * Each paper's reference list to download (for the papers that have one), or null.
 * @param {DocSummary[]} docs
 * @returns {HTMLElement | null}
 */
export function referenceListDownloads(docs) {
  const listed = docs.filter((doc) => doc.references > 0);
  if (listed.length === 0) return null;
  const items = listed.map((doc) => {
    const base = `/api/docs/${encodeURIComponent(doc.docId)}/references`;
    const count = `${doc.references.toLocaleString('en')} ${doc.references === 1 ? 'reference' : 'references'}`;
    return h('li', {}, [h('span', { className: 'reference-downloads-title', text: `${doc.title} (${count})` }), downloadLinks((format) => `${base}?format=${format}`)]);
  });
  return h('details', { className: 'reference-downloads' }, [
    h('summary', { text: listed.length === 1 ? 'Download the paper’s reference list' : 'Download the papers’ reference lists' }),
    h('ul', {}, items),
  ]);
}

/**
 * "Download: BibTeX · RIS". The server sends them as attachments with a file name.
 * @param {(format: DownloadFormat) => string} urlOf
 */
function downloadLinks(urlOf) {
  const links = DOWNLOADS.flatMap(([format, label], i) => [i > 0 ? ' · ' : '', h('a', { className: 'download', text: label, attrs: { href: urlOf(format), download: '' } })]);
  return h('span', { className: 'downloads' }, ['Download: ', ...links]);
}

/**
 * Copies text that is still being fetched. A ClipboardItem takes the promise, so the copy
 * keeps the click's permission however long the fetch takes (Safari refuses `writeText`
 * after an await); where there is none, the text is written when it arrives.
 * @param {Promise<string>} pending
 */
export async function copyText(pending) {
  // Browsers offer the clipboard only to secure pages (https, or http on localhost).
  if (!window.isSecureContext || !navigator.clipboard) throw new Error('this page is not https or localhost; download the file instead');
  if (typeof ClipboardItem === 'undefined') {
    await navigator.clipboard.writeText(await pending);
    return;
  }
  const blob = pending.then((text) => new Blob([text], { type: 'text/plain' }));
  try {
    await navigator.clipboard.write([new ClipboardItem({ 'text/plain': blob })]);
  } catch (error) {
    // A failed fetch says more than the clipboard's "document not focused" that follows it.
    await pending;
    throw error;
  }
}
