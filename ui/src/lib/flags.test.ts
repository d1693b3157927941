import { describe, expect, it } from 'vitest';
import { alertsByAffiliate, flagQuery, hasUnreconciled, previousMonth, words, FLAG_DEFAULT_SORT, FLAG_PAGE, PERIOD_RE, ALL_FLAGS } from './flags';
import { flagRow } from '../test/fixtures';
import { flagPage } from '../test/backend';

const rows = [
  flagRow(1, { severity: 'low', score: 30, amount_at_stake: '9.50', affiliate_name: 'Zeta' }),
  flagRow(2, { severity: 'high', score: 90, amount_at_stake: '100.00', status: 'confirmed', affiliate_name: 'alpha' }),
  flagRow(3, { severity: 'medium', score: 55, amount_at_stake: '10.00', pattern: 'geo_mismatch', rule: 'geo_mismatch', affiliate_name: 'Beta' }),
];
const ids = (filter: Parameters<typeof flagPage>[1]) => flagPage(rows, filter).rows.map((r) => r.id);

describe('flag queue queries', () => {
  it('asks the core for the filters set, the text trimmed and one page in the order shown', () => {
    expect(flagQuery(ALL_FLAGS, FLAG_DEFAULT_SORT)).toEqual({ status: 'open', sort: 'score', descending: true, offset: 0, limit: FLAG_PAGE });
    expect(
      flagQuery({ text: '  Zeta ', pattern: 'geo_mismatch', severity: 'high', status: '', affiliate: '7' }, { key: 'affiliate', dir: 'asc' }, 400),
    ).toEqual({ affiliate: '7', pattern: 'geo_mismatch', severity: 'high', text: 'Zeta', sort: 'affiliate', descending: false, offset: 400, limit: FLAG_PAGE });
  });
});

describe("the fake backend's flag pages, as the core's query reads them", () => {
  it('orders severity by rank, money exactly, affiliates in any case, ties by flag id', () => {
    expect(ids({ sort: 'severity' })).toEqual([2, 3, 1]); // largest first by default
    expect(ids({ sort: 'amount', descending: false })).toEqual([1, 3, 2]); // 9.50 < 10.00 < 100.00, not as text
    expect(ids({ sort: 'affiliate' })).toEqual([2, 3, 1]); // A→Z by default
    expect(ids({})).toEqual([2, 3, 1]); // by score
    expect(flagPage([flagRow(9), flagRow(4), flagRow(6)], { sort: 'score' }).rows.map((r) => r.id)).toEqual([4, 6, 9]);
    expect(() => flagPage(rows, { sort: 'colour' })).toThrow(expect.objectContaining({ message: expect.stringContaining("got 'colour'") }));
  });

  it('filters by status, pattern (or rule), severity, exact affiliate and text in any case', () => {
    expect(ids({ status: 'open' })).toEqual([3, 1]);
    expect(ids({ pattern: 'geo_mismatch' })).toEqual([3]);
    expect(ids({ severity: 'high' })).toEqual([2]);
    expect(ids({ text: ' ZET ' })).toEqual([1]);
    expect(ids({ text: 'px3' })).toEqual([3]); // the summary
    const many = [...rows, flagRow(12, { affiliate_id: '12' }), flagRow(21, { affiliate_id: '1' })];
    expect(flagPage(many, { affiliate: '1', sort: 'created' }).rows.map((r) => r.id)).toEqual([1, 21]);
  });

  it('cuts a page, counts every match and lists every pattern', () => {
    const page = flagPage(rows, { status: 'open', offset: 1, limit: 1 });
    expect(page).toEqual({ rows: [rows[0]], total: 2, offset: 1, patterns: ['click_injection', 'geo_mismatch'] });
    expect(flagPage(rows, { offset: 10, limit: 1 })).toMatchObject({ rows: [], total: 3, offset: 3 });
  });
  it('periods and words', () => {
    expect(previousMonth(new Date(Date.UTC(2026, 0, 15)))).toBe('2025-12');
    expect(previousMonth(new Date(Date.UTC(2026, 10, 25)))).toBe('2026-10');
    expect(PERIOD_RE.test('2026-10')).toBe(true);
    expect(PERIOD_RE.test('2026-13')).toBe(false);
    expect(words('missing_postback')).toBe('missing postback');
  });
});

describe('flags opened from the dashboard', () => {
  it("keeps one program's alerts by affiliate id and tells a zero amount apart", () => {
    const alert = (program: string, affiliate_id: string, unreconciled: string) => ({
      program,
      affiliate_id,
      affiliate_name: '',
      open_flags: 1,
      high_flags: 0,
      highest_severity: 'low',
      unreconciled,
      currency: 'EUR',
    });
    const m = alertsByAffiliate([alert('Casino', '7', '0.00'), alert('Broker', '7', '3.00'), alert('Casino', '8', '0.01')], 'Casino');
    expect([...m.keys()]).toEqual(['7', '8']);
    expect(hasUnreconciled(m.get('7')!)).toBe(false);
    expect(hasUnreconciled(m.get('8')!)).toBe(true);
  });
});
