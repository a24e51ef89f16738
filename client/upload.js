/**
 * "Add a paper" in the library: drop a PDF, TXT or MD file or pick one. The file is sent as it
 * is (POST /api/upload?name=…); the server ingests it as `paperchat ingest` would and sends its
 * progress over Socket.IO. When the server does not take uploads (it listens beyond loopback
 * without an admin token) the section says so; when it needs the token, it asks for it.
 */
import { getJson } from './connection.js';
import { h } from './render.js';

/**
 * @typedef {import('./connection.js').Connection} Connection
 * @typedef {import('./connection.js').UploadProgress} UploadProgress
 * @typedef {{ available: boolean, token: boolean, maxBytes: number, formats: string[], reason?: string }} UploadPolicy
 * @typedef {{ docId: string, title: string, chunks: number }} AddedPaper
 */

const STAGES = /** @type {Record<string, string>} */ ({
  receiving: 'Uploading',
  reading: 'Reading the papers',
  embedding: 'Embedding passages',
  indexing: 'Building the index',
  loading: 'Loading the new index',
});

/**
 * @param {{ connection: Connection, onAdded: (paper: AddedPaper) => void }} options
 */
export function createUploadSection({ connection, onAdded }) {
  const ui = uploadElements();
  /** @type {UploadPolicy | null} */
  let policy = null;
  let busy = false;

  connection.onUploadProgress((progress) => {
    if (busy) showProgress(ui.status, ui.bar, progress);
  });

  /** @param {string} state @param {string} message */
  function say(state, message) {
    ui.element.dataset.state = state;
    ui.status.textContent = message;
  }

  /** @param {File} file */
  async function send(file) {
    if (busy || !policy?.available) return;
    const problem = localProblem(file, policy);
    if (problem) return say('error', problem);
    busy = true;
    ui.bar.hidden = false;
    ui.bar.removeAttribute('value');
    say('busy', `Uploading ${file.name}…`);
    try {
      const paper = await post(file, connection.socketId(), policy.token ? ui.token.value.trim() : '');
      say('done', `Added “${paper.title}” (${paper.chunks.toLocaleString('en')} passages). It is in the library and can be asked about now.`);
      onAdded(paper);
    } catch (error) {
      say('error', /** @type {Error} */ (error).message);
    } finally {
      busy = false;
      ui.bar.hidden = true;
      ui.input.value = '';
    }
  }

  ui.input.addEventListener('change', () => {
    if (ui.input.files?.[0]) void send(ui.input.files[0]);
  });
  acceptDrops(ui.zone, () => Boolean(policy?.available), send);

  /** Asks the server whether (and how) this page may add papers. */
  async function refresh() {
    try {
      policy = /** @type {UploadPolicy} */ (await getJson('/api/upload'));
    } catch (error) {
      policy = { available: false, token: false, maxBytes: 0, formats: [], reason: `cannot ask the server (${/** @type {Error} */ (error).message})` };
    }
    ui.element.dataset.available = String(policy.available);
    ui.zone.hidden = !policy.available;
    ui.tokenField.hidden = !policy.token;
    ui.note.textContent = policyNote(policy);
  }

  return { element: ui.element, refresh, send };
}

/** The section's elements: a note, the drop zone with its file picker, the token field, progress and status. */
function uploadElements() {
  const input = /** @type {HTMLInputElement} */ (h('input', { className: 'visually-hidden', attrs: { id: 'upload-file', type: 'file', accept: '.pdf,.txt,.md,application/pdf,text/plain,text/markdown' } }));
  const token = /** @type {HTMLInputElement} */ (h('input', { className: 'upload-token-input', attrs: { id: 'upload-token', type: 'password', autocomplete: 'off', spellcheck: 'false' } }));
  const tokenField = h('p', { className: 'upload-token' }, [h('label', { text: 'Admin token', attrs: { for: 'upload-token' } }), token]);
  const status = h('p', { className: 'upload-status', attrs: { id: 'upload-status', role: 'status' } });
  const bar = /** @type {HTMLProgressElement} */ (h('progress', { className: 'upload-progress', attrs: { max: '1', 'aria-labelledby': 'upload-status' } }));
  const note = h('p', { className: 'muted upload-note', attrs: { id: 'upload-note' } });
  const zone = h('div', { className: 'dropzone', attrs: { id: 'dropzone' } }, [
    h('p', { className: 'dropzone-text' }, ['Drop a PDF, TXT or MD file here, or ', h('label', { className: 'button button-quiet button-small dropzone-pick', text: 'choose a file', attrs: { for: 'upload-file' } }), '.']),
    input,
  ]);
  const element = h('section', { className: 'upload', attrs: { 'aria-labelledby': 'upload-title' } }, [h('h3', { className: 'panel-subtitle', text: 'Add a paper', attrs: { id: 'upload-title' } }), note, zone, tokenField, bar, status]);
  bar.hidden = true;
  tokenField.hidden = true;
  return { element, input, token, tokenField, status, bar, note, zone };
}

/**
 * A file dropped on the zone is sent; while dragging over it, the zone shows it will take it.
 * @param {HTMLElement} zone
 * @param {() => boolean} open
 * @param {(file: File) => Promise<void>} send
 */
function acceptDrops(zone, open, send) {
  zone.addEventListener('dragover', (event) => {
    if (!open()) return;
    event.preventDefault();
    zone.classList.add('dropzone-over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dropzone-over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dropzone-over');
    const file = event.dataTransfer?.files[0];
    if (file) void send(file);
  });
}

/**
 * What the section says about the server's policy.
 * @param {UploadPolicy} policy
 */
function policyNote(policy) {
  if (!policy.available) return `Adding papers is not available here: ${policy.reason ?? 'the server does not take uploads'}.`;
  const token = policy.token ? ' This server listens beyond this machine: uploading needs its admin token (PAPERCHAT_ADMIN_TOKEN).' : '';
  return `Up to ${megabytes(policy.maxBytes)}; it goes through the same ingest as paperchat ingest.${token}`;
}

/**
 * What the page can tell before sending: the type and the size limit, in ingest's words.
 * @param {File} file
 * @param {UploadPolicy} policy
 */
function localProblem(file, policy) {
  const extension = /\.[^.]+$/.exec(file.name)?.[0].toLowerCase() ?? '';
  if (!policy.formats.includes(extension)) return `upload: ${file.name}: unsupported file type (use ${policy.formats.join(', ')})`;
  if (file.size === 0) return `upload: ${file.name}: empty file`;
  if (file.size > policy.maxBytes) return `upload: ${file.name}: too large (${megabytes(file.size)}; the limit is ${megabytes(policy.maxBytes)}, set PAPERCHAT_MAX_FILE_MB)`;
  return undefined;
}

/** @param {number} bytes */
function megabytes(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * @param {HTMLElement} status
 * @param {HTMLProgressElement} bar
 * @param {UploadProgress} progress
 */
function showProgress(status, bar, progress) {
  const label = STAGES[progress.stage];
  if (!label) return;
  const counted = progress.total !== undefined && progress.done !== undefined && progress.total > 0;
  if (counted) bar.value = /** @type {number} */ (progress.done) / /** @type {number} */ (progress.total);
  else bar.removeAttribute('value');
  const count = counted ? ` (${progress.done} of ${progress.total})` : '';
  status.textContent = `${label}${count}… ${progress.name}`;
}

/**
 * @param {File} file
 * @param {string | undefined} socketId
 * @param {string} token
 * @returns {Promise<AddedPaper>}
 */
async function post(file, socketId, token) {
  /** @type {Record<string, string>} */
  const headers = { 'content-type': file.type || 'application/octet-stream' };
  if (socketId) headers['x-socket-id'] = socketId;
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`/api/upload?name=${encodeURIComponent(file.name)}`, { method: 'POST', body: file, headers });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(typeof body.error === 'string' ? body.error : `upload: the server answered ${response.status}`);
  return body.paper;
}
