/** The eval questions (eval/questions.jsonl; format in eval/FORMAT.md). Never the holdout set. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChatTurn } from '../lib/types.ts';

export interface EvalQuestion {
  id: string;
  category: string;
  question: string;
  history?: ChatTurn[];
  answerable: boolean;
  /** Every inner list is one required fact; any one of its strings satisfies it. */
  facts: string[][];
}

export async function loadQuestions(repo: string): Promise<EvalQuestion[]> {
  const path = join(repo, 'eval', 'questions.jsonl');
  const lines = (await readFile(path, 'utf8')).split('\n');
  const questions: EvalQuestion[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '' || line.trimStart().startsWith('//')) return;
    let parsed: Partial<EvalQuestion>;
    try {
      parsed = JSON.parse(line) as Partial<EvalQuestion>;
    } catch {
      throw new Error(`bench: ${path}:${i + 1} is not valid JSON`);
    }
    if (typeof parsed.question !== 'string' || typeof parsed.answerable !== 'boolean' || !Array.isArray(parsed.facts)) {
      throw new Error(`bench: ${path}:${i + 1} lacks question, answerable or facts (see eval/FORMAT.md)`);
    }
    questions.push({
      id: parsed.id ?? `line-${i + 1}`,
      category: parsed.category ?? 'body',
      question: parsed.question,
      ...(parsed.history && parsed.history.length > 0 ? { history: parsed.history } : {}),
      answerable: parsed.answerable,
      facts: parsed.facts,
    });
  });
  if (questions.length === 0) throw new Error(`bench: no questions in ${path}`);
  return questions;
}
