/**
 * The parse-quality gate: the real papers in ../shared/papers, parsed and scored against their
 * truth files, must meet eval/parse-thresholds.json. A clone without ../shared skips it (the
 * typeset journal PDFs of test/ingest/pdf-layout.test.ts still cover each layout).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarizeQuality, type QualitySummary } from '../../eval/parse-quality.ts';
import { evaluateParsing, formatResults } from '../../eval/parse-run.ts';
import { REPO } from '../support/fixtures.ts';

const PAPERS = join(REPO, '..', 'shared', 'papers');
const thresholds = JSON.parse(readFileSync(join(REPO, 'eval', 'parse-thresholds.json'), 'utf8')) as { minimum: Partial<Record<keyof QualitySummary, number>> };

describe.skipIf(!existsSync(PAPERS))('parse quality on the real papers in ../shared/papers', () => {
  it('meets every minimum in eval/parse-thresholds.json', { timeout: 240_000 }, async () => {
    const results = await evaluateParsing(PAPERS);
    expect(results.length).toBeGreaterThanOrEqual(10);
    const summary = summarizeQuality(results);
    const below = Object.entries(thresholds.minimum).filter(([metric, minimum]) => summary[metric as keyof QualitySummary] < minimum!);
    expect(below, `${formatResults(results)}\n\nbelow the gate: ${below.map(([metric, minimum]) => `${metric} ${summary[metric as keyof QualitySummary].toFixed(2)} < ${minimum}`).join(', ')}`).toEqual([]);
  });
});

if (!existsSync(PAPERS)) console.log(`parse-gate: skipped, no real papers at ${PAPERS} (a clone without ../shared)`);
