/**
 * Answering latency, offline (extractive) mode, one question at a time:
 *   - in the library: retrieval only (analyse + hybrid retrieve), and the whole answer;
 *   - over loopback against the real server process: `POST /api/ask`, and Socket.IO's first
 *     `answer:delta` and `answer:done`.
 * Every pass asks every eval question (follow-ups with their history). A warm-up pass runs
 * first and is not counted: a running server is warm.
 */
import { ask } from '../server/rag/answer.ts';
import { answererFor, openLibrary } from '../server/rag/setup.ts';
import { HttpAsker, SocketAsker, type AskPayload } from './clients.ts';
import type { Progress } from './progress.ts';
import type { EvalQuestion } from './questions.ts';
import { summarize, type Summary } from './stats.ts';
import type { Workspace } from './workspace.ts';

export interface LibraryLatency {
  retrievalMs: Summary;
  answerMs: Summary;
}

export interface TransportLatency {
  httpMs: Summary;
  socketFirstDeltaMs: Summary;
  socketDoneMs: Summary;
}

const TIMEOUT_MS = 30_000;

export function payloadOf(question: EvalQuestion): AskPayload {
  return question.history ? { question: question.question, history: question.history } : { question: question.question };
}

export async function benchLibrary(workspace: Workspace, questions: readonly EvalQuestion[], passes: number, progress: Progress): Promise<LibraryLatency> {
  const library = await openLibrary(workspace.config);
  const answerer = answererFor(library);
  const retrieval: number[] = [];
  const whole: number[] = [];
  for (let pass = 0; pass <= passes; pass++) {
    for (const question of questions) {
      const history = question.history ?? [];
      let started = performance.now();
      await library.retriever.retrieve(library.analyze(question.question, history));
      const retrieved = performance.now() - started;
      started = performance.now();
      await ask(answerer, question.question, { history });
      const answered = performance.now() - started;
      if (pass === 0) continue;
      retrieval.push(retrieved);
      whole.push(answered);
    }
    progress.say('answering', pass === 0 ? 'library: warm-up pass done' : `library: pass ${pass}/${passes} done`);
  }
  return { retrievalMs: summarize(retrieval), answerMs: summarize(whole) };
}

export async function benchTransports(url: string, questions: readonly EvalQuestion[], passes: number, progress: Progress): Promise<TransportLatency> {
  const http = new HttpAsker(url, 1);
  const socket = await SocketAsker.connect(url);
  const httpMs: number[] = [];
  const firstDelta: number[] = [];
  const done: number[] = [];
  try {
    for (let pass = 0; pass <= passes; pass++) {
      for (const question of questions) {
        const started = performance.now();
        await http.ask(payloadOf(question), TIMEOUT_MS);
        const elapsed = performance.now() - started;
        const streamed = await socket.ask(payloadOf(question), TIMEOUT_MS);
        if (pass === 0) continue;
        httpMs.push(elapsed);
        firstDelta.push(streamed.firstDeltaMs);
        done.push(streamed.doneMs);
      }
      progress.say('answering', pass === 0 ? 'HTTP + Socket.IO: warm-up pass done' : `HTTP + Socket.IO: pass ${pass}/${passes} done`);
    }
  } finally {
    http.close();
    socket.close();
  }
  return { httpMs: summarize(httpMs), socketFirstDeltaMs: summarize(firstDelta), socketDoneMs: summarize(done) };
}
