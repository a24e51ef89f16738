/**
 * What clients may send, validated at the edge (HTTP bodies and Socket.IO payloads alike)
 * before anything reaches the answering core. Failures become one line naming the field.
 */
import { z } from 'zod';
import type { ChatTurn } from '../lib/types.ts';
import type { ReferenceFormat } from './rag/reference-export.ts';

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

/** At most this many papers in one question's scope. */
const MAX_DOC_IDS = 100;
const MAX_DOC_ID_CHARS = 200;

/** A question's scope: the papers it may be answered from (absent: all of them). */
const DocIds = z
  .array(z.string({ message: 'each docId must be a string' }).min(1, 'a docId is empty').max(MAX_DOC_ID_CHARS, `a docId is over ${MAX_DOC_ID_CHARS} characters`), {
    message: 'docIds must be an array of paper ids',
  })
  .min(1, 'docIds is empty; leave it out to ask every paper')
  .max(MAX_DOC_IDS, `docIds has more than ${MAX_DOC_IDS} ids`);

export const AskRequest = z.object(
  {
    question: Question,
    history: z.array(Turn, { message: 'history must be an array of { role, content }' }).max(MAX_TURNS, `history has more than ${MAX_TURNS} turns`).optional(),
    docIds: DocIds.optional(),
  },
  { message: 'the body must be a JSON object { question, history?, docIds? }' },
);

/** `?docIds=a,b` of GET /api/examples: the same scope as a question's, comma-separated. */
export const ExamplesQuery = z.object({
  docIds: z
    .string({ message: 'docIds must be a comma-separated list of paper ids' })
    .transform((value) => value.split(',').map((id) => id.trim()).filter(Boolean))
    .pipe(DocIds)
    .optional(),
});

/**
 * The schema with its scope checked against the papers indexed now: an unknown docId fails
 * as "docIds: no paper with id …". `hasPaper` is asked at parse time (the index may change).
 */
export function withKnownPapers<T extends z.ZodType<{ docIds?: string[] | undefined }>>(schema: T, hasPaper: (docId: string) => boolean) {
  return schema.superRefine((value, context) => {
    const unknown = value.docIds?.find((docId) => !hasPaper(docId));
    if (unknown !== undefined) context.addIssue({ code: 'custom', path: ['docIds'], message: `no paper with id ${JSON.stringify(unknown.slice(0, 64))}` });
  });
}

export const SocketAsk = AskRequest.extend({
  id: z.union([z.string().min(1).max(100), z.number().finite()], { message: 'id must be a string or a number' }),
});

export const SocketCancel = z.object(
  { id: z.union([z.string().min(1).max(100), z.number().finite()], { message: 'id must be a string or a number' }) },
  { message: 'cancel needs { id }' },
);

export type AskRequest = z.infer<typeof AskRequest>;

/** At most this many references in one export (an answer cites far fewer). */
export const MAX_EXPORT_REFERENCES = 200;
const EXPORT_FORMATS = ['bibtex', 'ris', 'csl'] as const satisfies readonly ReferenceFormat[];

/** `?format=` of a reference export; absent means the stored JSON. */
const ExportFormat = z.enum(EXPORT_FORMATS, { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` }).optional();

export const PaperReferencesQuery = z.object({ format: ExportFormat });

/** `?refs=docId:n,docId:n` → [{ docId, n }], in order, repeats dropped. */
const ReferenceIds = z
  .string({ message: 'refs must be a comma-separated list of docId:n' })
  .transform((value, context) => {
    const items = value.split(',').map((item) => item.trim()).filter(Boolean);
    const ids: { docId: string; n: number }[] = [];
    for (const item of items) {
      // The number follows the last colon; a docId is a file name and may hold one.
      const match = /^(.+):(\d{1,6})$/.exec(item);
      if (!match) {
        context.addIssue({ code: 'custom', message: `${JSON.stringify(item.slice(0, 64))} is not docId:n` });
        return z.NEVER;
      }
      if (!ids.some((id) => id.docId === match[1] && id.n === Number(match[2]))) ids.push({ docId: match[1]!, n: Number(match[2]) });
    }
    return ids;
  })
  .refine((ids) => ids.length > 0, 'refs is empty')
  .refine((ids) => ids.length <= MAX_EXPORT_REFERENCES, `refs has more than ${MAX_EXPORT_REFERENCES} entries`);

export const ReferencesQuery = z.object({ refs: ReferenceIds, format: ExportFormat });

/** The first problem of a failed parse, as one line: "history.0.role: role must be …". */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  const path = issue.path.join('.');
  return path && !issue.message.startsWith(String(issue.path[0])) ? `${path}: ${issue.message}` : issue.message;
}

/**
 * An OpenAI chat-completions request, as far as PaperChat reads it: the last message is the
 * question and the user/assistant turns before it are the history (system and tool messages
 * are dropped: the papers, not the caller's instructions, set what is answered). Other fields
 * (temperature, max_tokens, …) are accepted and ignored.
 */
const ContentPart = z.object({ type: z.string(), text: z.string().optional() }, { message: 'each content part must be an object { type, text }' });
const ChatMessage = z.object(
  {
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function'], { message: 'role must be system, developer, user, assistant or tool' }),
    content: z.union([z.string(), z.array(ContentPart), z.null()], { message: 'content must be a string or an array of text parts' }).optional(),
  },
  { message: 'each message must be an object { role, content }' },
);

export const ChatCompletionRequest = z.object(
  {
    model: z.string({ message: 'model must be a string' }).max(200, 'model is over 200 characters'),
    messages: z.array(ChatMessage, { message: 'messages must be an array' }).min(1, 'messages is empty').max(MAX_TURNS * 2, `messages has more than ${MAX_TURNS * 2} entries`),
    stream: z.boolean({ message: 'stream must be true or false' }).nullish(),
  },
  { message: 'the body must be a JSON object { model, messages, stream? }' },
);

export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

/** The question and history of a chat-completions request, or a one-line reason it has none. */
export function conversationOf(request: ChatCompletionRequest): AskRequest | { error: string } {
  const turns: ChatTurn[] = [];
  for (const [i, message] of request.messages.entries()) {
    if (message.role !== 'user' && message.role !== 'assistant') continue;
    const content = textOf(message.content);
    if (content === undefined) return { error: `messages.${i}.content: only text content is supported` };
    turns.push({ role: message.role, content });
  }
  const last = turns.pop();
  if (!last || last.role !== 'user') return { error: 'the last user or assistant message must be from the user' };
  const parsed = AskRequest.safeParse({ question: last.content, history: turns.slice(-MAX_TURNS) });
  return parsed.success ? parsed.data : { error: describeIssue(parsed.error) };
}

function textOf(content: string | { type: string; text?: string | undefined }[] | null | undefined): string | undefined {
  if (typeof content === 'string') return content;
  if (!content) return '';
  if (content.some((part) => part.type !== 'text' || typeof part.text !== 'string')) return undefined;
  return content.map((part) => part.text).join('\n');
}
