/**
 * CSV as RFC 4180 says (comma, CRLF, fields with a comma, quote or line break in double quotes, quotes
 * doubled), with a UTF-8 byte order mark: without it Excel reads UTF-8 as the local code page and
 * Cyrillic names come out as mojibake.
 */
export const UTF8_BOM = '\uFEFF';

export type CsvCell = string | number | null | undefined;

/**
 * Text that starts like a formula (= + - @, or a tab/CR that hides one) is run by spreadsheets: a student
 * named `=HYPERLINK(…)` must not become a link in the teacher's export. OWASP's advice: prefix a quote.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return UTF8_BOM + rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
