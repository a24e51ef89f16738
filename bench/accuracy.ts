/**
 * Scoring answers against the eval facts, the same way for PaperChat and for the peer, with
 * the eval suite's own rules (eval/facts.ts, eval/metrics.ts): facts matched as whole words or
 * numbers after normalisation, length counted as prose without citation markers.
 *
 * Correct: an answerable question gets an answer (not a decline) that holds every fact and
 * fits the length limit (600 characters, 1,000 for lists and comparisons); an unanswerable
 * one is declined. "Facts present" ignores the length limit, so a system that pastes long
 * passages is judged on content too.
 */
import { checkFacts, proseLength } from '../eval/facts.ts';
import { MAX_ANSWER_CHARS, MAX_LONG_ANSWER_CHARS } from '../eval/metrics.ts';
import { LONG_ANSWER_CATEGORIES } from '../eval/questions.ts';
import type { EvalQuestion } from './questions.ts';

export interface ScoredAnswer {
  text: string;
  declined: boolean;
}

export interface AccuracyReport {
  questions: number;
  answerable: number;
  unanswerable: number;
  /** Strict: facts, length limit and declines. */
  correct: number;
  accuracy: number;
  /** Answerable questions whose answer holds every fact, whatever its length. */
  factsPresent: number;
  factsPresentRate: number;
  /** Answerable questions declined. */
  falseDeclines: number;
  /** Unanswerable questions answered. */
  missedDeclines: number;
  /** Answerable questions with every fact but over the length limit. */
  tooLong: number;
  meanAnswerChars: number;
  byCategory: Record<string, { questions: number; correct: number }>;
}

export function holdsEveryFact(answer: string, facts: string[][]): boolean {
  return checkFacts(answer, facts).every((fact) => fact.found !== undefined);
}

export function lengthLimit(question: EvalQuestion): number {
  return LONG_ANSWER_CATEGORIES.has(question.category) ? MAX_LONG_ANSWER_CHARS : MAX_ANSWER_CHARS;
}

export function scoreAnswers(questions: readonly EvalQuestion[], answers: readonly ScoredAnswer[]): AccuracyReport {
  if (answers.length !== questions.length) throw new Error('bench: one answer per question is needed to score');
  const report: AccuracyReport = {
    questions: questions.length,
    answerable: 0,
    unanswerable: 0,
    correct: 0,
    accuracy: 0,
    factsPresent: 0,
    factsPresentRate: 0,
    falseDeclines: 0,
    missedDeclines: 0,
    tooLong: 0,
    meanAnswerChars: 0,
    byCategory: {},
  };
  let answeredChars = 0;
  let answered = 0;
  questions.forEach((question, i) => {
    const answer = answers[i]!;
    let correct: boolean;
    if (!question.answerable) {
      report.unanswerable++;
      correct = answer.declined;
      if (!correct) report.missedDeclines++;
    } else {
      report.answerable++;
      // A decline echoes the question, which may hold a fact's words: it never counts.
      const facts = !answer.declined && holdsEveryFact(answer.text, question.facts);
      const fits = proseLength(answer.text) <= lengthLimit(question);
      if (facts) report.factsPresent++;
      if (facts && !fits) report.tooLong++;
      if (answer.declined) report.falseDeclines++;
      correct = facts && fits;
    }
    if (!answer.declined) {
      answeredChars += proseLength(answer.text);
      answered++;
    }
    const category = (report.byCategory[question.category] ??= { questions: 0, correct: 0 });
    category.questions++;
    if (correct) {
      category.correct++;
      report.correct++;
    }
  });
  report.accuracy = report.correct / Math.max(1, report.questions);
  report.factsPresentRate = report.factsPresent / Math.max(1, report.answerable);
  report.meanAnswerChars = answered > 0 ? answeredChars / answered : 0;
  return report;
}
