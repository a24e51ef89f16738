/**
 * What the suite measures: something that answers questions. Either the library in this
 * process (answers and, for retrieval metrics, the ranked passages) or a running server
 * through `POST /api/ask` (answers only).
 */
import { z } from 'zod';
import type { Answer, ChatTurn } from '../lib/types.ts';
import { ask } from '../server/rag/answer.ts';
import type { Library } from '../server/rag/library.ts';
import type { Llm } from '../server/rag/llm.ts';
import { answererFor } from '../server/rag/setup.ts';
import type { EvidencePassage } from './retrieval.ts';

/** `offline`: extractive answers in process; `llm`: LLM answers in process; `server`: over HTTP. */
export type RunMode = 'offline' | 'llm' | 'server';

/** An answer and how long it took: wall time of the answering only (no rate-limit waits). */
export interface Answered {
  answer: Answer;
  latencyMs: number;
}

export interface AnswerTarget {
  readonly mode: RunMode;
  /** Describes the target for the report: index version, model, URL. */
  readonly description: Record<string, string>;
  ask(question: string, history: ChatTurn[]): Promise<Answered>;
  /** The passages retrieval ranks for the question, best first; absent when unobservable. */
  retrieve?(question: string, history: ChatTurn[], limit: number): Promise<EvidencePassage[]>;
}

/** The library in this process; with an LLM, answers are written by it. */
export function libraryTarget(library: Library, llm?: Llm): AnswerTarget {
  const answerer = answererFor(library, llm);
  return {
    mode: llm ? 'llm' : 'offline',
    description: { index: library.index.version, embedder: library.index.manifest.embedder.id, ...(llm ? { model: llm.model } : {}) },
    async ask(question, history) {
      const started = performance.now();
      const answer = await ask(answerer, question, { history });
      return { answer, latencyMs: performance.now() - started };
    },
    async retrieve(question, history, limit) {
      const analyzed = library.analyze(question, history);
      const passages = await library.retriever.retrieve(analyzed, { limit, depth: 60 });
      return passages.map((passage) => passage.chunk);
    },
  };
}

// Only what the metrics read; a server's reply is checked before it is scored.
const ServerAnswer = z.object({
  answer: z.string(),
  abstained: z.boolean(),
  mode: z.enum(['extractive', 'llm']),
  citations: z.array(
    z.object({
      n: z.number().int(),
      passageId: z.string(),
      docId: z.string(),
      docTitle: z.string(),
      section: z.string(),
      page: z.number().optional(),
      kind: z.enum(['paragraph', 'table-row', 'figure-caption', 'reference']),
      text: z.string(),
      refs: z.array(z.number().int()),
    }),
  ),
  references: z.array(z.looseObject({ docId: z.string(), n: z.number().int(), authors: z.array(z.string()), title: z.string(), journal: z.string() })),
  notice: z.string().optional(),
  timings: z.object({ retrieveMs: z.number(), answerMs: z.number() }),
});

export interface ServerOptions {
  /** Attempts when the server rate-limits (429), waiting as it asks. */
  retries?: number;
  /** Longest wait for one retry, in milliseconds. */
  maxWaitMs?: number;
}

/** A running PaperChat server at `baseUrl` (e.g. http://127.0.0.1:3000). */
export async function serverTarget(baseUrl: string, options: ServerOptions = {}): Promise<AnswerTarget> {
  const base = baseUrl.replace(/\/+$/, '');
  const health = await fetchJson(`${base}/api/health`, undefined);
  const info = z.object({ mode: z.string(), model: z.string().optional(), index: z.object({ version: z.string() }).partial().optional() }).safeParse(health);
  const description: Record<string, string> = { url: base };
  if (info.success) {
    description.serverMode = info.data.mode;
    if (info.data.model) description.model = info.data.model;
    if (info.data.index?.version) description.index = info.data.index.version;
  }
  const retries = options.retries ?? 5;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  return {
    mode: 'server',
    description,
    async ask(question, history) {
      for (let attempt = 0; ; attempt++) {
        const started = performance.now();
        const response = await fetch(`${base}/api/ask`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ question, history }),
        });
        if (response.status === 429 && attempt < retries) {
          // The server's rate limit (PAPERCHAT_RATE_LIMIT=0 turns it off for evaluation runs).
          const seconds = Number(response.headers.get('retry-after'));
          await new Promise((resolve) => setTimeout(resolve, Math.min(maxWaitMs, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000 * 2 ** attempt)));
          continue;
        }
        const body = await readBody(response);
        const latencyMs = performance.now() - started;
        if (!response.ok) throw new Error(`eval: ${base}/api/ask answered ${response.status}: ${describeError(body)}`);
        const parsed = ServerAnswer.safeParse(body);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          throw new Error(`eval: ${base}/api/ask returned an unexpected answer object (${issue.path.join('.')}: ${issue.message})`);
        }
        return { answer: parsed.data as Answer, latencyMs };
      }
    },
  };
}

async function fetchJson(url: string, init: RequestInit | undefined): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new Error(`eval: cannot reach ${url}${cause ? ` (${cause})` : ''}: is the server running (npm start)?`);
  }
  const body = await readBody(response);
  if (!response.ok) throw new Error(`eval: ${url} answered ${response.status}: ${describeError(body)}`);
  return body;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function describeError(body: unknown): string {
  if (body && typeof body === 'object' && 'error' in body) return String((body as { error: unknown }).error);
  return String(body).slice(0, 200);
}
