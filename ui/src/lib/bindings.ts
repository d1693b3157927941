// Generated from crates/core/src/api by `UPDATE_BINDINGS=1 cargo test -p affops-core --test it bindings`.
// Do not edit: a test fails when this file is stale.

export type ErrorCode = "invalid_input" | "not_found" | "source_failed" | "storage" | "internal";

export type ApiError = { code: ErrorCode, message: string, };

export type Period = { from: string, to: string, };

export type DashboardQuery = { from?: string, to?: string, };

export type AffiliateRow = { 
/**
 * The tracker's affiliate id (e.g. Everflow `network_affiliate_id`).
 */
affiliate_id: string, affiliate_name: string, clicks: number, registrations: number, ftds: number, approved_conversions: number, 
/**
 * FTDs per 100 clicks, two decimals, half-up; "0.00" with no clicks.
 */
cr_percent: string, 
/**
 * Sum of first-time deposits in the program currency, as an exact decimal string ("1234.50").
 */
ftd_amount: string, 
/**
 * The same amount in micros (10^-6 of the currency unit), as a decimal integer string, for exact sorting.
 */
ftd_amount_micros: string, };

export type SourceFreshness = { source: string, kind: string, 
/**
 * When the last successful sync finished (Unix ms), if ever.
 */
last_success_at_ms: number | null, 
/**
 * When the last sync attempt finished (Unix ms), if ever.
 */
last_attempt_at_ms: number | null, 
/**
 * `ok`, `failed` or `never`.
 */
last_status: string, 
/**
 * The last attempt's message: rows synced, or the reason it failed.
 */
last_message: string, };

export type Dashboard = { program: string, currency: string, timezone: string, period: Period, rows: Array<AffiliateRow>, totals: AffiliateRow, 
/**
 * Daily FTDs over the period, rendered by plotters as a standalone SVG document.
 */
daily_ftd_svg: string, freshness: Array<SourceFreshness>, };

export type WorkspaceStatus = { data_dir: string, 
/**
 * True once any source has synced rows into this workspace.
 */
has_data: boolean, 
/**
 * The full range of days that hold data, if any.
 */
data_range: Period | null, freshness: Array<SourceFreshness>, };

export type Progress = { 
/**
 * The job step, e.g. `everflow/conversions`.
 */
step: string, 
/**
 * Units done in this step (rows).
 */
done: number, 
/**
 * Units expected in this step, when the source says.
 */
total: number | null, 
/**
 * Steps finished so far and steps in the job, for an overall bar.
 */
steps_done: number, steps_total: number, message: string, };

export type StreamSyncResult = { source: string, stream: string, pages: number, rows_fetched: number, rows_inserted: number, rows_updated: number, rows_quarantined: number, };

export type SyncSummary = { streams: Array<StreamSyncResult>, elapsed_ms: number, };

export type SourceSettings = { name: string, 
/**
 * `everflow`, `affise` or `operator`.
 */
kind: string, base_url: string, 
/**
 * First day to fetch (`YYYY-MM-DD`); otherwise the last `window_days`.
 */
since?: string, window_days: number, page_size: number, overlap_minutes: number, enabled: boolean, 
/**
 * Write-only: set to store a new key; never sent back.
 */
api_key?: string, };

export type SourceView = { name: string, kind: string, base_url: string, since: string | null, window_days: number, page_size: number, overlap_minutes: number, enabled: boolean, 
/**
 * Whether a key is stored for it (the key itself is never shown).
 */
has_credentials: boolean, freshness: SourceFreshness, };

export type SourcesOverview = { sources: Array<SourceView>, 
/**
 * Where secrets are kept: "OS keychain" or the file fallback.
 */
credential_backend: string, 
/**
 * Set when secrets are not in an OS keychain: shown as a warning.
 */
credential_warning: string | null, };

export type ConnectionTest = { ok: boolean, message: string, latency_ms: number, };

export type CoverageRow = { affiliate_id: string, affiliate_name: string, total: number, s2s: number, pixel: number, batch: number, api: number, 
/**
 * Shares of the total, two decimals, half-up.
 */
s2s_percent: string, pixel_percent: string, batch_percent: string, api_percent: string, };

export type CoverageReport = { period: Period, rows: Array<CoverageRow>, totals: CoverageRow, 
/**
 * Set when some affiliates rely mostly on pixels.
 */
warning: string | null, };

export type Dialect = "everflow" | "voluum" | "keitaro" | "affise" | "binom" | "prosper202";

export type PostbackSourceConfig = { 
/**
 * The name in the URL: `/postback/{name}`. Letters, digits, `-`, `_`, `.`.
 */
name: string, 
/**
 * The program whose clicks and affiliates the postbacks refer to.
 */
program: string, dialect: Dialect, 
/**
 * IP addresses or CIDR blocks allowed to post. Empty denies everyone unless `allow_any_ip` is set.
 */
allow_ips: Array<string>, 
/**
 * Explicitly opens the source to every address (the token and signature still apply).
 */
allow_any_ip: boolean, 
/**
 * Refuse requests without a valid `X-Affops-Signature`.
 */
hmac_required: boolean, 
/**
 * ISO 4217 code used when a postback names no currency.
 */
default_currency: string, };

export type PostbackOutcome = "recorded" | "updated" | "duplicate" | "stale" | "rejected";

export type PostbackLogRow = { id: number, received_at_ms: number, source: string, remote_ip: string, method: string, path_query: string, body: string, status_code: number, outcome: PostbackOutcome, reason: string, conversion_id: number | null, 
/**
 * From the request's arrival to the decision, in microseconds.
 */
latency_us: number, };

export type PostbackLogFilter = { source?: string, outcome?: PostbackOutcome, 
/**
 * Matched against the path and query, the body and the reason.
 */
text?: string, page: number, page_size: number, };

export type PostbackLogPage = { rows: Array<PostbackLogRow>, 
/**
 * Rows matching the filter, over all pages.
 */
total: number, page: number, page_size: number, };

export type PostbackSourceStatus = { name: string, dialect: Dialect, has_token: boolean, has_hmac_secret: boolean, 
/**
 * A previous secret is still accepted: a rotation is in progress.
 */
has_previous_hmac_secret: boolean, };

export type ListenerStatus = { running: boolean, 
/**
 * `127.0.0.1:<port>` while running.
 */
address: string | null, started_at_ms: number | null, sources: Array<PostbackSourceStatus>, recorded: number, updated: number, duplicates: number, stale: number, rejected: number, 
/**
 * Requests refused with 503 because the writer queue was full; they are not in the log.
 */
overloaded: number, };

export type PostbackSecretsInput = { token?: string, hmac_current?: string, 
/**
 * The secret being rotated out, still accepted until `clear_previous`.
 */
hmac_previous?: string, clear_previous: boolean, };

export type ImportPreset = "clicks" | "registrations" | "activity" | "deposits";

export type ColumnMap = { column: string, field: string, };

export type ColumnMapping = { preset: ImportPreset, columns: Array<ColumnMap>, 
/**
 * `auto` (default: only forms that read one way), `ymd`, `ymd_hms`, `rfc3339`, `dmy`, `mdy_hm`, `unix_s`,
 * `unix_ms`.
 */
date_format?: string, 
/**
 * One of `,` `;` `|` or `\t`; detected from the header when absent.
 */
delimiter?: string, };

export type PreviewRow = { 
/**
 * Spreadsheet numbering: the header is row 1.
 */
row: number, 
/**
 * (target field, cell text) in the preset's field order.
 */
fields: Array<[string, string]>, 
/**
 * `None` when the row is valid; otherwise why it would be quarantined.
 */
error: string | null, };

export type ImportPreview = { preset: ImportPreset, 
/**
 * The header as read (after the BOM and any stray leading bytes were removed).
 */
header: Array<string>, delimiter: string, had_bom: boolean, 
/**
 * Stray bytes found before the header and skipped, shown escaped (e.g. `..`); empty when none.
 */
junk_prefix: string, 
/**
 * (target field, file column) as resolved against the header.
 */
resolved: Array<[string, string]>, 
/**
 * Optional fields whose column is absent: they are left empty.
 */
unmapped_optional: Array<string>, rows: Array<PreviewRow>, };

export type ImportRunSummary = { id: number, source: string, file_name: string, file_size: number, sha256: string, preset: ImportPreset, started_at_ms: number, finished_at_ms: number | null, 
/**
 * `running` (or interrupted: it resumes from its checkpoint), `done` or `failed`.
 */
status: string, rows_ok: number, rows_quarantined: number, 
/**
 * The byte offset the next chunk starts at.
 */
checkpoint_offset: number, message: string, 
/**
 * True when this call found the file already imported and wrote nothing.
 */
already_imported: boolean, };

export type QuarantineRow = { id: number, 
/**
 * e.g. `row 1042`.
 */
locator: string, row: number, field: string | null, reason: string, 
/**
 * The row's raw bytes, as text (invalid UTF-8 replaced).
 */
raw: string, };

export type QuarantinePage = { run_id: number, total: number, offset: number, rows: Array<QuarantineRow>, };

export type ImportFieldSpec = { name: string, required: boolean, };

export type FlagFilter = { 
/**
 * The tracker's affiliate id.
 */
affiliate?: string, pattern?: string, 
/**
 * low, medium or high.
 */
severity?: string, 
/**
 * open, confirmed or dismissed.
 */
status?: string, };

export type FlagRow = { id: number, program: string, 
/**
 * The tracker's affiliate id ("" when no affiliate is involved).
 */
affiliate_id: string, affiliate_name: string, rule: string, pattern: string, severity: string, score: number, 
/**
 * open, confirmed or dismissed (the latest decision).
 */
status: string, summary: string, created_at_ms: number, 
/**
 * The rows and numbers that tripped the rule, as JSON text.
 */
evidence_json: string, 
/**
 * Records the flag names.
 */
items: number, 
/**
 * Commission riding on the flagged records (see `detect::amount_at_stake`), exact decimal.
 */
amount_at_stake: string, currency: string, };

export type FlagDecisionInput = { flag_id: number, 
/**
 * confirm or dismiss.
 */
decision: string, 
/**
 * A user name of the users table.
 */
user: string, comment: string, };

export type FlagDecisionRow = { decision: string, comment: string, user: string, decided_at_ms: number, };

export type TimelineEvent = { at_ms: number, 
/**
 * click, registration, deposit, withdrawal, chargeback, conversion or trade.
 */
kind: string, reference: string, detail: string, };

export type SharedIdentifier = { 
/**
 * ip, device, payment or email.
 */
kind: string, value: string, players: Array<string>, };

export type GeoRow = { click_country: string, registration_country: string, ip_country: string, players: number, };

export type CtitBucket = { label: string, players: number, };

export type Investigation = { flag: FlagRow, decisions: Array<FlagDecisionRow>, timeline: Array<TimelineEvent>, shared: Array<SharedIdentifier>, 
/**
 * The affiliate's click-to-registration times.
 */
ctit: Array<CtitBucket>, 
/**
 * The CTIT histogram as a standalone SVG document (show it as an `<img>`).
 */
ctit_svg: string, geo: Array<GeoRow>, };

export type RuleRunRow = { rule: string, findings: number, flags_created: number, 
/**
 * Why the rule failed and on which rows; the other rules still ran.
 */
error?: string, };

export type DetectRunSummary = { run_id: number, flags_created: number, rules: Array<RuleRunRow>, };

export type BacktestRequest = { rule?: string, 
/**
 * `key=value` threshold overrides.
 */
settings: Array<string>, };

export type BacktestAffiliate = { affiliate_id: string, affiliate_name: string, findings: number, 
/**
 * Commission that would have been held, exact decimal.
 */
amount_at_stake: string, currency: string, };

export type BacktestRule = { rule: string, settings_json: string, findings: number, 
/**
 * Findings that are already stored flags.
 */
already_flagged: number, affiliates: Array<BacktestAffiliate>, examples: Array<string>, error?: string, };

export type BacktestResult = { rules: Array<BacktestRule>, };

export type ReconQuery = { 
/**
 * YYYY-MM in the program's zone.
 */
period: string, reason?: string, affiliate?: string, };

export type ReconRow = { id: number, reason: string, affiliate_id: string, affiliate_name: string, conversion_ref: string, transaction_id: string, player_ref: string, deposit_ref: string, tracker_amount: string | null, operator_amount: string | null, 
/**
 * Payout at stake: positive = owed to the affiliate, negative = over-paid.
 */
impact: string, currency: string, detail: string, };

export type ReconAffiliateTotal = { affiliate_id: string, affiliate_name: string, tracker_conversions: number, operator_ftds: number, discrepancies: number, impact: string, currency: string, };

export type ReasonCount = { reason: string, count: number, };

export type ReconReport = { period: string, program: string, totals: Array<ReconAffiliateTotal>, reasons: Array<ReasonCount>, rows: Array<ReconRow>, };

export type DisputeOpenInput = { discrepancy_id: number, user: string, };

export type DisputeCase = { id: number, state: string, title: string, affiliate_id: string, amount_claimed: string, currency: string, sla_due_at_ms: number, };

export type DashboardAlert = { affiliate_id: string, affiliate_name: string, open_flags: number, high_flags: number, unreconciled: string, currency: string, };
