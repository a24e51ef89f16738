/**
 * The chat page end to end: the real server over a real index of the review, driven in
 * Debian's chromium. Offline (extractive) answers come from the real answerer; for LLM mode the
 * model is a scripted `Llm` (the interface the server takes), so streaming is slow enough to
 * watch, stop and cut off.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { ChatTurn } from '../../lib/types.ts';
import type { Llm, PromptPassage } from '../../server/rag/llm.ts';
import { ChatBrowser, recordAnswers, waitConnected } from '../support/browser.ts';
import { askOverHttp, buildReviewIndex, REPO, startServer, type ReviewIndex, type RunningServer } from '../support/fixtures.ts';

const ARTIFACTS = join(REPO, 'test-artifacts');
/** Polls may wait for a server round trip on a busy machine. */
const POLL = { timeout: 10_000 };

/** The scripted model's answer, token by token. */
const SCRIPT = [
  'DESTINY',
  '-Gastric01 showed',
  ' that T-DXd',
  ' improved overall survival',
  ' over chemotherapy',
  ' [',
  '1',
  ']',
  '.',
  ' Median overall survival',
  ' was 12.5 versus',
  ' 8.4 months',
  ' [1',
  '][',
  '2',
  '].',
];

/** A model that streams a fixed answer token by token, splitting citation markers. */
class ScriptedLlm implements Llm {
  readonly model = 'scripted-chat-1';
  delayMs = 40;
  failure: Error | undefined;
  tokens = [...SCRIPT];
  readonly answered: { question: string; history: ChatTurn[]; passages: number }[] = [];
  readonly rewrites: { question: string; history: ChatTurn[] }[] = [];
  private gate: { before: number; open: Promise<void> } | undefined;

  async *streamAnswer(question: string, passages: PromptPassage[], history: ChatTurn[], signal: AbortSignal): AsyncIterable<string> {
    this.answered.push({ question, history, passages: passages.length });
    if (this.failure) throw this.failure;
    for (const [i, token] of this.tokens.entries()) {
      if (this.gate?.before === i) await this.gate.open;
      await sleep(this.delayMs, undefined, { signal });
      yield token;
    }
  }

  /** Pauses the next stream before token `before`; returns the function that lets it go on. */
  pauseBefore(before: number): () => void {
    let release = () => {};
    this.gate = { before, open: new Promise<void>((resolve) => (release = resolve)) };
    return release;
  }

  async rewrite(question: string, history: ChatTurn[]): Promise<string> {
    this.rewrites.push({ question, history });
    return question;
  }

  reset(): void {
    this.tokens = [...SCRIPT];
    this.gate = undefined;
    this.delayMs = 40;
    this.failure = undefined;
    this.answered.length = 0;
    this.rewrites.length = 0;
  }
}

const chat = new ChatBrowser();
let index: ReviewIndex | undefined;
let offline: RunningServer;
let online: RunningServer;
const llm = new ScriptedLlm();

beforeAll(async () => {
  await chat.launch();
  index = await buildReviewIndex({ PAPERCHAT_RATE_LIMIT: '0' });
  offline = await startServer(index.config);
  online = await startServer(index.config, { llm });
  await mkdir(ARTIFACTS, { recursive: true });
});

afterEach(async () => {
  const problems = await chat.closeAll();
  llm.reset();
  // No console errors, uncaught exceptions or CSP violations in any test.
  expect(problems).toEqual([]);
});

afterAll(async () => {
  await chat.close();
  await offline?.close();
  await online?.close();
  await index?.remove();
});

/** Types a question into the box and presses Enter. */
async function askInPage(page: Page, question: string): Promise<void> {
  await page.locator('#question').fill(question);
  await page.locator('#question').press('Enter');
}

const lastAnswer = (page: Page) => page.locator('.message.assistant').last();

/** What the page shows for an answer: markers become their bare numbers. */
const shownText = (answer: string) => answer.replace(/\[(\d+)\]/g, '$1');

/** The text of an answer as shown, with the no-break spaces that glue markers read as spaces. */
const answerText = async (page: Page) => (await lastAnswer(page).locator('.answer-text').textContent())?.replace(/\u00a0/g, ' ');

describe('chat page, offline answers', () => {
  test('connects and shows the offline mode, the library and example questions', async () => {
    const page = await chat.open(offline.url);
    await expect.poll(() => page.locator('#mode').textContent(), POLL).toBe('Offline · extractive');
    expect(await page.locator('#mode').getAttribute('data-mode')).toBe('extractive');
    await expect.poll(() => page.locator('#library').textContent(), POLL).toMatch(/^1 paper indexed \(\d+ passages\)\. HER2-positive gastric cancer/);
    // The examples are made from the index, and each one is answered from it.
    const { examples } = (await (await fetch(`${offline.url}/api/examples`)).json()) as { examples: string[] };
    expect(examples.length).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.locator('.example').allTextContents(), POLL).toEqual(examples);
    for (const example of examples) expect((await askOverHttp(offline, example)).abstained, example).toBe(false);
    expect(await page.locator('#send').isDisabled()).toBe(true);
    await page.locator('#question').fill('x');
    expect(await page.locator('#send').isDisabled()).toBe(false);
  });

  test('streams an answer whose citations open the passage and the references it cites', async () => {
    const question = 'What did DESTINY-Gastric01 show?';
    const expected = await askOverHttp(offline, question);
    expect(expected.abstained).toBe(false);
    expect(expected.citations.length).toBeGreaterThan(0);
    const page = await chat.open(offline.url);
    const records = await recordAnswers(page);

    await askInPage(page, question);
    await lastAnswer(page).and(page.locator('[data-state="done"]')).waitFor();

    // It went through "answering" (with the stop button shown) before it was done.
    const states = (await records()).map((record) => record.state);
    expect(states[0]).toBe('answering');
    expect(states.at(-1)).toBe('done');
    expect((await records()).some((record) => record.state === 'answering' && record.stopVisible)).toBe(true);
    // Markers show as numbered buttons, so no bracket (whole or half a marker) is ever on screen.
    expect(expected.answer.replace(/\[\d+\]/g, '')).not.toContain('[');
    for (const record of await records()) expect(record.text).not.toContain('[');

    // The text is the server's answer, with every marker a citation button.
    expect(await answerText(page)).toBe(shownText(expected.answer));
    const markers = [...expected.answer.matchAll(/\[(\d+)\]/g)].map((match) => match[1]);
    const cites = lastAnswer(page).locator('.answer-text button.cite');
    expect(await cites.allTextContents()).toEqual(markers);
    const first = expected.citations.find((citation) => citation.n === 1)!;
    expect(await cites.first().getAttribute('aria-label')).toContain(first.docTitle);
    expect(await page.locator('#question').inputValue()).toBe('');
    expect(await page.locator('#stop').isHidden()).toBe(true);

    // Sources and references are listed under the answer, each reference with its DOI link.
    expect(await lastAnswer(page).locator('.source-link').count()).toBe(expected.citations.length);
    const listed = lastAnswer(page).locator('.sources .reference');
    expect(await listed.count()).toBe(expected.references.length);
    const withDoi = expected.references.find((reference) => reference.doi)!;
    expect(withDoi).toBeDefined();
    expect(await lastAnswer(page).locator(`.sources a.doi[href="https://doi.org/${withDoi.doi}"]`).count()).toBe(1);

    // A citation opens the side panel with the passage and the references it cites.
    await cites.first().click();
    const panel = page.locator('#panel');
    await panel.waitFor();
    expect(await page.locator('#panel-title').textContent()).toBe('Source 1');
    expect(await panel.locator('.passage-doc').textContent()).toBe(first.docTitle);
    expect(await panel.textContent()).toContain(first.section);
    const cited = expected.references.filter((reference) => first.refs.includes(reference.n));
    expect(cited.length).toBeGreaterThan(0);
    // The server's fuller view replaces the first one: a table row shows its cells.
    const passage = await (await fetch(`${offline.url}/api/passages/${first.passageId}`)).json();
    if (passage.table) {
      await panel.locator('.passage-table').waitFor();
      for (const cell of passage.table.cells as string[]) expect(await panel.locator('.passage-table').textContent()).toContain(cell);
    } else {
      expect(await panel.locator('.passage-text').textContent()).toBe(first.text);
    }
    for (const reference of cited) {
      const entry = panel.locator(`.reference[data-ref="${reference.n}"]`);
      expect(await entry.textContent()).toContain(reference.title.replace(/\.$/, ''));
      expect(await entry.textContent()).toContain(reference.journal);
      if (reference.year) expect(await entry.textContent()).toContain(String(reference.year));
      if (reference.doi) {
        const link = entry.locator('a.doi');
        expect(await link.getAttribute('href')).toBe(`https://doi.org/${reference.doi}`);
        expect(await link.getAttribute('target')).toBe('_blank');
        expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
      }
    }
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('panel-close');
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-answer.png') });

    // Escape closes it and gives focus back to the citation.
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.matches('.answer-text button.cite'))).toBe(true);
  });

  test('shows an off-topic question as not in the papers', async () => {
    const question = 'What is the capital of France?';
    const expected = await askOverHttp(offline, question);
    expect(expected.abstained).toBe(true);
    const page = await chat.open(offline.url);
    await askInPage(page, question);
    const answer = lastAnswer(page);
    await answer.and(page.locator('[data-state="abstained"]')).waitFor();
    expect(await answer.locator('.answer-badge').textContent()).toBe('Not in the papers');
    expect(await answer.locator('.answer-text').textContent()).toBe(expected.answer);
    expect(await answer.locator('button.cite, .sources').count()).toBe(0);
  });

  test('shows HTML in a question and in an answer as text, never as markup', async () => {
    const payload = '<img src="x-injected" onerror="window.__injected=1"><script>window.__injected=2</script>';
    // A model that answers with markup: the answer text reaches the page as the model wrote it.
    llm.tokens = ['The model wrote ', payload, ' and cited [1].'];
    const page = await chat.open(online.url);
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));

    await askInPage(page, 'What did DESTINY-Gastric01 show?');
    await lastAnswer(page).and(page.locator('[data-state="done"]')).waitFor();
    expect(await answerText(page)).toBe(`The model wrote ${payload} and cited 1.`);
    const question = `${payload} what is the capital of France?`;
    await askInPage(page, question);
    await lastAnswer(page).and(page.locator('[data-state="abstained"]')).waitFor();
    expect(await page.locator('.message.user .message-text').last().textContent()).toBe(question);
    expect(await page.locator('#messages img, #messages script, #messages [onerror]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
    expect(requested.filter((url) => url.includes('x-injected'))).toEqual([]);
  });

  test('holds back a half-written citation marker while streaming', async () => {
    const page = await chat.open(offline.url);
    // The module the page renders with, as served; a string so the test runner leaves the import alone.
    const results = await page.evaluate(`import('/answer-text.js').then((m) => [
      m.streamablePrefix('Survival improved ['),
      m.streamablePrefix('Survival improved [1'),
      m.streamablePrefix('Survival improved [12'),
      m.streamablePrefix('Survival improved [1]'),
      m.streamablePrefix('Survival improved [1] and ['),
      m.streamablePrefix('A bracket [see text] stays'),
      m.segmentAnswer('Longer [1][2].').map((s) => s.kind === 'marker' ? s.n : s.text),
      m.withoutMarkers('Longer survival [1][2]. Fewer events [3].'),
    ])`);
    expect(results).toEqual([
      'Survival improved ',
      'Survival improved ',
      'Survival improved ',
      'Survival improved [1]',
      'Survival improved [1] and ',
      'A bracket [see text] stays',
      ['Longer ', 1, 2, '.'],
      'Longer survival. Fewer events.',
    ]);
  });

  test('works by keyboard alone', async () => {
    const page = await chat.open(offline.url);
    const focused = () => page.evaluate(() => {
      const element = document.activeElement;
      return element ? `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}.${element.className}` : '';
    });

    // The first Tab reaches the skip link, which leads to the question box.
    await page.keyboard.press('Tab');
    expect(await focused()).toContain('skip-link');
    await page.keyboard.press('Enter');
    expect(await focused()).toContain('textarea#question');

    // Shift+Enter is a new line; Enter sends.
    await page.keyboard.type('What does T-DXd stand for?');
    await page.keyboard.press('Shift+Enter');
    expect(await page.locator('#question').inputValue()).toBe('What does T-DXd stand for?\n');
    expect(await page.locator('.exchange').count()).toBe(0);
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Enter');
    await lastAnswer(page).and(page.locator('[data-state="done"]')).waitFor();

    // From the New chat button, Tab reaches the citation, with a visible focus ring.
    await page.locator('#new-chat').focus();
    let steps = 0;
    while (!(await focused()).startsWith('button.cite') && steps < 10) {
      await page.keyboard.press('Tab');
      steps++;
    }
    expect(await focused()).toBe('button.cite');
    const outline = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement!);
      return { style: style.outlineStyle, width: style.outlineWidth };
    });
    expect(outline.style).not.toBe('none');
    expect(outline.width).not.toBe('0px');

    // Enter opens the panel with focus inside; Tab moves through it; Escape closes it.
    await page.keyboard.press('Enter');
    await page.locator('#panel').waitFor();
    expect(await focused()).toContain('#panel-close');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.getElementById('panel')!.contains(document.activeElement))).toBe(true);
    await page.keyboard.press('Escape');
    await page.locator('#panel').waitFor({ state: 'hidden' });
    expect(await focused()).toBe('button.cite');

    // New chat by keyboard clears the conversation and returns to the question box.
    await page.locator('#new-chat').focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('.exchange').count()).toBe(0);
    expect(await page.locator('#welcome').isVisible()).toBe(true);
    expect(await focused()).toContain('textarea#question');
  });

  test('is usable on a phone-width screen', async () => {
    const width = 390;
    const height = 844;
    const page = await chat.open(offline.url, { viewport: { width, height } });
    const noSideways = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(await noSideways()).toBe(true);

    const box = (await page.locator('#question').boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(width);
    expect(box.y + box.height).toBeLessThanOrEqual(height);
    expect(box.width).toBeGreaterThan(200);

    await page.locator('.example').first().tap();
    await lastAnswer(page).and(page.locator('[data-state="done"]')).waitFor();
    expect(await noSideways()).toBe(true);

    // The panel is a full-width drawer over the page, with its close button in reach.
    await lastAnswer(page).locator('button.cite').first().tap();
    const panel = page.locator('#panel');
    await panel.waitFor();
    await page.waitForFunction(() => document.getAnimations().every((animation) => animation.playState !== 'running' || animation.effect?.getTiming().iterations === Infinity));
    const drawer = (await panel.boundingBox())!;
    expect(drawer.x).toBe(0);
    expect(drawer.width).toBe(width);
    expect(drawer.height).toBe(height);
    expect(await panel.locator('.passage').isVisible()).toBe(true);
    const close = (await page.locator('#panel-close').boundingBox())!;
    expect(close.x + close.width).toBeLessThanOrEqual(width);
    expect(close.width).toBeGreaterThanOrEqual(32);
    // The page behind the drawer is inert: Tab never lands there (past the drawer's last link it leaves the page).
    const landed: string[] = [];
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      landed.push(
        await page.evaluate(() => {
          const active = document.activeElement;
          if (!active || active === document.body) return 'outside the page';
          return document.getElementById('panel')!.contains(active) ? 'drawer' : `behind: ${active.outerHTML.slice(0, 80)}`;
        }),
      );
    }
    expect(landed.filter((where) => where.startsWith('behind'))).toEqual([]);
    expect(landed.filter((where) => where === 'drawer').length).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#main').evaluate((element) => (element as HTMLElement).inert)).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-phone-panel.png') });
    await page.locator('#panel-close').tap();
    await panel.waitFor({ state: 'hidden' });
    expect(await page.locator('#main').evaluate((element) => (element as HTMLElement).inert)).toBe(false);

    // The question box is on top again and takes a follow-up.
    const point = await page.locator('#question').evaluate((element) => {
      const rect = element.getBoundingClientRect();
      return document.elementFromPoint(rect.x + rect.width / 2, rect.y + rect.height / 2) === element;
    });
    expect(point).toBe(true);
    await askInPage(page, 'What does T-DXd stand for?');
    await expect.poll(() => page.locator('.message.assistant[data-state="done"]').count(), POLL).toBe(2);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-phone.png') });
  });
});

describe('chat page, LLM answers (scripted model)', () => {
  const question = 'What did DESTINY-Gastric01 show?';

  test('names the model and streams the answer as it grows, without half markers', async () => {
    const page = await chat.open(online.url);
    await expect.poll(() => page.locator('#mode').textContent(), POLL).toBe('LLM · scripted-chat-1');
    expect(await page.locator('#mode').getAttribute('data-mode')).toBe('llm');
    const records = await recordAnswers(page);

    await askInPage(page, question);
    await page.locator('#stop').waitFor();
    expect(await page.locator('#send').isHidden()).toBe(true);
    await lastAnswer(page).and(page.locator('[data-state="done"]')).waitFor();
    const final = await answerText(page);
    expect(final).toBe('DESTINY-Gastric01 showed that T-DXd improved overall survival over chemotherapy 1. Median overall survival was 12.5 versus 8.4 months 12.');
    expect(await lastAnswer(page).locator('.answer-text button.cite').allTextContents()).toEqual(['1', '1', '2']);

    // Several partial texts were shown, each a prefix of the final one, none with a bracket.
    const partial = [...new Set((await records()).filter((record) => record.state === 'answering' && record.text).map((record) => record.text.replace(/\u00a0/g, ' ')))];
    expect(partial.length).toBeGreaterThanOrEqual(3);
    for (const text of partial) {
      expect(final!.startsWith(text)).toBe(true);
      expect(text).not.toContain('[');
    }
    expect(llm.answered).toHaveLength(1);
    expect(llm.answered[0]!.history).toEqual([]);
  });

  test('keeps a marker split across deltas out of view until whole, and the final answer wins', async () => {
    const release = llm.pauseBefore(9);
    const page = await chat.open(online.url);
    const records = await recordAnswers(page);
    await askInPage(page, question);
    // The first sentence arrives, then the model pauses.
    await expect.poll(() => answerText(page), POLL).toBe('DESTINY-Gastric01 showed that T-DXd improved overall survival over chemotherapy 1.');
    const id = await lastAnswer(page).getAttribute('data-id');
    expect(id).toMatch(/^q-/);

    // Deltas straight from the server's Socket.IO, splitting a marker as a model's tokens may.
    const emitAndSettle = async (text: string) => {
      const before = (await records()).length;
      online.app.io.emit('answer:delta', { id, text });
      await expect.poll(async () => (await records()).length, POLL).toBeGreaterThan(before);
      return (await answerText(page))!;
    };
    expect(await emitAndSettle(' Also [')).toBe('DESTINY-Gastric01 showed that T-DXd improved overall survival over chemotherapy 1. Also ');
    expect(await emitAndSettle('2')).toBe('DESTINY-Gastric01 showed that T-DXd improved overall survival over chemotherapy 1. Also ');
    expect(await emitAndSettle(']')).toBe('DESTINY-Gastric01 showed that T-DXd improved overall survival over chemotherapy 1. Also 2');
    expect(await lastAnswer(page).locator('.answer-text .cite-pending').allTextContents()).toEqual(['1', '2']);
    for (const record of await records()) expect(record.text).not.toContain('[');

    // answer:done is authoritative: the injected words are gone, the citations are live.
    release();
    await lastAnswer(page).and(page.locator('[data-state="done"]')).waitFor();
    expect(await answerText(page)).toBe('DESTINY-Gastric01 showed that T-DXd improved overall survival over chemotherapy 1. Median overall survival was 12.5 versus 8.4 months 12.');
    expect(await lastAnswer(page).locator('.answer-text .cite-pending').count()).toBe(0);
    expect(await lastAnswer(page).locator('.answer-text button.cite').allTextContents()).toEqual(['1', '1', '2']);
  });

  test('sends the conversation as history for follow-ups, and New chat clears it', async () => {
    llm.delayMs = 5;
    const page = await chat.open(online.url);
    await askInPage(page, question);
    await lastAnswer(page).and(page.locator('[data-state="done"]')).waitFor();
    const follow = 'What was the median overall survival?';
    await askInPage(page, follow);
    await expect.poll(() => page.locator('.message.assistant:not([data-state="answering"])').count(), POLL).toBe(2);

    expect(llm.rewrites).toHaveLength(1);
    expect(llm.rewrites[0]).toEqual({
      question: follow,
      history: [
        { role: 'user', content: question },
        { role: 'assistant', content: 'DESTINY-Gastric01 showed that T-DXd improved overall survival over chemotherapy. Median overall survival was 12.5 versus 8.4 months.' },
      ],
    });

    await page.locator('#new-chat').click();
    expect(await page.locator('.exchange').count()).toBe(0);
    await askInPage(page, 'What median PFS did JACOB report?');
    await lastAnswer(page).and(page.locator('[data-state="done"]')).waitFor();
    expect(llm.rewrites).toHaveLength(1);
    expect(llm.answered.at(-1)!.history).toEqual([]);
  });

  test('stops a streaming answer, then retries it in place', async () => {
    llm.delayMs = 250;
    const page = await chat.open(online.url);
    await askInPage(page, question);
    await lastAnswer(page).locator('.answer-text:not(:empty)').waitFor();
    await page.locator('#stop').click();
    const answer = lastAnswer(page);
    await answer.and(page.locator('[data-state="stopped"]')).waitFor();
    expect(await answer.locator('.answer-badge').textContent()).toBe('Stopped');
    // Text shows as it streams: what arrived before the stop stays.
    expect(await answer.locator('.answer-text').textContent()).toMatch(/^DESTINY/);
    expect(await page.locator('#stop').isHidden()).toBe(true);
    expect(await page.locator('#send').isVisible()).toBe(true);

    llm.delayMs = 5;
    await answer.locator('button.retry').click();
    await answer.and(page.locator('[data-state="done"]')).waitFor();
    expect(await page.locator('.exchange').count()).toBe(1);
    expect(await answer.locator('.answer-text button.cite').count()).toBe(3);
    expect(await answer.locator('.answer-badge').isHidden()).toBe(true);
  });

  test('reports a lost connection with a retry button', async () => {
    llm.delayMs = 250;
    const page = await chat.open(online.url);
    await askInPage(page, question);
    await lastAnswer(page).locator('.answer-text:not(:empty)').waitFor();
    online.app.io.disconnectSockets(true);

    const answer = lastAnswer(page);
    await answer.and(page.locator('[data-state="error"]')).waitFor();
    expect(await answer.locator('.answer-badge').textContent()).toBe('Not answered');
    expect(await answer.locator('.failure').textContent()).toContain('the connection to the server was lost');
    await waitConnected(page);

    llm.delayMs = 5;
    await answer.locator('button.retry').click();
    await answer.and(page.locator('[data-state="done"]')).waitFor();
    expect(await answer.locator('.answer-text button.cite').count()).toBe(3);
  });

  test('shows the notice when the model fails and the answer is made offline', async () => {
    llm.failure = new Error('model exploded');
    const page = await chat.open(online.url);
    await askInPage(page, question);
    const answer = lastAnswer(page);
    await answer.and(page.locator('[data-state="done"]')).waitFor();
    expect(await answer.locator('.notice').textContent()).toBe('LLM unavailable (model exploded), answered offline');
    expect(await answer.locator('.answer-meta').textContent()).toMatch(/^Extractive answer · \d+ ms$/);
    expect(await answer.locator('.answer-text button.cite').count()).toBeGreaterThan(0);
  });
});
