// Ordering of a Forex program's per-IB trading rows. Lots are fixed-point text with 2 places ("12.50"), so they
// compare exactly as scaled BigInts — never parseFloat on a figure that is paid on.
import type { TradingRow } from './bindings';

export type TradingKey = 'affiliate' | 'accounts_opened' | 'active_accounts' | 'trades' | 'lots';
export type TradingSort = { key: TradingKey; dir: 'asc' | 'desc' };

/** "12.5" / "12.50" / "-3" as hundredths; text that is not a decimal sorts as 0. */
export function hundredths(text: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return 0n;
  const v = BigInt(m[2]) * 100n + BigInt((m[3] ?? '').padEnd(2, '0') || '0');
  return m[1] ? -v : v;
}

function cmp(a: TradingRow, b: TradingRow, key: TradingKey): number {
  if (key === 'affiliate') return a.affiliate_name.localeCompare(b.affiliate_name, undefined, { sensitivity: 'base' });
  if (key === 'lots') {
    const d = hundredths(a.lots) - hundredths(b.lots);
    return d === 0n ? 0 : d < 0n ? -1 : 1;
  }
  return a[key] - b[key];
}

export function sortTrading(rows: readonly TradingRow[], sort: TradingSort): TradingRow[] {
  const f = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => f * cmp(a, b, sort.key) || a.affiliate_id.localeCompare(b.affiliate_id));
}

export function nextTradingSort(current: TradingSort, key: TradingKey): TradingSort {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: key === 'affiliate' ? 'asc' : 'desc' };
}
