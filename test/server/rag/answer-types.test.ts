/**
 * The kind of answer a question asks for, however it is phrased, and whether a sentence holds
 * it: counts written in digits or in words, times asked about mid-sentence.
 */
import { describe, expect, it } from 'vitest';
import { holdsType } from '../../../server/rag/evidence.ts';
import { expectedAnswer } from '../../../server/rag/question.ts';

const expected = expectedAnswer;

describe('the kind of answer asked for', () => {
  it('asks for a year when "when" follows an opener', () => {
    expect(expected('ok so when did it actually end up on the list?')).toBe('year');
    expect(expected('When was the station listed?')).toBe('year');
  });

  it('asks for the authors however "who is the author" is typed', () => {
    expect(expected("who's the author of the dog paper")).toBe('author');
    expect(expected('whos the lead author of the insulation paper?')).toBe('author');
    expect(expected('who are the authors of the review?')).toBe('author');
    expect(expected('who is the patient in the case report?')).toBe('none');
  });

  it('asks for a number for "how big" and "how large"', () => {
    expect(expected('Roughly how big was the town they recruited from?')).toBe('count');
  });
});

describe('holdsType for counts', () => {
  it('finds counts written as words, also before the thing counted', () => {
    expect(holdsType('Fifteen new openings for retail units were created.', 'count')).toBe(true);
    expect(holdsType('Fifteen new openings for retail units were created.', 'count', 'open')).toBe(true);
    expect(holdsType('Twenty-two sites took part.', 'count', 'site')).toBe(true);
  });

  it('does not take an ordinal or an unrelated number for the count', () => {
    expect(holdsType('The fifth wave began later.', 'count')).toBe(false);
    expect(holdsType('Three reviewers read 40 papers.', 'count', 'site')).toBe(false);
  });
});

describe('money questions', () => {
  it('asks for an amount for "how much money" and "how much … funding"', () => {
    expect(expectedAnswer('How much money was the starting grant for the work?')).toBe('money');
    expect(expectedAnswer('how much funding did the trial get?')).toBe('money');
    expect(expectedAnswer('Did any company help pay for the work?')).not.toBe('money');
  });
});

describe('how often', () => {
  it('asks for a frequency, which a rate or an interval gives', () => {
    expect(expectedAnswer('and how often did people get reminder emails?')).toBe('frequency');
    expect(holdsType('Reminders were sent every seven days until the round closed.', 'frequency')).toBe(true);
    expect(holdsType('Visits took place twice a year.', 'frequency')).toBe(true);
    expect(holdsType('Heterogeneity ranged from 30.0% to 75.4%.', 'frequency')).toBe(true);
    expect(holdsType('Reminders were sent to the panel.', 'frequency')).toBe(false);
  });
});
