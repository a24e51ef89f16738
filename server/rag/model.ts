/**
 * The answering model: two logistic regressions over the named features of features.ts — one
 * scores how likely a sentence is to answer the question, the other how likely the corpus is
 * to hold an answer at all — and the selection settings, all fitted by `npm run train` and
 * read from server/rag/answer-model.json (which records how and on what it was fitted).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DECISION_FEATURE_NAMES, SENTENCE_FEATURE_NAMES } from './features.ts';
import type { RetrievalSettings } from './retrieve.ts';

/** A logistic regression over standardised features. */
export interface LogisticModel {
  features: string[];
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

export interface SelectionSettings {
  /** A further sentence joins the answer when its probability is at least this share of the best's. */
  extraRatio: number;
  /** … and at least this probability. */
  extraMinimum: number;
  maxSentences: number;
  /** … and when it adds at least this share of the question's weight the others miss (or the expected kind of answer, or the next item of a list). */
  minAddedShare: number;
  /**
   * The sentence just before or after the leading one joins when its probability is at least
   * this share of the leading one's (answers often run over two sentences); above 1, never.
   * Absent in models fitted before it existed: never.
   */
  neighborRatio?: number;
}

export interface AnswerModel {
  sentence: LogisticModel;
  decision: LogisticModel & {
    /** Answer when the probability that the corpus holds an answer reaches this. */
    threshold: number;
  };
  selection: SelectionSettings;
  retrieval: RetrievalSettings;
}

export const DEFAULT_MODEL_PATH = join(import.meta.dirname, 'answer-model.json');

/** Reads a model file, checking that it was fitted for the features this code computes. */
export function loadAnswerModel(path = DEFAULT_MODEL_PATH): AnswerModel {
  let model: AnswerModel;
  try {
    model = JSON.parse(readFileSync(path, 'utf8')) as AnswerModel;
  } catch (error) {
    throw new Error(`model: cannot read ${path} (${(error as Error).message}); run \`npm run train\``);
  }
  for (const [part, names] of [['sentence', SENTENCE_FEATURE_NAMES], ['decision', DECISION_FEATURE_NAMES]] as const) {
    if (model[part].features.join(',') !== names.join(',')) {
      throw new Error(`model: ${path} was fitted for other ${part} features; run \`npm run train\``);
    }
  }
  if (typeof model.selection?.minAddedShare !== 'number') throw new Error(`model: ${path} predates the fitted selection settings; run \`npm run train\``);
  return model;
}

/**
 * How far (in standard deviations of the training data) a feature may pull: a value far outside
 * what training saw (a tiny paper, a huge table) is not extrapolated linearly.
 */
export const MAX_DEVIATIONS = 3;

/** The model's probability for a feature vector (`limit`: the clip, in standard deviations). */
export function probability(model: LogisticModel, features: number[], limit = MAX_DEVIATIONS): number {
  let z = model.bias;
  for (let i = 0; i < features.length; i++) {
    const standard = (features[i]! - model.mean[i]!) / model.scale[i]!;
    z += model.weights[i]! * Math.max(-limit, Math.min(limit, standard));
  }
  return 1 / (1 + Math.exp(-z));
}
