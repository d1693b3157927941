import { describe, expect, it } from 'vitest';
import { alertsByAffiliate, filterFlags, hasUnreconciled, previousMonth, sortFlags, words, PERIOD_RE, ALL_FLAGS } from './flags';
import { flagRow } from '../test/fixtures';

const rows = [
  flagRow(1, { severity: 'low', score: 30, amount_at_stake: '9.50', affiliate_name: 'Zeta' }),
  flagRow(2, { severity: 'high', score: 90, amount_at_stake: '100.00', status: 'confirmed', affiliate_name: 'alpha' }),
  flagRow(3, { severity: 'medium', score: 55, amount_at_stake: '10.00', pattern: 'geo_mismatch', affiliate_name: 'Beta' }),
];

describe('flag queue ordering and filters', () => {
  it('sorts severity by rank and money exactly, not as text', () => {
    expect(sortFlags(rows, { key: 'severity', dir: 'desc' }).map((r) => r.id)).toEqual([2, 3, 1]);
    expect(sortFlags(rows, { key: 'amount', dir: 'asc' }).map((r) => r.id)).toEqual([1, 3, 2]);
    expect(sortFlags(rows, { key: 'affiliate', dir: 'asc' }).map((r) => r.id)).toEqual([2, 3, 1]);
  });

  it('filters by status, pattern, severity and text', () => {
    expect(filterFlags(rows, ALL_FLAGS).map((r) => r.id)).toEqual([1, 3]);
    expect(filterFlags(rows, { ...ALL_FLAGS, status: '' }).length).toBe(3);
    expect(filterFlags(rows, { ...ALL_FLAGS, status: '', pattern: 'geo_mismatch' }).map((r) => r.id)).toEqual([3]);
    expect(filterFlags(rows, { ...ALL_FLAGS, status: '', severity: 'high' }).map((r) => r.id)).toEqual([2]);
    expect(filterFlags(rows, { ...ALL_FLAGS, status: '', text: 'ZET' }).map((r) => r.id)).toEqual([1]);
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
  it('filters to one affiliate by exact id (not every id containing it)', () => {
    const many = [...rows, flagRow(12, { affiliate_id: '12' }), flagRow(21, { affiliate_id: '1' })];
    const shown = filterFlags(many, { ...ALL_FLAGS, status: '', affiliate: '1' }).map((r) => r.id);
    expect(shown).toEqual([1, 21]);
  });

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
