import { describe, expect, it } from 'vitest';
import { barWidth, sortCoverage, type CoverageSortKey } from './coverage';
import { COVERAGE_ROWS } from '../test/fixtures';

describe('barWidth', () => {
  it.each([
    ['12.50', '12.5%'],
    ['100.00', '100%'],
    ['0.00', '0%'],
    ['33.34', '33.34%'],
    ['100.01', '100%'],
    ['-3', '0%'],
    ['', '0%'],
    ['n/a', '0%'],
  ])('%s → %s', (percent, width) => {
    expect(barWidth(percent)).toBe(width);
  });
});

describe('sortCoverage', () => {
  const ids = (key: CoverageSortKey, dir: 'asc' | 'desc') =>
    sortCoverage(COVERAGE_ROWS, { key, dir }).map((r) => r.affiliate_id);

  it.each([
    ['total', ['aff-2', 'aff-3', 'aff-1']],
    ['s2s', ['aff-2', 'aff-3', 'aff-1']],
    ['pixel', ['aff-1', 'aff-3', 'aff-2']],
    ['batch', ['aff-3', 'aff-1', 'aff-2']],
    ['api', ['aff-3', 'aff-1', 'aff-2']],
  ] as const)('%s descending', (key, expected) => {
    expect(ids(key, 'desc')).toEqual(expected);
  });

  it('affiliate A→Z ignores case', () => {
    expect(ids('affiliate', 'asc')).toEqual(['aff-1', 'aff-2', 'aff-3']);
  });
});
