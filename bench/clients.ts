/**
 * Minimal clients of the server's two protocols, shared by the latency benchmarks and the load
 * generator: `POST /api/ask` over a keep-alive connection, and Socket.IO `ask` → `answer:delta`…
 * `answer:done`. Replies are checked for the answer's shape, not trusted.
 */
import { Agent, request } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import type { ChatTurn } from '../lib/types.ts';

export interface AskPayload {
  question: string;
  history?: ChatTurn[];
}

/** What the bench reads from an answer. */
export interface WireAnswer {
  answer: string;
  abstained: boolean;
}

export class AskError extends Error {
  override name = 'AskError';
  constructor(
    /** A short kind for error counts: `http-429`, `timeout`, `socket-error`… */
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

function wireAnswer(value: unknown): WireAnswer {
  const candidate = value as Partial<WireAnswer> | null;
  if (!candidate || typeof candidate.answer !== 'string' || typeof candidate.abstained !== 'boolean') {
    throw new AskError('bad-reply', 'the reply is not an answer object');
  }
  return { answer: candidate.answer, abstained: candidate.abstained };
}

/** `POST /api/ask` with up to `connections` keep-alive connections. */
export class HttpAsker {
  private readonly agent: Agent;
  private readonly url: URL;

  constructor(baseUrl: string, connections: number) {
    this.url = new URL('/api/ask', baseUrl);
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  ask(payload: AskPayload, timeoutMs: number): Promise<WireAnswer> {
    const body = JSON.stringify(payload);
    return new Promise((resolve, reject) => {
      const outgoing = request(
        this.url,
        { method: 'POST', agent: this.agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: timeoutMs },
        (response) => {
          const parts: Buffer[] = [];
          response.on('data', (part: Buffer) => parts.push(part));
          response.on('error', (error) => reject(new AskError('http-network', error.message)));
          response.on('end', () => {
            if (response.statusCode !== 200) {
              reject(new AskError(`http-${response.statusCode}`, Buffer.concat(parts).toString('utf8').slice(0, 200)));
              return;
            }
            try {
              resolve(wireAnswer(JSON.parse(Buffer.concat(parts).toString('utf8'))));
            } catch (error) {
              reject(error instanceof AskError ? error : new AskError('bad-reply', (error as Error).message));
            }
          });
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new AskError('timeout', `no answer within ${timeoutMs} ms`)));
      outgoing.on('error', (error) => reject(error instanceof AskError ? error : new AskError('http-network', error.message)));
      outgoing.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface StreamedAnswer extends WireAnswer {
  /** From the emit to the first `answer:delta`. */
  firstDeltaMs: number;
  /** From the emit to `answer:done`. */
  doneMs: number;
}

interface Pending {
  started: number;
  firstDelta?: number;
  timer: NodeJS.Timeout;
  resolve: (answer: StreamedAnswer) => void;
  reject: (error: Error) => void;
}

/** One Socket.IO connection (WebSocket transport); several questions may be in flight. */
export class SocketAsker {
  private readonly pending = new Map<string, Pending>();
  private counter = 0;

  private constructor(private readonly socket: Socket) {
    socket.on('answer:delta', (message: { id?: unknown }) => {
      const entry = this.pending.get(String(message?.id));
      if (entry && entry.firstDelta === undefined) entry.firstDelta = performance.now();
    });
    socket.on('answer:done', (message: { id?: unknown }) => {
      const id = String(message?.id);
      const entry = this.settle(id);
      if (!entry) return;
      const now = performance.now();
      try {
        const answer = wireAnswer(message);
        entry.resolve({ ...answer, firstDeltaMs: (entry.firstDelta ?? now) - entry.started, doneMs: now - entry.started });
      } catch (error) {
        entry.reject(error as Error);
      }
    });
    socket.on('answer:error', (message: { id?: unknown; message?: unknown }) => {
      this.settle(String(message?.id))?.reject(new AskError('socket-answer-error', String(message?.message ?? 'answer:error')));
    });
    socket.on('disconnect', (reason: string) => {
      for (const id of [...this.pending.keys()]) this.settle(id)?.reject(new AskError('socket-disconnect', reason));
    });
  }

  static connect(baseUrl: string, timeoutMs = 10_000): Promise<SocketAsker> {
    const socket = io(baseUrl, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: timeoutMs });
    return new Promise((resolve, reject) => {
      // The client's own timeout covers the transport, not the namespace: a CONNECT left
      // unanswered would wait for ever, and so would the bench.
      const timer = setTimeout(() => {
        socket.close();
        reject(new AskError('socket-connect', `not connected within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new SocketAsker(socket));
      });
      socket.once('connect_error', (error: Error) => {
        clearTimeout(timer);
        socket.close();
        reject(new AskError('socket-connect', error.message));
      });
    });
  }

  ask(payload: AskPayload, timeoutMs: number): Promise<StreamedAnswer> {
    const id = `b${++this.counter}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.settle(id)?.reject(new AskError('timeout', `no answer within ${timeoutMs} ms`)), timeoutMs);
      this.pending.set(id, { started: performance.now(), timer, resolve, reject });
      this.socket.emit('ask', { id, ...payload });
    });
  }

  close(): void {
    this.socket.close();
  }

  private settle(id: string): Pending | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    this.pending.delete(id);
    return entry;
  }
}
