// The one door between the web UI and the Rust side.
//
// - One method per Tauri command (= one operation of crates/core/src/ops/catalog.rs), named in camelCase after
//   it: `sign_in` → `signIn`. Each passes its one argument as `{ request }`, exactly as the Rust command takes
//   it, plus an `onProgress` Channel for the four long jobs. Every command name appears below exactly once, as
//   the literal passed to `call`, so a test (or a Rust test reading this file) can check the client against the
//   operation list.
// - Who is asking and which program are the shell's session, never the payload: sign in with `signIn`, choose
//   the program with `selectProgram`. (`editProgram` names the program it changes, which is its subject, not the
//   program the session acts on.)
// - Components never import `@tauri-apps/api`; they receive a `Backend` (App.svelte's `backend` prop,
//   defaulting to `tauriBackend`). Tests either pass a fake `Backend` (src/test/backend.ts) or keep
//   `tauriBackend` and mock the IPC with `mockIPC` (see src/test/ipc.ts for feeding a progress Channel).
// - Every type comes from `bindings.ts`, generated from Rust (`UPDATE_BINDINGS=1 cargo test -p affops-core
//   bindings`); never edit it by hand.
// - Every command rejects with an `ApiError {code, message}`; `toApiError` turns anything else (a string, an
//   Error, a missing command) into one so the UI only handles one shape.
import { Channel, invoke } from '@tauri-apps/api/core';
import type {
  AddPersonRequest,
  AffiliateDetail,
  AffiliateRequest,
  AffiliatesPage,
  ApiError,
  AssignPlanRequest,
  AttributionRulesView,
  AttributionRunSummary,
  AuditExportResult,
  AuditFilter,
  AuditPage,
  Breakdown,
  BreakdownQuery,
  BacktestRequest,
  BacktestResult,
  ChangePassphraseRequest,
  ClaimCasesRequest,
  ClaimsQuery,
  ClaimsReport,
  CohortQuery,
  Cohorts,
  ColumnMapping,
  ComputeResult,
  ConnectionTest,
  CoverageReport,
  CreateWorkspaceRequest,
  Dashboard,
  DashboardAlert,
  DashboardQuery,
  DetectRunSummary,
  DisputeAssignRequest,
  DisputeEvidenceRequest,
  DisputeFiles,
  DisputeFilter,
  DisputeMoveRequest,
  DisputeNoteRequest,
  DisputeOpenRequest,
  DisputeResolveRequest,
  DisputeSla,
  DisputesPage,
  DisputeView,
  EditProgramRequest,
  EvidenceItem,
  RawRequest,
  ErrorCode,
  ExportedRows,
  ExportPlanRequest,
  ExportStatementRequest,
  AllowEntry,
  AllowEntryInput,
  AllowRevokeInput,
  FlagBulkDecisionInput,
  FlagBulkDecisionResult,
  FlagDecisionInput,
  FlagFilter,
  FlagGroup,
  FlagPage,
  FlagRow,
  FxImportRequest,
  FxImportSummary,
  FxListQuery,
  FxRateInput,
  FxRateList,
  FxRateRow,
  FxSetRequest,
  ImportFieldSpec,
  ImportPreset,
  ImportPreview,
  ImportPreviewRequest,
  ImportRunRequest,
  ImportRunSummary,
  Investigation,
  ListenerStatus,
  MultiTouchReport,
  MultiTouchRequest,
  PeriodView,
  Person,
  PersonChange,
  PlanDetail,
  PlanImportResult,
  PlanPreview,
  PlanSummary,
  PlanText,
  PlayerExplanation,
  PostbackLogFilter,
  PostbackLogPage,
  PostbackSourceConfig,
  PostbackSourceRequest,
  PreviewPlanRequest,
  ProgramSettings,
  ProgramSummary,
  Progress,
  PromoCodeRequest,
  AffiliateIdentifier,
  AffiliateIdentifierRequest,
  QualificationChecklist,
  QualificationRequest,
  QuarantineExportRequest,
  QuarantinePage,
  QuarantineRequest,
  ReconExportRequest,
  ReconQuery,
  ReconReport,
  ResetPassphraseRequest,
  RuleSettingsRequest,
  RuleSettingsSaved,
  SaveMappingRequest,
  SaveRulesRequest,
  SaveRulesResult,
  SessionStatus,
  SignInRequest,
  SourceSettings,
  SourcesOverview,
  SourceView,
  Statement,
  StatementRequest,
  SyncRequest,
  SyncSummary,
  OpenDemoRequest,
  VerifyReport,
  WorkspaceSettings,
  WorkspaceStatus,
} from './bindings';
import type {
  ApprovalOutcome,
  ApproveRunRequest,
  BackupResult,
  BankReturnRequest,
  ExportFilesRequest,
  LinesDecision,
  MarkPaidRequest,
  PayeesPage,
  PayerRequest,
  PayoutRunView,
  PayoutsOverview,
  PrepareRunRequest,
  ProposePayeeRequest,
  ReviewPayeeRequest,
  RunRequest,
  SignApprovalRequest,
  StatementLinesRequest,
  WrittenFile,
} from './payout-types';

export type * from './bindings';
export type * from './payout-types';

export type ProgressHandler = (progress: Progress) => void;

export interface Backend {
  // ---- Session and people ----
  /** Who is signed in, whether anyone can sign in yet, and the demo's people (public: the sign-in screen's). */
  sessionStatus(): Promise<SessionStatus>;
  /** Every wrong name or passphrase gets the same `unauthenticated` answer, after a growing delay. */
  signIn(request: SignInRequest): Promise<SessionStatus>;
  /** Ends the session; the lock does the same (the next action asks for the passphrase). */
  signOut(): Promise<SessionStatus>;
  /** Creates the first person (the owner) of an empty workspace and signs them in. */
  createWorkspace(request: CreateWorkspaceRequest): Promise<SessionStatus>;
  changePassphrase(request: ChangePassphraseRequest): Promise<Person>;
  listPeople(): Promise<Person[]>;
  addPerson(request: AddPersonRequest): Promise<Person>;
  /** Display name, the complete new set of roles, or active; absent fields stay as they are. */
  updatePerson(request: PersonChange): Promise<Person>;
  resetPassphrase(request: ResetPassphraseRequest): Promise<Person>;
  workspaceSettings(): Promise<WorkspaceSettings>;
  saveWorkspaceSettings(request: WorkspaceSettings): Promise<WorkspaceSettings>;
  // ---- Audit ----
  /** A page of the log, newest first, with every actor and action for the filter menus. */
  auditList(request: AuditFilter): Promise<AuditPage>;
  auditVerify(): Promise<VerifyReport>;
  /** Writes the chain as JSON Lines to the path (relative: the workspace's exports folder). */
  auditExport(request: string): Promise<AuditExportResult>;
  // ---- Workspace ----
  workspaceStatus(): Promise<WorkspaceStatus>;
  /** In an empty workspace, also creates the demo's people (nobody is signed in afterwards). */
  openDemoWorkspace(request: OpenDemoRequest, onProgress: ProgressHandler): Promise<SyncSummary>;
  syncNow(request: SyncRequest, onProgress: ProgressHandler): Promise<SyncSummary>;
  /** The workspace's programs, the default one marked (the switcher's list). */
  listPrograms(): Promise<ProgramSummary[]>;
  /** Chooses the program every program-scoped command acts on; null: the workspace's default. */
  selectProgram(request: string | null): Promise<ProgramSummary>;
  /**
   * Creates a program (name, vertical, currency, reporting time zone, brands); the session then acts on it. A
   * refusal is `invalid_input` whose message starts with the field ("Currency: …").
   */
  addProgram(request: ProgramSettings): Promise<ProgramSummary>;
  /**
   * Changes the program `request.program`: its name, and adds the brands listed (existing ones stay); its vertical,
   * currency and time zone only while it holds no data (`settings_fixed`).
   */
  editProgram(request: EditProgramRequest): Promise<ProgramSummary>;
  // ---- Dashboards ----
  dashboard(request: DashboardQuery): Promise<Dashboard>;
  coverage(request: DashboardQuery): Promise<CoverageReport>;
  /** Open flags and unreconciled payout per affiliate, for the dashboard (every program). */
  dashboardAlerts(): Promise<DashboardAlert[]>;
  /** A period split by one dimension, against the same-length period before (docs/dashboards.md). */
  breakdown(request: BreakdownQuery): Promise<Breakdown>;
  /** Players by registration month: retention, LTV per player, payback month. */
  cohorts(request: CohortQuery): Promise<Cohorts>;
  // ---- Sources and postbacks ----
  listSources(): Promise<SourcesOverview>;
  /** Adds or updates the source named `request.name`; omit `api_key` to keep the stored key. */
  saveSource(request: SourceSettings): Promise<SourceView>;
  /** Tries the named source's connection and credentials. */
  testSource(request: string): Promise<ConnectionTest>;
  postbackLog(request: PostbackLogFilter): Promise<PostbackLogPage>;
  postbackSources(): Promise<PostbackSourceConfig[]>;
  /** Adds or updates the postback source `request.config.name`; absent secrets keep the stored ones. */
  postbackSaveSource(request: PostbackSourceRequest): Promise<ListenerStatus>;
  postbackListenerStatus(): Promise<ListenerStatus>;
  /** Starts the local postback listener on 127.0.0.1 on the port (0: any free port). */
  postbackListenerStart(request: number): Promise<ListenerStatus>;
  postbackListenerStop(): Promise<ListenerStatus>;
  // ---- Imports ----
  /** The preset's target fields, in order, with which ones a mapping must cover. */
  importFields(request: ImportPreset): Promise<ImportFieldSpec[]>;
  /** A column mapping saved under a name. */
  importMapping(request: string): Promise<ColumnMapping>;
  saveImportMapping(request: SaveMappingRequest): Promise<void>;
  /** A dry run: detection and the first rows mapped and validated; writes nothing. */
  importPreview(request: ImportPreviewRequest): Promise<ImportPreview>;
  /** Imports a file (resumable, idempotent); progress carries rows, bytes read and rows/s. */
  importRun(request: ImportRunRequest, onProgress: ProgressHandler): Promise<ImportRunSummary>;
  importRuns(): Promise<ImportRunSummary[]>;
  /** One page of a run's quarantined rows; `limit` ≤ 500. */
  importQuarantine(request: QuarantineRequest): Promise<QuarantinePage>;
  /** Writes all of the run's quarantined rows as CSV; resolves with the path and rows written. */
  importQuarantineExport(request: QuarantineExportRequest): Promise<ExportedRows>;
  // ---- Attribution ----
  /** Every affiliate's profile and performance over the period (missing bounds: all the data). */
  listAffiliates(request: DashboardQuery): Promise<AffiliatesPage>;
  affiliateDetail(request: AffiliateRequest): Promise<AffiliateDetail>;
  /** A player's stored attribution decision, by the operator's player id. */
  explainPlayer(request: string): Promise<PlayerExplanation>;
  attributionRules(): Promise<AttributionRulesView>;
  /** Validates and stores a rule version; field errors come back in the result and nothing is stored. */
  saveAttributionRules(request: SaveRulesRequest): Promise<SaveRulesResult>;
  /** Multi-touch credit over a period: analysis only, never payout. */
  multiTouchReport(request: MultiTouchRequest): Promise<MultiTouchReport>;
  /** Assigns a promo code to an affiliate (replacing an earlier owner); applies at the next attribution run. */
  setPromoCode(request: PromoCodeRequest): Promise<void>;
  /** Adds one of an affiliate's own identifiers (email, office IP, payout instrument, device) for self-referral. */
  addAffiliateIdentifier(request: AffiliateIdentifierRequest): Promise<AffiliateIdentifier>;
  /** Removes one of an affiliate's own identifiers (the value as listed, or as typed). */
  removeAffiliateIdentifier(request: AffiliateIdentifierRequest): Promise<AffiliateIdentifier>;
  /** (Re)decides every player not yet locked by an FTD; idempotent. */
  runAttribution(): Promise<AttributionRunSummary>;
  // ---- Commission ----
  listPlans(): Promise<PlanSummary[]>;
  planDetail(request: string): Promise<PlanDetail>;
  /** Validates a plan file's text (JSON or TOML) against the program without saving anything. */
  checkPlan(request: PlanText): Promise<PlanImportResult>;
  /** Validates and saves: creates the plan or appends its new versions; nothing is saved when `errors` is set. */
  savePlan(request: PlanText): Promise<PlanImportResult>;
  /** Reads a plan file from disk for the editor (at most 1 MB). */
  readPlanFile(request: string): Promise<string>;
  /** Writes the saved plan as a file; resolves with the path written. */
  exportPlan(request: ExportPlanRequest): Promise<string>;
  /** What the file's last version would have paid each affiliate in the period; posts nothing. */
  previewPlan(request: PreviewPlanRequest): Promise<PlanPreview>;
  /** Assigns a plan to an affiliate, or (no affiliate) makes it the program default, from a day. */
  assignPlan(request: AssignPlanRequest): Promise<void>;
  listPeriods(): Promise<PeriodView[]>;
  /** Computes a `YYYY-MM` period and posts what changed to the ledger (long: the UI shows a busy state). */
  computePeriod(request: string): Promise<ComputeResult>;
  /** Closes a computed `YYYY-MM` period: its statements are locked; later events land in the next one. */
  closePeriod(request: string): Promise<PeriodView>;
  setFxRate(request: FxRateInput): Promise<void>;
  fxImport(request: FxImportRequest): Promise<FxImportSummary>;
  fxSet(request: FxSetRequest): Promise<FxRateRow>;
  fxList(request: FxListQuery): Promise<FxRateList>;
  statement(request: StatementRequest): Promise<Statement>;
  /** Writes the statement as CSV (formula-safe), printable HTML or PDF; resolves with the path written. */
  exportStatement(request: ExportStatementRequest): Promise<string>;
  /** A player's CPA qualification checklist as of a month's end (or today). */
  qualification(request: QualificationRequest): Promise<QualificationChecklist>;
  // ---- Fraud ----
  /** Runs every fraud rule over all the data; flags are created, revised or superseded (never duplicated).
   * `onProgress` hears each rule as it starts, then the storing of the flags (none: nobody listens). */
  detectRun(onProgress?: ProgressHandler): Promise<DetectRunSummary>;
  /** A rule (or all) over history with `key=value` overrides, saving nothing. */
  detectBacktest(request: BacktestRequest): Promise<BacktestResult>;
  /** Saves a rule's `key=value` settings as its new version. */
  saveRuleSettings(request: RuleSettingsRequest): Promise<RuleSettingsSaved>;
  /** One page of the flat queue: filtered, searched, ordered and cut in the core's query, with how many flags
   * match in all and the program's patterns (for the filter's options). */
  flagsList(request: FlagFilter): Promise<FlagPage>;
  /** Confirm or dismiss with a comment, as the signed-in person (audited; never edits the evidence). */
  flagDecide(request: FlagDecisionInput): Promise<FlagRow>;
  /** The queue grouped by affiliate and rule, with counts and money at stake (most at stake first). */
  flagsGroups(request: FlagFilter): Promise<FlagGroup[]>;
  /** One decision and comment for several flags (a group), as the signed-in person. */
  flagDecideBulk(request: FlagBulkDecisionInput): Promise<FlagBulkDecisionResult>;
  /** The detection allow-list of the session's program, active entries first. */
  allowlistList(): Promise<AllowEntry[]>;
  /** Allow-list an IP range or a sub-ID (the rules stop reading it as a signal); audited. */
  allowlistAdd(request: AllowEntryInput): Promise<AllowEntry>;
  /** Revoke an allow-list entry, saying why; audited. */
  allowlistRevoke(request: AllowRevokeInput): Promise<AllowEntry>;
  flagInvestigate(request: number): Promise<Investigation>;
  // ---- Reconciliation and disputes ----
  /** Reconciles a month (YYYY-MM) again, recording its findings, and returns its totals and discrepancy rows.
   * `onProgress` hears each step and, while matching, the count of FTDs matched (none: nobody listens). */
  reconcilePeriod(request: ReconQuery, onProgress?: ProgressHandler): Promise<ReconReport>;
  /** A month's stored reconciliation as it was last run (reads only; `reconcilePeriod` runs it again). */
  reconcileReport(request: ReconQuery): Promise<ReconReport>;
  /** Reconciles the month again and writes its rows as spreadsheet-safe CSV; resolves with the path and rows
   * written. `onProgress` hears the reconciliation's steps. */
  reconcileExportCsv(request: ReconExportRequest, onProgress?: ProgressHandler): Promise<ExportedRows>;
  // ---- Disputes ----
  /** Opens a case from a discrepancy, flag, statement line, player or conversion, or by hand. */
  disputeOpen(request: DisputeOpenRequest): Promise<DisputeView>;
  /** The program's cases, filtered, with their SLA state. */
  disputesList(request: DisputeFilter): Promise<DisputesPage>;
  /** One case by id: history, attachments, outcomes, evidence and the moves allowed now. */
  disputeShow(request: number): Promise<DisputeView>;
  disputeMove(request: DisputeMoveRequest): Promise<DisputeView>;
  disputeAssign(request: DisputeAssignRequest): Promise<DisputeView>;
  disputeComment(request: DisputeNoteRequest): Promise<DisputeView>;
  /** Attaches a file (`path`) to a case: copied into the workspace and hashed. */
  disputeAttach(request: DisputeNoteRequest): Promise<DisputeView>;
  /** Accepts, partly accepts or rejects a case; an accepted amount is a new adjustment entry. */
  disputeResolve(request: DisputeResolveRequest): Promise<DisputeView>;
  /** Writes the case's evidence pack (HTML, PDF, a verifiable archive) and records its hash. */
  disputeEvidence(request: DisputeEvidenceRequest): Promise<DisputeFiles>;
  /** Writes the statement of a resolved case's outcome for the affiliate. */
  disputeOutcomeStatement(request: DisputeEvidenceRequest): Promise<DisputeFiles>;
  disputeSla(): Promise<DisputeSla>;
  setDisputeSla(request: DisputeSla): Promise<DisputeSla>;
  /** A conversion, player, click or deposit with the raw records it was stored from and its status history. */
  rawRecord(request: RawRequest): Promise<EvidenceItem[]>;
  /** Matches the month's claims (affiliates' own reports) against the tracker and the operator again. */
  claimsReconcile(request: ClaimsQuery): Promise<ClaimsReport>;
  /** The month's claims as last matched (reads only). */
  claimsReport(request: ClaimsQuery): Promise<ClaimsReport>;
  /** Opens a case per unmatched claim (or the ones named); resolves with the new cases' ids. */
  claimsOpenCases(request: ClaimCasesRequest): Promise<number[]>;
  // ---- Payouts ----
  /** Approves (or rejects, with a reason) one line of an affiliate's statement, or all of them (no `line_key`). */
  statementLines(request: StatementLinesRequest): Promise<LinesDecision>;
  /** Every affiliate's payee details, newest version first, with the proposals waiting for review. */
  payees(): Promise<PayeesPage>;
  /** Proposes new payment details; field errors come back as `invalid_input` naming the field. */
  proposePayee(request: ProposePayeeRequest): Promise<PayeesPage>;
  /** Approves or rejects (reason required) someone else's proposal (four-eyes: never one's own). */
  reviewPayee(request: ReviewPayeeRequest): Promise<PayeesPage>;
  /** Sets the program's paying account (the debtor of its SEPA files). */
  setPayer(request: PayerRequest): Promise<PayoutsOverview>;
  /** The program's runs, paying account and payout rules. */
  payoutsOverview(): Promise<PayoutsOverview>;
  /** One run by id, with items, totals, approvals, files and history. */
  payoutRun(request: number): Promise<PayoutRunView>;
  /** Prepares a run for a closed period and its arrears; refused (with why) when there is nothing to pay. */
  preparePayoutRun(request: PrepareRunRequest): Promise<PayoutRunView>;
  /** Approves a run in the app: the passphrase opens the approver's signing key (never the preparer's run). */
  approvePayoutRun(request: ApproveRunRequest): Promise<ApprovalOutcome>;
  /** Writes a run's approval request file (`text`: the path, '' for the default); resolves with the path. */
  exportApprovalRequest(request: RunRequest): Promise<string>;
  /** Signs an approval request file with one's key; resolves with the signed file's path. */
  signApprovalRequest(request: SignApprovalRequest): Promise<string>;
  /** Imports a signed approval file (by path); `applied` is false when it was already recorded. */
  importApproval(request: string): Promise<ApprovalOutcome>;
  /** Cancels a run not exported yet (`text`: the reason). */
  cancelPayoutRun(request: RunRequest): Promise<PayoutRunView>;
  /** Writes an approved run's payment files (SEPA per currency, CSV for the rest) and records their hashes. */
  exportPaymentFiles(request: ExportFilesRequest): Promise<WrittenFile[]>;
  /** Marks an exported run paid with the bank's reference and the day. */
  markPayoutPaid(request: MarkPaidRequest): Promise<PayoutRunView>;
  /** Records that one payment failed or came back: its amount is owed again (a new entry). */
  recordBankReturn(request: BankReturnRequest): Promise<PayoutRunView>;
  /** A verified backup of the workspace to the path ('' or relative: the workspace's backups folder). */
  backupWorkspace(request: string): Promise<BackupResult>;
}

export const ERROR_CODES: readonly ErrorCode[] = [
  'invalid_input',
  'not_found',
  'unauthenticated',
  'forbidden',
  'conflict',
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
  sessionStatus: () => call('session_status'),
  signIn: (request) => call('sign_in', { request }),
  signOut: () => call('sign_out'),
  createWorkspace: (request) => call('create_workspace', { request }),
  changePassphrase: (request) => call('change_passphrase', { request }),
  listPeople: () => call('list_people'),
  addPerson: (request) => call('add_person', { request }),
  updatePerson: (request) => call('update_person', { request }),
  resetPassphrase: (request) => call('reset_passphrase', { request }),
  workspaceSettings: () => call('workspace_settings'),
  saveWorkspaceSettings: (request) => call('save_workspace_settings', { request }),

  auditList: (request) => call('audit_list', { request }),
  auditVerify: () => call('audit_verify'),
  auditExport: (request) => call('audit_export', { request }),

  workspaceStatus: () => call('workspace_status'),
  openDemoWorkspace: (request, onProgress) => call('open_demo_workspace', { request, onProgress: progressChannel(onProgress) }),
  syncNow: (request, onProgress) => call('sync_now', { request, onProgress: progressChannel(onProgress) }),
  listPrograms: () => call('list_programs'),
  selectProgram: (request) => call('select_program', { request }),
  addProgram: (request) => call('add_program', { request }),
  editProgram: (request) => call('edit_program', { request }),

  dashboard: (request) => call('dashboard', { request }),
  coverage: (request) => call('coverage', { request }),
  dashboardAlerts: () => call('dashboard_alerts'),
  breakdown: (request) => call('breakdown', { request }),
  cohorts: (request) => call('cohorts', { request }),

  listSources: () => call('list_sources'),
  saveSource: (request) => call('save_source', { request }),
  testSource: (request) => call('test_source', { request }),
  postbackLog: (request) => call('postback_log', { request }),
  postbackSources: () => call('postback_sources'),
  postbackSaveSource: (request) => call('postback_save_source', { request }),
  postbackListenerStatus: () => call('postback_listener_status'),
  postbackListenerStart: (request) => call('postback_listener_start', { request }),
  postbackListenerStop: () => call('postback_listener_stop'),

  importFields: (request) => call('import_fields', { request }),
  importMapping: (request) => call('import_mapping', { request }),
  saveImportMapping: (request) => call('save_import_mapping', { request }),
  importPreview: (request) => call('import_preview', { request }),
  importRun: (request, onProgress) => call('import_run', { request, onProgress: progressChannel(onProgress) }),
  importRuns: () => call('import_runs'),
  importQuarantine: (request) => call('import_quarantine', { request }),
  importQuarantineExport: (request) => call('import_quarantine_export', { request }),

  listAffiliates: (request) => call('list_affiliates', { request }),
  affiliateDetail: (request) => call('affiliate_detail', { request }),
  explainPlayer: (request) => call('explain_player', { request }),
  attributionRules: () => call('attribution_rules'),
  saveAttributionRules: (request) => call('save_attribution_rules', { request }),
  multiTouchReport: (request) => call('multi_touch_report', { request }),
  setPromoCode: (request) => call('set_promo_code', { request }),
  addAffiliateIdentifier: (request) => call('add_affiliate_identifier', { request }),
  removeAffiliateIdentifier: (request) => call('remove_affiliate_identifier', { request }),
  runAttribution: () => call('run_attribution'),

  listPlans: () => call('list_plans'),
  planDetail: (request) => call('plan_detail', { request }),
  checkPlan: (request) => call('check_plan', { request }),
  savePlan: (request) => call('save_plan', { request }),
  readPlanFile: (request) => call('read_plan_file', { request }),
  exportPlan: (request) => call('export_plan', { request }),
  previewPlan: (request) => call('preview_plan', { request }),
  assignPlan: (request) => call('assign_plan', { request }),
  listPeriods: () => call('list_periods'),
  computePeriod: (request) => call('compute_period', { request }),
  closePeriod: (request) => call('close_period', { request }),
  setFxRate: (request) => call('set_fx_rate', { request }),
  fxImport: (request) => call('fx_import', { request }),
  fxSet: (request) => call('fx_set', { request }),
  fxList: (request) => call('fx_list', { request }),
  statement: (request) => call('statement', { request }),
  exportStatement: (request) => call('export_statement', { request }),
  qualification: (request) => call('qualification', { request }),

  detectRun: (onProgress) => call('detect_run', { onProgress: progressChannel(onProgress ?? (() => {})) }),
  detectBacktest: (request) => call('detect_backtest', { request }),
  saveRuleSettings: (request) => call('save_rule_settings', { request }),
  flagsList: (request) => call('flags_list', { request }),
  flagDecide: (request) => call('flag_decide', { request }),
  flagsGroups: (request) => call('flags_groups', { request }),
  flagDecideBulk: (request) => call('flag_decide_bulk', { request }),
  allowlistList: () => call('allowlist_list'),
  allowlistAdd: (request) => call('allowlist_add', { request }),
  allowlistRevoke: (request) => call('allowlist_revoke', { request }),
  flagInvestigate: (request) => call('flag_investigate', { request }),

  reconcilePeriod: (request, onProgress) =>
    call('reconcile_period', { request, onProgress: progressChannel(onProgress ?? (() => {})) }),
  reconcileExportCsv: (request, onProgress) =>
    call('reconcile_export_csv', { request, onProgress: progressChannel(onProgress ?? (() => {})) }),
  reconcileReport: (request) => call('reconcile_report', { request }),
  disputeOpen: (request) => call('dispute_open', { request }),
  disputesList: (request) => call('disputes_list', { request }),
  disputeShow: (request) => call('dispute_show', { request }),
  disputeMove: (request) => call('dispute_move', { request }),
  disputeAssign: (request) => call('dispute_assign', { request }),
  disputeComment: (request) => call('dispute_comment', { request }),
  disputeAttach: (request) => call('dispute_attach', { request }),
  disputeResolve: (request) => call('dispute_resolve', { request }),
  disputeEvidence: (request) => call('dispute_evidence', { request }),
  disputeOutcomeStatement: (request) => call('dispute_outcome_statement', { request }),
  disputeSla: () => call('dispute_sla'),
  setDisputeSla: (request) => call('set_dispute_sla', { request }),
  rawRecord: (request) => call('raw_record', { request }),
  claimsReconcile: (request) => call('claims_reconcile', { request }),
  claimsReport: (request) => call('claims_report', { request }),
  claimsOpenCases: (request) => call('claims_open_cases', { request }),

  statementLines: (request) => call('statement_lines', { request }),
  payees: () => call('payees'),
  proposePayee: (request) => call('propose_payee', { request }),
  reviewPayee: (request) => call('review_payee', { request }),
  setPayer: (request) => call('set_payer', { request }),
  payoutsOverview: () => call('payouts_overview'),
  payoutRun: (request) => call('payout_run', { request }),
  preparePayoutRun: (request) => call('prepare_payout_run', { request }),
  approvePayoutRun: (request) => call('approve_payout_run', { request }),
  exportApprovalRequest: (request) => call('export_approval_request', { request }),
  signApprovalRequest: (request) => call('sign_approval_request', { request }),
  importApproval: (request) => call('import_approval', { request }),
  cancelPayoutRun: (request) => call('cancel_payout_run', { request }),
  exportPaymentFiles: (request) => call('export_payment_files', { request }),
  markPayoutPaid: (request) => call('mark_payout_paid', { request }),
  recordBankReturn: (request) => call('record_bank_return', { request }),
  backupWorkspace: (request) => call('backup_workspace', { request }),
};
