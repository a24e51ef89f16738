/**
 * A small OpenAI-compatible server on 127.0.0.1 for tests: real HTTP, real server-sent-event
 * streaming. Each test scripts how it behaves (stream tokens, fail with a status, hang, drop
 * the connection mid-stream) and can read back the requests it received.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ChatBehaviour =
  | { kind: 'stream'; tokens: string[]; delayMs?: number }
  | { kind: 'status'; status: number; message?: string }
  | { kind: 'hang' }
  | { kind: 'drop'; tokens: string[] };

export interface ChatRequest {
  model: string;
  stream: boolean;
  messages: { role: string; content: string }[];
}

export interface FakeOpenAI {
  /** Base URL to use as OPENAI_BASE_URL (ends in /v1). */
  baseURL: string;
  requests: ChatRequest[];
  /** Decides each chat completion; defaults to a plain cited answer. */
  onChat: (request: ChatRequest) => ChatBehaviour;
  close(): Promise<void>;
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const sockets = new Set<import('node:net').Socket>();
  const fake: FakeOpenAI = {
    baseURL: '',
    requests: [],
    onChat: () => ({ kind: 'stream', tokens: ['The answer', ' is here', ' [1].'] }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((request, response) => {
    void handle(fake, request, response).catch(() => response.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return fake;
}

async function handle(fake: FakeOpenAI, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  if (request.method === 'POST' && request.url?.endsWith('/embeddings')) {
    const { input } = JSON.parse(body) as { input: string | string[] };
    const texts = Array.isArray(input) ? input : [input];
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ object: 'list', model: 'fake-embed', data: texts.map((text, index) => ({ object: 'embedding', index, embedding: hashVector(text) })), usage: { prompt_tokens: 1, total_tokens: 1 } }));
    return;
  }
  if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { message: 'not found' } }));
    return;
  }
  const parsed = JSON.parse(body) as { model: string; stream?: boolean; messages: { role: string; content: unknown }[] };
  const chat: ChatRequest = {
    model: parsed.model,
    stream: parsed.stream === true,
    messages: parsed.messages.map((message) => ({ role: message.role, content: typeof message.content === 'string' ? message.content : JSON.stringify(message.content) })),
  };
  fake.requests.push(chat);
  const behaviour = fake.onChat(chat);
  if (behaviour.kind === 'hang') return; // never answers; the client's timeout must act
  if (behaviour.kind === 'status') {
    response.writeHead(behaviour.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { message: behaviour.message ?? `fake error ${behaviour.status}`, type: 'fake', code: behaviour.status } }));
    return;
  }
  const created = Math.floor(Date.now() / 1000);
  if (!chat.stream) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        id: 'chatcmpl-fake',
        object: 'chat.completion',
        created,
        model: chat.model,
        choices: [{ index: 0, message: { role: 'assistant', content: behaviour.tokens.join('') }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
      }),
    );
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = (delta: Record<string, unknown>, finish: string | null = null) =>
    response.write(`data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created, model: chat.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
  send({ role: 'assistant', content: '' });
  for (const token of behaviour.tokens) {
    if (behaviour.kind === 'stream' && behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
    send({ content: token });
  }
  if (behaviour.kind === 'drop') {
    // Let the client read what was sent, then cut the connection mid-answer.
    await new Promise((resolve) => setTimeout(resolve, 100));
    response.socket?.destroy();
    return;
  }
  send({}, 'stop');
  response.write('data: [DONE]\n\n');
  response.end();
}

/** A deterministic 16-dimensional vector for a text (bag of hashed words). */
function hashVector(text: string): number[] {
  const vector = new Array<number>(16).fill(0);
  for (const word of text.toLowerCase().split(/\W+/).filter(Boolean)) {
    let hash = 0;
    for (const char of word) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
    vector[hash % 16]! += 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}
