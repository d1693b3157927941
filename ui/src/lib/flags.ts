// The flagged-traffic queue's filters and order, as the core's query takes them (the core filters, searches,
// orders and pages the flat list: severity by rank, money exactly), and the reconciliation rows' paging.
import { ALLOW_KINDS, type AllowEntryInput, type DashboardAlert, type DetectRunSummary, type FlagFilter, type FlagRow } from './bindings';
import type { SortDir, SortState } from './sort';

export type FlagSortKey = 'affiliate' | 'pattern' | 'severity' | 'score' | 'status' | 'amount' | 'created';

export const FLAG_DEFAULT_SORT: SortState<FlagSortKey> = { key: 'score', dir: 'desc' };

/** Flags read per page of the flat queue: every flag of a busy program's history is kept (decided and superseded ones too). */
export const FLAG_PAGE = 200;

/** How long the text filter waits for typing to pause before it asks the core again. */
export const FLAG_SEARCH_DEBOUNCE_MS = 250;

export const SEVERITIES = ['high', 'medium', 'low'] as const;
export const STATUSES = ['open', 'confirmed', 'dismissed', 'superseded'] as const;

/** What a detection run did, in one sentence: new, updated, superseded and reopened flags, or nothing new. */
export function runMessage(r: DetectRunSummary): string {
  if (r.skipped) return 'Nothing arrived and no setting changed since the last run: the flags stand.';
  const parts = [`${r.flags_created.toLocaleString('en-US')} new`];
  if (r.flags_updated) parts.push(`${r.flags_updated.toLocaleString('en-US')} updated with new evidence`);
  if (r.flags_superseded) parts.push(`${r.flags_superseded.toLocaleString('en-US')} superseded (no longer found on all the data)`);
  if (r.flags_reopened) parts.push(`${r.flags_reopened.toLocaleString('en-US')} reopened`);
  const failed = r.rules.filter((x) => x.error).map((x) => `${x.rule} failed: ${x.error}`);
  return `${parts.join(', ')} flags.${failed.length ? ` ${failed.join('; ')}` : ''}`;
}

/** A flag's revision note for the queue: '' as first found; "rev 3"; "rev 3 · decided on rev 1" when the
 * evidence changed after the decision. */
export function revisionNote(f: FlagRow): string {
  if (f.decided_revision !== null && f.decided_revision < f.revision) return `rev ${f.revision} · decided on rev ${f.decided_revision}`;
  return f.revision > 1 ? `rev ${f.revision}` : '';
}

export function firstFlagDir(key: FlagSortKey): SortDir {
  return key === 'affiliate' || key === 'pattern' || key === 'status' ? 'asc' : 'desc';
}

export interface FlagView {
  /** Matches the affiliate's name or id, or the summary, case-insensitively. */
  text: string;
  pattern: string;
  severity: string;
  status: string;
  /** One affiliate's flags only (its exact id), e.g. when opened from the dashboard; '' for all. */
  affiliate?: string;
}

export const ALL_FLAGS: FlagView = { text: '', pattern: '', severity: '', status: 'open' };

/** The core's query for a page of the flat queue: the filters set ('' is any), the text trimmed, the order with
 * its direction spelled out, `FLAG_PAGE` rows from `offset`. */
export function flagQuery(view: FlagView, sort: SortState<FlagSortKey>, offset = 0): FlagFilter {
  const q: FlagFilter = {};
  if (view.affiliate) q.affiliate = view.affiliate;
  if (view.pattern) q.pattern = view.pattern;
  if (view.severity) q.severity = view.severity;
  if (view.status) q.status = view.status;
  const text = view.text.trim();
  if (text) q.text = text;
  return { ...q, sort: sort.key, descending: sort.dir === 'desc', offset, limit: FLAG_PAGE };
}

/** A pattern or reason code as words: `click_flooding` → `click flooding`. */
export function words(code: string): string {
  return code.replace(/_/g, ' ');
}

/** Discrepancy rows read per page: a month at the seed's scale has thousands. */
export const RECON_PAGE = 200;

/** The previous calendar month of `now` as YYYY-MM (the usual month to reconcile). */
export function previousMonth(now: Date): string {
  const y = now.getUTCMonth() === 0 ? now.getUTCFullYear() - 1 : now.getUTCFullYear();
  const m = now.getUTCMonth() === 0 ? 12 : now.getUTCMonth();
  return `${y}-${String(m).padStart(2, '0')}`;
}

export const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The detection rules (crates/core/src/detect, `rules()`), for the backtest form. */
export const RULES = [
  'click_flooding',
  'click_injection',
  'abnormal_cr',
  'brand_bidding',
  'multi_accounting',
  'self_referral',
  'bonus_abuse',
  'chargebacks',
  'geo_mismatch',
  'forex_churning',
] as const;

/** `key=value` lines of the backtest form, blank lines dropped. */
export function settingLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** The dashboard's alerts of one program, by affiliate id (an affiliate id is unique within its program only). */
export function alertsByAffiliate(alerts: readonly DashboardAlert[], program: string): Map<string, DashboardAlert> {
  return new Map(alerts.filter((a) => a.program === program).map((a) => [a.affiliate_id, a]));
}

/** Whether an alert's unreconciled amount is not zero (exact: any non-zero digit). */
export function hasUnreconciled(a: DashboardAlert): boolean {
  return /[1-9]/.test(a.unreconciled);
}

/** The allow-list's kinds and the rules that honour each: the core's table (crates/core/src/detect/allowlist.rs
 * `KINDS`), generated into the bindings; the core refuses any other pairing. */
export { ALLOW_KINDS };

export function allowRules(kind: string): readonly string[] {
  return ALLOW_KINDS.find((k) => k.kind === kind)?.rules ?? [];
}

/** An allow-list entry suggested by a flag's evidence: its IP (as one address; widen it to the NAT's block) or its
 * sub-ID, for the flag's rule, with the dismissal's comment as the reason. */
export function suggestAllowEntry(flag: FlagRow, comment: string): AllowEntryInput {
  let evidence: Record<string, unknown> = {};
  try {
    evidence = JSON.parse(flag.evidence_json) as Record<string, unknown>;
  } catch {
    /* evidence that is not JSON suggests nothing */
  }
  const ip = typeof evidence.ip === 'string' && evidence.ip !== '*' ? evidence.ip : '';
  const sub1 = typeof evidence.sub1 === 'string' ? evidence.sub1 : '';
  const kind = ip ? 'ip_range' : sub1 && flag.affiliate_id ? 'sub_id' : 'ip_range';
  const value = ip || (sub1 && flag.affiliate_id ? `${flag.affiliate_id}|${sub1}` : '');
  const rule = (allowRules(kind) as readonly string[]).includes(flag.rule) ? flag.rule : '';
  return { kind, value, rule, reason: comment, flag_id: flag.id };
}
