/**
 * The offline embedder: deterministic, faithful to the exact decomposition, and saved whole.
 */
import { describe, expect, it } from 'vitest';
import { Matrix, EigenvalueDecomposition } from 'ml-matrix';
import { fitLsa, loadLsa, LsaEmbedder, saveLsa, topEigenpairs } from '../../lib/embeddings/lsa.ts';
import { readFile } from 'node:fs/promises';
import { searchTerms, splitSentences } from '../../lib/text.ts';
import { REVIEW, tempDir } from '../support/fixtures.ts';

const TOPICS = [
  'trastuzumab HER2 gastric cancer survival months chemotherapy',
  'CAR-T cells tumor antigen infusion cytokine release syndrome',
  'lysosome pH V-ATPase T-DM1 resistance degradation payload',
  'vaccine dendritic cells peptide immune response antibodies',
];
const texts = Array.from({ length: 120 }, (_, i) => {
  const words = TOPICS[i % TOPICS.length]!.split(' ');
  return Array.from({ length: 12 }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(' ') + ` extra${i % 9}`;
});

function cosine(a: number[], b: number[]): number {
  return a.reduce((sum, value, i) => sum + value * b[i]!, 0);
}

describe('LSA embeddings', () => {
  it('places passages on the same topic nearer than passages on others', async () => {
    const embedder = new LsaEmbedder(fitLsa(texts, { dimensions: 8, maxFitDocuments: 1000 }));
    const [car, carAgain, vaccine] = await embedder.embedDocuments(['CAR-T cells and cytokine release syndrome', 'infusion of CAR-T cells against a tumor antigen', 'a peptide vaccine loaded on dendritic cells']);
    expect(cosine(car!, carAgain!)).toBeGreaterThan(cosine(car!, vaccine!) + 0.3);
    expect(embedder.dimensions).toBe(8);
  });

  it('gives the same model, and the same id, for the same texts', () => {
    const first = new LsaEmbedder(fitLsa(texts, { dimensions: 16, maxFitDocuments: 1000 }));
    const second = new LsaEmbedder(fitLsa(texts, { dimensions: 16, maxFitDocuments: 1000 }));
    expect(second.id).toBe(first.id);
    expect(first.id).toMatch(/^lsa-\d+d-[0-9a-f]{12}$/);
  });

  it('finds the top eigenvalues by randomized iteration as the exact decomposition does', async () => {
    // Real text: the review's sentences as passages, enough of them for the randomized path.
    const sentences = splitSentences((await readFile(REVIEW, 'utf8')).slice(0, 70_000)).map((sentence) => sentence.text).filter((text) => text.length > 60);
    const vocabulary = new Map<string, number>();
    const rows = sentences.map((sentence) => {
      const row = new Map<number, number>();
      for (const term of searchTerms(sentence)) {
        if (!vocabulary.has(term)) vocabulary.set(term, vocabulary.size);
        row.set(vocabulary.get(term)!, (row.get(vocabulary.get(term)!) ?? 0) + 1);
      }
      return row;
    });
    expect(rows.length).toBeGreaterThan(2 * (40 + 16));
    const approximate = topEigenpairs(rows, vocabulary.size, 40);
    const gram = new Matrix(rows.length, rows.length);
    for (let i = 0; i < rows.length; i++) {
      for (let j = i; j < rows.length; j++) {
        let sum = 0;
        for (const [term, weight] of rows[i]!) sum += weight * (rows[j]!.get(term) ?? 0);
        gram.set(i, j, sum);
        gram.set(j, i, sum);
      }
    }
    const exact = new EigenvalueDecomposition(gram, { assumeSymmetric: true }).realEigenvalues.sort((a, b) => b - a).slice(0, 40);
    approximate.values.forEach((value, i) => expect(Math.abs(value - exact[i]!) / exact[i]!).toBeLessThan(i < 10 ? 0.005 : i < 20 ? 0.02 : 0.15));
  });

  it('saves and loads the model bit for bit', async () => {
    const dir = await tempDir();
    try {
      const model = fitLsa(texts, { dimensions: 8, maxFitDocuments: 1000 });
      await saveLsa(dir.path, model);
      const loaded = await loadLsa(dir.path);
      expect(new LsaEmbedder(loaded).id).toBe(new LsaEmbedder(model).id);
      expect(Array.from(loaded.projection)).toEqual(Array.from(model.projection));
    } finally {
      await dir.remove();
    }
  });
});
