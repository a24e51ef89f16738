/**
 * Admission control for answers, shared by every transport (HTTP, OpenAI-compatible, Socket.IO).
 *
 * At most `maxActive` answers run at once; up to `maxQueued` more wait, each for at most
 * `maxWaitMs`; beyond that a question is refused at once as busy, which costs the server almost
 * nothing, so a saturated server keeps accepting new clients. Waiting questions are served
 * round-robin by client (a connection), not first-come: one client with many questions queued
 * cannot hold back a client that asks one. Turns are handed out from `setImmediate`, after the
 * event loop has read its sockets, because an offline answer is synchronous work: without the
 * yield, a backlog of answers would run back to back while new connections wait unaccepted.
 */

export interface AdmissionOptions {
  maxActive: number;
  maxQueued: number;
  maxWaitMs: number;
}

/** Why a question was not admitted; transports turn it into 503 / `answer:error` code `busy`. */
export class BusyError extends Error {
  override name = 'BusyError';
  constructor(
    message: string,
    /** Seconds after which trying again is reasonable (the Retry-After header). */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/**
 * Refused because the server is shutting down (SIGTERM). A kind of busy, so every transport
 * answers it as one (503 + Retry-After, Socket.IO code `busy`): another server, or this one
 * once restarted, will answer.
 */
export class DrainingError extends BusyError {
  override name = 'DrainingError';
}

interface Waiter {
  admit: (release: () => void) => void;
  refuse: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class Admission {
  private active = 0;
  private queued = 0;
  /** Waiting questions by client; Map order is the round-robin order. */
  private readonly waiting = new Map<string, Waiter[]>();
  private scheduled = false;
  private draining = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly options: AdmissionOptions) {}

  /** True once `drain()` was called: new questions are refused. */
  get isDraining(): boolean {
    return this.draining;
  }

  /** Refuses every new question from now on; those running or already waiting are still served. */
  drain(): void {
    this.draining = true;
  }

  /** Resolves once no answer is running or waiting (at once when none is). */
  idle(): Promise<void> {
    if (this.active === 0 && this.queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private settleIdle(): void {
    if (this.active !== 0 || this.queued !== 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Answers running and waiting now (for health and the benchmark). */
  get load(): { active: number; queued: number } {
    return { active: this.active, queued: this.queued };
  }

  /**
   * Waits for a turn for `client`; resolves to the function that ends it (call it exactly once,
   * when the answer is done). Rejects with `BusyError` when the queue is full or the wait is
   * too long, and with the signal's reason when it is aborted while waiting.
   */
  enter(client: string, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (this.draining) return Promise.reject(new DrainingError('the server is shutting down; try again in a moment', 2));
    // Room for the waiting line plus the turns free now (handed out on the next tick).
    if (this.queued >= this.options.maxQueued + Math.max(0, this.options.maxActive - this.active)) {
      return Promise.reject(new BusyError(`the server is busy (${this.options.maxQueued} questions waiting); try again in a moment`, 1));
    }
    return new Promise<() => void>((admit, refuse) => {
      const waiter: Waiter = {
        admit,
        refuse,
        timer: setTimeout(() => this.drop(client, waiter, new BusyError('the server is busy; try again in a moment', Math.ceil(this.options.maxWaitMs / 1000))), this.options.maxWaitMs),
      };
      signal?.addEventListener('abort', () => this.drop(client, waiter, signal.reason as Error), { once: true });
      const line = this.waiting.get(client);
      if (line) line.push(waiter);
      else this.waiting.set(client, [waiter]);
      this.queued++;
      this.schedule();
    });
  }

  private drop(client: string, waiter: Waiter, error: Error): void {
    const line = this.waiting.get(client);
    const at = line?.indexOf(waiter) ?? -1;
    if (!line || at === -1) return;
    line.splice(at, 1);
    if (line.length === 0) this.waiting.delete(client);
    this.queued--;
    clearTimeout(waiter.timer);
    waiter.refuse(error);
    this.settleIdle();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.admitNext();
    });
  }

  /** Hands out one turn per client, in rotation, while there is room. */
  private admitNext(): void {
    while (this.active < this.options.maxActive && this.queued > 0) {
      const [client, line] = this.waiting.entries().next().value as [string, Waiter[]];
      const waiter = line.shift()!;
      // The client goes to the back of the rotation (or leaves it).
      this.waiting.delete(client);
      if (line.length > 0) this.waiting.set(client, line);
      this.queued--;
      this.active++;
      clearTimeout(waiter.timer);
      let released = false;
      waiter.admit(() => {
        if (released) return;
        released = true;
        this.active--;
        this.schedule();
        this.settleIdle();
      });
    }
  }
}

/** A connection's identity for the rotation: its peer address and port. */
export function connectionOf(request: { socket: { remoteAddress?: string | undefined; remotePort?: number | undefined } }): string {
  return `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`;
}
