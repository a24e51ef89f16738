/**
 * `npm run train`: fits the answering model on the train split and writes
 * server/rag/answer-model.json, printing the dev split's figures for the fit.
 *
 * 1. Retrieval settings: coordinate ascent over a small grid, for the mean reciprocal rank of
 *    the passage holding each answerable question's evidence.
 * 2. The sentence model: logistic regression of "states the answer" (the share of the required
 *    facts a sentence of the question's paper states) on the sentence features.
 * 3. The decision model: logistic regression of "the corpus answers" on the decision features,
 *    the sentence model's probabilities among them.
 * 4. Selection settings and the decision threshold: a grid search for the most train questions
 *    handled right (answerable ones answered correctly, the others declined).
 *
 * Training data: eval/papers/train.jsonl (the multi-paper suite's train split) and
 * eval/questions.jsonl (the review's development set), asked against the suite's index.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Library } from '../server/rag/library.ts';
import { DEFAULT_MODEL_PATH, type AnswerModel } from '../server/rag/model.ts';
import { PAPERS_DIR, papersLibrary } from './papers.ts';
import { loadQuestions } from './questions.ts';
import { collect, evaluate, fitDecisionModel, fitSentenceModel, rescore, searchRetrieval, searchSelection } from './training.ts';
import type { summarize } from './metrics.ts';

const REVIEW_DOC = 'her2-gastric-cancer-review';
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    console.log('Usage: npm run train -- [--out FILE]\n\nFits the answering model on eval/papers/train.jsonl and eval/questions.jsonl; writes server/rag/answer-model.json (or FILE) and prints the dev figures.');
    return;
  }
  const out = resolve(values.out ?? DEFAULT_MODEL_PATH);
  const base = await papersLibrary(undefined, { model: null });
  const train = [...(await loadQuestions(join(PAPERS_DIR, 'train.jsonl'))), ...(await loadQuestions(resolve(PAPERS_DIR, '..', 'questions.jsonl'))).map((q) => ({ ...q, doc: q.doc ?? REVIEW_DOC }))];
  const dev = await loadQuestions(join(PAPERS_DIR, 'dev.jsonl'));
  log(`train: ${train.length} questions (${train.filter((q) => !q.answerable).length} not answerable); dev: ${dev.length}`);

  const retrieval = await searchRetrieval(base, train);
  const library = new Library(base.index, base.embedder, { model: null, retrieval });
  const samples = await collect(library, train);
  const sentence = fitSentenceModel(samples);
  for (const sample of samples) rescore(sample, sentence);
  const decision = fitDecisionModel(samples);
  const draft: AnswerModel = { sentence, decision: { ...decision, threshold: 0.5 }, selection: { extraRatio: 0.5, extraMinimum: 0.1, maxSentences: 3, minAddedShare: 0.06, neighborRatio: 2 }, retrieval };
  const { selection, threshold, score } = await searchSelection(base, draft, train, samples);
  const model: AnswerModel = { ...draft, decision: { ...decision, threshold }, selection };
  log(`selection ${JSON.stringify(selection)}, threshold ${threshold.toFixed(2)}: ${score} of ${train.length} train questions handled right`);

  const devSummary = await evaluate(base, model, dev);
  const trainSummary = await evaluate(base, model, train);
  const figures = (summary: ReturnType<typeof summarize>['overall']) => ({
    questions: summary.questions,
    accuracy: round(summary.answerAccuracy),
    falseDeclines: round(summary.falseDeclineRate),
    unanswerableDeclined: round(summary.abstentionCorrectRate),
  });
  const record = {
    $comment:
      'The answering model: fitted by `npm run train` (eval/train.ts) on eval/papers/train.jsonl and eval/questions.jsonl against the multi-paper index; do not edit by hand. Features: server/rag/features.ts.',
    fittedAt: new Date().toISOString(),
    data: { train: train.length, sentences: samples.reduce((sum, sample) => sum + sample.evidence.length, 0) },
    figures: { train: figures(trainSummary.overall), dev: figures(devSummary.overall) },
    ...model,
  };
  await writeFile(out, `${JSON.stringify(record, roundNumbers, 1)}\n`);
  log(`wrote ${out}`);
  log(`train: ${JSON.stringify(record.figures.train)}`);
  log(`dev:   ${JSON.stringify(record.figures.dev)}`);
}

const round = (value: number | undefined) => (value === undefined ? undefined : Math.round(value * 1000) / 1000);
const roundNumbers = (_key: string, value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1e6) / 1e6 : value);
const log = (message: string) => process.stderr.write(`train: ${message}\n`);

main().catch((error: unknown) => {
  process.stderr.write(`train: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
