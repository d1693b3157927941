// The Claims tab's logic: the reason codes of crates/core/src/disputes/claims.rs in their order with what each
// means, exact ordering and filtering of the claims, which claims a case can be opened for, and the shares of the
// reason bar.
import type { ClaimReasonCount, ClaimRowView } from './bindings';
import { compareDecimalStrings, sign, type SortDir, type SortState } from './sort';

/** The reason codes in the order the core checks them (docs/disputes.md). */
export const CLAIM_REASONS = [
  'unknown',
  'tracker_only',
  'other_affiliate',
  'no_deposit',
  'outside_window',
  'missing_postback',
  'amount_mismatch',
  'confirmed',
] as const;

export type ClaimReason = (typeof CLAIM_REASONS)[number];

const LABEL: Record<ClaimReason, string> = {
  unknown: 'Unknown',
  tracker_only: 'Tracker only',
  other_affiliate: 'Other affiliate',
  no_deposit: 'No deposit',
  outside_window: 'Outside the window',
  missing_postback: 'Missing postback',
  amount_mismatch: 'Amount differs',
  confirmed: 'Confirmed',
};

/** What each reason means, as docs/disputes.md says it (the chips' tooltips). */
export const CLAIM_REASON_TEXT: Record<ClaimReason, string> = {
  unknown: 'Neither the operator nor the tracker knows the player or the click.',
  tracker_only: 'The tracker has a conversion for it; the operator has no such player.',
  other_affiliate: 'The operator’s player is attributed to another affiliate, or to nobody.',
  no_deposit: 'The player is the claimant’s but never made a first deposit.',
  outside_window: 'The first deposit is not in the month, or more than 7 days from the day claimed.',
  missing_postback: 'The claimant’s player deposited in the month but the tracker has no conversion for it.',
  amount_mismatch: 'The claimed first-deposit amount differs from the operator’s.',
  confirmed: 'The operator, the tracker and the claim agree.',
};

export function claimReasonLabel(reason: string): string {
  return LABEL[reason as ClaimReason] ?? reason.replace(/_/g, ' ');
}

export function claimReasonText(reason: string): string {
  return CLAIM_REASON_TEXT[reason as ClaimReason] ?? '';
}

/** A claim that does not hold as sent: a case can be opened for it (once). */
export function isUnmatched(row: Pick<ClaimRowView, 'reason'>): boolean {
  return row.reason !== 'confirmed';
}

export function mayOpenCase(row: Pick<ClaimRowView, 'reason' | 'case_id'>): boolean {
  return isUnmatched(row) && row.case_id === null;
}

/** Each reason with its count and share of all claims (for the bar), in the core's order; percentages add to 100. */
export function reasonShares(reasons: readonly ClaimReasonCount[]): { reason: string; count: number; percent: number }[] {
  const total = reasons.reduce((n, r) => n + r.count, 0);
  if (total === 0) return [];
  const order = (r: string) => {
    const i = (CLAIM_REASONS as readonly string[]).indexOf(r);
    return i < 0 ? CLAIM_REASONS.length : i;
  };
  return [...reasons]
    .filter((r) => r.count > 0)
    .sort((a, b) => order(a.reason) - order(b.reason))
    .map((r) => ({ reason: r.reason, count: r.count, percent: (r.count * 100) / total }));
}

export type ClaimSortKey = 'claim' | 'affiliate' | 'subject' | 'ftd_day' | 'ftd_amount' | 'reason' | 'impact' | 'case';

/** The core's order (by claim) until a header is clicked. */
export const CLAIM_DEFAULT_SORT: SortState<ClaimSortKey> = { key: 'claim', dir: 'asc' };

export function firstClaimDir(key: ClaimSortKey): SortDir {
  return key === 'ftd_amount' || key === 'impact' ? 'desc' : 'asc';
}

/** '' (no amount given) orders below every amount. */
function compareAmounts(a: string, b: string): number {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0);
  return compareDecimalStrings(a, b);
}

export function claimSubject(row: Pick<ClaimRowView, 'player' | 'click'>): string {
  return row.player || row.click;
}

function compareClaims(key: ClaimSortKey, a: ClaimRowView, b: ClaimRowView): number {
  switch (key) {
    case 'claim':
      return a.claim.localeCompare(b.claim, undefined, { numeric: true });
    case 'affiliate':
      return a.affiliate_id.localeCompare(b.affiliate_id, undefined, { numeric: true });
    case 'subject':
      return claimSubject(a).localeCompare(claimSubject(b));
    case 'ftd_day':
      return a.ftd_day.localeCompare(b.ftd_day);
    case 'ftd_amount':
      return compareAmounts(a.ftd_amount, b.ftd_amount);
    case 'reason': {
      const order = (r: string) => (CLAIM_REASONS as readonly string[]).indexOf(r);
      return order(a.reason) - order(b.reason);
    }
    case 'impact':
      return compareAmounts(a.impact, b.impact);
    case 'case':
      return sign((a.case_id ?? 0) - (b.case_id ?? 0));
  }
}

/** Claims with `reason` ('' for all) whose id, player, click or detail contains the text, sorted; ties by id. */
export function viewClaims(
  rows: readonly ClaimRowView[],
  sort: SortState<ClaimSortKey>,
  reason = '',
  text = '',
): ClaimRowView[] {
  const n = text.trim().toLowerCase();
  const factor = sort.dir === 'asc' ? 1 : -1;
  return rows
    .filter((r) => !reason || r.reason === reason)
    .filter(
      (r) =>
        !n ||
        r.claim.toLowerCase().includes(n) ||
        r.player.toLowerCase().includes(n) ||
        r.click.toLowerCase().includes(n) ||
        r.detail.toLowerCase().includes(n),
    )
    .sort((a, b) => factor * compareClaims(sort.key, a, b) || a.id - b.id);
}
