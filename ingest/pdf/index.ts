/**
 * A PDF → text and typed blocks: items (read.ts) → segments (lines.ts) → furniture removed
 * and reading order (layout.ts) → typography → blocks (blocks.ts).
 */
import { readingOrders, withoutFurniture } from './layout.ts';
import { layoutBlocks, type LayoutBlock } from './blocks.ts';
import { segmentsOf } from './lines.ts';
import { readPdf, type PdfReadLimits } from './read.ts';
import { measureTypography } from './typography.ts';

export interface PdfLayout {
  blocks: LayoutBlock[];
  /** Running heads and footers, once each. */
  repeated: string[];
  pageCount: number;
  metadataTitle?: string;
}

export async function layoutPdf(bytes: Uint8Array, limits: PdfReadLimits): Promise<PdfLayout> {
  const document = await readPdf(bytes, limits);
  const pages = document.pages.map((page) => ({ segments: segmentsOf(page.num, page.items), height: page.height }));
  const { pages: kept, repeated } = withoutFurniture(pages);
  const lines = readingOrders(kept).flat();
  const typography = measureTypography(lines);
  return { blocks: layoutBlocks(lines, typography), repeated, pageCount: document.pages.length, ...(document.metadataTitle ? { metadataTitle: document.metadataTitle } : {}) };
}
