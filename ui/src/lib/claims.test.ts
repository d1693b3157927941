// The claims logic: reason shares in the core's order, which claims can get a case, and the table's exact sort
// and filters.
import { describe, expect, it } from 'vitest';
import { CLAIM_REASON_TEXT, CLAIM_REASONS, claimReasonLabel, isUnmatched, mayOpenCase, reasonShares, viewClaims } from './claims';
import { claimRow, claimsReport } from '../test/disputes';

describe('claims', () => {
  it('knows every reason code of the core, in its order, with what it means', () => {
    expect([...CLAIM_REASONS]).toEqual(['unknown', 'tracker_only', 'other_affiliate', 'no_deposit', 'outside_window', 'missing_postback', 'amount_mismatch', 'confirmed']);
    for (const r of CLAIM_REASONS) expect(CLAIM_REASON_TEXT[r]).not.toBe('');
    expect(claimReasonLabel('amount_mismatch')).toBe('Amount differs');
    expect(claimReasonLabel('something_new')).toBe('something new');
  });

  it('shares the bar in the core’s order, adding to 100', () => {
    const shares = reasonShares([
      { reason: 'confirmed', count: 3 },
      { reason: 'unknown', count: 1 },
      { reason: 'other_affiliate', count: 0 },
    ]);
    expect(shares.map((s) => s.reason)).toEqual(['unknown', 'confirmed']);
    expect(shares.map((s) => s.percent)).toEqual([25, 75]);
    expect(reasonShares([])).toEqual([]);
  });

  it('a case can be opened for an unmatched claim without one', () => {
    expect(isUnmatched(claimRow(1, 'confirmed'))).toBe(false);
    expect(mayOpenCase(claimRow(2, 'unknown'))).toBe(true);
    expect(mayOpenCase(claimRow(3, 'unknown', { case_id: 9 }))).toBe(false);
    expect(mayOpenCase(claimRow(4, 'confirmed'))).toBe(false);
  });

  it('sorts amounts exactly (no amount last) and filters by reason and text', () => {
    const rows = claimsReport().rows;
    const ids = (sortKey: Parameters<typeof viewClaims>[1], reason = '', text = '') => viewClaims(rows, sortKey, reason, text).map((r) => r.id);
    expect(ids({ key: 'ftd_amount', dir: 'desc' })).toEqual([3, 2, 1, 4, 5]);
    expect(ids({ key: 'reason', dir: 'asc' })).toEqual([5, 4, 3, 2, 1]);
    expect(ids({ key: 'claim', dir: 'asc' }, 'missing_postback')).toEqual([3]);
    expect(ids({ key: 'claim', dir: 'asc' }, '', 'df96')).toEqual([5]);
    expect(ids({ key: 'case', dir: 'desc' })[0]).toBe(4);
  });
});
