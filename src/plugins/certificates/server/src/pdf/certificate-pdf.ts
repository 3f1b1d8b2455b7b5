import fs from 'fs';
import * as fontkit from 'fontkit';
import path from 'path';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

export interface CertificateFace {
  code: string;
  studentName: string;
  courseTitle: string;
  teacherNames: string;
  finalPercent: number | null;
  issuedAt: Date;
  status: 'issued' | 'revoked';
  verificationUrl: string;
  /** The signed Open Badges credential's address: what the QR code holds when there is one. */
  credentialUrl?: string | null;
}

// DejaVu covers Latin, Cyrillic, Greek and accents; pdfkit's 14 standard fonts cover none of Cyrillic.
// Parsed once: parsing DejaVu's tables was most of a render; pdfkit takes the parsed font as it is and
// embeds a fresh subset per document.
const fontDir = path.dirname(require.resolve('dejavu-fonts-ttf/package.json'));
const openFont = (file: string) => fontkit.create(fs.readFileSync(path.join(fontDir, 'ttf', file))) as fontkit.Font;
const REGULAR = openFont('DejaVuSans.ttf');
const BOLD = openFont('DejaVuSans-Bold.ttf');

const formatDate = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Renders a certificate as an A4 landscape PDF. Everything on the page comes from the certificate, and
 * the document's dates are its issue date, so the same certificate always renders to the same bytes.
 */
export async function renderCertificatePdf(face: CertificateFace): Promise<Buffer> {
  const qr = await QRCode.toBuffer(face.credentialUrl || face.verificationUrl, {
    errorCorrectionLevel: 'M',
    margin: 1,
    width: 240,
  });
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 56,
    info: {
      Title: `Certificate ${face.code}`,
      Author: 'Lyceum',
      Subject: face.courseTitle,
      CreationDate: face.issuedAt,
      ModDate: face.issuedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.registerFont('regular', REGULAR as unknown as PDFKit.Mixins.PDFFontSource);
  doc.registerFont('bold', BOLD as unknown as PDFKit.Mixins.PDFFontSource);
  const width = doc.page.width - 112;
  doc
    .lineWidth(3)
    .rect(28, 28, doc.page.width - 56, doc.page.height - 56)
    .stroke('#1f3a5f');

  doc
    .font('bold')
    .fontSize(34)
    .fillColor('#1f3a5f')
    .text('Certificate of Completion', 56, 90, { width, align: 'center' });
  doc
    .font('regular')
    .fontSize(14)
    .fillColor('#333333')
    .text('This certifies that', 56, 160, { width, align: 'center' });
  doc.font('bold').fontSize(30).fillColor('#000000').text(face.studentName, 56, 190, { width, align: 'center' });
  doc
    .font('regular')
    .fontSize(14)
    .fillColor('#333333')
    .text('has completed the course', 56, 245, { width, align: 'center' });
  doc.font('bold').fontSize(22).fillColor('#000000').text(face.courseTitle, 56, 272, { width, align: 'center' });

  const details = [`Issued ${formatDate(face.issuedAt)}`];
  if (face.finalPercent !== null) details.push(`Final result ${face.finalPercent}%`);
  if (face.teacherNames) details.push(`Teachers: ${face.teacherNames}`);
  doc
    .font('regular')
    .fontSize(12)
    .fillColor('#333333')
    .text(details.join('   ·   '), 56, 340, { width, align: 'center' });
  if (face.status === 'revoked')
    doc.font('bold').fontSize(18).fillColor('#b00020').text('REVOKED', 56, 370, { width, align: 'center' });

  doc.image(qr, doc.page.width - 56 - 110, doc.page.height - 56 - 130, { width: 110 });
  doc.font('regular').fontSize(9).fillColor('#555555');
  doc.text(`Verify: ${face.verificationUrl}`, 56, doc.page.height - 90, { width: width - 130 });
  doc.text(`Certificate code ${face.code}`, 56, doc.page.height - 74, { width: width - 130 });
  if (face.credentialUrl)
    doc.text(`Verifiable credential: ${face.credentialUrl}`, 56, doc.page.height - 106, { width: width - 130 });

  doc.end();
  return finished;
}
