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
