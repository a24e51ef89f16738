/**
 * A small two-page paper made with pdfkit around one finding the test chooses: a title,
 * authors, numbered sections, the finding in a paragraph, a figure caption on page 2 and a
 * numbered reference list. Tests upload or index it and then ask about the finding.
 */
import PDFDocument from 'pdfkit';

export interface FindingPaper {
  title: string;
  /** A sentence found nowhere else, to ask about. */
  finding: string;
  /** The figure's caption, without its label ("Figure 1."). */
  caption?: string;
}

export function makeFindingPdf(paper: FindingPaper): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 60, info: { Title: paper.title } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.font('Helvetica-Bold').fontSize(18).text(paper.title);
  doc.moveDown(0.5);
  doc.font('Helvetica').fontSize(10).text('Ada Quill, Ben Marsh and Cora Lind');
  doc.moveDown();
  heading(doc, '1 Introduction');
  body(doc, 'Field trials of soil microbes are slow and costly, and most reports cover a single season (1). This study followed the same plots for three seasons to see whether early gains persist (2).');
  heading(doc, '2 Results');
  body(doc, `${paper.finding} The effect was similar on clay and sandy plots, and no plot lost yield in any season (2).`);
  doc.addPage();
  body(doc, `Figure 1. ${paper.caption ?? 'Yield by season and soil type in the treated and untreated plots.'}`);
  heading(doc, '3 Discussion');
  body(doc, 'The gains persisted after the second season, which earlier single-season trials could not show (1, 2).');
  heading(doc, 'References');
  doc.font('Helvetica').fontSize(9);
  doc.text('1. Hale T, Brook S. Microbial inoculants in temperate cereal fields. Soil Biol Biochem. (2019) 12:101-9. doi: 10.1016/j.soilbio.2019.0001');
  doc.text('2. Okafor N, Lind C. Three seasons of inoculated barley. Field Crops Res. (2022) 8:44-52. doi: 10.1016/j.fcr.2022.0002');
  doc.end();
  return done;
}

function heading(doc: InstanceType<typeof PDFDocument>, text: string): void {
  doc.moveDown(0.5);
  doc.font('Helvetica-Bold').fontSize(13).text(text);
  doc.moveDown(0.4);
}

function body(doc: InstanceType<typeof PDFDocument>, text: string): void {
  doc.font('Helvetica').fontSize(10).text(text);
  doc.moveDown();
}
