/**
 * The question sets (`eval/*.jsonl`, see FORMAT.md): parsed and validated line by line, so a
 * bad line is reported as `file:line: field: problem` instead of a confusing score later.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from './errors.ts';

export const CATEGORIES = [
  'body',
  'table',
  'reference',
  'abbreviation',
  'paraphrase',
  'comparison',
  'list',
  'followup',
  'unanswerable',
  'offtopic',
] as const;

export type Category = (typeof CATEGORIES)[number];

/** Categories whose answers may be longer (several items or both sides of a comparison). */
export const LONG_ANSWER_CATEGORIES: ReadonlySet<Category> = new Set(['list', 'comparison']);

// Messages name no field: the loader prefixes the path ("facts.0: needs at least one alternative").
const nonEmpty = z.string({ message: 'must be a string' }).refine((value) => value.trim().length > 0, 'is empty');

const Turn = z.strictObject({
  role: z.enum(['user', 'assistant'], { message: 'must be "user" or "assistant"' }),
  content: z.string({ message: 'must be a string' }),
});

const QuestionSchema = z.strictObject({
  id: nonEmpty,
  category: z.enum(CATEGORIES, { message: `must be one of ${CATEGORIES.join(', ')}` }),
  tags: z.array(nonEmpty, { message: 'must be a list of strings' }).optional(),
  question: nonEmpty,
  history: z.array(Turn, { message: 'must be a list of {role, content}' }).optional(),
  answerable: z.boolean({ message: 'must be true or false' }),
  facts: z.array(z.array(nonEmpty, { message: 'must be a list of alternative strings' }).min(1, 'needs at least one alternative'), {
    message: 'must be a list of lists of strings',
  }),
  refs: z.array(z.number({ message: 'must be a number' }).int('must be a whole number').positive('must be positive'), { message: 'must be a list of numbers' }),
  section: z.string({ message: 'must be a string' }),
  evidence: z.string({ message: 'must be a string' }),
  doc: nonEmpty.optional(),
});

export type EvalQuestion = z.infer<typeof QuestionSchema> & {
  /** Where the question was read from, for messages: `eval/questions.jsonl:12`. */
  source: string;
};

/** A question set that cannot be used; the message is one line naming the file and line. */
export class QuestionSetError extends InputError {
  override name = 'QuestionSetError';
}

/** Parses a JSONL question set. `file` is only used in messages. Throws `QuestionSetError`. */
export function parseQuestions(text: string, file: string): EvalQuestion[] {
  const questions: EvalQuestion[] = [];
  const seen = new Map<string, string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('//')) return;
    const where = `${file}:${index + 1}`;
    const question = parseLine(line, where);
    const first = seen.get(question.id);
    if (first) throw new QuestionSetError(`eval: ${where}: duplicate id "${question.id}" (first at ${first})`);
    seen.set(question.id, where);
    questions.push(question);
  });
  if (questions.length === 0) throw new QuestionSetError(`eval: ${file}: no questions (only blank lines or comments)`);
  return questions;
}

/** Reads and parses a question set. */
export async function loadQuestions(file: string): Promise<EvalQuestion[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new QuestionSetError(`eval: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseQuestions(text, file);
}

function parseLine(line: string, where: string): EvalQuestion {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    throw new QuestionSetError(`eval: ${where}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = QuestionSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join('.');
    let message = issue.message;
    // zod reports unknown keys without a path; name them, they are usually typos ("fact").
    if (issue.code === 'unrecognized_keys') message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    else if (issue.code === 'invalid_type' && valueAt(json, issue.path) === undefined) message = 'is missing';
    throw new QuestionSetError(`eval: ${where}: ${path ? `${path}: ` : ''}${message}`);
  }
  const question = parsed.data;
  const problem = consistencyProblem(question);
  if (problem) throw new QuestionSetError(`eval: ${where}: ${problem}`);
  return { ...question, source: where };
}

function valueAt(json: unknown, path: PropertyKey[]): unknown {
  let value = json;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/** Rules between fields that a schema of single fields cannot express. */
function consistencyProblem(question: z.infer<typeof QuestionSchema>): string | undefined {
  if ((question.category === 'unanswerable' || question.category === 'offtopic') && question.answerable) {
    return `a question in category "${question.category}" must have "answerable": false`;
  }
  if (question.answerable && question.facts.length === 0) return 'an answerable question needs at least one fact';
  if (!question.answerable && question.facts.length > 0) return 'a question with "answerable": false must have no facts';
  return undefined;
}
