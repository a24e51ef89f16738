/**
 * PaperChat as MCP tools. Transport only, like server/http.ts: validate, call the library or
 * the answerer, shape the reply (the same shapes as the HTTP API).
 *
 *   list_papers      {}                          → { papers: [{ docId, title, authors, year?, … }] }
 *   search_passages  { query, limit?, docIds? }  → { passages: [{ id, docId, docTitle, section, page?, kind, text, refs, score }] }
 *   ask_papers       { question, history?, docIds? } → the answer object of POST /api/ask
 *   get_passage      { id }                      → as GET /api/passages/:id
 *   get_reference    { docId, n }                → as GET /api/docs/:docId/references/:n
 *
 * Every result is JSON text content plus the same object as structured content; every failure
 * (bad input, unknown id, rate limit) is a tool error with one line of text.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { createRateLimiter, type QuestionLimiter } from '../rate-limit.ts';
import { AskRequest, describeIssue, MAX_QUESTION_CHARS } from '../schemas.ts';
import { ask, type Answerer } from '../rag/answer.ts';
import type { Library } from '../rag/library.ts';
import { paperSummary, passageView, referenceView } from '../rag/views.ts';
import { advertised, MAX_SEARCH_LIMIT, PassageRequest, ReferenceRequest, SearchRequest } from './schemas.ts';

/** What the tools answer from; `Engine` is one (its library changes when the index is re-ingested). */
export interface PaperSource {
  readonly library: Library;
  readonly answerer: Answerer;
}

export interface McpOptions {
  /** Questions and searches per minute for the process's one client; 0 turns limiting off. */
  rateLimitPerMinute: number;
  version: string;
  /** Told about failures the client only sees as one line (the CLI writes them to stderr). */
  onError?: (tool: string, error: Error) => void;
}

const DEFAULT_SEARCH_LIMIT = 6;
const READ_ONLY: ToolAnnotations = { readOnlyHint: true, idempotentHint: true, openWorldHint: false };

const INSTRUCTIONS = `Questions about the indexed scientific papers, answered with exact citations. ask_papers gives a short answer whose [n] markers match citations[].n (paper, section, page, passage text) and the papers' own references behind them (with DOIs); abstained: true means the papers do not say. search_passages finds passages to read; get_passage and get_reference open a passage or a reference-list entry by id.`;

/** Builds the MCP server with PaperChat's five tools over `source`. */
export function createMcpServer(source: PaperSource, options: McpOptions): McpServer {
  const server = new McpServer({ name: 'paperchat', version: options.version }, { instructions: INSTRUCTIONS, maxToolInputElements: 1_000 });
  const limiter = createRateLimiter(options.rateLimitPerMinute);
  const register = registrar(server, limiter, options.onError);

  register('list_papers', { title: 'List papers', description: 'The indexed papers: docId, title, authors, year (when printed), pages, and counts of passages, references and glossary entries.', annotations: READ_ONLY }, undefined, () =>
    ok({ papers: source.library.index.papers.map(paperSummary) }),
  );
  register(
    'search_passages',
    {
      title: 'Search passages',
      description: 'The passages that best match a query (the retrieval behind ask_papers), best first, each with its paper, section, page, kind (paragraph, table-row, figure-caption, reference), text, the paper reference numbers it cites (refs) and a score.',
      annotations: READ_ONLY,
      limited: true,
    },
    { schema: SearchRequest, descriptions: { query: 'what to look for, in words', limit: `passages to return (1–${MAX_SEARCH_LIMIT}, default ${DEFAULT_SEARCH_LIMIT})`, docIds: 'only passages of these papers (docIds from list_papers)' } },
    (input) => searchPassages(source.library, input),
  );
  register(
    'ask_papers',
    {
      title: 'Ask the papers',
      description: 'Answers a question from the indexed papers: { answer (text with [n] markers), abstained, mode, citations [{ n, passageId, docId, docTitle, section, page?, kind, text, refs }], references [{ docId, n, authors, title, journal, year, doi? }], notice?, timings }. Pass earlier turns as history for a follow-up.',
      annotations: { readOnlyHint: true, openWorldHint: false },
      limited: true,
    },
    {
      schema: AskRequest,
      descriptions: {
        question: `the question (at most ${MAX_QUESTION_CHARS.toLocaleString('en')} characters)`,
        history: 'earlier turns of the conversation, oldest first: [{ role: "user" | "assistant", content }]',
        docIds: 'answer only from these papers (docIds from list_papers)',
      },
    },
    async (input, signal) => {
      const unknown = input.docIds?.find((docId) => !source.library.paper(docId));
      if (unknown !== undefined) return failure(`no paper with id ${JSON.stringify(unknown.slice(0, 64))}`);
      return ok(await ask(source.answerer, input.question, { history: input.history ?? [], signal, ...(input.docIds ? { docIds: input.docIds } : {}) }));
    },
  );
  register(
    'get_passage',
    { title: 'Get a passage', description: 'One passage by id (a citation passageId or a search result id): its paper, section path, page, span, text, table cells for a table row, and the references it cites.', annotations: READ_ONLY },
    { schema: PassageRequest, descriptions: { id: 'the passage id' } },
    ({ id }) => {
      const library = source.library;
      const chunk = library.index.chunkById.get(id);
      return chunk ? ok(passageView(chunk, library)) : failure(`no passage with id ${JSON.stringify(id.slice(0, 64))}`);
    },
  );
  register(
    'get_reference',
    { title: 'Get a reference', description: "One entry of a paper's own reference list (authors, title, journal, year, volume, pages, DOI, the text as printed) and the passages that cite it.", annotations: READ_ONLY },
    { schema: ReferenceRequest, descriptions: { docId: 'the paper (from list_papers or a citation)', n: "the reference's number in that paper's list" } },
    ({ docId, n }) => getReference(source.library, docId, n),
  );
  return server;
}

interface ToolConfig {
  title: string;
  description: string;
  annotations: ToolAnnotations;
  /** Counted against the rate limit (the tools that search). */
  limited?: boolean;
}

interface ToolInput<S extends z.ZodObject> {
  schema: S;
  /** Descriptions of the fields, for the client's model. */
  descriptions: Record<string, string>;
}

type Run<I> = (input: I, signal: AbortSignal) => CallToolResult | Promise<CallToolResult>;

/**
 * Registers tools that validate their arguments with the strict schema, count against the
 * rate limit when they search, and turn any failure into a one-line tool error.
 */
function registrar(server: McpServer, limiter: QuestionLimiter, onError: McpOptions['onError']) {
  return <S extends z.ZodObject>(name: string, config: ToolConfig, input: ToolInput<S> | undefined, run: Run<z.infer<S>>): void => {
    const { limited, ...metadata } = config;
    const handle = async (args: unknown, signal: AbortSignal): Promise<CallToolResult> => {
      const parsed = input ? input.schema.safeParse(args) : ({ success: true, data: {} } as const);
      if (!parsed.success) return failure(describeIssue(parsed.error));
      // One client per process, so one window for all of its questions and searches.
      if (limited && !(await limiter.consume('client')).allowed) return failure('too many questions and searches; wait a minute and try again');
      try {
        return await run(parsed.data as z.infer<S>, signal);
      } catch (error) {
        if (signal.aborted) return failure('cancelled');
        onError?.(name, error as Error);
        return failure(`${name} failed; try again`);
      }
    };
    if (input) server.registerTool(name, { ...metadata, inputSchema: advertised(input.schema, input.descriptions) }, (args, extra) => handle(args, extra.signal));
    else server.registerTool(name, metadata, (extra) => handle({}, extra.signal));
  };
}


async function searchPassages(library: Library, request: z.infer<typeof SearchRequest>): Promise<CallToolResult> {
  const unknown = request.docIds?.find((docId) => !library.paper(docId));
  if (unknown !== undefined) return failure(`no paper with id ${JSON.stringify(unknown.slice(0, 64))}`);
  const limit = request.limit ?? DEFAULT_SEARCH_LIMIT;
  // The scope applies inside retrieval, before candidates are cut (as for POST /api/ask's docIds).
  const passages = await library.retriever.retrieve(library.analyze(request.query), { limit, depth: 60, ...(request.docIds ? { docIds: new Set(request.docIds) } : {}) });
  return ok({
    passages: passages.map(({ chunk, score }) => ({
      id: chunk.id,
      docId: chunk.docId,
      docTitle: chunk.docTitle,
      section: chunk.section,
      ...(chunk.page !== undefined ? { page: chunk.page } : {}),
      kind: chunk.kind,
      text: chunk.text,
      refs: chunk.refs,
      score,
    })),
  });
}

function getReference(library: Library, docId: string, n: number): CallToolResult {
  if (!library.paper(docId)) return failure(`no paper with id ${JSON.stringify(docId.slice(0, 64))}`);
  const reference = library.reference(docId, n);
  return reference ? ok(referenceView(reference, library)) : failure(`paper ${docId} has no reference ${n}`);
}

/** The object as JSON text (for clients that read only text) and as structured content. */
function ok(value: object): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value as Record<string, unknown> };
}

function failure(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
