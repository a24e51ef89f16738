/**
 * The conversation list: search, open one, start a new one, and for the open conversation
 * rename, export as Markdown and delete (after a confirmation). A column beside the chat on wide
 * screens; at 1024px and below a drawer from the top bar's button, covering the page as the
 * source panel does on phones.
 */
import { conversationMatches, titleOf } from './conversation-store.js';
import { h } from './render.js';

/**
 * @typedef {import('./conversation-store.js').Conversation} Conversation
 * @typedef {{ open: (id: string) => void, create: () => void, rename: (title: string) => void,
 *   remove: () => void, exportMarkdown: () => void }} SidebarActions
 * @typedef {{ sidebar: HTMLElement, layout: HTMLElement, toggle: HTMLButtonElement,
 *   close: HTMLButtonElement, create: HTMLButtonElement, search: HTMLInputElement,
 *   list: HTMLElement, empty: HTMLElement, note: HTMLElement }} SidebarElements
 */

/**
 * @param {SidebarElements} elements
 * @param {SidebarActions} actions
 * @param {(drawer: HTMLElement, covers: boolean) => void} cover
 */
export function createSidebar(elements, actions, cover) {
  const view = { conversations: /** @type {Conversation[]} */ ([]), currentId: /** @type {string | null} */ (null), editing: /** @type {'rename' | 'delete' | null} */ (null) };

  /** Renders the list again; a name being typed and the focus survive (a save re-renders it). */
  function render() {
    const query = elements.search.value.trim();
    const shown = view.conversations.filter((conversation) => conversationMatches(conversation, query));
    const typing = /** @type {HTMLInputElement | null} */ (elements.list.querySelector('.conversation-rename-input'));
    const focused = focusedControl();
    elements.list.replaceChildren(...shown.map((conversation) => item(conversation)));
    const input = /** @type {HTMLInputElement | null} */ (elements.list.querySelector('.conversation-rename-input'));
    if (typing && input) input.value = typing.value;
    if (focused) /** @type {HTMLElement | null} */ (elements.list.querySelector(`[data-id="${CSS.escape(focused.id)}"] .${focused.control}`))?.focus();
    elements.empty.hidden = shown.length > 0;
    elements.empty.textContent = view.conversations.length === 0 ? 'No conversations yet.' : `No conversation matches “${query}”.`;
  }

  /** Which item and which of its controls (by its conversation-… class) has the focus, if any. */
  function focusedControl() {
    const active = document.activeElement;
    if (!active || !elements.list.contains(active)) return null;
    const id = active.closest('[data-id]')?.getAttribute('data-id');
    const control = [...active.classList].find((name) => name.startsWith('conversation-'));
    return id && control ? { id, control } : null;
  }

  /** @param {Conversation} conversation */
  function item(conversation) {
    const current = conversation.id === view.currentId;
    const open = h('button', { className: 'conversation-open', attrs: { type: 'button', ...(current ? { 'aria-current': 'true' } : {}) } }, [
      h('span', { className: 'conversation-title', text: titleOf(conversation) }),
      h('span', { className: 'conversation-meta', text: metaText(conversation) }),
    ]);
    open.addEventListener('click', () => {
      setOpen(false, false);
      if (!current) actions.open(conversation.id);
    });
    const head = current && view.editing === 'rename' ? renameForm(titleOf(conversation), { save: rename, cancel: () => edit(null, '.conversation-rename') }) : open;
    const tail = !current
      ? null
      : view.editing === 'delete'
        ? deleteConfirmation({ confirm: remove, cancel: () => edit(null, '.conversation-delete') })
        : itemActions({
            rename: () => edit('rename', '.conversation-rename-input'),
            exportMarkdown: () => actions.exportMarkdown(),
            remove: () => edit('delete', '.conversation-delete-cancel'),
          });
    return h('li', { className: 'conversation-item', attrs: { 'data-id': conversation.id, ...(current ? { 'data-current': 'true' } : {}) } }, [head, tail]);
  }

  /** @param {string} name */
  function rename(name) {
    view.editing = null;
    actions.rename(name);
    render();
    focusIn('.conversation-rename');
  }

  function remove() {
    view.editing = null;
    actions.remove();
  }

  /**
   * @param {'rename' | 'delete' | null} mode
   * @param {string} focus what to focus in the open conversation's item afterwards
   */
  function edit(mode, focus) {
    view.editing = mode;
    render();
    focusIn(focus);
  }

  /** @param {string} selector */
  function focusIn(selector) {
    const element = /** @type {HTMLElement | null} */ (elements.list.querySelector(`[data-current] ${selector}`));
    element?.focus();
    if (element instanceof HTMLInputElement) element.select();
  }

  const setOpen = drawerControl(elements, cover);
  elements.create.addEventListener('click', () => {
    setOpen(false, false);
    actions.create();
  });
  elements.search.addEventListener('input', render);

  return {
    /**
     * Shows the saved conversations, marking the open one (null: a new one not saved yet).
     * @param {Conversation[]} conversations newest first
     * @param {string | null} currentId
     */
    show(conversations, currentId) {
      if (currentId !== view.currentId) view.editing = null;
      view.conversations = conversations;
      view.currentId = currentId;
      render();
    },
    /** @param {boolean} persistent whether conversations outlive the page */
    setPersistent(persistent) {
      elements.note.textContent = persistent ? 'Saved in this browser only.' : 'This browser does not let the page save conversations; they last until you close it.';
    },
  };
}

/**
 * "3 questions · 14 Mar"
 * @param {Conversation} conversation
 */
function metaText(conversation) {
  const count = conversation.exchanges.length;
  const date = new Date(conversation.updatedAt).toLocaleDateString('en', { day: 'numeric', month: 'short' });
  return `${count} ${count === 1 ? 'question' : 'questions'} · ${date}`;
}

/**
 * The list as a drawer at narrow widths: opened by the top bar's button, closed by its own
 * button, Escape or choosing a conversation. Returns the function that opens or closes it.
 * @param {SidebarElements} elements
 * @param {(drawer: HTMLElement, covers: boolean) => void} cover
 * @returns {(open: boolean, restoreFocus?: boolean) => void}
 */
function drawerControl(elements, cover) {
  // Must match the stylesheet's breakpoint, where the list becomes a drawer.
  const drawer = window.matchMedia('(max-width: 1024px)');
  const isOpen = () => elements.layout.classList.contains('sidebar-open');
  /** @param {boolean} open @param {boolean} [restoreFocus] give focus back to the top bar's button */
  function setOpen(open, restoreFocus = true) {
    const wasOpen = isOpen();
    elements.layout.classList.toggle('sidebar-open', open);
    elements.toggle.setAttribute('aria-expanded', String(open));
    cover(elements.sidebar, drawer.matches && open);
    if (open && !wasOpen) elements.search.focus();
    if (!open && wasOpen && restoreFocus && drawer.matches) elements.toggle.focus();
  }
  elements.toggle.addEventListener('click', () => setOpen(!isOpen()));
  elements.close.addEventListener('click', () => setOpen(false));
  elements.sidebar.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !drawer.matches || !isOpen()) return;
    // The source panel's Escape (on the document) is not for this.
    event.preventDefault();
    event.stopPropagation();
    setOpen(false);
  });
  // Wide again: the list is a column, not a drawer that could be left covering the page.
  drawer.addEventListener('change', () => setOpen(false, false));
  return setOpen;
}

/**
 * Rename · Export · Delete, for the open conversation.
 * @param {{ rename: () => void, exportMarkdown: () => void, remove: () => void }} on
 */
function itemActions(on) {
  /** @param {string} className @param {string} text @param {string} name @param {() => void} onClick */
  const button = (className, text, name, onClick) => {
    const element = h('button', { className: `button button-quiet button-small ${className}`, text, attrs: { type: 'button', 'aria-label': name, title: name } });
    element.addEventListener('click', onClick);
    return element;
  };
  return h('div', { className: 'conversation-actions' }, [
    button('conversation-rename', 'Rename', 'Rename this conversation', on.rename),
    button('conversation-export', 'Export', 'Export as Markdown', on.exportMarkdown),
    button('conversation-delete', 'Delete', 'Delete this conversation', on.remove),
  ]);
}

/**
 * @param {string} name the name shown now
 * @param {{ save: (name: string) => void, cancel: () => void }} on
 */
function renameForm(name, on) {
  const input = /** @type {HTMLInputElement} */ (h('input', { className: 'conversation-rename-input', attrs: { type: 'text', maxlength: '120', 'aria-label': 'Conversation name' } }));
  input.value = name;
  const form = h('form', { className: 'conversation-rename-form' }, [
    input,
    h('button', { className: 'button button-quiet button-small conversation-rename-save', text: 'Save', attrs: { type: 'submit' } }),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    on.save(input.value);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    // Escape leaves the name as it was; it does not also close the drawer.
    event.preventDefault();
    event.stopPropagation();
    on.cancel();
  });
  return form;
}

/** @param {{ confirm: () => void, cancel: () => void }} on */
function deleteConfirmation(on) {
  const yes = h('button', { className: 'button button-danger button-small conversation-delete-confirm', text: 'Delete', attrs: { type: 'button' } });
  const no = h('button', { className: 'button button-quiet button-small conversation-delete-cancel', text: 'Cancel', attrs: { type: 'button' } });
  yes.addEventListener('click', on.confirm);
  no.addEventListener('click', on.cancel);
  return h('div', { className: 'conversation-confirm', attrs: { role: 'group', 'aria-label': 'Delete this conversation?' } }, [h('span', { text: 'Delete this conversation?' }), yes, no]);
}
