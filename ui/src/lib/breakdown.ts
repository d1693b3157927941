// Breakdown and cohort tables: exact sorting (counts as numbers, money by BigInt micros, lots as decimal text),
// filtering by label or affiliate, and formula-safe CSV (the same rule as the core's `spreadsheet_safe`).
import type { BreakdownRow, Cohorts } from './bindings';
import { compareDecimalStrings, compareIntStrings, sign, type SortDir, type SortState } from './sort';

export type BreakdownKey =
  | 'label'
  | 'clicks'
  | 'registrations'
  | 'ftds'
  | 'deposits'
  | 'ngr'
  | 'commission'
  | 'ecpa'
  | 'lots'
  | 'ngr_change';

export const DEFAULT_BREAKDOWN_SORT: SortState<BreakdownKey> = { key: 'ftds', dir: 'desc' };

export function firstBreakdownDir(key: BreakdownKey): SortDir {
  return key === 'label' ? 'asc' : 'desc';
}

/** Nulls ("—") sort below every value, whatever the direction's sign. */
function nullable(a: string | null | undefined, b: string | null | undefined, cmp: (x: string, y: string) => number): number {
  if (a == null && b == null) return 0;
  if (a == null) return -1;
  if (b == null) return 1;
  return cmp(a, b);
}

function compareBy(key: BreakdownKey, a: BreakdownRow, b: BreakdownRow): number {
  switch (key) {
    case 'label':
      return a.label.localeCompare(b.label, undefined, { sensitivity: 'base' });
    case 'deposits':
      return compareIntStrings(a.deposits_micros, b.deposits_micros);
    case 'ngr':
      return compareIntStrings(a.ngr_micros, b.ngr_micros);
    case 'commission':
      return nullable(a.commission_micros, b.commission_micros, compareIntStrings);
    case 'ecpa':
      return nullable(a.ecpa_micros, b.ecpa_micros, compareIntStrings);
    case 'lots':
      return nullable(a.lots, b.lots, compareDecimalStrings);
    case 'ngr_change':
      return nullable(a.change?.ngr.change, b.change?.ngr.change, compareDecimalStrings);
    default:
      return sign(a[key] - b[key]);
  }
}

/** A sorted copy; ties fall back to the row key so the order is stable. */
export function sortBreakdown(rows: readonly BreakdownRow[], sort: SortState<BreakdownKey>): BreakdownRow[] {
  const f = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => f * compareBy(sort.key, a, b) || a.key.localeCompare(b.key));
}

/** Rows whose label, key or affiliate contains the needle, case-insensitively. */
export function filterBreakdown(rows: readonly BreakdownRow[], needle: string): BreakdownRow[] {
  const n = needle.trim().toLowerCase();
  if (!n) return [...rows];
  return rows.filter((r) =>
    [r.label, r.key, r.affiliate_id ?? '', r.affiliate_name ?? ''].some((s) => s.toLowerCase().includes(n)),
  );
}

/** A cell a spreadsheet reads as text: formula starters get a leading `'`; commas and quotes are quoted. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function csv(header: string[], lines: string[][]): string {
  return [header, ...lines].map((l) => l.map(csvCell).join(',')).join('\n') + '\n';
}

export function breakdownCsv(rows: readonly BreakdownRow[], totals: BreakdownRow): string {
  const header = ['key', 'label', 'affiliate_id', 'clicks', 'registrations', 'ftds', 'deposits', 'ngr', 'commission', 'ecpa', 'lots', 'ngr_change', 'ngr_change_percent'];
  const line = (r: BreakdownRow) => [
    r.key,
    r.label,
    r.affiliate_id ?? '',
    String(r.clicks),
    String(r.registrations),
    String(r.ftds),
    r.deposits,
    r.ngr,
    r.commission ?? '',
    r.ecpa ?? '',
    r.lots ?? '',
    r.change?.ngr.change ?? '',
    r.change?.ngr.change_percent ?? '',
  ];
  return csv(header, [...rows.map(line), line(totals)]);
}

export function cohortsCsv(c: Cohorts): string {
  const header = ['cohort', 'players', 'commission', 'payback_month', 'k', 'month', 'active_players', 'retention_percent', 'cumulative_deposits_per_player', 'cumulative_ngr_per_player'];
  const lines = c.cohorts.flatMap((r) =>
    r.months.map((m) => [
      r.cohort,
      String(r.players),
      r.commission,
      r.payback_month == null ? '' : String(r.payback_month),
      String(m.k),
      m.month,
      String(m.active_players),
      m.retention_percent,
      m.cumulative_deposits_per_player,
      m.cumulative_ngr_per_player,
    ]),
  );
  return csv(header, lines);
}

/** Offers `text` as a file download (the webview saves it where the user chooses). */
export function downloadCsv(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

/** An SVG string as an inert image URL (no scripts, no innerHTML). */
export function svgSrc(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
