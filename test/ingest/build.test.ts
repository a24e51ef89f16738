/**
 * Building the index: incremental re-ingests, bad input that never takes the index down, and
 * an index that is always whole on disk.
 */
import { spawn } from 'node:child_process';
import { appendFile, chmod, copyFile, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildIndex, type BuildOptions } from '../../ingest/build.ts';
import { currentVersion, IndexError, loadIndex, readManifest } from '../../lib/index-store.ts';
import { seededRandom } from '../../lib/random.ts';
import { REPO, REVIEW, tempDir } from '../support/fixtures.ts';
import { makeJournalPdf } from '../support/journal-pdf.ts';
import { TWO_COLUMNS } from '../support/journal-papers.ts';
import { makePaperPdf } from '../support/pdf.ts';

let dir: Awaited<ReturnType<typeof tempDir>>;
let corpusDir: string;
let indexDir: string;
const options = (extra: Partial<BuildOptions> = {}): BuildOptions => ({ corpusDir, indexDir, maxFileBytes: 2 * 1024 * 1024, embedder: { kind: 'local' }, ...extra });

beforeEach(async () => {
  dir = await tempDir();
  corpusDir = join(dir.path, 'corpus');
  indexDir = join(dir.path, 'index');
  await mkdir(corpusDir);
  await copyFile(REVIEW, join(corpusDir, 'review.txt'));
});

afterEach(async () => {
  await dir.remove();
});

describe('incremental ingest', () => {
  it('embeds nothing and writes nothing when the corpus is unchanged', async () => {
    const first = await buildIndex(options());
    expect(first.embedded).toBe(first.chunks);
    expect(first.chunksByKind).toEqual({ paragraph: expect.any(Number), 'table-row': 30, 'figure-caption': 4, reference: 190 });
    const version = await currentVersion(indexDir);
    const second = await buildIndex(options());
    expect(second.embedded).toBe(0);
    expect(second.reused).toBe(first.chunks);
    expect(second.parsed).toEqual([]);
    expect(second.unchanged).toEqual(['review.txt']);
    expect(second.version).toBeUndefined();
    expect(await currentVersion(indexDir)).toBe(version);
  });

  it('refits the local embedding model when an added paper uses words it has not seen', async () => {
    const first = await buildIndex(options());
    const before = await loadIndex(indexDir);
    // A paper from another field: cold chains and refrigerators, not HER2.
    await writeFile(join(corpusDir, 'cold-chain.pdf'), await makeJournalPdf(TWO_COLUMNS));
    const notices: string[] = [];
    const second = await buildIndex(options({ onProgress: (event) => { if (event.phase === 'notice') notices.push(event.message); } }));
    expect(notices).toContain('new passages use words the model has not seen: refitting the local embedding model');
    expect(second.embedded).toBe(second.chunks);
    const after = await loadIndex(indexDir);
    expect(after.lsa!.terms.length).toBeGreaterThan(before.lsa!.terms.length);
    expect(first.chunks).toBeLessThan(second.chunks);
  });

  it('re-parses only a changed file, re-embeds only its new chunks, and drops deleted files', async () => {
    await writeFile(join(corpusDir, 'vaccines.pdf'), await makePaperPdf());
    const first = await buildIndex(options());
    expect(first.papers).toBe(2);
    await appendFile(join(corpusDir, 'review.txt'), '\n\nAn added closing paragraph mentions a brand new finding about HER2 vaccines.\n');
    const second = await buildIndex(options());
    expect(second.parsed).toEqual(['review.txt']);
    expect(second.unchanged).toEqual(['vaccines.pdf']);
    expect(second.embedded).toBeGreaterThan(0);
    expect(second.embedded).toBeLessThan(5);
    expect(second.reused).toBe(second.chunks - second.embedded);
    await rm(join(corpusDir, 'vaccines.pdf'));
    const third = await buildIndex(options());
    expect(third.removed).toEqual(['vaccines.pdf']);
    expect(third.papers).toBe(1);
    const index = await loadIndex(indexDir);
    expect(index.papers.map((paper) => paper.source)).toEqual(['review.txt']);
    expect(index.chunks.some((chunk) => chunk.text.includes('brand new finding'))).toBe(true);
  });

  it('rebuilds everything when the chunker changes or --rebuild is asked', async () => {
    const first = await buildIndex(options());
    const rechunked = await buildIndex(options({ chunking: { maxChars: 400 } }));
    expect(rechunked.parsed).toEqual(['review.txt']);
    expect(rechunked.chunks).toBeGreaterThan(first.chunks);
    const rebuilt = await buildIndex(options({ chunking: { maxChars: 400 }, rebuild: true }));
    expect(rebuilt.embedded).toBe(rebuilt.chunks);
    const manifest = await readManifest(indexDir);
    expect(manifest?.chunker.maxChars).toBe(400);
  });

  it('records sources, hashes, embedder, chunker and counts in the manifest', async () => {
    await buildIndex(options());
    const manifest = (await readManifest(indexDir))!;
    expect(manifest.schemaVersion).toBe(1);
    expect(manifest.files).toEqual([expect.objectContaining({ source: 'review.txt', hash: expect.stringMatching(/^[0-9a-f]{64}$/), chunks: manifest.counts.chunks, references: 190 })]);
    expect(manifest.embedder).toEqual({ id: expect.stringMatching(/^lsa-/), kind: 'local', dimensions: expect.any(Number) });
    expect(manifest.counts).toMatchObject({ papers: 1, references: 190 });
    expect(manifest.buildMs).toBeGreaterThan(0);
  });
});

describe('bad input', () => {
  it('reports each bad file with its reason, ingests the rest, and keeps a failed file\'s previous version', async () => {
    await buildIndex(options());
    await writeFile(join(corpusDir, 'empty.txt'), '');
    await writeFile(join(corpusDir, 'corrupt.pdf'), Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 7)]));
    await writeFile(join(corpusDir, 'encrypted.pdf'), await makePaperPdf({ password: 'secret' }));
    await writeFile(join(corpusDir, 'junk.txt'), Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 37) % 256)));
    await writeFile(join(corpusDir, 'page.pdf'), '<html><body>not a pdf</body></html>');
    await writeFile(join(corpusDir, 'paper.txt'), await makePaperPdf());
    await writeFile(join(corpusDir, 'huge.txt'), 'HER2 '.repeat(600_000));
    await writeFile(join(corpusDir, 'notes.docx'), 'PK\u0003\u0004');
    await symlink(join(dir.path, 'missing-target.txt'), join(corpusDir, 'dangling.txt'));
    await writeFile(join(corpusDir, 'vaccines.pdf'), await makePaperPdf());
    const report = await buildIndex(options());
    const reasons = Object.fromEntries(report.failed.map((failure) => [failure.file, failure.reason]));
    expect(reasons).toEqual({
      'corrupt.pdf': expect.stringMatching(/^corrupt PDF/),
      'dangling.txt': 'cannot read: no such file',
      'empty.txt': 'empty file',
      'encrypted.pdf': 'encrypted PDF (password protected)',
      'huge.txt': expect.stringMatching(/^too large \(2\.9 MB; the limit is 2\.0 MB/),
      'junk.txt': expect.stringMatching(/^(not UTF-8 text|binary data)/),
      'notes.docx': expect.stringMatching(/^unsupported file type ".docx"/),
      'page.pdf': 'not a PDF (starts with "<html><body>")',
      'paper.txt': 'this is a PDF file with a text extension; rename it to .pdf',
    });
    for (const reason of Object.values(reasons)) expect(reason).not.toContain('\n');
    expect(report.parsed).toEqual(['vaccines.pdf']);
    expect(report.papers).toBe(2);

    // The review turns unreadable: its previous version stays in the index.
    await writeFile(join(corpusDir, 'review.txt'), Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02]));
    const again = await buildIndex(options());
    expect(again.failed.find((failure) => failure.file === 'review.txt')).toEqual({ file: 'review.txt', reason: expect.any(String), keptPrevious: true });
    const index = await loadIndex(indexDir);
    expect(index.papers.map((paper) => paper.source).sort()).toEqual(['review.txt', 'vaccines.pdf']);
    expect(index.chunks.filter((chunk) => chunk.kind === 'reference' && chunk.docId === 'review')).toHaveLength(190);
  });

  it('skips hidden files and the corpus README', async () => {
    await writeFile(join(corpusDir, '.DS_Store'), 'x');
    await writeFile(join(corpusDir, 'README.md'), '# About this corpus\n\nAttribution.');
    const report = await buildIndex(options());
    expect(report.failed).toEqual([]);
    expect(report.skipped).toEqual(['README.md']);
    expect(report.papers).toBe(1);
  });

  it('refuses to build while another ingest holds the lock, and takes over a dead one\'s lock', async () => {
    await mkdir(indexDir, { recursive: true });
    await writeFile(join(indexDir, '.lock'), String(process.ppid));
    await expect(buildIndex(options())).rejects.toThrow(/another ingest \(pid \d+\) is writing/);
    await writeFile(join(indexDir, '.lock'), '999999999');
    await expect(buildIndex(options())).resolves.toMatchObject({ papers: 1 });
  });
});

describe('the index on disk', () => {
  it('says what to do when there is none or its schema is old', async () => {
    await expect(loadIndex(indexDir)).rejects.toThrow(/no index in .*; run `npm run ingest` first/);
    await buildIndex(options());
    const version = (await currentVersion(indexDir))!;
    const manifestPath = join(indexDir, version, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    await writeFile(manifestPath, JSON.stringify({ ...manifest, schemaVersion: 0 }));
    const error = await loadIndex(indexDir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IndexError);
    expect((error as Error).message).toMatch(/schema v0, this PaperChat reads v1; run `npm run ingest -- --rebuild`/);
  });

  it('stays whole and loadable when an ingest is killed at any moment, inside the write step too', async () => {
    await buildIndex(options());
    const before = await loadIndex(indexDir);
    await appendFile(join(corpusDir, 'review.txt'), '\n\nA paragraph that makes the next ingest write a new version.\n');
    await writeFile(join(corpusDir, 'vaccines.pdf'), await makePaperPdf());
    const random = seededRandom(11);
    // Four kills at random moments, then two while a staging folder is being written.
    const moments: ('write' | number)[] = [...[0, 1, 2, 3].map(() => 50 + Math.floor(random() * 2_500)), 'write', 'write'];
    let killedWhileWriting = 0;
    for (const moment of moments) {
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'ingest', 'cli.ts'), '--corpus', corpusDir, '--index', indexDir, '--rebuild'], {
        cwd: REPO,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stderr!.resume();
      if (moment === 'write') {
        // Checked, not assumed: the kill lands while the staging folder exists.
        while (child.exitCode === null && !(await readdir(indexDir)).some((name) => name.startsWith('.staging-'))) await new Promise((resolve) => setTimeout(resolve, 2));
        if (child.exitCode === null) killedWhileWriting++;
      } else {
        await new Promise((resolve) => setTimeout(resolve, moment));
      }
      child.kill('SIGKILL');
      await exited;
      const index = await loadIndex(indexDir);
      expect(index.chunks.length).toBeGreaterThanOrEqual(before.chunks.length);
      expect(index.vectors.length).toBe(index.chunks.length * index.manifest.embedder.dimensions);
      expect(index.hnsw.getCurrentCount()).toBe(index.chunks.length);
    }
    expect(killedWhileWriting).toBeGreaterThan(0);
    // The stale lock of the killed process does not block the next ingest.
    const report = await buildIndex(options());
    expect(report.failed).toEqual([]);
    expect((await loadIndex(indexDir)).papers).toHaveLength(2);
    expect((await readdir(indexDir)).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('leaves no lock behind when an ingest is stopped with SIGTERM', async () => {
    await buildIndex(options());
    await appendFile(join(corpusDir, 'review.txt'), '\n\nA paragraph that makes the next ingest work.\n');
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'ingest', 'cli.ts'), '--corpus', corpusDir, '--index', indexDir, '--rebuild'], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
    // Once it is working (it has said so), stop it.
    await new Promise<void>((resolve) => child.stderr!.on('data', () => resolve()));
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    if (code === 143) expect(stderr).toMatch(/ingest: stopped \(SIGTERM\)/);
    expect(await readdir(indexDir)).not.toContain('.lock');
    expect((await loadIndex(indexDir)).papers).toHaveLength(1);
  });

  it('refuses more text than one paper can have, whatever the byte limit allows, with one line', async () => {
    await writeFile(join(corpusDir, 'book.txt'), 'HER2 gastric cancer. '.repeat(1_100_000));
    const report = await buildIndex({ ...options(), maxFileBytes: 300 * 1024 * 1024 });
    expect(report.failed).toEqual([{ file: 'book.txt', reason: 'too much text for one paper (22.0 MB; at most 20.0 MB of text per file; split it)', keptPrevious: false }]);
    expect(report.papers).toBe(1);
  });

  it('clears what a killed build left behind, also when the index is up to date', async () => {
    await buildIndex(options());
    await mkdir(join(indexDir, '.staging-v-20000101T000000Z-abcdef'));
    await writeFile(join(indexDir, '.staging-v-20000101T000000Z-abcdef', 'vectors.f32'), 'x');
    await writeFile(join(indexDir, '.CURRENT-v-20000101T000000Z-abcdef'), 'v-20000101T000000Z-abcdef\n');
    await writeFile(join(indexDir, '.lock.999999999.0a1b2c3d'), '999999999');
    const report = await buildIndex(options());
    expect(report.version).toBeUndefined();
    expect((await readdir(indexDir)).filter((name) => name.startsWith('.'))).toEqual([]);
    expect((await loadIndex(indexDir)).papers).toHaveLength(1);
  });
});

describe('file permissions', () => {
  it('reports a file it may not read', async () => {
    if (process.getuid?.() === 0) {
      // Root reads every file; a link named like a paper that leads to a directory cannot be read either.
      await mkdir(join(dir.path, 'a-directory'));
      await symlink(join(dir.path, 'a-directory'), join(corpusDir, 'folder.txt'));
    } else {
      await writeFile(join(corpusDir, 'folder.txt'), 'secret');
      await chmod(join(corpusDir, 'folder.txt'), 0o000);
    }
    const report = await buildIndex(options());
    expect(report.papers).toBe(1);
    expect(report.failed).toEqual([
      { file: 'folder.txt', reason: process.getuid?.() === 0 ? 'cannot read: is a directory' : 'cannot read: permission denied', keptPrevious: false },
    ]);
  });
});
