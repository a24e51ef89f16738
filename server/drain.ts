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

/**
 * One server's drain. Refusing new questions and saying so (readiness 503, `draining` in
 * /api/health) are two steps: a cluster worker refuses as soon as the primary is signalled, but
 * says it drains only once every worker refuses, so that a client who heard "draining" from one
 * worker cannot have a new question answered by another (server/cluster.ts).
 */
export class Drain {
  private announced = false;

  constructor(
    private readonly admission: Admission,
    private readonly requests: RequestCounter,
  ) {}

  /** True once readiness says 503 and /api/health says `draining`. */
  get isAnnounced(): boolean {
    return this.announced;
  }

  /** Refuses every new question from now on (503 / busy with Retry-After); those admitted go on. */
  refuse(): void {
    this.admission.drain();
  }

  /** Says draining from now on; a server that says so refuses questions too. */
  announce(): void {
    this.refuse();
    this.announced = true;
  }

  /** Waits, at most `timeoutMs`, for the answers admitted (running or queued) and their responses. */
  async settle(timeoutMs: number): Promise<DrainOutcome> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const settled = this.admission
      .idle()
      .then(() => this.requests.idle())
      .then(() => true as const);
    const finished = await Promise.race([settled, deadline]);
    clearTimeout(timer);
    const { active, queued } = this.admission.load;
    return { finished, cut: finished ? 0 : active + queued, ms: Math.round(performance.now() - started) };
  }
}

/**
 * A serving process's shutdown in its steps. Alone, it takes them back to back on SIGTERM; a
 * cluster worker takes each when the primary says (server/cluster.ts).
 */
export interface ShutdownSteps {
  /** Refuses new questions; resolves once the answers in flight are done, or cut at the time-out. */
  refuse(signal: string): Promise<void>;
  /** Readiness and /api/health say draining. */
  announce(): void;
  /** Closes the server and exits 0. */
  exit(): Promise<void>;
}
