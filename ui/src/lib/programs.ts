// The program the desktop acts on. A workspace holds several programs (the demo: an iGaming casino and a Forex
// broker); the sidebar's switcher picks one and App hands every screen `withProgram(backend, name)`, a Backend
// whose program-scoped calls all carry that name — so a screen cannot forget it, and the tests of this module
// check that every scoped method does.
import type { Backend, DashboardQuery, ProgramSummary } from './api';
import type { AffiliateRow, Dashboard } from './bindings';

/** Where the chosen program is remembered for the session (cleared when the app quits). */
export const PROGRAM_STORAGE_KEY = 'affops.program';

/** The Backend methods that act on one program; the others (sources, import, postbacks, flag ids) do not. */
export const PROGRAM_SCOPED = [
  'dashboard',
  'coverage',
  'listAffiliates',
  'affiliateDetail',
  'explainPlayer',
  'attributionRules',
  'saveAttributionRules',
  'multiTouchReport',
  'setPromoCode',
  'runAttribution',
  'listPlans',
  'planDetail',
  'checkPlan',
  'savePlan',
  'exportPlan',
  'previewPlan',
  'listPeriods',
  'computePeriod',
  'closePeriod',
  'statement',
  'exportStatement',
  'qualification',
  'detectRun',
  'detectBacktest',
  'flagsList',
  'reconcile',
  'reconcileExportCsv',
] as const satisfies readonly (keyof Backend)[];

/** `backend` with `program` passed to every program-scoped call; null keeps the backend's default program. */
export function withProgram(backend: Backend, program: string | null): Backend {
  if (!program) return backend;
  const p = program;
  const q = (query: DashboardQuery): DashboardQuery => ({ ...query, program: query.program ?? p });
  return {
    ...backend,
    dashboard: (query) => backend.dashboard(q(query)),
    coverage: (query) => backend.coverage(q(query)),
    listAffiliates: (query) => backend.listAffiliates(q(query)),
    affiliateDetail: (affiliate, query) => backend.affiliateDetail(affiliate, q(query)),
    explainPlayer: (player) => backend.explainPlayer(player, p),
    attributionRules: () => backend.attributionRules(p),
    saveAttributionRules: (from, rules) => backend.saveAttributionRules(from, rules, p),
    multiTouchReport: (period, hours) => backend.multiTouchReport(period, hours, p),
    setPromoCode: (code, affiliate, from, to) => backend.setPromoCode(code, affiliate, from, to, p),
    runAttribution: () => backend.runAttribution(p),
    listPlans: () => backend.listPlans(p),
    planDetail: (name) => backend.planDetail(name, p),
    checkPlan: (text, format) => backend.checkPlan(text, format, p),
    savePlan: (text, format) => backend.savePlan(text, format, p),
    exportPlan: (name, format, path) => backend.exportPlan(name, format, path, p),
    previewPlan: (text, format, label) => backend.previewPlan(text, format, label, p),
    listPeriods: () => backend.listPeriods(p),
    computePeriod: (label) => backend.computePeriod(label, p),
    closePeriod: (label) => backend.closePeriod(label, p),
    statement: (affiliate, label) => backend.statement(affiliate, label, p),
    exportStatement: (affiliate, label, format, path) => backend.exportStatement(affiliate, label, format, path, p),
    qualification: (player, label) => backend.qualification(player, label, p),
    detectRun: () => backend.detectRun(p),
    detectBacktest: (request) => backend.detectBacktest(request, p),
    flagsList: (filter) => backend.flagsList(filter, p),
    reconcile: (query) => backend.reconcile(query, p),
    reconcileExportCsv: (query, path) => backend.reconcileExportCsv(query, path, p),
  };
}

/** The program to show: the remembered one if it still exists, else the workspace's default, else the first. */
export function choose(programs: readonly ProgramSummary[], remembered: string | null): ProgramSummary | null {
  return (
    programs.find((p) => p.name === remembered) ?? programs.find((p) => p.is_default) ?? programs[0] ?? null
  );
}

export function verticalLabel(vertical: string): string {
  if (vertical === 'igaming') return 'iGaming';
  if (vertical === 'forex') return 'Forex';
  return vertical;
}

export function readRemembered(storage: Pick<Storage, 'getItem'> | undefined): string | null {
  try {
    return storage?.getItem(PROGRAM_STORAGE_KEY) ?? null;
  } catch {
    return null; // storage disabled: nothing remembered
  }
}

export function remember(storage: Pick<Storage, 'setItem'> | undefined, name: string): void {
  try {
    storage?.setItem(PROGRAM_STORAGE_KEY, name);
  } catch {
    // storage disabled: the choice lasts until the window reloads
  }
}

/**
 * The affiliates a statement can be opened for: the dashboard's funnel rows, plus (Forex) the IBs that only
 * traded in the period — their clients opened accounts earlier, so they have no funnel row but do earn rebates.
 */
export function statementAffiliates(d: Dashboard): AffiliateRow[] {
  const rows = [...d.rows];
  for (const t of d.trading?.rows ?? []) {
    if (!t.affiliate_id || rows.some((r) => r.affiliate_id === t.affiliate_id)) continue;
    rows.push({
      affiliate_id: t.affiliate_id,
      affiliate_name: t.affiliate_name,
      clicks: 0,
      registrations: 0,
      ftds: 0,
      approved_conversions: 0,
      cr_percent: '0.00',
      ftd_amount: '0.00',
      ftd_amount_micros: '0',
    });
  }
  return rows;
}
