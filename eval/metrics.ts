/**
 * Scoring one answer against its question, and rolling the scores up overall and by category.
 * Every rate is undefined (shown as n/a) when no question qualifies for it, never 0.
 */
import type { Answer } from '../lib/types.ts';
import { scoreCitations, type SentenceSupport } from './citation-support.ts';
import { checkFacts, proseLength, type FactCheck } from './facts.ts';
import type { JudgeVerdict } from './judge.ts';
import { LONG_ANSWER_CATEGORIES, type Category, type EvalQuestion } from './questions.ts';
import { evidenceRank, scoreRetrieval, type EvidencePassage, type RetrievalScore } from './retrieval.ts';
import { mean, percentile } from './stats.ts';

/** Longest concise answer, in characters of prose (markers removed). */
export const MAX_ANSWER_CHARS = 600;
/** … for list and comparison questions, which name several things. */
export const MAX_LONG_ANSWER_CHARS = 1000;

/** Everything measured for one question; the results file holds one per question. */
export interface QuestionResult {
  id: string;
  category: Category;
  /** The paper the question is about, when the set says. */
  doc?: string;
  question: string;
  answerable: boolean;
  answer: string;
  abstained: boolean;
  notice?: string;
  /** Set when the target failed to answer; the question then counts as failed. */
  error?: string;
  latencyMs: number;
  facts: FactCheck[];
  /** Share of facts stated (0 for a declined answerable question); undefined when unanswerable. */
  factShare?: number;
  length: number;
  maxLength: number;
  /** Answerable: every fact, concise, not declined. Unanswerable: declined. */
  correct: boolean;
  /** Why it is not correct, for the failure list. */
  problems: string[];
  citationRecall?: number;
  citationPrecision?: number;
  sentences: SentenceSupport[];
  /** The question's gold references found among those the answer cites, when it has any. */
  goldReferences?: { gold: number[]; cited: number[]; recall: number };
  retrieval?: RetrievalScore;
  judge?: JudgeVerdict;
}

/** What the target produced for a question. */
export interface Observation {
  answer?: Answer;
  error?: string;
  latencyMs: number;
  /** Retrieved passages, best first, when the target exposes them. */
  passages?: EvidencePassage[];
  judge?: JudgeVerdict;
}

export function scoreQuestion(question: EvalQuestion, observation: Observation): QuestionResult {
  const answer = observation.answer;
  const text = answer?.answer ?? '';
  const abstained = answer?.abstained ?? false;
  const answered = answer !== undefined && !abstained;
  const facts = checkFacts(answered ? text : '', question.facts);
  const length = proseLength(text);
  const maxLength = LONG_ANSWER_CATEGORIES.has(question.category) ? MAX_LONG_ANSWER_CHARS : MAX_ANSWER_CHARS;
  const stated = facts.filter((fact) => fact.found !== undefined).length;

  const problems: string[] = [];
  if (observation.error) problems.push(`error: ${observation.error}`);
  if (question.answerable) {
    if (abstained) problems.push('declined an answerable question');
    else if (answer) {
      for (const fact of facts) if (fact.found === undefined) problems.push(`missing ${fact.alternatives.map((alternative) => JSON.stringify(alternative)).join(' or ')}`);
      if (length > maxLength) problems.push(`too long: ${length} > ${maxLength} characters`);
    }
  } else if (answer && !abstained) {
    problems.push('answered instead of declining');
  }

  const citations = answered ? scoreCitations(text, (n) => answer.citations.find((citation) => citation.n === n)?.text) : undefined;
  // Claims without a single citation have precision 0, not "unknown": nothing they cite supports them.
  const citationPrecision = citations && citations.recall !== undefined ? (citations.precision ?? 0) : undefined;

  const cited = [...new Set((answer?.citations ?? []).flatMap((citation) => citation.refs))].sort((a, b) => a - b);
  const goldReferences =
    question.answerable && question.refs.length > 0 && answer
      ? { gold: question.refs, cited: abstained ? [] : cited, recall: abstained ? 0 : question.refs.filter((n) => cited.includes(n)).length / question.refs.length }
      : undefined;

  const retrieval =
    question.answerable && question.evidence.trim() && observation.passages ? scoreRetrieval(evidenceRank(observation.passages, question.evidence)) : undefined;

  return {
    id: question.id,
    category: question.category,
    ...(question.doc ? { doc: question.doc } : {}),
    question: question.question,
    answerable: question.answerable,
    answer: text,
    abstained,
    ...(answer?.notice ? { notice: answer.notice } : {}),
    ...(observation.error ? { error: observation.error } : {}),
    latencyMs: round(observation.latencyMs),
    facts,
    ...(question.answerable ? { factShare: answered ? stated / facts.length : 0 } : {}),
    length,
    maxLength,
    correct: problems.length === 0 && answer !== undefined,
    problems,
    ...(citations?.recall !== undefined ? { citationRecall: citations.recall } : {}),
    ...(citationPrecision !== undefined ? { citationPrecision } : {}),
    sentences: citations?.sentences ?? [],
    ...(goldReferences ? { goldReferences } : {}),
    ...(retrieval ? { retrieval } : {}),
    ...(observation.judge ? { judge: observation.judge } : {}),
  };
}

/** The metrics of a group of questions (all of them, or one category). */
export interface MetricSet {
  questions: number;
  /** Questions whose result is correct (answerable: right answer; unanswerable: declined). */
  passed: number;
  errors: number;
  /** Answers that came with a notice, e.g. "LLM unavailable …, answered offline". */
  notices: number;
  /** Share of answerable questions answered correctly. */
  answerAccuracy?: number;
  /** Mean share of facts stated, over answerable questions. */
  partialCredit?: number;
  citationRecall?: number;
  citationPrecision?: number;
  goldReferenceRecall?: number;
  retrieval?: { questions: number; recallAt1: number; recallAt5: number; recallAt6: number; recallAt10: number; mrr: number };
  /** Share of unanswerable questions declined. */
  abstentionCorrectRate?: number;
  /** Share of answerable questions declined. */
  falseDeclineRate?: number;
  latencyMs: { p50?: number; p95?: number; mean?: number; max?: number };
  judge?: Record<JudgeVerdict['verdict'], number>;
}

export interface Summary {
  overall: MetricSet;
  byCategory: Partial<Record<Category, MetricSet>>;
  /** Per paper, for sets whose questions name theirs (`doc`). */
  byPaper?: Record<string, MetricSet>;
}

export function summarize(results: QuestionResult[]): Summary {
  const byCategory: Partial<Record<Category, MetricSet>> = {};
  for (const category of [...new Set(results.map((result) => result.category))]) {
    byCategory[category] = metricsOf(results.filter((result) => result.category === category));
  }
  const papers = [...new Set(results.flatMap((result) => (result.doc ? [result.doc] : [])))].sort();
  const byPaper = Object.fromEntries(papers.map((doc) => [doc, metricsOf(results.filter((result) => result.doc === doc))]));
  return { overall: metricsOf(results), byCategory, ...(papers.length > 0 ? { byPaper } : {}) };
}

function metricsOf(results: QuestionResult[]): MetricSet {
  const answerable = results.filter((result) => result.answerable);
  const unanswerable = results.filter((result) => !result.answerable);
  const share = (list: QuestionResult[], test: (result: QuestionResult) => boolean) => (list.length === 0 ? undefined : list.filter(test).length / list.length);
  const defined = (values: (number | undefined)[]) => values.filter((value): value is number => value !== undefined);
  const retrieved = results.flatMap((result) => (result.retrieval ? [result.retrieval] : []));
  const latencies = results.map((result) => result.latencyMs);
  const judged = results.flatMap((result) => (result.judge ? [result.judge.verdict] : []));

  const metrics: MetricSet = {
    questions: results.length,
    passed: results.filter((result) => result.correct).length,
    errors: results.filter((result) => result.error !== undefined).length,
    notices: results.filter((result) => result.notice !== undefined).length,
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), mean: mean(latencies), max: latencies.length ? Math.max(...latencies) : undefined },
  };
  const set = <K extends keyof MetricSet>(key: K, value: MetricSet[K] | undefined) => {
    if (value !== undefined) metrics[key] = value;
  };
  set('answerAccuracy', share(answerable, (result) => result.correct));
  set('partialCredit', mean(defined(answerable.map((result) => result.factShare))));
  set('citationRecall', mean(defined(results.map((result) => result.citationRecall))));
  set('citationPrecision', mean(defined(results.map((result) => result.citationPrecision))));
  set('goldReferenceRecall', mean(defined(results.map((result) => result.goldReferences?.recall))));
  if (retrieved.length > 0) {
    metrics.retrieval = {
      questions: retrieved.length,
      recallAt1: mean(retrieved.map((score) => score.recallAt['1']))!,
      recallAt5: mean(retrieved.map((score) => score.recallAt['5']))!,
      recallAt6: mean(retrieved.map((score) => score.recallAt['6'] ?? 0))!,
      recallAt10: mean(retrieved.map((score) => score.recallAt['10']))!,
      mrr: mean(retrieved.map((score) => score.reciprocalRank))!,
    };
  }
  set('abstentionCorrectRate', share(unanswerable, (result) => result.abstained));
  set('falseDeclineRate', share(answerable, (result) => result.abstained));
  if (judged.length > 0) {
    metrics.judge = { correct: 0, partial: 0, incorrect: 0, error: 0 };
    for (const verdict of judged) metrics.judge[verdict] += 1;
  }
  return metrics;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
