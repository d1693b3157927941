// Exact ordering of affiliate rows: money by BigInt micros, CR % by decimal-string comparison. No parseFloat.
import type { AffiliateRow } from './bindings';

export type SortKey =
  | 'affiliate'
  | 'clicks'
  | 'registrations'
  | 'ftds'
  | 'approved_conversions'
  | 'cr_percent'
  | 'ftd_amount';

export type SortDir = 'asc' | 'desc';

export interface SortState {
  key: SortKey;
  dir: SortDir;
}

export const DEFAULT_SORT: SortState = { key: 'ftd_amount', dir: 'desc' };

/** The direction a column sorts in when first clicked: text A→Z, numbers largest first. */
export function firstDir(key: SortKey): SortDir {
  return key === 'affiliate' ? 'asc' : 'desc';
}

export function nextSort(current: SortState, key: SortKey): SortState {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: firstDir(key) };
}

function sign(n: bigint | number): number {
  return n > 0 ? 1 : n < 0 ? -1 : 0;
}

/** Compares integer strings exactly ("9007199254740993" > "9007199254740992"). */
export function compareIntStrings(a: string, b: string): number {
  return sign(BigInt(a) - BigInt(b));
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** Compares decimal strings exactly ("2.35" vs "10.1"), by scaling both to the same number of places. */
export function compareDecimalStrings(a: string, b: string): number {
  const ma = DECIMAL.exec(a.trim());
  const mb = DECIMAL.exec(b.trim());
  if (!ma || !mb) return a.localeCompare(b);
  const places = Math.max(ma[3]?.length ?? 0, mb[3]?.length ?? 0);
  const scaled = (m: RegExpExecArray) => {
    const v = BigInt(m[2] + (m[3] ?? '').padEnd(places, '0'));
    return m[1] === '-' ? -v : v;
  };
  return sign(scaled(ma) - scaled(mb));
}

function compareBy(key: SortKey, a: AffiliateRow, b: AffiliateRow): number {
  switch (key) {
    case 'affiliate':
      return (
        a.affiliate_name.localeCompare(b.affiliate_name, undefined, { sensitivity: 'base' }) ||
        a.affiliate_id.localeCompare(b.affiliate_id)
      );
    case 'cr_percent':
      return compareDecimalStrings(a.cr_percent, b.cr_percent);
    case 'ftd_amount':
      return compareIntStrings(a.ftd_amount_micros, b.ftd_amount_micros);
    default:
      return sign(a[key] - b[key]);
  }
}

/** A sorted copy; ties fall back to affiliate id so the order is stable across renders. */
export function sortRows(rows: readonly AffiliateRow[], sort: SortState): AffiliateRow[] {
  const factor = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort(
    (a, b) => factor * compareBy(sort.key, a, b) || a.affiliate_id.localeCompare(b.affiliate_id),
  );
}

/** Rows whose name or id contains the needle, case-insensitively. */
export function filterRows(rows: readonly AffiliateRow[], needle: string): AffiliateRow[] {
  const n = needle.trim().toLowerCase();
  if (!n) return [...rows];
  return rows.filter(
    (r) => r.affiliate_name.toLowerCase().includes(n) || r.affiliate_id.toLowerCase().includes(n),
  );
}
