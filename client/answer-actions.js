/**
 * Under every finished answer: "Copy" (the answer with its markers, sources and references, as
 * text) and "Regenerate" (the same question with the same history, answered again in place).
 */
import { answerAsText } from './answer-export.js';
import { copyText } from './reference-export.js';
import { h } from './render.js';

/**
 * @param {import('./render.js').Answer} answer
 * @param {() => void} regenerate
 */
export function answerActions(answer, regenerate) {
  const status = h('span', { className: 'answer-actions-status', attrs: { role: 'status' } });
  const copy = /** @type {HTMLButtonElement} */ (h('button', { className: 'button button-quiet answer-copy', text: 'Copy', attrs: { type: 'button', title: 'Copy the answer with its citation numbers and sources' } }));
  copy.addEventListener('click', async () => {
    try {
      await copyText(Promise.resolve(answerAsText(answer)));
      status.textContent = 'Copied';
    } catch (error) {
      status.textContent = `Not copied: ${/** @type {Error} */ (error).message}`;
    }
  });
  const again = h('button', { className: 'button button-quiet regenerate', text: 'Regenerate', attrs: { type: 'button', title: 'Ask this question again and replace the answer' } });
  again.addEventListener('click', regenerate);
  return h('div', { className: 'answer-actions' }, [copy, again, status]);
}
