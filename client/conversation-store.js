/**
 * Conversations kept in this browser. IndexedDB rather than localStorage: an answer carries
 * its cited passages and references (several kB each), so a few hundred answers would pass
 * localStorage's ~5 MB, and its synchronous writes would block the page; IndexedDB stores the
 * objects as they are, asynchronously, within a far larger quota. Where IndexedDB is refused
 * (some private windows) conversations live in memory for the page's lifetime and the page says so.
 * Only the id of the open conversation goes to localStorage: a few bytes, read once at start.
 */

/**
 * @typedef {import('./render.js').Answer} Answer
 * @typedef {import('./connection.js').ChatTurn} ChatTurn
 * @typedef {'answering' | 'done' | 'abstained' | 'stopped' | 'error'} ExchangeState
 * @typedef {{ question: string, history: ChatTurn[], text: string, state: ExchangeState,
 *   answer?: Answer, error?: string, docIds?: string[] }} StoredExchange
 *   `docIds`: the papers the question was asked of (all when absent)
 * @typedef {{ id: string, title: string, renamed: boolean, createdAt: number, updatedAt: number,
 *   exchanges: StoredExchange[] }} Conversation
 * @typedef {{ persistent: boolean, list: () => Promise<Conversation[]>,
 *   put: (conversation: Conversation) => Promise<void>, remove: (id: string) => Promise<void> }} ConversationStore
 */

const DATABASE = 'paperchat';
const STORE = 'conversations';
const CURRENT_KEY = 'paperchat.current-conversation';
const TITLE_CHARS = 80;

/** A new, empty conversation (saved once it has a question). */
export function newConversation() {
  const now = Date.now();
  // crypto.randomUUID needs a secure context, which plain http on a LAN is not.
  const id = `c-${now.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  return /** @type {Conversation} */ ({ id, title: '', renamed: false, createdAt: now, updatedAt: now, exchanges: [] });
}

/**
 * A conversation's title: the one given, or else its first question, shortened.
 * @param {Conversation} conversation
 */
export function titleOf(conversation) {
  if (conversation.renamed && conversation.title) return conversation.title;
  const first = conversation.exchanges[0]?.question.replace(/\s+/g, ' ').trim() ?? '';
  return first.length > TITLE_CHARS ? `${first.slice(0, TITLE_CHARS - 1)}…` : first || 'New conversation';
}

/**
 * Whether a search (words, any order, any case) finds a conversation: in its title, its
 * questions or its answers.
 * @param {Conversation} conversation
 * @param {string} query
 */
export function conversationMatches(conversation, query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = [titleOf(conversation), ...conversation.exchanges.flatMap((exchange) => [exchange.question, exchange.answer?.answer ?? exchange.text])].join('\n').toLowerCase();
  return words.every((word) => text.includes(word));
}

/** @returns {Promise<ConversationStore>} */
export async function openConversationStore() {
  try {
    return indexedDbStore(await openDatabase());
  } catch {
    return memoryStore();
  }
}

/** @returns {Promise<IDBDatabase>} */
function openDatabase() {
  const opening = indexedDB.open(DATABASE, 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore(STORE, { keyPath: 'id' });
  return done(opening);
}

/**
 * @template T
 * @param {IDBRequest<T>} request
 * @returns {Promise<T>}
 */
function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('conversations: the browser refused the request'));
  });
}

/**
 * @param {IDBDatabase} database
 * @returns {ConversationStore}
 */
function indexedDbStore(database) {
  /** @param {IDBTransactionMode} mode */
  const store = (mode) => database.transaction(STORE, mode).objectStore(STORE);
  return {
    persistent: true,
    list: async () => byNewest(/** @type {Conversation[]} */ (await done(store('readonly').getAll()))),
    put: async (conversation) => {
      await done(store('readwrite').put(conversation));
    },
    remove: async (id) => {
      await done(store('readwrite').delete(id));
    },
  };
}

/** @returns {ConversationStore} */
function memoryStore() {
  /** @type {Map<string, Conversation>} */
  const kept = new Map();
  return {
    persistent: false,
    list: async () => byNewest([...kept.values()]),
    put: async (conversation) => {
      kept.set(conversation.id, structuredClone(conversation));
    },
    remove: async (id) => {
      kept.delete(id);
    },
  };
}

/** @param {Conversation[]} conversations */
function byNewest(conversations) {
  return conversations.sort((a, b) => b.updatedAt - a.updatedAt);
}

/** The id of the conversation open at the last visit, if the browser kept it. */
export function readCurrentId() {
  try {
    return localStorage.getItem(CURRENT_KEY);
  } catch {
    return null;
  }
}

/** @param {string | null} id */
export function writeCurrentId(id) {
  try {
    if (id) localStorage.setItem(CURRENT_KEY, id);
    else localStorage.removeItem(CURRENT_KEY);
  } catch {
    // Without storage the next visit starts with a new conversation; nothing else depends on it.
  }
}
