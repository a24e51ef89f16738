/**
 * PaperChat as an OpenAI-compatible model, so any OpenAI client (the SDKs, LangChain's
 * ChatOpenAI, Open WebUI, LibreChat) can use it. Transport only, like http.ts.
 *
 *   GET  /v1/models              one model, "paperchat"
 *   POST /v1/chat/completions    { model, messages, stream? } → a chat completion, or SSE chunks
 *
 * The answer text keeps its `[n]` markers; the citations and the papers' references travel in
 * an extra `paperchat` field (the answer object without its text) of the completion, and of the
 * last chunk when streaming. Errors have OpenAI's shape `{ error: { message, type, code } }`.
 */
import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { Answer, AnswerEvent } from '../lib/types.ts';
import { BusyError, connectionOf, type Admission } from './admission.ts';
import type { Engine } from './engine.ts';
import { ask } from './rag/answer.ts';
import { ChatCompletionRequest, conversationOf, describeIssue } from './schemas.ts';

export const MODEL_ID = 'paperchat';

export function openAiRouter(engine: Engine, admission: Admission): Router {
  const router = Router();

  router.get('/models', (_request, response) => {
    response.json({ object: 'list', data: [modelEntry()] });
  });

  router.get('/models/:id', (request, response) => {
    if (request.params.id === MODEL_ID) response.json(modelEntry());
    else sendError(response, 404, `no model ${JSON.stringify(String(request.params.id).slice(0, 64))}; the one model is "${MODEL_ID}"`, 'model_not_found');
  });

  router.post('/chat/completions', async (request: Request, response: Response) => {
    const parsed = ChatCompletionRequest.safeParse(request.body);
    if (!parsed.success) return sendError(response, 400, describeIssue(parsed.error));
    if (parsed.data.model !== MODEL_ID) {
      return sendError(response, 404, `no model ${JSON.stringify(parsed.data.model.slice(0, 64))}; the one model is "${MODEL_ID}"`, 'model_not_found');
    }
    const conversation = conversationOf(parsed.data);
    if ('error' in conversation) return sendError(response, 400, conversation.error);

    const controller = new AbortController();
    response.on('close', () => {
      if (!response.writableFinished) controller.abort(new Error('client closed the connection'));
    });
    const release = await admission.enter(connectionOf(request), controller.signal).catch((error: Error) => error);
    if (release instanceof Error) {
      if (release instanceof BusyError) {
        response.set('Retry-After', String(release.retryAfterSeconds));
        sendError(response, 503, release.message, 'server_busy');
      }
      return;
    }
    try {
      const options = { history: conversation.history ?? [], signal: controller.signal };
      const completion = { id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model: MODEL_ID };
      if (parsed.data.stream) await streamCompletion(engine.answerer.answer(conversation.question, options), completion, response);
      else response.json(wholeCompletion(await ask(engine.answerer, conversation.question, options), completion));
    } finally {
      release();
    }
  });

  router.use((_request, response) => sendError(response, 404, 'no such endpoint; PaperChat serves /v1/models and /v1/chat/completions', 'not_found'));
  return router;
}

interface CompletionHead {
  id: string;
  created: number;
  model: string;
}

function modelEntry() {
  return { id: MODEL_ID, object: 'model', created: 0, owned_by: 'paperchat' };
}

/** The answer object without its text: what an OpenAI response has no field for. */
function extra(answer: Answer) {
  const { answer: _text, ...rest } = answer;
  return rest;
}

function wholeCompletion(answer: Answer, head: CompletionHead) {
  return {
    ...head,
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: answer.answer, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    paperchat: extra(answer),
  };
}

/**
 * Server-sent chunks as OpenAI sends them: the role first, then the text as it grows, then an
 * empty delta with the finish reason and the `paperchat` field, then `[DONE]`. OpenAI has no
 * way to take text back, so after an `answer-reset` (an LLM failing mid-stream) the fallback
 * answer is sent after a blank line; the `paperchat` field's text-free answer and the
 * non-streaming reply are unaffected.
 */
async function streamCompletion(events: AsyncGenerator<AnswerEvent, Answer>, head: CompletionHead, response: Response): Promise<void> {
  response.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  response.flushHeaders();
  const send = (delta: object, finish: string | null = null, more: object = {}) =>
    response.write(`data: ${JSON.stringify({ ...head, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...more })}\n\n`);
  send({ role: 'assistant', content: '' });
  let reset = false;
  try {
    for (;;) {
      const step = await events.next();
      if (step.done) {
        send({}, 'stop', { paperchat: extra(step.value) });
        break;
      }
      const event = step.value;
      if (event.type === 'answer-reset') reset = true;
      else if (event.type === 'answer-delta') {
        send({ content: reset ? `\n\n${event.text}` : event.text });
        reset = false;
      }
    }
    response.write('data: [DONE]\n\n');
  } catch {
    // Headers are gone: an error can only be one more event, in OpenAI's error shape.
    if (!response.writableEnded) response.write(`data: ${JSON.stringify({ error: { message: 'the answer failed; try again', type: 'server_error', code: null } })}\n\n`);
  }
  response.end();
}

export function sendError(response: Response, status: number, message: string, code: string | null = null): void {
  const type = status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
  response.status(status).json({ error: { message, type, param: null, code } });
}
