// The FX panel's checks and ordering: field-first messages like the core's, exact decimal ordering of rates.
import { describe, expect, it } from 'vitest';
import { checkManualRate, filterFx, normalizeManualRate, sortFx } from './fx';
import type { FxRateRow } from './bindings';

const row = (day: string, base: string, quote: string, rate: string, source = 'ECB reference rate'): FxRateRow => ({
  day, base, quote, rate, source, recorded_at_ms: 1, recorded_by: 'fiona', superseded: 0,
});

describe('checkManualRate', () => {
  const ok = { day: '2026-10-05', from: 'eur', to: 'usd', rate: '1.0823' };
  it('accepts a valid rate and normalizes it', () => {
    expect(checkManualRate(ok)).toBe('');
    expect(normalizeManualRate({ ...ok, day: ' 2026-10-05 ', rate: ' 1.0823 ' })).toEqual({ day: '2026-10-05', from: 'EUR', to: 'USD', rate: '1.0823' });
  });
  it.each([
    [{ day: '05.10.2026' }, 'Day:'],
    [{ from: 'EURO' }, 'From:'],
    [{ to: '' }, 'To:'],
    [{ to: 'EUR' }, 'To: pick'],
    [{ rate: '0.000' }, 'Rate: a rate is positive'],
    [{ rate: '-1' }, 'Rate:'],
    [{ rate: '1e3' }, 'Rate:'],
  ])('refuses %o naming the field', (over, start) => {
    expect(checkManualRate({ ...ok, ...over })).toMatch(new RegExp(`^${start}`));
  });
});

describe('sortFx and filterFx', () => {
  const rows = [row('2026-10-02', 'EUR', 'USD', '1.08'), row('2026-10-05', 'EUR', 'USD', '1.0823'), row('2026-10-05', 'EUR', 'JPY', '158.22'), row('2026-10-05', 'USD', 'GBP', '0.79', 'manual')];
  it('orders rates as exact decimals, not text', () => {
    expect(sortFx(rows, 'rate', 'desc').map((r) => r.rate)).toEqual(['158.22', '1.0823', '1.08', '0.79']);
  });
  it('orders days newest first by default, ties by pair', () => {
    expect(sortFx(rows, 'day', 'desc').map((r) => `${r.day} ${r.base}/${r.quote}`)).toEqual([
      '2026-10-05 EUR/JPY', '2026-10-05 EUR/USD', '2026-10-05 USD/GBP', '2026-10-02 EUR/USD',
    ]);
  });
  it('filters by pair either way round or by source', () => {
    expect(filterFx(rows, 'usd/eur')).toHaveLength(2);
    expect(filterFx(rows, 'manual').map((r) => r.quote)).toEqual(['GBP']);
    expect(filterFx(rows, '  ')).toHaveLength(4);
  });
});
