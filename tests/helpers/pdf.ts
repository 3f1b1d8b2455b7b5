import { execFileSync } from 'child_process';
import path from 'path';

/** The text a PDF shows, as a reader's copy-paste would give it. */
export function pdfText(pdf: Buffer): string {
  return execFileSync(process.execPath, [path.join(__dirname, 'pdf-text.js')], { input: pdf, encoding: 'utf8' });
}
