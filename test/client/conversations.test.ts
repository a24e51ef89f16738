/**
 * Conversations that last, in Debian's chromium against the real server and the review's real
 * index: saved in the browser (IndexedDB) and restored on reload, listed in the sidebar (new,
 * switch, rename, delete, search), exported as Markdown through a real download, and the list
 * as a drawer on a phone. Screenshots go to test-artifacts/screenshots/ (git-ignored).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Answer } from '../../lib/types.ts';
import { createLlm } from '../../server/rag/llm.ts';
import { ChatBrowser, waitConnected } from '../support/browser.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { buildReviewIndex, REPO, startServer, type ReviewIndex, type RunningServer } from '../support/fixtures.ts';

const SCREENSHOTS = join(REPO, 'test-artifacts', 'screenshots');
const POLL = { timeout: 10_000 };
const FIRST = 'What did DESTINY-Gastric01 show?';
const SECOND = 'What does T-DXd stand for?';
const OTHER = 'What is the capital of France?';

const chat = new ChatBrowser();
let index: ReviewIndex | undefined;
let server: RunningServer;
let fake: FakeOpenAI;
let online: RunningServer;

beforeAll(async () => {
  await chat.launch();
  index = await buildReviewIndex({ PAPERCHAT_RATE_LIMIT: '0' });
  server = await startServer(index.config);
  fake = await startFakeOpenAI();
  online = await startServer(index.config, { llm: createLlm({ apiKey: 'sk-test', baseURL: fake.baseURL, model: 'fake-model', timeoutMs: 10_000 }) });
  await mkdir(SCREENSHOTS, { recursive: true });
});

afterEach(async () => {
  // No console errors, uncaught exceptions or CSP violations.
  expect(await chat.closeAll()).toEqual([]);
});

afterAll(async () => {
  await chat.close();
  await server?.close();
  await online?.close();
  await fake?.close();
  await index?.remove();
});

/** Reloads and waits for the socket; the profile (its IndexedDB) is kept, as `chat.open` gives each page its own. */
async function reload(page: Page): Promise<void> {
  await page.reload();
  await waitConnected(page);
}

/** Asks and waits until `count` answers on the page are finished. */
async function ask(page: Page, question: string, count: number): Promise<void> {
  await page.locator('#question').fill(question);
  await page.locator('#question').press('Enter');
  await expect.poll(() => page.locator('.message.assistant[data-state="done"], .message.assistant[data-state="abstained"]').count(), POLL).toBe(count);
  // Saved when the answer ended: the list shows it with all its questions.
  await expect.poll(() => page.locator('.conversation-item[data-current] .conversation-meta').textContent(), POLL).toMatch(new RegExp(`^${count} questions? · `));
}

async function askOverHttp(question: string): Promise<Answer> {
  const response = await fetch(`${server.url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) });
  return (await response.json()) as Answer;
}

const titles = (page: Page) => page.locator('.conversation-title').allTextContents();
const questions = (page: Page) => page.locator('.message.user .message-text').allTextContents();
const answerTexts = (page: Page) => page.locator('.message.assistant .answer-text').allTextContents();

describe('conversations in the browser', () => {
  test('survive a reload, and are listed, switched, renamed, searched, exported and deleted', async () => {
    const page = await chat.open(server.url);
    await expect.poll(() => page.locator('#conversation-empty').textContent(), POLL).toBe('No conversations yet.');
    await ask(page, FIRST, 1);
    await ask(page, SECOND, 2);
    const shown = await answerTexts(page);

    // A reload opens the same conversation: questions, answers, and citations that still open their passage.
    await reload(page);
    await expect.poll(() => questions(page), POLL).toEqual([FIRST, SECOND]);
    expect(await answerTexts(page)).toEqual(shown);
    expect(await page.locator('#welcome').isHidden()).toBe(true);
    expect(await titles(page)).toEqual([FIRST]);
    await page.locator('.message.assistant').first().locator('button.cite').first().click();
    await page.locator('#panel').waitFor();
    expect(await page.locator('#panel-title').textContent()).toBe('Source 1');
    await page.locator('#panel-close').click();
    await page.screenshot({ path: join(SCREENSHOTS, 'conversations-desktop.png') });

    // A second conversation: New empties the page; its question puts it first in the list.
    await page.locator('#sidebar-new').click();
    expect(await page.locator('.exchange').count()).toBe(0);
    expect(await page.locator('.conversation-item[data-current]').count()).toBe(0);
    await ask(page, OTHER, 1);
    expect(await titles(page)).toEqual([OTHER, FIRST]);

    // Switching brings the first one back, with its answers.
    await page.locator('.conversation-item', { hasText: FIRST }).locator('.conversation-open').click();
    await expect.poll(() => questions(page), POLL).toEqual([FIRST, SECOND]);
    expect(await page.locator('.conversation-item[data-current] .conversation-title').textContent()).toBe(FIRST);

    // Rename: the name is kept across a reload.
    await page.locator('.conversation-item[data-current] .conversation-rename').click();
    const input = page.locator('.conversation-rename-input');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('conversation-rename-input'))).toBe(true);
    await input.fill('Trial results');
    await input.press('Enter');
    await expect.poll(() => titles(page), POLL).toContain('Trial results');
    await reload(page);
    await expect.poll(() => page.locator('.conversation-item[data-current] .conversation-title').textContent(), POLL).toBe('Trial results');
    expect(await questions(page)).toEqual([FIRST, SECOND]);

    // Search finds text in titles, questions and answers.
    const search = page.locator('#conversation-search');
    await search.fill('capital');
    expect(await titles(page)).toEqual([OTHER]);
    await search.fill('trastuzumab deruxtecan');
    expect(await titles(page)).toEqual(['Trial results']);
    await search.fill('zolbetuximab nowhere');
    expect(await titles(page)).toEqual([]);
    expect(await page.locator('#conversation-empty').textContent()).toBe('No conversation matches “zolbetuximab nowhere”.');
    await search.fill('');
    expect((await titles(page)).sort()).toEqual([OTHER, 'Trial results'].sort());

    await exportsMarkdown(page);

    // Delete asks first; then the conversation is gone, also after a reload.
    await page.locator('.conversation-item[data-current] .conversation-delete').click();
    await page.locator('.conversation-delete-cancel').click();
    expect(await page.locator('.conversation-item').count()).toBe(2);
    await page.locator('.conversation-item[data-current] .conversation-delete').click();
    await page.locator('.conversation-delete-confirm').click();
    await expect.poll(() => titles(page), POLL).toEqual([OTHER]);
    expect(await page.locator('.exchange').count()).toBe(0);
    await reload(page);
    await expect.poll(() => titles(page), POLL).toEqual([OTHER]);
    expect(await page.locator('.exchange').count()).toBe(0);
  });

  test('an answer cut off by a reload or by leaving the conversation is kept as not finished, with Retry', async () => {
    fake.onChat = () => ({ kind: 'stream', tokens: ['DESTINY-Gastric01', ' showed', ' longer', ' survival', ' [1].'], delayMs: 300 });
    const page = await chat.open(online.url);
    await page.locator('#question').fill(FIRST);
    await page.locator('#question').press('Enter');
    await page.locator('.message.assistant .answer-text:not(:empty)').waitFor(POLL);
    await reload(page);
    const answer = page.locator('.message.assistant').first();
    await answer.and(page.locator('[data-state="error"]')).waitFor(POLL);
    expect(await answer.locator('.failure').textContent()).toContain('the page was closed before this answer finished');

    // Leaving it for a new conversation while it streams: stopped, and saved so.
    await answer.locator('button.retry').click();
    await answer.locator('.answer-text:not(:empty)').waitFor(POLL);
    expect(await answer.getAttribute('data-state')).toBe('answering');
    await page.locator('#new-chat').click();
    expect(await page.locator('.exchange').count()).toBe(0);
    await expect.poll(() => page.locator('.conversation-item .conversation-meta').textContent(), POLL).toMatch(/^1 question/);
    await page.locator('.conversation-item .conversation-open').click();
    await answer.and(page.locator('[data-state="stopped"]')).waitFor(POLL);
    expect(await answer.locator('.answer-text').textContent()).toMatch(/^DESTINY-Gastric01/);

    fake.onChat = () => ({ kind: 'stream', tokens: ['DESTINY-Gastric01 showed longer survival [1].'] });
    await answer.locator('button.retry').click();
    await answer.and(page.locator('[data-state="done"]')).waitFor(POLL);
    await reload(page);
    await expect.poll(() => page.locator('.message.assistant[data-state="done"] .answer-text').textContent(), POLL).toBe('DESTINY-Gastric01 showed longer survival\u00a01.');
  });

  test('on a phone, the list is a drawer from the top bar over an inert page', async () => {
    const page = await chat.open(server.url, { viewport: { width: 390, height: 844 } });
    await ask(page, FIRST, 1);
    await page.locator('#new-chat').tap();
    await ask(page, OTHER, 1);
    const sidebar = page.locator('#sidebar');
    expect(await sidebar.isHidden()).toBe(true);

    await page.locator('#sidebar-toggle').tap();
    await sidebar.waitFor();
    await page.waitForFunction(() => document.getAnimations().every((animation) => animation.playState !== 'running' || animation.effect?.getTiming().iterations === Infinity));
    const drawer = (await sidebar.boundingBox())!;
    expect(drawer.x).toBe(0);
    expect(drawer.height).toBe(844);
    expect(drawer.width).toBeLessThanOrEqual(390);
    expect(await page.locator('#sidebar-toggle').getAttribute('aria-expanded')).toBe('true');
    expect(await page.locator('#main').evaluate((element) => (element as HTMLElement).inert)).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('conversation-search');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'conversations-phone-drawer.png') });

    // Escape closes it and gives focus back to the button that opened it.
    await page.keyboard.press('Escape');
    await sidebar.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sidebar-toggle');
    expect(await page.locator('#main').evaluate((element) => (element as HTMLElement).inert)).toBe(false);

    // Choosing a conversation opens it and closes the drawer.
    await page.locator('#sidebar-toggle').tap();
    await page.locator('.conversation-item', { hasText: FIRST }).locator('.conversation-open').tap();
    await sidebar.waitFor({ state: 'hidden' });
    await expect.poll(() => questions(page), POLL).toEqual([FIRST]);
    expect(await page.locator('#main').evaluate((element) => (element as HTMLElement).inert)).toBe(false);
    await page.screenshot({ path: join(SCREENSHOTS, 'conversations-phone.png') });
  });
});

/** Export as Markdown, through the browser's download: questions, answers with markers, sources and references. */
async function exportsMarkdown(page: Page): Promise<void> {
  const first = await askOverHttp(FIRST);
  expect(first.references.length).toBeGreaterThan(0);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.conversation-item[data-current] .conversation-export').click()]);
  expect(download.suggestedFilename()).toBe('paperchat-trial-results.md');
  const markdown = await readFile((await download.path())!, 'utf8');
  expect(markdown.startsWith('# Trial results\n')).toBe(true);
  expect(markdown).toContain(`## ${FIRST}\n\n${first.answer}\n`);
  expect(markdown).toContain(`## ${SECOND}\n`);
  for (const citation of first.citations) expect(markdown).toContain(`- [${citation.n}] ${citation.docTitle} — ${citation.section}`);
  const references = markdown.slice(markdown.indexOf('\n## References\n'));
  expect(references.length).toBeGreaterThan(20);
  for (const reference of first.references) {
    expect(references).toContain(`- Ref. ${reference.n}: `);
    expect(references).toContain(reference.title.replace(/\.$/, ''));
    if (reference.doi) expect(references).toContain(`https://doi.org/${reference.doi}`);
  }
}
