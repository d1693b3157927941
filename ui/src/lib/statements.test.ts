// Statements logic: exact line ordering by micros, stable ties, periods newest first, the affiliate picker, export
// names, and which drill-down subjects are players.
import { describe, expect, it } from 'vitest';
import {
  computeSummary,
  exportFileName,
  isMonthLabel,
  isPlayerItem,
  nextLineSort,
  pickAffiliates,
  planLabel,
  previousMonth,
  sortLines,
  sortPeriods,
} from './statements';
import { computeResult, drillItem, line, LINES, periodView } from '../test/commission';
import { row } from '../test/fixtures';

const keys = (ls: { line_key: string }[]) => ls.map((l) => l.line_key);

describe('statement lines', () => {
  it('keeps the statement order by default and sorts amounts exactly (BigInt), both ways', () => {
    expect(keys(sortLines(LINES, { key: 'position', dir: 'asc' }))).toEqual(keys(LINES));
    // revshare (…993) and adjustment (…992) are equal as floats but not as integers.
    expect(keys(sortLines(LINES, { key: 'amount', dir: 'desc' }))).toEqual(['revshare', 'adjustment', 'cpa', 'sub_affiliate', 'carry_in']);
    expect(keys(sortLines(LINES, { key: 'amount', dir: 'asc' }))).toEqual(['carry_in', 'sub_affiliate', 'cpa', 'adjustment', 'revshare']);
  });

  it('breaks ties by the statement order', () => {
    const ls = [line('a', '1.00', '1000000'), line('b', '1.00', '1000000'), line('c', '1.00', '1000000')];
    expect(keys(sortLines(ls, { key: 'amount', dir: 'desc' }))).toEqual(['a', 'b', 'c']);
    expect(keys(sortLines(ls, { key: 'amount', dir: 'asc' }))).toEqual(['a', 'b', 'c']);
    expect(keys(sortLines(ls, { key: 'position', dir: 'desc' }))).toEqual(['c', 'b', 'a']);
    expect(nextLineSort({ key: 'position', dir: 'asc' }, 'amount')).toEqual({ key: 'amount', dir: 'desc' });
  });

  it('names the plan version, and tells players from sub-affiliates', () => {
    expect(planLabel(LINES[0])).toBe('Standard RevShare v2');
    expect(planLabel(LINES[4])).toBe('');
    expect(isPlayerItem(LINES[0], LINES[0].drilldown[0])).toBe(true);
    expect(isPlayerItem(LINES[3], LINES[3].drilldown[0])).toBe(false);
    expect(isPlayerItem(line('ib_override', '1', '1'), drillItem('aff-2', { events: [] }))).toBe(false);
  });
});

describe('periods and affiliates', () => {
  it('lists periods newest first and steps months back across a year', () => {
    const ps = sortPeriods([periodView('2025-12'), periodView('2026-02'), periodView('2026-01')]);
    expect(ps.map((p) => p.period_label)).toEqual(['2026-02', '2026-01', '2025-12']);
    expect(previousMonth('2026-01')).toBe('2025-12');
    expect(previousMonth('2026-10')).toBe('2026-09');
  });

  it('filters affiliates by name or id, A→Z', () => {
    const rows = [row('aff-2', 'beta'), row('aff-1', 'Alpha'), row('x-9', 'Gamma')];
    expect(pickAffiliates(rows, '').map((r) => r.affiliate_id)).toEqual(['aff-1', 'aff-2', 'x-9']);
    expect(pickAffiliates(rows, 'X-9').map((r) => r.affiliate_id)).toEqual(['x-9']);
    expect(pickAffiliates(rows, 'ALP').map((r) => r.affiliate_id)).toEqual(['aff-1']);
  });

  it('names export files safely and summarizes a compute run', () => {
    expect(exportFileName('aff/7 "x"', '2026-03', 'csv')).toBe('statement-aff_7_x_-2026-03.csv');
    expect(computeSummary(computeResult())).toBe('2026-03: 4 affiliates, 9 lines, 9 entries posted (1 late corrections), 1 problem');
  });
});

describe('month labels', () => {
  it('accepts YYYY-MM with a real month only', () => {
    expect(['2026-03', '2026-12'].map(isMonthLabel)).toEqual([true, true]);
    expect(['2026-13', '2026-00', '2026-3', '2026-03-01', ''].map(isMonthLabel)).toEqual([false, false, false, false, false]);
  });
});
