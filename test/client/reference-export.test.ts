/**
 * Reference export on the chat page, in Debian's chromium against the real server and the
 * review's real index: an answer's references copied as BibTeX and offered as downloads, and
 * the paper's whole list offered from the start page, all under the page's strict CSP.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Answer } from '../../lib/types.ts';
import { ChatBrowser } from '../support/browser.ts';
import { buildReviewIndex, startServer, type ReviewIndex, type RunningServer } from '../support/fixtures.ts';

const POLL = { timeout: 10_000 };
const QUESTION = 'Which journal published the KEYNOTE-811 trial?';

const chat = new ChatBrowser();
let index: ReviewIndex | undefined;
let server: RunningServer;

beforeAll(async () => {
  await chat.launch();
  index = await buildReviewIndex({ PAPERCHAT_RATE_LIMIT: '0' });
  server = await startServer(index.config);
});

afterEach(async () => {
  // No console errors, uncaught exceptions or CSP violations.
  expect(await chat.closeAll()).toEqual([]);
});

afterAll(async () => {
  await chat.close();
  await server?.close();
  await index?.remove();
});

/**
 * A page on the server (http://127.0.0.1 is a secure context), connected, with the clipboard
 * allowed, in playwright's default 1280×720 window.
 */
const openChat = (): Promise<Page> => chat.open(server.url, { viewport: { width: 1280, height: 720 }, permissions: ['clipboard-read', 'clipboard-write'] });

/** Asks in the page and waits for the answer to finish in `state` ("done", or "abstained" for a decline). */
async function answerInPage(page: Page, question: string, state: 'done' | 'abstained' = 'done') {
  await page.locator('#question').fill(question);
  await page.locator('#question').press('Enter');
  const answer = page.locator('.message.assistant').last();
  await answer.and(page.locator(`[data-state="${state}"]`)).waitFor();
  return answer;
}

describe('reference export on the chat page', () => {
  test('copies an answer\'s references as BibTeX and says so', async () => {
    const expected = (await (await fetch(`${server.url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: QUESTION }) })).json()) as Answer;
    expect(expected.references.map((reference) => reference.n)).toContain(33);
    const page = await openChat();
    const answer = await answerInPage(page, QUESTION);

    await answer.getByRole('button', { name: 'Copy references as BibTeX' }).click();
    await expect.poll(() => answer.locator('.reference-export-status').textContent(), POLL).toBe('Copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain('@article{her2_gastric_cancer_review_33,');
    expect(copied).toContain('doi = {10.1038/s41586-021-04161-3}');
    // Exactly the answer's references, in its order.
    expect([...copied.matchAll(/^@\w+\{her2_gastric_cancer_review_(\d+),$/gm)].map((match) => Number(match[1]))).toEqual(expected.references.map((reference) => reference.n));

    // The same references to download, as BibTeX or RIS, from the server's export endpoint.
    const links = answer.locator('.reference-export a.download');
    expect(await links.allTextContents()).toEqual(['BibTeX', 'RIS']);
    const href = new URL((await links.first().getAttribute('href'))!, server.url);
    expect(href.pathname).toBe('/api/references');
    expect(href.searchParams.get('format')).toBe('bibtex');
    expect(href.searchParams.get('refs')).toBe(expected.references.map((reference) => `${reference.docId}:${reference.n}`).join(','));
    const download = await fetch(href);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="references.bib"');
    expect(await download.text()).toBe(copied);
  });

  test('offers no export under an answer without references', async () => {
    const page = await openChat();
    const answer = await answerInPage(page, 'How do I reverse a list in Python?', 'abstained');
    expect(await answer.locator('.reference-export').count()).toBe(0);
  });

  test('offers the paper\'s whole reference list as BibTeX and RIS from the start page', async () => {
    const page = await openChat();
    const downloads = page.locator('#reference-lists');
    await downloads.waitFor();
    await downloads.locator('summary').click();
    expect(await downloads.locator('li').textContent()).toContain('HER2-positive gastric cancer: from targeted therapy to CAR-T cell therapy (190 references)');
    const links = downloads.locator('a.download');
    expect(await links.allTextContents()).toEqual(['BibTeX', 'RIS']);
    const [bibtex, ris] = await Promise.all((await links.all()).map(async (link) => (await link.getAttribute('href'))!));
    expect(bibtex).toBe('/api/docs/her2-gastric-cancer-review/references?format=bibtex');
    expect(ris).toBe('/api/docs/her2-gastric-cancer-review/references?format=ris');
    // Following the link downloads the file the server names.
    const [file] = await Promise.all([page.waitForEvent('download'), links.last().click()]);
    expect(file.suggestedFilename()).toBe('her2-gastric-cancer-review.ris');
  });
});
