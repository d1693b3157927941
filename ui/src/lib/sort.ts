// Exact ordering of affiliate rows: money by BigInt micros, CR % by decimal-string comparison. No parseFloat.
// The generic pieces (sort state, direction toggling, stable sorting, filtering by name or id) also order the
// coverage table (see coverage.ts).
import type { AffiliateRow } from './bindings';

export type SortKey =
  | 'affiliate'
  | 'clicks'
  | 'registrations'
  | 'ftds'
  | 'approved_conversions'
  | 'cr_percent'
  | 'ftd_amount'
  | 'pixel_percent';

export type SortDir = 'asc' | 'desc';

export interface SortState<K extends string = SortKey> {
  key: K;
  dir: SortDir;
}

/** Any row that names an affiliate: the dashboard's and the coverage report's. */
export interface AffiliateNamed {
  affiliate_id: string;
  affiliate_name: string;
}

export const DEFAULT_SORT: SortState = { key: 'ftd_amount', dir: 'desc' };

/** The direction a column sorts in when first clicked: text A→Z, numbers largest first. */
export function firstDir(key: string): SortDir {
  return key === 'affiliate' ? 'asc' : 'desc';
}

export function nextSort<K extends string>(current: SortState<K>, key: K): SortState<K> {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: firstDir(key) };
}

/** The next sort after a click on `key`, for any table: the same key flips, another starts at `first(key)`. */
export function toggleSort<K extends string>(current: SortState<K>, key: K, first: (key: K) => SortDir): SortState<K> {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: first(key) };
}

/** The `aria-sort` of a column header. */
export function ariaSortOf<K extends string>(sort: SortState<K>, key: K): 'ascending' | 'descending' | undefined {
  if (sort.key !== key) return undefined;
  return sort.dir === 'asc' ? 'ascending' : 'descending';
}

export function sign(n: bigint | number): number {
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

/** Affiliate name A→Z, case-insensitively, then id. */
export function compareAffiliates(a: AffiliateNamed, b: AffiliateNamed): number {
  return (
    a.affiliate_name.localeCompare(b.affiliate_name, undefined, { sensitivity: 'base' }) ||
    a.affiliate_id.localeCompare(b.affiliate_id)
  );
}

function compareBy(key: SortKey, a: AffiliateRow, b: AffiliateRow): number {
  switch (key) {
    case 'affiliate':
      return compareAffiliates(a, b);
    case 'cr_percent':
      return compareDecimalStrings(a.cr_percent, b.cr_percent);
    case 'ftd_amount':
      return compareIntStrings(a.ftd_amount_micros, b.ftd_amount_micros);
    case 'pixel_percent':
      // An affiliate with no conversions has no share: it sorts below every share, 0 % included.
      return a.pixel_percent === undefined || b.pixel_percent === undefined
        ? sign(Number(a.pixel_percent !== undefined) - Number(b.pixel_percent !== undefined))
        : compareDecimalStrings(a.pixel_percent, b.pixel_percent);
    default:
      return sign(a[key] - b[key]);
  }
}

/** A sorted copy by `compare` in `dir`; ties fall back to affiliate id so the order is stable across renders. */
export function sortWith<T extends AffiliateNamed>(
  rows: readonly T[],
  dir: SortDir,
  compare: (a: T, b: T) => number,
): T[] {
  const factor = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => factor * compare(a, b) || a.affiliate_id.localeCompare(b.affiliate_id));
}

export function sortRows(rows: readonly AffiliateRow[], sort: SortState): AffiliateRow[] {
  return sortWith(rows, sort.dir, (a, b) => compareBy(sort.key, a, b));
}

/** Rows whose name or id contains the needle, case-insensitively. */
export function filterRows<T extends AffiliateNamed>(rows: readonly T[], needle: string): T[] {
  const n = needle.trim().toLowerCase();
  if (!n) return [...rows];
  return rows.filter(
    (r) => r.affiliate_name.toLowerCase().includes(n) || r.affiliate_id.toLowerCase().includes(n),
  );
}
