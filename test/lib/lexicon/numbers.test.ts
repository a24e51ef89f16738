/**
 * Numbers written as words, read as the digits papers print.
 */
import { describe, expect, it } from 'vitest';
import { numberWords } from '../../../lib/lexicon/numbers.ts';

const values = (text: string) => numberWords(text).map((number) => number.value);

describe('numberWords', () => {
  it('reads spelled-out numbers as digits', () => {
    expect(values('fifteen participants')).toEqual([15]);
    expect(values('Nineteen sites')).toEqual([19]);
    expect(values('zero events')).toEqual([0]);
  });

  it('joins hyphenated tens and units into one number', () => {
    expect(numberWords('twenty-two sites')).toEqual([{ value: 22, start: 0, end: 10, text: 'twenty-two' }]);
    expect(values('ninety-nine')).toEqual([99]);
  });

  it('reads hundreds, thousands and millions, with "and" inside the number', () => {
    expect(numberWords('three hundred and five')).toEqual([{ value: 305, start: 0, end: 22, text: 'three hundred and five' }]);
    expect(values('two thousand three hundred')).toEqual([2300]);
    expect(values('one million two hundred thousand')).toEqual([1_200_000]);
  });

  it('reads "a dozen" as twelve, the number being the word "dozen"', () => {
    expect(numberWords('a dozen eggs')).toEqual([{ value: 12, start: 2, end: 7, text: 'dozen' }]);
  });

  it('reads ordinals as their number', () => {
    expect(numberWords('the fifth cycle')).toEqual([{ value: 5, start: 4, end: 9, text: 'fifth' }]);
    expect(values('the twelfth week')).toEqual([12]);
  });

  it('reports where each number is written, so the text can be sliced back', () => {
    const text = 'Of forty-one patients, Seventeen had the third dose.';
    const found = numberWords(text);
    expect(found.map((number) => number.value)).toEqual([41, 17, 3]);
    for (const number of found) expect(text.slice(number.start, number.end)).toBe(number.text);
    expect(found[1]).toMatchObject({ start: 23, end: 32, text: 'Seventeen' });
  });

  it('keeps numbers apart when punctuation separates them', () => {
    expect(values('fifteen, twenty')).toEqual([15, 20]);
    expect(values('five. And six')).toEqual([5, 6]);
  });

  it('does not read a lone "one" or "a" as a number, but does inside a larger one', () => {
    expect(numberWords('one patient had a rash')).toEqual([]);
    expect(values('one hundred')).toEqual([100]);
    expect(values('twenty-one')).toEqual([21]);
  });

  it('finds nothing in text without number words, digits included', () => {
    expect(numberWords('no numbers here')).toEqual([]);
    expect(numberWords('15 participants and someone else')).toEqual([]);
    expect(numberWords('')).toEqual([]);
  });

  it('keeps numbers that stand side by side apart instead of adding them', () => {
    expect(values('five and six')).toEqual([5, 6]);
    expect(values('two three-hour sessions')).toEqual([2, 3]);
    expect(values('ten twelve')).toEqual([10, 12]);
    expect(values('nineteen ninety')).toEqual([19, 90]);
  });

  it('reads compound ordinals and a scale word after "a"', () => {
    expect(values('the twenty-first day')).toEqual([21]);
    expect(values('a hundred patients')).toEqual([100]);
    expect(values('a thousand')).toEqual([1000]);
  });
});
