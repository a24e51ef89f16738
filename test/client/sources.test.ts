/**
 * Sources at a glance, in Debian's chromium against the real server over a real index (the
 * review and a two-page PDF made here): each source labelled by what it is, a preview of the
 * cited sentence on every marker (hover and keyboard), the cited sentence marked and scrolled
 * to in the source panel (offline answers quote it; a model's paraphrase finds it by overlap),
 * and a table row shown as header → cell. Desktop and phone widths; screenshots go to
 * test-artifacts/screenshots/ (git-ignored).
 */
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildIndex } from '../../ingest/build.ts';
import { loadConfig, type Config } from '../../lib/config.ts';
import { splitSentences } from '../../lib/text.ts';
import type { ChatTurn } from '../../lib/types.ts';
import type { Llm, PromptPassage } from '../../server/rag/llm.ts';
import { askAndWait, ChatBrowser } from '../support/browser.ts';
import { makeFindingPdf } from '../support/finding-pdf.ts';
import { askOverHttp, REPO, startServer, tempDir, type RunningServer } from '../support/fixtures.ts';

const SCREENSHOTS = join(REPO, 'test-artifacts', 'screenshots');
const POLL = { timeout: 10_000 };
const FINDING = 'Plots treated with the Quillwort inoculant yielded 17.4% more barley than untreated plots.';
const PHONE = { width: 390, height: 844 };

/**
 * A model that paraphrases the last sentence of its longest passage and cites it: the page
 * must find that sentence by word overlap, since the words are not the passage's own.
 */
class ParaphrasingLlm implements Llm {
  readonly model = 'paraphrase-1';
  target = '';

  async *streamAnswer(_question: string, passages: PromptPassage[], _history: ChatTurn[], signal: AbortSignal): AsyncIterable<string> {
    // A paragraph (table rows and reference entries are one sentence each).
    const paragraphs = passages.filter((passage) => !/ — (?:Table \S+|References)\b/.test(passage.source));
    const passage = [...paragraphs].sort((a, b) => splitSentences(b.text).length - splitSentences(a.text).length)[0]!;
    const sentences = splitSentences(passage.text);
    this.target = sentences[sentences.length - 1]!.text.trim();
    const words = this.target.replace(/[.!?]+$/, '').split(/\s+/);
    // Every fourth word left out and a lead-in added: no run of it is in the passage verbatim past a few words.
    const paraphrase = `In short, ${words.filter((_, i) => i % 4 !== 3).join(' ')}`;
    for (const token of [paraphrase, ` [${passage.n}]`, '.']) {
      await sleep(5, undefined, { signal });
      yield token;
    }
  }

  async rewrite(question: string): Promise<string> {
    return question;
  }
}

const chat = new ChatBrowser();
let root: { path: string; remove: () => Promise<void> } | undefined;
let offline: RunningServer;
let online: RunningServer;
const llm = new ParaphrasingLlm();

beforeAll(async () => {
  await chat.launch();
  root = await tempDir();
  const corpusDir = join(root.path, 'corpus');
  const indexDir = join(root.path, 'index');
  await cp(join(REPO, 'corpus'), corpusDir, { recursive: true });
  await writeFile(join(corpusDir, 'soil-microbes.pdf'), await makeFindingPdf({ title: 'Soil microbes over three seasons', finding: FINDING, caption: 'Barley yield of the Glimmerfield plots in each of the three seasons.' }));
  const config: Config = loadConfig({ PAPERCHAT_CORPUS_DIR: corpusDir, PAPERCHAT_INDEX_DIR: indexDir, PAPERCHAT_LOG: 'silent', PAPERCHAT_RATE_LIMIT: '0' });
  const report = await buildIndex({ corpusDir, indexDir, maxFileBytes: config.maxFileBytes, embedder: { kind: 'local' } });
  expect(report.failed).toEqual([]);
  offline = await startServer(config);
  online = await startServer(config, { llm });
  await mkdir(SCREENSHOTS, { recursive: true });
});

afterEach(async () => {
  // No console errors, uncaught exceptions or CSP violations in any test.
  expect(await chat.closeAll()).toEqual([]);
});

afterAll(async () => {
  await chat.close();
  await offline?.close();
  await online?.close();
  await root?.remove();
});

const labelsOf = (answer: ReturnType<Page['locator']>) => answer.locator('.source-label').allTextContents();

describe('sources at a glance', () => {
  test('labels every source by what it is: table row, section and page, reference entry, figure', async () => {
    const page = await chat.open(offline.url);

    // A whole table: 19 rows, two of them the same trial (JACOB), all told apart.
    const table = await askOverHttp(offline, 'What does Table 1 show?');
    const rows = table.citations.filter((citation) => citation.kind === 'table-row');
    expect(rows.length).toBeGreaterThanOrEqual(4);
    const labels = await labelsOf(await askAndWait(page, 'What does Table 1 show?'));
    expect(labels.length).toBe(table.citations.length);
    expect(new Set(labels).size).toBe(labels.length);
    for (const label of labels) expect(label).toMatch(/^Table 1 · \S/);
    expect(labels).toContain('Table 1 · TOGA');
    expect(labels.filter((label) => label.startsWith('Table 1 · JACOB · '))).toHaveLength(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'sources-table-labels-desktop.png') });

    const trial = await labelsOf(await askAndWait(page, 'What did DESTINY-Gastric01 show?'));
    expect(trial).toContain('Table 1 · DESTINY-Gastric01 (NCT03329690)');
    expect(trial).toContain('§3.2.2 T-DXd');

    const reference = await labelsOf(await askAndWait(page, 'Which reference reports the ToGA trial?'));
    // The entry, perhaps beside the sentence citing it: what is checked here is its label.
    expect(reference).toContain('Ref. 25 · Bang 2010');

    // The PDF has pages: a paragraph says its section and page, a caption its figure and page.
    const finding = await labelsOf(await askAndWait(page, 'What yield gain did plots treated with the Quillwort inoculant show?'));
    expect(finding[0]).toBe('§2 Results · p. 1');
    const figure = await labelsOf(await askAndWait(page, 'Which figure shows barley yield of the Glimmerfield plots?'));
    expect(figure).toContain('Fig. 1 · p. 2');
    await page.screenshot({ path: join(SCREENSHOTS, 'sources-labels-desktop.png') });
  });

  test('previews the cited sentence on hover and on keyboard focus, and Escape dismisses it', async () => {
    const page = await chat.open(offline.url);
    const expected = await askOverHttp(offline, 'What yield gain did plots treated with the Quillwort inoculant show?');
    const answer = await askAndWait(page, 'What yield gain did plots treated with the Quillwort inoculant show?');
    const marker = answer.locator('.answer-text button.cite').first();
    const preview = page.locator('#cite-preview');
    expect(await marker.getAttribute('title')).toBeNull();

    await marker.hover();
    await preview.waitFor();
    expect(await preview.locator('.cite-preview-label').textContent()).toBe('§2 Results · p. 1');
    expect(await preview.locator('.cite-preview-quote').textContent()).toBe(FINDING);
    expect(await preview.textContent()).not.toContain('The effect was similar');
    expect(await marker.getAttribute('aria-describedby')).toBe('cite-preview');
    await page.screenshot({ path: join(SCREENSHOTS, 'sources-preview-desktop.png') });
    await page.mouse.move(5, 5);
    await preview.waitFor({ state: 'hidden' });

    // Keyboard: Tab from the answer's text reaches the marker and shows the preview; Escape hides it, focus stays.
    await answer.locator('.answer-text').click({ position: { x: 2, y: 2 } });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.matches('.answer-text button.cite'))).toBe(true);
    await preview.waitFor();
    expect(await preview.textContent()).toContain(expected.citations[0]!.text.slice(0, 40));
    await page.keyboard.press('Escape');
    await preview.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.matches('.answer-text button.cite'))).toBe(true);
    expect(await marker.getAttribute('aria-describedby')).toBeNull();
  });

  test('marks the quoted sentence inside its passage and scrolls it into view', async () => {
    const page = await chat.open(offline.url);
    const answer = await askAndWait(page, 'What yield gain did plots treated with the Quillwort inoculant show?');
    await answer.locator('.answer-text button.cite').first().click();
    const panel = page.locator('#panel');
    await panel.waitFor();
    const mark = panel.locator('.passage-text .cited-sentence');
    await expect.poll(() => mark.count(), POLL).toBe(1);
    expect(await mark.textContent()).toBe(FINDING);
    // The rest of the passage is still there around it.
    expect(await panel.locator('.passage-text').textContent()).toContain('The effect was similar on clay and sandy plots');
    await expectInView(page, mark);
    await page.screenshot({ path: join(SCREENSHOTS, 'sources-highlight-desktop.png') });
  });

  test("finds a model's paraphrased sentence by overlap and marks it", async () => {
    const page = await chat.open(online.url);
    const answer = await askAndWait(page, 'What did DESTINY-Gastric01 show?');
    expect(llm.target.length).toBeGreaterThan(20);
    await answer.locator('.answer-text button.cite').first().click();
    const mark = page.locator('#panel .passage-text .cited-sentence');
    await expect.poll(() => mark.count(), POLL).toBe(1);
    expect((await mark.textContent())?.trim()).toBe(llm.target);
    await expectInView(page, mark);
  });

  test('shows a table row as header → cell, with the cells the answer names marked', async () => {
    const page = await chat.open(offline.url);
    const expected = await askOverHttp(offline, 'Which ADCs are in Table 2?');
    const first = expected.citations[0]!;
    expect(first.kind).toBe('table-row');
    expect(first.table?.cells.length).toBeGreaterThan(3);
    const answer = await askAndWait(page, 'Which ADCs are in Table 2?');
    const labels = await labelsOf(answer);
    expect(labels[0]).toBe(`Table 2 · ${first.table!.cells[0]}`);
    expect(new Set(labels).size).toBe(labels.length);

    await answer.locator('.source-link').first().click();
    const table = page.locator('#panel .passage-table table');
    await table.waitFor();
    expect(await page.locator('#panel .passage-text').count()).toBe(0);
    const pairs = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')?.textContent, tr.querySelector('td')?.textContent]));
    expect(pairs).toEqual(first.table!.header.map((heading, i) => [heading, first.table!.cells[i]]).filter(([, cell]) => cell));
    expect(await table.locator('caption').textContent()).toContain(first.table!.caption);
    expect(await table.locator('tr.cited-cell td').first().textContent()).toBe(first.table!.cells[0]);
    await page.screenshot({ path: join(SCREENSHOTS, 'sources-table-row-desktop.png') });
  });

  test('works on a phone-width screen: labels, a preview inside the screen, the marked sentence in the drawer', async () => {
    const page = await chat.open(offline.url, { viewport: PHONE });
    const answer = await askAndWait(page, 'What yield gain did plots treated with the Quillwort inoculant show?');
    expect((await labelsOf(answer))[0]).toBe('§2 Results · p. 1');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    await answer.locator('.answer-text').click({ position: { x: 2, y: 2 } });
    await page.keyboard.press('Tab');
    const preview = page.locator('#cite-preview');
    await preview.waitFor();
    const box = (await preview.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: join(SCREENSHOTS, 'sources-preview-phone.png') });

    await answer.locator('.answer-text button.cite').first().tap();
    const mark = page.locator('#panel .passage-text .cited-sentence');
    await expect.poll(() => mark.count(), POLL).toBe(1);
    expect(await mark.textContent()).toBe(FINDING);
    await expectInView(page, mark);
    expect(await preview.isHidden()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'sources-highlight-phone.png'), animations: 'disabled' });
  });
});

/** The element is inside the source panel's visible area. */
async function expectInView(page: Page, element: ReturnType<Page['locator']>): Promise<void> {
  const body = (await page.locator('#panel-body').boundingBox())!;
  const box = (await element.boundingBox())!;
  expect(box.y).toBeGreaterThanOrEqual(body.y - 1);
  expect(box.y + Math.min(box.height, 40)).toBeLessThanOrEqual(body.y + body.height + 1);
}
