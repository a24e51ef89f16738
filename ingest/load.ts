/**
 * Reading one corpus file into text, with the checks that turn bad input into one clear
 * reason: empty, binary, wrong extension, corrupt or encrypted PDF, too large, unreadable.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { SourceFormat } from '../lib/types.ts';
import type { RawBlock } from './parse/blocks.ts';

/** The text of a source file; PDFs also say where each page starts. */
export interface SourceText {
  format: SourceFormat;
  text: string;
  /** For PDFs: page numbers and their [start, end) offsets in `text`. */
  pages?: { num: number; start: number; end: number }[];
  /** A title from the file's metadata (PDF info), when present. */
  metadataTitle?: string;
  /** For PDFs: the blocks their layout gives, already typed. */
  blocks?: RawBlock[];
  /** For PDFs: the running heads and footers dropped from the pages, once each. */
  repeated?: string[];
}

/** A file that cannot be ingested; the message names the reason, the caller adds the file. */
export class SourceError extends Error {
  override name = 'SourceError';
}

const FORMATS: Record<string, SourceFormat> = {
  '.txt': 'text',
  '.text': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.pdf': 'pdf',
};

/** The format a file name claims, or undefined when PaperChat does not read it. */
export function formatOf(path: string): SourceFormat | undefined {
  return FORMATS[extname(path).toLowerCase()];
}

export interface LoadLimits {
  /** Files larger than this are refused (bytes). */
  maxBytes: number;
}

/** Reads and decodes a source file. Throws `SourceError` with a one-line reason. */
export async function loadSource(path: string, limits: LoadLimits): Promise<SourceText> {
  return decodeSource(path, await readSourceFile(path, limits));
}

/** The bytes of a source file, refused early when its type or size is wrong. */
export async function readSourceFile(path: string, limits: LoadLimits): Promise<Buffer> {
  if (!formatOf(path)) throw new SourceError(`unsupported file type "${extname(path)}" (use .pdf, .txt or .md)`);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw new SourceError(`cannot read: ${describeFsError(error)}`);
  }
  if (size === 0) throw new SourceError('empty file');
  if (size > limits.maxBytes) {
    throw new SourceError(`too large (${formatBytes(size)}; the limit is ${formatBytes(limits.maxBytes)}, set PAPERCHAT_MAX_FILE_MB)`);
  }
  try {
    return await readFile(path);
  } catch (error) {
    throw new SourceError(`cannot read: ${describeFsError(error)}`);
  }
}

/** Turns a source file's bytes into text, checking they are what the file name says. */
export async function decodeSource(path: string, bytes: Buffer): Promise<SourceText> {
  const format = formatOf(path);
  if (!format) throw new SourceError(`unsupported file type "${extname(path)}" (use .pdf, .txt or .md)`);
  const looksLikePdf = bytes.subarray(0, 1024).includes('%PDF-');
  if (format === 'pdf') {
    if (!looksLikePdf) throw new SourceError(`not a PDF (starts with ${JSON.stringify(preview(bytes))})`);
    return loadPdf(bytes);
  }
  if (looksLikePdf) throw new SourceError('this is a PDF file with a text extension; rename it to .pdf');
  return { format, text: decodeText(bytes) };
}

/**
 * A text file past this is not one paper (a long review is ~0.3 MB, a book ~2 MB): parsing,
 * chunking and BM25 hold several copies of the text, and a 200 MB file would exhaust V8's
 * heap whatever PAPERCHAT_MAX_FILE_MB allows.
 */
const MAX_TEXT_BYTES = 20 * 1024 * 1024;

function decodeText(bytes: Buffer): string {
  if (bytes.length > MAX_TEXT_BYTES) {
    throw new SourceError(`too much text for one paper (${formatBytes(bytes.length)}; at most ${formatBytes(MAX_TEXT_BYTES)} of text per file; split it)`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SourceError('not UTF-8 text (binary data?)');
  }
  // Control characters other than tab, newline and carriage return mean binary data.
  const control = text.match(/[\u0000-\u0008\u000e-\u001f]/g)?.length ?? 0;
  if (control > 0 && control / text.length > 0.001) throw new SourceError('binary data, not text');
  text = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (text.trim().length === 0) throw new SourceError('no text (only whitespace)');
  return text;
}

/** Pages beyond this are not read: no paper has more, a hostile page tree may list millions. */
const MAX_PDF_PAGES = 2000;

async function loadPdf(bytes: Buffer): Promise<SourceText> {
  // pdf.js loads in about a second; only pay for it when there is a PDF.
  const [{ layoutPdf }, { pdfSourceText }] = await Promise.all([import('./pdf/index.ts'), import('./pdf/source.ts')]);
  const layout = await layoutPdf(new Uint8Array(bytes), { maxPages: MAX_PDF_PAGES });
  const source = pdfSourceText(layout);
  if (source.text.trim().length === 0) throw new SourceError('the PDF has no extractable text (scanned images need OCR first)');
  return source;
}

function preview(bytes: Buffer): string {
  return bytes.subarray(0, 12).toString('latin1').replace(/[^\x20-\x7e]/g, '?');
}

/** A file-system error in a few words ("permission denied"). */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${bytes} B`;
}
