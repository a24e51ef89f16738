/**
 * `--judge`: an LLM grades each answer against the question's facts. A second opinion shown as
 * an extra column (it catches paraphrases the string matcher misses, and vice versa); it never
 * replaces the deterministic checks, which are what the thresholds gate.
 */
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { z } from 'zod';
import type { LlmConfig } from '../lib/config.ts';

export type Verdict = 'correct' | 'partial' | 'incorrect';

export interface JudgeVerdict {
  /** `error` when the judge could not be asked or its reply could not be read. */
  verdict: Verdict | 'error';
  reason: string;
}

export interface JudgeInput {
  question: string;
  answerable: boolean;
  facts: string[][];
  answer: string;
}

export interface Judge {
  readonly model: string;
  grade(input: JudgeInput): Promise<JudgeVerdict>;
}

const INSTRUCTIONS = `You grade answers of a question-answering system over scientific papers.
You get the question, the facts a correct answer must state (each fact lists acceptable alternatives), and the system's answer.
Citation markers like [1] are not part of the content. Judge meaning, not wording; extra correct detail is fine.
- "correct": every fact is stated (in any wording) and nothing contradicts them.
- "partial": some but not all facts are stated.
- "incorrect": no fact is stated, the answer contradicts them, or it declines.
When the papers do not answer the question (no facts given), "correct" means the answer declines instead of answering.
Reply with JSON only: {"verdict": "correct" | "partial" | "incorrect", "reason": "<one short sentence>"}`;

const Reply = z.object({ verdict: z.enum(['correct', 'partial', 'incorrect']), reason: z.string().default('') });

/** The prompt's user message; exported so the wording is tested, not guessed. */
export function judgePrompt(input: JudgeInput): string {
  const facts = input.answerable
    ? input.facts.map((alternatives, i) => `${i + 1}. ${alternatives.map((alternative) => JSON.stringify(alternative)).join(' or ')}`).join('\n')
    : '(none: the papers do not answer this question; the answer should decline)';
  return `Question: ${input.question}\n\nRequired facts:\n${facts}\n\nAnswer:\n${input.answer}`;
}

/** Reads the judge's reply: the first JSON object in it. */
export function parseVerdict(text: string): JudgeVerdict {
  const json = /\{[\s\S]*\}/.exec(text)?.[0];
  if (!json) return { verdict: 'error', reason: `no JSON in the reply: ${text.slice(0, 80)}` };
  try {
    const parsed = Reply.safeParse(JSON.parse(json));
    if (parsed.success) return parsed.data;
    return { verdict: 'error', reason: `unexpected reply: ${json.slice(0, 80)}` };
  } catch {
    return { verdict: 'error', reason: `unreadable JSON: ${json.slice(0, 80)}` };
  }
}

/** A judge backed by the configured OpenAI-compatible model (temperature 0). */
export function createLlmJudge(config: LlmConfig): Judge {
  const chat = new ChatOpenAI({
    model: config.model,
    apiKey: config.apiKey,
    temperature: 0,
    maxRetries: 2,
    timeout: config.timeoutMs,
    ...(config.baseURL ? { configuration: { baseURL: config.baseURL } } : {}),
  });
  return {
    model: config.model,
    async grade(input) {
      try {
        const response = await chat.invoke([new SystemMessage(INSTRUCTIONS), new HumanMessage(judgePrompt(input))]);
        return parseVerdict(typeof response.content === 'string' ? response.content : JSON.stringify(response.content));
      } catch (error) {
        return { verdict: 'error', reason: (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 120) };
      }
    },
  };
}
