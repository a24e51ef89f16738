/**
 * The LLM path against a real OpenAI-compatible HTTP server on 127.0.0.1 (streaming SSE):
 * tokens stream, invented citations never show, and every failure ends in the offline answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer, AnswerEvent } from '../../../lib/types.ts';
import { createAnswerer, type Answerer } from '../../../server/rag/answer.ts';
import type { Library } from '../../../server/rag/library.ts';
import { createLlm } from '../../../server/rag/llm.ts';
import { openLibrary } from '../../../server/rag/setup.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../support/fake-openai.ts';
import { buildReviewIndex, type ReviewIndex } from '../../support/fixtures.ts';

let review: ReviewIndex;
let library: Library;
let fake: FakeOpenAI;
let answerer: Answerer;

beforeAll(async () => {
  review = await buildReviewIndex();
  library = await openLibrary(review.config);
  fake = await startFakeOpenAI();
  const llm = createLlm({ apiKey: 'sk-test-not-a-real-key', baseURL: fake.baseURL, model: 'fake-model', timeoutMs: 1_500 });
  answerer = createAnswerer({ library: () => library, llm });
});

afterAll(async () => {
  await fake?.close();
  await review?.remove();
});

async function collect(question: string, history: { role: 'user' | 'assistant'; content: string }[] = []): Promise<{ deltas: string[]; final: Answer; resets: number }> {
  let deltas: string[] = [];
  let final: Answer | undefined;
  let resets = 0;
  for await (const event of answerer.answer(question, { history }) as AsyncGenerator<AnswerEvent, Answer>) {
    if (event.type === 'answer-delta') deltas.push(event.text);
    else if (event.type === 'answer-reset') {
      resets++;
      deltas = [];
    } else final = event.answer;
  }
  if (!final) throw new Error('no answer-done event');
  return { deltas, final, resets };
}

describe('LLM answers over a streaming OpenAI-compatible server', () => {
  it('streams tokens as they arrive and cites the passages the model saw', async () => {
    fake.onChat = () => ({ kind: 'stream', tokens: ['T-DXd ', 'prolonged ', 'overall survival ', 'to 12.5 months ', '[', '1', '].', ' It also ', 'raised the response rate [2].'], delayMs: 15 });
    const { deltas, final } = await collect('What did DESTINY-Gastric01 show?');
    expect(final.mode).toBe('llm');
    expect(final.abstained).toBe(false);
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.join('')).toBe(final.answer);
    expect(final.answer).toBe('T-DXd prolonged overall survival to 12.5 months [1]. It also raised the response rate [2].');
    expect(final.citations.map((citation) => citation.n)).toEqual([1, 2]);
    for (const citation of final.citations) expect(library.index.chunkById.has(citation.passageId)).toBe(true);
    // The prompt carried numbered passages and the question.
    const prompt = fake.requests.at(-1)!;
    expect(prompt.stream).toBe(true);
    expect(prompt.messages.at(-1)!.content).toMatch(/<passage n="1" source="[^"]+">\n/);
    expect(prompt.messages.at(-1)!.content).toContain('Question: What did DESTINY-Gastric01 show?');
  });

  it('never shows a half-written marker: a split [1] arrives whole', async () => {
    fake.onChat = () => ({ kind: 'stream', tokens: ['Trastuzumab binds domain IV ', '[', '1', '] and pertuzumab domain II [', '2', ']', '.'] });
    const { deltas, final } = await collect('Where do trastuzumab and pertuzumab bind HER2?');
    for (const delta of deltas) expect(delta).not.toMatch(/\[\d*$|^\d*\]/);
    expect(final.answer).toBe('Trastuzumab binds domain IV [1] and pertuzumab domain II [2].');
  });

  it('removes a citation number that is not one of the given passages', async () => {
    fake.onChat = () => ({ kind: 'stream', tokens: ['The ORR was 53% [1]', ' and the DCR 73% [9].', ' See also [3, 42].'] });
    const { deltas, final } = await collect('What did the MAHOGANY trial report?');
    expect(final.answer).not.toContain('[9]');
    expect(final.answer).not.toContain('42');
    expect(deltas.join('')).not.toContain('[9]');
    expect(final.answer).toBe('The ORR was 53% [1] and the DCR 73%. See also [2].');
    expect(final.citations).toHaveLength(2);
  });

  it('falls back to the extractive answer when the answer cites nothing valid', async () => {
    fake.onChat = () => ({ kind: 'stream', tokens: ['Zanidatamab is a bispecific antibody [12].'] });
    const { final } = await collect('What is ZW25?');
    expect(final.mode).toBe('extractive');
    expect(final.notice).toMatch(/cited no passage/);
    expect(final.answer).toMatch(/bispecific/i);
    expect(final.citations.length).toBeGreaterThan(0);
  });

  it('falls back with a notice on a server error (500)', async () => {
    fake.onChat = () => ({ kind: 'status', status: 500 });
    const { deltas, final } = await collect('What does T-DXd stand for?');
    expect(final.mode).toBe('extractive');
    expect(final.notice).toMatch(/LLM unavailable \(server error 500\)/);
    expect(final.answer).toMatch(/trastuzumab deruxtecan/i);
    expect(deltas.join('')).toBe(final.answer);
  });

  it('falls back with a notice when the key is refused (401) or rate limited (429)', async () => {
    fake.onChat = () => ({ kind: 'status', status: 401, message: 'Incorrect API key provided' });
    const refused = await collect('What does ADCC stand for?');
    expect(refused.final.mode).toBe('extractive');
    expect(refused.final.notice).toMatch(/key was refused/);
    fake.onChat = () => ({ kind: 'status', status: 429 });
    const limited = await collect('What does ADCC stand for?');
    expect(limited.final.notice).toMatch(/rate limited/);
  });

  it('falls back with a notice on a time-out', async () => {
    fake.onChat = () => ({ kind: 'hang' });
    const started = Date.now();
    const { final } = await collect('What is KN026?');
    expect(final.mode).toBe('extractive');
    expect(final.notice).toMatch(/LLM unavailable \(timed out\)/);
    expect(final.answer).toMatch(/KN026/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('falls back when the stream drops before any citation, taking back the text shown', async () => {
    fake.onChat = () => ({ kind: 'drop', tokens: ['Partial answer without'] });
    const { deltas, final, resets } = await collect('What does T-DXd stand for?');
    expect(final.mode).toBe('extractive');
    expect(final.notice).toMatch(/LLM unavailable/);
    expect(resets).toBe(1);
    expect(deltas.join('')).toBe(final.answer);
  });

  it('shows the first words at once, before the sentence\'s citation arrives', async () => {
    fake.onChat = () => ({ kind: 'stream', tokens: ['T-DXd ', 'prolonged ', 'overall survival ', '[', '1', '].'], delayMs: 15 });
    const events: string[] = [];
    for await (const event of answerer.answer('What did DESTINY-Gastric01 show?') as AsyncGenerator<AnswerEvent, Answer>) {
      events.push(event.type === 'answer-delta' ? event.text : event.type);
    }
    expect(events[0]).toBe('T-DXd');
    expect(events.slice(0, -1).join('')).toBe('T-DXd prolonged overall survival [1].');
    expect(events.at(-1)).toBe('answer-done');
  });

  it('starts over with the offline answer when the stream drops after text was shown', async () => {
    fake.onChat = () => ({ kind: 'drop', tokens: ['Trastuzumab deruxtecan [1]', ' and then the connection'] });
    const { deltas, final, resets } = await collect('What does T-DXd stand for?');
    expect(resets).toBe(1);
    expect(final.mode).toBe('extractive');
    expect(final.notice).toMatch(/LLM unavailable \(.+\), answered offline; the streamed text was replaced/);
    expect(deltas.join('')).toBe(final.answer);
  });

  it('reports a decline from the model as abstained', async () => {
    fake.onChat = () => ({ kind: 'stream', tokens: ["The indexed papers don't say."] });
    const { final } = await collect('What did the KEYNOTE-811 trial report for quality of life scores?');
    expect(final.mode).toBe('llm');
    expect(final.abstained).toBe(true);
    expect(final.citations).toEqual([]);
  });

  it.each([
    'My oncologist mentioned Enhertu for my dad. Did it help people with stomach cancer live longer?',
    'roughly how many people got chemo plus herceptin in the big trial?',
  ])('shows an everyday-wording question to the model with the passages that answer it: %s', async (question) => {
    const before = fake.requests.length;
    fake.onChat = () => ({ kind: 'stream', tokens: ['Yes: overall survival was longer [1].'] });
    const { final } = await collect(question);
    expect(fake.requests.length).toBe(before + 1);
    expect(final).toMatchObject({ mode: 'llm', abstained: false });
    // The passages the model was given hold the trastuzumab evidence, not just any text.
    const prompt = JSON.stringify(fake.requests[fake.requests.length - 1]);
    expect(prompt).toMatch(/trastuzumab/i);
  });

  it('does not call the model for a question the papers clearly do not cover', async () => {
    const before = fake.requests.length;
    fake.onChat = () => ({ kind: 'stream', tokens: ['Paris [1].'] });
    const { final } = await collect('What is the capital of France?');
    expect(final.abstained).toBe(true);
    expect(fake.requests.length).toBe(before);
  });

  it('rewrites a follow-up into a standalone question with the model', async () => {
    fake.onChat = (request) =>
      request.stream
        ? { kind: 'stream', tokens: ['The median PFS was 6.7 vs 5.5 months [1].'] }
        : { kind: 'stream', tokens: ['What was the median PFS in the TOGA trial?'] };
    const { final } = await collect('And its median PFS?', [
      { role: 'user', content: 'What did the TOGA trial show for trastuzumab plus chemotherapy?' },
      { role: 'assistant', content: 'It improved overall survival [1].' },
    ]);
    const rewrite = fake.requests.find((request) => !request.stream);
    expect(rewrite?.messages.at(-1)!.content).toContain('TOGA');
    expect(rewrite?.messages.at(-1)!.content).toContain('And its median PFS?');
    expect(final.mode).toBe('llm');
    // The passages given to the model were found with the rewritten question.
    const answerPrompt = fake.requests.at(-1)!;
    expect(answerPrompt.messages.at(-1)!.content).toMatch(/TOGA/);
  });
});
