import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from '../../../../src/core/calls/csv.js';

describe('CSV cells', () => {
  it.each([
    ['plain', 'Alice', 'Alice'],
    ['a comma', 'Smith, John', '"Smith, John"'],
    ['a quote', 'say "hi"', '"say ""hi"""'],
    ['a line break', 'a\nb', '"a\nb"'],
    ['a formula', '=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'],
    ['a plus', '+33611111111', "'+33611111111"],
    ['a minus', '-1+1', "'-1+1"],
    ['an at sign', '@SUM(A1)', "'@SUM(A1)"],
    ['a leading tab', '\t=1', "'\t=1"],
    ['a leading carriage return', '\r=1', '"\'\r=1"'],
    ['empty', '', ''],
  ])('given %s, then the cell is quoted or defused as RFC 4180 and OWASP say', (_name, value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('given numbers and nulls, then numbers stay numbers (even negative) and null is empty', () => {
    expect(csvLine([-5, 0, 12.5, null, undefined, Number.NaN])).toBe('-5,0,12.5,,,\r\n');
  });
});
