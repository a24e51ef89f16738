/**
 * PaperChat as an OpenAI-compatible model, driven by the real clients people would point at it:
 * the `openai` SDK (streaming and not) and LangChain's ChatOpenAI, over real HTTP on an
 * ephemeral port, on the review's index. The LLM-mode server's model is the fake OpenAI server.
 */
import { ChatOpenAI } from '@langchain/openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import type { Answer } from '../../lib/types.ts';
import { createLlm } from '../../server/rag/llm.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { buildReviewIndex, startServer, type ReviewIndex, type RunningServer } from '../support/fixtures.ts';

type Extra = Omit<Answer, 'answer'>;

let review: ReviewIndex;
let server: RunningServer;
let client: OpenAI;

beforeAll(async () => {
  review = await buildReviewIndex();
  server = await startServer(review.config);
  client = new OpenAI({ apiKey: 'not-checked', baseURL: `${server.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await server?.close();
  await review?.remove();
});

const KEYNOTE = 'Which journal published the KEYNOTE-811 trial?';

describe('the openai client', () => {
  it('lists the one model', async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(['paperchat']);
    expect((await client.models.retrieve('paperchat')).id).toBe('paperchat');
  });

  it('gets the cited answer, with citations and the paper\'s references in the paperchat field', async () => {
    const completion = await client.chat.completions.create({ model: 'paperchat', messages: [{ role: 'user', content: KEYNOTE }] });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    const text = completion.choices[0]!.message.content!;
    expect(text).toMatch(/Nature/);
    expect(text).toMatch(/\[1\]/);
    const extra = (completion as unknown as { paperchat: Extra }).paperchat;
    expect(extra).toMatchObject({ abstained: false, mode: 'extractive' });
    expect(extra.citations[0]).toMatchObject({ n: 1, docId: 'her2-gastric-cancer-review' });
    expect(extra.references).toContainEqual(expect.objectContaining({ n: 33, doi: '10.1038/s41586-021-04161-3' }));
  });

  it('streams the same text, ending with a chunk that carries the citations', async () => {
    const whole = await client.chat.completions.create({ model: 'paperchat', messages: [{ role: 'user', content: KEYNOTE }] });
    const stream = await client.chat.completions.create({ model: 'paperchat', messages: [{ role: 'user', content: KEYNOTE }], stream: true });
    let text = '';
    let last: unknown;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      text += chunk.choices[0]?.delta.content ?? '';
      last = chunk;
    }
    expect(text).toBe(whole.choices[0]!.message.content);
    const final = last as { choices: { finish_reason: string }[]; paperchat: Extra };
    expect(final.choices[0]!.finish_reason).toBe('stop');
    expect(final.paperchat.citations.length).toBeGreaterThan(0);
  });

  it('takes the conversation from messages: a follow-up keeps the earlier subject', async () => {
    const completion = await client.chat.completions.create({
      model: 'paperchat',
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'What did the TOGA trial show?' },
        { role: 'assistant', content: 'Trastuzumab plus chemotherapy improved overall survival [1].' },
        { role: 'user', content: [{ type: 'text', text: 'And its median PFS?' }] },
      ],
    });
    expect(completion.choices[0]!.message.content).toMatch(/6\.7/);
  });

  it('declines what the papers do not answer, saying so in the text', async () => {
    const completion = await client.chat.completions.create({ model: 'paperchat', messages: [{ role: 'user', content: 'How do I reverse a list in Python?' }] });
    expect(completion.choices[0]!.message.content).toMatch(/^The indexed papers don't /);
    expect((completion as unknown as { paperchat: Extra }).paperchat).toMatchObject({ abstained: true, citations: [] });
  });

  it('refuses an unknown model, a bad conversation and non-text content with OpenAI errors', async () => {
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: KEYNOTE }] })).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
      message: expect.stringMatching(/the one model is "paperchat"/),
    });
    await expect(client.chat.completions.create({ model: 'paperchat', messages: [] })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/messages is empty/) });
    await expect(
      client.chat.completions.create({ model: 'paperchat', messages: [{ role: 'user', content: KEYNOTE }, { role: 'assistant', content: 'Nature.' }] }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/must be from the user/) });
    await expect(
      client.chat.completions.create({ model: 'paperchat', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.org/x.png' } }] }] }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/only text content/) });
    await expect(client.chat.completions.create({ model: 'paperchat', messages: [{ role: 'user', content: 'x'.repeat(2_001) }] })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/question is over 2,000 characters/),
    });
  });

  it('answers a body that is not JSON with a one-line error in OpenAI\'s shape', async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { message: 'the body is not valid JSON', type: 'invalid_request_error', param: null, code: null } });
  });
});

describe('LangChain\'s ChatOpenAI pointed at PaperChat', () => {
  it('invokes and streams', async () => {
    const model = new ChatOpenAI({ model: 'paperchat', apiKey: 'not-checked', configuration: { baseURL: `${server.url}/v1` }, maxRetries: 0 });
    const message = await model.invoke(KEYNOTE);
    expect(String(message.content)).toMatch(/Nature.*\[1\]/s);
    let streamed = '';
    for await (const chunk of await model.stream(KEYNOTE)) streamed += String(chunk.content);
    expect(streamed).toBe(String(message.content));
  });
});

describe('limits', () => {
  it('shares one rate-limit budget between POST /api/ask and /v1/chat/completions', async () => {
    const limited = await startServer(loadConfig({ ...configEnv(review), PAPERCHAT_RATE_LIMIT: '3' }));
    try {
      const limitedClient = new OpenAI({ apiKey: 'x', baseURL: `${limited.url}/v1`, maxRetries: 0 });
      for (let i = 0; i < 2; i++) {
        const response = await fetch(`${limited.url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: KEYNOTE }) });
        expect(response.status).toBe(200);
      }
      await limitedClient.chat.completions.create({ model: 'paperchat', messages: [{ role: 'user', content: KEYNOTE }] });
      await expect(limitedClient.chat.completions.create({ model: 'paperchat', messages: [{ role: 'user', content: KEYNOTE }] })).rejects.toMatchObject({
        status: 429,
        code: 'rate_limit_exceeded',
      });
      expect((await fetch(`${limited.url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: KEYNOTE }) })).status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

describe('in LLM mode', () => {
  let fake: FakeOpenAI;
  let llmServer: RunningServer;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    const llm = createLlm({ apiKey: 'sk-test-not-a-real-key', baseURL: fake.baseURL, model: 'fake-model', timeoutMs: 5_000 });
    llmServer = await startServer(review.config, { llm });
  });

  afterAll(async () => {
    await llmServer?.close();
    await fake?.close();
  });

  it('streams the model\'s tokens as they come, citations validated against the passages', async () => {
    fake.onChat = () => ({ kind: 'stream', tokens: ['KEYNOTE-811 ', 'was published ', 'in Nature ', '[', '1', '].'], delayMs: 20 });
    const llmClient = new OpenAI({ apiKey: 'x', baseURL: `${llmServer.url}/v1`, maxRetries: 0 });
    const stream = await llmClient.chat.completions.create({ model: 'paperchat', messages: [{ role: 'user', content: KEYNOTE }], stream: true });
    const pieces: string[] = [];
    let last: unknown;
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content;
      if (content) pieces.push(content);
      last = chunk;
    }
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe('KEYNOTE-811 was published in Nature [1].');
    expect((last as { paperchat: Extra }).paperchat).toMatchObject({ mode: 'llm', abstained: false });
    expect(fake.requests.at(-1)!.messages.at(-1)!.content).toMatch(/KEYNOTE-811/);
  });
});

function configEnv(index: ReviewIndex): Record<string, string> {
  return { PAPERCHAT_CORPUS_DIR: index.corpusDir, PAPERCHAT_INDEX_DIR: index.indexDir, PAPERCHAT_LOG: 'silent' };
}
