/**
 * What MCP clients may send to the tools besides a question (ask_papers takes POST /api/ask's
 * own schema, AskRequest), with the same limits. Failures become one line naming the field.
 */
import { z } from 'zod';
import { MAX_QUESTION_CHARS } from '../schemas.ts';

/** Passages `search_passages` returns at most. */
export const MAX_SEARCH_LIMIT = 50;
const MAX_DOC_IDS = 100;
const MAX_ID_CHARS = 200;

const Query = z
  .string({ message: 'query must be a string' })
  .refine((value) => value.trim().length > 0, 'query is empty')
  .refine((value) => value.length <= MAX_QUESTION_CHARS, `query is over ${MAX_QUESTION_CHARS.toLocaleString('en')} characters`);

const DocId = z.string({ message: 'docId must be a string' }).min(1, 'docId is empty').max(MAX_ID_CHARS, `docId is over ${MAX_ID_CHARS} characters`);

export const SearchRequest = z.object({
  query: Query,
  limit: z.number({ message: 'limit must be a number' }).int('limit must be a whole number').min(1, 'limit must be at least 1').max(MAX_SEARCH_LIMIT, `limit must be at most ${MAX_SEARCH_LIMIT}`).optional(),
  docIds: z.array(DocId, { message: 'docIds must be an array of paper ids' }).min(1, 'docIds is empty').max(MAX_DOC_IDS, `docIds has more than ${MAX_DOC_IDS} ids`).optional(),
});

export const PassageRequest = z.object({
  id: z.string({ message: 'id must be a string' }).min(1, 'id is empty').max(MAX_ID_CHARS, `id is over ${MAX_ID_CHARS} characters`),
});

export const ReferenceRequest = z.object({
  docId: DocId,
  n: z.number({ message: 'n must be a number' }).int('n must be a whole number').min(1, 'n must be at least 1'),
});

/**
 * A tool's input schema as the SDK is given it: clients see the strict schema's JSON Schema
 * (types, limits, required fields), but the SDK lets any value through, so the handler
 * validates with the strict schema and answers with its one-line message (the SDK's own check
 * would prefix the message and list every issue, one per line).
 */
export function advertised(schema: z.ZodObject, descriptions: Record<string, string>): z.ZodObject {
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, object>; required?: string[] };
  const shape = Object.fromEntries(
    Object.keys(schema.shape).map((key) => [key, z.unknown().meta({ ...json.properties?.[key], ...(descriptions[key] ? { description: descriptions[key] } : {}) }).optional()]),
  );
  return z.object(shape).meta({ required: json.required ?? [] });
}
