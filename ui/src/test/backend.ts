// A fake `Backend` whose every method is a vi.fn with a sensible default; override what a test is about. By
// default someone holding every permission is signed in (ADMIN) and the session's program is the default one;
// `selectProgram` changes it for the program-scoped methods, like the real session. Each fake holds its own copy
// of the programs: `addProgram` and `editProgram` check and refuse like the core and change that copy, so
// `listPrograms` shows them. The flagged-traffic queue is a list of flags the fake pages, filters, searches and
// orders as the core's query does (`flagPage`); `flagDecide` records a decision on it. So is the Disputes list: a
// list of cases the fake filters, searches, orders and pages as the core's query does (`disputePage`).
import { vi } from 'vitest';
import type { Backend } from '../lib/api';
import { CASE_SORTS } from '../lib/bindings';
import type {
  ApiError,
  Dashboard,
  DashboardQuery,
  DisputeAffiliate,
  DisputeFilter,
  DisputeRow,
  DisputesPage,
  FlagFilter,
  FlagPage,
  FlagRow,
  ProgramSettings,
  ProgramSummary,
  SyncSummary,
} from '../lib/bindings';
import { ADMIN, auditPage, session, verifyReport } from './people';
import {
  CLICK_FIELDS,
  coverageReport,
  dashboard,
  tradingSummary,
  allowEntry,
  flagGroup,
  flagRow,
  investigation,
  reconReport,
  importPreview,
  importRun,
  listenerStatus,
  source,
  sourcesOverview,
  status,
} from './fixtures';
import { affiliateDetail, affiliatesPage, explanation, multiTouch, rulesView } from './attribution-fixtures';
import { checklist, computeResult, importResult, periodView, planDetail, planPreview, PLANS, statement } from './commission';
import { overview, payeesPage, runView } from './payouts';
import { disputeRow, disputeView } from './disputes';
import { breakdown, cohorts } from './dashboards';

export const SUMMARY: SyncSummary = { streams: [], elapsed_ms: 1234 };

/** The demo's two programs: the casino (the default) and the Forex broker. */
export const PROGRAMS: ProgramSummary[] = [
  {
    name: 'Lucky Casino EU',
    vertical: 'igaming',
    currency: 'EUR',
    timezone: 'Europe/Malta',
    affiliates: 12,
    players: 553,
    accounts: 0,
    data_range: { from: '2025-06-01', to: '2025-06-30' },
    is_default: true,
    brands: ['Lucky Casino', 'Lucky Sports'],
    settings_fixed: true,
  },
  {
    name: 'Demo Broker',
    vertical: 'forex',
    currency: 'USD',
    timezone: 'Europe/London',
    affiliates: 8,
    players: 120,
    accounts: 120,
    data_range: { from: '2025-06-01', to: '2025-06-30' },
    is_default: false,
    brands: ['Demo Broker FX'],
    settings_fixed: true,
  },
];

/** A program as the core lists it right after it was created: no data, settings still open. */
export function program(name: string, over: Partial<ProgramSummary> = {}): ProgramSummary {
  return {
    name,
    vertical: 'igaming',
    currency: 'EUR',
    timezone: 'Europe/Malta',
    affiliates: 0,
    players: 0,
    accounts: 0,
    data_range: null,
    is_default: false,
    brands: [],
    settings_fixed: false,
    ...over,
  };
}

const refused = (message: string, code: ApiError['code'] = 'invalid_input'): ApiError => ({ code, message });

/** crates/core/src/programs/manage.rs `brand_code`: brands are the same when their codes are. */
const brandCode = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/** A zone the core knows: the platform's list, UTC, or an alias it accepts (Europe/Nicosia for Asia/Nicosia). */
function knownZone(zone: string): boolean {
  if (zone === 'UTC' || Intl.supportedValuesOf('timeZone').includes(zone)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/');
  } catch {
    return false;
  }
}

/** The core's checks (crates/core/src/programs/manage.rs `validate`), field first; the settings trimmed. */
function checkSettings(s: ProgramSettings): ProgramSettings {
  const name = s.name.trim();
  if (!name || [...name].length > 80) throw refused('Name: must be 1 to 80 characters');
  const currency = s.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency) || !Intl.supportedValuesOf('currency').includes(currency)) {
    throw refused(`Currency: '${s.currency.trim()}' is not an ISO 4217 currency code (e.g. EUR, USD, GBP)`);
  }
  const timezone = s.timezone.trim();
  if (!knownZone(timezone)) throw refused(`Time zone: '${timezone}' is not an IANA time zone (e.g. Europe/Malta, UTC)`);
  if (s.brands.length > 50) throw refused('Brands: at most 50');
  const brands: string[] = [];
  s.brands.forEach((raw, i) => {
    const b = raw.trim();
    if (!b || [...b].length > 80 || !brandCode(b)) {
      throw refused(`Brand ${i + 1}: '${b}' must be 1 to 80 characters with a letter or digit`);
    }
    if (brands.some((x) => brandCode(x) === brandCode(b))) throw refused(`Brand ${i + 1}: '${b}' is listed twice`);
    brands.push(b);
  });
  return { name, vertical: s.vertical, currency, timezone, brands };
}

/** The brands after adding `more`: existing ones stay (renamed when the same code is listed), by name. */
function withBrands(existing: readonly string[], more: readonly string[]): string[] {
  const out = existing.filter((b) => !more.some((m) => brandCode(m) === brandCode(b)));
  return [...out, ...more].sort((a, b) => a.localeCompare(b));
}

/** The core's default program: the first iGaming program, else the first. */
function markDefault(list: ProgramSummary[]): void {
  const d = list.find((p) => p.vertical === 'igaming') ?? list[0];
  list.forEach((p, i) => (list[i] = { ...p, is_default: p === d }));
}

/** The fake's flags unless a test gives its own: an open click injection and an open, low geo mismatch. */
export const FLAGS: readonly FlagRow[] = [flagRow(1), flagRow(2, { severity: 'low', score: 30, pattern: 'geo_mismatch', rule: 'geo_mismatch' })];

const SEVERITY_RANK: Record<string, number> = { high: 3, medium: 2, low: 1 };
const FLAG_SORTS = ['affiliate', 'pattern', 'severity', 'score', 'status', 'amount', 'created'];

/** SQLite's NOCASE and LIKE fold ASCII letters only. */
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** An amount as the core holds it: integer micros (exact, not a float). */
function micros(amount: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(amount.trim());
  if (!m) return 0n;
  const v = BigInt(m[2] + (m[3] ?? '').padEnd(6, '0').slice(0, 6));
  return m[1] === '-' ? -v : v;
}

/** What a flag sorts by (crates/core/src/detect/queue.rs `order_sql`), compared part by part (text in binary order). */
function flagSortKey(sort: string, f: FlagRow): (string | number | bigint)[] {
  switch (sort) {
    case 'affiliate':
      return [asciiLower(f.affiliate_name), f.affiliate_id];
    case 'pattern':
      return [f.pattern];
    case 'severity':
      return [SEVERITY_RANK[f.severity] ?? 0];
    case 'status':
      return [f.status];
    case 'amount':
      return [micros(f.amount_at_stake)];
    case 'created':
      return [f.created_at_ms];
    default:
      return [f.score];
  }
}

function compareKeys(a: (string | number | bigint)[], b: (string | number | bigint)[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return 0;
}

/**
 * One page of the flat queue as crates/core/src/detect/queue.rs `page_in` reads it: the flags of the affiliate
 * (its exact id), the pattern (or rule), severity and status asked; the text in the affiliate's name or id or the
 * summary (any case); ordered by `sort` (score by default; descending unless affiliate, pattern or status), ties
 * by flag id; `limit` rows from `offset`. With the total matching and every pattern of the program's flags.
 */
export function flagPage(flags: readonly FlagRow[], filter: FlagFilter): FlagPage {
  if (filter.severity !== undefined && !['low', 'medium', 'high'].includes(filter.severity)) {
    throw refused(`severity must be low, medium or high, got '${filter.severity}'`);
  }
  if (filter.status !== undefined && !['open', 'confirmed', 'dismissed', 'superseded'].includes(filter.status)) {
    throw refused(`status must be open, confirmed, dismissed or superseded, got '${filter.status}'`);
  }
  const sort = filter.sort?.trim() || 'score';
  if (!FLAG_SORTS.includes(sort)) {
    throw refused(`sort must be affiliate, pattern, severity, score, status, amount or created, got '${sort}'`);
  }
  const descending = filter.descending ?? !['affiliate', 'pattern', 'status'].includes(sort);
  const text = asciiLower(filter.text?.trim() ?? '');
  const matching = flags.filter(
    (f) =>
      (filter.affiliate === undefined || f.affiliate_id === filter.affiliate) &&
      (filter.pattern === undefined || f.pattern === filter.pattern || f.rule === filter.pattern) &&
      (filter.severity === undefined || f.severity === filter.severity) &&
      (filter.status === undefined || f.status === filter.status) &&
      (!text || [f.affiliate_name, f.affiliate_id, f.summary].some((s) => asciiLower(s).includes(text))),
  );
  const factor = descending ? -1 : 1;
  const keyed = matching.map((f) => ({ f, key: flagSortKey(sort, f) }));
  keyed.sort((a, b) => factor * compareKeys(a.key, b.key) || a.f.id - b.f.id);
  const offset = Math.min(filter.offset ?? 0, matching.length);
  return {
    rows: keyed.slice(offset, filter.limit === undefined ? undefined : offset + filter.limit).map((k) => k.f),
    total: matching.length,
    offset,
    patterns: [...new Set(flags.map((f) => f.pattern))].sort(),
  };
}

/** crates/core/src/disputes/mod.rs `State::ALL`, in the order a case moves (the `state` order's ranks). */
const CASE_STATES = ['open', 'investigating', 'awaiting_operator', 'accepted', 'partly_accepted', 'rejected'];
const RESOLVED = ['accepted', 'partly_accepted', 'rejected'];
/** crates/core/src/disputes/list.rs `CASE_PAGE` and `CASE_PAGE_MAX`. */
const CASE_PAGE = 200;
const CASE_PAGE_MAX = 1000;

/** What a case sorts by (crates/core/src/disputes/list.rs `order_sql`), compared part by part. */
function caseSortKey(sort: string, r: DisputeRow): (string | number | bigint)[] {
  switch (sort) {
    case 'id':
      return [r.id];
    case 'title':
      return [asciiLower(r.title)];
    case 'state': {
      const rank = CASE_STATES.indexOf(r.state);
      return [rank < 0 ? CASE_STATES.length : rank];
    }
    case 'affiliate':
      return [asciiLower(r.affiliate_name), r.affiliate_id];
    case 'owner':
      return [r.owner ? 1 : 0, r.owner];
    case 'claimed':
      return [micros(r.amount_claimed)];
    case 'granted':
      return [micros(r.granted)];
    case 'period':
      return [r.period];
    case 'updated':
      return [r.updated_at_ms];
    default:
      return [RESOLVED.includes(r.state) ? 1 : 0, r.due_at_ms];
  }
}

/**
 * One page of the Disputes list as crates/core/src/disputes/list.rs `list` reads it: the cases of the state,
 * affiliate (its exact id), owner (`-`: nobody) and reason asked, overdue ones only if asked; the text in the title,
 * the affiliate's name or id, the owner, the reason (or its words), the period (any case), or the case's number
 * (`12`, `#12`); ordered by `sort` (due by default; descending by default for id, claimed, granted, period and
 * updated), ties by case id; `limit` rows (200 unless given, at most 1000) from `offset` (past the last case:
 * refused). With the total matching, the open and overdue counts, every affiliate with a case and its counts, and
 * the reasons and owners the cases have — whatever the filter. The rows' `due` is the core's as of now.
 */
export function disputePage(cases: readonly DisputeRow[], filter: Partial<DisputeFilter>, sla = '10 business days'): DisputesPage {
  const opt = (s: string | undefined) => s?.trim() || undefined;
  const [state, affiliate, owner, reason] = [opt(filter.state), opt(filter.affiliate), opt(filter.owner), opt(filter.reason)];
  if (state !== undefined && !CASE_STATES.includes(state)) {
    throw refused(`State: '${state}' is not a state (${CASE_STATES.join(', ')})`);
  }
  const sort = opt(filter.sort) ?? 'due';
  if (!(CASE_SORTS as readonly string[]).includes(sort)) {
    throw refused(`Sort: '${sort}' is not a column (${CASE_SORTS.join(', ')})`);
  }
  const descending = filter.descending ?? ['id', 'claimed', 'granted', 'period', 'updated'].includes(sort);
  const limit = filter.limit ?? CASE_PAGE;
  if (limit > CASE_PAGE_MAX) throw refused(`Limit: ${limit} is more than a page holds (0 to ${CASE_PAGE_MAX} cases)`);
  const offset = filter.offset ?? 0;
  const text = opt(filter.text);
  const needle = asciiLower(text ?? '');
  const number = text?.replace(/^#/, '');
  const caseId = number !== undefined && /^[+-]?\d+$/.test(number) ? Number(number) : null;
  const resolved = (r: DisputeRow) => RESOLVED.includes(r.state);
  const overdue = (r: DisputeRow) => !resolved(r) && r.due === 'overdue';
  const matching = cases.filter(
    (r) =>
      (state === undefined || r.state === state) &&
      (affiliate === undefined || r.affiliate_id === affiliate) &&
      (owner === undefined || (owner === '-' ? r.owner === '' : r.owner === owner)) &&
      (reason === undefined || r.reason === reason) &&
      (!filter.overdue || overdue(r)) &&
      (text === undefined ||
        r.id === caseId ||
        [r.title, r.affiliate_name, r.affiliate_id, r.owner, r.reason, r.reason.replace(/_/g, ' '), r.period].some((s) =>
          asciiLower(s).includes(needle),
        )),
  );
  if (offset > 0 && offset >= matching.length) {
    throw refused(`Offset: ${offset} is past the last of the ${matching.length} matching cases`);
  }
  const factor = descending ? -1 : 1;
  const keyed = matching.map((r) => ({ r, k: caseSortKey(sort, r) }));
  keyed.sort((a, b) => factor * compareKeys(a.k, b.k) || a.r.id - b.r.id);
  const byAffiliate = new Map<string, DisputeAffiliate>();
  for (const r of cases) {
    if (!r.affiliate_id) continue;
    const a = byAffiliate.get(r.affiliate_id) ?? { affiliate_id: r.affiliate_id, affiliate_name: r.affiliate_name, cases: 0, open: 0, overdue: 0 };
    a.cases += 1;
    if (!resolved(r)) a.open += 1;
    if (overdue(r)) a.overdue += 1;
    byAffiliate.set(r.affiliate_id, a);
  }
  const distinct = (values: string[]) => [...new Set(values.filter(Boolean))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    rows: keyed.slice(offset, offset + limit).map((k) => k.r),
    total: matching.length,
    offset,
    open: cases.filter((r) => !resolved(r)).length,
    overdue: cases.filter(overdue).length,
    sla,
    affiliates: [...byAffiliate.values()].sort((a, b) => compareKeys([asciiLower(a.affiliate_name), a.affiliate_id], [asciiLower(b.affiliate_name), b.affiliate_id])),
    reasons: distinct(cases.map((r) => r.reason)),
    owners: distinct(cases.map((r) => r.owner)),
  };
}

export type FakeBackend = { [K in keyof Backend]: Backend[K] } & {
  /** Every dashboard request, in order. */
  queries: DashboardQuery[];
  /** The program the session acts on (null: the default), as the last `selectProgram` set it. */
  program: () => string | null;
};

/** `programs`: the workspace's programs to start with (a new workspace: none). `flags`: the queue's flags, read
 * by `flagsList` and changed by `flagDecide` in place (a test may add to the array, as a detection run would).
 * `cases`: the program's dispute cases, read by `disputesList` (one open case, #7, unless given). */
export function fakeBackend(
  over: Partial<Backend> = {},
  {
    programs: initial = PROGRAMS,
    flags = [...FLAGS],
    cases = [disputeRow(7)],
  }: { programs?: readonly ProgramSummary[]; flags?: FlagRow[]; cases?: readonly DisputeRow[] } = {},
): FakeBackend {
  const queries: DashboardQuery[] = [];
  let selected: string | null = null;
  const programs: ProgramSummary[] = initial.map((p) => ({ ...p }));
  const current = () => programs.find((p) => p.name === selected) ?? programs.find((p) => p.is_default) ?? programs[0];
  return {
    queries,
    program: () => selected,
    sessionStatus: vi.fn(async () => session(ADMIN)),
    signIn: vi.fn(async () => session(ADMIN)),
    signOut: vi.fn(async () => session(null)),
    createWorkspace: vi.fn(async (r) => session({ ...ADMIN, name: r.name, display_name: r.display_name, roles: ['owner'] })),
    changePassphrase: vi.fn(async () => ADMIN),
    listPeople: vi.fn(async () => [ADMIN]),
    addPerson: vi.fn(async (r) => ({ ...ADMIN, id: 99, name: r.name, display_name: r.display_name, roles: r.roles })),
    updatePerson: vi.fn(async (r) => ({
      ...ADMIN,
      name: r.name,
      ...(r.display_name === undefined ? {} : { display_name: r.display_name }),
      ...(r.roles === undefined ? {} : { roles: r.roles }),
      ...(r.active === undefined ? {} : { active: r.active }),
    })),
    resetPassphrase: vi.fn(async (r) => ({ ...ADMIN, name: r.name })),
    workspaceSettings: vi.fn(async () => ({ idle_lock_minutes: 15, two_approvals_from: '10000', payee_hold_days: 3 })),
    saveWorkspaceSettings: vi.fn(async (r) => r),
    auditList: vi.fn(async () => auditPage([])),
    auditVerify: vi.fn(async () => verifyReport()),
    auditExport: vi.fn(async (path: string) => ({ path: `/data/exports/${path}`, rows: 42, head_hash: 'f'.repeat(64) })),
    workspaceStatus: vi.fn(async () => status(true)),
    openDemoWorkspace: vi.fn(async () => SUMMARY),
    syncNow: vi.fn(async () => SUMMARY),
    listPrograms: vi.fn(async () => [...programs]),
    selectProgram: vi.fn(async (name: string | null) => {
      const p = programs.find((x) => x.name === name) ?? (name === null ? current() : undefined);
      if (!p) throw { code: 'not_found', message: `Program: ${name} is not in this workspace` };
      selected = name;
      return p;
    }),
    addProgram: vi.fn(async (request: ProgramSettings) => {
      const s = checkSettings(request);
      if (programs.some((p) => p.name === s.name)) throw refused(`Name: a program named "${s.name}" exists already`);
      const { brands, ...settings } = s;
      programs.push(program(s.name, { ...settings, brands: withBrands([], brands) }));
      markDefault(programs);
      selected = s.name; // the new program becomes the session's
      return programs.find((p) => p.name === s.name)!;
    }),
    editProgram: vi.fn(async ({ program: name, settings }) => {
      const i = programs.findIndex((p) => p.name === name);
      if (i < 0) throw refused(`Program: no program named "${name}"`, 'not_found');
      const s = checkSettings(settings);
      const was = programs[i];
      if (programs.some((p, j) => j !== i && p.name === s.name)) throw refused(`Name: a program named "${s.name}" exists already`);
      if (was.settings_fixed && was.data_range) {
        const holds = `the program holds data (${was.data_range.from} to ${was.data_range.to}) dated and priced with it; create another program instead`;
        const fixed = (field: string, from: string, to: string) => refused(`${field}: cannot change from ${from} to ${to}: ${holds}`);
        if (s.vertical !== was.vertical) throw fixed('Vertical', was.vertical, s.vertical);
        if (s.timezone !== was.timezone) throw fixed('Time zone', was.timezone, s.timezone);
        if (s.currency !== was.currency) throw fixed('Currency', was.currency, s.currency);
      }
      const { brands, ...rest } = s;
      programs[i] = { ...was, ...rest, brands: withBrands(was.brands, brands) };
      markDefault(programs);
      if (selected === name) selected = s.name; // a session on the renamed program follows it
      return programs[i];
    }),
    dashboard: vi.fn(async (q: DashboardQuery): Promise<Dashboard> => {
      queries.push(q);
      const p = current();
      const forex = p.vertical === 'forex';
      return dashboard({
        ...(q.from && q.to ? { period: { from: q.from, to: q.to } } : {}),
        program: p.name,
        currency: p.currency,
        vertical: p.vertical,
        ...(forex ? { trading: tradingSummary() } : {}),
      });
    }),
    coverage: vi.fn(async (q: DashboardQuery) =>
      coverageReport(q.from && q.to ? { period: { from: q.from, to: q.to } } : {}),
    ),
    dashboardAlerts: vi.fn(async () => []),
    breakdown: vi.fn(async (q) => breakdown(q, { program: current().name, currency: current().currency })),
    cohorts: vi.fn(async (q) => cohorts(q, { program: current().name, currency: current().currency })),
    listSources: vi.fn(async () => sourcesOverview()),
    saveSource: vi.fn(async (s) => source(s.name, { kind: s.kind, base_url: s.base_url, program: current()?.name ?? '' })),
    testSource: vi.fn(async () => ({ ok: true, message: 'HTTP 200, 1 row', latency_ms: 42 })),
    postbackLog: vi.fn(async (f) => ({ rows: [], total: 0, page: f.page, page_size: f.page_size })),
    postbackSources: vi.fn(async () => []),
    postbackSaveSource: vi.fn(async ({ config }) =>
      listenerStatus({ sources: [{ name: config.name, dialect: config.dialect, has_token: false, has_hmac_secret: false, has_previous_hmac_secret: false }] }),
    ),
    postbackListenerStatus: vi.fn(async () => listenerStatus()),
    postbackListenerStart: vi.fn(async (port: number) =>
      listenerStatus({ running: true, address: `127.0.0.1:${port || 47123}`, started_at_ms: Date.UTC(2026, 9, 3, 12) }),
    ),
    postbackListenerStop: vi.fn(async () => listenerStatus()),
    importFields: vi.fn(async () => CLICK_FIELDS),
    importMapping: vi.fn(async () => ({ preset: 'clicks' as const, columns: [{ column: 'id', field: 'click_id' }], date_format: 'dmy' })),
    saveImportMapping: vi.fn(async () => undefined),
    importPreview: vi.fn(async () => importPreview()),
    importRun: vi.fn(async () => importRun(9)),
    importRuns: vi.fn(async () => []),
    importQuarantine: vi.fn(async (q) => ({ run_id: q.run_id, total: 0, offset: q.offset, rows: [] })),
    importQuarantineExport: vi.fn(async (r) => ({ path: r.path, rows: 0 })),
    listAffiliates: vi.fn(async () => affiliatesPage()),
    affiliateDetail: vi.fn(async (r) => affiliateDetail(r.affiliate)),
    explainPlayer: vi.fn(async (player: string) => explanation(player)),
    attributionRules: vi.fn(async () => rulesView()),
    saveAttributionRules: vi.fn(async ({ effective_from, rules }) => ({
      saved: { id: 1, effective_from, created_by: 'sam', created_at_ms: 0, rules },
      errors: [],
    })),
    multiTouchReport: vi.fn(async () => multiTouch()),
    setPromoCode: vi.fn(async () => undefined),
    addAffiliateIdentifier: vi.fn(async (r) => ({
      kind: r.kind === 'email' ? 'email_hash' : r.kind === 'payout_instrument' ? 'payment_hash' : r.kind,
      value: r.value,
      hint: r.value,
      origin: 'user',
      origin_ref: 'sam',
      added_at_ms: 0,
    })),
    removeAffiliateIdentifier: vi.fn(async (r) => ({ kind: r.kind, value: r.value, hint: '', origin: 'user', origin_ref: 'sam', added_at_ms: 0 })),
    runAttribution: vi.fn(async () => ({
      examined: 553,
      changed: 12,
      locked: 4,
      attributed: 499,
      organic: 54,
      promo_codes_learned: 2,
    })),
    listPlans: vi.fn(async () => PLANS),
    planDetail: vi.fn(async (name: string) => planDetail(PLANS.find((p) => p.name === name) ?? PLANS[0])),
    checkPlan: vi.fn(async () => importResult()),
    savePlan: vi.fn(async () => importResult({ saved: true, new_versions: [1] })),
    readPlanFile: vi.fn(async () => '{"name": "From file"}'),
    exportPlan: vi.fn(async (r) => `/data/exports/${r.path}`),
    previewPlan: vi.fn(async () => planPreview()),
    assignPlan: vi.fn(async () => undefined),
    listPeriods: vi.fn(async () => []),
    computePeriod: vi.fn(async () => computeResult()),
    closePeriod: vi.fn(async (label: string) => periodView(label, { status: 'closed', statement_hash: 'e'.repeat(64), closed_at_ms: 1 })),
    setFxRate: vi.fn(async () => undefined),
    fxImport: vi.fn(async (r) => ({ file_name: r.path.split('/').pop() ?? r.path, file_sha256: 'a'.repeat(64), rows: 0, days: 0, first_day: null, last_day: null, currencies: [], rates_imported: 0, rates_unchanged: 0, gaps: 0, rejected: [] })),
    fxSet: vi.fn(async (r) => ({ ...r, base: r.from, quote: r.to, source: 'manual', recorded_at_ms: 1, recorded_by: 'someone', superseded: 0 })),
    fxList: vi.fn(async () => ({ rows: [], truncated: false })),
    statement: vi.fn(async () => statement()),
    exportStatement: vi.fn(async (r) => `/data/exports/${r.path}`),
    qualification: vi.fn(async () => checklist()),
    detectRun: vi.fn(async () => ({ run_id: 1, flags_created: 2, flags_updated: 0, flags_superseded: 0, flags_reopened: 0, skipped: false, rules: [] })),
    detectBacktest: vi.fn(async () => ({ rules: [] })),
    saveRuleSettings: vi.fn(async (r) => ({ rule: r.rule, version: 2, settings_json: '{}' })),
    flagsList: vi.fn(async (filter: FlagFilter) => flagPage(flags, filter)),
    flagDecide: vi.fn(async (input) => {
      const i = flags.findIndex((f) => f.id === input.flag_id);
      const status = input.decision === 'confirm' ? 'confirmed' : 'dismissed';
      const decided = { ...(i < 0 ? flagRow(input.flag_id) : flags[i]), status, decided_revision: i < 0 ? 1 : flags[i].revision };
      if (i >= 0) flags[i] = decided;
      return decided;
    }),
    flagsGroups: vi.fn(async () => [flagGroup('1', 'click_injection', [1]), flagGroup('2', 'geo_mismatch', [2], { highest_severity: 'low', max_score: 30 })]),
    flagDecideBulk: vi.fn(async (input) => ({ decided: input.flag_ids.length, unchanged: 0, moved: [] })),
    allowlistList: vi.fn(async () => []),
    allowlistAdd: vi.fn(async (input) => allowEntry(7, { ...input, value: input.value.includes('/') || input.kind !== 'ip_range' ? input.value : `${input.value}/32` })),
    allowlistRevoke: vi.fn(async (input) => allowEntry(input.id, { revoked_by: 'ana', revoked_at_ms: Date.UTC(2026, 9, 7), revoke_reason: input.reason })),
    flagInvestigate: vi.fn(async (id: number) => investigation(flagRow(id))),
    reconcilePeriod: vi.fn(async (q) => reconReport({ period: q.period })),
    reconcileReport: vi.fn(async (q) => reconReport({ period: q.period })),
    reconcileExportCsv: vi.fn(async (r) => ({ path: r.path, rows: 2 })),
    disputeOpen: vi.fn(async (r) => disputeView(disputeRow(7, { title: `dispute of discrepancy ${r.reference}` }))),
    disputesList: vi.fn(async (filter: DisputeFilter) => disputePage(cases, filter)),
    disputeShow: vi.fn(async (id: number) => disputeView(disputeRow(id))),
    disputeMove: vi.fn(async (r) => disputeView(disputeRow(r.case_id, { state: r.to }))),
    disputeAssign: vi.fn(async (r) => disputeView(disputeRow(r.case_id, { owner: r.owner }))),
    disputeComment: vi.fn(async (r) => disputeView(disputeRow(r.case_id))),
    disputeAttach: vi.fn(async (r) => disputeView(disputeRow(r.case_id))),
    disputeResolve: vi.fn(async (r) => disputeView(disputeRow(r.case_id, { state: r.decision }))),
    disputeEvidence: vi.fn(async (r) => ({ files: [`/data/exports/dispute-${r.case_id}-evidence.zip`], sha256: 'e'.repeat(64), items: 12 })),
    disputeOutcomeStatement: vi.fn(async (r) => ({ files: [`/data/exports/dispute-${r.case_id}-outcome.pdf`], sha256: 'f'.repeat(64), items: 0 })),
    disputeSla: vi.fn(async () => ({ days: 10, business_days: true })),
    setDisputeSla: vi.fn(async (r) => r),
    rawRecord: vi.fn(async () => []),
    claimsReconcile: vi.fn(async (q) => ({ period: q.period, currency: 'EUR', matched_at_ms: Date.UTC(2026, 10, 5, 9, 0), matched_by: 'ana', reasons: [], rows: [] })),
    claimsReport: vi.fn(async (q) => ({ period: q.period, currency: 'EUR', matched_at_ms: null, matched_by: '', reasons: [], rows: [] })),
    claimsOpenCases: vi.fn(async () => []),
    statementLines: vi.fn(async (r) => ({ affiliate_id: r.affiliate, period: r.period, entries_changed: r.line_key ? 1 : 3, skipped: [] })),
    payees: vi.fn(async () => payeesPage()),
    proposePayee: vi.fn(async () => payeesPage()),
    reviewPayee: vi.fn(async () => payeesPage({ pending: 0 })),
    setPayer: vi.fn(async (r) => overview({ payer: { name: r.name, iban_masked: `${r.iban.slice(0, 4)} •••• ${r.iban.slice(-4)}`, bic: r.bic } })),
    payoutsOverview: vi.fn(async () => overview()),
    payoutRun: vi.fn(async (id: number) => runView({ id })),
    preparePayoutRun: vi.fn(async (r) => runView({ id: 4, period: r.period, execution_date: r.execution_date })),
    approvePayoutRun: vi.fn(async (r) => ({ run_id: r.run_id, approver: 'sam', applied: true, status: 'approved', approvals: 1, approvals_required: 1 })),
    exportApprovalRequest: vi.fn(async (r) => r.text || `/data/exports/payout-run-${r.run_id}.approval-request.json`),
    signApprovalRequest: vi.fn(async (r) => r.out || r.path.replace(/\.json$/, '.signed-by-sam.json')),
    importApproval: vi.fn(async () => ({ run_id: 1, approver: 'felix', applied: true, status: 'approved', approvals: 1, approvals_required: 1 })),
    cancelPayoutRun: vi.fn(async (r) => runView({ id: r.run_id, status: 'cancelled' })),
    exportPaymentFiles: vi.fn(async (r) => [
      { path: `/data/exports/payout-run-${r.run_id}-EUR.${r.sepa_format}.xml`, sha256: 'a6'.repeat(32), currency: 'EUR', format: r.sepa_format, payments: 1 },
    ]),
    markPayoutPaid: vi.fn(async (r) => runView({ id: r.run_id, status: 'paid', bank_reference: r.bank_reference, paid_on: r.paid_on })),
    recordBankReturn: vi.fn(async (r) => runView({ id: r.run_id, status: 'paid' })),
    backupWorkspace: vi.fn(async (path: string) => ({ path: path || '/data/backups/20261204T093000Z-manual.sqlite', bytes: 1_048_576, integrity: 'ok' })),
    ...over,
  };
}
