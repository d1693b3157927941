// The coverage table: how each affiliate's conversions arrived (server-to-server postback, browser pixel, batch
// upload, API pull). Counts sort as integers, shares as exact decimal strings; a share is parsed as a number
// only to size its bar, never to compute with.
import type { CoverageRow } from './bindings';
import { compareAffiliates, compareDecimalStrings, sign, sortWith, type SortState } from './sort';

export type Channel = 's2s' | 'pixel' | 'batch' | 'api';

export const CHANNELS: readonly { key: Channel; label: string; hint: string }[] = [
  { key: 's2s', label: 'S2S', hint: 'server-to-server postback' },
  { key: 'pixel', label: 'Pixel', hint: 'browser pixel' },
  { key: 'batch', label: 'Batch', hint: 'batch upload' },
  { key: 'api', label: 'API', hint: 'pulled from an API' },
];

export type CoverageSortKey = 'affiliate' | 'total' | 'pixel_payout' | Channel;

export const DEFAULT_COVERAGE_SORT: SortState<CoverageSortKey> = { key: 'total', dir: 'desc' };

export function percentOf(row: CoverageRow, channel: Channel): string {
  return row[`${channel}_percent`];
}

function compareBy(key: CoverageSortKey, a: CoverageRow, b: CoverageRow): number {
  switch (key) {
    case 'affiliate':
      return compareAffiliates(a, b);
    case 'total':
      return sign(a.total - b.total);
    case 'pixel_payout':
      return compareDecimalStrings(a.pixel_payout_percent, b.pixel_payout_percent);
    default:
      // A channel column orders by share, then by count.
      return compareDecimalStrings(percentOf(a, key), percentOf(b, key)) || sign(a[key] - b[key]);
  }
}

export function sortCoverage(rows: readonly CoverageRow[], sort: SortState<CoverageSortKey>): CoverageRow[] {
  return sortWith(rows, sort.dir, (a, b) => compareBy(sort.key, a, b));
}

/** A CSS width for a share string: "12.50" → "12.5%", clamped to 0–100; anything unparsable is 0%. */
export function barWidth(percent: string): string {
  const n = Number(percent.trim());
  if (!Number.isFinite(n) || percent.trim() === '') return '0%';
  return `${Math.min(100, Math.max(0, n))}%`;
}
