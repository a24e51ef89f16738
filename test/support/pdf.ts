/**
 * Test PDFs made with pdfkit: a small two-page paper with headings, a paragraph split by the
 * page break, citations and a numbered reference list; also an encrypted one.
 */
import PDFDocument from 'pdfkit';

export interface PdfOptions {
  /** Encrypt with this user password. */
  password?: string;
}

/** An A4 pdfkit document with this title, and its bytes once it ends. */
function a4Document(title: string, extra: Partial<PDFKit.PDFDocumentOptions> = {}): { doc: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const doc = new PDFDocument({ size: 'A4', margin: 60, info: { Title: title }, ...extra });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  return { doc, done };
}

export function makePaperPdf(options: PdfOptions = {}): Promise<Buffer> {
  const { doc, done } = a4Document('Vaccines against HER2 in a test paper', options.password ? { userPassword: options.password, ownerPassword: `${options.password}-owner`, pdfVersion: '1.7' as const } : {});
  doc.fontSize(18).text('Vaccines against HER2 in a test paper');
  doc.moveDown();
  doc.fontSize(13).text('1 Introduction');
  doc.moveDown(0.5);
  doc.fontSize(10).text('Peptide vaccines train the immune system to recognise HER2 on tumour cells (1). The HER-Vaxx vaccine (HV) raised antibody levels in most patients and the effect lasted for months after the last dose (2, 3).');
  doc.moveDown();
  doc.text('Dendritic cell vaccines are loaded with HER2 peptides outside the body and infused back, a process that takes about two weeks from');
  doc.addPage();
  doc.text('collection to infusion in the reported trials, and the median overall survival reached 13.9 months in the vaccine arm (2).');
  doc.moveDown();
  doc.fontSize(13).text('2 Safety');
  doc.moveDown(0.5);
  doc.fontSize(10).text('Injection-site reactions were the most frequent adverse events, seen in 41% of patients (3).');
  doc.moveDown();
  doc.fontSize(13).text('References');
  doc.moveDown(0.5);
  doc.fontSize(9);
  doc.text('1. Kono K, Takahashi A, Sugai H. Dendritic cells pulsed with HER-2/neu-derived peptides can induce specific T-cell responses. Clin Cancer Res. (2002) 8:3394-400.');
  doc.text('2. Tobias J, Maglakelidze M, Andric Z, et al. Phase II trial of HER-vaxx, a B-cell peptide-based vaccine. Clin Cancer Res. (2023) 29:4000-10. doi: 10.1158/1078-0432.CCR-22-1234');
  doc.text('3. Maeng HM, Moore BN, Bagheri H. Phase I clinical trial of an autologous dendritic cell vaccine against HER2. Front Oncol. (2021) 11:789078. doi: 10.3389/fonc.2021.789078');
  doc.end();
  return done;
}

/**
 * A paper with a two-column table of measured values and no header row, set in a smaller font:
 * one value in italics (another style mid-table) and one wrapping onto a second line.
 */
export function makeTablePdf(): Promise<Buffer> {
  const { doc, done } = a4Document('Crystal structure of a test enzyme');
  doc.fontSize(18).text('Crystal structure of a test enzyme');
  doc.moveDown();
  doc.fontSize(13).text('1 Results');
  doc.moveDown(0.5);
  doc.fontSize(10).text('The enzyme was crystallised with its inhibitor and the structure was refined against the data in Table 1, which lists the statistics of the final model.');
  doc.moveDown();
  doc.fontSize(10).font('Helvetica-Bold').text('Table 1 Crystallographic statistics of the complex');
  doc.moveDown(0.5);
  const rows: [string, string, string?][] = [
    ['Resolution (Å)', '2.2'],
    ['Space group', 'P1'],
    ['Cell', 'a = 73.1, b = 77.3, c = 82.9', 'alpha = 88.4, beta = 64.3'],
    ['Redundancy', '3.9 (3.9)'],
    ['Rfree', '21.9'],
    ['PDB code', '4BXK'],
  ];
  let y = doc.y;
  for (const [name, value, wrapped] of rows) {
    doc.fontSize(8).font('Helvetica').text(name, 80, y, { lineBreak: false });
    doc.font(name === 'Cell' ? 'Helvetica-Oblique' : 'Helvetica').text(value, 260, y, { lineBreak: false });
    if (wrapped) doc.font('Helvetica-Oblique').text(wrapped, 260, (y += 10), { lineBreak: false });
    y += 14;
  }
  doc.font('Helvetica').fontSize(10).text('The inhibitor binds in the active site as in the parent compound, and two water molecules bridge it to the zinc ion.', 60, y + 20);
  doc.end();
  return done;
}

/**
 * A hostile PDF written by hand: one page object listed `times` times in the page tree (a
 * 1 MB file can list it 200,000 times).
 */
export function repeatedPagePdf(times: number, text = 'The repeated page mentions HER2 once.'): Buffer {
  const stream = `BT /F1 12 Tf 72 700 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${Array.from({ length: times }, () => '3 0 R').join(' ')}] /Count ${times} >>`,
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  const entries = offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${entries}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
