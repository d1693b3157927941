//! Boundary types of batch CSV import: presets, column mappings, the dry-run preview, runs and quarantine pages.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a file holds, and so which table it lands in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportPreset {
    #[default]
    /// click_id, clicked_at, affiliate_id, sub1..sub5, ip, user_agent, country, landing_url → clicks.
    Clicks,
    /// player_id, registration_date, country, btag, promo_code, click_id, currency, ip, email, device_id,
    /// ip_country → players. The email is kept only as the hash of its normalized form; the registration IP's
    /// country feeds the geo rule.
    Registrations,
    /// player_id, date, currency, deposits, withdrawals, bets, wins, bonuses, chargebacks, fees → daily activity.
    Activity,
    /// deposit_id, player_id, amount, currency, occurred_at, is_ftd, payment_hash → money movements.
    Deposits,
    /// claim_id, affiliate_id, player_id, click_id, registration_date, ftd_date, ftd_amount, currency → an
    /// affiliate's claims (their own report, matched against the tracker and the operator).
    Claims,
    /// affiliate_id, name, parent_id, email, country, manager, office_ips, payout_instrument → the program's
    /// affiliates and sub-affiliates (sub-IBs): a parent is listed before its children (or known already). The
    /// email, office IPs and payout instrument become the affiliate's own identifiers (self-referral); the email
    /// and a raw instrument are kept only as hashes.
    Affiliates,
    /// symbol, contract_size, digits, group → Forex symbols: the contract size measures deals' volumes, the group
    /// is what per-group rebate plans name.
    Symbols,
    /// login, ib_id, currency, account_type (cent/standard), group, registered_at, country → Forex client
    /// accounts (one client each, attributed to its IB).
    Accounts,
    /// The columns of MT5's Deals report: time, deal, login, symbol, type, direction (in/out), volume (lots),
    /// price, commission, swap, profit, position → deals.
    Deals,
    /// conversion_id, affiliate_id, converted_at, status, payout, revenue, currency, event, click_id, player_id,
    /// order_id, sub1, country → a tracker's conversions delivered as a file (arrival = batch).
    Conversions,
    /// withdrawal_id, player_id, amount, currency, occurred_at, payment_hash → money movements of kind
    /// withdrawal (the amount is stored positive whichever sign the file writes).
    Withdrawals,
    /// bonus_id, player_id, amount, currency, occurred_at → money movements of kind bonus (bonus grants).
    Bonuses,
    /// ip_from, ip_to, country → a GeoIP table: every address from ip_from to ip_to is in the country (ip_to
    /// empty: ip_from alone, or a CIDR block `203.0.113.0/24`). Ranges may not overlap.
    IpCountries,
}

impl ImportPreset {
    pub const ALL: [ImportPreset; 13] = [
        Self::Clicks,
        Self::Registrations,
        Self::Activity,
        Self::Deposits,
        Self::Claims,
        Self::Affiliates,
        Self::Symbols,
        Self::Accounts,
        Self::Deals,
        Self::Conversions,
        Self::Withdrawals,
        Self::Bonuses,
        Self::IpCountries,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clicks => "clicks",
            Self::Registrations => "registrations",
            Self::Activity => "activity",
            Self::Deposits => "deposits",
            Self::Claims => "claims",
            Self::Affiliates => "affiliates",
            Self::Symbols => "symbols",
            Self::Accounts => "accounts",
            Self::Deals => "deals",
            Self::Conversions => "conversions",
            Self::Withdrawals => "withdrawals",
            Self::Bonuses => "bonuses",
            Self::IpCountries => "ip_countries",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// One file column feeding one target field. `column` may also be `@row` (a key made of the file's hash and the
/// row number, for files without an id column) or `@const:VALUE` (the same value on every row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ColumnMap {
    pub column: String,
    pub field: String,
}

/// How a file's columns map onto a preset's fields. An empty `columns` list maps every field from the column of
/// the same name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ColumnMapping {
    pub preset: ImportPreset,
    pub columns: Vec<ColumnMap>,
    /// `auto` (default: only forms that read one way), `ymd`, `ymd_hms`, `rfc3339`, `dmy`, `mdy_hm`, `unix_s`,
    /// `unix_ms`.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
    /// One of `,` `;` `|` or `\t`; detected from the header when absent.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
}

/// One row of a dry run: the target fields it maps to, and whether it would be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PreviewRow {
    /// Spreadsheet numbering: the header is row 1.
    pub row: u32,
    /// (target field, cell text) in the preset's field order.
    pub fields: Vec<(String, String)>,
    /// `None` when the row is valid; otherwise why it would be quarantined.
    pub error: Option<String>,
}

/// What a dry run found, without writing anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportPreview {
    pub preset: ImportPreset,
    /// The header as read (after the BOM and any stray leading bytes were removed).
    pub header: Vec<String>,
    pub delimiter: String,
    pub had_bom: bool,
    /// Stray bytes found before the header and skipped, shown escaped (e.g. `..`); empty when none.
    pub junk_prefix: String,
    /// (target field, file column) as resolved against the header.
    pub resolved: Vec<(String, String)>,
    /// Optional fields left empty: not mapped and no column of their own name, or cleared with `@const:`.
    pub unmapped_optional: Vec<String>,
    pub rows: Vec<PreviewRow>,
    /// Detection rules the file cannot feed: each field they need is unmapped or empty in every row of the file.
    pub missing_signals: Vec<MissingSignal>,
    /// Signal values of the previewed rows that the import would ignore (the rows import all the same).
    #[serde(default)]
    pub ignored_signals: Vec<IgnoredSignal>,
}

/// Values of one field that a run read and ignored as a signal, for one reason: placeholder device ids
/// (`unknown`, all zeros), emails that are not addresses, IPs in private or reserved ranges, countries that are
/// none. The rows were imported; only these values were left out, so they cannot link unrelated players.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IgnoredSignal {
    /// The preset's field (`device_id`, `email`, `ip`, `office_ips`, …).
    pub field: String,
    /// `placeholder`, `not_an_address`, `private_ip`, `not_an_ip` or `not_a_country`.
    pub reason: String,
    #[ts(type = "number")]
    pub count: i64,
    /// The first value ignored, as the file wrote it (empty for emails: an address is never repeated back).
    pub example: String,
    /// The file row it was in (spreadsheet numbering).
    #[ts(type = "number")]
    pub first_row: i64,
    /// For people, e.g. `device_id: 1,204 placeholder values ignored (first: 'unknown', row 3)`.
    pub message: String,
}

/// A detection rule that cannot run on what a file brings: every field it needs from this preset is unmapped
/// (or cleared), or empty in every row. A warning: the rows import all the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MissingSignal {
    /// The rule, as the fraud settings name it (`multi_accounting`, `click_flooding`, …).
    pub rule: String,
    /// The preset's fields the rule reads: any one of them filled would let it run.
    pub fields: Vec<String>,
    /// For people, e.g. `click flooding cannot run: no ip or sub1 mapped`.
    pub message: String,
}

/// One import run: a file, how it was mapped, how far it got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportRunSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub source: String,
    pub file_name: String,
    #[ts(type = "number")]
    pub file_size: i64,
    pub sha256: String,
    pub preset: ImportPreset,
    #[ts(type = "number")]
    pub started_at_ms: i64,
    #[ts(type = "number | null")]
    pub finished_at_ms: Option<i64>,
    /// `running` (or interrupted: it resumes from its checkpoint), `done` or `failed`.
    pub status: String,
    #[ts(type = "number")]
    pub rows_ok: i64,
    #[ts(type = "number")]
    pub rows_quarantined: i64,
    /// The byte offset the next chunk starts at.
    #[ts(type = "number")]
    pub checkpoint_offset: i64,
    pub message: String,
    /// True when this call found the file already imported and wrote nothing.
    pub already_imported: bool,
    /// Detection rules this file cannot feed (see [`MissingSignal`]). Filled by the call that imports: from the
    /// mapping, and from the rows when this call read every row (not on a resumed run or an already imported
    /// file, which judge by the mapping alone); empty in the list of past runs.
    #[serde(default)]
    pub missing_signals: Vec<MissingSignal>,
    /// Signal values the run ignored, per field and reason, counted over every row it wrote (kept with the run,
    /// so a resumed run and the list of past runs show them too).
    #[serde(default)]
    pub ignored_signals: Vec<IgnoredSignal>,
}

/// A quarantined row of an import run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct QuarantineRow {
    #[ts(type = "number")]
    pub id: i64,
    /// e.g. `row 1042`.
    pub locator: String,
    #[ts(type = "number")]
    pub row: i64,
    pub field: Option<String>,
    pub reason: String,
    /// The row's raw bytes, as text (invalid UTF-8 replaced).
    pub raw: String,
}

/// One page of quarantined rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct QuarantinePage {
    #[ts(type = "number")]
    pub run_id: i64,
    #[ts(type = "number")]
    pub total: i64,
    pub offset: u32,
    pub rows: Vec<QuarantineRow>,
}

/// A target field of a preset, for the mapping editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportFieldSpec {
    pub name: String,
    pub required: bool,
}
