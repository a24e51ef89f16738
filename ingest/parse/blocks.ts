/**
 * First cut of a source into blocks: runs of lines that belong together, with their offsets.
 * Plain text is cut at blank lines; Markdown by its own grammar (marked's lexer); PDF text,
 * which has no blank lines, by line geometry and punctuation.
 */
import { marked, type Token, type Tokens } from 'marked';
import type { SourceText } from '../load.ts';

export interface Line {
  text: string;
  start: number;
  end: number;
}

export interface RawBlock {
  lines: Line[];
  /** Set by formats that know: a Markdown heading (with its level) or a Markdown table. */
  hint?: { kind: 'heading'; level: number } | { kind: 'table'; rows: string[][] };
}

export function blocksOf(source: SourceText): RawBlock[] {
  if (source.format === 'markdown') return markdownBlocks(source.text);
  if (source.format === 'pdf') return pdfBlocks(source.text);
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

/**
 * PDF text comes one visual line per line, with no blank lines. A paragraph ends at a short
 * line that closes a sentence, before a heading, caption or numbered reference, and at page
 * breaks (the structure pass later rejoins paragraphs a page break split).
 */
function pdfBlocks(text: string): RawBlock[] {
  const blocks: RawBlock[] = [];
  for (const page of textBlocks(text)) {
    const lines = page.lines;
    const width = typicalWidth(lines);
    let current: Line[] = [];
    const flush = () => {
      if (current.length > 0) blocks.push({ lines: joinLines(current) });
      current = [];
    };
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const trimmed = line.text.trim();
      const startsBlock = /^(?:\d+(?:\.\d+)*\.?\s+[A-Z]|(?:TABLE|FIGURE|Table|Figure|Fig\.)\s*\d+|References$|REFERENCES$|\[?\d{1,3}[.\]]\s+[A-Z])/.test(trimmed);
      if (startsBlock || looksLikeHeading(trimmed, width)) flush();
      current.push(line);
      const closesSentence = /[.?!:)\]]["'”]?$/.test(trimmed);
      const short = trimmed.length < width * 0.8;
      if ((closesSentence && short) || looksLikeHeading(trimmed, width)) flush();
    }
    flush();
  }
  return blocks;
}

/** The usual length of a full line on a page: long lines set the measure. */
function typicalWidth(lines: Line[]): number {
  const lengths = lines.map((line) => line.text.trim().length).sort((a, b) => b - a);
  return lengths[Math.floor(lengths.length * 0.2)] ?? 80;
}

function looksLikeHeading(text: string, width: number): boolean {
  return /^\d+(?:\.\d+)*\.?\s+[A-Z][^.]*$/.test(text) && text.length < Math.min(100, width * 0.8);
}

/**
 * Merges a PDF paragraph's visual lines into one line, removing end-of-line hyphenation
 * (`hyphen-` + `ation` → `hyphenation`) but keeping real hyphens before capitals or digits.
 */
function joinLines(lines: Line[]): Line[] {
  let text = '';
  for (const line of lines) {
    const piece = line.text.trim();
    if (text.length === 0) text = piece;
    else if (/[a-z]-$/.test(text) && /^[a-z]/.test(piece)) text = text.slice(0, -1) + piece;
    else text += ` ${piece}`;
  }
  return [{ text, start: lines[0]!.start, end: lines[lines.length - 1]!.end }];
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
