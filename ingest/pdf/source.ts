/**
 * A laid-out PDF as the structure parser's input: the text (each visual line on its own line,
 * blocks separated by blank lines, so spans point at what the page shows), the page offsets,
 * and one raw block per layout block with its kind as a hint. Paragraph lines are joined with
 * end-of-line hyphens removed where the joined word is a word.
 */
import { isCommonWord } from '../../lib/common-words.ts';
import type { SourceText } from '../load.ts';
import type { Line, RawBlock } from '../parse/blocks.ts';
import type { LayoutBlock, LayoutLine } from './blocks.ts';
import type { PdfLayout } from './index.ts';
import { tableRows } from './tables.ts';

export function pdfSourceText(layout: PdfLayout): SourceText {
  const vocabulary = documentWords(layout.blocks);
  let text = '';
  const pages: { num: number; start: number; end: number }[] = [];
  const blocks: RawBlock[] = [];
  for (const block of layout.blocks) {
    if (text.length > 0) text += '\n\n';
    const lines: Line[] = block.lines.map((line, i) => {
      if (i > 0) text += '\n';
      const start = text.length;
      notePage(pages, line.page, start);
      text += line.text;
      return { text: line.text, start, end: text.length, layout: line };
    });
    blocks.push(rawBlock(block, lines, vocabulary));
  }
  for (let i = 0; i < pages.length; i++) pages[i]!.end = i + 1 < pages.length ? Math.max(pages[i]!.start, pages[i + 1]!.start - 2) : text.length;
  return { format: 'pdf', text, pages, blocks, repeated: layout.repeated, ...(layout.metadataTitle ? { metadataTitle: layout.metadataTitle } : {}) };
}

function notePage(pages: { num: number; start: number; end: number }[], num: number, offset: number): void {
  if (pages.length === 0 || pages[pages.length - 1]!.num < num) pages.push({ num, start: offset, end: offset });
}

function rawBlock(block: LayoutBlock, lines: Line[], vocabulary: Set<string>): RawBlock {
  const span = { start: lines[0]!.start, end: lines[lines.length - 1]!.end };
  const joined: Line = { text: joinLines(block.lines, vocabulary), ...span };
  switch (block.kind) {
    case 'heading':
      return { lines: [joined], hint: { kind: 'heading', level: block.level, runIn: block.runIn } };
    case 'table':
      return { lines, hint: { kind: 'table', rows: tableRows(block.lines) } };
    case 'references':
      return { lines, hint: { kind: 'references' } };
    default:
      return { lines: [joined], hint: { kind: block.kind } };
  }
}

/**
 * Visual lines → one line of text. "deci-" + "sions" → "decisions" when that is a word (of
 * the document or of English); "post-" + "intervention" keeps its hyphen.
 */
export function joinLines(lines: LayoutLine[], vocabulary: Set<string>): string {
  let text = '';
  for (const line of lines) {
    const piece = line.text.replace(/\t/g, ' ').trim();
    if (text.length === 0) {
      text = piece;
      continue;
    }
    const hyphenated = /(\p{L}+)-$/u.exec(text);
    const next = /^(\p{Ll}+)/u.exec(piece);
    if (hyphenated && next) {
      const joinedWord = `${hyphenated[1]}${next[1]}`.toLowerCase();
      const keep = !isWord(joinedWord, vocabulary) && isWord(hyphenated[1]!.toLowerCase(), vocabulary) && isWord(next[1]!, vocabulary);
      text = keep ? text + piece : text.slice(0, -1) + piece;
    } else {
      text += ` ${piece}`;
    }
  }
  return text;
}

function isWord(word: string, vocabulary: Set<string>): boolean {
  return vocabulary.has(word) || isCommonWord(word) || isCommonWord(word.replace(/(?:s|es|ed|ing|ly)$/, ''));
}

/** The words the document writes whole (not split at a line end). */
function documentWords(blocks: LayoutBlock[]): Set<string> {
  const words = new Set<string>();
  for (const block of blocks) {
    for (const line of block.lines) {
      for (const word of line.text.toLowerCase().match(/\p{L}+(?![\p{L}-])/gu) ?? []) words.add(word);
    }
  }
  return words;
}
