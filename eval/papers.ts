/**
 * The multi-paper suite's corpus (eval/papers/corpus.json): the review plus real PDFs from
 * ../shared/papers, linked (not copied) into data/eval-papers/corpus and ingested into
 * data/eval-papers/index, incrementally like any corpus. Absent ../shared, there is no suite.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, readlink, rm, symlink } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { buildIndex } from '../ingest/build.ts';
import { LsaEmbedder } from '../lib/embeddings/lsa.ts';
import { loadIndex } from '../lib/index-store.ts';
import { Library, type LibraryOptions } from '../server/rag/library.ts';
import { InputError } from './errors.ts';

const REPO = resolve(import.meta.dirname, '..');
/** Where the real papers are: beside the checkout, as on the development machines. */
export const SHARED_PAPERS = resolve(REPO, '..', 'shared', 'papers');
export const PAPERS_DIR = join(REPO, 'eval', 'papers');

interface CorpusSpec {
  project: string[];
  shared: string[];
}

/** Whether the suite can run here, and if not, why. */
export function papersAvailable(): { ok: true } | { ok: false; reason: string } {
  return existsSync(SHARED_PAPERS) ? { ok: true } : { ok: false, reason: `no real papers at ${SHARED_PAPERS} (the multi-paper suite needs ../shared/papers beside the checkout)` };
}

/** Links the corpus files into `workDir`/corpus, ingests them into `workDir`/index, and opens the library. */
export async function papersLibrary(workDir = join(REPO, 'data', 'eval-papers'), options: LibraryOptions = {}): Promise<Library> {
  const available = papersAvailable();
  if (!available.ok) throw new InputError(`eval: ${available.reason}`);
  const spec = JSON.parse(await readFile(join(PAPERS_DIR, 'corpus.json'), 'utf8')) as CorpusSpec;
  const corpusDir = join(workDir, 'corpus');
  await mkdir(corpusDir, { recursive: true });
  const wanted = new Map([...spec.project.map((path) => resolve(REPO, path)), ...spec.shared.map((name) => join(SHARED_PAPERS, name))].map((path) => [basename(path), path]));
  for (const name of await readdir(corpusDir)) {
    const target = await readlink(join(corpusDir, name)).catch(() => undefined);
    if (wanted.get(name) !== target) await rm(join(corpusDir, name), { force: true });
  }
  for (const [name, path] of wanted) {
    if (!existsSync(path)) throw new InputError(`eval: ${path} is missing (listed in eval/papers/corpus.json)`);
    if (!existsSync(join(corpusDir, name))) await symlink(path, join(corpusDir, name));
  }
  const indexDir = join(workDir, 'index');
  const report = await buildIndex({ corpusDir, indexDir, maxFileBytes: 50 * 1024 * 1024, embedder: { kind: 'local' } });
  if (report.failed.length > 0) throw new InputError(`eval: could not ingest ${report.failed.map((failure) => `${failure.file} (${failure.reason})`).join(', ')}`);
  const index = await loadIndex(indexDir);
  if (!index.lsa) throw new InputError('eval: the multi-paper index has no local embedding model');
  return new Library(index, new LsaEmbedder(index.lsa), options);
}
