// Generated from crates/core/src/api by `UPDATE_BINDINGS=1 cargo test -p affops-core --test it bindings`.
// Do not edit: a test fails when this file is stale.

export type ErrorCode = "invalid_input" | "not_found" | "unauthenticated" | "forbidden" | "conflict" | "source_failed" | "storage" | "internal";

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
 * Sum of first-time deposits in the program currency, as an exact decimal string ("1234.50"); deposits in
 * other currencies are converted at their day's rate from the FX table (see `Dashboard::unconverted`).
 */
ftd_amount: string, 
/**
 * The same amount in micros (10^-6 of the currency unit), as a decimal integer string, for exact sorting.
 */
ftd_amount_micros: string, 
/**
 * The share of the affiliate's conversions in the period that arrived by pixel (see `coverage`), two
 * decimals, half-up; absent when it had no conversion (and on totals and Forex rows).
 */
pixel_percent?: string, };

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

export type ProgramSummary = { 
/**
 * Unique in the workspace; what every program-scoped command takes as `program`.
 */
name: string, 
/**
 * igaming or forex.
 */
vertical: Vertical, 
/**
 * ISO 4217 currency of its money.
 */
currency: string, 
/**
 * IANA zone of its reporting days.
 */
timezone: string, affiliates: number, players: number, 
/**
 * Trading accounts (Forex; 0 for iGaming).
 */
accounts: number, 
/**
 * The days that hold its data, if any.
 */
data_range: Period | null, 
/**
 * True for the program commands act on when none is named (the first iGaming program, else the first).
 */
is_default: boolean, 
/**
 * Its brands' names (an operator's casinos or sportsbooks; a broker's labels), by name.
 */
brands: Array<string>, 
/**
 * Whether it holds data: its vertical, currency and time zone can no longer change.
 */
settings_fixed: boolean, };

export type ProgramSettings = { 
/**
 * 1 to 80 characters, unique in the workspace.
 */
name: string, vertical: Vertical, 
/**
 * ISO 4217 code (e.g. EUR): the program's money.
 */
currency: string, 
/**
 * IANA zone (e.g. Europe/Malta) in which its reporting days start and end.
 */
timezone: string, 
/**
 * Brand names to add (at most 50; existing ones stay).
 */
brands: Array<string>, };

export type EditProgramRequest = { program: string, settings: ProgramSettings, };

export type TradingRow = { affiliate_id: string, affiliate_name: string, accounts_opened: number, active_accounts: number, trades: number, lots: string, };

export type TradingSummary = { 
/**
 * Accounts opened in the period (their client's registration day).
 */
accounts_opened: number, 
/**
 * Accounts that opened at least one trade in the period.
 */
active_accounts: number, 
/**
 * Opening trades (BUY/SELL deals entering a position).
 */
trades: number, 
/**
 * Lots traded (volume / contract size; cent accounts 1/100), exact decimal, 2 places half-up.
 */
lots: string, 
/**
 * Per IB: accounts opened, active accounts, trades and lots, sorted by lots (largest first).
 */
rows: Array<TradingRow>, };

export type Dashboard = { program: string, 
/**
 * igaming or forex: a Forex program's funnel has no FTDs; its trading is in `trading`.
 */
vertical: Vertical, currency: string, timezone: string, period: Period, rows: Array<AffiliateRow>, totals: AffiliateRow, 
/**
 * Daily FTDs (iGaming) or opening trades (Forex) over the period, rendered by plotters as a standalone SVG.
 */
daily_ftd_svg: string, freshness: Array<SourceFreshness>, 
/**
 * A Forex program's accounts, trades and lots over the period; None for iGaming.
 */
trading: TradingSummary | null, 
/**
 * Set when some affiliates' conversions arrive mostly by pixel (the Coverage screen's warning).
 */
pixel_warning?: string, 
/**
 * FTD amounts in other currencies with no rate in the FX table for their day: left out of the amounts above.
 */
unconverted: Array<UnconvertedAmount>, };

export type Dimension = "affiliate" | "sub_id" | "country" | "brand" | "day" | "week" | "month";

export type BreakdownQuery = { from?: string, to?: string, dimension: Dimension, affiliate?: string, };

export type Change = { previous: string, change: string, change_percent: string | null, };

export type RowChange = { clicks: Change, registrations: Change, ftds: Change, deposits: Change, ngr: Change, 
/**
 * Null when the row's commission or the previous one's cannot be attributed (see `commission`).
 */
commission: Change | null, 
/**
 * Forex only.
 */
lots: Change | null, };

export type BreakdownRow = { 
/**
 * Unique within the breakdown: the affiliate's id, "affiliate/sub", the country or brand code, the day, the
 * week's Monday, or the month (YYYY-MM). Empty for the totals.
 */
key: string, 
/**
 * What the table shows: the affiliate's name, the sub-ID ("(none)"), the country ("(unknown)"), the brand
 * ("(no brand)"), the day, "week of …" or the month.
 */
label: string, 
/**
 * The affiliate of an affiliate or sub-ID row.
 */
affiliate_id: string | null, affiliate_name: string | null, clicks: number, registrations: number, ftds: number, 
/**
 * Deposits (every deposit, FTDs included) of attributed players.
 */
deposits: string, deposits_micros: string, 
/**
 * NGR = bets − wins − bonuses − chargebacks − fees − taxes of attributed players' daily activity.
 */
ngr: string, ngr_micros: string, 
/**
 * Commission the ledger holds for the commission periods lying wholly inside the row's span (affiliate and
 * time rows, and the totals); null where it cannot be attributed exactly (sub-ID, country, brand rows; a
 * time row shorter than a commission period).
 */
commission: string | null, commission_micros: string | null, 
/**
 * commission / FTDs rounded half-up to the currency's minor units; null without FTDs or commission.
 */
ecpa: string | null, ecpa_micros: string | null, 
/**
 * Forex: lots traded (opening trades; 2 places, half-up); null for iGaming.
 */
lots: string | null, 
/**
 * Forex: client accounts that opened a trade; null for iGaming.
 */
trading_clients: number | null, 
/**
 * Against the previous period; null for the first time row when the previous period holds nothing.
 */
change: RowChange | null, };

export type Breakdown = { program: string, vertical: Vertical, currency: string, timezone: string, dimension: Dimension, 
/**
 * The affiliate looked inside, if any.
 */
affiliate: string | null, period: Period, 
/**
 * The same number of days just before `period`.
 */
previous_period: Period, rows: Array<BreakdownRow>, totals: BreakdownRow, 
/**
 * The commission periods whose ledger entries the totals count (those wholly inside the period).
 */
commission_periods: Array<Period>, 
/**
 * How this breakdown attributes commission, in a sentence.
 */
commission_note: string, 
/**
 * The largest changes (NGR; Forex: lots) as horizontal bars, rendered by plotters as a standalone SVG.
 */
movers_svg: string, 
/**
 * Deposits in other currencies the FX table has no rate for on their day (up to 7 days before): left out of
 * the period's deposits and NGR, never counted as zero. Amounts in other currencies that have a rate are
 * converted at their day's rate.
 */
unconverted: Array<UnconvertedAmount>, };

export type CohortQuery = { months?: number, affiliate?: string, };

export type CohortMonth = { k: number, 
/**
 * YYYY-MM.
 */
month: string, 
/**
 * Players of the cohort with a deposit, or a day with deposits or bets, in the month.
 */
active_players: number, 
/**
 * active_players per 100 of the cohort, 2 places half-up.
 */
retention_percent: string, cumulative_deposits_per_player: string, cumulative_deposits_per_player_micros: string, cumulative_ngr_per_player: string, cumulative_ngr_per_player_micros: string, 
/**
 * The cohort's cumulative NGR (not per player), exact.
 */
cumulative_ngr: string, cumulative_ngr_micros: string, };

export type CohortRow = { 
/**
 * YYYY-MM of registration (the program's reporting days).
 */
cohort: string, players: number, 
/**
 * CPA and CPL booked for these players (see [`ACQUISITION_LINES`]), program currency.
 */
commission: string, commission_micros: string, 
/**
 * k = 0 up to the months elapsed until the program's last month with data (at most the view's months − 1).
 */
months: Array<CohortMonth>, 
/**
 * The first k where the cohort's cumulative NGR ≥ its commission; null when not yet, or nothing was booked.
 */
payback_month: number | null, };

export type Cohorts = { program: string, vertical: Vertical, currency: string, affiliate: string | null, 
/**
 * The program's last month with data (YYYY-MM); cohorts and curves end there. Null when there is no data.
 */
last_month: string | null, 
/**
 * Newest registration month first.
 */
cohorts: Array<CohortRow>, 
/**
 * Cumulative NGR per player by months since registration, one line per cohort.
 */
ltv_svg: string, 
/**
 * Deposits in other currencies the FX table has no rate for on their day (up to 7 days before): left out of
 * the cohorts' deposits and NGR, never counted as zero. Those with a rate convert at their day's rate.
 */
unconverted: Array<UnconvertedAmount>, };

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
steps_done: number, steps_total: number, 
/**
 * An import's bytes read and the file's size (for a percentage), when the job reads a file.
 */
bytes_done: number | null, bytes_total: number | null, 
/**
 * Rows per second so far, when the job measures it.
 */
rows_per_second: number | null, 
/**
 * The same, in words, for logs and the CLI.
 */
message: string, };

export type StreamSyncResult = { source: string, stream: string, pages: number, rows_fetched: number, rows_inserted: number, rows_updated: number, rows_quarantined: number, };

export type SyncSummary = { streams: Array<StreamSyncResult>, elapsed_ms: number, };

export type SourceSettings = { name: string, 
/**
 * `everflow`, `affise`, `tune` or `operator`.
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

export type SourceView = { name: string, 
/**
 * The program it feeds (set when it was added: the program the session was on).
 */
program: string, kind: string, base_url: string, since: string | null, window_days: number, page_size: number, overlap_minutes: number, enabled: boolean, 
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
s2s_percent: string, pixel_percent: string, batch_percent: string, api_percent: string, 
/**
 * The share of the tracker's payout for these conversions (in the program's currency) that rests on pixel
 * conversions: the money that disappears when browsers block the pixel. Two decimals, half-up.
 */
pixel_payout_percent: string, };

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

export type ImportPreset = "clicks" | "registrations" | "activity" | "deposits" | "claims" | "affiliates" | "symbols" | "accounts" | "deals" | "conversions" | "withdrawals" | "bonuses" | "ip_countries";

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

export type MissingSignal = { 
/**
 * The rule, as the fraud settings name it (`multi_accounting`, `click_flooding`, …).
 */
rule: string, 
/**
 * The preset's fields the rule reads: any one of them filled would let it run.
 */
fields: Array<string>, 
/**
 * For people, e.g. `click flooding cannot run: no ip or sub1 mapped`.
 */
message: string, };

export type IgnoredSignal = { 
/**
 * The preset's field (`device_id`, `email`, `ip`, `office_ips`, …).
 */
field: string, 
/**
 * `placeholder`, `not_an_address`, `private_ip`, `not_an_ip` or `not_a_country`.
 */
reason: string, count: number, 
/**
 * The first value ignored, as the file wrote it (empty for emails: an address is never repeated back).
 */
example: string, 
/**
 * The file row it was in (spreadsheet numbering).
 */
first_row: number, 
/**
 * For people, e.g. `device_id: 1,204 placeholder values ignored (first: 'unknown', row 3)`.
 */
message: string, };

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
 * Optional fields left empty: not mapped and no column of their own name, or cleared with `@const:`.
 */
unmapped_optional: Array<string>, rows: Array<PreviewRow>, 
/**
 * Detection rules the file cannot feed: each field they need is unmapped or empty in every row of the file.
 */
missing_signals: Array<MissingSignal>, 
/**
 * Signal values of the previewed rows that the import would ignore (the rows import all the same).
 */
ignored_signals: Array<IgnoredSignal>, };

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
already_imported: boolean, 
/**
 * Detection rules this file cannot feed (see [`MissingSignal`]). Filled by the call that imports: from the
 * mapping, and from the rows when this call read every row (not on a resumed run or an already imported
 * file, which judge by the mapping alone); empty in the list of past runs.
 */
missing_signals: Array<MissingSignal>, 
/**
 * Signal values the run ignored, per field and reason, counted over every row it wrote (kept with the run,
 * so a resumed run and the list of past runs show them too).
 */
ignored_signals: Array<IgnoredSignal>, };

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

export type PriorityMode = "click_wins" | "promo_wins" | "promo_wins_except_sub_affiliate";

export type ClickSelection = "first" | "last";

export type AttributionRules = { 
/**
 * Use the click id carried from click to registration (the strongest key).
 */
click_id: boolean, 
/**
 * Use the operator's btag (`a<affiliate>-…`) when no known click is carried.
 */
btag: boolean, 
/**
 * Use the affiliate's promo code entered at sign-up.
 */
promo_code: boolean, priority: PriorityMode, 
/**
 * Clicks more than this many days before registration do not earn (exactly N days still earns). 1..=365.
 */
post_click_window_days: number, 
/**
 * First or last touch among a player's candidate clicks (analysis only).
 */
click_selection: ClickSelection, 
/**
 * Clicks from the player's IP (and the carried click's user agent) this many hours before registration are
 * candidate touches for analysis only, never for payout. 0 turns the fallback off; at most 720.
 */
ip_ua_window_hours: number, 
/**
 * Once a player is attributed, a later decision naming another affiliate keeps the first.
 */
keep_first_referrer: boolean, };

export type RuleVersionView = { id: number | null, 
/**
 * First registration day the version applies to; null for the built-in default.
 */
effective_from: string | null, created_by: string, created_at_ms: number | null, rules: AttributionRules, };

export type AttributionRulesView = { program: string, current: RuleVersionView, versions: Array<RuleVersionView>, };

export type RuleFieldError = { field: string, message: string, };

export type SaveRulesResult = { saved: RuleVersionView | null, errors: Array<RuleFieldError>, };

export type KeyKind = "click_id" | "btag" | "promo_code";

export type CandidateOutcome = "won" | "agrees" | "rejected";

export type KeyCandidate = { kind: KeyKind, value: string, 
/**
 * The affiliate the key names, when it names a known one.
 */
affiliate: string | null, outcome: CandidateOutcome, 
/**
 * Why, in a sentence fragment: "click priority", "41 days before registration, window 30".
 */
reason: string, };

export type TouchView = { click_id: string, affiliate: string, clicked_at_ms: number, 
/**
 * `carried` (the player's own click id) or `ip_ua` (same IP and user agent before registration).
 */
matched_by: string, };

export type TouchAnalysis = { selection: ClickSelection, touches: Array<TouchView>, 
/**
 * The affiliate the selected touch belongs to, if any touch exists.
 */
selected_affiliate: string | null, };

export type Explanation = { player: string, 
/**
 * The attributed affiliate's external id; null = organic.
 */
affiliate: string | null, matched_kind: KeyKind | null, matched_value: string | null, 
/**
 * The rule that decided, in words: "click id is the strongest key", "promo priority", "no valid key".
 */
rule: string, rule_version_id: number | null, rules_effective_from: string | null, candidates: Array<KeyCandidate>, 
/**
 * The earlier affiliate kept although the keys now name another.
 */
first_referrer_kept: boolean, analysis: TouchAnalysis, 
/**
 * Set when a dispute re-attributed the player: "case #7: …, by ana"; the keys above are what the rules saw.
 */
overridden_by?: string, };

export type PlayerExplanation = { explanation: Explanation, 
/**
 * The same, as readable text (one line per fact).
 */
text: string, decided_at_ms: number, 
/**
 * The FTD instant that locked the decision; null while it may still change.
 */
locked_at_ms: number | null, };

export type AttributionRunSummary = { 
/**
 * Unlocked players examined.
 */
examined: number, 
/**
 * Decisions written because something changed (0 on a repeated run).
 */
changed: number, 
/**
 * Decisions locked by an FTD in this run.
 */
locked: number, attributed: number, organic: number, 
/**
 * Promo codes learned from tracker conversions in this run.
 */
promo_codes_learned: number, };

export type AffiliateProfile = { external_id: string, name: string, parent: string | null, status: string, sub_affiliates: Array<string>, promo_codes: Array<string>, 
/**
 * Players attributed to the affiliate (all time).
 */
attributed_players: number, 
/**
 * Over the period, from the daily rollups.
 */
registrations: number, ftds: number, approved_conversions: number, ftd_amount: string, };

export type AffiliatesPage = { period: Period, rows: Array<AffiliateProfile>, };

export type AttributedPlayer = { external_id: string, registered_day: string, key_kind: KeyKind, key_value: string, locked: boolean, };

export type PlanAssignmentView = { plan: string, effective_from: string, 
/**
 * True for a program-wide default assignment, false for the affiliate's own.
 */
program_default: boolean, assigned_by: string, assigned_at_ms: number, };

export type AffiliateIdentifier = { 
/**
 * `ip`, `email_hash`, `payment_hash` or `device_id`.
 */
kind: string, 
/**
 * As stored: the IP or device id itself; for an email or a raw instrument, its hash.
 */
value: string, 
/**
 * What a person recognises it by: `j…@gmail.com`, `…3000`, the IP.
 */
hint: string, 
/**
 * `file` (an affiliates file), `user` (added in the app or the CLI), `profile` (the affiliate's contact email
 * from the tracker or the file), or '' (stored before origins were kept).
 */
origin: string, 
/**
 * The file's name, or the person who added it.
 */
origin_ref: string, added_at_ms: number, };

export type AffiliateDetail = { profile: AffiliateProfile, 
/**
 * The most recent players (at most `PLAYERS_MAX`), newest first.
 */
players: Array<AttributedPlayer>, players_total: number, 
/**
 * Every commission plan assignment that applies to the affiliate, oldest first: its own and the program
 * default's (the engine uses the affiliate's own latest assignment on a day, else the default's).
 */
plan_history: Array<PlanAssignmentView>, 
/**
 * The affiliate's own identifiers, which self-referral compares their players against.
 */
identifiers: Array<AffiliateIdentifier>, };

export type TouchModel = "first" | "last" | "position" | "decay";

export type MultiTouchRow = { affiliate: string, name: string, touches: number, first: string, last: string, position: string, decay: string, 
/**
 * What the payout attribution (the stored decisions) gives the affiliate, for comparison.
 */
payout_attribution: string, };

export type MultiTouchReport = { period: Period, currency: string, half_life_hours: number, 
/**
 * FTDs in the period (program currency) with at least one touch.
 */
conversions: number, 
/**
 * FTDs without any touch (organic or promo/btag only): their value is credited to nobody.
 */
untouched_conversions: number, total: string, rows: Array<MultiTouchRow>, };

export type PlanValidationError = { 
/**
 * e.g. `versions[0].components[1].tiers.tiers[2].from`.
 */
path: string, reason: string, };

export type PlanSummary = { name: string, description: string, currency: string, 
/**
 * `half_up`, `half_even` or `down`.
 */
rounding: string, 
/**
 * Of the latest version: `cpa`, `revshare`, `hybrid`, `cpl`, `ib_rebate`, `sub_affiliate`, or a `+` list.
 */
kind: string, version_count: number, latest_effective_from: string, 
/**
 * Affiliates with an assignment to this plan (any date).
 */
assigned_affiliates: number, 
/**
 * Whether the plan is (or was) the program default for affiliates without their own assignment.
 */
is_program_default: boolean, };

export type PlanVersionView = { plan: string, version_no: number, effective_from: string, 
/**
 * SHA-256 of the version's canonical JSON.
 */
content_hash: string, kind: string, hold_days: number, min_payout: string | null, negative_carryover: boolean, 
/**
 * One sentence per component, e.g. "RevShare 25% of NGR = bets - wins - bonuses".
 */
components: Array<string>, 
/**
 * The version as the plan file holds it (pretty JSON), for a read-only view.
 */
body_json: string, };

export type PlanDetail = { summary: PlanSummary, versions: Array<PlanVersionView>, };

export type PlanImportResult = { saved: boolean, errors: Array<PlanValidationError>, plan: PlanSummary | null, 
/**
 * Versions newly saved by this import (already saved identical versions are skipped).
 */
new_versions: Array<number>, };

export type CommissionProblem = { 
/**
 * `no_plan`, `unknown_affiliate`, `unknown_player`, `unknown_symbol`, `unknown_currency`, `overflow`.
 */
kind: string, subject: string, detail: string, };

export type CurrencyTotal = { currency: string, amount: string, amount_micros: string, };

export type ComputeResult = { program: string, 
/**
 * `YYYY-MM`.
 */
period_label: string, period: Period, 
/**
 * `open` or `closed`.
 */
status: string, affiliates: number, lines: number, 
/**
 * Ledger entries written by this run (0 when nothing changed since the last run).
 */
entries_posted: number, 
/**
 * Of those, corrections of closed periods (late events) booked into this one.
 */
late_corrections: number, 
/**
 * Payable per currency (after carryovers).
 */
totals: Array<CurrencyTotal>, problems: Array<CommissionProblem>, 
/**
 * SHA-256 of the canonical result: identical inputs give the identical hash, on any machine or zone.
 */
result_hash: string, elapsed_ms: number, };

export type PeriodView = { period_label: string, period: Period, status: string, result_hash: string | null, statement_hash: string | null, closed_at_ms: number | null, };

export type DrillEvent = { 
/**
 * `registration` (a player), `deposit` (a money movement), `activity` (a player's daily rows over a day
 * range), `trading` (an account's deals over a day range), `affiliate` (a sub-affiliate's lines).
 */
kind: string, 
/**
 * The row id of that kind (players.id, money_movements.id, forex_accounts.id, affiliates.id).
 */
id: string, 
/**
 * A day or a `from..to` range.
 */
day: string, detail: string, };

export type DrillItem = { 
/**
 * A player's or sub-affiliate's external id.
 */
subject: string, amount: string, note: string, events: Array<DrillEvent>, };

export type StatementLine = { 
/**
 * `cpa`, `cpl`, `revshare`, `ib_rebate`, `ib_override`, `sub_affiliate`, `cap`, `carry_in`, `carry_out`,
 * `waiver`, `adjustment`, `clawback`…
 */
line_key: string, 
/**
 * For people: "CPA", "Negative balance carried forward"…
 */
label: string, 
/**
 * Ledger kind: `commission`, `adjustment`, `reversal`, `clawback`, `carryover`, `waiver`.
 */
kind: string, rule: string, plan: string | null, plan_version_no: number | null, 
/**
 * `pending`, `approved` or `void`.
 */
status: string, 
/**
 * The reason code of the entry: `computed`, `recomputed`, `late_event`, `manual`…
 */
reason: string, 
/**
 * The period whose activity the line is about (differs from the statement's for late events).
 */
origin_period: string, amount: string, amount_micros: string, 
/**
 * The ledger entries summed into this line.
 */
entry_ids: Array<string>, 
/**
 * Until this day the line is on hold (not approvable).
 */
approvable_from: string, drilldown: Array<DrillItem>, 
/**
 * Where its money stands in payouts: "" (not in a run), "run 7" (in a run not paid yet), "paid (run 7)",
 * "returned (run 7)".
 */
payout: string, };

export type Statement = { program: string, affiliate_id: string, affiliate_name: string, period_label: string, period: Period, period_status: string, currency: string, lines: Array<StatementLine>, 
/**
 * Commission lines (incl. cap and late corrections) before carryovers.
 */
subtotal: string, carried_in: string, carried_out: string, 
/**
 * What is owed for this period: subtotal + carried_in + carried_out (+ waiver).
 */
payable: string, payable_micros: string, 
/**
 * SHA-256 of the statement's canonical JSON (this struct without the hash, the statuses, the FX snapshot
 * and the payee: what is owed, not how it is paid).
 */
statement_hash: string, 
/**
 * The period's FX snapshot, each rate with its source and date ("1 EUR = 1.0842 USD (ECB, 2026-10-31)").
 */
fx_snapshot: Array<string>, 
/**
 * The payee details in use: method, masked account and details version ("SEPA DE89 •••• 3000, details
 * 3f2a…"); none when no details are approved.
 */
payee: string | null, };

export type QualificationCriterion = { 
/**
 * `first_deposit`, `wagering`, `lots`, `trades`, `baseline`, `window`.
 */
name: string, required: string, actual: string, passed: boolean, passed_on: string | null, };

export type QualificationChecklist = { player_id: string, affiliate_id: string | null, plan: string | null, plan_version_no: number | null, as_of: string, criteria: Array<QualificationCriterion>, qualified_on: string | null, 
/**
 * Why there is no checklist (organic player, no plan, no CPA component), when so.
 */
note: string, };

export type PlanPreviewRow = { affiliate_id: string, affiliate_name: string, 
/**
 * The plan the affiliate is on for the period (its own assignment or the program default), if any.
 */
current_plan: string | null, current_version_no: number | null, 
/**
 * What the current plan paid (computed the same way, before carryovers).
 */
current: string, current_micros: string, 
/**
 * What the previewed version would have paid.
 */
proposed: string, proposed_micros: string, 
/**
 * proposed - current.
 */
difference: string, difference_micros: string, };

export type PlanPreview = { plan: string, 
/**
 * The previewed version's effective date (the file's last version).
 */
effective_from: string, period_label: string, period: Period, currency: string, errors: Array<PlanValidationError>, rows: Array<PlanPreviewRow>, total_current: string, total_proposed: string, problems: Array<CommissionProblem>, };

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
 * open, confirmed, dismissed or superseded.
 */
status?: string, 
/**
 * Words the affiliate's name or id, or the flag's summary, contain (any case). The flat list only.
 */
text?: string, 
/**
 * The order of the flat list: affiliate, pattern, severity, score (the default), status, amount or
 * created; ties by flag id.
 */
sort?: string, 
/**
 * Largest first (the default for score, severity, amount and created).
 */
descending?: boolean, 
/**
 * The page of the flat list: rows skipped, rows read (none: every row).
 */
offset?: number, limit?: number, };

export type FlagRow = { id: number, program: string, 
/**
 * The tracker's affiliate id ("" when no affiliate is involved).
 */
affiliate_id: string, affiliate_name: string, rule: string, pattern: string, severity: string, score: number, 
/**
 * confirmed or dismissed (the latest decision; decisions survive revisions), else superseded (the latest
 * revision no longer holds), else open.
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
 * Commission the engine pays for the flagged players in the open periods (see `detect::stake`), exact decimal.
 */
amount_at_stake: string, currency: string, 
/**
 * The latest revision (1 = as first found); severity, score, summary, evidence and items are its.
 */
revision: number, 
/**
 * found, updated, superseded or reopened: what the latest revision did.
 */
revision_state: string, 
/**
 * Why the latest revision superseded the flag ("" otherwise).
 */
revision_reason: string, revised_at_ms: number, 
/**
 * The revision the latest decision was taken against (None: undecided). Below `revision`: the evidence
 * changed after the decision.
 */
decided_revision: number | null, };

export type FlagPage = { rows: Array<FlagRow>, total: number, offset: number, patterns: Array<string>, };

export type FlagDecisionInput = { flag_id: number, decision: Decision, comment: string, };

export type FlagDecisionRow = { decision: string, comment: string, user: string, decided_at_ms: number, 
/**
 * The revision of the flag the decision was taken against.
 */
revision: number, };

export type FlagRevisionRow = { revision: number, 
/**
 * found, updated, superseded or reopened.
 */
state: string, severity: string, score: number, summary: string, evidence_json: string, 
/**
 * Records this revision names.
 */
items: number, reason: string, at_ms: number, };

export type FlagGroup = { 
/**
 * The tracker's affiliate id ("" when no affiliate is involved).
 */
affiliate_id: string, affiliate_name: string, rule: string, pattern: string, 
/**
 * Flags in the group (those matching the filter).
 */
flags: number, 
/**
 * Records they name, counted once.
 */
items: number, highest_severity: string, max_score: number, 
/**
 * What the engine pays for all the group's players in the open periods (each player once), exact decimal.
 */
amount_at_stake: string, currency: string, 
/**
 * The highest-scored flag's summary.
 */
example: string, newest_at_ms: number, 
/**
 * The group's flags, highest score first: what a bulk decision on the group decides.
 */
flag_ids: Array<number>, };

export type FlagBulkDecisionInput = { flag_ids: Array<number>, decision: Decision, comment: string, };

export type FlagBulkDecisionResult = { 
/**
 * Flags that got the decision.
 */
decided: number, 
/**
 * Flags that already had it (nothing recorded for them).
 */
unchanged: number, 
/**
 * Commission moved by confirming or lifting exclusions, per period ("2026-10: -35.00 EUR").
 */
moved: Array<string>, };

export type AllowEntry = { id: number, 
/**
 * ip_range or sub_id.
 */
kind: string, 
/**
 * A CIDR block (canonical: `100.64.0.0/10`, one address as `/32`), or `<affiliate id>|<sub1>`.
 */
value: string, 
/**
 * The rule it applies to; "" for every rule that reads its kind.
 */
rule: string, reason: string, 
/**
 * The flag it was made from.
 */
flag_id: number | null, created_by: string, created_at_ms: number, revoked_by: string | null, revoked_at_ms: number | null, revoke_reason: string | null, };

export type AllowEntryInput = { 
/**
 * ip_range or sub_id.
 */
kind: string, value: string, 
/**
 * "" for every rule that reads the kind.
 */
rule: string, reason: string, 
/**
 * The (dismissed) flag the entry is made from, if any.
 */
flag_id: number | null, };

export type AllowRevokeInput = { id: number, reason: string, };

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

export type Investigation = { flag: FlagRow, decisions: Array<FlagDecisionRow>, 
/**
 * Every revision of the flag, first first.
 */
revisions: Array<FlagRevisionRow>, timeline: Array<TimelineEvent>, shared: Array<SharedIdentifier>, 
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
 * Flags whose evidence changed (a new revision).
 */
flags_updated: number, 
/**
 * Flags the rule no longer finds on all the data (out of the open queue, kept with why).
 */
flags_superseded: number, flags_reopened: number, 
/**
 * Why the rule failed and on which rows; the other rules still ran.
 */
error?: string, };

export type DetectRunSummary = { run_id: number, flags_created: number, flags_updated: number, flags_superseded: number, flags_reopened: number, 
/**
 * Nothing had arrived and no setting had changed since the previous run: no rule ran.
 */
skipped: boolean, rules: Array<RuleRunRow>, };

export type BacktestRequest = { rule?: string, 
/**
 * `key=value` threshold overrides.
 */
settings: Array<string>, };

export type BacktestAffiliate = { affiliate_id: string, affiliate_name: string, findings: number, 
/**
 * Commission the engine pays this affiliate for the findings' players in the open periods, exact decimal.
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
period: string, reason?: string, affiliate?: string, 
/**
 * The first row to return (0-based) of the filtered rows.
 */
offset?: number, 
/**
 * At most this many rows: one page (none: every row — the CLI and the CSV export).
 */
limit?: number, };

export type ReconRow = { id: number, reason: string, affiliate_id: string, affiliate_name: string, conversion_ref: string, transaction_id: string, player_ref: string, deposit_ref: string, tracker_amount: string | null, operator_amount: string | null, 
/**
 * Payout at stake: positive = owed to the affiliate, negative = over-paid.
 */
impact: string, currency: string, detail: string, };

export type ReconAffiliateTotal = { affiliate_id: string, affiliate_name: string, tracker_conversions: number, operator_ftds: number, discrepancies: number, impact: string, currency: string, };

export type ReasonCount = { reason: string, count: number, };

export type ReconReport = { period: string, program: string, totals: Array<ReconAffiliateTotal>, 
/**
 * Rows per reason code, of the whole month (the affiliate filter applies, the reason filter and the page do
 * not).
 */
reasons: Array<ReasonCount>, 
/**
 * The rows of the page asked for (all of them without `limit`), by reason then id.
 */
rows: Array<ReconRow>, 
/**
 * How many rows match the reason and affiliate filters, and where `rows` start among them.
 */
total_rows: number, offset: number, 
/**
 * When the month was last reconciled (none: never, so no rows says nothing yet), and by whom.
 */
reconciled_at_ms: number | null, reconciled_by: string, };

export type OpenedFrom = "manual" | "discrepancy" | "flag" | "statement_line" | "player" | "conversion" | "claim";

export type DisputeOpenRequest = { from: OpenedFrom, 
/**
 * The source record (see [`OpenedFrom`]); empty for a case opened by hand.
 */
reference: string, 
/**
 * The claimant's affiliate id (required by hand, from a player, from a statement line).
 */
affiliate: string, 
/**
 * `YYYY-MM` the claim is about.
 */
period: string, title: string, description: string, 
/**
 * The amount the affiliate claims, in the program's currency (a decimal).
 */
amount: string, };

export type DisputeFilter = { state?: string, affiliate?: string, 
/**
 * A person's sign-in name; `-` for cases nobody owns.
 */
owner?: string, reason?: string, 
/**
 * Only cases past their due date that are not resolved.
 */
overdue: boolean, 
/**
 * Words the case's title, affiliate name or id, owner, reason or period contain (any case); a number (`12`
 * or `#12`) also finds that case.
 */
text?: string, 
/**
 * The order (`CASE_SORTS`): id, title, state, affiliate, owner (unowned first), due (the default: soonest
 * first, resolved cases last), claimed, granted (amounts exactly), period or updated; ties by case id,
 * oldest first.
 */
sort?: string, 
/**
 * Largest or newest first (the default for id, claimed, granted, period and updated).
 */
descending?: boolean, 
/**
 * Cases skipped (0 when none; past the last matching case is refused).
 */
offset?: number, 
/**
 * Cases read: 200 when none, at most 1000; 0 reads only the counts.
 */
limit?: number, };

export type DisputeRow = { id: number, title: string, 
/**
 * open, investigating, awaiting_operator, accepted, partly_accepted or rejected.
 */
state: string, affiliate_id: string, affiliate_name: string, 
/**
 * The owner's sign-in name; empty when nobody owns it.
 */
owner: string, reason: string, period: string, opened_from: string, amount_claimed: string, 
/**
 * What the case has granted so far.
 */
granted: string, currency: string, due_at_ms: number, 
/**
 * on_time, near_due (under two days left), overdue, or resolved.
 */
due: string, created_at_ms: number, updated_at_ms: number, };

export type DisputeAffiliate = { affiliate_id: string, affiliate_name: string, cases: number, open: number, overdue: number, };

export type DisputesPage = { rows: Array<DisputeRow>, 
/**
 * Cases matching the filter and the search, in all; the page starts at `offset` of them.
 */
total: number, offset: number, 
/**
 * Cases not resolved, and those of them overdue (whatever the filter).
 */
open: number, overdue: number, 
/**
 * The program's SLA as people read it ("10 business days").
 */
sla: string, 
/**
 * Every affiliate with a case in the program, by name (whatever the filter): the filter's choices and the
 * dashboard's counts.
 */
affiliates: Array<DisputeAffiliate>, 
/**
 * The reasons and the owners (sign-in names) the program's cases have (whatever the filter), sorted.
 */
reasons: Array<string>, owners: Array<string>, };

export type DisputeEventView = { at_ms: number, by: string, 
/**
 * opened, moved, assigned, comment, attached, resolved, reopened, evidence.
 */
event: string, from_state: string, to_state: string, 
/**
 * The comment, the reason, the file: what the timeline shows.
 */
text: string, };

export type DisputeAttachmentView = { id: number, file_name: string, sha256: string, bytes: number, added_by: string, added_at_ms: number, };

export type DisputeOutcomeView = { decision: string, 
/**
 * The case's total grant after this decision.
 */
granted: string, reason: string, 
/**
 * The period whose statement shows the adjustment (empty for a rejection or no change).
 */
booked_period: string, ledger_entry: number | null, decided_by: string, decided_at_ms: number, };

export type EvidenceItem = { 
/**
 * click, player, deposit, conversion, status_history, postback, attribution, qualification, flag,
 * discrepancy, statement_line, raw.
 */
kind: string, title: string, 
/**
 * Where the record came from: "sync everflow/conversions page 3", "file clicks.csv row 17", "postback #42".
 */
source: string, sha256: string, 
/**
 * The record as canonical, pretty JSON.
 */
body: string, };

export type EvidencePackView = { sha256: string, items: number, path: string, made_by: string, made_at_ms: number, };

export type DisputeView = { case: DisputeRow, description: string, 
/**
 * `kind:ref` of what the case is about.
 */
subjects: Array<string>, events: Array<DisputeEventView>, attachments: Array<DisputeAttachmentView>, outcomes: Array<DisputeOutcomeView>, evidence: Array<EvidenceItem>, packs: Array<EvidencePackView>, 
/**
 * The states it may move to now (resolving ones included); `reopen` when resolved.
 */
allowed: Array<string>, 
/**
 * What accepting would grant, from the evidence (the amount claimed when nothing better is known).
 */
proposed_amount: string, 
/**
 * Where an adjustment would land now ("2026-11"; it differs from the case's period when that is closed).
 */
adjustment_period: string, };

export type DisputeMoveRequest = { case_id: number, 
/**
 * investigating, awaiting_operator, or `reopen`.
 */
to: string, 
/**
 * Required to reopen.
 */
reason: string, };

export type DisputeResolveRequest = { case_id: number, decision: string, 
/**
 * The amount granted, program currency (ignored for a rejection); empty: the proposed amount.
 */
amount: string, 
/**
 * Required: it goes back to the affiliate.
 */
reason: string, 
/**
 * Accepting: re-attribute the case's players to the case's affiliate (an audited override shown in each
 * player's explanation); commission follows by recomputing the open periods. With no amount, nothing else is
 * booked.
 */
reattribute: boolean, };

export type DisputeAssignRequest = { case_id: number, 
/**
 * A person's sign-in name; empty to leave it unowned.
 */
owner: string, };

export type DisputeNoteRequest = { case_id: number, text: string, path: string, };

export type DisputeEvidenceRequest = { case_id: number, dir: string, };

export type DisputeFiles = { files: Array<string>, 
/**
 * The zip's SHA-256 (evidence packs) or the PDF's (outcome statements).
 */
sha256: string, items: number, };

export type DisputeSla = { days: number, business_days: boolean, };

export type RawRequest = { kind: string, reference: string, };

export type ClaimsQuery = { 
/**
 * `YYYY-MM`: claims dated in it (by their first deposit, else their registration), and undated claims.
 */
period: string, affiliate?: string, 
/**
 * Only rows with this reason (the counts are of every claim).
 */
reason?: string, };

export type ClaimRowView = { id: number, claim: string, affiliate_id: string, player: string, click: string, ftd_day: string, ftd_amount: string, 
/**
 * confirmed, unknown, tracker_only, other_affiliate, no_deposit, missing_postback, amount_mismatch,
 * outside_window.
 */
reason: string, detail: string, 
/**
 * What the claim is worth to the affiliate if it holds (an estimate for missing postbacks).
 */
impact: string, 
/**
 * The case opened from it, if any.
 */
case_id: number | null, };

export type ClaimReasonCount = { reason: string, count: number, };

export type ClaimsReport = { period: string, currency: string, 
/**
 * When the month's claims were last matched (none: never), and by whom.
 */
matched_at_ms: number | null, matched_by: string, reasons: Array<ClaimReasonCount>, rows: Array<ClaimRowView>, };

export type ClaimCasesRequest = { period: string, affiliate?: string, 
/**
 * Claim ids; empty: every unmatched claim of the period (and affiliate) that has no case yet.
 */
claims: Array<number>, };

export type DashboardAlert = { 
/**
 * The program's name (an affiliate id is unique within its program only).
 */
program: string, affiliate_id: string, affiliate_name: string, open_flags: number, high_flags: number, 
/**
 * `high`, `medium` or `low` among the open flags; '' when none is open.
 */
highest_severity: string, 
/**
 * Payout impact of discrepancies without a dispute, exact decimal.
 */
unreconciled: string, currency: string, };

export type Vertical = "igaming" | "forex";

export type Role = "owner" | "manager" | "finance" | "analyst" | "viewer";

export type Permission = "view" | "users.manage" | "workspace.settings" | "programs.manage" | "sources.manage" | "data.ingest" | "attribution.manage" | "plans.manage" | "commission.compute" | "periods.close" | "detection.run" | "flags.decide" | "reconcile.run" | "disputes.work" | "statements.approve" | "payees.manage" | "payouts.manage" | "payouts.approve" | "workspace.backup";

export type Person = { id: number, 
/**
 * The sign-in name (lower case).
 */
name: string, display_name: string, roles: Array<Role>, active: boolean, 
/**
 * False for a person created before people signed in, until the owner sets a passphrase.
 */
can_sign_in: boolean, 
/**
 * The current Ed25519 verifying key (hex), which approvals are checked against.
 */
public_key: string | null, created_at_ms: number, };

export type PersonChange = { 
/**
 * The sign-in name of the person to change.
 */
name: string, display_name?: string, 
/**
 * The complete new set of roles (not a delta).
 */
roles?: Array<Role>, active?: boolean, };

export type WorkspaceSettings = { 
/**
 * Minutes without activity after which the app locks and asks for the passphrase again.
 */
idle_lock_minutes: number, 
/**
 * A payout run paying this much or more, in its program's currency (a decimal), needs two different
 * finance approvers; below it, one (never the preparer). One number for the workspace, read in each program's
 * own currency: 10000 is 10,000 EUR for a EUR program and 10,000 USD for a USD one.
 */
two_approvals_from: string, 
/**
 * Days the first payment to newly approved payee details is held.
 */
payee_hold_days: number, };

export type DemoPerson = { name: string, display_name: string, roles: Array<Role>, passphrase: string, };

export type SignedIn = { person: Person, permissions: Array<Permission>, 
/**
 * The program the session acts on (none: the default program).
 */
program: string | null, signed_in_at_ms: number, 
/**
 * The UI locks itself after this many minutes without input.
 */
idle_lock_minutes: number, };

export type SessionStatus = { signed_in: SignedIn | null, 
/**
 * Whether anyone can sign in yet (no: the welcome screen offers to create the workspace or open the demo).
 */
has_people: boolean, 
/**
 * The demo's people and passphrases, when this is the demo workspace.
 */
demo_people: Array<DemoPerson>, data_dir: string, };

export type SignInRequest = { name: string, passphrase: string, };

export type CreateWorkspaceRequest = { name: string, display_name: string, passphrase: string, };

export type AddPersonRequest = { name: string, display_name: string, roles: Array<Role>, passphrase: string, };

export type ResetPassphraseRequest = { name: string, passphrase: string, };

export type ChangePassphraseRequest = { current: string, new: string, };

export type AuditRow = { id: number, at_ms: number, 
/**
 * The person's id (none for entries written before people signed in).
 */
user_id: number | null, 
/**
 * The person's sign-in name (or what older entries recorded: `system`, `cli`, `desktop`).
 */
actor: string, 
/**
 * The operation, e.g. `close_period`.
 */
action: string, 
/**
 * The program's name, when the operation acts on one.
 */
program: string, 
/**
 * What was acted on: a kind (`period`, `flag`, `person`…) and its id.
 */
entity: string, entity_id: string, 
/**
 * SHA-256 (hex) of the request as the front door received it.
 */
request_sha256: string, 
/**
 * JSON: what the operation did.
 */
detail: string, prev_hash: string, hash: string, 
/**
 * 1: written before people (no person, program or request digest in the hash); 2: all of them hashed.
 */
format: number, };

export type AuditFilter = { 
/**
 * A person's sign-in name.
 */
actor?: string, 
/**
 * An operation, e.g. `close_period`.
 */
action?: string, 
/**
 * Text found in the object (kind or id), e.g. `period` or `2026-10`.
 */
object?: string, 
/**
 * First and last day (UTC, `YYYY-MM-DD`, inclusive).
 */
from?: string, to?: string, offset: number, 
/**
 * At most [`AUDIT_PAGE_MAX`]; 0 means the maximum.
 */
limit: number, };

export type AuditPage = { 
/**
 * Newest first.
 */
rows: Array<AuditRow>, 
/**
 * Rows matching the filter, all pages.
 */
total: number, 
/**
 * Every person and operation that appears in the log, for the filter menus.
 */
actors: Array<string>, actions: Array<string>, };

export type Broken = { 
/**
 * The first row that does not fit (its id in the store, or its line number in an export).
 */
row: number, reason: string, };

export type VerifyReport = { rows: number, 
/**
 * The last row's hash: what an auditor writes down to pin the chain.
 */
head_hash: string, broken: Broken | null, 
/**
 * People whose row in the store differs from the last state the chain recorded for them.
 */
people_mismatches: Array<string>, ok: boolean, };

export type AuditExportResult = { path: string, rows: number, head_hash: string, };

export type SyncRequest = { full: boolean, };

export type DemoScale = "month" | "full";

export type OpenDemoRequest = { 
/**
 * The world's seed (default: the demo's).
 */
seed?: number, scale: DemoScale, };

export type PlanFormat = "json" | "toml";

export type PlanText = { text: string, format: PlanFormat, };

export type ExportPlanRequest = { name: string, format: PlanFormat, 
/**
 * Where to write it; relative paths land in the workspace's `exports/` folder.
 */
path: string, };

export type PreviewPlanRequest = { text: string, format: PlanFormat, 
/**
 * The month to preview, `YYYY-MM`.
 */
period: string, };

export type AssignPlanRequest = { plan: string, affiliate?: string, 
/**
 * `YYYY-MM-DD`.
 */
effective_from: string, };

export type StatementRequest = { 
/**
 * The tracker's affiliate id.
 */
affiliate: string, 
/**
 * `YYYY-MM`.
 */
period: string, };

export type StatementFormat = "csv" | "html" | "pdf";

export type ExportStatementRequest = { affiliate: string, period: string, format: StatementFormat, path: string, };

export type QualificationRequest = { 
/**
 * The operator's player id.
 */
player: string, 
/**
 * As of the month's last day (`YYYY-MM`); none: as of today in the program's zone.
 */
period?: string, 
/**
 * As of this day (`YYYY-MM-DD`), instead of a month's last day.
 */
as_of?: string, };

export type FxRateInput = { 
/**
 * The period, `YYYY-MM`.
 */
period: string, from: string, to: string, 
/**
 * A positive decimal, e.g. `1.0842`.
 */
rate: string, 
/**
 * Where the rate came from, e.g. `ECB reference rate`.
 */
source: string, 
/**
 * The rate's date, `YYYY-MM-DD`.
 */
as_of: string, };

export type FxImportRequest = { path: string, };

export type FxSetRequest = { 
/**
 * `YYYY-MM-DD`.
 */
day: string, from: string, to: string, 
/**
 * A positive exact decimal, e.g. `1.0823`.
 */
rate: string, };

export type FxListQuery = { from?: string, to?: string, pair?: string, };

export type FxImportSummary = { file_name: string, file_sha256: string, 
/**
 * Data lines read.
 */
rows: number, 
/**
 * Days with at least one rate in the file.
 */
days: number, first_day: string | null, last_day: string | null, 
/**
 * The currency columns of the file.
 */
currencies: Array<string>, 
/**
 * New rows in the FX table (new days, or corrections of a day's rate).
 */
rates_imported: number, 
/**
 * Rates the table already held with the same value (a file imported again changes nothing).
 */
rates_unchanged: number, 
/**
 * `N/A` or empty cells: no rate that day, not an error.
 */
gaps: number, 
/**
 * Rows and cells quarantined, each with its reason.
 */
rejected: Array<FxRejectedRow>, };

export type FxRejectedRow = { 
/**
 * The file's line (1 = the header).
 */
row: number, 
/**
 * `Date`, a currency column, or `row`.
 */
field: string, value: string, reason: string, };

export type FxRateRow = { 
/**
 * `YYYY-MM-DD`.
 */
day: string, base: string, quote: string, 
/**
 * Exact decimal text, as recorded (`1.0823`).
 */
rate: string, 
/**
 * `ECB reference rate`, `manual`, …
 */
source: string, recorded_at_ms: number, recorded_by: string, 
/**
 * Earlier rows of the same day and pair this one supersedes (corrections are new rows).
 */
superseded: number, };

export type FxRateList = { rows: Array<FxRateRow>, 
/**
 * More rows matched than a list returns ([`super::LIST_ROWS_MAX`]): narrow the days or the pair.
 */
truncated: boolean, };

export type UnconvertedAmount = { currency: string, 
/**
 * Exact decimal text in `currency`.
 */
amount: string, amount_micros: string, 
/**
 * Days with such amounts, and the first and last of them.
 */
days: number, first_day: string, last_day: string, };

export type AffiliateRequest = { 
/**
 * The tracker's affiliate id.
 */
affiliate: string, period: DashboardQuery, };

export type SaveRulesRequest = { effective_from: string, rules: AttributionRules, };

export type MultiTouchRequest = { period: DashboardQuery, 
/**
 * Half-life of the time-decay model, in hours.
 */
half_life_hours: number, };

export type PromoCodeRequest = { code: string, affiliate: string, valid_from?: string, valid_to?: string, };

export type AffiliateIdentifierRequest = { 
/**
 * The affiliate's id in the tracker.
 */
affiliate: string, 
/**
 * `ip`, `email`, `payout_instrument` or `device_id` (the stored kinds `email_hash`, `payment_hash` too).
 */
kind: string, 
/**
 * To add: the address, email, IBAN/card number or instrument hash, or device id as typed (an email or a raw
 * instrument is kept only as its hash). To remove: the value as listed, or as typed.
 */
value: string, };

export type Decision = "confirm" | "dismiss";

export type RuleSettingsRequest = { rule: string, settings: Array<string>, };

export type RuleSettingsSaved = { rule: string, version: number, settings_json: string, };

export type ReconExportRequest = { query: ReconQuery, 
/**
 * Where to write the CSV; relative paths land in the workspace's `exports/` folder.
 */
path: string, };

export type ExportedRows = { path: string, rows: number, };

export type ImportPreviewRequest = { path: string, mapping: ColumnMapping, 
/**
 * Rows to show (default 20, at most 200).
 */
rows?: number, };

export type ImportRunRequest = { path: string, 
/**
 * The batch source the file comes from (created in the session's program on first use).
 */
source: string, mapping: ColumnMapping, 
/**
 * Rows per parsed chunk and per transaction (tests use small ones to crash between them).
 */
chunk_rows?: number, tx_rows?: number, };

export type QuarantineRequest = { run_id: number, field?: string, 
/**
 * Text the reason contains.
 */
reason?: string, offset: number, 
/**
 * At most 500.
 */
limit: number, };

export type QuarantineExportRequest = { run_id: number, path: string, };

export type SaveMappingRequest = { name: string, mapping: ColumnMapping, };

export type PostbackSourceRequest = { config: PostbackSourceConfig, secrets: PostbackSecretsInput, };

export type StatementLinesRequest = { affiliate: string, 
/**
 * `YYYY-MM`.
 */
period: string, 
/**
 * The line's key (`cpa`, `revshare`…); none: every line of the statement.
 */
line_key?: string, approve: boolean, 
/**
 * Required to reject: it goes on the statement.
 */
reason: string, };

export type LinesDecision = { affiliate_id: string, period: string, 
/**
 * Ledger entries approved (or voided, on reject).
 */
entries_changed: number, 
/**
 * Entries left as they were, with why (on hold until a day, already approved or voided).
 */
skipped: Array<string>, };

export type RawPayeeDetails = { "method": "sepa", holder: string, iban: string, bic: string | null, } | { "method": "wire", holder: string, account_number: string, bank_name: string, bic: string, bank_country: string, } | { "method": "paypal", email: string, } | { "method": "crypto", network: string, address: string, };

export type ProposePayeeRequest = { affiliate: string, details: RawPayeeDetails, 
/**
 * ISO 4217: what the affiliate is paid in (SEPA: EUR).
 */
currency: string, note: string, };

export type ReviewPayeeRequest = { version_id: number, approve: boolean, 
/**
 * Required to reject.
 */
reason: string, };

export type PayeeVersionView = { id: number, 
/**
 * The tracker's affiliate id and name.
 */
affiliate_id: string, affiliate_name: string, 
/**
 * sepa, wire, paypal or crypto.
 */
method: string, 
/**
 * The details with account numbers masked ("DE89 •••• 3000").
 */
masked: string, 
/**
 * The "payee-details version": SHA-256 of the canonical details.
 */
details_sha256: string, currency: string, proposed_by: string, proposed_at_ms: number, 
/**
 * pending (waiting for a second person), approved, rejected, superseded (a later version was approved).
 */
status: string, reviewed_by: string | null, reviewed_at_ms: number | null, reason: string, 
/**
 * What the proposer wrote for the reviewer ("new bank after the merger, confirmed by phone").
 */
note: string, 
/**
 * For the approved version in use: the first payment to it waits until this instant (new details).
 */
held_until_ms: number | null, };

export type PayeesPage = { versions: Array<PayeeVersionView>, 
/**
 * Proposals waiting for a second person.
 */
pending: number, 
/**
 * Days the first payment to newly approved details is held.
 */
hold_days: number, };

export type PayerRequest = { name: string, iban: string, bic: string, };

export type PayerView = { name: string, iban_masked: string, bic: string, };

export type PrepareRunRequest = { 
/**
 * The closed period it pays, `YYYY-MM` (with the arrears of earlier closed periods).
 */
period: string, 
/**
 * The requested execution day, `YYYY-MM-DD`.
 */
execution_date: string, };

export type ApproveRunRequest = { run_id: number, passphrase: string, };

export type RunRequest = { run_id: number, 
/**
 * Why (cancel), or where a file goes (export): see each operation.
 */
text: string, };

export type SignApprovalRequest = { 
/**
 * The request file.
 */
path: string, 
/**
 * Where the signed file goes (default: beside it, `.signed.json`).
 */
out: string, passphrase: string, };

export type SepaFormat = "pain.001.001.09" | "pain.001.001.03";

export type ExportFilesRequest = { run_id: number, sepa_format: SepaFormat, 
/**
 * The folder the files go to (relative: the workspace's `exports/`).
 */
dir: string, };

export type MarkPaidRequest = { run_id: number, bank_reference: string, 
/**
 * `YYYY-MM-DD`.
 */
paid_on: string, };

export type BankOutcome = "failed" | "returned";

export type BankReturnRequest = { run_id: number, affiliate: string, outcome: BankOutcome, reason: string, };

export type WrittenFile = { path: string, sha256: string, currency: string, format: string, payments: number, };

export type ApprovalOutcome = { run_id: number, approver: string, 
/**
 * False when this approval was already recorded (the same file again): nothing changed.
 */
applied: boolean, 
/**
 * The run's status after it.
 */
status: string, approvals: number, approvals_required: number, };

export type PayoutItemView = { affiliate_id: string, affiliate_name: string, 
/**
 * pay, carried (nothing or too little to pay), held (new payee details waiting, or no FX rate), no_payee.
 */
state: string, 
/**
 * What is paid, in the payee's currency.
 */
amount: string, currency: string, 
/**
 * The ledger's amount it comes from, and the FX snapshot rate that converted it (empty: same currency).
 */
source_amount: string, source_currency: string, fx_rate: string, fx_source: string, fx_as_of: string, payee_method: string, payee_masked: string, payee_details_sha256: string, note: string, 
/**
 * open, paid, failed or returned.
 */
outcome: string, 
/**
 * The statements (period and hash) whose lines it pays.
 */
statements: Array<string>, 
/**
 * What changed since the program's previous run: "new", "+12.50", "new payee details", "".
 */
change: string, };

export type PayoutTotal = { currency: string, amount: string, payments: number, };

export type PayoutApprovalView = { approver: string, signed_at_ms: number, 
/**
 * app (signed in the app) or file (a signed approval file from another machine).
 */
via: string, public_key: string, };

export type PayoutFileView = { currency: string, format: string, file_name: string, sha256: string, payments: number, };

export type PayoutEventView = { event: string, by: string, at_ms: number, detail: string, };

export type PayoutRunView = { id: number, program: string, period: string, 
/**
 * awaiting_approval, approved, exported, paid or cancelled.
 */
status: string, execution_date: string, prepared_by: string, prepared_at_ms: number, content_hash: string, approvals_required: number, approvals: Array<PayoutApprovalView>, items: Array<PayoutItemView>, totals: Array<PayoutTotal>, files: Array<PayoutFileView>, events: Array<PayoutEventView>, bank_reference: string, paid_on: string, 
/**
 * The run this one is compared with (the program's previous run that was not cancelled).
 */
previous_run: number | null, };

export type PayoutRunSummary = { id: number, period: string, status: string, prepared_by: string, prepared_at_ms: number, approvals: number, approvals_required: number, payments: number, totals: Array<PayoutTotal>, 
/**
 * The requested execution day, `YYYY-MM-DD`.
 */
execution_date: string, };

export type PayoutsOverview = { runs: Array<PayoutRunSummary>, payer: PayerView | null, 
/**
 * Runs paying this much or more (program currency) need two approvers.
 */
two_approvals_from: string, payee_hold_days: number, 
/**
 * Payee proposals waiting for a second person.
 */
pending_payees: number, currency: string, };

export type BackupResult = { path: string, bytes: number, 
/**
 * `ok`, from `PRAGMA integrity_check` on the copy.
 */
integrity: string, };

export const ALLOW_KINDS = [{"kind":"ip_range","label":"IP range","rules":["click_flooding","multi_accounting","self_referral","geo_mismatch"]},{"kind":"sub_id","label":"Sub-ID","rules":["click_flooding","click_injection"]}] as const;

export const CASE_SORTS = ["id","title","state","affiliate","owner","due","claimed","granted","period","updated"] as const;
