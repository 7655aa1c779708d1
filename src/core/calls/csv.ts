// RFC 4180: fields separated by commas, records by CRLF; a field holding a comma, a quote or a
// line break is quoted, with quotes doubled.
//
// Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return, which some strip
// first) as a formula, so a caller name like `=HYPERLINK(...)` would run on the reader's machine.
// Such cells get a leading apostrophe (OWASP's advice), which spreadsheets show as text. A plain
// number like -5 would be mangled the same way, so numbers are written as numbers, never through this.

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export type CsvValue = string | number | null | undefined;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (values: readonly CsvValue[]): string => `${values.map(csvCell).join(',')}\r\n`;
