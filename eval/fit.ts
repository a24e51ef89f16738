/**
 * L2-regularised logistic regression, fitted by Newton's method (iteratively reweighted least
 * squares; the Hessian is solved with ml-matrix). Features are standardised first and the
 * standardisation is part of the model, so the answerer applies exactly what was fitted.
 * Targets may be fractions (a sentence stating half of the required facts counts ½).
 */
import { Matrix, solve } from 'ml-matrix';
import { MAX_DEVIATIONS, type LogisticModel } from '../server/rag/model.ts';

export interface FitOptions {
  /** L2 penalty on the (standardised) weights, not on the bias. */
  l2: number;
  iterations: number;
  /** Weight of each row (for balancing questions with many candidates); default 1. */
  rowWeights?: number[];
}

export const DEFAULT_FIT: FitOptions = { l2: 1, iterations: 30 };

export function fitLogistic(names: string[], rows: number[][], targets: number[], options: FitOptions = DEFAULT_FIT): LogisticModel {
  const dimensions = names.length;
  const mean = new Array<number>(dimensions).fill(0);
  const scale = new Array<number>(dimensions).fill(0);
  for (const row of rows) row.forEach((value, j) => (mean[j]! += value / rows.length));
  for (const row of rows) row.forEach((value, j) => (scale[j]! += (value - mean[j]!) ** 2 / rows.length));
  // A feature that never varies (up to rounding of the mean) carries nothing: scale 1, not 1e-17.
  const VARIES = 1e-9;
  for (let j = 0; j < dimensions; j++) scale[j] = Math.sqrt(scale[j]!) > VARIES ? Math.sqrt(scale[j]!) : 1;
  // Standardised and clipped as the model applies them (server/rag/model.ts).
  const x = rows.map((row) => [1, ...row.map((value, j) => Math.max(-MAX_DEVIATIONS, Math.min(MAX_DEVIATIONS, (value - mean[j]!) / scale[j]!)))]);
  let beta = new Array<number>(dimensions + 1).fill(0);
  for (let iteration = 0; iteration < options.iterations; iteration++) {
    const gradient = new Array<number>(dimensions + 1).fill(0);
    const hessian = Matrix.zeros(dimensions + 1, dimensions + 1);
    x.forEach((row, i) => {
      const weight = options.rowWeights?.[i] ?? 1;
      const p = sigmoid(row.reduce((sum, value, j) => sum + value * beta[j]!, 0));
      const curvature = weight * Math.max(p * (1 - p), 1e-6);
      for (let a = 0; a <= dimensions; a++) {
        gradient[a]! += weight * (p - targets[i]!) * row[a]!;
        for (let b = a; b <= dimensions; b++) hessian.set(a, b, hessian.get(a, b) + curvature * row[a]! * row[b]!);
      }
    });
    for (let a = 0; a <= dimensions; a++) {
      for (let b = 0; b < a; b++) hessian.set(a, b, hessian.get(b, a));
      if (a > 0) {
        gradient[a]! += options.l2 * beta[a]!;
        hessian.set(a, a, hessian.get(a, a) + options.l2);
      }
    }
    const step = solve(hessian, Matrix.columnVector(gradient)).to1DArray();
    beta = beta.map((value, j) => value - step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-7) break;
  }
  return { features: names, mean, scale, weights: beta.slice(1), bias: beta[0]! };
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
