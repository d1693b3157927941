// The one door between the web UI and the Rust side.
//
// - Components never import `@tauri-apps/api`; they receive a `Backend` (App.svelte's `backend` prop,
//   defaulting to `tauriBackend`). Tests either pass a fake `Backend` or keep `tauriBackend` and mock the
//   IPC with `mockIPC` from `@tauri-apps/api/mocks` (see src/test/ipc.ts for feeding a progress Channel).
// - Every type comes from `bindings.ts`, generated from Rust (`UPDATE_BINDINGS=1 cargo test -p affops-core
//   bindings`); never edit it by hand.
// - Every command rejects with an `ApiError {code, message}`; `toApiError` turns anything else (a string, an
//   Error, a missing command) into one so the UI only handles one shape.
// - Long jobs (open_demo_workspace, sync_now, import_run) stream `Progress` through a Tauri `Channel` and resolve with a
//   summary when done.
import { Channel, invoke } from '@tauri-apps/api/core';
import type {
  AttributionRunSummary,
  AffiliateDetail,
  AffiliatesPage,
  AttributionRules,
  AttributionRulesView,
  MultiTouchReport,
  Period,
  PlayerExplanation,
  SaveRulesResult,
  ApiError,
  ComputeResult,
  PeriodView,
  PlanDetail,
  PlanImportResult,
  PlanPreview,
  PlanSummary,
  QualificationChecklist,
  Statement,
  BacktestRequest,
  BacktestResult,
  DashboardAlert,
  DetectRunSummary,
  DisputeCase,
  DisputeOpenInput,
  FlagDecisionInput,
  FlagFilter,
  FlagRow,
  Investigation,
  ReconQuery,
  ReconReport,
  ReconRow,

  ConnectionTest,
  CoverageReport,
  Dashboard,
  DashboardQuery,
  ProgramSummary,
  TradingRow,
  TradingSummary,
  ErrorCode,
  ColumnMapping,
  ImportFieldSpec,
  ImportPreset,
  ImportPreview,
  ImportRunSummary,
  ListenerStatus,
  PostbackLogFilter,
  PostbackLogPage,
  PostbackSecretsInput,
  PostbackSourceConfig,
  PostbackSourceStatus,
  Progress,
  QuarantinePage,
  SourceSettings,
  SourcesOverview,
  SourceView,
  SyncSummary,
  WorkspaceStatus,
} from './bindings';

export type {
  AttributionRunSummary,
  AffiliateDetail,
  AffiliatesPage,
  AttributionRules,
  AttributionRulesView,
  MultiTouchReport,
  Period,
  PlayerExplanation,
  SaveRulesResult,
  ApiError,
  ComputeResult,
  PeriodView,
  PlanDetail,
  PlanImportResult,
  PlanPreview,
  PlanSummary,
  QualificationChecklist,
  Statement,
  BacktestRequest,
  BacktestResult,
  DashboardAlert,
  DetectRunSummary,
  DisputeCase,
  DisputeOpenInput,
  FlagDecisionInput,
  FlagFilter,
  FlagRow,
  Investigation,
  ReconQuery,
  ReconReport,
  ReconRow,

  ConnectionTest,
  CoverageReport,
  Dashboard,
  DashboardQuery,
  ProgramSummary,
  TradingRow,
  TradingSummary,
  ColumnMapping,
  ImportFieldSpec,
  ImportPreset,
  ImportPreview,
  ImportRunSummary,
  ListenerStatus,
  PostbackLogFilter,
  PostbackLogPage,
  PostbackSecretsInput,
  PostbackSourceConfig,
  PostbackSourceStatus,
  Progress,
  QuarantinePage,
  SourceSettings,
  SourcesOverview,
  SourceView,
  SyncSummary,
  WorkspaceStatus,
};

export type ProgressHandler = (progress: Progress) => void;

export interface Backend {
  workspaceStatus(): Promise<WorkspaceStatus>;
  openDemoWorkspace(onProgress: ProgressHandler): Promise<SyncSummary>;
  syncNow(onProgress: ProgressHandler): Promise<SyncSummary>;
  /** The workspace's programs, the default one marked (the switcher's list). */
  listPrograms(): Promise<ProgramSummary[]>;
  /** `query.program` names the program (missing: the first iGaming program); so for coverage and affiliates. */
  dashboard(query: DashboardQuery): Promise<Dashboard>;
  listSources(): Promise<SourcesOverview>;
  /** Adds or updates the source named `settings.name`; omit `api_key` to keep the stored key. */
  saveSource(settings: SourceSettings): Promise<SourceView>;
  testSource(name: string): Promise<ConnectionTest>;
  coverage(query: DashboardQuery): Promise<CoverageReport>;
  /** The preset's target fields, in order, with which ones a mapping must cover. */
  importFields(preset: ImportPreset): Promise<ImportFieldSpec[]>;
  /** A dry run: detection and the first rows mapped and validated; writes nothing. */
  importPreview(path: string, mapping: ColumnMapping): Promise<ImportPreview>;
  /** Imports a file (resumable, idempotent); progress `done` is rows, `message` carries % and rows/s. */
  importRun(path: string, source: string, mapping: ColumnMapping, onProgress: ProgressHandler): Promise<ImportRunSummary>;
  importRuns(): Promise<ImportRunSummary[]>;
  /** One page of a run's quarantined rows; `field`/`reason` null means no filter; `limit` ≤ 500. */
  importQuarantine(q: QuarantineQuery): Promise<QuarantinePage>;
  /** Writes all of the run's quarantined rows as CSV to `path`; resolves with the rows written. */
  importQuarantineExport(runId: number, path: string): Promise<number>;
  postbackLog(filter: PostbackLogFilter): Promise<PostbackLogPage>;
  postbackSources(): Promise<PostbackSourceConfig[]>;
  listenerStatus(): Promise<ListenerStatus>;
  /** Starts the local postback listener on 127.0.0.1; `port` 0 picks any free port. */
  listenerStart(port: number): Promise<ListenerStatus>;
  listenerStop(): Promise<ListenerStatus>;
  /** Adds or updates the postback source `config.name`; absent secrets keep the stored ones. */
  savePostbackSource(config: PostbackSourceConfig, secrets: PostbackSecretsInput): Promise<ListenerStatus>;
  /** Every affiliate's profile and performance over the period (missing bounds: all the data). */
  listAffiliates(query: DashboardQuery): Promise<AffiliatesPage>;
  affiliateDetail(affiliate: string, query: DashboardQuery): Promise<AffiliateDetail>;
  /** A player's stored attribution decision, by the operator's player id. */
  explainPlayer(player: string, program?: string): Promise<PlayerExplanation>;
  attributionRules(program?: string): Promise<AttributionRulesView>;
  /** Validates and stores a rule version; field errors come back in the result and nothing is stored. */
  saveAttributionRules(effectiveFrom: string, rules: AttributionRules, program?: string): Promise<SaveRulesResult>;
  /** Multi-touch credit over a period: analysis only, never payout. */
  multiTouchReport(period: Period, halfLifeHours: number, program?: string): Promise<MultiTouchReport>;
  /** Assigns a promo code to an affiliate (replacing an earlier owner); applies at the next attribution run. */
  setPromoCode(code: string, affiliate: string, validFrom: string | null, validTo: string | null, program?: string): Promise<void>;
  /** (Re)decides every player not yet locked by an FTD; idempotent. */
  runAttribution(program?: string): Promise<AttributionRunSummary>;
  listPlans(program?: string): Promise<PlanSummary[]>;
  planDetail(name: string, program?: string): Promise<PlanDetail>;
  /** Validates a plan file's text (JSON or TOML) against the program without saving anything. */
  checkPlan(text: string, format: PlanTextFormat, program?: string): Promise<PlanImportResult>;
  /** Validates and saves: creates the plan or appends its new versions; nothing is saved when `errors` is set. */
  savePlan(text: string, format: PlanTextFormat, program?: string): Promise<PlanImportResult>;
  /** Reads a plan file from disk for the editor (at most 1 MB). */
  readPlanFile(path: string): Promise<string>;
  /** Writes the saved plan as a file; a relative path lands in the workspace's exports folder. Resolves with the path written. */
  exportPlan(name: string, format: PlanTextFormat, path: string, program?: string): Promise<string>;
  /** What the file's last version would have paid each affiliate in the period, next to their current plan; posts nothing. */
  previewPlan(text: string, format: PlanTextFormat, periodLabel: string, program?: string): Promise<PlanPreview>;
  listPeriods(program?: string): Promise<PeriodView[]>;
  /** Computes a `YYYY-MM` period and posts what changed to the ledger (long: the UI shows a busy state). */
  computePeriod(periodLabel: string, program?: string): Promise<ComputeResult>;
  /** Closes a computed period: its statements and hashes are recorded and it is locked; later events land in the next one. */
  closePeriod(periodLabel: string, program?: string): Promise<PeriodView>;
  statement(affiliateId: string, periodLabel: string, program?: string): Promise<Statement>;
  /** Writes the statement as CSV (formula-safe) or printable HTML; resolves with the path written. */
  exportStatement(affiliateId: string, periodLabel: string, format: 'csv' | 'html', path: string, program?: string): Promise<string>;
  /** A player's CPA qualification checklist as of the end of the period (or today when null). */
  qualification(playerId: string, periodLabel: string | null, program?: string): Promise<QualificationChecklist>;
  /** Runs every fraud rule over the data new since the last run; flags are stored idempotently. */
  detectRun(program?: string): Promise<DetectRunSummary>;
  /** A rule (or all) over history with `key=value` overrides, saving nothing. */
  detectBacktest(request: BacktestRequest, program?: string): Promise<BacktestResult>;
  /** Without `program`: every program's flags; with it: that program's only. */
  flagsList(filter: FlagFilter, program?: string): Promise<FlagRow[]>;
  /** Confirm or dismiss by a named user, with a comment (audited; never edits the evidence). */
  flagDecide(input: FlagDecisionInput): Promise<FlagRow>;
  flagInvestigate(flagId: number): Promise<Investigation>;
  /** Reconciles a month (YYYY-MM) and returns its totals and discrepancy rows (filtered). */
  reconcile(query: ReconQuery, program?: string): Promise<ReconReport>;
  /** Writes the period's rows as spreadsheet-safe CSV to `path`; resolves with the rows written. */
  reconcileExportCsv(query: ReconQuery, path: string, program?: string): Promise<number>;
  disputeOpen(input: DisputeOpenInput): Promise<DisputeCase>;
  /** Open flags and unreconciled payout per affiliate, for the dashboard. */
  dashboardAlerts(): Promise<DashboardAlert[]>;
}

export type PlanTextFormat = 'json' | 'toml';

export interface QuarantineQuery {
  runId: number;
  field: string | null;
  reason: string | null;
  offset: number;
  limit: number;
}

const ERROR_CODES: readonly ErrorCode[] = [
  'invalid_input',
  'not_found',
  'source_failed',
  'storage',
  'internal',
];

export function isApiError(value: unknown): value is ApiError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.message === 'string' &&
    typeof v.code === 'string' &&
    (ERROR_CODES as readonly string[]).includes(v.code)
  );
}

/** Normalizes any rejection into the boundary's one error shape. */
export function toApiError(error: unknown): ApiError {
  if (isApiError(error)) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: 'internal', message: error.message };
  if (typeof error === 'string') return { code: 'internal', message: error };
  return { code: 'internal', message: 'Unexpected error from the backend' };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (error) {
    throw toApiError(error);
  }
}

function progressChannel(onProgress: ProgressHandler): Channel<Progress> {
  const channel = new Channel<Progress>();
  channel.onmessage = onProgress;
  return channel;
}

export const tauriBackend: Backend = {
  workspaceStatus: () => call<WorkspaceStatus>('workspace_status'),
  openDemoWorkspace: (onProgress) =>
    call<SyncSummary>('open_demo_workspace', { onProgress: progressChannel(onProgress) }),
  syncNow: (onProgress) => call<SyncSummary>('sync_now', { onProgress: progressChannel(onProgress) }),
  listPrograms: () => call<ProgramSummary[]>('list_programs'),
  dashboard: (query) => call<Dashboard>('dashboard', { query }),
  listSources: () => call<SourcesOverview>('list_sources'),
  saveSource: (settings) => call<SourceView>('save_source', { settings }),
  testSource: (name) => call<ConnectionTest>('test_source', { name }),
  coverage: (query) => call<CoverageReport>('coverage', { query }),
  importFields: (preset) => call<ImportFieldSpec[]>('import_fields', { preset }),
  importPreview: (path, mapping) => call<ImportPreview>('import_preview', { path, mapping }),
  importRun: (path, source, mapping, onProgress) =>
    call<ImportRunSummary>('import_run', { path, source, mapping, onProgress: progressChannel(onProgress) }),
  importRuns: () => call<ImportRunSummary[]>('import_runs'),
  importQuarantine: ({ runId, field, reason, offset, limit }) =>
    call<QuarantinePage>('import_quarantine', { runId, field, reason, offset, limit }),
  importQuarantineExport: (runId, path) => call<number>('import_quarantine_export', { runId, path }),
  postbackLog: (filter) => call<PostbackLogPage>('postback_log', { filter }),
  postbackSources: () => call<PostbackSourceConfig[]>('postback_sources'),
  listenerStatus: () => call<ListenerStatus>('postback_listener_status'),
  listenerStart: (port) => call<ListenerStatus>('postback_listener_start', { port }),
  listenerStop: () => call<ListenerStatus>('postback_listener_stop'),
  savePostbackSource: (config, secrets) => call<ListenerStatus>('postback_save_source', { config, secrets }),
  listAffiliates: (query) => call<AffiliatesPage>('list_affiliates', { query }),
  affiliateDetail: (affiliate, query) => call<AffiliateDetail>('affiliate_detail', { affiliate, query }),
  explainPlayer: (player, program) => call<PlayerExplanation>('explain_player', { player, program: program ?? null }),
  attributionRules: (program) => call<AttributionRulesView>('attribution_rules', { program: program ?? null }),
  saveAttributionRules: (effectiveFrom, rules, program) =>
    call<SaveRulesResult>('save_attribution_rules', { effectiveFrom, rules, program: program ?? null }),
  multiTouchReport: (period, halfLifeHours, program) =>
    call<MultiTouchReport>('multi_touch_report', { period, halfLifeHours, program: program ?? null }),
  setPromoCode: (code, affiliate, validFrom, validTo, program) =>
    call<void>('set_promo_code', { code, affiliate, validFrom, validTo, program: program ?? null }),
  runAttribution: (program) => call<AttributionRunSummary>('run_attribution', { program: program ?? null }),
  listPlans: (program) => call<PlanSummary[]>('list_plans', { program: program ?? null }),
  planDetail: (name, program) => call<PlanDetail>('plan_detail', { name, program: program ?? null }),
  checkPlan: (text, format, program) => call<PlanImportResult>('check_plan', { text, format, program: program ?? null }),
  savePlan: (text, format, program) => call<PlanImportResult>('save_plan', { text, format, program: program ?? null }),
  readPlanFile: (path) => call<string>('read_plan_file', { path }),
  exportPlan: (name, format, path, program) =>
    call<string>('export_plan', { name, format, path, program: program ?? null }),
  previewPlan: (text, format, periodLabel, program) =>
    call<PlanPreview>('preview_plan', { text, format, periodLabel, program: program ?? null }),
  listPeriods: (program) => call<PeriodView[]>('list_periods', { program: program ?? null }),
  computePeriod: (periodLabel, program) =>
    call<ComputeResult>('compute_period', { periodLabel, program: program ?? null }),
  closePeriod: (periodLabel, program) => call<PeriodView>('close_period', { periodLabel, program: program ?? null }),
  statement: (affiliateId, periodLabel, program) =>
    call<Statement>('statement', { affiliateId, periodLabel, program: program ?? null }),
  exportStatement: (affiliateId, periodLabel, format, path, program) =>
    call<string>('export_statement', { affiliateId, periodLabel, format, path, program: program ?? null }),
  qualification: (playerId, periodLabel, program) =>
    call<QualificationChecklist>('qualification', { playerId, periodLabel, program: program ?? null }),
  detectRun: (program) => call<DetectRunSummary>('detect_run', { program: program ?? null }),
  detectBacktest: (request, program) => call<BacktestResult>('detect_backtest', { request, program: program ?? null }),
  flagsList: (filter, program) => call<FlagRow[]>('flags_list', { filter, program: program ?? null }),
  flagDecide: (input) => call<FlagRow>('flag_decide', { input }),
  flagInvestigate: (flagId) => call<Investigation>('flag_investigate', { flagId }),
  reconcile: (query, program) => call<ReconReport>('reconcile_period', { query, program: program ?? null }),
  reconcileExportCsv: (query, path, program) =>
    call<number>('reconcile_export_csv', { query, path, program: program ?? null }),
  disputeOpen: (input) => call<DisputeCase>('dispute_open', { input }),
  dashboardAlerts: () => call<DashboardAlert[]>('dashboard_alerts'),
};
