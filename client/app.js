/**
 * The chat page: the conversation, the question box and the answers streaming in. Each
 * question is an exchange; its answer grows from `answer:delta` events and is re-rendered from
 * `answer:done`, which is authoritative. History for follow-ups comes from finished exchanges.
 * The open conversation is saved in the browser when a question is asked and when its answer
 * ends (conversation-store.js), and opened again at the next visit.
 */
import { answerActions } from './answer-actions.js';
import { streamablePrefix, withoutMarkers } from './answer-text.js';
import { connect, getJson } from './connection.js';
import { conversationAsMarkdown, downloadText, exportFileName } from './conversation-export.js';
import { newConversation, openConversationStore, readCurrentId, writeCurrentId } from './conversation-store.js';
import { createCover } from './cover.js';
import { createLibrary } from './library.js';
import { createPanel } from './panel.js';
import { installPreviews, quoteBefore, quotesFor } from './preview.js';
import { answerReferenceActions, referenceListDownloads } from './reference-export.js';
import { fillAnswerText, h, metaText, sourcesSection } from './render.js';
import { createSidebar } from './sidebar.js';
import { sourceLabels } from './source-label.js';

/**
 * @typedef {import('./render.js').Answer} Answer
 * @typedef {import('./render.js').Citation} Citation
 * @typedef {import('./connection.js').ChatTurn} ChatTurn
 * @typedef {import('./connection.js').ConnectionStatus} ConnectionStatus
 * @typedef {import('./conversation-store.js').ExchangeState} ExchangeState
 * @typedef {import('./conversation-store.js').StoredExchange} StoredExchange
 * @typedef {import('./conversation-store.js').Conversation} Conversation
 * @typedef {{
 *   id: string, question: string, history: ChatTurn[], text: string, state: ExchangeState,
 *   answer?: Answer, error?: string, stopping: boolean, docIds?: string[],
 *   view: { root: HTMLElement, article: HTMLElement, badge: HTMLElement, text: HTMLElement, extra: HTMLElement },
 * }} Exchange
 */

/** How many turns (one question or one answer each) a follow-up carries. */
const HISTORY_TURNS = 6;
/** The server refuses longer turns. */
const MAX_TURN_CHARS = 8_000;

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @returns {T}
 */
function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`client: the page has no #${id}`);
  return /** @type {T} */ (element);
}

const ui = {
  layout: byId('layout'),
  connection: byId('connection'),
  connectionText: byId('connection-text'),
  mode: byId('mode'),
  newChat: /** @type {HTMLButtonElement} */ (byId('new-chat')),
  conversation: byId('conversation'),
  welcome: byId('welcome'),
  library: byId('library'),
  referenceLists: byId('reference-lists'),
  examples: byId('examples'),
  examplesTitle: byId('examples-title'),
  messages: byId('messages'),
  composer: /** @type {HTMLFormElement} */ (byId('composer')),
  question: /** @type {HTMLTextAreaElement} */ (byId('question')),
  send: /** @type {HTMLButtonElement} */ (byId('send')),
  stop: /** @type {HTMLButtonElement} */ (byId('stop')),
  sidebar: byId('sidebar'),
  panel: byId('panel'),
  libraryOpen: /** @type {HTMLButtonElement} */ (byId('library-open')),
  libraryBrowse: /** @type {HTMLButtonElement} */ (byId('library-browse')),
  scope: /** @type {HTMLButtonElement} */ (byId('scope')),
  scopeText: byId('scope-text'),
};

const cover = createCover([byId('main'), ui.sidebar, ui.panel, /** @type {HTMLElement} */ (document.querySelector('.topbar')), /** @type {HTMLElement} */ (document.querySelector('.skip-link'))]);

const panel = createPanel({
  panel: ui.panel,
  title: byId('panel-title'),
  body: byId('panel-body'),
  close: /** @type {HTMLButtonElement} */ (byId('panel-close')),
  layout: ui.layout,
  cover,
});

const sidebar = createSidebar(
  {
    sidebar: ui.sidebar,
    layout: ui.layout,
    toggle: /** @type {HTMLButtonElement} */ (byId('sidebar-toggle')),
    close: /** @type {HTMLButtonElement} */ (byId('sidebar-close')),
    create: /** @type {HTMLButtonElement} */ (byId('sidebar-new')),
    search: /** @type {HTMLInputElement} */ (byId('conversation-search')),
    list: byId('conversation-list'),
    empty: byId('conversation-empty'),
    note: byId('storage-note'),
  },
  { open: openConversation, create: newChat, rename: renameConversation, remove: deleteConversation, exportMarkdown: exportConversation },
  cover,
);

const previews = installPreviews();

/** Opened once; every read and write waits for it (it falls back to memory, never rejects). */
const store = openConversationStore();

const state = {
  connected: false,
  /** @type {Exchange[]} */
  exchanges: [],
  /** @type {Map<string, Exchange>} */
  inFlight: new Map(),
  nextId: 1,
  /** Whether the server answers with a model (then streamed text is Markdown); from /api/health. */
  llm: false,
  /** Whether the reader is at the end of the conversation (see scrollToEnd). */
  followEnd: true,
  /** The open conversation; saved once it has a question. */
  conversation: newConversation(),
  /** @type {Conversation[]} the saved ones, newest first */
  saved: [],
};

const CONNECTION_TEXT = /** @type {Record<ConnectionStatus, string>} */ ({
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  unavailable: 'Server unreachable',
});

/** Unique per page load; crypto.randomUUID needs a secure context, which plain http on a LAN is not. */
const SESSION = Math.random().toString(36).slice(2, 8);

const connection = connect({
  onStatus: showConnection,
  onDelta(id, text) {
    const exchange = state.inFlight.get(id);
    if (!exchange) return;
    exchange.text += text;
    renderStreaming(exchange);
  },
  onReset(id) {
    const exchange = state.inFlight.get(id);
    if (!exchange) return;
    exchange.text = '';
    renderStreaming(exchange);
  },
  onDone(id, answer) {
    const exchange = state.inFlight.get(id);
    if (!exchange) return;
    state.inFlight.delete(id);
    exchange.answer = answer;
    exchange.state = answer.abstained ? 'abstained' : 'done';
    finish(exchange);
  },
  onError(id, message) {
    const exchange = state.inFlight.get(id);
    if (!exchange) return;
    state.inFlight.delete(id);
    exchange.state = message === 'cancelled' ? 'stopped' : 'error';
    exchange.error = message;
    finish(exchange);
  },
  onLost() {
    for (const [id, exchange] of state.inFlight) {
      state.inFlight.delete(id);
      exchange.state = 'error';
      exchange.error = 'the connection to the server was lost';
      finish(exchange);
    }
  },
});

const library = createLibrary({ panel, connection, onChange: showLibrary });

// ---- Connection and mode -------------------------------------------------------------------

/**
 * @param {ConnectionStatus} status
 * @param {string} [detail]
 */
function showConnection(status, detail) {
  const wasConnected = state.connected;
  state.connected = status === 'connected';
  ui.connection.dataset.state = status;
  ui.connectionText.textContent = CONNECTION_TEXT[status];
  ui.connection.title = detail ? `${CONNECTION_TEXT[status]}: ${detail}` : CONNECTION_TEXT[status];
  if (state.connected && !wasConnected) {
    void loadHealth();
    // The papers (and with them the scope and its example questions).
    void library.refresh().catch(() => loadExamples());
  }
  updateComposer();
}

async function loadHealth() {
  try {
    const health = await getJson('/api/health');
    const llm = health.mode === 'llm';
    state.llm = llm;
    ui.mode.dataset.mode = llm ? 'llm' : 'extractive';
    ui.mode.textContent = llm ? `LLM · ${String(health.model ?? 'unknown model')}` : 'Offline · extractive';
    ui.mode.title = llm
      ? `Answers are written by ${String(health.model ?? 'a language model')} from the retrieved passages`
      : 'Answers are assembled from sentences of the papers; no language model is used';
  } catch (error) {
    ui.mode.dataset.mode = 'unknown';
    ui.mode.textContent = 'Mode unknown';
    ui.mode.title = `Could not read /api/health: ${/** @type {Error} */ (error).message}`;
  }
}

/**
 * The papers or the scope changed (at start, after an upload, after a choice in the library):
 * the welcome's paper list, the scope under the question box, and the example questions.
 * @param {import('./library.js').PaperSummary[]} docs
 */
function showLibrary(docs) {
  const passages = docs.reduce((sum, doc) => sum + doc.chunks, 0);
  const titles = docs.slice(0, 3).map((doc) => doc.title);
  ui.library.textContent = `${docs.length.toLocaleString('en')} ${docs.length === 1 ? 'paper' : 'papers'} indexed (${passages.toLocaleString('en')} passages).${titles.length > 0 ? ` ${titles.join('; ')}${docs.length > 3 ? '; …' : ''}` : ''}`;
  const downloads = referenceListDownloads(docs.map((doc) => ({ docId: doc.docId, title: doc.title, references: doc.references })));
  ui.referenceLists.replaceChildren(...(downloads ? [downloads] : []));
  ui.referenceLists.hidden = !downloads;
  const scope = library.docIds();
  const chosen = scope ? docs.filter((doc) => scope.includes(doc.docId)) : docs;
  ui.scopeText.textContent = !scope ? (docs.length === 1 ? 'The indexed paper' : `All ${docs.length} papers`) : chosen.length === 1 ? `Only “${shortTitle(chosen[0].title)}”` : `${chosen.length} of ${docs.length} papers`;
  ui.scope.dataset.scoped = String(Boolean(scope));
  void loadExamples(scope);
}

/** @param {string} title */
function shortTitle(title) {
  return title.length <= 40 ? title : `${title.slice(0, 38).replace(/\s+\S*$/, '')}…`;
}

// ---- Asking --------------------------------------------------------------------------------

/** The conversation so far, as the server takes it: finished exchanges, last turns only. */
function historyForNext() {
  /** @type {ChatTurn[]} */
  const turns = [];
  for (const exchange of state.exchanges) {
    if (!exchange.answer) continue;
    turns.push({ role: 'user', content: exchange.question.slice(0, MAX_TURN_CHARS) });
    turns.push({ role: 'assistant', content: withoutMarkers(exchange.answer.answer).slice(0, MAX_TURN_CHARS) });
  }
  return turns.slice(-HISTORY_TURNS);
}

/**
 * Sends a question. A retry or a regeneration runs in place, with the history the exchange had.
 * @param {string} question
 * @param {Exchange} [again]
 */
function ask(question, again) {
  const text = question.trim();
  if (!text || !state.connected || state.inFlight.size > 0) return;
  const exchange = again ?? createExchange(text, historyForNext(), library.docIds());
  exchange.id = `q-${SESSION}-${state.nextId++}`;
  exchange.text = '';
  exchange.state = 'answering';
  exchange.stopping = false;
  delete exchange.answer;
  delete exchange.error;
  exchange.view.article.dataset.id = exchange.id;
  state.inFlight.set(exchange.id, exchange);
  renderStreaming(exchange);
  // The button pressed (Retry, Regenerate) goes away with the old answer: keep focus on the page.
  if (exchange.view.extra.contains(document.activeElement)) ui.question.focus();
  exchange.view.extra.replaceChildren();
  connection.ask(exchange.id, exchange.question, exchange.history, exchange.docIds);
  saveConversation();
  updateComposer();
  // A new question brings the reader to the end; an answer asked again in place does not.
  scrollToEnd(!again);
}

/**
 * @param {string} question
 * @param {ChatTurn[]} history
 * @param {string[]} [docIds] the papers it is asked of (all when absent); kept for Regenerate
 * @returns {Exchange}
 */
function createExchange(question, history, docIds) {
  const badge = h('p', { className: 'answer-badge' });
  badge.hidden = true;
  const text = h('div', { className: 'answer-text', attrs: { 'aria-live': 'polite', 'aria-busy': 'true' } });
  const extra = h('div', { className: 'answer-extra' });
  const article = h('article', { className: 'message assistant', attrs: { 'aria-label': 'Answer', 'data-state': 'answering' } }, [badge, text, extra]);
  const root = h('li', { className: 'exchange' }, [
    h('div', { className: 'message user', attrs: { 'aria-label': 'Your question' } }, [h('p', { className: 'message-text', text: question }), scopeNote(docIds)]),
    article,
  ]);
  ui.messages.append(root);
  ui.welcome.hidden = true;
  /** @type {Exchange} */
  const exchange = { id: '', question, history, text: '', state: 'answering', stopping: false, ...(docIds ? { docIds } : {}), view: { root, article, badge, text, extra } };
  state.exchanges.push(exchange);
  return exchange;
}

/**
 * "Asked of: Soil microbes over three seasons" under a question asked of some papers only.
 * @param {string[] | undefined} docIds
 */
function scopeNote(docIds) {
  if (!docIds) return null;
  const titles = docIds.map((docId) => library.docs().find((doc) => doc.docId === docId)?.title ?? docId);
  return h('p', { className: 'message-scope', text: `Asked of: ${titles.join('; ')}` });
}

function stopAll() {
  for (const exchange of state.inFlight.values()) {
    exchange.stopping = true;
    connection.cancel(exchange.id);
  }
  ui.stop.disabled = true;
}

function newChat() {
  leaveConversation();
  state.conversation = newConversation();
  writeCurrentId(null);
  sidebar.show(state.saved, null);
  ui.question.value = '';
  resizeQuestion();
  updateComposer();
  ui.question.focus();
}

/**
 * Empties the page for another conversation. What is being answered is stopped, and saved as
 * stopped unless the conversation is being deleted.
 * @param {{ save?: boolean }} [options]
 */
function leaveConversation({ save = true } = {}) {
  for (const exchange of state.inFlight.values()) {
    connection.cancel(exchange.id);
    exchange.state = 'stopped';
    exchange.error = 'cancelled';
  }
  if (save && state.inFlight.size > 0) saveConversation();
  state.inFlight.clear();
  state.exchanges = [];
  ui.messages.replaceChildren();
  ui.welcome.hidden = false;
  panel.hide({ restoreFocus: false });
  updateComposer();
}

// ---- Rendering -----------------------------------------------------------------------------

/** @param {Exchange} exchange */
function renderStreaming(exchange) {
  const { article, badge, text } = exchange.view;
  article.dataset.state = 'answering';
  text.setAttribute('aria-busy', 'true');
  badge.hidden = true;
  fillAnswerText(text, streamablePrefix(exchange.text), { citations: null, onCite: openCitation(exchange), markdown: state.llm });
  scrollToEnd(false);
}

/**
 * An answer ended (done, declined, stopped or failed): show it and save the conversation.
 * @param {Exchange} exchange
 */
function finish(exchange) {
  renderFinished(exchange);
  saveConversation();
}

/** @param {Exchange} exchange */
function renderFinished(exchange) {
  const { article, badge, text, extra } = exchange.view;
  const answer = exchange.answer;
  article.dataset.state = exchange.state;
  text.setAttribute('aria-busy', 'false');
  const badges = /** @type {Record<ExchangeState, string>} */ ({ abstained: 'Not in the papers', stopped: 'Stopped', error: 'Not answered' });
  badge.textContent = badges[exchange.state] ?? '';
  badge.hidden = !badge.textContent;
  const labels = answer ? sourceLabels(answer.citations, answer.references) : new Map();
  if (answer) {
    const citations = new Map(answer.citations.map((citation) => [citation.n, citation]));
    fillAnswerText(text, answer.answer, { citations, labels, onCite: openCitation(exchange), markdown: answer.mode === 'llm' });
  } else {
    // What streamed before a stop or an error stays visible; its markers cannot be opened.
    fillAnswerText(text, streamablePrefix(exchange.text), { citations: null, onCite: openCitation(exchange), markdown: state.llm });
  }
  const sources = answer ? sourcesSection(answer, { labels, onCite: openCitation(exchange), quotes: (n) => quotesFor(text, n) }) : null;
  if (sources && answer && answer.references.length > 0) sources.append(answerReferenceActions(answer.references));
  extra.replaceChildren(
    ...[
      answer?.notice ? h('p', { className: 'notice', attrs: { role: 'note' }, text: answer.notice }) : null,
      sources,
      exchange.error !== undefined ? failure(exchange) : null,
      answer ? h('div', { className: 'answer-footer' }, [answerActions(answer, () => ask(exchange.question, exchange)), h('p', { className: 'answer-meta', text: metaText(answer) })]) : null,
    ].filter((node) => node !== null),
  );
  updateComposer();
  scrollToEnd(false);
}

/** @param {Exchange} exchange */
function failure(exchange) {
  const message = exchange.state === 'stopped' ? 'You stopped this answer.' : `Something went wrong: ${exchange.error}.`;
  const retry = h('button', { className: 'button button-quiet retry', text: 'Retry', attrs: { type: 'button' } });
  retry.addEventListener('click', () => ask(exchange.question, exchange));
  return h('div', { className: 'failure', attrs: { role: exchange.state === 'error' ? 'alert' : 'status' } }, [h('p', { text: message }), retry]);
}

/**
 * Opens a source in the panel with the answer's sentences citing it marked: the marker's own
 * sentence, or (from the source list) every sentence citing that source.
 * @param {Exchange} exchange
 * @returns {(citation: Citation, trigger: HTMLElement) => void}
 */
function openCitation(exchange) {
  return (citation, trigger) => {
    previews.hide();
    const quotes = trigger.matches('button.cite') ? [quoteBefore(trigger)] : quotesFor(exchange.view.text, citation.n);
    panel.open(citation, exchange.answer?.references ?? [], trigger, quotes.filter(Boolean));
  };
}

function updateComposer() {
  const busy = state.inFlight.size > 0;
  ui.send.hidden = busy;
  ui.stop.hidden = !busy;
  ui.stop.disabled = busy && [...state.inFlight.values()].every((exchange) => exchange.stopping);
  ui.send.disabled = !state.connected || ui.question.value.trim().length === 0;
  for (const button of document.querySelectorAll('.example, .retry, .regenerate')) {
    /** @type {HTMLButtonElement} */ (button).disabled = !state.connected || busy;
  }
}

/**
 * Keeps the newest text in view while the reader is at the end of the conversation; once they
 * scroll up to read, new text no longer pulls them down.
 * @param {boolean} force scroll even if the reader has scrolled up (a new question)
 */
function scrollToEnd(force) {
  if (force) state.followEnd = true;
  if (state.followEnd) ui.conversation.scrollTop = ui.conversation.scrollHeight;
}

// The CSS sizes the box to its text where `field-sizing` is supported; elsewhere, do it here.
const sizesItself = typeof CSS !== 'undefined' && CSS.supports('field-sizing', 'content');
function resizeQuestion() {
  if (sizesItself) return;
  ui.question.style.height = 'auto';
  ui.question.style.height = `${Math.min(ui.question.scrollHeight, 200)}px`;
}

// ---- Conversations ---------------------------------------------------------------------

/**
 * @param {Exchange} exchange
 * @returns {StoredExchange}
 */
function storedExchange({ question, history, text, state: exchangeState, answer, error, docIds }) {
  return { question, history, text, state: exchangeState, ...(answer ? { answer } : {}), ...(error !== undefined ? { error } : {}), ...(docIds ? { docIds } : {}) };
}

/** Saves the open conversation as it is now (nothing until it has a question), then lists it. */
function saveConversation() {
  if (state.exchanges.length === 0) return;
  const conversation = state.conversation;
  // Taken now: the page may have moved on to another conversation by the time the store is ready.
  conversation.exchanges = state.exchanges.map(storedExchange);
  conversation.updatedAt = Date.now();
  const record = structuredClone(conversation);
  writeCurrentId(record.id);
  void store.then(async (opened) => {
    try {
      await opened.put(record);
    } catch (error) {
      sidebar.setPersistent(false);
      console.warn(`conversations: not saved (${/** @type {Error} */ (error).message})`);
    }
    await refreshList();
  });
}

async function refreshList() {
  state.saved = await (await store).list();
  const open = state.saved.some((conversation) => conversation.id === state.conversation.id);
  sidebar.show(state.saved, open ? state.conversation.id : null);
}

/** At start: the conversations saved in this browser, and the one open at the last visit. */
async function restoreConversations() {
  const opened = await store;
  sidebar.setPersistent(opened.persistent);
  const saved = await opened.list();
  const last = saved.find((conversation) => conversation.id === readCurrentId());
  // A question asked before the list arrived wins over the conversation of the last visit.
  if (last && state.exchanges.length === 0) showConversation(last);
  await refreshList();
}

/** @param {Conversation} conversation */
function showConversation(conversation) {
  leaveConversation();
  state.conversation = conversation;
  writeCurrentId(conversation.id);
  for (const stored of conversation.exchanges) {
    const exchange = createExchange(stored.question, stored.history, stored.docIds);
    Object.assign(exchange, { text: stored.text, state: stored.state }, stored.answer ? { answer: stored.answer } : {}, stored.error !== undefined ? { error: stored.error } : {});
    if (exchange.state === 'answering') {
      exchange.state = 'error';
      exchange.error = 'the page was closed before this answer finished';
    }
    renderFinished(exchange);
  }
  scrollToEnd(true);
}

/** @param {string} id */
function openConversation(id) {
  const conversation = state.saved.find((saved) => saved.id === id);
  if (!conversation) return;
  showConversation(structuredClone(conversation));
  sidebar.show(state.saved, id);
}

/** @param {string} title empty: back to the first question */
function renameConversation(title) {
  const name = title.replace(/\s+/g, ' ').trim().slice(0, 120);
  state.conversation.title = name;
  state.conversation.renamed = name.length > 0;
  saveConversation();
}

function deleteConversation() {
  const { id } = state.conversation;
  leaveConversation({ save: false });
  state.conversation = newConversation();
  writeCurrentId(null);
  state.saved = state.saved.filter((conversation) => conversation.id !== id);
  sidebar.show(state.saved, null);
  void store.then((opened) => opened.remove(id)).then(refreshList);
  ui.question.focus();
}

function exportConversation() {
  if (state.exchanges.length === 0) return;
  const conversation = { ...state.conversation, exchanges: state.exchanges.map(storedExchange) };
  downloadText(exportFileName(conversation), conversationAsMarkdown(conversation));
}

// ---- Events --------------------------------------------------------------------------------

ui.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  if (!state.connected || state.inFlight.size > 0 || !ui.question.value.trim()) return;
  const question = ui.question.value;
  ui.question.value = '';
  resizeQuestion();
  ask(question);
});

ui.question.addEventListener('keydown', (event) => {
  // Enter sends; Shift+Enter is a new line; Enter that confirms an IME composition is neither.
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    ui.composer.requestSubmit();
  }
});
ui.question.addEventListener('input', () => {
  resizeQuestion();
  updateComposer();
});

ui.stop.addEventListener('click', () => {
  stopAll();
  ui.question.focus();
});
ui.newChat.addEventListener('click', newChat);
for (const button of [ui.libraryOpen, ui.libraryBrowse, ui.scope]) button.addEventListener('click', () => library.open(button));
ui.conversation.addEventListener('scroll', () => {
  const box = ui.conversation;
  state.followEnd = box.scrollHeight - box.scrollTop - box.clientHeight < 48;
});

// Following an in-page link moves the reading position, not always the focus: do both.
document.querySelector('.skip-link')?.addEventListener('click', (event) => {
  event.preventDefault();
  ui.question.focus();
});

let examplesRun = 0;

/**
 * Example questions come from the server, made from whatever papers are indexed (or the ones chosen).
 * @param {string[]} [docIds]
 */
async function loadExamples(docIds) {
  const run = ++examplesRun;
  try {
    const { examples } = await getJson(`/api/examples${docIds ? `?docIds=${docIds.map(encodeURIComponent).join(',')}` : ''}`);
    // A later scope's examples may have been asked for meanwhile.
    if (!Array.isArray(examples) || run !== examplesRun) return;
    ui.examples.replaceChildren();
    for (const text of examples) {
      const button = document.createElement('button');
      button.className = 'example';
      button.type = 'button';
      button.textContent = String(text);
      button.addEventListener('click', () => {
        ask(button.textContent ?? '');
        ui.question.focus();
      });
      const item = document.createElement('li');
      item.append(button);
      ui.examples.append(item);
    }
    ui.examplesTitle.hidden = examples.length === 0;
    updateComposer();
  } catch {
    // Examples are a nicety; the question box works without them.
  }
}

updateComposer();
void restoreConversations();
