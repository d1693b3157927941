// The Affiliates screen's pure logic: exact ordering (money as decimal strings, ids numerically), filtering by
// promo code and parent, the rules draft's inline validation mirroring the backend's limits, months as periods.
import { describe, expect, it } from 'vitest';
import {
  compareIds,
  draftFromRules,
  filterProfiles,
  identifierInputError,
  identifierKindLabel,
  identifierKindNoun,
  identifierOrigin,
  identifierText,
  monthPeriod,
  nextProfileSort,
  rulesFromDraft,
  sortProfiles,
  sortTouchRows,
  validateDraft,
} from './attribution';
import { affiliatesPage, multiTouch, profile, RULES } from '../test/attribution-fixtures';
import type { AffiliateIdentifier } from './bindings';

const ids = (rows: { external_id: string }[]) => rows.map((r) => r.external_id);

describe('affiliate profiles', () => {
  it('orders ids numerically and money exactly', () => {
    expect(compareIds('2', '10')).toBe(-1);
    expect(compareIds('b', 'a')).toBe(1);
    const rows = [
      profile('1', 'A', { ftd_amount: '9.99' }),
      profile('2', 'B', { ftd_amount: '10.00' }),
      profile('3', 'C', { ftd_amount: '9007199254740993.01' }),
    ];
    expect(ids(sortProfiles(rows, { key: 'ftd_amount', dir: 'desc' }))).toEqual(['3', '2', '1']);
    expect(ids(sortProfiles(rows, { key: 'ftd_amount', dir: 'asc' }))).toEqual(['1', '2', '3']);
  });

  it('sorts text columns A→Z first and toggles on a second click', () => {
    let sort = nextProfileSort({ key: 'ftds', dir: 'desc' }, 'affiliate');
    expect(sort).toEqual({ key: 'affiliate', dir: 'asc' });
    expect(ids(sortProfiles(affiliatesPage().rows, sort))).toEqual(['3', '10', '2']);
    sort = nextProfileSort(sort, 'affiliate');
    expect(sort.dir).toBe('desc');
    expect(nextProfileSort(sort, 'attributed_players')).toEqual({ key: 'attributed_players', dir: 'desc' });
  });

  it('filters by name, id, parent or promo code', () => {
    const rows = affiliatesPage().rows;
    expect(ids(filterProfiles(rows, 'spin50'))).toEqual(['2']);
    expect(ids(filterProfiles(rows, 'guru'))).toEqual(['3']);
    expect(ids(filterProfiles(rows, '  '))).toEqual(['2', '10', '3']);
    expect(ids(filterProfiles(rows, '10'))).toEqual(['10']);
  });
});

describe('rules draft', () => {
  it('round-trips the rules and accepts the default', () => {
    const d = draftFromRules(RULES, '2026-10-01');
    expect(validateDraft(d)).toEqual({});
    expect(rulesFromDraft(d)).toEqual(RULES);
  });

  it('names every bad field with a message, including the window edges', () => {
    const d = { ...draftFromRules(RULES, '2026-02-30'), post_click_window_days: '0', ip_ua_window_hours: '721' };
    d.click_id = d.btag = d.promo_code = false;
    expect(validateDraft(d)).toEqual({
      effective_from: 'Enter a date as YYYY-MM-DD.',
      post_click_window_days: 'Enter whole days from 1 to 365.',
      ip_ua_window_hours: 'Enter whole hours from 0 to 720 (0 turns it off).',
      click_id: 'Turn on at least one key, or every player would be organic.',
    });
    const edges = { ...draftFromRules(RULES, '2026-10-01'), post_click_window_days: '365', ip_ua_window_hours: '0' };
    expect(validateDraft(edges)).toEqual({});
    expect(validateDraft({ ...edges, post_click_window_days: '366' }).post_click_window_days).toBeDefined();
    expect(validateDraft({ ...edges, post_click_window_days: '1.5' }).post_click_window_days).toBeDefined();
  });
});

describe('multi-touch', () => {
  it('sorts model columns as exact decimals and months become periods', () => {
    const rows = multiTouch().rows;
    expect(sortTouchRows(rows, { key: 'decay', dir: 'desc' }).map((r) => r.affiliate)).toEqual(['2', '1']);
    expect(sortTouchRows(rows, { key: 'first', dir: 'desc' }).map((r) => r.affiliate)).toEqual(['1', '2']);
    expect(monthPeriod('2024-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(monthPeriod('2026-13')).toBeNull();
    expect(monthPeriod('2026-1')).toBeNull();
  });
});

describe('affiliate identifiers', () => {
  const id = (over: Partial<AffiliateIdentifier>): AffiliateIdentifier => ({
    kind: 'ip',
    value: '85.12.0.7',
    hint: '85.12.0.7',
    origin: 'file',
    origin_ref: 'affiliates.csv',
    added_at_ms: 0,
    ...over,
  });

  it('shows what a manager recognises, never a bare hash when a hint exists', () => {
    expect(identifierText(id({}))).toBe('85.12.0.7');
    expect(identifierText(id({ kind: 'email_hash', value: 'ab'.repeat(32), hint: 'j…@gmail.com' }))).toBe('j…@gmail.com');
    expect(identifierText(id({ kind: 'payment_hash', value: 'cd'.repeat(32), hint: '' }))).toBe('hash cdcdcdcdcd…');
    expect(identifierKindLabel('payment_hash')).toBe('Payout instrument');
    expect(identifierKindNoun('ip')).toBe('office IP');
  });

  it('says where each came from', () => {
    expect(identifierOrigin(id({}))).toBe('file affiliates.csv');
    expect(identifierOrigin(id({ origin: 'user', origin_ref: 'sam' }))).toBe('added by sam');
    expect(identifierOrigin(id({ origin: 'profile', origin_ref: '' }))).toBe('the affiliate’s profile');
    expect(identifierOrigin(id({ origin: '' }))).toBe('—');
  });

  it('checks the form before the backend does', () => {
    expect(identifierInputError('ip', ' ')).toBe('Enter the office IP.');
    expect(identifierInputError('ip', 'office')).toMatch(/one IP address/);
    expect(identifierInputError('ip', '2a00:1450::1')).toBe('');
    expect(identifierInputError('email', 'jo@x')).toMatch(/email address/);
    expect(identifierInputError('email', 'jo@x.com')).toBe('');
    expect(identifierInputError('payout_instrument', 'DE89 3704 0044 0532 0130 00')).toBe('');
  });
});
