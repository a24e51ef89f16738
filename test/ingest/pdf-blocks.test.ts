/**
 * Paragraph grouping and text cleanup on lines laid out by the test (no PDF needed): a sentence
 * that runs on across a line break in one font stays one paragraph though the lines' main
 * fonts differ, and rules drawn with dots are not text.
 */
import { describe, expect, it } from 'vitest';
import { layoutBlocks } from '../../ingest/pdf/blocks.ts';
import type { Line } from '../../ingest/pdf/layout.ts';
import { segmentsOf } from '../../ingest/pdf/lines.ts';
import { measureTypography } from '../../ingest/pdf/typography.ts';

const BODY_WORDS = 'Body text set in the regular face of the paper runs across the column';

/** A line of runs ([font, text]) at a baseline; widths as 0.5 em per character. */
function line(y: number, size: number, runs: [string, string][], x0 = 40): Line {
  let x = x0;
  const placed = runs.map(([font, text]) => {
    const run = { text, x0: x, x1: x + 0.5 * size * text.length, size, font, script: 'base' as const };
    x = run.x1;
    return run;
  });
  const segment = { page: 1, y, x0, x1: x, size, font: runs[0]![0], runs: placed };
  return { page: 1, y, x0, x1: x, size, font: runs[0]![0], segments: [segment], columnX0: 40, columnX1: 400 };
}

/** Body paragraphs (so the typography knows the body), then the box's lines under them. */
function withBody(box: Line[]): Line[] {
  const body = Array.from({ length: 12 }, (_, i) => line(100 + i * 11.5, 9.5, [['Regular', `${BODY_WORDS} ${i}`]]));
  return [...body, ...box];
}

const paragraphs = (lines: Line[]) =>
  layoutBlocks(lines, measureTypography(lines))
    .filter((block) => block.kind === 'paragraph')
    .map((block) => block.lines.map((laid) => laid.text).join(' '));

describe('paragraph grouping', () => {
  it('keeps a side box sentence whole when a bold name opens its first line', () => {
    const box = [line(400, 7.5, [['Bold', 'Jane Doe '], ['Small', 'earned a Ph.D. in']]), line(409, 7.5, [['Small', 'Psychology from the University of']]), line(418, 7.5, [['Small', 'Vienna in Austria.']])];
    expect(paragraphs(withBody(box))).toContain('Jane Doe earned a Ph.D. in Psychology from the University of Vienna in Austria.');
  });

  it('still starts a new paragraph after a line that closes a sentence in another font', () => {
    const box = [line(400, 7.5, [['Bold', 'Jane Doe '], ['Small', 'lives in Vienna.']]), line(409, 7.5, [['Small', 'Psychology is her field of study at the']]), line(418, 7.5, [['Small', 'university.']])];
    const found = paragraphs(withBody(box));
    expect(found.some((text) => text.includes('Vienna. Psychology'))).toBe(false);
  });
});

describe('text cleanup', () => {
  it('drops rules drawn with dots and keeps the words beside them', () => {
    const items = [
      { text: 'Participants were sampled', x: 40, y: 100, width: 120, size: 9.5, font: 'Regular' },
      { text: '..............................', x: 40, y: 112, width: 300, size: 9.5, font: 'Regular' },
      { text: 'Age … in years', x: 40, y: 124, width: 70, size: 9.5, font: 'Regular' },
    ];
    const texts = segmentsOf(1, items).map((segment) => segment.runs.map((run) => run.text).join(''));
    expect(texts).toEqual(['Participants were sampled', 'Age … in years']);
  });

  it('joins the letters of letter-spaced capitals and keeps ordinary short words', () => {
    const items = [
      { text: 'D E M E N T I A', x: 40, y: 100, width: 60, size: 7, font: 'Caps' },
      { text: 'F R E E', x: 104, y: 100, width: 30, size: 7, font: 'Caps' },
      { text: 'a b c', x: 40, y: 120, width: 20, size: 9.5, font: 'Regular' },
    ];
    const texts = segmentsOf(1, items).map((segment) => segment.runs.map((run) => run.text).join(''));
    expect(texts).toEqual(['DEMENTIA FREE', 'a b c']);
  });
});
