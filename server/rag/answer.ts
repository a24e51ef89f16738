/**
 * Answering a question: rewrite a follow-up → analyse → retrieve → decide whether the papers
 * hold the answer → compose it (extractively, or with the LLM when one is configured) → cite.
 * Yields `answer-delta` events as the text grows and ends with `answer-done`; LLM failures of
 * any kind end in the extractive answer with a notice, never in an exception.
 */
import type { Answer, AnswerEvent, ChatTurn } from '../../lib/types.ts';
import { assembleAnswer, citationFor, referencesOf, type CitedPart } from './cite.ts';
import { CitationGuard } from './citation-stream.ts';
import { answerExtractively } from './extractive.ts';
import type { Library } from './library.ts';
import { DECLINE_PHRASE, type Llm, type PromptPassage } from './llm.ts';
import type { AbstainReason } from './evidence.ts';
import type { AnalyzedQuestion, AnswerType } from './question.ts';
import { DEFAULT_RETRIEVE, type Passage } from './retrieve.ts';

export interface AnswerOptions {
  history?: ChatTurn[];
  signal?: AbortSignal;
  /** Answer only from these papers (the question's scope); all papers when absent. */
  docIds?: readonly string[];
}

export interface Answerer {
  readonly mode: 'extractive' | 'llm';
  readonly model?: string;
  answer(question: string, options?: AnswerOptions): AsyncGenerator<AnswerEvent, Answer>;
}

export interface AnswererParts {
  /** The library to answer from; read once per question, so an index swap never splits one. */
  library: () => Library;
  llm?: Llm;
}

/** How many passages the LLM sees. */
const LLM_PASSAGES = 6;

export function createAnswerer(parts: AnswererParts): Answerer {
  return {
    mode: parts.llm ? 'llm' : 'extractive',
    ...(parts.llm ? { model: parts.llm.model } : {}),
    answer: (question, options = {}) => answer(parts, question, options),
  };
}

/** Runs the generator to the end and returns the final answer. */
export async function ask(answerer: Answerer, question: string, options: AnswerOptions = {}): Promise<Answer> {
  const iterator = answerer.answer(question, options);
  for (;;) {
    const step = await iterator.next();
    if (step.done) return step.value;
  }
}

async function* answer(parts: AnswererParts, question: string, options: AnswerOptions): AsyncGenerator<AnswerEvent, Answer> {
  const library = parts.library();
  const history = options.history ?? [];
  const signal = options.signal ?? new AbortController().signal;
  const started = performance.now();

  let notice: string | undefined;
  let standalone = question;
  if (parts.llm && history.length > 0) {
    try {
      standalone = await parts.llm.rewrite(question, history, signal);
    } catch (error) {
      throwIfAborted(signal);
      notice = `LLM unavailable (${describe(error)}), answered offline`;
    }
  }
  const analyzed = library.analyze(standalone, standalone === question ? history : []);
  const scope = options.docIds ? new Set(options.docIds) : undefined;
  const passages = await library.retriever.retrieve(analyzed, { ...DEFAULT_RETRIEVE, ...(scope ? { docIds: scope } : {}) });
  const retrieveMs = performance.now() - started;
  throwIfAborted(signal);

  const extractive = inScope(answerExtractively(analyzed, passages, library), scope);
  const timings = () => ({ retrieveMs: round(retrieveMs), answerMs: round(performance.now() - started - retrieveMs) });
  // Only a subject no paper names is out of the model's reach; everything else it may judge itself.
  const clearlyAbsent = extractive.abstainReason === 'missing-entity';

  if (parts.llm && !clearlyAbsent && !notice) {
    const result = yield* answerWithLlm(parts.llm, analyzed, question, history, passages, extractive.parts, library, signal, timings);
    if (result.answer) return result.answer;
    notice = result.notice;
  }
  if (extractive.abstainReason || extractive.parts.length === 0) {
    const final = declined(declineText(question, analyzed, extractive.abstainReason), parts.llm ? 'llm' : 'extractive', timings(), notice);
    yield { type: 'answer-delta', text: final.answer };
    yield { type: 'answer-done', answer: final };
    return final;
  }
  const final = assembleAnswer(extractive.parts, library, 'extractive', timings());
  if (notice) final.notice = notice;
  // Offline answers are ready at once; stream them by sentence for a steady interface.
  for (const piece of final.answer.match(/[^\]]*\](?:[.!?]["')]?)?\s*|.+$/g) ?? [final.answer]) yield { type: 'answer-delta', text: piece };
  final.timings = timings();
  yield { type: 'answer-done', answer: final };
  return final;
}

/**
 * Retrieval keeps to the scope; this also drops what the answer reaches beyond the retrieved
 * passages (a table's other rows, a defining passage, a cited entry) in papers outside it.
 */
function inScope<T extends { parts: CitedPart[] }>(extractive: T, scope: ReadonlySet<string> | undefined): T {
  return scope ? { ...extractive, parts: extractive.parts.filter((part) => scope.has(part.chunk.docId)) } : extractive;
}

interface LlmResult {
  answer?: Answer;
  notice?: string;
}

async function* answerWithLlm(
  llm: Llm,
  analyzed: AnalyzedQuestion,
  question: string,
  history: ChatTurn[],
  passages: Passage[],
  evidenceParts: CitedPart[],
  library: Library,
  signal: AbortSignal,
  timings: () => Answer['timings'],
): AsyncGenerator<AnswerEvent, LlmResult> {
  // The extractive evidence first (it is the best-checked), then the best of the rest.
  const chunks = [...new Map([...evidenceParts.map((part) => part.chunk), ...passages.map((passage) => passage.chunk)].map((chunk) => [chunk.id, chunk])).values()].slice(
    0,
    LLM_PASSAGES,
  );
  const prompt: PromptPassage[] = chunks.map((chunk, i) => ({
    n: i + 1,
    source: [chunk.docTitle, chunk.section, chunk.page !== undefined ? `page ${chunk.page}` : ''].filter(Boolean).join(' — '),
    text: chunk.table?.caption ? `${chunk.table.caption} ${chunk.text}` : chunk.text,
    ...(chunk.instructions ? { instructions: true } : {}),
  }));
  const guard = new CitationGuard(prompt.length);
  let shown = '';
  try {
    // Text is shown as it comes (the guard holds back only a marker being written); an answer
    // that ends citing nothing is taken back with `answer-reset` and replaced.
    for await (const token of llm.streamAnswer(analyzed.text, prompt, history, signal)) {
      const text = guard.push(token);
      if (text) {
        shown += text;
        yield { type: 'answer-delta', text };
      }
    }
    const rest = guard.flush();
    if (guard.cited.length === 0) {
      if (shown + rest) yield { type: 'answer-reset' };
      if (isDecline(shown + rest)) {
        const final = declined(declineText(question, analyzed), 'llm', timings());
        yield { type: 'answer-delta', text: final.answer };
        yield { type: 'answer-done', answer: final };
        return { answer: final };
      }
      return { notice: 'the model cited no passage, answered offline' };
    }
    if (guard.cited.some((n) => prompt[n - 1]?.instructions)) {
      // Citing text that addresses a model is how an obeyed injection shows: not shown as an answer.
      yield { type: 'answer-reset' };
      return { notice: 'the model cited a passage that reads as instructions to a model, answered offline' };
    }
    if (rest) {
      shown += rest;
      yield { type: 'answer-delta', text: rest };
    }
  } catch (error) {
    throwIfAborted(signal);
    if (shown) yield { type: 'answer-reset' };
    return { notice: `LLM unavailable (${describe(error)}), answered offline${shown ? '; the streamed text was replaced' : ''}` };
  }
  const citations = guard.cited.map((modelNumber, i) => {
    const chunk = chunks[modelNumber - 1]!;
    return citationFor(chunk, i + 1, chunk.refs, library);
  });
  const final: Answer = {
    answer: shown,
    abstained: false,
    mode: 'llm',
    citations,
    references: referencesOf(citations, library),
    timings: timings(),
  };
  yield { type: 'answer-done', answer: final };
  return { answer: final };
}

function isDecline(text: string): boolean {
  return /indexed papers (?:don't|do not) say|passages do not contain|not (?:contained|mentioned|stated) in the passages/i.test(text) || text.trim() === DECLINE_PHRASE;
}

/** What a decline says is missing, by the kind of answer asked for. */
const ASKED_FOR: Partial<Record<AnswerType, string>> = {
  percentage: 'a percentage',
  frequency: 'a frequency',
  duration: 'a duration',
  count: 'a number',
  year: 'a year',
  dose: 'a dose',
  money: 'a cost',
  doi: 'a DOI',
  ratio: 'a hazard or odds ratio',
  version: 'a version',
};

/**
 * A decline that names what is missing: the thing no paper mentions ("The indexed papers don't
 * mention zolbetuximab."), the kind of answer none gives for the subject ("… don't give a dose
 * for trastuzumab deruxtecan."), or else the question as an indirect one.
 */
export function declineText(question: string, analyzed?: AnalyzedQuestion, reason?: AbstainReason): string {
  const own = analyzed?.concepts.filter((concept) => !concept.carried) ?? [];
  const absent = own.filter((concept) => concept.absent && concept.name).map((concept) => safe(concept.surface));
  if (reason === 'missing-entity' && absent.length > 0) return `The indexed papers don't mention ${joinWords(absent, 'or')}.`;
  const asked = analyzed ? ASKED_FOR[analyzed.expected] : undefined;
  const subject = (analyzed?.concepts.filter((concept) => concept.key && !concept.absent) ?? []).map((concept) => safe(concept.surface));
  if (reason === 'missing-type' && asked) return `The indexed papers don't give ${asked}${subject.length > 0 ? ` for ${joinWords(subject.slice(0, 3), 'and')}` : ''}.`;
  const indirect = indirectQuestion(question);
  if (indirect) return `The indexed papers don't say ${indirect}.`;
  // Other wordings ("what did … show?", "my supervisor wants…") do not turn into an indirect
  // question by word order alone: name what no paper uses, else the subject, instead of echoing them.
  const unused = own.filter((concept) => concept.absent && !concept.common).map((concept) => safe(concept.surface));
  if (unused.length > 0) return `The indexed papers don't mention ${joinWords(unused.slice(0, 3), 'or')}.`;
  const named = (analyzed?.concepts.filter((concept) => concept.key && !concept.absent && /\p{L}/u.test(concept.surface) && !concept.surface.includes('/')) ?? []).map((concept) => safe(concept.surface));
  return named.length > 0 ? `The indexed papers don't answer that about ${joinWords(named.slice(0, 3), 'and')}.` : "The indexed papers don't say.";
}

/**
 * "What is the capital of France?" → "what the capital of France is"; "Is X approved?" →
 * "whether is X approved" is not English, so only the inversions word order undoes.
 */
function indirectQuestion(question: string): string | undefined {
  const q = safe(question).replace(/[?.!\s]+$/, '');
  const inverted = /^(what|who|which|where|how \w+)\s+(is|are|was|were)\s+(.+)$/i.exec(q);
  if (!inverted || /^(the )?(\w+ )?(of|in|for)\b/.test(inverted[3]!) || q.length > 160) return undefined;
  const indirect = `${inverted[1]} ${inverted[3]} ${inverted[2]}`;
  return /^[A-Z]{2}/.test(indirect) ? indirect : indirect.charAt(0).toLowerCase() + indirect.slice(1);
}

/** Text from the asker without markup: it is echoed into the answer. */
function safe(text: string): string {
  return text.replace(/<[^>]*>/g, ' ').replace(/[<>]/g, ' ').replace(/\s+/g, ' ').trim();
}

function joinWords(words: string[], conjunction: 'and' | 'or'): string {
  const unique = [...new Set(words)];
  return unique.length <= 1 ? (unique[0] ?? '') : `${unique.slice(0, -1).join(', ')} ${conjunction} ${unique[unique.length - 1]}`;
}

function declined(text: string, mode: Answer['mode'], timings: Answer['timings'], notice?: string): Answer {
  return { answer: text, abstained: true, mode, citations: [], references: [], timings, ...(notice ? { notice } : {}) };
}

function describe(error: unknown): string {
  const status = (error as { status?: number; lc_error_code?: string }).status;
  const message = error instanceof Error ? error.message : String(error);
  if (status === 401 || /401|incorrect api key|unauthorized/i.test(message)) return 'the API key was refused';
  if (status === 429 || /429|rate limit/i.test(message)) return 'rate limited';
  if (status !== undefined && status >= 500) return `server error ${status}`;
  if (/timed? ?out|timeout|aborted/i.test(message)) return 'timed out';
  if (/ECONNRESET|socket hang up|terminated|premature close/i.test(message)) return 'the connection dropped';
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|fetch failed|connection error/i.test(message)) return 'cannot connect';
  return message.split('\n')[0]!.slice(0, 120);
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled');
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
