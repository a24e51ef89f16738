/**
 * The bench's `papers` section on a tiny corpus: its smallest size end to end (ingest and
 * server children, real processes), and the copies it multiplies papers into.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { offlineEnvironment } from '../../bench/environment.ts';
import { benchPapers, estimateLevel, type PapersLevelResult } from '../../bench/papers.ts';
import { outlineOf, perturb, renderMarkdown } from '../../bench/papers-corpus.ts';
import { quickPlan } from '../../bench/plan.ts';
import { silentProgress } from '../../bench/progress.ts';
import { renderPapers } from '../../bench/report.ts';
import { summarize } from '../../bench/stats.ts';
import type { Workspace } from '../../bench/workspace.ts';
import { DEFAULT_CHUNKING } from '../../ingest/chunk.ts';
import { parsePaper } from '../../ingest/parse/paper.ts';
import { loadConfig } from '../../lib/config.ts';
import { REPO, tempDir } from '../support/fixtures.ts';

const PAPER = `Trastuzumab Resistance in Gastric Cancer: A Short Review

Maria Kowalski and Jonas Brandt

1 Introduction

Gastric cancer remains a leading cause of cancer death worldwide, and about 15% of tumours overexpress HER2 [1]. Trastuzumab improved median overall survival from 11.1 to 13.8 months in the ToGA trial [2].

Resistance develops in most patients within 12 months, through MET amplification and PI3K pathway activation [3].

2 Mechanisms

Loss of HER2 expression after first-line therapy was reported in 29 of 90 patients in Heidelberg [2, 3]. Antibody-drug conjugates such as trastuzumab deruxtecan remain active after progression [1].

References

1. Kowalski M, Brandt J. HER2 testing in gastric cancer. Gastric Cancer. 2019;22:1-10.
2. Bang YJ, Van Cutsem E. Trastuzumab in HER2-positive gastric cancer (ToGA). Lancet. 2010;376:687-97.
3. Shitara K, Bang YJ. Trastuzumab deruxtecan after trastuzumab. N Engl J Med. 2020;382:2419-30.
`;

let dir: Awaited<ReturnType<typeof tempDir>>;
let workspace: Workspace;
let corpusDir: string;

beforeEach(async () => {
  dir = await tempDir('paperchat-bench-papers-');
  corpusDir = join(dir.path, 'corpus');
  await mkdir(corpusDir);
  await writeFile(join(corpusDir, 'short-review.txt'), PAPER);
  let counter = 0;
  const paths = { corpusDir, indexDir: join(dir.path, 'index') };
  // The section needs only the workspace's repository, configuration and scratch space.
  workspace = {
    repo: REPO,
    root: dir.path,
    ...paths,
    config: loadConfig(offlineEnvironment(paths), REPO),
    scratch: (name) => join(dir.path, `${name}-${++counter}`),
    remove: dir.remove,
  };
});

afterEach(async () => {
  await dir.remove();
});

describe('papers section', () => {
  it('measures its smallest size end to end with real, positive figures', async () => {
    const plan = quickPlan().papers;
    const smallest = Math.min(...plan.levels);
    const result = await benchPapers(workspace, { ...plan, levels: [smallest] }, silentProgress, { corpusDir, pdfDir: join(dir.path, 'no-pdfs-here') });

    expect(result.pdfNote).toMatch(/no PDFs in .*no-pdfs-here/);
    expect(result.sources).toEqual(['short-review.txt']);
    expect(result.notRun).toEqual([]);
    expect(result.levels).toHaveLength(1);
    const [level] = result.levels;
    expect(level!.papers).toBe(smallest);
    const { ingest, serve } = level!;
    expect(ingest.failed).toEqual([]);
    expect(ingest.papers).toBe(smallest);
    expect(ingest.references).toBe(3);
    for (const figure of [ingest.chunks, ingest.ms, ingest.phasesMs.prepare, ingest.phasesMs.index, ingest.maxRssBytes, level!.indexBytes, level!.corpusBytes]) {
      expect(figure).toBeGreaterThan(0);
    }
    // The peak of an ingest is above what the process held before it started.
    expect(ingest.maxRssBytes).toBeGreaterThan(ingest.rssBeforeBytes);
    expect(Object.keys(level!.indexFiles)).toEqual(expect.arrayContaining(['manifest.json', 'papers.json', 'vectors.f32', 'hnsw.bin', 'lexical.json']));
    expect(serve.questions).toBeGreaterThan(100);
    expect(serve.answerMs.n).toBe(serve.questions * plan.answerPasses);
    for (const figure of [serve.loadMs, serve.rssAfterLoadBytes, serve.maxRssBytes, serve.answerMs.median, serve.answerMs.p95, serve.hnswMs.median, serve.bruteForceMs.median]) {
      expect(figure).toBeGreaterThan(0);
      expect(Number.isFinite(figure)).toBe(true);
    }
    expect(serve.answerMs.p95).toBeGreaterThanOrEqual(serve.answerMs.median);
    // A handful of passages: HNSW finds exactly what brute force finds.
    expect(serve.recall.mean).toBe(1);

    const table = renderPapers(result);
    expect(table).toContain('| papers');
    expect(table).not.toMatch(/NaN/);
  }, 120_000);
});

describe('papers multiplied into distinct papers', () => {
  const source = outlineOf(parsePaper({ format: 'text', text: PAPER }, { docId: 'source', source: 'short-review.txt', chunking: DEFAULT_CHUNKING }), 'short-review.txt');
  const parse = (markdown: string) => parsePaper({ format: 'markdown', text: markdown }, { docId: 'copy', source: 'copy.md', chunking: DEFAULT_CHUNKING });

  it('gives the same copy for the same copy number, and a different one for another', () => {
    expect(renderMarkdown(perturb(source, 1))).toBe(renderMarkdown(perturb(source, 1)));
    expect(renderMarkdown(perturb(source, 1))).not.toBe(renderMarkdown(perturb(source, 2)));
    expect(perturb(source, 1).title).not.toBe(source.title);
  });

  it('keeps the structure and its own reference list, with bracketed citations unchanged', () => {
    const original = parse(renderMarkdown(source));
    const copy = parse(renderMarkdown(perturb(source, 3)));
    expect(copy.references).toHaveLength(3);
    expect(copy.references).toHaveLength(original.references.length);
    expect(copy.headings?.map((heading) => heading.text)).toEqual(original.headings?.map((heading) => heading.text));
    expect(copy.chunks.filter((chunk) => chunk.kind !== 'reference').flatMap((chunk) => chunk.refs).sort()).toEqual(
      original.chunks.filter((chunk) => chunk.kind !== 'reference').flatMap((chunk) => chunk.refs).sort(),
    );
    // Names are renamed alike everywhere: an author in the list keeps their citations.
    expect(copy.references.map((reference) => reference.text).join(' ')).not.toBe(original.references.map((reference) => reference.text).join(' '));
  });
});

describe('estimating a size from the sizes before it', () => {
  /** A measured size whose every part takes `unit` ms per paper, plus 1 s of start-up per child. */
  const level = (papers: number, unit: number): PapersLevelResult => {
    const part = papers * unit;
    return {
      papers,
      generateMs: part,
      corpusBytes: papers * 1_000,
      ingest: { ms: 6 * part, phasesMs: { prepare: 2 * part, parse: part, embed: part, index: part, lexicon: part, write: part }, papers, chunks: papers * 100, references: papers * 10, failed: [], rssBeforeBytes: 1, maxRssBytes: papers, heapLimitBytes: 1 },
      indexBytes: papers,
      indexFiles: {},
      serve: {
        questions: 10,
        asked: 20,
        loadMs: part,
        rssAfterLoadBytes: papers,
        heapUsedAfterLoadBytes: papers,
        rssAfterAnswersBytes: papers,
        maxRssBytes: papers,
        answerMs: summarize(Array.from({ length: 10 }, () => part / 20)),
        retrieveMs: summarize([1]),
        recall: { k: 10, efSearch: 100, mean: 1 },
        hnswMs: summarize([0]),
        bruteForceMs: summarize(Array.from({ length: 10 }, () => part / 10)),
      },
      ingestWallMs: 6 * part + 1_000,
      serveWallMs: 3 * part + 1_000,
      wallMs: 10 * part + 2_000,
    };
  };

  it('extrapolates every part on its own growth and keeps the start-up as measured', () => {
    // Linear growth: ten times the papers, ten times each part. At 1,000 papers: writing the
    // 900 new ones 10 s, ingest 60 s, load + answers + recall 30 s, the children's start-up 2 s.
    const estimate = estimateLevel([level(10, 10), level(100, 10)], 1_000);
    expect(estimate.ingestMs).toBeCloseTo(60_000);
    expect(estimate.wallMs).toBeCloseTo(102_000);
    expect(Object.values(estimate.exponents).every((exponent) => Math.abs(exponent - 1) < 1e-9)).toBe(true);
    // Quadratic growth is extrapolated as quadratic.
    const quadratic = estimateLevel([level(10, 10), level(100, 100)], 1_000);
    expect(quadratic.ingestMs).toBeCloseTo(6 * 1_000 * 1_000);
  });
});
