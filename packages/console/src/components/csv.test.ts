import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';

describe('CSV export', () => {
  it('quotes every field, doubles quotes, ends lines with CRLF', () => {
    expect(toCsv(['a', 'b'], [['x "y"', 3], [null, 'z,w']])).toBe('"a","b"\r\n"x ""y""","3"\r\n"","z,w"\r\n');
  });

  it('keeps a spreadsheet from running a field as a formula', () => {
    expect(toCsv(['name'], [['=HYPERLINK("http://x")'], ['+1'], ['-2'], ['@SUM(A1)']])).toBe('"name"\r\n"\'=HYPERLINK(""http://x"")"\r\n"\'+1"\r\n"\'-2"\r\n"\'@SUM(A1)"\r\n');
  });
});
