/**
 * The ingest pipeline: scan the corpus → parse what changed → embed what is new → index →
 * write a new version atomically. Unchanged files are neither re-parsed nor re-embedded;
 * a file that fails is reported and never takes the rest (or the previous index) down.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmbedderChoice } from '../lib/embeddings/index.ts';
import { DEFAULT_LSA, fitLsa, LsaEmbedder, type LsaModel } from '../lib/embeddings/lsa.ts';
import {
  buildHnsw,
  hnswFor,
  IndexError,
  loadIndex,
  lockIndex,
  removeLeftovers,
  SCHEMA_VERSION,
  writeIndex,
  type HnswParameters,
  type LoadedIndex,
  type Manifest,
  type ManifestFile,
} from '../lib/index-store.ts';
import { LexicalIndex } from '../lib/lexical.ts';
import { buildLexicon } from '../lib/lexicon/corpus.ts';
import { WordNet } from '../lib/lexicon/wordnet.ts';
import type { Chunk, ChunkKind, Embedder, Paper } from '../lib/types.ts';
import { searchTerms } from '../lib/text.ts';
import { DEFAULT_CHUNKING, type ChunkingOptions } from './chunk.ts';
import { decodeSource, describeFsError, readSourceFile, SourceError } from './load.ts';
import { parsePaper } from './parse/paper.ts';

/**
 * Identifies the code that turns a file into chunks, terms, the lexicon and the BM25 index: a hash of its
 * sources. When it changes, every file is re-parsed (and re-embedded where its chunks changed).
 */
async function parserFingerprint(): Promise<string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const folder = async (name: string) => (await readdir(join(here, name))).map((file) => join(name, file));
  const files = [
    'chunk.ts',
    'load.ts',
    ...(await folder('parse')),
    ...(await folder('pdf')),
    ...(await folder(join('..', 'lib', 'lexicon'))),
    ...['text.ts', 'citations.ts', 'common-words.ts', 'lexical.ts'].map((file) => join('..', 'lib', file)),
  ].sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update(await readFile(join(here, file)).catch(() => Buffer.alloc(0)));
  return hash.digest('hex').slice(0, 10);
}

export interface BuildOptions {
  corpusDir: string;
  indexDir: string;
  /** Ignore the previous index: re-parse and re-embed everything. */
  rebuild?: boolean;
  maxFileBytes: number;
  embedder: EmbedderChoice;
  chunking?: ChunkingOptions;
  hnsw?: HnswParameters;
  onProgress?: (event: ProgressEvent) => void;
}

export type ProgressEvent =
  | { phase: 'scan'; files: number }
  | { phase: 'parse'; file: string; done: number; total: number }
  | { phase: 'embed'; done: number; total: number }
  | { phase: 'index'; chunks: number }
  | { phase: 'write' }
  | { phase: 'notice'; message: string };

export interface BuildReport {
  /** The version written, or undefined when the index was already up to date. */
  version?: string;
  indexDir: string;
  papers: number;
  chunks: number;
  chunksByKind: Record<ChunkKind, number>;
  references: number;
  glossary: number;
  embedded: number;
  reused: number;
  parsed: string[];
  unchanged: string[];
  removed: string[];
  skipped: string[];
  failed: { file: string; reason: string; keptPrevious: boolean }[];
  /** Papers with passages that read as instructions to a model (see Chunk.instructions). */
  flagged: { file: string; passages: number }[];
  ms: number;
}

/** Files that document the corpus rather than belong to it. */
const DOCUMENTATION = /^(readme|license|licence|attribution|notice|copying)(\.[a-z]+)?$/i;

export async function buildIndex(options: BuildOptions): Promise<BuildReport> {
  const started = performance.now();
  const chunking = options.chunking ?? DEFAULT_CHUNKING;
  const progress = options.onProgress ?? (() => undefined);
  const chunkerId = `c${chunking.maxChars}-${await parserFingerprint()}`;
  const unlock = await lockIndex(options.indexDir);
  try {
    const previous = options.rebuild ? undefined : await loadPrevious(options.indexDir, progress);
    const sameChunker = previous?.manifest.chunker.id === chunkerId;
    const previousFiles = new Map((sameChunker ? previous?.manifest.files : [])?.map((file) => [file.source, file]) ?? []);
    const previousPapers = new Map(previous?.papers.map((paper) => [paper.source, paper]) ?? []);

    const { files, skipped } = await scanCorpus(options.corpusDir);
    progress({ phase: 'scan', files: files.length });
    const report: BuildReport = {
      indexDir: options.indexDir,
      papers: 0,
      chunks: 0,
      chunksByKind: { paragraph: 0, 'table-row': 0, 'figure-caption': 0, reference: 0 },
      references: 0,
      glossary: 0,
      embedded: 0,
      reused: 0,
      parsed: [],
      unchanged: [],
      removed: [],
      skipped,
      failed: [],
      flagged: [],
      ms: 0,
    };

    const papers: Paper[] = [];
    const manifestFiles: ManifestFile[] = [];
    const usedIds = new Set<string>();
    for (const [i, file] of files.entries()) {
      const source = relative(options.corpusDir, file).split(sep).join('/');
      progress({ phase: 'parse', file: source, done: i, total: files.length });
      const kept = previousPapers.get(source);
      const keep = (reason: string) => {
        report.failed.push({ file: source, reason, keptPrevious: kept !== undefined });
        if (kept && previousFiles.has(source)) {
          papers.push(kept);
          manifestFiles.push(previousFiles.get(source)!);
          usedIds.add(kept.docId);
        }
      };
      let content: Buffer;
      let hash: string;
      try {
        content = await readSourceFile(file, { maxBytes: options.maxFileBytes });
        hash = createHash('sha256').update(content).digest('hex');
      } catch (error) {
        keep(reasonOf(error));
        continue;
      }
      const before = previousFiles.get(source);
      if (before && before.hash === hash && kept) {
        papers.push(kept);
        manifestFiles.push(before);
        usedIds.add(kept.docId);
        report.unchanged.push(source);
        continue;
      }
      try {
        const text = await decodeSource(file, content);
        const docId = uniqueDocId(source, usedIds, kept?.docId);
        const paper = parsePaper(text, { docId, source, chunking });
        if (paper.chunks.length === 0) throw new SourceError('no passages found in the text');
        papers.push(paper);
        usedIds.add(docId);
        manifestFiles.push({
          source,
          hash,
          bytes: content.length,
          docId,
          title: paper.title,
          format: paper.format,
          ...(paper.pages !== undefined ? { pages: paper.pages } : {}),
          chunks: paper.chunks.length,
          references: paper.references.length,
          glossary: paper.glossary.length,
        });
        report.parsed.push(source);
      } catch (error) {
        keep(reasonOf(error));
      }
    }
    const present = new Set(files.map((file) => relative(options.corpusDir, file).split(sep).join('/')));
    report.removed = [...previousPapers.keys()].filter((source) => !present.has(source));

    const chunks = papers.flatMap((paper) => paper.chunks);
    const upToDate =
      previous !== undefined &&
      sameChunker &&
      report.parsed.length === 0 &&
      report.removed.length === 0 &&
      previous.manifest.embedder.kind === options.embedder.kind &&
      manifestFiles.length === previous.manifest.files.length;

    const { embedder, lsa } = await chooseEmbedder(options.embedder, previous, chunks, upToDate, progress);
    const dimensions = embedder.dimensions;
    const reusable = previous && previous.manifest.embedder.id === embedder.id ? previous : undefined;
    if (upToDate && reusable) {
      // Nothing to write, but what a killed build left behind still goes.
      await removeLeftovers(options.indexDir);
      Object.assign(report, summarize(papers), { reused: chunks.length, ms: performance.now() - started });
      return report;
    }

    // Vectors: reuse what the same embedder already computed for the same chunk.
    const vectors = new Float32Array(chunks.length * dimensions);
    const missing: number[] = [];
    const previousPosition = new Map(reusable?.chunks.map((chunk, position) => [chunk.id, position]) ?? []);
    chunks.forEach((chunk, position) => {
      const at = previousPosition.get(chunk.id);
      if (reusable && at !== undefined) {
        vectors.set(reusable.vectors.subarray(at * dimensions, (at + 1) * dimensions), position * dimensions);
        report.reused++;
      } else {
        missing.push(position);
      }
    });
    const batch = 64;
    for (let from = 0; from < missing.length; from += batch) {
      progress({ phase: 'embed', done: from, total: missing.length });
      const positions = missing.slice(from, from + batch);
      const embedded = await embedder.embedDocuments(positions.map((position) => embeddingText(chunks[position]!)));
      positions.forEach((position, k) => {
        const vector = embedded[k];
        if (!vector || vector.length !== dimensions) throw new IndexError(`embeddings: expected ${dimensions} dimensions, got ${vector?.length ?? 0}`);
        vectors.set(vector, position * dimensions);
      });
      report.embedded += positions.length;
    }
    progress({ phase: 'embed', done: missing.length, total: missing.length });

    progress({ phase: 'index', chunks: chunks.length });
    const hnswParameters = options.hnsw ?? hnswFor(chunks.length);
    const hnsw = buildHnsw(vectors, dimensions, hnswParameters);
    const lexical = LexicalIndex.build(chunks);
    progress({ phase: 'index', chunks: chunks.length });
    const lexicon = buildLexicon(chunks, WordNet.load());
    const summary = summarize(papers);
    const manifest: Manifest = {
      schemaVersion: SCHEMA_VERSION,
      builtAt: new Date().toISOString(),
      buildMs: 0,
      embedder: { id: embedder.id, kind: options.embedder.kind, dimensions },
      chunker: { id: chunkerId, maxChars: chunking.maxChars },
      hnsw: hnswParameters,
      files: manifestFiles,
      counts: {
        papers: summary.papers,
        chunks: summary.chunks,
        chunksByKind: summary.chunksByKind,
        references: summary.references,
        glossary: summary.glossary,
      },
    };
    manifest.buildMs = Math.round(performance.now() - started);
    progress({ phase: 'write' });
    report.version = await writeIndex(options.indexDir, { manifest, papers, vectors, hnsw, lexical, lexicon, ...(lsa ? { lsa } : {}) });
    Object.assign(report, summary, { ms: performance.now() - started });
    return report;
  } finally {
    await unlock();
  }
}

/** The text a passage is embedded with: its section gives context the passage may lack. */
export function embeddingText(chunk: Chunk): string {
  return chunk.kind === 'paragraph' && chunk.section ? `${chunk.section}. ${chunk.text}` : chunk.text;
}

async function loadPrevious(indexDir: string, progress: (event: ProgressEvent) => void): Promise<LoadedIndex | undefined> {
  try {
    return await loadIndex(indexDir);
  } catch (error) {
    if (error instanceof IndexError && /no index/.test(error.message)) return undefined;
    progress({ phase: 'notice', message: `previous index unusable (${(error as Error).message}); rebuilding` });
    return undefined;
  }
}

/**
 * The local model is fitted once and kept across ingests so unchanged passages keep their
 * vectors; it is refitted on --rebuild, or when the corpus has grown or shrunk so much that
 * the old vocabulary no longer describes it.
 */
async function chooseEmbedder(
  choice: EmbedderChoice,
  previous: LoadedIndex | undefined,
  chunks: Chunk[],
  upToDate: boolean,
  progress: (event: ProgressEvent) => void,
): Promise<{ embedder: Embedder; lsa?: LsaModel }> {
  if (choice.kind === 'openai') return { embedder: await choice.create() };
  const previousCount = previous?.chunks.length ?? 0;
  const drifted = previousCount === 0 || Math.abs(chunks.length - previousCount) / previousCount > 0.5;
  const unfamiliar = previous?.lsa ? unknownShare(previous.lsa, previous.chunks, chunks) > UNKNOWN_VOCABULARY : false;
  if (previous?.lsa && (upToDate || (!drifted && !unfamiliar))) return { embedder: new LsaEmbedder(previous.lsa), lsa: previous.lsa };
  if (previous?.lsa) {
    const why = drifted ? 'corpus changed by more than half' : 'new passages use words the model has not seen';
    progress({ phase: 'notice', message: `${why}: refitting the local embedding model` });
  }
  const lsa = fitLsa(chunks.map(embeddingText), choice.lsa ?? DEFAULT_LSA);
  return { embedder: new LsaEmbedder(lsa), lsa };
}

/**
 * Above this share of their recurring words unknown to the model, new passages get vectors
 * that describe too little of them. Measured against a model fitted on the review alone, the
 * 15 shared papers have 43–61 % of the words recurring in their passages unknown; an added
 * paragraph has no word recurring in two new passages and never triggers a refit.
 */
const UNKNOWN_VOCABULARY = 0.25;

/** The share of the words used by two or more of the new passages that the model has no vector for. */
function unknownShare(lsa: LsaModel, before: Chunk[], now: Chunk[]): number {
  const seen = new Set(before.map((chunk) => chunk.id));
  const passages = new Map<string, number>();
  for (const chunk of now) {
    if (seen.has(chunk.id)) continue;
    for (const term of new Set(searchTerms(embeddingText(chunk)))) passages.set(term, (passages.get(term) ?? 0) + 1);
  }
  const recurring = [...passages].filter(([, count]) => count >= 2).map(([term]) => term);
  const known = new Set(lsa.terms);
  return recurring.length === 0 ? 0 : recurring.filter((term) => !known.has(term)).length / recurring.length;
}

function summarize(papers: Paper[]): Pick<BuildReport, 'papers' | 'chunks' | 'chunksByKind' | 'references' | 'glossary' | 'flagged'> {
  const chunksByKind: Record<ChunkKind, number> = { paragraph: 0, 'table-row': 0, 'figure-caption': 0, reference: 0 };
  for (const paper of papers) for (const chunk of paper.chunks) chunksByKind[chunk.kind]++;
  return {
    papers: papers.length,
    chunks: papers.reduce((sum, paper) => sum + paper.chunks.length, 0),
    chunksByKind,
    references: papers.reduce((sum, paper) => sum + paper.references.length, 0),
    glossary: papers.reduce((sum, paper) => sum + paper.glossary.length, 0),
    flagged: papers.flatMap((paper) => {
      const passages = paper.chunks.filter((chunk) => chunk.instructions).length;
      return passages > 0 ? [{ file: paper.source, passages }] : [];
    }),
  };
}

async function scanCorpus(corpusDir: string): Promise<{ files: string[]; skipped: string[] }> {
  const files: string[] = [];
  const skipped: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (dir === corpusDir) throw new IndexError(`ingest: cannot read the corpus directory ${corpusDir} (${describeFsError(error)})`);
      skipped.push(relative(corpusDir, dir));
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (DOCUMENTATION.test(entry.name)) skipped.push(relative(corpusDir, path));
      else files.push(path);
    }
  };
  await walk(corpusDir);
  return { files, skipped };
}

function uniqueDocId(source: string, used: Set<string>, previous?: string): string {
  if (previous && !used.has(previous)) return previous;
  const base =
    basename(source)
      .replace(/\.[^.]+$/, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'paper';
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  return id;
}

function reasonOf(error: unknown): string {
  if (error instanceof SourceError) return error.message;
  if ((error as NodeJS.ErrnoException).code) return `cannot read: ${describeFsError(error)}`;
  const message = error instanceof Error ? error.message : String(error);
  return `unexpected error: ${message.split('\n')[0]}`;
}
