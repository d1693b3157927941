// Plans logic: list ordering and filtering, templates that are complete plan files, the new-version text, error
// ordering by path, and the preview's exact ordering by micros (BigInt, never floats).
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  debounce,
  detectFormat,
  filterPlans,
  firstOfNextMonth,
  formatOfPath,
  newVersionText,
  nextPlanSort,
  sortErrors,
  sortPlans,
  sortPreview,
  TEMPLATES,
  templateText,
} from './plans';
import { planDetail, PLANS, previewRow } from '../test/commission';

const names = (ps: { name: string }[]) => ps.map((p) => p.name);

describe('plan list', () => {
  it('sorts by each column, text A→Z first and counts largest first', () => {
    expect(names(sortPlans(PLANS, { key: 'name', dir: 'asc' }))).toEqual(['CPA Germany', 'IB gold', 'Standard RevShare']);
    expect(names(sortPlans(PLANS, { key: 'assigned_affiliates', dir: 'desc' }))).toEqual(['Standard RevShare', 'IB gold', 'CPA Germany']);
    expect(names(sortPlans(PLANS, { key: 'latest_effective_from', dir: 'asc' }))).toEqual(['CPA Germany', 'IB gold', 'Standard RevShare']);
    expect(names(sortPlans(PLANS, { key: 'is_program_default', dir: 'desc' }))[0]).toBe('Standard RevShare');
    expect(nextPlanSort({ key: 'name', dir: 'asc' }, 'version_count')).toEqual({ key: 'version_count', dir: 'desc' });
    expect(nextPlanSort({ key: 'kind', dir: 'asc' }, 'kind')).toEqual({ key: 'kind', dir: 'desc' });
  });

  it('filters on name, kind and currency, case-insensitively', () => {
    expect(names(filterPlans(PLANS, 'usd'))).toEqual(['IB gold']);
    expect(names(filterPlans(PLANS, 'REVSHARE'))).toEqual(['Standard RevShare']);
    expect(filterPlans(PLANS, '  ')).toHaveLength(3);
  });
});

describe('plan files', () => {
  it('has a template per kind, each a complete JSON plan with quoted amounts', () => {
    expect(TEMPLATES.map((t) => t.kind)).toEqual(['cpa', 'cpa_geo', 'revshare', 'hybrid', 'cpl', 'ib_rebate', 'sub_affiliate']);
    for (const t of TEMPLATES) {
      const text = templateText(t.kind, '2026-04-01');
      const plan = JSON.parse(text);
      expect(plan.versions[0].effective_from).toBe('2026-04-01');
      expect(plan.versions[0].components.length).toBeGreaterThan(0);
      // No amount is a JSON number: a float must never carry money into the file.
      expect(text).not.toMatch(/"(amount|percent|min_ftd|min_payout|amount_per_lot)": \d/);
    }
    const hybrid = JSON.parse(templateText('hybrid', '2026-04-01')).versions[0].components.map((c: { kind: string }) => c.kind);
    expect(hybrid).toEqual(['cpa', 'rev_share']);
  });

  it('starts a new version from the latest saved terms, with only the new effective date changed', () => {
    const text = newVersionText(planDetail(), '2026-05-01');
    const plan = JSON.parse(text);
    expect(plan.name).toBe('Standard RevShare');
    expect(plan.versions).toHaveLength(1);
    expect(plan.versions[0].effective_from).toBe('2026-05-01');
    expect(plan.versions[0].components[0].percent).toBe('30');
  });

  it('computes month starts and formats without a time zone', () => {
    expect(firstOfNextMonth('2026-12-15')).toBe('2027-01-01');
    expect(firstOfNextMonth('2026-01-31')).toBe('2026-02-01');
    expect(detectFormat('  {"name": 1}')).toBe('json');
    expect(detectFormat('name = "x"')).toBe('toml');
    expect(formatOfPath('/a/PLAN.TOML', '{')).toBe('toml');
    expect(formatOfPath('/a/plan', '{')).toBe('json');
  });

  it('orders errors by path with numeric indexes', () => {
    const sorted = sortErrors([
      { path: 'versions[10].hold_days', reason: 'b' },
      { path: 'versions[2].components[0].amount', reason: 'a' },
      { path: 'currency', reason: 'c' },
    ]);
    expect(sorted.map((e) => e.path)).toEqual(['currency', 'versions[2].components[0].amount', 'versions[10].hold_days']);
  });
});

describe('preview ordering', () => {
  it('sorts amounts by BigInt micros, exactly past 2^53', () => {
    const rows = [
      previewRow('a', 'A', ['0', '0'], ['9007199254.740992', '9007199254740992'], ['0', '9007199254740992']),
      previewRow('b', 'B', ['0', '0'], ['9007199254.740993', '9007199254740993'], ['0', '9007199254740993']),
      previewRow('c', 'C', ['0', '0'], ['-1.00', '-1000000'], ['0', '-1000000']),
    ];
    // As floats the first two are equal; exactly, b is larger.
    expect(Number('9007199254740993')).toBe(Number('9007199254740992'));
    expect(sortPreview(rows, { key: 'proposed', dir: 'desc' }).map((r) => r.affiliate_id)).toEqual(['b', 'a', 'c']);
    expect(sortPreview(rows, { key: 'difference', dir: 'asc' }).map((r) => r.affiliate_id)).toEqual(['c', 'a', 'b']);
  });
});

describe('debounce', () => {
  afterEach(() => vi.useRealTimers());

  it('runs once after the last call and can be cancelled', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const d = debounce(fn, 400);
    d(1);
    vi.advanceTimersByTime(300);
    d(2);
    vi.advanceTimersByTime(399);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledExactlyOnceWith(2);
    d(3);
    d.cancel();
    vi.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
