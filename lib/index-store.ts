/**
 * The index on disk. Each build is written to a fresh version directory beside the current
 * one; a `CURRENT` file names the live version and is replaced by an atomic rename, so readers
 * see either the old index or the new one, never a mix, whatever happens during a build.
 *
 *   data/index/CURRENT            "v-20261129T020304Z-1a2b"
 *   data/index/v-…/manifest.json  schema, sources and their hashes, embedder, chunker, counts
 *   data/index/v-…/papers.json    papers with their chunks, references and glossary
 *   data/index/v-…/vectors.f32    one vector per chunk, in chunk order
 *   data/index/v-…/hnsw.bin       hnswlib index over those vectors (label = chunk position)
 *   data/index/v-…/lexical.json   BM25 index
 *   data/index/v-…/lsa.*          the offline embedder's fitted model, when used
 *   data/index/v-…/lexicon.json   the corpus's words for the words a question may use (WordNet)
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { loadLsa, saveLsa, type LsaModel } from './embeddings/lsa.ts';
import type { CorpusLexicon } from './lexicon/corpus.ts';
import { LexicalIndex } from './lexical.ts';
import type { Chunk, ChunkKind, Paper, SourceFormat } from './types.ts';

const { HierarchicalNSW } = hnswlib;
export type Hnsw = InstanceType<typeof HierarchicalNSW>;

/** Bump when the files' layout or meaning changes; older indexes must be rebuilt. */
export const SCHEMA_VERSION = 1;

export interface ManifestFile {
  source: string;
  hash: string;
  bytes: number;
  docId: string;
  title: string;
  format: SourceFormat;
  pages?: number;
  chunks: number;
  references: number;
  glossary: number;
}

export interface HnswParameters {
  space: 'cosine';
  M: number;
  efConstruction: number;
  efSearch: number;
}

export const DEFAULT_HNSW: HnswParameters = { space: 'cosine', M: 16, efConstruction: 200, efSearch: 100 };

/**
 * HNSW parameters for an index of `count` vectors. Measured with the bench (recall@10 against
 * brute force): efSearch 100 keeps ≥ 0.99 up to ~36,000 passages; at 359,000 synthetic
 * passages it falls to 0.91 and needs ~768, and a library of 1,000 real papers (177,000
 * passages) reached only 0.89 at count / 450 = 395, so the search widens with count / 200.
 * efConstruction 100 halves the build at large sizes at the same recall.
 */
/** Passages per unit of efSearch beyond the default (see hnswFor). */
const EF_PER_PASSAGES = 200;

export function hnswFor(count: number): HnswParameters {
  return {
    ...DEFAULT_HNSW,
    efConstruction: count > 100_000 ? 100 : DEFAULT_HNSW.efConstruction,
    efSearch: Math.max(DEFAULT_HNSW.efSearch, Math.ceil(count / EF_PER_PASSAGES)),
  };
}

export interface Manifest {
  schemaVersion: number;
  builtAt: string;
  buildMs: number;
  embedder: { id: string; kind: 'local' | 'openai'; dimensions: number };
  chunker: { id: string; maxChars: number };
  hnsw: HnswParameters;
  files: ManifestFile[];
  counts: {
    papers: number;
    chunks: number;
    chunksByKind: Record<ChunkKind, number>;
    references: number;
    glossary: number;
  };
}

/** An index in memory, ready to answer. */
export interface LoadedIndex {
  version: string;
  manifest: Manifest;
  papers: Paper[];
  /** All chunks, in vector order. */
  chunks: Chunk[];
  chunkById: Map<string, Chunk>;
  vectors: Float32Array;
  hnsw: Hnsw;
  lexical: LexicalIndex;
  lsa?: LsaModel;
  lexicon?: CorpusLexicon;
}

/** Why an index cannot be used, with what to do about it. */
export class IndexError extends Error {
  override name = 'IndexError';
}

export interface IndexContents {
  manifest: Manifest;
  papers: Paper[];
  vectors: Float32Array;
  hnsw: Hnsw;
  lexical: LexicalIndex;
  lsa?: LsaModel;
  lexicon?: CorpusLexicon;
}

/** Builds an hnswlib index over `vectors` (label i = chunk i). */
export function buildHnsw(vectors: Float32Array, dimensions: number, parameters: HnswParameters): Hnsw {
  const count = dimensions === 0 ? 0 : vectors.length / dimensions;
  const index = new HierarchicalNSW(parameters.space, dimensions);
  index.initIndex(Math.max(1, count), parameters.M, parameters.efConstruction, 100);
  for (let i = 0; i < count; i++) index.addPoint(Array.from(vectors.subarray(i * dimensions, (i + 1) * dimensions)), i);
  index.setEf(parameters.efSearch);
  return index;
}

/** Writes a new version and makes it current. Returns the version name. */
export async function writeIndex(indexDir: string, contents: IndexContents): Promise<string> {
  await mkdir(indexDir, { recursive: true });
  const version = `v-${new Date().toISOString().replace(/[-:.]/g, '').replace(/\d{3}Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
  const staging = join(indexDir, `.staging-${version}`);
  await mkdir(staging);
  let moved = false;
  let previous: string | undefined;
  try {
    await writeFile(join(staging, 'papers.json'), JSON.stringify({ papers: contents.papers }));
    await writeFile(join(staging, 'vectors.f32'), new Uint8Array(contents.vectors.buffer, contents.vectors.byteOffset, contents.vectors.byteLength));
    await contents.hnsw.writeIndex(join(staging, 'hnsw.bin'));
    await writeFile(join(staging, 'lexical.json'), contents.lexical.toJSON());
    if (contents.lsa) await saveLsa(staging, contents.lsa);
    if (contents.lexicon) await writeFile(join(staging, 'lexicon.json'), JSON.stringify(contents.lexicon));
    // The manifest goes last: a directory with a manifest is complete.
    await writeFile(join(staging, 'manifest.json'), JSON.stringify(contents.manifest, null, 2));
    for (const file of await readdir(staging)) fsyncPath(join(staging, file));
    await rename(staging, join(indexDir, version));
    moved = true;
    previous = await currentVersion(indexDir).catch(() => undefined);
    const pointer = join(indexDir, `.CURRENT-${version}`);
    await writeFile(pointer, `${version}\n`);
    fsyncPath(pointer);
    await rename(pointer, join(indexDir, 'CURRENT'));
    fsyncPath(indexDir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // A version that never became current (the pointer failed) is an orphan: remove it too.
    if (moved && (await currentVersion(indexDir).catch(() => undefined)) !== version) await rm(join(indexDir, version), { recursive: true, force: true });
    throw error;
  }
  await pruneVersions(indexDir, version, previous);
  return version;
}

function fsyncPath(path: string): void {
  try {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic.
  }
}

/**
 * Keeps the current version and the one it replaced (a server may still be loading it), and
 * removes what crashed builds left behind. The replaced one is named by the old pointer, not
 * found by sorting names: two versions built in the same second sort by their hashes.
 */
async function pruneVersions(indexDir: string, current: string, previous: string | undefined): Promise<void> {
  const entries = (await readdir(indexDir)).filter((name) => name.startsWith('v-') && name !== current).sort();
  const keep = new Set(previous && previous !== current ? [previous] : entries.slice(-1));
  for (const name of entries) if (!keep.has(name)) await rm(join(indexDir, name), { recursive: true, force: true });
  await removeLeftovers(indexDir);
}

/**
 * Removes what a build killed mid-way leaves in the index directory: staging directories,
 * pointer files never renamed into place, and the lock's side files of dead processes. Only
 * called with the lock held, so no build of ours is using any of them.
 */
export async function removeLeftovers(indexDir: string): Promise<void> {
  const current = await currentVersion(indexDir).catch(() => undefined);
  for (const name of await readdir(indexDir).catch(() => [] as string[])) {
    const sideOfLock = /^\.lock\.(?:stale\.)?(\d+)\.[0-9a-f]+$/.exec(name);
    const leftover =
      name.startsWith('.staging-') || (name.startsWith('.CURRENT-') && name !== `.CURRENT-${current}`) || (sideOfLock !== null && Number(sideOfLock[1]) !== process.pid && !isAlive(Number(sideOfLock[1])));
    if (leftover) await rm(join(indexDir, name), { recursive: true, force: true });
  }
}

/** The current version's name, or undefined when there is no index yet. */
export async function currentVersion(indexDir: string): Promise<string | undefined> {
  try {
    const name = (await readFile(join(indexDir, 'CURRENT'), 'utf8')).trim();
    return name.length > 0 ? name : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Reads only the manifest of the current version. */
export async function readManifest(indexDir: string): Promise<Manifest | undefined> {
  const version = await currentVersion(indexDir);
  if (!version) return undefined;
  return JSON.parse(await readFile(join(indexDir, version, 'manifest.json'), 'utf8')) as Manifest;
}

/** Loads the current index. Throws `IndexError` saying what to do when it is missing or stale. */
export async function loadIndex(indexDir: string): Promise<LoadedIndex> {
  const version = await currentVersion(indexDir);
  if (!version) throw new IndexError(`index: no index in ${indexDir}; run \`npm run ingest\` first`);
  const dir = join(indexDir, version);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch (error) {
    throw new IndexError(`index: cannot read ${join(dir, 'manifest.json')} (${(error as Error).message}); run \`npm run ingest -- --rebuild\``);
  }
  if (manifest.schemaVersion !== SCHEMA_VERSION) {
    throw new IndexError(
      `index: ${indexDir} has schema v${manifest.schemaVersion}, this PaperChat reads v${SCHEMA_VERSION}; run \`npm run ingest -- --rebuild\``,
    );
  }
  const { papers } = JSON.parse(await readFile(join(dir, 'papers.json'), 'utf8')) as { papers: Paper[] };
  const chunks = papers.flatMap((paper) => paper.chunks);
  const raw = await readFile(join(dir, 'vectors.f32'));
  const vectors = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const dimensions = manifest.embedder.dimensions;
  if (chunks.length !== manifest.counts.chunks || vectors.length !== chunks.length * dimensions) {
    throw new IndexError(`index: ${dir} is inconsistent (chunks and vectors disagree); run \`npm run ingest -- --rebuild\``);
  }
  const hnsw = new HierarchicalNSW(manifest.hnsw.space, dimensions);
  if (chunks.length > 0) {
    await hnsw.readIndex(join(dir, 'hnsw.bin'));
    hnsw.setEf(manifest.hnsw.efSearch);
  }
  const lexical = LexicalIndex.fromJSON(await readFile(join(dir, 'lexical.json'), 'utf8'));
  const lsa = manifest.embedder.kind === 'local' ? await loadLsa(dir) : undefined;
  // Indexes written before the lexicon existed still answer, without WordNet's words.
  const lexicon = await readFile(join(dir, 'lexicon.json'), 'utf8').then((json) => JSON.parse(json) as CorpusLexicon, () => undefined);
  return {
    version,
    manifest,
    papers,
    chunks,
    chunkById: new Map(chunks.map((chunk) => [chunk.id, chunk])),
    vectors,
    hnsw,
    lexical,
    ...(lsa ? { lsa } : {}),
    ...(lexicon ? { lexicon } : {}),
  };
}

/**
 * An exclusive lock on the index directory for the length of a build, so two ingests never
 * interleave. The lock file appears whole, holding its pid (written beside it, then hard-linked
 * into place: never empty, never two winners). A lock whose holder is dead is removed by one
 * process at a time (see takeOver), so two ingests finding the same stale lock cannot both win.
 */
export async function lockIndex(indexDir: string): Promise<() => Promise<void>> {
  await mkdir(indexDir, { recursive: true });
  const path = join(indexDir, '.lock');
  const own = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(own, String(process.pid));
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await link(own, path);
        return () => rm(path, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new IndexError(`index: another ingest (pid ${holder}) is writing ${indexDir}; wait for it to finish`);
      }
      await takeOver(path, own, holder);
    }
    throw new IndexError(`index: cannot lock ${indexDir}`);
  } finally {
    await rm(own, { force: true });
  }
}

/**
 * Drops the lock if this process holds it, synchronously: for a SIGTERM or Ctrl-C handler,
 * which cannot wait for the build's own cleanup.
 */
export function releaseLockSync(indexDir: string): void {
  const path = join(indexDir, '.lock');
  try {
    if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
  } catch {
    // No lock, or not ours: nothing to release.
  }
}

/**
 * Removes a dead holder's lock, under a guard lock so that only one process at a time may: with
 * the guard held, the lock still naming the dead pid can be nobody else's (no one can create
 * one while it exists), so removing it never removes a live holder's.
 */
async function takeOver(path: string, own: string, deadHolder: number): Promise<void> {
  const guard = `${path}.takeover`;
  try {
    await link(own, guard);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Someone else is taking over; a guard whose holder died mid-way is cleared for the next try.
    const holder = Number((await readFile(guard, 'utf8').catch(() => '')).trim());
    if (!holder || !isAlive(holder)) await rm(guard, { force: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    return;
  }
  try {
    const current = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (current === deadHolder) await rm(path, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
