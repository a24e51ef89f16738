/**
 * "Export as Markdown": a conversation as one Markdown file. Each answer keeps its `[n]`
 * markers and lists the sources they name right under it (numbers restart with every answer,
 * as they do on the page); the papers' own references cited by all the answers follow at the
 * end, once each, by paper, with their DOIs.
 */
import { referencesByPaper, referenceText, sourceLine } from './answer-export.js';
import { titleOf } from './conversation-store.js';

/**
 * @typedef {import('./conversation-store.js').Conversation} Conversation
 * @typedef {import('./conversation-store.js').StoredExchange} StoredExchange
 * @typedef {import('./render.js').CitedReference} CitedReference
 * @typedef {import('./render.js').Citation} Citation
 */

/**
 * @param {Conversation} conversation
 * @param {Date} [now]
 * @returns {string}
 */
export function conversationAsMarkdown(conversation, now = new Date()) {
  const blocks = [`# ${oneLine(titleOf(conversation))}`, `Exported from PaperChat on ${now.toISOString().slice(0, 10)}. Each answer's [n] markers refer to the sources listed under it.`];
  for (const exchange of conversation.exchanges) blocks.push(...exchangeBlocks(exchange));
  const references = allReferences(conversation);
  if (references.length > 0) {
    blocks.push('## References');
    for (const group of references) {
      blocks.push(`### ${oneLine(group.docTitle)}`, group.references.map((reference) => `- Ref. ${reference.n}: ${referenceText(reference)}`).join('\n'));
    }
  }
  return `${blocks.join('\n\n')}\n`;
}

/** @param {StoredExchange} exchange */
function exchangeBlocks(exchange) {
  const blocks = [`## ${oneLine(exchange.question)}`];
  const answer = exchange.answer;
  if (!answer) {
    const partial = exchange.text.trim();
    if (partial) blocks.push(partial);
    blocks.push(exchange.state === 'stopped' ? '_Stopped before the answer was finished._' : `_Not answered: ${exchange.error ?? 'the answer did not finish'}._`);
    return blocks;
  }
  blocks.push(answer.answer.trim());
  if (answer.notice) blocks.push(`_${answer.notice}_`);
  if (answer.citations.length > 0) blocks.push(`Sources:\n\n${answer.citations.map((citation) => `- ${sourceLine(citation)}`).join('\n')}`);
  return blocks;
}

/**
 * Every answer's references, each once, by paper.
 * @param {Conversation} conversation
 */
function allReferences(conversation) {
  /** @type {Map<string, CitedReference>} */
  const references = new Map();
  /** @type {Citation[]} */
  const citations = [];
  for (const exchange of conversation.exchanges) {
    for (const reference of exchange.answer?.references ?? []) references.set(`${reference.docId}:${reference.n}`, reference);
    citations.push(...(exchange.answer?.citations ?? []));
  }
  const sorted = [...references.values()].sort((a, b) => a.docId.localeCompare(b.docId) || a.n - b.n);
  return referencesByPaper(sorted, citations);
}

/** A Markdown heading ends at the line's end: questions with line breaks become one line. @param {string} text */
function oneLine(text) {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * "paperchat-what-did-destiny-gastric01-show.md"
 * @param {Conversation} conversation
 */
export function exportFileName(conversation) {
  const slug = titleOf(conversation).toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
  return `paperchat-${slug || 'conversation'}.md`;
}

/**
 * Downloads text as a file, from a blob URL (the page's CSP governs what it loads, not what it saves).
 * @param {string} fileName
 * @param {string} text
 */
export function downloadText(fileName, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/markdown;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once it starts; a minute is plenty.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
