// The Payouts screens' logic: the run state machine in words, exact ordering of runs, items and payee versions
// (money by decimal strings, never floats), the core's field-named messages mapped onto form fields, and the
// client checks of the payout forms. The core decides and validates; this only presents and pre-checks.
import type { PayeeMethod, PayeeVersionView, PayoutItemView, PayoutRunSummary, PayoutTotal } from './payout-types';
import { compareDecimalStrings, sign, type SortDir, type SortState } from './sort';

// ---- Runs ----

export type RunStatus = 'awaiting_approval' | 'approved' | 'exported' | 'paid' | 'cancelled';

/** The happy path of a run, in order; `cancelled` leaves it before export. */
export const RUN_STEPS: readonly RunStatus[] = ['awaiting_approval', 'approved', 'exported', 'paid'];

export const RUN_STATUSES: readonly RunStatus[] = [...RUN_STEPS, 'cancelled'];

const STATUS_LABEL: Record<RunStatus, string> = {
  awaiting_approval: 'Awaiting approval',
  approved: 'Approved',
  exported: 'Exported',
  paid: 'Paid',
  cancelled: 'Cancelled',
};

export function runStatusLabel(status: string): string {
  return STATUS_LABEL[status as RunStatus] ?? status.replace(/_/g, ' ');
}

export type StepState = 'done' | 'current' | 'todo' | 'skipped';

/** Each step of the happy path for a run in `status`: done, current or still to come (skipped once cancelled). */
export function runSteps(status: string): { step: RunStatus; state: StepState }[] {
  const at = RUN_STEPS.indexOf(status as RunStatus);
  return RUN_STEPS.map((step, i) => ({
    step,
    state: status === 'cancelled' ? (i === 0 ? 'done' : 'skipped') : i < at ? 'done' : i === at ? 'current' : 'todo',
  }));
}

/** What the run waits for next, in words, for its status. */
export function nextStepText(status: string, approvals: number, required: number): string {
  switch (status) {
    case 'awaiting_approval': {
      const left = Math.max(required - approvals, 0);
      return `Waits for ${left} more approval${left === 1 ? '' : 's'} (${approvals} of ${required}) from someone other than the preparer.`;
    }
    case 'approved':
      return 'Approved: export the payment files and send them to the bank.';
    case 'exported':
      return 'Files exported: once the bank has executed them, mark the run paid with its reference.';
    case 'paid':
      return 'Paid. Record a failed or returned payment if the bank reports one.';
    case 'cancelled':
      return 'Cancelled: its lines can go in another run.';
    default:
      return '';
  }
}

export type RunSortKey = 'id' | 'period' | 'status' | 'prepared_by' | 'prepared' | 'approvals' | 'payments' | 'total';

export const RUN_DEFAULT_SORT: SortState<RunSortKey> = { key: 'id', dir: 'desc' };

export function firstRunDir(key: RunSortKey): SortDir {
  return key === 'status' || key === 'prepared_by' ? 'asc' : 'desc';
}

/** The run's total in `currency` ('0' when it pays nothing in it), for ordering. */
export function totalIn(totals: readonly PayoutTotal[], currency: string): string {
  return totals.find((t) => t.currency === currency)?.amount ?? '0';
}

function compareRuns(key: RunSortKey, a: PayoutRunSummary, b: PayoutRunSummary, currency: string): number {
  switch (key) {
    case 'id':
      return sign(a.id - b.id);
    case 'period':
      return a.period.localeCompare(b.period);
    case 'status':
      return RUN_STATUSES.indexOf(a.status as RunStatus) - RUN_STATUSES.indexOf(b.status as RunStatus);
    case 'prepared_by':
      return a.prepared_by.localeCompare(b.prepared_by);
    case 'prepared':
      return sign(a.prepared_at_ms - b.prepared_at_ms);
    case 'approvals':
      return sign(a.approvals - b.approvals);
    case 'payments':
      return sign(a.payments - b.payments);
    case 'total':
      return compareDecimalStrings(totalIn(a.totals, currency), totalIn(b.totals, currency));
  }
}

/** Runs with `status` ('' for all), sorted; ties fall back to the newest run first. */
export function sortRuns(
  runs: readonly PayoutRunSummary[],
  sort: SortState<RunSortKey>,
  currency: string,
  status = '',
): PayoutRunSummary[] {
  const factor = sort.dir === 'asc' ? 1 : -1;
  return runs
    .filter((r) => !status || r.status === status)
    .sort((a, b) => factor * compareRuns(sort.key, a, b, currency) || b.id - a.id);
}

/** How many runs are in each status, for the filter's options. */
export function statusCounts(runs: readonly PayoutRunSummary[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of runs) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

// ---- Items ----

export type ItemState = 'pay' | 'carried' | 'held' | 'no_payee';

export const ITEM_STATES: readonly ItemState[] = ['pay', 'held', 'no_payee', 'carried'];

const ITEM_LABEL: Record<ItemState, string> = {
  pay: 'Pay',
  carried: 'Carried forward',
  held: 'Held',
  no_payee: 'No payee details',
};

export function itemStateLabel(state: string): string {
  return ITEM_LABEL[state as ItemState] ?? state.replace(/_/g, ' ');
}

/** How many items are in each state, in `ITEM_STATES` order (states with none left out). */
export function itemStateCounts(items: readonly PayoutItemView[]): { state: ItemState; count: number }[] {
  return ITEM_STATES.map((state) => ({ state, count: items.filter((i) => i.state === state).length })).filter(
    (c) => c.count > 0,
  );
}

export type ItemSortKey = 'affiliate' | 'state' | 'amount' | 'source' | 'outcome' | 'change';

export const ITEM_DEFAULT_SORT: SortState<ItemSortKey> = { key: 'state', dir: 'asc' };

export function firstItemDir(key: ItemSortKey): SortDir {
  return key === 'amount' || key === 'source' ? 'desc' : 'asc';
}

/** '' (nothing paid) orders below every amount. */
function compareAmounts(a: string, b: string): number {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0);
  return compareDecimalStrings(a, b);
}

function compareItems(key: ItemSortKey, a: PayoutItemView, b: PayoutItemView): number {
  switch (key) {
    case 'affiliate':
      return a.affiliate_name.localeCompare(b.affiliate_name, undefined, { sensitivity: 'base' });
    case 'state':
      return ITEM_STATES.indexOf(a.state as ItemState) - ITEM_STATES.indexOf(b.state as ItemState);
    case 'amount':
      return a.currency.localeCompare(b.currency) || compareAmounts(a.amount, b.amount);
    case 'source':
      return a.source_currency.localeCompare(b.source_currency) || compareAmounts(a.source_amount, b.source_amount);
    case 'outcome':
      return a.outcome.localeCompare(b.outcome);
    case 'change':
      return a.change.localeCompare(b.change);
  }
}

export function sortItems(items: readonly PayoutItemView[], sort: SortState<ItemSortKey>): PayoutItemView[] {
  const factor = sort.dir === 'asc' ? 1 : -1;
  return [...items].sort(
    (a, b) => factor * compareItems(sort.key, a, b) || a.affiliate_id.localeCompare(b.affiliate_id, undefined, { numeric: true }),
  );
}

/** Whether a bank's failure or return can be recorded for the item of a run in `status`. */
export function canRecordReturn(item: PayoutItemView, status: string): boolean {
  return item.state === 'pay' && (item.outcome === 'open' || item.outcome === 'paid') && (status === 'exported' || status === 'paid');
}

// ---- Bars ----

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/**
 * Each amount's share of the largest, in whole percent (0–100), computed exactly on the decimal strings (scaled
 * to integers): for drawing bars only. Negative or unreadable amounts draw nothing.
 */
export function barPercents(amounts: readonly string[]): number[] {
  const parsed = amounts.map((a) => DECIMAL.exec(a.trim()));
  const places = Math.max(0, ...parsed.map((m) => m?.[3]?.length ?? 0));
  const scaled = parsed.map((m) => (m && m[1] !== '-' ? BigInt(m[2] + (m[3] ?? '').padEnd(places, '0')) : 0n));
  const max = scaled.reduce((a, b) => (b > a ? b : a), 0n);
  if (max === 0n) return scaled.map(() => 0);
  return scaled.map((v) => Number((v * 100n) / max));
}

// ---- Payees ----

export const PAYEE_METHODS: readonly { method: PayeeMethod; label: string; hint: string }[] = [
  { method: 'sepa', label: 'SEPA transfer', hint: 'IBAN (and optionally the BIC); paid in EUR.' },
  { method: 'wire', label: 'International wire', hint: 'Account number, bank, BIC and the bank’s country.' },
  { method: 'paypal', label: 'PayPal', hint: 'The PayPal account’s e-mail address.' },
  { method: 'crypto', label: 'Crypto', hint: 'The network and the wallet address.' },
];

export function methodLabel(method: string): string {
  return PAYEE_METHODS.find((m) => m.method === method)?.label ?? method;
}

export type PayeeField =
  | 'affiliate'
  | 'currency'
  | 'holder'
  | 'iban'
  | 'bic'
  | 'account_number'
  | 'bank_name'
  | 'bank_country'
  | 'email'
  | 'network'
  | 'address';

/** The fields each method asks for, in form order. */
export const METHOD_FIELDS: Record<PayeeMethod, readonly PayeeField[]> = {
  sepa: ['holder', 'iban', 'bic'],
  wire: ['holder', 'account_number', 'bank_name', 'bic', 'bank_country'],
  paypal: ['email'],
  crypto: ['network', 'address'],
};

/** The sentence subjects the core names fields with (crates/core/src/payouts/payee/mod.rs `PayeeField::label`). */
const CORE_FIELD_LABELS: readonly [string, PayeeField][] = [
  ['The account holder name', 'holder'],
  ['The IBAN', 'iban'],
  ['The BIC (SWIFT code)', 'bic'],
  ['The account number', 'account_number'],
  ['The bank name', 'bank_name'],
  ['The bank country', 'bank_country'],
  ['The PayPal email address', 'email'],
  ['The crypto network', 'network'],
  ['The crypto address', 'address'],
];

/** "Field: reason" prefixes of the core's other payee refusals. */
const CORE_FIELD_PREFIXES: readonly [string, PayeeField][] = [
  ['Payout currency:', 'currency'],
  ['Affiliate:', 'affiliate'],
];

/**
 * The core's refusal of a payee proposal split onto the form's fields: "The IBAN is not valid. <why> The BIC
 * (SWIFT code) is not valid. <why>" → { iban: '<why>', bic: '<why>' }. What names no field stays in `rest`.
 */
export function payeeFieldErrors(message: string): { fields: Partial<Record<PayeeField, string>>; rest: string } {
  for (const [prefix, field] of CORE_FIELD_PREFIXES) {
    if (message.startsWith(prefix)) return { fields: { [field]: message.slice(prefix.length).trim() }, rest: '' };
  }
  const marks: { at: number; field: PayeeField; len: number }[] = [];
  for (const [label, field] of CORE_FIELD_LABELS) {
    const phrase = `${label} is not valid.`;
    for (let at = message.indexOf(phrase); at >= 0; at = message.indexOf(phrase, at + 1)) {
      marks.push({ at, field, len: phrase.length });
    }
  }
  if (marks.length === 0) return { fields: {}, rest: message };
  marks.sort((a, b) => a.at - b.at);
  const fields: Partial<Record<PayeeField, string>> = {};
  marks.forEach((m, i) => {
    const end = i + 1 < marks.length ? marks[i + 1].at : message.length;
    fields[m.field] = message.slice(m.at + m.len, end).trim() || 'It is not valid.';
  });
  return { fields, rest: message.slice(0, marks[0].at).trim() };
}

export function payeeStatusLabel(status: string): string {
  switch (status) {
    case 'pending':
      return 'Pending review';
    case 'approved':
      return 'Approved';
    case 'rejected':
      return 'Rejected';
    case 'superseded':
      return 'Superseded';
    default:
      return status;
  }
}

export type PayeeSortKey = 'affiliate' | 'method' | 'status' | 'proposed' | 'reviewed';

export const PAYEE_DEFAULT_SORT: SortState<PayeeSortKey> = { key: 'proposed', dir: 'desc' };

export function firstPayeeDir(key: PayeeSortKey): SortDir {
  return key === 'proposed' || key === 'reviewed' ? 'desc' : 'asc';
}

const PAYEE_STATUS_ORDER = ['pending', 'approved', 'rejected', 'superseded'];

function comparePayees(key: PayeeSortKey, a: PayeeVersionView, b: PayeeVersionView): number {
  switch (key) {
    case 'affiliate':
      return a.affiliate_name.localeCompare(b.affiliate_name, undefined, { sensitivity: 'base' }) || a.affiliate_id.localeCompare(b.affiliate_id);
    case 'method':
      return a.method.localeCompare(b.method);
    case 'status':
      return PAYEE_STATUS_ORDER.indexOf(a.status) - PAYEE_STATUS_ORDER.indexOf(b.status);
    case 'proposed':
      return sign(a.proposed_at_ms - b.proposed_at_ms);
    case 'reviewed':
      return sign((a.reviewed_at_ms ?? 0) - (b.reviewed_at_ms ?? 0));
  }
}

/** Versions with `status` ('' for all) whose affiliate name or id contains `needle`, sorted (ties: newest first). */
export function filterPayees(
  versions: readonly PayeeVersionView[],
  sort: SortState<PayeeSortKey>,
  status: string,
  needle: string,
): PayeeVersionView[] {
  const n = needle.trim().toLowerCase();
  const factor = sort.dir === 'asc' ? 1 : -1;
  return versions
    .filter((v) => !status || v.status === status)
    .filter((v) => !n || v.affiliate_name.toLowerCase().includes(n) || v.affiliate_id.toLowerCase().includes(n))
    .sort((a, b) => factor * comparePayees(sort.key, a, b) || b.id - a.id);
}

// ---- Small formats and checks ----

/** The first characters of a hash, for tables (the whole one goes in the title). */
export function shortHash(hash: string, chars = 12): string {
  return hash.length > chars ? `${hash.slice(0, chars)}…` : hash;
}

export const DAY_PATTERN = '[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])';

export function isDay(text: string): boolean {
  return new RegExp(`^${DAY_PATTERN}$`).test(text.trim());
}

/** An event's JSON detail as "key: value · key: value" (hashes shortened); other text as it is. */
export function eventDetailText(detail: string): string {
  let value: unknown;
  try {
    value = JSON.parse(detail);
  } catch {
    return detail;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return detail;
  const show = (v: unknown): string => {
    if (typeof v === 'string') return /^[0-9a-f]{40,}$/.test(v) ? shortHash(v) : v;
    if (Array.isArray(v)) return v.map(show).join(', ');
    if (typeof v === 'object' && v !== null) return JSON.stringify(v);
    return String(v);
  };
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${show(v)}`)
    .join(' · ');
}

/** Up to 6 decimals, no sign: the settings' amount of money (the core stores micros). */
const AMOUNT_RE = /^\d{1,15}(\.\d{1,6})?$/;

export function twoApprovalsError(text: string): string | null {
  return AMOUNT_RE.test(text.trim()) ? null : 'Give an amount of 0 or more, e.g. 10000 or 2500.50.';
}

export const PAYEE_HOLD_DAYS_MAX = 60;

export function holdDaysError(text: string): string | null {
  const t = text.trim();
  if (!/^\d{1,3}$/.test(t) || Number(t) > PAYEE_HOLD_DAYS_MAX) return `Give 0 to ${PAYEE_HOLD_DAYS_MAX} days.`;
  return null;
}

export type SettingsField = 'idle_lock_minutes' | 'two_approvals_from' | 'payee_hold_days';

/**
 * The field a core refusal names with a "Field: reason" prefix ("Paid on: …", "Reason: …"), and the reason without
 * it; null when the message starts with none of `prefixes` (it is then the form's own error).
 */
export function fieldOfPrefixed<F extends string>(
  message: string,
  prefixes: readonly (readonly [string, F])[],
): { field: F; reason: string } | null {
  for (const [prefix, field] of prefixes) {
    if (message.startsWith(prefix)) return { field, reason: message.slice(prefix.length).trim() };
  }
  return null;
}

/** The settings field a core refusal names ("Payee hold: give 0 to 60 days, got 90"). */
export function settingsFieldOfMessage(message: string): { field: SettingsField; reason: string } | null {
  return fieldOfPrefixed<SettingsField>(message, [
    ['Idle lock:', 'idle_lock_minutes'],
    ['Two approvers from:', 'two_approvals_from'],
    ['Payee hold:', 'payee_hold_days'],
  ]);
}
