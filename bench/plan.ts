/**
 * How much of everything a run does: the full run (about twenty minutes on two cores, about
 * ten of them the papers section, whose budget is twenty) and the `--quick` smoke run (about
 * two and a half minutes; CI may call it).
 */
import type { Launch } from './cold-start.ts';
import type { LoadPlan } from './load.ts';
import type { PapersPlan } from './papers.ts';
import type { ScalingPlan } from './scaling.ts';

export const SECTIONS = ['ingest', 'cold-start', 'answering', 'throughput', 'scaling', 'peer', 'papers'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchPlan {
  mode: 'full' | 'quick';
  sections: Section[];
  ingestRuns: number;
  coldStartRuns: number;
  /** The ways of starting the server timed from spawn to first answer. */
  coldStartLaunches: Launch[];
  /** Timed passes over the eval questions (after one warm-up pass). */
  answeringPasses: number;
  transportPasses: number;
  peerPasses: number;
  load: LoadPlan;
  scaling: ScalingPlan;
  papers: PapersPlan;
}

const EF_SEARCH = [10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024];

const LAUNCHES: Launch[] = [
  { label: 'tsx (npm start), 1 process', runtime: 'tsx', workers: 1 },
  { label: 'compiled (npm run start:prod), 1 process', runtime: 'compiled', workers: 1 },
  { label: 'tsx, 2 workers', runtime: 'tsx', workers: 2 },
  { label: 'compiled, 2 workers', runtime: 'compiled', workers: 2 },
];

export function fullPlan(): BenchPlan {
  return {
    mode: 'full',
    sections: [...SECTIONS],
    ingestRuns: 5,
    coldStartRuns: 5,
    coldStartLaunches: LAUNCHES,
    answeringPasses: 3,
    transportPasses: 3,
    peerPasses: 3,
    load: {
      servers: [
        { workers: 1, concurrency: [1, 8, 64] },
        { workers: 2, concurrency: [1, 8, 64] },
        // Several machines behind one address, on this one: two servers, haproxy, Redis.
        { workers: 1, servers: 2, concurrency: [1, 8, 64] },
      ],
      warmupMs: 1_000,
      windowMs: 5_000,
      bucketMs: 500,
    },
    scaling: {
      levels: [
        { factor: 10, builds: [{ M: 16, efConstruction: 200 }] },
        // efConstruction 100 measured beside the default at 100× justifies using it at 1,000×.
        { factor: 100, builds: [{ M: 16, efConstruction: 200 }, { M: 16, efConstruction: 100 }] },
        { factor: 1_000, builds: [{ M: 16, efConstruction: 100 }] },
      ],
      k: 10,
      recallTarget: 0.99,
      efSearchCandidates: EF_SEARCH,
      latencyPasses: 3,
    },
    papers: {
      levels: [1, 10, 100, 1_000],
      // The review and all 15 PDFs of ../shared/papers.
      maxSources: 16,
      answerPasses: 2,
      k: 10,
      budgetMs: 20 * 60_000,
    },
  };
}

export function quickPlan(): BenchPlan {
  return {
    mode: 'quick',
    sections: [...SECTIONS],
    ingestRuns: 2,
    coldStartRuns: 2,
    // The one-process and compiled starts: what the figures before and after compiling compare.
    coldStartLaunches: LAUNCHES.filter((launch) => launch.workers === 1),
    answeringPasses: 1,
    transportPasses: 1,
    peerPasses: 1,
    load: {
      // One client cannot keep two workers busy: the quick run skips that level for them.
      servers: [
        { workers: 1, concurrency: [1, 8, 64] },
        { workers: 2, concurrency: [8, 64] },
        { workers: 1, servers: 2, concurrency: [8, 64] },
      ],
      warmupMs: 500,
      windowMs: 1_500,
      bucketMs: 500,
    },
    scaling: {
      levels: [{ factor: 10, builds: [{ M: 16, efConstruction: 200 }] }],
      k: 10,
      recallTarget: 0.99,
      efSearchCandidates: EF_SEARCH,
      latencyPasses: 1,
    },
    papers: {
      levels: [1, 10],
      // Reading a PDF takes up to a few seconds: the 10 papers come from the review and 2 PDFs.
      maxSources: 3,
      answerPasses: 1,
      k: 10,
      // About 30 s; the budget only stops a machine far slower than expected.
      budgetMs: 3 * 60_000,
    },
  };
}
