import { describe, expect, it } from 'vitest';
import {
  compareDecimalStrings,
  compareIntStrings,
  DEFAULT_SORT,
  filterRows,
  nextSort,
  sortRows,
  type SortKey,
} from './sort';
import { row, ROWS } from '../test/fixtures';

const ids = (rows: { affiliate_id: string }[]) => rows.map((r) => r.affiliate_id);

describe('exact comparisons', () => {
  it('compares integer strings beyond 2^53 exactly', () => {
    // As floats these two are equal; as money they differ by one micro.
    expect(Number('9007199254740993')).toBe(Number('9007199254740992'));
    expect(compareIntStrings('9007199254740993', '9007199254740992')).toBe(1);
    expect(compareIntStrings('9007199254740992', '9007199254740993')).toBe(-1);
    expect(compareIntStrings('-5', '3')).toBe(-1);
    expect(compareIntStrings('42', '42')).toBe(0);
  });

  it.each([
    ['10.20', '9.99', 1],
    ['2.35', '2.4', -1],
    ['2.50', '2.5', 0],
    ['100.00', '99.99', 1],
    ['0.00', '0', 0],
    ['-1.5', '1.5', -1],
    ['166.67', '10.20', 1],
  ])('compareDecimalStrings(%s, %s) = %i', (a, b, expected) => {
    expect(compareDecimalStrings(a, b)).toBe(expected);
  });
});

describe('sortRows', () => {
  const cases: [SortKey, string[]][] = [
    ['affiliate', ['aff-1', 'aff-2', 'aff-3']], // case-insensitive: Alpha, bravo, Charlie
    ['clicks', ['aff-2', 'aff-3', 'aff-1']],
    ['registrations', ['aff-3', 'aff-1', 'aff-2']],
    ['ftds', ['aff-3', 'aff-1', 'aff-2']],
    ['approved_conversions', ['aff-2', 'aff-3', 'aff-1']],
    ['cr_percent', ['aff-1', 'aff-3', 'aff-2']],
    ['ftd_amount', ['aff-3', 'aff-1', 'aff-2']],
  ];

  it.each(cases)('%s ascending, and descending is the reverse', (key, asc) => {
    expect(ids(sortRows(ROWS, { key, dir: 'asc' }))).toEqual(asc);
    expect(ids(sortRows(ROWS, { key, dir: 'desc' }))).toEqual([...asc].reverse());
  });

  it('defaults to FTD amount, largest first, exact to the micro', () => {
    expect(DEFAULT_SORT).toEqual({ key: 'ftd_amount', dir: 'desc' });
    expect(ids(sortRows(ROWS, DEFAULT_SORT))).toEqual(['aff-2', 'aff-1', 'aff-3']);
  });

  it('breaks ties by affiliate id so the order is stable', () => {
    const tied = [row('b', 'Same', { clicks: 1 }), row('a', 'Same', { clicks: 1 })];
    expect(ids(sortRows(tied, { key: 'clicks', dir: 'desc' }))).toEqual(['a', 'b']);
  });

  it('does not mutate its input', () => {
    const before = ids(ROWS);
    sortRows(ROWS, { key: 'clicks', dir: 'asc' });
    expect(ids(ROWS)).toEqual(before);
  });

  it('nextSort toggles the same column and starts numbers descending, names ascending', () => {
    expect(nextSort(DEFAULT_SORT, 'ftd_amount')).toEqual({ key: 'ftd_amount', dir: 'asc' });
    expect(nextSort(DEFAULT_SORT, 'clicks')).toEqual({ key: 'clicks', dir: 'desc' });
    expect(nextSort(DEFAULT_SORT, 'affiliate')).toEqual({ key: 'affiliate', dir: 'asc' });
  });
});

describe('filterRows', () => {
  it('matches name or id, case-insensitively, ignoring surrounding spaces', () => {
    expect(ids(filterRows(ROWS, 'BRAVO'))).toEqual(['aff-2']);
    expect(ids(filterRows(ROWS, ' aff-3 '))).toEqual(['aff-3']);
    expect(ids(filterRows(ROWS, 'aff'))).toEqual(['aff-1', 'aff-2', 'aff-3']);
    expect(ids(filterRows(ROWS, ''))).toHaveLength(3);
    expect(filterRows(ROWS, 'zzz')).toEqual([]);
  });
});
