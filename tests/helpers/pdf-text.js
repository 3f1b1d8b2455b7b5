'use strict';
// Prints the text of the PDF given on stdin. Run as its own process: pdf.js loads its worker with a
// dynamic import, which jest's module sandbox does not allow.
const { PDFParse } = require('pdf-parse');

const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', async () => {
  const parser = new PDFParse({ data: Buffer.concat(chunks) });
  const result = await parser.getText();
  process.stdout.write(result.text);
  await parser.destroy();
});
