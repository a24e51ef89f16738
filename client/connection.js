/**
 * The link to the server: Socket.IO for questions and streamed answers, fetch for the rest.
 * Payloads from the server are checked before they reach the page, as the server checks ours.
 */

/**
 * @typedef {'connecting' | 'connected' | 'reconnecting' | 'unavailable'} ConnectionStatus
 * @typedef {{ role: 'user' | 'assistant', content: string }} ChatTurn
 * @typedef {{
 *   onStatus: (status: ConnectionStatus, detail?: string) => void,
 *   onDelta: (id: string, text: string) => void,
 *   onReset: (id: string) => void,
 *   onDone: (id: string, answer: import('./render.js').Answer) => void,
 *   onError: (id: string, message: string) => void,
 *   onLost: () => void,
 * }} Handlers
 * @typedef {{ name: string, stage: string, done?: number, total?: number }} UploadProgress
 * @typedef {{ ask: (id: string, question: string, history: ChatTurn[], docIds?: string[]) => void,
 *   cancel: (id: string) => void, socketId: () => string | undefined,
 *   onUploadProgress: (listener: (progress: UploadProgress) => void) => void }} Connection
 *   `docIds`: the papers the answer may use (all when absent)
 */

/**
 * Connects to the server that served the page.
 * @param {Handlers} handlers
 * @returns {Connection}
 */
export function connect(handlers) {
  /** @type {any} */
  const io = /** @type {any} */ (globalThis).io;
  if (typeof io !== 'function') {
    handlers.onStatus('unavailable', 'the Socket.IO client did not load; reload the page');
    return { ask: (id) => handlers.onError(id, 'not connected to the server'), cancel: () => {}, socketId: () => undefined, onUploadProgress: () => {} };
  }
  const socket = io({ reconnectionDelayMax: 5_000 });
  handlers.onStatus('connecting');

  socket.on('connect', () => handlers.onStatus('connected'));
  socket.on('disconnect', (/** @type {string} */ reason) => {
    handlers.onLost();
    handlers.onStatus('reconnecting');
    // The client only reconnects by itself when the server did not hang up on purpose.
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 500);
  });
  socket.on('connect_error', () => {
    handlers.onStatus(socket.active ? 'reconnecting' : 'unavailable', 'cannot reach the server');
  });

  socket.on('answer:delta', (/** @type {unknown} */ payload) => {
    const id = idOf(payload);
    const text = /** @type {{ text?: unknown }} */ (payload).text;
    if (id !== undefined && typeof text === 'string') handlers.onDelta(id, text);
  });
  // After an LLM failure mid-stream the server starts the answer over (the offline answer).
  socket.on('answer:reset', (/** @type {unknown} */ payload) => {
    const id = idOf(payload);
    if (id !== undefined) handlers.onReset(id);
  });
  socket.on('answer:done', (/** @type {unknown} */ payload) => {
    const id = idOf(payload);
    if (id !== undefined && isAnswer(payload)) handlers.onDone(id, payload);
    else if (id !== undefined) handlers.onError(id, 'the server sent an answer this page cannot read');
  });
  socket.on('answer:error', (/** @type {unknown} */ payload) => {
    const id = idOf(payload);
    const message = /** @type {{ message?: unknown }} */ (payload).message;
    if (id !== undefined) handlers.onError(id, typeof message === 'string' ? message : 'the answer failed');
  });

  return {
    ask: (id, question, history, docIds) => socket.emit('ask', { id, question, history, ...(docIds ? { docIds } : {}) }),
    cancel: (id) => socket.emit('cancel', { id }),
    // An upload names this socket so the server can send it the ingest's progress.
    socketId: () => (socket.connected ? String(socket.id) : undefined),
    onUploadProgress: (listener) =>
      socket.on('upload:progress', (/** @type {unknown} */ payload) => {
        const progress = /** @type {Partial<UploadProgress>} */ (payload ?? {});
        if (typeof progress.name === 'string' && typeof progress.stage === 'string') listener(/** @type {UploadProgress} */ (progress));
      }),
  };
}

/**
 * @param {unknown} payload
 * @returns {string | undefined}
 */
function idOf(payload) {
  if (!payload || typeof payload !== 'object') return undefined;
  const id = /** @type {{ id?: unknown }} */ (payload).id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/**
 * @param {unknown} value
 * @returns {value is import('./render.js').Answer}
 */
function isAnswer(value) {
  if (!value || typeof value !== 'object') return false;
  const answer = /** @type {Record<string, unknown>} */ (value);
  return (
    typeof answer.answer === 'string' &&
    typeof answer.abstained === 'boolean' &&
    Array.isArray(answer.citations) &&
    answer.citations.every(isCitation) &&
    Array.isArray(answer.references) &&
    answer.references.every(isReference) &&
    (answer.notice === undefined || typeof answer.notice === 'string')
  );
}

/** @param {unknown} value */
function isCitation(value) {
  if (!value || typeof value !== 'object') return false;
  const citation = /** @type {Record<string, unknown>} */ (value);
  return (
    Number.isInteger(citation.n) &&
    typeof citation.passageId === 'string' &&
    typeof citation.docTitle === 'string' &&
    typeof citation.section === 'string' &&
    typeof citation.text === 'string' &&
    Array.isArray(citation.refs)
  );
}

/** @param {unknown} value */
function isReference(value) {
  if (!value || typeof value !== 'object') return false;
  const reference = /** @type {Record<string, unknown>} */ (value);
  return Number.isInteger(reference.n) && typeof reference.title === 'string' && Array.isArray(reference.authors);
}

/**
 * GET a JSON endpoint of the API.
 * @param {string} path e.g. "/api/health"
 * @returns {Promise<any>}
 */
export async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) throw await refusal(path, response);
  return response.json();
}

/**
 * GET a file the API writes (a BibTeX export, say) as text.
 * @param {string} path e.g. "/api/references?refs=…&format=bibtex"
 * @returns {Promise<string>}
 */
export async function getText(path) {
  const response = await fetch(path);
  if (!response.ok) throw await refusal(path, response);
  return response.text();
}

/**
 * The server's one-line reason for refusing a request, as an error.
 * @param {string} path
 * @param {Response} response
 */
async function refusal(path, response) {
  const body = await response.json().catch(() => ({}));
  return new Error(typeof body.error === 'string' ? body.error : `${path} answered ${response.status}`);
}
