/**
 * A PDF's text as positioned items, with pdf.js (pdfjs-dist, the library pdf-parse wraps; used
 * directly because layout needs each item's position, size and font, which pdf-parse drops).
 * Coordinates are turned into a top-down frame in which the page's text runs left to right, so
 * rotated (landscape) pages read like the others; text at any other angle (margin stamps,
 * vertical running heads) is dropped.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SourceError } from '../load.ts';

/** A run of text as pdf.js reports it. `y` is the baseline, measured down from the page top. */
export interface PdfItem {
  text: string;
  x: number;
  y: number;
  width: number;
  /** Font size (the height of the text's em square on the page). */
  size: number;
  /** pdf.js's name for the font: the same name means the same font within a document. */
  font: string;
}

export interface PdfPage {
  num: number;
  width: number;
  height: number;
  items: PdfItem[];
}

export interface PdfDocument {
  pages: PdfPage[];
  metadataTitle?: string;
}

export interface PdfReadLimits {
  /** Pages beyond this are not read (a hostile page tree can list one page thousands of times). */
  maxPages: number;
}

const require = createRequire(import.meta.url);
const PDFJS_DIR = dirname(require.resolve('pdfjs-dist/package.json'));

/** Consecutive pages that repeat earlier page objects after which the rest is taken to repeat too. */
const MAX_REPEATED_PAGES = 50;

/** Reads every page's text items. Throws `SourceError` with a one-line reason. */
export async function readPdf(bytes: Uint8Array, limits: PdfReadLimits): Promise<PdfDocument> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = pdfjs.getDocument({
    data: bytes,
    // Fonts matter only as metrics and names here; CMaps decode CJK and other CID fonts.
    disableFontFace: true,
    useSystemFonts: false,
    isEvalSupported: false,
    cMapUrl: `${join(PDFJS_DIR, 'cmaps')}/`,
    cMapPacked: true,
    standardFontDataUrl: `${join(PDFJS_DIR, 'standard_fonts')}/`,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  try {
    const document = await task.promise;
    const pages: PdfPage[] = [];
    const fingerprints = new Set<string>();
    let repeats = 0;
    for (let num = 1; num <= Math.min(document.numPages, limits.maxPages); num++) {
      const page = await document.getPage(num);
      // The same page object listed again and again is one page, not many; a page tree that
      // only repeats itself (each lookup walks the whole tree) is not read to its end.
      const ref = page.ref ? `${page.ref.num}:${page.ref.gen}` : `${num}`;
      if (fingerprints.has(ref)) {
        if (++repeats >= MAX_REPEATED_PAGES) break;
        continue;
      }
      repeats = 0;
      fingerprints.add(ref);
      const viewport = page.getViewport({ scale: 1 });
      const content = await page.getTextContent();
      pages.push({ num, ...framed(content.items as RawItem[], viewport.transform, viewport.width, viewport.height, pdfjs.Util.transform) });
      page.cleanup();
    }
    const metadataTitle = await titleOf(document);
    return { pages, ...(metadataTitle ? { metadataTitle } : {}) };
  } catch (error) {
    throw asSourceError(error);
  } finally {
    await task.destroy().catch(() => undefined);
  }
}

interface RawItem {
  str?: string;
  transform: number[];
  width: number;
  fontName: string;
}

type Transform = (m1: number[], m2: number[]) => number[];

/**
 * Items in a top-down frame. The page's dominant text direction becomes "left to right";
 * items written in another direction are dropped.
 */
function framed(raw: RawItem[], viewportTransform: number[], width: number, height: number, multiply: Transform): Omit<PdfPage, 'num'> {
  const placed = raw
    .filter((item) => typeof item.str === 'string' && item.str.length > 0)
    .map((item) => {
      const [a, b, c, d, e, f] = multiply(viewportTransform, item.transform) as [number, number, number, number, number, number];
      return { item, angle: Math.round((Math.atan2(b, a) * 180) / Math.PI / 90) * 90, size: Math.hypot(c, d), e, f, skewed: Math.abs(Math.atan2(b, a) * (180 / Math.PI)) % 90 > 2 };
    })
    .filter((entry) => entry.size > 0.5 && !entry.skewed);
  const weight = new Map<number, number>();
  for (const entry of placed) weight.set(entry.angle, (weight.get(entry.angle) ?? 0) + entry.item.str!.length);
  const angle = [...weight.entries()].sort((x, y) => y[1] - x[1])[0]?.[0] ?? 0;
  const radians = (angle * Math.PI) / 180;
  const cos = Math.round(Math.cos(radians));
  const sin = Math.round(Math.sin(radians));
  // Rotating by -angle makes the dominant direction horizontal again.
  const rotate = (x: number, y: number) => ({ x: x * cos + y * sin, y: -x * sin + y * cos });
  const corners = [rotate(0, 0), rotate(width, height)];
  const left = Math.min(corners[0]!.x, corners[1]!.x);
  const top = Math.min(corners[0]!.y, corners[1]!.y);
  const items = placed
    .filter((entry) => ((entry.angle - angle) % 360 + 360) % 360 === 0)
    .map(({ item, size, e, f }) => {
      const point = rotate(e, f);
      return { text: item.str!, x: point.x - left, y: point.y - top, width: Math.abs(item.width), size, font: item.fontName };
    });
  const quarter = Math.abs(sin) === 1;
  return { width: quarter ? height : width, height: quarter ? width : height, items };
}

async function titleOf(document: { getMetadata(): Promise<{ info: unknown }> }): Promise<string | undefined> {
  try {
    const title = ((await document.getMetadata()).info as { Title?: unknown } | undefined)?.Title;
    return typeof title === 'string' && title.trim().length > 3 ? title.trim() : undefined;
  } catch {
    return undefined; // metadata is optional; the text is what matters
  }
}

function asSourceError(error: unknown): SourceError {
  if (error instanceof SourceError) return error;
  const name = (error as { name?: string }).name;
  if (name === 'PasswordException') return new SourceError('encrypted PDF (password protected)');
  const message = error instanceof Error ? error.message : String(error);
  return new SourceError(`corrupt PDF (${message.replace(/\s+/g, ' ').replace(/\.$/, '')})`);
}
