/**
 * Graceful shutdown (SIGTERM): refuse new questions at once (503 / `busy`, readiness 503), let
 * the answers already admitted finish and their responses be written, within a time limit,
 * and only then close. A load balancer sees readiness fail and moves traffic elsewhere while
 * the answers in flight still reach their clients.
 */
import type { RequestHandler } from 'express';
import type { Admission } from './admission.ts';

/**
 * Counts the Express requests whose responses are not finished, so a drain can wait for an
 * answer's response to be written out, not just computed. Socket.IO's own requests (long
 * polls that last until the next packet) never reach Express and are not counted.
 */
export class RequestCounter {
  private active = 0;
  private readonly waiters: (() => void)[] = [];

  readonly middleware: RequestHandler = (_request, response, next) => {
    this.active++;
    // 'close' comes once per response: after it is written, or when the client hung up.
    response.once('close', () => {
      this.active--;
      if (this.active === 0) for (const resolve of this.waiters.splice(0)) resolve();
    });
    next();
  };

  idle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

export interface DrainOutcome {
  /** True when everything in flight finished before the time limit. */
  finished: boolean;
  /** Answers still running or waiting at the time limit (they are cut when the server closes). */
  cut: number;
  ms: number;
}

/** Stops admitting answers and waits, at most `timeoutMs`, for those in flight and their responses. */
export async function drain(admission: Admission, requests: RequestCounter, timeoutMs: number): Promise<DrainOutcome> {
  const started = performance.now();
  admission.drain();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const settled = admission
    .idle()
    .then(() => requests.idle())
    .then(() => true as const);
  const finished = await Promise.race([settled, deadline]);
  clearTimeout(timer);
  const { active, queued } = admission.load;
  return { finished, cut: finished ? 0 : active + queued, ms: Math.round(performance.now() - started) };
}
