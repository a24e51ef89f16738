/**
 * The steps of fitting the answering model (eval/train.ts runs them): retrieval settings by
 * coordinate ascent, the sentence and decision models by logistic regression, the selection
 * settings and threshold by grid search. Each step reads the train questions only.
 */
import { ask } from '../server/rag/answer.ts';
import { answerProbability, decisionContext, scoreEvidence, type Evidence } from '../server/rag/evidence.ts';
import { DECISION_FEATURE_NAMES, decisionFeatures, SENTENCE_FEATURE_NAMES } from '../server/rag/features.ts';
import { Library } from '../server/rag/library.ts';
import { probability, type AnswerModel, type LogisticModel, type SelectionSettings } from '../server/rag/model.ts';
import type { AnalyzedQuestion } from '../server/rag/question.ts';
import { DEFAULT_RETRIEVAL, type RetrievalSettings } from '../server/rag/retrieve.ts';
import { answererFor } from '../server/rag/setup.ts';
import { checkFacts } from './facts.ts';
import { DEFAULT_FIT, fitLogistic } from './fit.ts';
import { scoreQuestion, summarize } from './metrics.ts';
import type { EvalQuestion } from './questions.ts';
import { evidenceRank } from './retrieval.ts';

const RETRIEVAL_GRID: Record<keyof RetrievalSettings, number[]> = {
  missingKey: [0.5, 0.75, 0.9, 1],
  missingCarried: [0.3, 0.5, 0.75],
  referenceEntry: [0.4, 0.6, 0.8, 1],
  titleBoost: [0, 0.5, 1, 2],
  paperWeight: [0, 0.3, 0.6],
  expansionBoost: [0.2, 0.5, 0.8],
  paperTermWeight: [0.1, 0.3, 0.6, 1],
  hop: [0.6, 0.8, 0.9],
};
const SELECTION_GRID: Record<keyof Required<SelectionSettings>, number[]> = {
  extraRatio: [0, 0.3, 0.5, 0.7, 0.85],
  extraMinimum: [0, 0.1, 0.25],
  maxSentences: [2, 3, 4],
  minAddedShare: [0, 0.06, 0.12, 0.2],
  // Above 1: never.
  neighborRatio: [0, 0.3, 0.6, 2],
};

export interface Sample {
  question: EvalQuestion;
  analyzed: AnalyzedQuestion;
  evidence: Evidence[];
}

const log = (message: string) => process.stderr.write(`train: ${message}\n`);

/** Coordinate ascent over the retrieval grid, twice round, for the evidence's reciprocal rank. */
export async function searchRetrieval(base: Library, questions: EvalQuestion[]): Promise<RetrievalSettings> {
  const answerable = questions.filter((question) => question.answerable && question.evidence.trim());
  const quality = async (settings: RetrievalSettings) => {
    const library = new Library(base.index, base.embedder, { model: null, retrieval: settings });
    let total = 0;
    for (const question of answerable) {
      const passages = await library.retriever.retrieve(library.analyze(question.question, question.history ?? []), { limit: 12, depth: 60 });
      const rank = evidenceRank(passages.map((passage) => passage.chunk), question.evidence);
      total += rank === undefined ? 0 : 1 / rank;
    }
    return total / answerable.length;
  };
  let settings = { ...DEFAULT_RETRIEVAL };
  let best = await quality(settings);
  for (let round = 0; round < 2; round++) {
    for (const name of Object.keys(RETRIEVAL_GRID) as (keyof RetrievalSettings)[]) {
      for (const value of RETRIEVAL_GRID[name]) {
        if (value === settings[name]) continue;
        const candidate = { ...settings, [name]: value };
        const score = await quality(candidate);
        if (score > best + 1e-9) {
          best = score;
          settings = candidate;
        }
      }
    }
  }
  log(`retrieval ${JSON.stringify(settings)}: MRR ${best.toFixed(3)}`);
  return settings;
}

export async function collect(library: Library, questions: EvalQuestion[]): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (const question of questions) {
    const analyzed = library.analyze(question.question, question.history ?? []);
    const passages = await library.retriever.retrieve(analyzed);
    samples.push({ question, analyzed, evidence: scoreEvidence(analyzed, passages, library, undefined) });
  }
  return samples;
}

/** A sentence's target: the share of the required facts it states, when it is from the question's paper. */
export function target(question: EvalQuestion, evidence: Evidence): number {
  if (!question.answerable || question.facts.length === 0 || (question.doc && evidence.chunk.docId !== question.doc)) return 0;
  const text = evidence.chunk.kind === 'paragraph' ? evidence.text : evidence.chunk.text;
  return checkFacts(text, question.facts).filter((fact) => fact.found !== undefined).length / question.facts.length;
}

/**
 * Up to this many candidate sentences, each counts fully; beyond, a question's sentences share
 * that weight, so questions with long candidate lists do not outvote the rest.
 */
const CANDIDATES_AT_FULL_WEIGHT = 20;

export function fitSentenceModel(samples: Sample[]): LogisticModel {
  const rows: number[][] = [];
  const targets: number[] = [];
  const weights: number[] = [];
  for (const sample of samples) {
    // Each question weighs the same, however many candidate sentences it has.
    for (const evidence of sample.evidence) {
      rows.push(evidence.features);
      targets.push(target(sample.question, evidence));
      weights.push(CANDIDATES_AT_FULL_WEIGHT / Math.max(CANDIDATES_AT_FULL_WEIGHT, sample.evidence.length));
    }
  }
  const model = fitLogistic(SENTENCE_FEATURE_NAMES, rows, targets, { ...DEFAULT_FIT, rowWeights: weights });
  log(`sentence model: ${rows.length} sentences, ${targets.filter((t) => t > 0).length} stating a fact`);
  return model;
}

export function rescore(sample: Sample, model: LogisticModel): void {
  // Unclipped, unlike the answerer: the committed model was fitted so (docs/DESIGN.md, "Tried").
  for (const evidence of sample.evidence) evidence.score = probability(model, evidence.features, Infinity);
  sample.evidence.sort((a, b) => b.score - a.score);
}

export function fitDecisionModel(samples: Sample[]): LogisticModel {
  const rows = samples.map((sample) => decisionFeatures(decisionContext(sample.analyzed, sample.evidence)));
  return fitLogistic(DECISION_FEATURE_NAMES, rows, samples.map((sample) => (sample.question.answerable ? 1 : 0)));
}

/**
 * The selection settings and threshold that handle the most train questions right: for each
 * setting, every question is answered (threshold 0) and checked; then the threshold that best
 * trades answered-right against declined-rightly is taken.
 */
export async function searchSelection(base: Library, draft: AnswerModel, questions: EvalQuestion[], samples: Sample[]): Promise<{ selection: SelectionSettings; threshold: number; score: number }> {
  const answerable = samples.map((sample) => probabilityOfAnswer(draft, sample));
  let best = { selection: draft.selection, threshold: 0.5, score: -1 };
  const tryOut = async (selection: SelectionSettings) => {
    const correct = await answeredCorrectly(base, { ...draft, selection, decision: { ...draft.decision, threshold: 0 } }, questions);
    // An unanswerable question also counts as declined when the answerer declines it for
    // another reason (a missing kind of answer) whatever the threshold.
    const scoreAt = (threshold: number) =>
      questions.reduce((sum, question, i) => sum + (question.answerable ? (answerable[i]! >= threshold && correct[i] ? 1 : 0) : answerable[i]! < threshold || correct[i] ? 1 : 0), 0);
    const { threshold, score } = middleOfBest(THRESHOLDS.map((threshold) => ({ threshold, score: scoreAt(threshold) })));
    if (score > best.score + 1e-9) best = { selection, threshold, score };
  };
  // Coordinate ascent, twice round: the whole grid (720 settings) would take hours.
  await tryOut(draft.selection);
  for (let round = 0; round < 2; round++) {
    for (const name of Object.keys(SELECTION_GRID) as (keyof SelectionSettings)[]) {
      const start = best.selection;
      for (const value of SELECTION_GRID[name]) if (value !== start[name]) await tryOut({ ...start, [name]: value });
    }
  }
  return best;
}

/** Decision thresholds tried: 0.05 to 0.95. */
const THRESHOLDS = Array.from({ length: 19 }, (_, i) => Math.round((i + 1) * 5) / 100);

/**
 * The best score, at the middle of the longest run of thresholds reaching it: the edge of a
 * plateau is where one more train question tips it, the middle is furthest from both.
 */
export function middleOfBest(points: { threshold: number; score: number }[]): { threshold: number; score: number } {
  const score = Math.max(...points.map((point) => point.score));
  let run: number[] = [];
  let longest: number[] = [];
  for (const point of points) {
    run = point.score === score ? [...run, point.threshold] : [];
    if (run.length > longest.length) longest = run;
  }
  return { threshold: longest[Math.floor((longest.length - 1) / 2)]!, score };
}

function probabilityOfAnswer(model: AnswerModel, sample: Sample): number {
  return answerProbability(model, decisionContext(sample.analyzed, sample.evidence));
}

async function answeredCorrectly(base: Library, model: AnswerModel, questions: EvalQuestion[]): Promise<boolean[]> {
  const answerer = answererFor(new Library(base.index, base.embedder, { model }));
  const correct: boolean[] = [];
  for (const question of questions) {
    const answer = await ask(answerer, question.question, { history: question.history ?? [] });
    correct.push(scoreQuestion(question, { answer, latencyMs: 0 }).correct);
  }
  return correct;
}

export async function evaluate(base: Library, model: AnswerModel, questions: EvalQuestion[]): Promise<ReturnType<typeof summarize>> {
  const answerer = answererFor(new Library(base.index, base.embedder, { model }));
  const results = [];
  for (const question of questions) results.push(scoreQuestion(question, { answer: await ask(answerer, question.question, { history: question.history ?? [] }), latencyMs: 0 }));
  return summarize(results);
}

