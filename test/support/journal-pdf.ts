/**
 * Journal-style test PDFs, typeset here with pdfkit so every layout the parser must handle is
 * tested without real papers: one or two columns, a running head and page numbers on every
 * page, a large title, an abstract, bold headings, superscript or bracketed or author–year
 * citations, hyphenated line ends, an equation number, a small table, and a reference list
 * that is numbered or set with hanging indents.
 *
 * Text markup: `^12,13` is a superscript (raised, smaller, glued to the word before it);
 * `-\n` ends a line with a hyphen inside a word.
 */
import PDFDocument from 'pdfkit';

export interface JournalPaper {
  runningHead: string;
  title: string;
  authors: string;
  abstract: string;
  sections: { heading: string; paragraphs: string[]; table?: { caption: string; rows: string[][] } }[];
  references: string[];
  columns: 1 | 2;
  /** Numbered ("1. …") or hanging-indent (author–year) reference list. */
  referenceLayout: 'numbered' | 'hanging';
}

const PAGE = { width: 595, height: 842, margin: 56 };
const GUTTER = 22;
const BODY = { font: 'Times-Roman', size: 9.5, leading: 11.5 };
const HEADING = { font: 'Helvetica-Bold', size: 11 };

type Doc = InstanceType<typeof PDFDocument>;

export function makeJournalPdf(paper: JournalPaper): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 0, autoFirstPage: false, info: { Title: 'untitled' } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const flow = new Flow(doc, paper);
  flow.newPage();
  flow.fullWidth(paper.title, 'Helvetica-Bold', 18, 22);
  flow.fullWidth(paper.authors, 'Helvetica', 10.5, 13);
  flow.space(8);
  flow.fullWidth('Abstract', HEADING.font, HEADING.size, 14);
  flow.fullWidth(paper.abstract, BODY.font, BODY.size, BODY.leading);
  flow.space(12);
  flow.startColumns();
  for (const section of paper.sections) {
    flow.heading(section.heading);
    for (const paragraph of section.paragraphs) flow.paragraph(paragraph, BODY.font, BODY.size, BODY.leading);
    if (section.table) flow.table(section.table.caption, section.table.rows);
  }
  flow.heading('References');
  paper.references.forEach((entry, i) => flow.reference(entry, i + 1));
  doc.end();
  return done;
}

/** Places lines in columns, page after page. */
class Flow {
  private page = 0;
  private y = 0;
  private column = 0;
  private top = 0;

  constructor(
    private readonly doc: Doc,
    private readonly paper: JournalPaper,
  ) {}

  private get columnWidth(): number {
    const width = PAGE.width - 2 * PAGE.margin;
    return this.paper.columns === 2 && this.top > 0 ? (width - GUTTER) / 2 : width;
  }

  private get x(): number {
    return PAGE.margin + this.column * (this.columnWidth + GUTTER);
  }

  newPage(): void {
    this.doc.addPage({ size: 'A4', margin: 0 });
    this.page++;
    this.doc.font('Helvetica').fontSize(8);
    this.doc.text(this.paper.runningHead, PAGE.margin, 30, { lineBreak: false });
    this.doc.text(String(this.page), PAGE.width / 2, PAGE.height - 36, { lineBreak: false });
    this.y = 70;
    this.column = 0;
    if (this.top > 0) this.top = this.y;
  }

  startColumns(): void {
    this.top = this.y;
  }

  space(points: number): void {
    this.y += points;
  }

  /** Moves on when a line of `height` does not fit: next column, or next page. */
  private fit(height: number): void {
    if (this.y + height <= PAGE.height - 60) return;
    if (this.paper.columns === 2 && this.top > 0 && this.column === 0) {
      this.column = 1;
      this.y = this.top;
      return;
    }
    this.newPage();
  }

  fullWidth(text: string, font: string, size: number, leading: number): void {
    this.paragraph(text, font, size, leading);
  }

  heading(text: string): void {
    this.space(6);
    this.fit(HEADING.size * 3);
    this.doc.font(HEADING.font).fontSize(HEADING.size).text(text, this.x, this.y, { lineBreak: false });
    this.y += HEADING.size + 5;
  }

  paragraph(text: string, font: string, size: number, leading: number, indent = 0, firstIndent = 0): void {
    const lines = this.wrap(text, font, size, indent, firstIndent);
    lines.forEach((line, i) => {
      this.fit(leading);
      this.drawLine(line, font, size, this.x + (i === 0 ? firstIndent : indent));
      this.y += leading;
    });
    this.y += 3;
  }

  reference(entry: string, n: number): void {
    const size = 8;
    if (this.paper.referenceLayout === 'numbered') {
      const lines = this.wrap(entry, BODY.font, size, 14, 14);
      lines.forEach((line, i) => {
        this.fit(10);
        if (i === 0) this.doc.font(BODY.font).fontSize(size).text(`${n}.`, this.x, this.y, { lineBreak: false });
        this.drawLine(line, BODY.font, size, this.x + 14);
        this.y += 10;
      });
      this.y += 1;
      return;
    }
    this.paragraph(entry, BODY.font, size, 10, 12, 0);
  }

  table(caption: string, rows: string[][]): void {
    this.space(4);
    this.paragraph(caption, 'Helvetica-Bold', 8, 10);
    const width = this.columnWidth / (rows[0]?.length ?? 1);
    for (const row of rows) {
      this.fit(11);
      row.forEach((cell, i) => this.doc.font('Helvetica').fontSize(8).text(cell, this.x + i * width, this.y, { lineBreak: false }));
      this.y += 11;
    }
    this.space(6);
  }

  /** Words into lines of the column's width; superscripts count at their own size. */
  private wrap(text: string, font: string, size: number, indent: number, firstIndent: number): string[][] {
    const lines: string[][] = [];
    for (const forced of text.split(/(?<=-)\n/)) {
      let line: string[] = [];
      let width = 0;
      for (const word of forced.split(/\s+/).filter(Boolean)) {
        const wordWidth = this.measure(word, font, size);
        const room = this.columnWidth - (lines.length === 0 ? firstIndent : indent);
        if (line.length > 0 && width + wordWidth > room) {
          lines.push(line);
          line = [];
          width = 0;
        }
        line.push(word);
        width += wordWidth + this.measure(' ', font, size);
      }
      if (line.length > 0) lines.push(line);
    }
    return lines;
  }

  private measure(word: string, font: string, size: number): number {
    const [base, superscript] = word.split('^');
    let width = this.doc.font(font).fontSize(size).widthOfString(base ?? '');
    if (superscript) width += this.doc.fontSize(size * 0.62).widthOfString(superscript);
    return width;
  }

  private drawLine(words: string[], font: string, size: number, x: number): void {
    let at = x;
    for (const word of words) {
      const [base, superscript] = word.split('^');
      this.doc.font(font).fontSize(size).text(base ?? '', at, this.y, { lineBreak: false });
      at += this.doc.widthOfString(base ?? '');
      if (superscript) {
        this.doc.fontSize(size * 0.62).text(superscript, at, this.y - size * 0.05, { lineBreak: false });
        at += this.doc.widthOfString(superscript);
      }
      at += this.doc.font(font).fontSize(size).widthOfString(' ');
    }
  }
}
