// The Statements screen's logic: periods newest first, statement lines ordered exactly (amounts by BigInt
// micros, never floats), the affiliate picker's filter, and the default file names of exports.
import type { AffiliateRow, ComputeResult, DrillItem, PeriodView, StatementLine } from './bindings';
import type { LinesDecision } from './payout-types';
import { compareIntStrings, type SortState } from './sort';

export type LineSortKey = 'position' | 'label' | 'rule' | 'plan' | 'status' | 'origin_period' | 'approvable_from' | 'amount';

/** The statement's own order (as the backend built it) until a header is clicked. */
export const DEFAULT_LINE_SORT: SortState<LineSortKey> = { key: 'position', dir: 'asc' };

export function nextLineSort(current: SortState<LineSortKey>, key: LineSortKey): SortState<LineSortKey> {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: key === 'amount' ? 'desc' : 'asc' };
}

/** "RevShare v2" for a line with a plan, else an empty string. */
export function planLabel(line: StatementLine): string {
  if (!line.plan) return '';
  return line.plan_version_no === null ? line.plan : `${line.plan} v${line.plan_version_no}`;
}

function compareLines(key: LineSortKey, a: StatementLine, b: StatementLine): number {
  switch (key) {
    case 'amount':
      return compareIntStrings(a.amount_micros, b.amount_micros);
    case 'plan':
      return planLabel(a).localeCompare(planLabel(b), undefined, { numeric: true });
    case 'position':
      return 0;
    default:
      return a[key].localeCompare(b[key]);
  }
}

/** A sorted copy; ties keep the statement's order either way (`position` itself reverses it when descending). */
export function sortLines(lines: readonly StatementLine[], sort: SortState<LineSortKey>): StatementLine[] {
  const factor = sort.dir === 'asc' ? 1 : -1;
  return lines
    .map((line, i) => ({ line, i }))
    .sort((a, b) => factor * compareLines(sort.key, a.line, b.line) || (sort.key === 'position' ? factor : 1) * (a.i - b.i))
    .map((x) => x.line);
}

/** Periods newest first (labels are `YYYY-MM`, so text order is time order). */
export function sortPeriods(periods: readonly PeriodView[]): PeriodView[] {
  return [...periods].sort((a, b) => b.period_label.localeCompare(a.period_label));
}

/** `YYYY-MM` of a day (`YYYY-MM-DD`). */
export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** The month before a `YYYY-MM` label. */
export function previousMonth(label: string): string {
  const [y, m] = label.split('-').map((p) => parseInt(p, 10));
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** Affiliates (from the period's activity) whose name or id contains the needle, A→Z. */
export function pickAffiliates(rows: readonly AffiliateRow[], needle: string): AffiliateRow[] {
  const n = needle.trim().toLowerCase();
  return rows
    .filter((r) => !n || r.affiliate_name.toLowerCase().includes(n) || r.affiliate_id.toLowerCase().includes(n))
    .sort(
      (a, b) =>
        a.affiliate_name.localeCompare(b.affiliate_name, undefined, { sensitivity: 'base' }) ||
        a.affiliate_id.localeCompare(b.affiliate_id),
    );
}

/** A file name safe on every platform: `statement-aff-7-2026-03.csv`. */
export function exportFileName(affiliateId: string, periodLabel: string, format: 'csv' | 'html' | 'pdf'): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `statement-${safe(affiliateId)}-${safe(periodLabel)}.${format}`;
}

/** Whether a number string is negative ("-12.50"), to mark debit lines without parsing it. */
export function isNegative(amount: string): boolean {
  return amount.trim().startsWith('-');
}

/** A one-line summary of a compute run for a status message. */
export function computeSummary(r: ComputeResult): string {
  const problems = r.problems.length === 0 ? 'no problems' : `${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}`;
  return `${r.period_label}: ${r.affiliates} affiliates, ${r.lines} lines, ${r.entries_posted} entries posted (${r.late_corrections} late corrections), ${problems}`;
}

/**
 * Whether a drill-down item is a player (whose qualification can be opened): not a sub-affiliate's share and not an
 * IB override (both name affiliates).
 */
export function isPlayerItem(line: StatementLine, item: DrillItem): boolean {
  if (line.line_key === 'sub_affiliate' || line.line_key === 'ib_override') return false;
  return !item.events.some((e) => e.kind === 'affiliate');
}

/** A `YYYY-MM` month label, for an input's `pattern` (written as a string: braces in markup are expressions). */
export const MONTH_PATTERN = '[0-9]{4}-(0[1-9]|1[0-2])';

export function isMonthLabel(text: string): boolean {
  return new RegExp(`^${MONTH_PATTERN}$`).test(text);
}

/** What approving or rejecting lines did, in a sentence: entries changed, and each skipped one with why. */
export function decisionText(d: LinesDecision, approve: boolean, what: string): string {
  const verb = approve ? 'Approved' : 'Rejected';
  const changed =
    d.entries_changed === 0
      ? `Nothing ${approve ? 'approved' : 'rejected'} in ${what}`
      : `${verb} ${what}: ${d.entries_changed} ledger entr${d.entries_changed === 1 ? 'y' : 'ies'}`;
  const skipped = d.skipped.length ? `; skipped ${d.skipped.length}: ${d.skipped.join('; ')}` : '';
  return `${changed}${skipped}.`;
}

/** How many of the statement's lines wait for a decision. */
export function pendingLines(lines: readonly StatementLine[]): number {
  return lines.filter((l) => l.status === 'pending').length;
}
