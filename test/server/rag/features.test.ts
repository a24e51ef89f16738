import { describe, expect, it } from 'vitest';
import { relativeToBest, SENTENCE_FEATURE_NAMES, SENTENCE_FEATURES } from '../../../server/rag/features.ts';

const own = Object.keys(SENTENCE_FEATURES);
const vector = (values: Record<string, number>) => own.map((name) => values[name] ?? 0);
const column = (name: string) => SENTENCE_FEATURE_NAMES.indexOf(name);

describe('sentence features relative to the best candidate', () => {
  it('give each candidate its distance below the best of its own question, the best at 0', () => {
    const vectors = [vector({ coverage: 0.4, sentenceDense: 0.2 }), vector({ coverage: 0.9, sentenceDense: 0.1 })];
    relativeToBest(vectors);
    expect(vectors.every((values) => values.length === SENTENCE_FEATURE_NAMES.length)).toBe(true);
    expect(vectors[0]![column('coverageBelowBest')]).toBeCloseTo(0.5);
    expect(vectors[1]![column('coverageBelowBest')]).toBe(0);
    expect(vectors[0]![column('sentenceDenseBelowBest')]).toBe(0);
    expect(vectors[1]![column('sentenceDenseBelowBest')]).toBeCloseTo(0.1);
  });

  it('score the same coverage differently when the competition differs', () => {
    const alone = [vector({ coverage: 0.4 })];
    const beaten = [vector({ coverage: 0.4 }), vector({ coverage: 1 })];
    relativeToBest(alone);
    relativeToBest(beaten);
    expect(alone[0]![column('coverageBelowBest')]).toBe(0);
    expect(beaten[0]![column('coverageBelowBest')]).toBeCloseTo(0.6);
    // Their own features are untouched.
    expect(beaten[0]![column('coverage')]).toBe(0.4);
  });
});
