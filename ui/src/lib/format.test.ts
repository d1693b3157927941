import { describe, expect, it } from 'vitest';
import { formatAge, formatDecimal, formatInt, formatMoney, ungroup } from './format';

describe('formatInt groups digits as text', () => {
  it.each([
    [0, '0'],
    [7, '7'],
    [999, '999'],
    [1000, '1,000'],
    [1234567, '1,234,567'],
    [-1234567, '-1,234,567'],
    ['9007199254740993', '9,007,199,254,740,993'],
    ['-100000', '-100,000'],
  ])('%s → %s', (input, out) => {
    expect(formatInt(input)).toBe(out);
  });

  it('leaves non-integers untouched rather than guessing', () => {
    expect(formatInt('n/a')).toBe('n/a');
  });
});

describe('formatDecimal groups only the integer part and keeps the fraction exactly', () => {
  it.each([
    ['0.00', '0.00'],
    ['1234.50', '1,234.50'],
    ['1234567.5', '1,234,567.5'],
    ['9007199254.740993', '9,007,199,254.740993'],
    ['-1000.01', '-1,000.01'],
    ['100', '100'],
    ['12345678901234567890.123456', '12,345,678,901,234,567,890.123456'],
  ])('%s → %s', (input, out) => {
    expect(formatDecimal(input)).toBe(out);
  });

  it('money carries its currency', () => {
    expect(formatMoney('1234.50', 'EUR')).toBe('1,234.50 EUR');
  });

  it('ungroup reverses grouping (the e2e compares ungrouped cells)', () => {
    expect(ungroup(formatInt(1234567))).toBe('1234567');
  });
});

describe('formatAge', () => {
  const now = 1_000_000_000_000;
  it.each([
    [now - 10_000, 'just now'],
    [now - 3 * 60_000, '3 min ago'],
    [now - 5 * 3_600_000, '5 h ago'],
    [now - 24 * 3_600_000, '1 day ago'],
    [now - 72 * 3_600_000, '3 days ago'],
    [now + 60_000, 'just now'],
  ])('%s → %s', (then, out) => {
    expect(formatAge(then, now)).toBe(out);
  });
});
