/**
 * Adding a paper from the page. Transport and the file's way into the corpus; the ingest is
 * the CLI's own (`buildIndex`: same limits, same one-line reasons, a new index version made
 * current by an atomic rename), and the engine loads the new index at once.
 *
 *   GET  /api/upload              { available, token, maxBytes, formats, reason? }: may this page upload?
 *   POST /api/upload?name=F       the file as the request body → 201 { paper, version }
 *                                 progress as Socket.IO `upload:progress { name, stage, done?, total? }`
 *                                 to the socket named in the X-Socket-Id header, when given
 *
 * Allowed without more when the server listens on a loopback address; on any other address
 * only with `Authorization: Bearer <PAPERCHAT_ADMIN_TOKEN>`, and not at all without a token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Router, type Request, type Response } from 'express';
import type { Config } from '../lib/config.ts';
import { embedderChoice } from '../lib/embeddings/index.ts';
import { IndexError } from '../lib/index-store.ts';
import { buildIndex, type ProgressEvent } from '../ingest/build.ts';
import { formatOf } from '../ingest/load.ts';
import type { Engine } from './engine.ts';
import type { Logger } from './log.ts';
import { paperSummary } from './rag/views.ts';

/** Whether uploads are taken, and how. */
export type UploadPolicy = { mode: 'open' } | { mode: 'token' } | { mode: 'off'; reason: string };

export interface UploadProgress {
  name: string;
  stage: 'receiving' | 'reading' | 'embedding' | 'indexing' | 'loading' | 'done' | 'failed';
  done?: number;
  total?: number;
}

export interface UploadParts {
  config: Config;
  engine: Engine;
  log: Logger;
  /** Where the server listens now (`httpServer.address()`); null before it listens. */
  listening: () => AddressInfo | string | null;
  /** Sends a progress event to one Socket.IO connection. */
  notify: (socketId: string, progress: UploadProgress) => void;
}

const FORMATS = ['.pdf', '.txt', '.md'];
/** Names ingest passes over as documentation of the corpus (ingest/build.ts). */
const DOCUMENTATION = /^(readme|license|licence|attribution|notice|copying)(\.[a-z]+)?$/i;
const MAX_NAME_CHARS = 200;

/**
 * Uploads are open on a loopback address (only this machine can reach the server), need the
 * admin token anywhere else, and are off there when no token is configured.
 */
export function uploadPolicy(address: AddressInfo | string | null, adminToken: string | undefined): UploadPolicy {
  if (address && typeof address === 'object' && isLoopback(address.address)) return { mode: 'open' };
  if (adminToken) return { mode: 'token' };
  const where = address && typeof address === 'object' ? address.address : 'a non-loopback address';
  return { mode: 'off', reason: `adding papers is off: the server listens on ${where}, not loopback, and PAPERCHAT_ADMIN_TOKEN is not set` };
}

export function isLoopback(address: string): boolean {
  return /^127\.\d+\.\d+\.\d+$/.test(address) || address === '::1' || /^::ffff:127\.\d+\.\d+\.\d+$/i.test(address);
}

/** Why this request may not upload (status and one line), or undefined when it may. */
export function refusal(policy: UploadPolicy, authorization: string | undefined, adminToken: string | undefined): { status: number; error: string } | undefined {
  if (policy.mode === 'open') return undefined;
  if (policy.mode === 'off') return { status: 403, error: `upload: ${policy.reason}` };
  const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!given) return { status: 401, error: 'upload: this server needs the admin token (Authorization: Bearer <PAPERCHAT_ADMIN_TOKEN>)' };
  return sameSecret(given, adminToken ?? '') ? undefined : { status: 403, error: 'upload: the admin token is wrong' };
}

/** Compares digests, so the time taken says nothing about the token. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return expected.length > 0 && timingSafeEqual(digest(given), digest(expected));
}

/** What is wrong with a file name for the corpus, as one line, or undefined when it will do. */
export function fileNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.trim() === '') return 'upload: give the file name as ?name=paper.pdf';
  const shown = JSON.stringify(name.slice(0, 80));
  if (/[/\\]/.test(name)) return `upload: ${shown}: the file name must not contain / or \\`;
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return `upload: ${shown}: the file name contains control characters`;
  if (name.length > MAX_NAME_CHARS) return `upload: the file name is over ${MAX_NAME_CHARS} characters`;
  if (name.startsWith('.')) return `upload: ${shown}: the file name must not start with a dot (ingest skips hidden files)`;
  if (name !== name.trim()) return `upload: ${shown}: the file name must not start or end with a space`;
  if (!formatOf(name)) return `upload: ${name}: unsupported file type (use ${FORMATS.join(', ')})`;
  if (DOCUMENTATION.test(name)) return `upload: ${name}: ingest skips files named like corpus documentation (README, LICENSE…); rename it`;
  return undefined;
}

/** "60.0 MB", as ingest words its size limit (ingest/load.ts). */
function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${bytes} B`;
}

/** `bytes` is the declared size, or undefined when the body came without one and was cut off at the limit. */
function tooLarge(name: string, bytes: number | undefined, maxBytes: number): string {
  const size = bytes === undefined ? `over ${formatBytes(maxBytes)}` : formatBytes(bytes);
  return `upload: ${name}: too large (${size}; the limit is ${formatBytes(maxBytes)}, set PAPERCHAT_MAX_FILE_MB)`;
}

export function uploadRouter(parts: UploadParts): Router {
  const router = Router();
  const adminToken = parts.config.server.adminToken;
  const policy = () => uploadPolicy(parts.listening(), adminToken);
  // One ingest at a time in this process (the index lock keeps other processes out).
  let queue: Promise<unknown> = Promise.resolve();

  router.get('/', (_request, response) => {
    const now = policy();
    response.json({
      available: now.mode !== 'off',
      token: now.mode === 'token',
      maxBytes: parts.config.maxFileBytes,
      formats: FORMATS,
      ...(now.mode === 'off' ? { reason: now.reason } : {}),
    });
  });

  router.post('/', async (request: Request, response: Response) => {
    const refused = refusal(policy(), request.headers.authorization, adminToken) ?? checkRequest(request, parts.config.maxFileBytes);
    if (refused) {
      refuse(response, refused);
      return;
    }
    const name = String(request.query.name);
    const socketId = String(request.headers['x-socket-id'] ?? '');
    const progress = (event: Omit<UploadProgress, 'name'>) => {
      if (/^[\w-]{1,64}$/.test(socketId)) parts.notify(socketId, { name, ...event });
    };
    const started = performance.now();
    const run = queue.then(() => addPaper(parts, request, name, progress));
    queue = run.catch(() => undefined);
    const result = await run.catch((error: Error) => ({ status: error instanceof IndexError ? 409 : 500, error: oneLine(error) }));
    progress({ stage: 'error' in result ? 'failed' : 'done' });
    parts.log.info('upload', { status: result.status, ms: Math.round(performance.now() - started) });
    if ('error' in result) refuse(response, result);
    else response.status(201).json(result.body);
  });
  return router;
}

/** The request's own problems: its name, and a declared size over the limit. */
function checkRequest(request: Request, maxBytes: number): { status: number; error: string } | undefined {
  const nameProblem = fileNameProblem(request.query.name);
  if (nameProblem) return { status: 400, error: nameProblem };
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return { status: 413, error: tooLarge(String(request.query.name), declared, maxBytes) };
  if (declared === 0) return { status: 400, error: `upload: ${String(request.query.name)}: empty file` };
  return undefined;
}

/** A refusal ends the connection when the body was not read, so the client stops sending it. */
function refuse(response: Response, { status, error }: { status: number; error: string }): void {
  if (!response.req.readableEnded) response.set('Connection', 'close');
  response.status(status).json({ error });
}

type AddResult = { status: number; error: string } | { status: 201; body: object };

/**
 * Receives the file beside the corpus (a dot-file, which ingest skips), moves it in under its
 * name only if no file has it (`link` fails on an existing name: no overwrite, even in a race),
 * ingests, and loads the new index. A file ingest refuses is taken out again.
 */
async function addPaper(parts: UploadParts, request: Request, name: string, progress: (event: Omit<UploadProgress, 'name'>) => void): Promise<AddResult> {
  const { corpusDir, maxFileBytes } = parts.config;
  const staging = join(corpusDir, `.upload-${randomBytes(6).toString('hex')}-${name}`);
  const target = join(corpusDir, name);
  try {
    if (await stat(target).then(() => true, () => false)) return { status: 409, error: `upload: ${name}: the corpus already has a file of that name; rename it or remove the old one` };
    const received = await receive(request, staging, maxFileBytes, (done) => progress({ stage: 'receiving', done }));
    if (received.tooLarge) return { status: 413, error: tooLarge(name, undefined, maxFileBytes) };
    await link(staging, target).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EEXIST' ? new IndexError(`upload: ${name}: the corpus already has a file of that name; rename it or remove the old one`) : error;
    });
  } finally {
    await rm(staging, { force: true });
  }
  try {
    const report = await buildIndex({ corpusDir, indexDir: parts.config.indexDir, maxFileBytes, embedder: embedderChoice(parts.config), onProgress: (event) => progress(stageOf(event)) });
    const failed = report.failed.find((failure) => failure.file === name);
    if (failed) {
      await rm(target, { force: true });
      return { status: 422, error: `upload: ${name}: ${failed.reason}` };
    }
    progress({ stage: 'loading' });
    await parts.engine.reload();
    const paper = parts.engine.library.index.papers.find((candidate) => candidate.source === name);
    if (!paper) return { status: 500, error: `upload: ${name} was indexed but the server did not load the new index; try again` };
    return { status: 201, body: { paper: paperSummary(paper), version: parts.engine.library.index.version } };
  } catch (error) {
    // The index is as it was (a build writes a new version or nothing): the file goes too.
    await rm(target, { force: true });
    throw error;
  }
}

function stageOf(event: ProgressEvent): Omit<UploadProgress, 'name'> {
  if (event.phase === 'parse') return { stage: 'reading', done: event.done, total: event.total };
  if (event.phase === 'embed') return { stage: 'embedding', done: event.done, total: event.total };
  return { stage: 'indexing' };
}

/**
 * Writes the request body to `path`, stopping once it passes `maxBytes` (a body sent without
 * a length is counted as it comes).
 */
function receive(request: Request, path: string, maxBytes: number, onBytes: (bytes: number) => void): Promise<{ bytes: number; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const file = createWriteStream(path, { flags: 'wx' });
    let bytes = 0;
    let reported = 0;
    file.on('error', reject);
    request.on('error', reject);
    request.on('aborted', () => reject(new Error('upload: the client closed the connection')));
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        request.pause();
        file.destroy();
        resolve({ bytes, tooLarge: true });
        return;
      }
      if (bytes - reported >= 256 * 1024) onBytes((reported = bytes));
      if (!file.write(chunk)) {
        request.pause();
        file.once('drain', () => request.resume());
      }
    });
    request.on('end', () => {
      if (bytes > maxBytes) return;
      onBytes(bytes);
      file.end(() => resolve({ bytes, tooLarge: false }));
    });
  });
}

function oneLine(error: Error): string {
  const message = error.message.split('\n')[0]!;
  return /^(upload|index|ingest|embeddings):/.test(message) ? message : `upload: ${message}`;
}
