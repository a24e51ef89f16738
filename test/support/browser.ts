/**
 * Browser tests drive Debian's chromium through playwright-core (no browser download). These
 * helpers launch it, open connected chat pages (`ChatBrowser`), collect what the page complains
 * about (console errors, uncaught exceptions, CSP violations) and record how an answer element
 * changes while it streams.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Launches headless chromium; fails with what to do when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`e2e: ${CHROMIUM} is missing; the browser tests need Debian's chromium (apt-get install -y chromium)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Collects console errors and uncaught page errors. A CSP violation (an inline script or
 * style) is reported by chromium as a console error, so it lands here too.
 */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return problems;
}

/** The desktop window the browser tests use unless a test asks for another. */
const DESKTOP = { width: 1280, height: 860 };

/** Waits until the page's socket to the server is connected (after a load or a reload). */
export function waitConnected(page: Page): Promise<void> {
  return page.locator('#connection[data-state="connected"]').waitFor();
}

/** How `ChatBrowser.open` sets up a page. */
export interface OpenOptions {
  /** The window (default `DESKTOP`); narrower than 500 px it is a phone: mobile, touch, 2× pixels. */
  viewport?: { width: number; height: number };
  /** Permissions granted to the page's origin, e.g. `['clipboard-read', 'clipboard-write']`. */
  permissions?: string[];
  /** Sees the page before it loads, e.g. to listen to its WebSocket. */
  beforeLoad?: (page: Page) => void;
}

/**
 * One chromium for a test file and the pages its tests open. Every browser test wants the same
 * thing: a fresh profile per page, the page watched for console errors, uncaught exceptions and
 * CSP violations, loaded and connected; and after each test the pages closed and what they
 * complained about asserted. Here once, so the test files say only what differs.
 *
 * Use: `launch()` in beforeAll, `open(url)` in tests, `expect(await closeAll()).toEqual([])`
 * in afterEach, `close()` in afterAll.
 */
export class ChatBrowser {
  private browser: Browser | undefined;
  private readonly contexts: BrowserContext[] = [];
  private readonly problems: string[][] = [];

  async launch(): Promise<void> {
    this.browser = await launchChromium();
  }

  /** A page on `url` in a context of its own (its own storage), loaded and connected. */
  async open(url: string, options: OpenOptions = {}): Promise<Page> {
    if (!this.browser) throw new Error('e2e: the browser did not start');
    const viewport = options.viewport ?? DESKTOP;
    const context = await this.browser.newContext({ viewport, ...(viewport.width < 500 ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) });
    this.contexts.push(context);
    if (options.permissions) await context.grantPermissions(options.permissions, { origin: new URL(url).origin });
    const page = await context.newPage();
    this.problems.push(collectProblems(page));
    options.beforeLoad?.(page);
    await page.goto(url);
    await waitConnected(page);
    return page;
  }

  /** Closes every page opened since the last call; returns what they complained about. */
  async closeAll(): Promise<string[]> {
    const problems = this.problems.splice(0);
    for (const context of this.contexts.splice(0)) await context.close();
    return problems.flat();
  }

  async close(): Promise<void> {
    await this.browser?.close();
  }
}

/** Asks `question` in the page and waits until its answer is in one of `states`; returns that answer. */
export async function askAndWait(page: Page, question: string, states = ['done']): Promise<Locator> {
  const before = await page.locator('.message.assistant').count();
  await page.locator('#question').fill(question);
  await page.locator('#question').press('Enter');
  const answer = page.locator('.message.assistant').nth(before);
  await answer.and(page.locator(states.map((state) => `[data-state="${state}"]`).join(', '))).waitFor();
  return answer;
}

/** What the last answer on the page looked like after one batch of DOM changes. */
export interface AnswerSnapshot {
  state: string | null;
  text: string;
  stopVisible: boolean;
}

/**
 * Records the last answer's state and text after every change to the conversation, so
 * transient states (answering, partial text) can be asserted after the fact.
 * Returns a function that reads the records so far.
 */
export async function recordAnswers(page: Page): Promise<() => Promise<AnswerSnapshot[]>> {
  await page.evaluate(() => {
    const records: AnswerSnapshot[] = [];
    (window as unknown as { __answerRecords: AnswerSnapshot[] }).__answerRecords = records;
    const messages = document.getElementById('messages');
    const stop = document.getElementById('stop');
    if (!messages || !stop) throw new Error('recordAnswers: the page has no #messages or #stop');
    const observer = new MutationObserver(() => {
      const answers = messages.querySelectorAll('.message.assistant');
      const last = answers[answers.length - 1];
      if (!last) return;
      records.push({ state: last.getAttribute('data-state'), text: last.querySelector('.answer-text')?.textContent ?? '', stopVisible: !stop.hidden });
    });
    observer.observe(messages, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-state'] });
    observer.observe(stop, { attributes: true, attributeFilter: ['hidden'] });
  });
  return () => page.evaluate(() => [...(window as unknown as { __answerRecords: AnswerSnapshot[] }).__answerRecords]);
}
