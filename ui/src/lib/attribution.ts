// The Affiliates screen's logic, kept out of the components so it is unit-tested: ordering and filtering the
// affiliate profiles (money by exact decimal strings, never parseFloat), the rules form's draft and its inline
// validation (the same limits the backend enforces, which still has the last word), words for keys and outcomes,
// and ordering the multi-touch comparison.
import type {
  AffiliateIdentifier,
  AffiliateProfile,
  AttributionRules,
  CandidateOutcome,
  ClickSelection,
  KeyKind,
  MultiTouchRow,
  PriorityMode,
} from './bindings';
import { compareDecimalStrings, sign, type SortDir, type SortState } from './sort';

export type ProfileSortKey =
  | 'affiliate'
  | 'parent'
  | 'status'
  | 'attributed_players'
  | 'registrations'
  | 'ftds'
  | 'approved_conversions'
  | 'ftd_amount';

export const DEFAULT_PROFILE_SORT: SortState<ProfileSortKey> = { key: 'attributed_players', dir: 'desc' };

/** Numeric ids in numeric order ("2" before "10"); anything else by text. */
export function compareIds(a: string, b: string): number {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) return sign(BigInt(a) - BigInt(b));
  return a.localeCompare(b);
}

function compareProfiles(key: ProfileSortKey, a: AffiliateProfile, b: AffiliateProfile): number {
  switch (key) {
    case 'affiliate':
      return a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || compareIds(a.external_id, b.external_id);
    case 'parent':
      return compareIds(a.parent ?? '', b.parent ?? '');
    case 'status':
      return a.status.localeCompare(b.status);
    case 'ftd_amount':
      return compareDecimalStrings(a.ftd_amount, b.ftd_amount);
    default:
      return sign(a[key] - b[key]);
  }
}

export function firstProfileDir(key: ProfileSortKey): SortDir {
  return key === 'affiliate' || key === 'parent' || key === 'status' ? 'asc' : 'desc';
}

export function nextProfileSort(current: SortState<ProfileSortKey>, key: ProfileSortKey): SortState<ProfileSortKey> {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: firstProfileDir(key) };
}

/** A sorted copy; ties fall back to the affiliate id so the order is stable. */
export function sortProfiles(rows: readonly AffiliateProfile[], sort: SortState<ProfileSortKey>): AffiliateProfile[] {
  const factor = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort(
    (a, b) => factor * compareProfiles(sort.key, a, b) || compareIds(a.external_id, b.external_id),
  );
}

/** Rows whose name, id, parent or one of whose promo codes contains the needle, case-insensitively. */
export function filterProfiles(rows: readonly AffiliateProfile[], needle: string): AffiliateProfile[] {
  const n = needle.trim().toLowerCase();
  if (!n) return [...rows];
  return rows.filter(
    (r) =>
      r.name.toLowerCase().includes(n) ||
      r.external_id.toLowerCase().includes(n) ||
      (r.parent ?? '').toLowerCase().includes(n) ||
      r.promo_codes.some((c) => c.toLowerCase().includes(n)),
  );
}

export const KEY_LABELS: Record<KeyKind, string> = {
  click_id: 'Click id',
  btag: 'btag',
  promo_code: 'Promo code',
};

export const OUTCOME_LABELS: Record<CandidateOutcome, string> = {
  won: 'Won',
  agrees: 'Agrees',
  rejected: 'Rejected',
};

export const PRIORITY_OPTIONS: readonly { value: PriorityMode; label: string }[] = [
  { value: 'click_wins', label: 'Click wins over a promo code' },
  { value: 'promo_wins', label: 'Promo code wins over a click' },
  { value: 'promo_wins_except_sub_affiliate', label: 'Promo code wins, except over a sub-affiliate’s token' },
];

export const SELECTION_OPTIONS: readonly { value: ClickSelection; label: string }[] = [
  { value: 'last', label: 'Last click' },
  { value: 'first', label: 'First click' },
];

/** Limits shared with crates/core/src/attribution/rules.rs. */
export const WINDOW_DAYS_MAX = 365;
export const IP_UA_HOURS_MAX = 720;

/** The form's editable copy: numbers as typed text, so a half-typed value is not coerced. */
export interface RulesDraft {
  effective_from: string;
  click_id: boolean;
  btag: boolean;
  promo_code: boolean;
  priority: PriorityMode;
  post_click_window_days: string;
  click_selection: ClickSelection;
  ip_ua_window_hours: string;
  keep_first_referrer: boolean;
}

export type RulesField = keyof RulesDraft;

export function draftFromRules(rules: AttributionRules, effectiveFrom: string): RulesDraft {
  return {
    ...rules,
    effective_from: effectiveFrom,
    post_click_window_days: String(rules.post_click_window_days),
    ip_ua_window_hours: String(rules.ip_ua_window_hours),
  };
}

function wholeNumber(text: string): number | null {
  const t = text.trim();
  return /^\d{1,6}$/.test(t) ? Number(t) : null;
}

function isDay(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Field → message for every problem; empty when the draft can be sent. */
export function validateDraft(d: RulesDraft): Partial<Record<RulesField, string>> {
  const errors: Partial<Record<RulesField, string>> = {};
  if (!isDay(d.effective_from)) errors.effective_from = 'Enter a date as YYYY-MM-DD.';
  const window = wholeNumber(d.post_click_window_days);
  if (window === null || window < 1 || window > WINDOW_DAYS_MAX)
    errors.post_click_window_days = `Enter whole days from 1 to ${WINDOW_DAYS_MAX}.`;
  const hours = wholeNumber(d.ip_ua_window_hours);
  if (hours === null || hours > IP_UA_HOURS_MAX)
    errors.ip_ua_window_hours = `Enter whole hours from 0 to ${IP_UA_HOURS_MAX} (0 turns it off).`;
  if (!d.click_id && !d.btag && !d.promo_code)
    errors.click_id = 'Turn on at least one key, or every player would be organic.';
  return errors;
}

/** The rule body the backend validates and stores (call only when `validateDraft` is empty). */
export function rulesFromDraft(d: RulesDraft): AttributionRules {
  return {
    click_id: d.click_id,
    btag: d.btag,
    promo_code: d.promo_code,
    priority: d.priority,
    post_click_window_days: Number(d.post_click_window_days.trim()),
    click_selection: d.click_selection,
    ip_ua_window_hours: Number(d.ip_ua_window_hours.trim()),
    keep_first_referrer: d.keep_first_referrer,
  };
}

export type TouchSortKey = 'affiliate' | 'first' | 'last' | 'position' | 'decay' | 'payout_attribution';

export function sortTouchRows(rows: readonly MultiTouchRow[], sort: SortState<TouchSortKey>): MultiTouchRow[] {
  const factor = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const c =
      sort.key === 'affiliate' ? compareIds(a.affiliate, b.affiliate) : compareDecimalStrings(a[sort.key], b[sort.key]);
    return factor * c || compareIds(a.affiliate, b.affiliate);
  });
}

/** The calendar month "YYYY-MM" as a period of days; null when the text is not a month. */
export function monthPeriod(month: string): { from: string; to: string } | null {
  const m = /^(\d{4})-(\d{2})$/.exec(month.trim());
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return null;
  const last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return { from: `${m[1]}-${m[2]}-01`, to: `${m[1]}-${m[2]}-${String(last).padStart(2, '0')}` };
}

/** The kinds of an affiliate's own identifiers a manager can add (crates/core/src/attribution/identifiers.rs). */
export const IDENTIFIER_KINDS: readonly { value: string; label: string; noun: string; placeholder: string; stored: string }[] = [
  { value: 'ip', label: 'Office IP', noun: 'office IP', placeholder: 'e.g. 85.12.0.7', stored: 'ip' },
  { value: 'email', label: 'Email', noun: 'email', placeholder: 'e.g. partners@their-site.com', stored: 'email_hash' },
  {
    value: 'payout_instrument',
    label: 'Payout instrument',
    noun: 'payout instrument',
    placeholder: 'IBAN, card number or the operator’s hash',
    stored: 'payment_hash',
  },
  { value: 'device_id', label: 'Device id', noun: 'device id', placeholder: 'e.g. 6F9619FF-8B86-D011-B42D-00C04FC964FF', stored: 'device_id' },
];

const kindOf = (kind: string) => IDENTIFIER_KINDS.find((k) => k.stored === kind || k.value === kind);

/** A stored (or requested) kind as a column reads it: `Office IP`. */
export function identifierKindLabel(kind: string): string {
  return kindOf(kind)?.label ?? kind;
}

/** A kind inside a sentence: `office IP`. */
export function identifierKindNoun(kind: string): string {
  return kindOf(kind)?.noun ?? kind;
}

/** What a manager recognises an identifier by: the IP or device itself; an email's or instrument's hint (the
 * value is a hash), else the start of the hash. */
export function identifierText(i: AffiliateIdentifier): string {
  if (i.kind === 'ip' || i.kind === 'device_id') return i.value;
  if (i.hint) return i.hint;
  return i.value.length > 12 ? `hash ${i.value.slice(0, 10)}…` : i.value;
}

/** Where an identifier came from. */
export function identifierOrigin(i: AffiliateIdentifier): string {
  switch (i.origin) {
    case 'file':
      return i.origin_ref ? `file ${i.origin_ref}` : 'a file';
    case 'user':
      return i.origin_ref ? `added by ${i.origin_ref}` : 'added by hand';
    case 'profile':
      return 'the affiliate’s profile';
    default:
      return '—';
  }
}

/** The form's own check before the backend's (which has the last word): a value is needed, on one line. */
export function identifierInputError(kind: string, value: string): string {
  const v = value.trim();
  const label = identifierKindNoun(kind);
  if (!v) return `Enter the ${label}.`;
  if (/[\r\n]/.test(v)) return `Enter one ${label} at a time.`;
  if (kind === 'ip' && !/^[0-9a-fA-F:.[\]]+$/.test(v)) return `Enter one IP address, e.g. 85.12.0.7 or 2a00:1450::1.`;
  if (kind === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) return 'Enter an email address, e.g. partners@their-site.com.';
  return '';
}
