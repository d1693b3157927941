// The Disputes screens' logic: the case state machine in words, SLA badges and due dates, the case list's query
// (the core filters, searches, orders and pages it), the core's field-named refusals mapped onto form fields, the
// timeline in words, evidence helpers (kinds, pretty JSON, which records have a raw view) and the dashboard's
// per-affiliate counts.
// The core decides every move and validates every field; this only presents and pre-checks.
import type { CASE_SORTS, DisputeAffiliate, DisputeEventView, DisputeFilter, DisputeRow, DisputeView, EvidenceItem, Person, Role } from './bindings';
import type { SortDir, SortState } from './sort';
import { fieldOfPrefixed } from './payouts';

// ---- States ----

export type CaseState = 'open' | 'investigating' | 'awaiting_operator' | 'accepted' | 'partly_accepted' | 'rejected';
export type Decision = 'accepted' | 'partly_accepted' | 'rejected';

export const CASE_STATES: readonly CaseState[] = ['open', 'investigating', 'awaiting_operator', 'accepted', 'partly_accepted', 'rejected'];
export const WORKING_STATES: readonly CaseState[] = ['open', 'investigating', 'awaiting_operator'];
export const DECISIONS: readonly Decision[] = ['accepted', 'partly_accepted', 'rejected'];

const STATE_LABEL: Record<CaseState, string> = {
  open: 'Open',
  investigating: 'Investigating',
  awaiting_operator: 'Awaiting operator',
  accepted: 'Accepted',
  partly_accepted: 'Partly accepted',
  rejected: 'Rejected',
};

export function stateLabel(state: string): string {
  return STATE_LABEL[state as CaseState] ?? state.replace(/_/g, ' ');
}

export function isResolved(state: string): boolean {
  return (DECISIONS as readonly string[]).includes(state);
}

/** What a decision means for the money, for the resolve dialog. */
export const DECISION_TEXT: Record<Decision, string> = {
  accepted: 'grants the amount below (the proposed amount unless you change it)',
  partly_accepted: 'grants less than the amount claimed',
  rejected: 'grants nothing',
};

/** The label of a move button: where the case goes, said from where it is. */
export function moveLabel(to: string, from: string): string {
  if (to === 'investigating') return from === 'open' ? 'Start investigating' : 'Back to investigating';
  if (to === 'awaiting_operator') return 'Wait for the operator';
  return stateLabel(to);
}

/** The moves allowed now split by kind: plain moves, decisions (the resolve dialog), or reopening. */
export function splitAllowed(allowed: readonly string[]): { moves: string[]; decisions: Decision[]; reopen: boolean } {
  return {
    moves: allowed.filter((s) => s === 'investigating' || s === 'awaiting_operator'),
    decisions: DECISIONS.filter((d) => allowed.includes(d)),
    reopen: allowed.includes('reopen'),
  };
}

export type FlowStep = 'open' | 'investigating' | 'awaiting_operator' | 'decision';
export type FlowState = 'current' | 'next' | 'done' | 'todo';

/**
 * The case's state machine as steps (open → investigating ⇄ awaiting operator → decision): the current one, the
 * ones it may move to now, the ones it has been through (from its history) and the rest.
 */
export function flowOf(
  state: string,
  allowed: readonly string[],
  events: readonly Pick<DisputeEventView, 'to_state'>[],
): { step: FlowStep; label: string; state: FlowState }[] {
  const visited = new Set(events.map((e) => e.to_state).filter(Boolean));
  const resolved = isResolved(state);
  const steps: FlowStep[] = ['open', 'investigating', 'awaiting_operator', 'decision'];
  return steps.map((step) => {
    const label = step === 'decision' ? (resolved ? stateLabel(state) : 'Decision') : stateLabel(step);
    const current = step === 'decision' ? resolved : state === step;
    const next = step === 'decision' ? DECISIONS.some((d) => allowed.includes(d)) : allowed.includes(step) || (step === 'investigating' && allowed.includes('reopen'));
    const done = step === 'decision' ? DECISIONS.some((d) => visited.has(d)) : visited.has(step);
    return { step, label, state: current ? 'current' : next ? 'next' : done ? 'done' : 'todo' };
  });
}

// ---- SLA ----

export type DueState = 'on_time' | 'near_due' | 'overdue' | 'resolved';

const DUE_LABEL: Record<DueState, string> = {
  on_time: 'On time',
  near_due: 'Near due',
  overdue: 'Overdue',
  resolved: 'Resolved',
};

export function dueLabel(due: string): string {
  return DUE_LABEL[due as DueState] ?? due.replace(/_/g, ' ');
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** How far the due date is from now, in words: "in 13 days", "in 20 h", "2 days late" (nothing once resolved). */
export function dueInWords(dueAtMs: number, due: string, nowMs: number): string {
  if (due === 'resolved') return '';
  const left = dueAtMs - nowMs;
  const span = (ms: number) => {
    if (ms < DAY_MS) {
      const h = Math.max(1, Math.floor(ms / HOUR_MS));
      return `${h} h`;
    }
    const d = Math.floor(ms / DAY_MS);
    return `${d} day${d === 1 ? '' : 's'}`;
  };
  return left >= 0 ? `in ${span(left)}` : `${span(-left)} late`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local `YYYY-MM-DD HH:MM`. */
export function formatMinute(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** crates/core/src/disputes/sla.rs `MAX_SLA_DAYS`. */
export const SLA_DAYS_MAX = 365;

/** The client check of the SLA's days (the core checks again). */
export function slaDaysError(text: string): string | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return `Give a whole number of days, 1 to ${SLA_DAYS_MAX}.`;
  const n = Number(t);
  if (n < 1 || n > SLA_DAYS_MAX) return `Between 1 and ${SLA_DAYS_MAX} days (got ${n}).`;
  return null;
}

/** "10 business days", as the core says it. */
export function slaText(s: { days: number; business_days: boolean }): string {
  return `${s.days} ${s.business_days ? 'business ' : ''}day${s.days === 1 ? '' : 's'}`;
}

// ---- Reasons and sources ----

const OPENED_FROM_LABEL: Record<string, string> = {
  manual: 'By hand',
  discrepancy: 'Reconciliation',
  flag: 'Fraud flag',
  statement_line: 'Statement line',
  player: 'Player',
  conversion: 'Conversion',
  claim: 'Claims file',
};

export function openedFromLabel(from: string): string {
  return OPENED_FROM_LABEL[from] ?? from.replace(/_/g, ' ');
}

const words = (code: string) => {
  const w = code.replace(/_/g, ' ');
  return w.charAt(0).toUpperCase() + w.slice(1);
};

/** A case's reason code in words: "missing_postback" → "Missing postback", "flag:click_flooding" → "Flag: click flooding". */
export function reasonLabel(reason: string): string {
  if (!reason) return '—';
  if (reason === 'manual') return 'By hand';
  if (reason === 'player_claim') return 'Player claimed';
  const colon = reason.indexOf(':');
  if (colon > 0) return `${words(reason.slice(0, colon))}: ${reason.slice(colon + 1).replace(/_/g, ' ')}`;
  return words(reason);
}

/** The reason in words unless the title already says it ("Claim CL016: outside window" needs no "outside window"). */
export function reasonBesideTitle(reason: string, title: string): string {
  if (!reason || reason === 'manual') return '';
  const t = title.toLowerCase();
  const last = reason.slice(reason.indexOf(':') + 1);
  if (t.includes(last.toLowerCase()) || t.includes(last.replace(/_/g, ' ').toLowerCase())) return '';
  return reasonLabel(reason);
}

// ---- The list ----

export interface CaseFilter {
  state: string;
  affiliate: string;
  /** A sign-in name, '-' for unowned, '' for anyone. */
  owner: string;
  reason: string;
  overdue: boolean;
}

export const NO_FILTER: CaseFilter = { state: '', affiliate: '', owner: '', reason: '', overdue: false };

/** The request for `disputes_list`: empty fields left out. */
export function filterRequest(f: CaseFilter): DisputeFilter {
  const out: DisputeFilter = { overdue: f.overdue };
  if (f.state) out.state = f.state;
  if (f.affiliate.trim()) out.affiliate = f.affiliate.trim();
  if (f.owner) out.owner = f.owner;
  if (f.reason) out.reason = f.reason;
  return out;
}

export function isFiltered(f: CaseFilter): boolean {
  return !!(f.state || f.affiliate.trim() || f.owner || f.reason || f.overdue);
}

/** The filter in words, for the empty result ("Overdue, affiliate 4"). */
export function filterText(f: CaseFilter): string {
  const parts: string[] = [];
  if (f.state) parts.push(stateLabel(f.state).toLowerCase());
  if (f.overdue) parts.push('overdue');
  if (f.affiliate.trim()) parts.push(`affiliate ${f.affiliate.trim()}`);
  if (f.owner === '-') parts.push('unowned');
  else if (f.owner) parts.push(`owned by ${f.owner}`);
  if (f.reason) parts.push(reasonLabel(f.reason).toLowerCase());
  return parts.join(', ');
}

/** The reasons the program's cases have (the page's `reasons`), by their words. */
export function reasonsOf(reasons: readonly string[]): string[] {
  return [...new Set(reasons.filter(Boolean))].sort((a, b) => reasonLabel(a).localeCompare(reasonLabel(b)));
}

/** The affiliates of cases (the page's `affiliates`, or rows), each once, by name. */
export function affiliatesOf(rows: readonly Pick<DisputeRow, 'affiliate_id' | 'affiliate_name'>[]): { id: string; name: string }[] {
  const seen = new Map<string, string>();
  for (const r of rows) if (r.affiliate_id && !seen.has(r.affiliate_id)) seen.set(r.affiliate_id, r.affiliate_name);
  return [...seen].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** The orders the core's query knows (crates/core/src/disputes/list.rs `CASE_SORTS`). */
export type CaseSortKey = (typeof CASE_SORTS)[number];

/** Soonest due first, as a queue is worked. */
export const CASE_DEFAULT_SORT: SortState<CaseSortKey> = { key: 'due', dir: 'asc' };

/** The direction a column sorts in when first clicked: numbers and dates largest first, the rest A to Z (the
 * core's default for each key). */
export function firstCaseDir(key: CaseSortKey): SortDir {
  return key === 'id' || key === 'claimed' || key === 'granted' || key === 'updated' || key === 'period' ? 'desc' : 'asc';
}

/** Cases read per page: a busy program's history holds tens of thousands. */
export const CASE_PAGE = 200;

/** How long the search waits for typing to pause before it asks the core again. */
export const CASE_SEARCH_DEBOUNCE_MS = 250;

/** The core's query for a page of the list: the filters set, the search trimmed, the order with its direction
 * spelled out, `CASE_PAGE` cases from `offset`. */
export function caseQuery(f: CaseFilter, text: string, sort: SortState<CaseSortKey>, offset = 0): DisputeFilter {
  const q = filterRequest(f);
  const t = text.trim();
  if (t) q.text = t;
  return { ...q, sort: sort.key, descending: sort.dir === 'desc', offset, limit: CASE_PAGE };
}

// ---- People ----

/** The roles whose people may work disputes: crates/core/src/people/roles.rs grants `disputes.work` to these. */
export const DISPUTE_ROLES: readonly Role[] = ['analyst'];

export function mayWorkDisputes(p: Person): boolean {
  return p.active && p.roles.some((r) => DISPUTE_ROLES.includes(r));
}

// ---- The core's refusals ----

export type OpenField = 'affiliate' | 'period' | 'title' | 'amount' | 'reference';

/** The field of the "New case" form a refusal names ("Title: say what the affiliate claims"). */
export function openFieldOf(message: string): { field: OpenField; reason: string } | null {
  return fieldOfPrefixed<OpenField>(message, [
    ['Affiliate:', 'affiliate'],
    ['Period:', 'period'],
    ['Title:', 'title'],
    ['Amount:', 'amount'],
    ['Reference:', 'reference'],
  ]);
}

export type ResolveField = 'decision' | 'amount' | 'reason';

export function resolveFieldOf(message: string): { field: ResolveField; reason: string } | null {
  return fieldOfPrefixed<ResolveField>(message, [
    ['Decision:', 'decision'],
    ['Amount:', 'amount'],
    ['Reason:', 'reason'],
  ]);
}

/** "discrepancy 4 already has dispute case 9" → 9: the case to go to instead of a second one. */
export function existingCaseOf(message: string): number | null {
  const m = /already has dispute case (\d+)/.exec(message);
  return m ? Number(m[1]) : null;
}

// ---- Money ----

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** "0.00", "0", "-0.0": nothing. */
export function isZero(amount: string): boolean {
  return /^[+-]?0+(\.0+)?$/.test(amount.trim());
}

export function isDecimal(text: string): boolean {
  return DECIMAL.test(text.trim());
}

/** a − b exactly, with as many places as the longer of the two (null when either is not a decimal). */
export function decimalDiff(a: string, b: string): string | null {
  const ma = DECIMAL.exec(a.trim());
  const mb = DECIMAL.exec(b.trim());
  if (!ma || !mb) return null;
  const places = Math.max(ma[3]?.length ?? 0, mb[3]?.length ?? 0);
  const scaled = (m: RegExpExecArray) => {
    const v = BigInt(m[2] + (m[3] ?? '').padEnd(places, '0'));
    return m[1] === '-' ? -v : v;
  };
  const d = scaled(ma) - scaled(mb);
  const neg = d < 0n;
  const digits = (neg ? -d : d).toString().padStart(places + 1, '0');
  const text = places ? `${digits.slice(0, -places)}.${digits.slice(-places)}` : digits;
  return (neg ? '-' : '') + text;
}

// ---- Timeline ----

/** One event of the case in words: who did what, and its text (the comment, the reason, the file). */
export function eventWords(e: DisputeEventView): { action: string; detail: string } {
  switch (e.event) {
    case 'opened':
      return { action: 'opened the case', detail: e.text };
    case 'moved':
      return { action: `moved it from ${stateLabel(e.from_state)} to ${stateLabel(e.to_state)}`, detail: e.text };
    case 'assigned': {
      const owner = e.text.replace(/^owner:\s*/, '');
      return { action: owner ? `assigned it to ${owner}` : 'left it unowned', detail: '' };
    }
    case 'comment':
      return { action: 'commented', detail: e.text };
    case 'attached':
      return { action: 'attached a file', detail: e.text };
    case 'resolved':
      return { action: `decided: ${stateLabel(e.to_state)}`, detail: e.text };
    case 'reopened':
      return { action: `reopened it (${stateLabel(e.from_state)} → ${stateLabel(e.to_state)})`, detail: e.text };
    case 'evidence':
      return { action: 'made the evidence pack', detail: e.text };
    default:
      return { action: e.event.replace(/_/g, ' '), detail: e.text };
  }
}

// ---- Evidence ----

const KIND_LABEL: Record<string, string> = {
  click: 'Click',
  player: 'Player',
  deposit: 'Deposit',
  conversion: 'Conversion',
  status_history: 'Status history',
  postback: 'Postback',
  attribution: 'Attribution',
  qualification: 'CPA checklist',
  flag: 'Fraud flag',
  discrepancy: 'Reconciliation',
  statement_line: 'Statement line',
  claim: 'Claim',
  raw: 'Raw record',
};

export function evidenceKindLabel(kind: string): string {
  return KIND_LABEL[kind] ?? words(kind);
}

/** Each kind present with its count, in the order the items come. */
export function kindsOf(items: readonly EvidenceItem[]): { kind: string; count: number }[] {
  const out = new Map<string, number>();
  for (const i of items) out.set(i.kind, (out.get(i.kind) ?? 0) + 1);
  return [...out].map(([kind, count]) => ({ kind, count }));
}

/** JSON text pretty-printed, or null when it is not JSON. */
export function prettyJson(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}

/** The records that have a raw view (`raw_record`). */
export const RAW_KINDS = ['conversion', 'player', 'click', 'deposit'] as const;
export type RawKind = (typeof RAW_KINDS)[number];

/** The raw view an evidence item leads to (a conversion, player, click or deposit), from its body. */
export function rawRefOf(item: EvidenceItem): { kind: RawKind; reference: string } | null {
  if (!(RAW_KINDS as readonly string[]).includes(item.kind)) return null;
  let body: unknown;
  try {
    body = JSON.parse(item.body);
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  const ref = item.kind === 'click' ? b.click_id : b.external_id;
  return typeof ref === 'string' && ref ? { kind: item.kind as RawKind, reference: ref } : null;
}

/** The case's subjects (`kind:ref`, the ref may itself hold colons). */
export function subjectsOf(view: Pick<DisputeView, 'subjects'>): { kind: string; ref: string }[] {
  return view.subjects.map((s) => {
    const i = s.indexOf(':');
    return i < 0 ? { kind: s, ref: '' } : { kind: s.slice(0, i), ref: s.slice(i + 1) };
  });
}

/** The players a case names: accepting may re-attribute them to the case's affiliate. */
export function playersOf(view: Pick<DisputeView, 'subjects'>): string[] {
  return subjectsOf(view)
    .filter((s) => s.kind === 'player')
    .map((s) => s.ref);
}

/** 512 → "512 bytes", 1536 → "1.5 KiB", 3 × 2^20 → "3.0 MiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} byte${n === 1 ? '' : 's'}`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

// ---- Dashboard ----

export interface CaseCounts {
  open: number;
  overdue: number;
}

/** Cases not resolved per affiliate id, and how many of them are overdue (the core counts them: the page's
 * `affiliates`); affiliates with none are left out. */
export function casesByAffiliate(affiliates: readonly DisputeAffiliate[]): Map<string, CaseCounts> {
  const out = new Map<string, CaseCounts>();
  for (const a of affiliates) if (a.open > 0) out.set(a.affiliate_id, { open: a.open, overdue: a.overdue });
  return out;
}
