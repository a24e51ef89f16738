/**
 * Answers in the page, in Debian's chromium against the real server: a model's Markdown
 * rendered safely (the model is a real OpenAI-compatible HTTP server, test/support/fake-openai.ts,
 * reached through the real LangChain client), and Copy / Regenerate under every answer, in both
 * modes. Screenshots of the main states go to test-artifacts/screenshots/ (git-ignored).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Answer } from '../../lib/types.ts';
import { createLlm } from '../../server/rag/llm.ts';
import { ChatBrowser, recordAnswers, type OpenOptions } from '../support/browser.ts';
import { startFakeOpenAI, type ChatRequest, type FakeOpenAI } from '../support/fake-openai.ts';
import { buildReviewIndex, REPO, startServer, type ReviewIndex, type RunningServer } from '../support/fixtures.ts';

const SCREENSHOTS = join(REPO, 'test-artifacts', 'screenshots');
const POLL = { timeout: 10_000 };
const QUESTION = 'What did DESTINY-Gastric01 show?';
const DOI = '10.1056/NEJMoa2004413';

/** A model answer in Markdown with everything a page must not let through. */
const MARKDOWN = [
  '**DESTINY-Gastric01** showed',
  ' that T-DXd improved overall survival [1].\n\n',
  '- Median OS: 12.5 vs 8.4 months [1]\n',
  '- Median PFS: 5.6 vs 3.5 months [',
  '2]\n\n',
  `Read [the trial](https://doi.org/${DOI}), [its DOI](doi:${DOI}) or [this](javascript:window.__pwned=1) [2].\n\n`,
  '<img src=x onerror="window.__pwned=1"> and <script>window.__pwned=2</script> were in the output [1].',
];

const chat = new ChatBrowser();
let index: ReviewIndex | undefined;
let fake: FakeOpenAI;
let offline: RunningServer;
let online: RunningServer;

beforeAll(async () => {
  await chat.launch();
  index = await buildReviewIndex({ PAPERCHAT_RATE_LIMIT: '0' });
  fake = await startFakeOpenAI();
  offline = await startServer(index.config);
  online = await startServer(index.config, { llm: createLlm({ apiKey: 'sk-test', baseURL: fake.baseURL, model: 'fake-model', timeoutMs: 10_000 }) });
  await mkdir(SCREENSHOTS, { recursive: true });
});

afterEach(async () => {
  const problems = await chat.closeAll();
  fake.requests.length = 0;
  // No console errors, uncaught exceptions or CSP violations in any test.
  expect(problems).toEqual([]);
});

afterAll(async () => {
  await chat.close();
  await offline?.close();
  await online?.close();
  await fake?.close();
  await index?.remove();
});

/** A connected page on `server` whose clipboard can be written and read back. */
const openChat = (server: RunningServer, viewport?: OpenOptions['viewport']): Promise<Page> =>
  chat.open(server.url, { viewport, permissions: ['clipboard-read', 'clipboard-write'] });

async function askInPage(page: Page, question: string): Promise<void> {
  await page.locator('#question').fill(question);
  await page.locator('#question').press('Enter');
}

const answerAt = (page: Page, i: number) => page.locator('.message.assistant').nth(i);
const finished = (page: Page, i: number, state = 'done') => answerAt(page, i).and(page.locator(`[data-state="${state}"]`)).waitFor();
/** The streamed answer requests the model received (a follow-up's rewrite is not streamed). */
const streamed = () => fake.requests.filter((request) => request.stream);

describe('a model answer in Markdown', () => {
  test('is rendered as elements, with raw HTML, javascript: links and images inert, and citations live', async () => {
    fake.onChat = () => ({ kind: 'stream', tokens: MARKDOWN, delayMs: 60 });
    const page = await openChat(online);
    await expect.poll(() => page.locator('#mode').getAttribute('data-mode'), POLL).toBe('llm');
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    const records = await recordAnswers(page);
    await page.evaluate(() => {
      const flags = window as unknown as { __boldWhileAnswering?: boolean };
      new MutationObserver(() => {
        if (document.querySelector('.message.assistant[data-state="answering"] .answer-text strong')) flags.__boldWhileAnswering = true;
      }).observe(document.getElementById('messages')!, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await askInPage(page, QUESTION);
    const answer = answerAt(page, 0);
    await finished(page, 0);

    // Text showed as it streamed, already as Markdown: the bold was an element before the answer was done.
    expect(await page.evaluate(() => (window as unknown as { __boldWhileAnswering?: boolean }).__boldWhileAnswering)).toBe(true);
    expect((await records()).filter((record) => record.state === 'answering' && record.text).length).toBeGreaterThanOrEqual(3);

    const text = answer.locator('.answer-text');
    expect(await text.locator('strong').textContent()).toBe('DESTINY-Gastric01');
    expect(await text.locator('ul > li').count()).toBe(2);
    expect(await text.locator('ul > li').first().textContent()).toMatch(/^Median OS: 12\.5 vs 8\.4 months\s1$/);
    // Both links go to the DOI resolver, in a new tab, without the page as opener.
    const links = text.locator('a');
    expect(await links.count()).toBe(2);
    for (const link of await links.all()) {
      expect(await link.getAttribute('href')).toBe(`https://doi.org/${DOI}`);
      expect(await link.getAttribute('target')).toBe('_blank');
      expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    }
    // The javascript: link is left as its words, not a link.
    expect(await text.textContent()).toMatch(/or this\s2\./);
    expect(await page.locator('#messages a[href^="javascript"], #messages img, #messages script, #messages [onerror]').count()).toBe(0);
    // The raw HTML is shown as the text the model wrote.
    expect(await text.textContent()).toContain('<img src=x onerror="window.__pwned=1"> and <script>window.__pwned=2</script> were in the output');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(requested.filter((url) => !url.startsWith(online.url))).toEqual([]);
    expect(requested.filter((url) => /\/x$/.test(url))).toEqual([]);

    // Every marker is a citation button, in order, inside the list too, and opens its passage.
    expect(await text.locator('button.cite').allTextContents()).toEqual(['1', '1', '2', '2', '1']);
    await text.locator('li button.cite').last().click();
    await page.locator('#panel').waitFor();
    expect(await page.locator('#panel-title').textContent()).toBe('Source 2');
    expect(await page.locator('#panel .passage-doc').textContent()).toMatch(/HER2-positive gastric cancer/);
    await page.screenshot({ path: join(SCREENSHOTS, 'markdown-answer-desktop.png') });
  });

  test('keeps links only to http, https and doi:, whatever the spelling', async () => {
    const page = await openChat(offline);
    // The module the page renders with, as served; a string so the test runner leaves the import alone.
    const results = await page.evaluate(`import('/markdown.js').then((m) => [
      ${JSON.stringify(['https://doi.org/10.1/x', 'HTTP://Example.org/a b', 'doi:10.1056/NEJMoa2004413', 'DOI: 10.1000/a(b)', 'doi:javascript:alert(1)', 'javascript:alert(1)', ' JavaScript:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'mailto:a@b.org', 'file:///etc/passwd', '/api/health', '#top', '//evil.example/x'])}.map(m.safeHref),
      (() => {
        const fragment = m.renderMarkdown('[a](javascript:alert(1)) <javascript:alert(2)> [b](data:text/html,x) ![c](https://evil.example/c.png) <a href="https://x.org" onclick="alert(3)">d</a> [e](https://x.org "t") [1]', (n) => document.createTextNode('#' + n));
        const box = document.createElement('div');
        box.append(fragment);
        return box.innerHTML;
      })(),
    ])`);
    expect(results).toEqual([
      ['https://doi.org/10.1/x', 'http://example.org/a%20b', `https://doi.org/${DOI}`, 'https://doi.org/10.1000/a(b)', null, null, null, null, null, null, null, null, null, null, null],
      // The autolink is left as its words; the raw <a> as the text the model wrote; images as their alt text.
      '<p>a javascript:alert(2) b c &lt;a href="https://x.org" onclick="alert(3)"&gt;d&lt;/a&gt; <a href="https://x.org/" title="t" target="_blank" rel="noopener noreferrer">e</a>&nbsp;#1</p>',
    ]);
  });

  test('renders on a phone-width screen without sideways scrolling', async () => {
    fake.onChat = () => ({ kind: 'stream', tokens: MARKDOWN });
    const page = await openChat(online, { width: 390, height: 844 });
    await askInPage(page, QUESTION);
    await finished(page, 0);
    expect(await answerAt(page, 0).locator('.answer-text ul > li').count()).toBe(2);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'markdown-answer-phone.png') });
  });

  test('serves marked and DOMPurify from its own origin, only those files, under the same strict CSP', async () => {
    for (const path of ['/vendor/marked.esm.js', '/vendor/purify.es.mjs']) {
      const response = await fetch(`${online.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toMatch(/^text\/javascript/);
    }
    for (const path of ['/vendor/marked.umd.js', '/vendor/marked.esm.d.ts', '/vendor/../package.json', '/node_modules/marked/lib/marked.esm.js', '/vendor/%2e%2e/package.json']) {
      expect((await fetch(`${online.url}${path}`)).status, path).toBe(404);
    }
    // The policy the page had before Markdown was rendered, exactly: no inline code, no CDN.
    expect((await fetch(online.url)).headers.get('content-security-policy')).toBe(
      "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'none';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self';connect-src 'self'",
    );
  });
});

describe('Copy and Regenerate under every answer', () => {
  test('offline: Copy puts the answer, its markers, sources and references on the clipboard; Regenerate answers again in place', async () => {
    const expected = (await (await fetch(`${offline.url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: QUESTION }) })).json()) as Answer;
    expect(expected.references.length).toBeGreaterThan(0);
    const page = await openChat(offline);
    await askInPage(page, QUESTION);
    await finished(page, 0);
    const answer = answerAt(page, 0);

    await answer.locator('button.answer-copy').click();
    await expect.poll(() => answer.locator('.answer-actions-status').textContent(), POLL).toBe('Copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied.startsWith(`${expected.answer}\n\nSources\n`)).toBe(true);
    for (const citation of expected.citations) expect(copied).toContain(`[${citation.n}] ${citation.docTitle} — ${citation.section}`);
    for (const reference of expected.references) {
      expect(copied).toContain(`${reference.n}. `);
      expect(copied).toContain(reference.title.replace(/\.$/, ''));
      if (reference.doi) expect(copied).toContain(`https://doi.org/${reference.doi}`);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'answer-actions-desktop.png') });

    const before = await answer.getAttribute('data-id');
    await answer.locator('button.regenerate').click();
    await expect.poll(() => answer.getAttribute('data-id'), POLL).not.toBe(before);
    await finished(page, 0);
    expect(await page.locator('.exchange').count()).toBe(1);
    expect((await answer.locator('.answer-text').textContent())?.replace(/\u00a0/g, ' ')).toBe(expected.answer.replace(/\[(\d+)\]/g, '$1'));
    expect(await answer.locator('button.answer-copy, button.regenerate').count()).toBe(2);
  });

  test('LLM: Regenerate re-asks an earlier question with its own history and replaces only that answer; Stop works during it', async () => {
    let version = 0;
    /** Streams `tokens`; a follow-up's (unstreamed) rewrite always gives the same question. */
    const model = (tokens: () => string[], delayMs = 5) => (request: ChatRequest) =>
      request.stream ? { kind: 'stream' as const, tokens: tokens(), delayMs } : { kind: 'stream' as const, tokens: ['What did DESTINY-Gastric01 show about survival?'] };
    fake.onChat = model(() => [`Version ${++version} of the answer`, ' [1].']);
    const page = await openChat(online);
    await askInPage(page, QUESTION);
    await finished(page, 0);
    await askInPage(page, 'And its survival?');
    await finished(page, 1);
    expect(await answerAt(page, 1).locator('.answer-text').textContent()).toMatch(/^Version 2 of the answer/);
    const [first, second] = streamed();

    // The first answer again: the same request as the first time (no history), the second untouched.
    await answerAt(page, 0).locator('button.regenerate').click();
    await expect.poll(() => answerAt(page, 0).locator('.answer-text').textContent(), POLL).toMatch(/^Version 3 of the answer/);
    await finished(page, 0);
    expect(streamed()[2]!.messages).toEqual(first!.messages);
    expect(await answerAt(page, 1).locator('.answer-text').textContent()).toMatch(/^Version 2 of the answer/);
    expect(await page.locator('.exchange').count()).toBe(2);
    expect(await answerAt(page, 0).locator('.answer-text button.cite').count()).toBe(1);

    // The second answer again, stopped while it streams: what it had streamed stays, and Retry finishes it.
    fake.onChat = model(() => ['Version 4', ' is slow', ' to arrive', ' [1].'], 400);
    await answerAt(page, 1).locator('button.regenerate').click();
    await answerAt(page, 1).locator('.answer-text:not(:empty)').waitFor(POLL);
    expect(await page.locator('.regenerate:disabled').count()).toBe(1);
    await page.locator('#stop').click();
    await finished(page, 1, 'stopped');
    expect(await answerAt(page, 1).locator('.answer-text').textContent()).toMatch(/^Version 4/);
    expect(await page.locator('#stop').isHidden()).toBe(true);
    // Its history was the original one: the first question and the first answer as it was then.
    expect(streamed()[3]!.messages).toEqual(second!.messages);

    fake.onChat = model(() => ['Version 5 of the answer', ' [1].']);
    await answerAt(page, 1).locator('button.retry').click();
    await finished(page, 1);
    expect(await answerAt(page, 1).locator('.answer-text').textContent()).toMatch(/^Version 5 of the answer/);
    expect(await page.locator('.exchange').count()).toBe(2);
  });
});
