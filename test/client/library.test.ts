/**
 * The library in the page, in Debian's chromium against the real server over a real index:
 * the papers with their authors, sections and references (DOIs); choosing which papers a
 * question may use (sent as docIds, honoured by the answers, kept across a reload, examples
 * following it); and adding a paper from the page (a PDF made here, dropped or picked, through
 * the real ingest, then asked about). On a server bound beyond loopback the page says upload
 * is off, or asks for the admin token. Desktop and phone; screenshots in test-artifacts/screenshots/.
 */
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildIndex } from '../../ingest/build.ts';
import { loadConfig, type Config } from '../../lib/config.ts';
import type { Answer, Reference } from '../../lib/types.ts';
import { askAndWait, ChatBrowser, waitConnected } from '../support/browser.ts';
import { makeFindingPdf } from '../support/finding-pdf.ts';
import { REPO, startServer, tempDir, type RunningServer } from '../support/fixtures.ts';
import { nonLoopbackAddress, startServerOn } from '../support/network.ts';

const SCREENSHOTS = join(REPO, 'test-artifacts', 'screenshots');
const POLL = { timeout: 15_000 };
const REVIEW = 'her2-gastric-cancer-review';
const NOTES = 'zeta-trial-notes';
const NOTES_TEXT = `# Notes on the ZETA trial

Mira Okonkwo and Tomas Lind

## 1 Design

The ZETA trial enrolled 212 patients with advanced gastric cancer across nine centres.

## 2 Results

In the ZETA trial, the median overall survival was 14.2 months with the study drug.
`;
const TOKEN = 'test-admin-token-0123456789';
const UPLOAD_QUESTION = 'What yield gain did plots treated with the Quillwort inoculant show?';
const FINDING = 'Plots treated with the Quillwort inoculant yielded 17.4% more barley than untreated plots.';

const chat = new ChatBrowser();
const roots: { remove: () => Promise<void> }[] = [];
const servers: RunningServer[] = [];

beforeAll(async () => {
  await chat.launch();
  await mkdir(SCREENSHOTS, { recursive: true });
});

afterEach(async () => {
  const problems = await chat.closeAll();
  // No console errors, uncaught exceptions or CSP violations in any test; the refusals the
  // tests provoke on purpose are logged by chromium as failed loads.
  // Over plain HTTP to a non-loopback address chromium also notes that it ignores helmet's COOP header.
  const expected = /Failed to load resource: the server responded with a status of (401|403|409)\b|Cross-Origin-Opener-Policy header has been ignored/;
  expect(problems.filter((problem) => !expected.test(problem))).toEqual([]);
});

afterAll(async () => {
  await chat.close();
  for (const server of servers) await server.close();
  for (const root of roots) await root.remove();
});

/** A corpus of the review and a short notes paper, indexed; each test that uploads gets its own. */
async function corpus(env: Record<string, string> = {}, extra: Record<string, Buffer> = {}): Promise<Config> {
  const root = await tempDir();
  roots.push(root);
  const corpusDir = join(root.path, 'corpus');
  const indexDir = join(root.path, 'index');
  await cp(join(REPO, 'corpus'), corpusDir, { recursive: true });
  await writeFile(join(corpusDir, `${NOTES}.md`), NOTES_TEXT);
  for (const [name, bytes] of Object.entries(extra)) await writeFile(join(corpusDir, name), bytes);
  const config = loadConfig({ PAPERCHAT_CORPUS_DIR: corpusDir, PAPERCHAT_INDEX_DIR: indexDir, PAPERCHAT_LOG: 'silent', PAPERCHAT_RATE_LIMIT: '0', ...env });
  const report = await buildIndex({ corpusDir, indexDir, maxFileBytes: config.maxFileBytes, embedder: { kind: 'local' } });
  expect(report.failed).toEqual([]);
  return config;
}

async function serve(config: Config, host?: string): Promise<RunningServer> {
  const server = host ? await startServerOn(config, host) : await startServer(config);
  servers.push(server);
  return server;
}

async function openLibrary(page: Page): Promise<void> {
  await page.locator('#library-open').click();
  await page.locator('#panel-title', { hasText: 'Library' }).waitFor();
  await page.locator('#library-view .paper').first().waitFor();
}

const askInPage = (page: Page, question: string) => askAndWait(page, question, ['done', 'abstained']);

/** The papers an answer in the page cites, by their titles in the source list. */
const citedTitles = async (answer: ReturnType<Page['locator']>) => [...new Set(await answer.locator('.source-doc').allTextContents())].map((text) => text.split(' · ')[0]);

const json = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;

describe('the library', () => {
  test('lists each paper with its authors, year, sections and references with DOIs', async () => {
    const server = await serve(await corpus({}, { 'soil-microbes.pdf': await makeFindingPdf({ title: 'Soil microbes over three seasons', finding: FINDING }) }));
    const page = await chat.open(server.url);
    await openLibrary(page);
    const { docs } = await json<{ docs: { docId: string; title: string; authors: string[]; references: number }[] }>(`${server.url}/api/docs`);
    expect(await page.locator('#library-view .paper').count()).toBe(docs.length);
    const review = page.locator(`#library-view .paper[data-doc-id="${REVIEW}"]`);
    for (const doc of docs) {
      const item = page.locator(`#library-view .paper[data-doc-id="${doc.docId}"]`);
      expect(await item.locator('.paper-title').textContent()).toBe(doc.title);
      if (doc.authors.length > 0) expect(await item.locator('.paper-authors').textContent()).toContain(doc.authors[0]);
    }
    expect(docs.some((doc) => doc.authors.length > 0)).toBe(true);

    const detail = await json<{ sections: { text: string }[] }>(`${server.url}/api/docs/${REVIEW}`);
    await review.locator('.paper-sections summary').click();
    await expect.poll(() => review.locator('.paper-section-list li').allTextContents(), POLL).toEqual(detail.sections.map((section) => section.text));

    const { references } = await json<{ references: Reference[] }>(`${server.url}/api/docs/${REVIEW}/references`);
    await review.locator('.paper-references summary').click();
    await expect.poll(() => review.locator('.reference').count(), POLL).toBe(references.length);
    const withDoi = references.find((reference) => reference.doi)!;
    expect(await review.locator(`.reference[data-ref="${withDoi.n}"] a.doi`).getAttribute('href')).toBe(`https://doi.org/${withDoi.doi}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'library-desktop.png') });
  });

  test('asks only the chosen papers: docIds sent, answers and examples follow, kept across a reload', async () => {
    const server = await serve(await corpus());
    // What the page sends over Socket.IO to ask.
    const asked: string[] = [];
    const page = await chat.open(server.url, {
      beforeLoad: (opened) => opened.on('websocket', (socket) => socket.on('framesent', (frame) => typeof frame.payload === 'string' && frame.payload.includes('"ask"') && asked.push(frame.payload))),
    });
    await expect.poll(() => page.locator('#scope-text').textContent(), POLL).toBe('All 2 papers');

    await openLibrary(page);
    await page.locator(`#use-${REVIEW}`).uncheck();
    expect(await page.locator('#scope-status').textContent()).toBe('Answers use 1 of 2 papers.');
    // The last paper cannot be taken away: a question needs one.
    await page.locator(`#use-${NOTES}`).click();
    expect(await page.locator(`#use-${NOTES}`).isChecked()).toBe(true);
    expect(await page.locator('#scope-status').textContent()).toMatch(/At least one paper/);
    await expect.poll(() => page.locator('#scope-text').textContent(), POLL).toBe('Only “Notes on the ZETA trial”');
    const scopedExamples = await json<{ examples: string[] }>(`${server.url}/api/examples?docIds=${NOTES}`);
    await expect.poll(() => page.locator('.example').allTextContents(), POLL).toEqual(scopedExamples.examples);
    await page.keyboard.press('Escape');

    // The review answers this everywhere else; asked of the notes only, it cites only the notes (or declines).
    const review = await askInPage(page, 'What did DESTINY-Gastric01 show?');
    expect(await review.locator('.message-scope').count()).toBe(0);
    expect(await page.locator('.message.user .message-scope').last().textContent()).toBe('Asked of: Notes on the ZETA trial');
    expect(await citedTitles(review)).not.toContain('HER2-positive gastric cancer: from targeted therapy to CAR-T cell therapy');
    const notes = await askInPage(page, 'How many patients did the ZETA trial enrol?');
    expect(await citedTitles(notes)).toEqual(['Notes on the ZETA trial']);
    expect(asked.length).toBe(2);
    for (const payload of asked) expect(payload).toContain(`"docIds":["${NOTES}"]`);
    await page.screenshot({ path: join(SCREENSHOTS, 'library-scoped-desktop.png') });

    // Over HTTP the same scope gives the same answer.
    const response = await fetch(`${server.url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'How many patients did the ZETA trial enrol?', docIds: [NOTES] }) });
    expect(((await response.json()) as Answer).citations.every((citation) => citation.docId === NOTES)).toBe(true);

    await page.reload();
    await waitConnected(page);
    await expect.poll(() => page.locator('#scope-text').textContent(), POLL).toBe('Only “Notes on the ZETA trial”');
    await openLibrary(page);
    await page.locator('#scope-all').click();
    await expect.poll(() => page.locator('#scope-text').textContent(), POLL).toBe('All 2 papers');
  });
});

describe('adding a paper from the page', () => {
  test('a dropped PDF goes through ingest with progress, joins the library and is answered from', { timeout: 90_000 }, async () => {
    const server = await serve(await corpus({ PAPERCHAT_MAX_FILE_MB: '1' }));
    const page = await chat.open(server.url);
    await openLibrary(page);
    await expect.poll(() => page.locator('#upload-note').textContent(), POLL).toMatch(/^Up to 1\.0 MB/);
    const statuses = await recordStatus(page);

    // Refused in the page, in ingest's words, before anything is sent.
    await drop(page, 'notes.docx', Buffer.from('not a paper'), 'application/msword');
    expect(await page.locator('#upload-status').textContent()).toBe('upload: notes.docx: unsupported file type (use .pdf, .txt, .md)');
    await drop(page, 'huge.txt', Buffer.alloc(1.5 * 1024 * 1024, 'a'), 'text/plain');
    expect(await page.locator('#upload-status').textContent()).toBe('upload: huge.txt: too large (1.5 MB; the limit is 1.0 MB, set PAPERCHAT_MAX_FILE_MB)');

    const pdf = await makeFindingPdf({ title: 'Soil microbes over three seasons', finding: FINDING });
    await drop(page, 'soil-microbes.pdf', pdf, 'application/pdf');
    // Ingest and the index reload take longer on a busy machine than the other steps.
    await expect.poll(() => page.locator('#upload-status').textContent(), { timeout: 45_000 }).toMatch(/^Added “Soil microbes over three seasons” \(\d+ passages\)/);
    // Progress came from the server while it ingested: at least uploading and one ingest stage.
    const seen = await statuses();
    expect(seen.some((text) => /^Uploading soil-microbes\.pdf/.test(text))).toBe(true);
    expect(seen.some((text) => /^(Reading the papers|Embedding passages|Building the index|Loading the new index)/.test(text))).toBe(true);
    await expect.poll(() => page.locator('#library-view .paper').count(), POLL).toBe(3);
    expect(await page.locator('#library-view .paper[data-doc-id="soil-microbes"] .paper-meta').textContent()).toMatch(/^PDF · 2 pages/);
    await page.screenshot({ path: join(SCREENSHOTS, 'upload-desktop.png') });

    // A second upload of the same name is refused by the server, in one line.
    await drop(page, 'soil-microbes.pdf', pdf, 'application/pdf');
    await expect.poll(() => page.locator('#upload-status').textContent(), POLL).toBe('upload: soil-microbes.pdf: the corpus already has a file of that name; rename it or remove the old one');

    await page.keyboard.press('Escape');
    const answer = await askInPage(page, UPLOAD_QUESTION);
    expect(await answer.getAttribute('data-state')).toBe('done');
    expect(await answer.locator('.answer-text').textContent()).toContain('17.4% more barley');
    expect(await citedTitles(answer)).toEqual(['Soil microbes over three seasons']);
    await page.screenshot({ path: join(SCREENSHOTS, 'upload-answered-desktop.png') });
  });

  test('on a phone, a picked file is added and the library drawer fits the screen', async () => {
    const server = await serve(await corpus());
    const page = await chat.open(server.url, { viewport: { width: 390, height: 844 } });
    await openLibrary(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    const drawer = (await page.locator('#panel').boundingBox())!;
    expect(Math.round(drawer.width)).toBe(390);
    const pdf = await makeFindingPdf({ title: 'Soil microbes over three seasons', finding: FINDING });
    await page.locator('#upload-file').setInputFiles({ name: 'soil-microbes.pdf', mimeType: 'application/pdf', buffer: pdf });
    await expect.poll(() => page.locator('#upload-status').textContent(), POLL).toMatch(/^Added “Soil microbes over three seasons”/);
    await expect.poll(() => page.locator('#library-view .paper').count(), POLL).toBe(3);
    await page.screenshot({ path: join(SCREENSHOTS, 'upload-phone.png'), animations: 'disabled' });
    await page.locator('#panel-close').click();
    const answer = await askInPage(page, UPLOAD_QUESTION);
    expect(await answer.locator('.answer-text').textContent()).toContain('17.4% more barley');
  });

  test('beyond loopback the page says adding is off, or asks for the admin token', async () => {
    const host = nonLoopbackAddress();
    const closed = await serve(await corpus(), host);
    const page = await chat.open(closed.url);
    await openLibrary(page);
    await expect.poll(() => page.locator('#upload-note').textContent(), POLL).toMatch(/^Adding papers is not available here: adding papers is off: the server listens on .+, not loopback, and PAPERCHAT_ADMIN_TOKEN is not set\.$/);
    expect(await page.locator('#dropzone').isHidden()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'upload-off-desktop.png') });

    const guarded = await serve(await corpus({ PAPERCHAT_ADMIN_TOKEN: TOKEN }), host);
    const second = await chat.open(guarded.url);
    await openLibrary(second);
    await expect.poll(() => second.locator('#upload-note').textContent(), POLL).toMatch(/needs its admin token \(PAPERCHAT_ADMIN_TOKEN\)/);
    expect(await second.locator('#upload-token').isVisible()).toBe(true);
    const paper = Buffer.from('Notes on the Wren creek survey\n\nThe Wren creek survey counted 58 otters.\n');
    await second.locator('#upload-file').setInputFiles({ name: 'wren.txt', mimeType: 'text/plain', buffer: paper });
    await expect.poll(() => second.locator('#upload-status').textContent(), POLL).toBe('upload: this server needs the admin token (Authorization: Bearer <PAPERCHAT_ADMIN_TOKEN>)');
    await second.locator('#upload-token').fill('wrong-token-wrong-token');
    await second.locator('#upload-file').setInputFiles({ name: 'wren.txt', mimeType: 'text/plain', buffer: paper });
    await expect.poll(() => second.locator('#upload-status').textContent(), POLL).toBe('upload: the admin token is wrong');
    await second.locator('#upload-token').fill(TOKEN);
    await second.locator('#upload-file').setInputFiles({ name: 'wren.txt', mimeType: 'text/plain', buffer: paper });
    await expect.poll(() => second.locator('#upload-status').textContent(), POLL).toMatch(/^Added “Notes on the Wren creek survey”/);
  });
});

/** Drops a file on the library's drop zone, as a drag from the desktop would. */
async function drop(page: Page, name: string, bytes: Buffer, type: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ data, fileName, mimeType }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(data), (char) => char.charCodeAt(0))], fileName, { type: mimeType }));
      return transfer;
    },
    { data: bytes.toString('base64'), fileName: name, mimeType: type },
  );
  await page.dispatchEvent('#dropzone', 'dragover', { dataTransfer });
  await page.dispatchEvent('#dropzone', 'drop', { dataTransfer });
}

/** Every text the upload status shows, in order (progress passes quickly). */
async function recordStatus(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __status: string[] }).__status = seen;
    const status = document.getElementById('upload-status')!;
    new MutationObserver(() => seen.push(status.textContent ?? '')).observe(status, { childList: true, characterData: true, subtree: true });
  });
  return () => page.evaluate(() => [...(window as unknown as { __status: string[] }).__status]);
}
