/**
 * Page furniture as a check, found independently of ingest's own rule: the top and bottom
 * lines of each page (pdf.js items grouped by baseline) whose text, digits masked, repeats on
 * at least three pages. Ingest must leave none of them inside a passage.
 */
import { readPdf } from '../ingest/pdf/read.ts';

export async function repeatedEdgeText(bytes: Uint8Array): Promise<string[]> {
  const document = await readPdf(new Uint8Array(bytes), { maxPages: 500 });
  const byKey = new Map<string, { pages: Set<number>; text: string }>();
  for (const page of document.pages) {
    const rows = new Map<number, string[]>();
    for (const item of [...page.items].sort((a, b) => a.x - b.x)) {
      const key = Math.round(item.y);
      rows.set(key, [...(rows.get(key) ?? []), item.text]);
    }
    for (const [y, texts] of rows) {
      if (y > 0.07 * page.height && y < 0.93 * page.height) continue;
      const text = texts.join(' ').replace(/\s+/g, ' ').trim();
      if (text.replace(/[\d\s]/g, '').length < 8) continue;
      const key = text.toLowerCase().replace(/\d+/g, '#');
      const entry = byKey.get(key) ?? { pages: new Set<number>(), text };
      entry.pages.add(page.num);
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()].filter((entry) => entry.pages.size >= 3).map((entry) => entry.text);
}
