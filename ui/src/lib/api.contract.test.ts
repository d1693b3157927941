// The client against the Rust side, table-driven over every Backend method: each invokes the Tauri command of
// its (snake_case) name with exactly the arguments the shell's command declares — `request` (passed through
// untouched) and, for the long jobs, an `onProgress` Channel — read from src-tauri/src/commands/*.rs itself.
// The commands are exactly the operations of crates/core/src/ops/catalog.rs, each is registered and allowed for
// the window, and api.ts names each once as the literal passed to `call`.
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { Channel } from '@tauri-apps/api/core';
import { tauriBackend, type Backend } from './api';

afterEach(() => clearMocks());

// Relative to the working directory: tests run from ui/ (npm scripts and `npx vitest` alike).
const repo = (file: string) => readFileSync(`../${file}`, 'utf8');
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Each `#[tauri::command]` of the shell → its parameters as the page names them (camelCase), without state. */
function rustCommands(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const dir = 'src-tauri/src/commands';
  for (const file of readdirSync(`../${dir}`).filter((f) => f.endsWith('.rs'))) {
    const re = /#\[tauri::command\]\s*pub async fn (\w+)\(([^)]*)\)/g;
    for (const m of repo(`${dir}/${file}`).matchAll(re)) {
      // `name: Type` at the start of a parameter (the comma inside `State<'_, Console>` is followed by no colon).
      const params = [...m[2].matchAll(/(?:^|,)\s*(\w+)\s*:/g)].map((p) => p[1]).filter((p) => p !== 'console');
      out.set(m[1], params.map(camel));
    }
  }
  return out;
}

/** The operation names of the front door's one list. */
function catalog(): string[] {
  return [...repo('crates/core/src/ops/catalog.rs').matchAll(/^\s*\w+ = "(\w+)", Access::/gm)].map((m) => m[1]);
}

const noop = () => {};
const MAPPING = { preset: 'clicks' as const, columns: [{ column: 'aff', field: 'affiliate_id' }], date_format: 'dmy' };
const RULES = {
  click_id: true,
  btag: true,
  promo_code: true,
  priority: 'click_wins' as const,
  post_click_window_days: 30,
  click_selection: 'last' as const,
  ip_ua_window_hours: 0,
  keep_first_referrer: false,
};
const POSTBACK = {
  config: {
    name: 'v',
    program: '',
    dialect: 'voluum' as const,
    allow_ips: ['203.0.113.0/24'],
    allow_any_ip: false,
    hmac_required: true,
    default_currency: 'EUR',
  },
  secrets: { token: 't', clear_previous: false },
};

/** One call of every Backend method with plausible arguments (the compiler insists on every method). */
const CALLS: { [K in keyof Backend]: Parameters<Backend[K]> } = {
  sessionStatus: [],
  signIn: [{ name: 'ana', passphrase: 'ana-demo-pass' }],
  signOut: [],
  createWorkspace: [{ name: 'olivia', display_name: 'Olivia Owner', passphrase: 'correct horse battery' }],
  changePassphrase: [{ current: 'old passphrase', new: 'new passphrase!' }],
  listPeople: [],
  addPerson: [{ name: 'zoe', display_name: 'Zoe', roles: ['analyst', 'finance'], passphrase: 'zoe first pass' }],
  updatePerson: [{ name: 'zoe', roles: ['viewer'], active: false }],
  resetPassphrase: [{ name: 'zoe', passphrase: 'zoe second pass' }],
  workspaceSettings: [],
  saveWorkspaceSettings: [{ idle_lock_minutes: 20, two_approvals_from: '5000.50', payee_hold_days: 0 }],
  auditList: [{ actor: 'ana', action: 'flag_decide', object: 'flag', from: '2026-10-01', to: '2026-10-31', offset: 50, limit: 50 }],
  auditVerify: [],
  auditExport: ['audit.jsonl'],
  workspaceStatus: [],
  openDemoWorkspace: [{ scale: 'month' }, noop],
  syncNow: [{ full: true }, noop],
  listPrograms: [],
  selectProgram: ['Demo Broker'],
  addProgram: [{ name: 'Spin Palace', vertical: 'igaming', currency: 'EUR', timezone: 'Europe/Malta', brands: ['Spin Palace'] }],
  editProgram: [
    { program: 'Spin Palace', settings: { name: 'Spin Palace EU', vertical: 'igaming', currency: 'EUR', timezone: 'Europe/Malta', brands: ['Spin Sports'] } },
  ],
  dashboard: [{ from: '2025-06-01', to: '2025-06-02' }],
  coverage: [{ from: '2025-06-01', to: '2025-06-30' }],
  dashboardAlerts: [],
  breakdown: [{ from: '2025-06-01', to: '2025-06-30', dimension: 'sub_id', affiliate: 'aff-1' }],
  cohorts: [{ months: 6, affiliate: 'aff-1' }],
  listSources: [],
  saveSource: [{ name: 'T', kind: 'everflow', base_url: 'https://t.example', window_days: 30, page_size: 100, overlap_minutes: 0, enabled: true }],
  testSource: ['T'],
  postbackLog: [{ source: 'v', outcome: 'rejected', text: 'cid', page: 2, page_size: 50 }],
  postbackSources: [],
  postbackSaveSource: [POSTBACK],
  postbackListenerStatus: [],
  postbackListenerStart: [0],
  postbackListenerStop: [],
  importFields: ['deposits'],
  importMapping: ['tracker-clicks'],
  saveImportMapping: [{ name: 'tracker-clicks', mapping: MAPPING }],
  importPreview: [{ path: '/d/c.csv', mapping: MAPPING }],
  importRun: [{ path: '/d/c.csv', source: 'Batch import', mapping: MAPPING }, noop],
  importRuns: [],
  importQuarantine: [{ run_id: 7, reason: 'date', offset: 50, limit: 50 }],
  importQuarantineExport: [{ run_id: 7, path: '/tmp/q.csv' }],
  listAffiliates: [{}],
  affiliateDetail: [{ affiliate: '7', period: { from: '2026-09-01', to: '2026-09-30' } }],
  explainPlayer: ['P1'],
  attributionRules: [],
  saveAttributionRules: [{ effective_from: '2026-11-01', rules: RULES }],
  multiTouchReport: [{ period: { from: '2026-09-01', to: '2026-09-30' }, half_life_hours: 24 }],
  setPromoCode: [{ code: 'SPIN', affiliate: '7', valid_to: '2026-12-31' }],
  addAffiliateIdentifier: [{ affiliate: '7', kind: 'ip', value: '85.12.0.7' }],
  removeAffiliateIdentifier: [{ affiliate: '7', kind: 'email_hash', value: 'ab12' }],
  runAttribution: [],
  listPlans: [],
  planDetail: ['RS'],
  checkPlan: [{ text: '{}', format: 'json' }],
  savePlan: [{ text: 'name = "x"', format: 'toml' }],
  readPlanFile: ['/p.toml'],
  exportPlan: [{ name: 'RS', format: 'toml', path: 'rs.toml' }],
  previewPlan: [{ text: '{}', format: 'json', period: '2026-09' }],
  assignPlan: [{ plan: 'RS', affiliate: '7', effective_from: '2026-11-01' }],
  listPeriods: [],
  computePeriod: ['2026-09'],
  closePeriod: ['2026-09'],
  setFxRate: [{ period: '2026-09', from: 'EUR', to: 'USD', rate: '1.0842', source: 'ECB', as_of: '2026-09-30' }],
  fxImport: [{ path: '/tmp/eurofxref-hist.csv' }],
  fxSet: [{ day: '2026-10-05', from: 'EUR', to: 'USD', rate: '1.0823' }],
  fxList: [{ pair: 'EUR/USD' }],
  statement: [{ affiliate: 'aff-1', period: '2026-03' }],
  exportStatement: [{ affiliate: 'aff-1', period: '2026-03', format: 'csv', path: 's.csv' }],
  qualification: [{ player: 'p-1', period: '2026-03' }],
  detectRun: [noop],
  detectBacktest: [{ rule: 'click_flooding', settings: ['min_clicks=50'] }],
  saveRuleSettings: [{ rule: 'click_flooding', settings: ['min_clicks=50'] }],
  flagsList: [{ status: 'open', text: 'push-12', sort: 'amount', descending: false, offset: 200, limit: 200 }],
  flagDecide: [{ flag_id: 3, decision: 'dismiss', comment: 'ok' }],
  flagsGroups: [{ status: 'open' }],
  flagDecideBulk: [{ flag_ids: [3, 4], decision: 'dismiss', comment: 'carrier NAT' }],
  allowlistList: [],
  allowlistAdd: [{ kind: 'ip_range', value: '100.64.0.0/16', rule: '', reason: 'carrier NAT', flag_id: 3 }],
  allowlistRevoke: [{ id: 1, reason: 'no longer a NAT' }],
  flagInvestigate: [3],
  reconcilePeriod: [{ period: '2026-10', reason: 'duplicate' }, noop],
  reconcileExportCsv: [{ query: { period: '2026-10' }, path: '/tmp/r.csv' }, noop],
  reconcileReport: [{ period: '2026-10', affiliate: '3' }],
  disputeOpen: [{ from: 'discrepancy', reference: '4', affiliate: '', period: '', title: '', description: '', amount: '' }],
  disputesList: [{ state: 'open', owner: '-', overdue: true, text: 'short', sort: 'claimed', descending: true, offset: 200, limit: 200 }],
  disputeShow: [7],
  disputeMove: [{ case_id: 7, to: 'investigating', reason: '' }],
  disputeAssign: [{ case_id: 7, owner: 'ana' }],
  disputeComment: [{ case_id: 7, text: 'asked the operator', path: '' }],
  disputeAttach: [{ case_id: 7, text: 'claims file', path: '/in/claims.csv' }],
  disputeResolve: [{ case_id: 7, decision: 'partly_accepted', amount: '25.00', reason: 'one of two players qualified', reattribute: false }],
  disputeEvidence: [{ case_id: 7, dir: '' }],
  disputeOutcomeStatement: [{ case_id: 7, dir: 'out' }],
  disputeSla: [],
  setDisputeSla: [{ days: 10, business_days: true }],
  rawRecord: [{ kind: 'conversion', reference: 'c-1' }],
  claimsReconcile: [{ period: '2026-10', affiliate: '3' }],
  claimsReport: [{ period: '2026-10' }],
  claimsOpenCases: [{ period: '2026-10', claims: [] }],
  statementLines: [{ affiliate: '1', period: '2026-10', line_key: 'cpa', approve: false, reason: 'duplicate player' }],
  payees: [],
  proposePayee: [
    { affiliate: '1', details: { method: 'sepa', holder: 'Slots Hub Media Ltd', iban: 'DE89370400440532013000', bic: '' }, currency: 'EUR', note: 'from the contract' },
  ],
  reviewPayee: [{ version_id: 4, approve: false, reason: 'holder does not match' }],
  setPayer: [{ name: 'Demo Casino Ltd', iban: 'MT84MALT011000012345MTLCAST001S', bic: 'MALTMTMTXXX' }],
  payoutsOverview: [],
  payoutRun: [3],
  preparePayoutRun: [{ period: '2026-10', execution_date: '2026-12-09' }],
  approvePayoutRun: [{ run_id: 3, passphrase: 'felix-demo-pass' }],
  exportApprovalRequest: [{ run_id: 3, text: '' }],
  signApprovalRequest: [{ path: '/in/run-3.json', out: '', passphrase: 'felix-demo-pass' }],
  importApproval: ['/in/run-3.signed-by-felix.json'],
  cancelPayoutRun: [{ run_id: 3, text: 'wrong execution date' }],
  exportPaymentFiles: [{ run_id: 3, sepa_format: 'pain.001.001.03', dir: 'bank' }],
  markPayoutPaid: [{ run_id: 3, bank_reference: 'BANK-REF-1', paid_on: '2026-12-09' }],
  recordBankReturn: [{ run_id: 3, affiliate: '1', outcome: 'returned', reason: 'account closed' }],
  backupWorkspace: [''],
};

const rust = rustCommands();
const methods = Object.keys(CALLS) as (keyof Backend)[];

describe('the client is the operation list', () => {
  it('the shell has one command per operation of the catalog, no more', () => {
    const ops = catalog();
    expect(ops.length).toBeGreaterThan(60); // the parse found them
    expect([...rust.keys()].sort()).toEqual([...ops].sort());
  });

  it('tauriBackend has one method per command, named in camelCase, and nothing else', () => {
    expect(Object.keys(tauriBackend).sort()).toEqual([...rust.keys()].map(camel).sort());
    expect(methods.map((m) => snake(m)).sort()).toEqual([...rust.keys()].sort());
  });

  it('api.ts names each command exactly once, as the literal passed to call()', () => {
    const source = readFileSync('src/lib/api.ts', 'utf8');
    const called = [...source.matchAll(/\bcall(?:<[^>]*>)?\('(\w+)'/g)].map((m) => m[1]);
    expect([...called].sort()).toEqual([...rust.keys()].sort());
    expect(new Set(called).size).toBe(called.length);
  });

  it('registers and allows each command (main.rs, build.rs, the capability)', () => {
    const main = repo('src-tauri/src/main.rs');
    const build = repo('src-tauri/build.rs');
    const capability = JSON.parse(repo('src-tauri/capabilities/main-window.json')) as { permissions: string[] };
    for (const cmd of rust.keys()) {
      expect(main).toMatch(new RegExp(`commands::\\w+::${cmd},`));
      expect(build).toContain(`"${cmd}",`);
      expect(capability.permissions).toContain(`allow-${cmd.replace(/_/g, '-')}`);
    }
  });
});

describe('each method sends { request } (and onProgress) exactly as the Rust command takes it', () => {
  it.each(methods)('%s', async (method) => {
    const cmd = snake(method);
    const seen: [string, Record<string, unknown>][] = [];
    mockIPC((c, args) => {
      seen.push([c, (args ?? {}) as Record<string, unknown>]);
      return null;
    });
    const args = CALLS[method] as unknown[];
    await (tauriBackend[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    expect(seen).toHaveLength(1);
    const [called, sent] = seen[0];
    expect(called).toBe(cmd);
    expect(Object.keys(sent).sort()).toEqual([...(rust.get(cmd) ?? ['<missing>'])].sort());
    if ('request' in sent) expect(sent.request).toEqual(args[0]);
    if ('onProgress' in sent) expect(sent.onProgress).toBeInstanceOf(Channel);
  });

  it('no request carries who is asking or which program', () => {
    for (const [method, args] of Object.entries(CALLS) as [keyof Backend, unknown[]][]) {
      // edit_program names the program it changes (its subject), not the program the session acts on.
      if (method === 'editProgram') continue;
      const request = args[0];
      if (typeof request !== 'object' || request === null) continue;
      expect(Object.keys(request)).not.toContain('user');
      expect(Object.keys(request)).not.toContain('program');
    }
  });
});
