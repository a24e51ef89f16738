/**
 * What clients may send, validated at the edge (HTTP bodies and Socket.IO payloads alike)
 * before anything reaches the answering core. Failures become one line naming the field.
 */
import { z } from 'zod';

export const MAX_QUESTION_CHARS = 2_000;
const MAX_TURN_CHARS = 8_000;
const MAX_TURNS = 50;

const Turn = z.object(
  {
    role: z.enum(['user', 'assistant'], { message: 'role must be "user" or "assistant"' }),
    content: z.string({ message: 'content must be a string' }).max(MAX_TURN_CHARS, `content is over ${MAX_TURN_CHARS.toLocaleString('en')} characters`),
  },
  { message: 'each turn must be an object { role, content }' },
);

const Question = z
  .string({ message: 'question must be a string' })
  .refine((value) => value.trim().length > 0, 'question is empty')
  .refine((value) => value.length <= MAX_QUESTION_CHARS, `question is over ${MAX_QUESTION_CHARS.toLocaleString('en')} characters`);

export const AskRequest = z.object(
  {
    question: Question,
    history: z.array(Turn, { message: 'history must be an array of { role, content }' }).max(MAX_TURNS, `history has more than ${MAX_TURNS} turns`).optional(),
  },
  { message: 'the body must be a JSON object { question, history? }' },
);

export const SocketAsk = AskRequest.extend({
  id: z.union([z.string().min(1).max(100), z.number().finite()], { message: 'id must be a string or a number' }),
});

export const SocketCancel = z.object(
  { id: z.union([z.string().min(1).max(100), z.number().finite()], { message: 'id must be a string or a number' }) },
  { message: 'cancel needs { id }' },
);

export type AskRequest = z.infer<typeof AskRequest>;

/** The first problem of a failed parse, as one line: "history.0.role: role must be …". */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  const path = issue.path.join('.');
  return path && !issue.message.startsWith(String(issue.path[0])) ? `${path}: ${issue.message}` : issue.message;
}
