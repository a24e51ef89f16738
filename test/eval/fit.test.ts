/**
 * The logistic regression fitter the answering model is trained with, and how its decision
 * threshold is chosen.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_FIT, fitLogistic } from '../../eval/fit.ts';
import { middleOfBest } from '../../eval/training.ts';
import { probability } from '../../server/rag/model.ts';

/** A fixed linear congruential generator: the same "random" data on every run. */
function generator(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/** 200 rows of two features; the label follows 2a − 1.5b plus noise. */
function noisyData(): { rows: number[][]; targets: number[] } {
  const random = generator(7);
  const rows: number[][] = [];
  const targets: number[] = [];
  for (let i = 0; i < 200; i++) {
    const [a, b] = [random() * 4 - 2, random() * 4 - 2];
    rows.push([a, b]);
    targets.push(2 * a - 1.5 * b + (random() - 0.5) > 0 ? 1 : 0);
  }
  return { rows, targets };
}

const separable = { rows: [[0], [1], [2], [3], [10], [11], [12], [13]], targets: [0, 0, 0, 0, 1, 1, 1, 1] };
const accuracy = (model: ReturnType<typeof fitLogistic>, rows: number[][], targets: number[]) =>
  rows.filter((row, i) => (probability(model, row) > 0.5 ? 1 : 0) === targets[i]).length / rows.length;

describe('fitLogistic', () => {
  it('predicts every training label of separable data and keeps the standardisation', () => {
    const model = fitLogistic(['x'], separable.rows, separable.targets);
    expect(accuracy(model, separable.rows, separable.targets)).toBe(1);
    expect(model.features).toEqual(['x']);
    expect(model.mean[0]).toBeCloseTo(6.5);
    expect(model.scale[0]).toBeCloseTo(Math.sqrt(26.25));
    expect(probability(model, [6.5])).toBeCloseTo(0.5);
  });

  it('recovers the signs of the weights from noisy data', () => {
    const { rows, targets } = noisyData();
    const model = fitLogistic(['a', 'b'], rows, targets);
    expect(model.weights[0]).toBeGreaterThan(1);
    expect(model.weights[1]).toBeLessThan(-1);
    expect(model.weights[0]!).toBeGreaterThan(-model.weights[1]!);
    expect(accuracy(model, rows, targets)).toBeGreaterThan(0.9);
  });

  it('gives the same model on every fit', () => {
    const { rows, targets } = noisyData();
    expect(fitLogistic(['a', 'b'], rows, targets)).toEqual(fitLogistic(['a', 'b'], rows, targets));
  });

  it('shrinks the weights as the L2 penalty grows', () => {
    const weak = fitLogistic(['x'], separable.rows, separable.targets, { ...DEFAULT_FIT, l2: 0.1 });
    const strong = fitLogistic(['x'], separable.rows, separable.targets, { ...DEFAULT_FIT, l2: 100 });
    expect(weak.weights[0]).toBeGreaterThan(fitLogistic(['x'], separable.rows, separable.targets).weights[0]!);
    expect(strong.weights[0]).toBeGreaterThan(0);
    expect(strong.weights[0]).toBeLessThan(0.1);
  });

  it('fits fractional targets as probabilities', () => {
    const model = fitLogistic(['x'], [[0], [0], [1], [1]], [0.25, 0.25, 0.75, 0.75], { l2: 1e-6, iterations: 50 });
    expect(probability(model, [0])).toBeCloseTo(0.25, 4);
    expect(probability(model, [1])).toBeCloseTo(0.75, 4);
  });

  it('lets row weights tip conflicting rows', () => {
    const rows = [[0], [1], [0], [1]];
    const targets = [0, 1, 1, 0];
    expect(fitLogistic(['x'], rows, targets).weights[0]).toBeCloseTo(0);
    const weighted = fitLogistic(['x'], rows, targets, { l2: 1e-6, iterations: 50, rowWeights: [3, 3, 1, 1] });
    expect(probability(weighted, [1])).toBeCloseTo(0.75, 4);
    expect(probability(weighted, [0])).toBeCloseTo(0.25, 4);
  });
});

describe('middleOfBest (the decision threshold)', () => {
  const points = (scores: number[]) => scores.map((score, i) => ({ threshold: (i + 1) / 10, score }));

  it('takes the middle of the longest run of thresholds reaching the best score', () => {
    expect(middleOfBest(points([1, 3, 5, 5, 5, 4, 5]))).toEqual({ threshold: 0.4, score: 5 });
  });

  it('takes the lower middle of an even run, and a lone best as it is', () => {
    expect(middleOfBest(points([5, 5, 2]))).toEqual({ threshold: 0.1, score: 5 });
    expect(middleOfBest(points([1, 2, 7, 2]))).toEqual({ threshold: 0.3, score: 7 });
  });
});
