/**
 * Browser tests drive Debian's chromium through playwright-core (no browser download). These
 * helpers launch it, collect what the page complains about (console errors, uncaught
 * exceptions, CSP violations) and record how an answer element changes while it streams.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

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
