/**
 * CSV as RFC 4180 has it, safe to open in a spreadsheet: every field quoted, quotes
 * doubled, and a field that a spreadsheet would read as a formula (starting with =, +,
 * -, @, a tab or a carriage return) prefixed with a single quote, as OWASP advises
 * against CSV injection. A userName or device name comes from people we do not control.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '""';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvRow(values: ReadonlyArray<string | number | boolean | null | undefined>): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
