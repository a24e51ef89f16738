/**
 * First cut of a source into blocks: runs of lines that belong together, with their offsets.
 * Plain text is cut at blank lines, Markdown by its own grammar (marked's lexer); PDFs arrive
 * already cut and typed by their layout (ingest/pdf).
 */
import { marked, type Token, type Tokens } from 'marked';
import type { LayoutLine } from '../pdf/blocks.ts';
import type { SourceText } from '../load.ts';

export interface Line {
  text: string;
  start: number;
  end: number;
  /** For PDF lines: indent, spacing and cells, which reference lists are split by. */
  layout?: LayoutLine;
}

/** What the source format already knows about a block. */
export type BlockHint =
  | { kind: 'heading'; level: number; runIn?: boolean }
  | { kind: 'table'; rows: string[][] }
  | { kind: 'title' | 'paragraph' | 'caption' | 'references' };

export interface RawBlock {
  lines: Line[];
  hint?: BlockHint;
}

export function blocksOf(source: SourceText): RawBlock[] {
  if (source.blocks) return source.blocks;
  if (source.format === 'markdown') return markdownBlocks(source.text);
  return textBlocks(source.text);
}

/** Lines of `text` from `from` to `to`, with absolute offsets. */
function linesOf(text: string, from = 0, to = text.length): Line[] {
  const lines: Line[] = [];
  let start = from;
  while (start <= to) {
    let end = text.indexOf('\n', start);
    if (end === -1 || end > to) end = to;
    lines.push({ text: text.slice(start, end), start, end });
    start = end + 1;
  }
  return lines;
}

const isBlank = (line: Line) => line.text.trim().length === 0;

/** Plain text: blocks are separated by blank lines. */
function textBlocks(text: string): RawBlock[] {
  const blocks: RawBlock[] = [];
  let current: Line[] = [];
  for (const line of linesOf(text)) {
    if (isBlank(line)) {
      if (current.length > 0) blocks.push({ lines: current });
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) blocks.push({ lines: current });
  return blocks;
}

/** Markdown through marked's lexer: headings, paragraphs, tables, lists, code skipped. */
function markdownBlocks(text: string): RawBlock[] {
  const blocks: RawBlock[] = [];
  let offset = 0;
  const visit = (tokens: Token[]) => {
    for (const token of tokens) {
      const start = text.indexOf(token.raw, offset);
      const at = start >= 0 ? start : offset;
      const end = at + token.raw.length;
      if (start >= 0) offset = end;
      const lines = linesOf(text, at, end).filter((line) => !isBlank(line));
      if (token.type === 'heading') {
        const heading = token as Tokens.Heading;
        blocks.push({ lines: [{ text: heading.text, start: at, end }], hint: { kind: 'heading', level: heading.depth } });
      } else if (token.type === 'table') {
        const table = token as Tokens.Table;
        const rows = [table.header.map((cell) => cell.text), ...table.rows.map((row) => row.map((cell) => cell.text))];
        blocks.push({ lines, hint: { kind: 'table', rows } });
      } else if (token.type === 'list') {
        for (const item of (token as Tokens.List).items) {
          const itemStart = text.indexOf(item.raw, at);
          const from = itemStart >= 0 ? itemStart : at;
          blocks.push({ lines: [{ text: item.raw.trim(), start: from, end: from + item.raw.length }] });
        }
      } else if (token.type === 'paragraph' || token.type === 'text') {
        if (lines.length > 0) blocks.push({ lines: [{ text: lines.map((line) => line.text.trim()).join(' '), start: at, end }] });
      } else if (token.type === 'blockquote') {
        visit((token as Tokens.Blockquote).tokens);
      }
      // code, html, hr and space tokens carry no prose worth indexing
    }
  };
  visit(marked.lexer(text));
  return blocks;
}
