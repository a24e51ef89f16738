/**
 * Scoring answers against the eval facts, the same way for PaperChat and for the peer.
 *
 * Correct: an answerable question gets an answer (not a decline) that holds every fact and
 * fits the length limit; an unanswerable one is declined. "Facts present" ignores the length
 * limit and the declines, so a system that pastes long passages is judged on content too.
 */
import type { EvalQuestion } from './questions.ts';

/** Longest acceptable answer, in characters, for most questions and for lists/comparisons. */
export const MAX_ANSWER_CHARS = 600;
export const MAX_LIST_ANSWER_CHARS = 1_000;

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

/** Lower case, one kind of dash, no space around dashes, single spaces (eval/FORMAT.md). */
export function normalizeForMatch(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/\s*-\s*/g, '-');
}

export function holdsEveryFact(answer: string, facts: string[][]): boolean {
  const text = normalizeForMatch(answer);
  return facts.every((alternatives) => alternatives.some((fact) => text.includes(normalizeForMatch(fact))));
}

export function lengthLimit(question: EvalQuestion): number {
  return question.category === 'list' || question.category === 'comparison' ? MAX_LIST_ANSWER_CHARS : MAX_ANSWER_CHARS;
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
      const fits = answer.text.length <= lengthLimit(question);
      if (facts) report.factsPresent++;
      if (facts && !fits) report.tooLong++;
      if (answer.declined) report.falseDeclines++;
      correct = facts && fits;
    }
    if (!answer.declined) {
      answeredChars += answer.text.length;
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
