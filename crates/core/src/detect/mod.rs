//! Fraud detection (DOMAIN.md §5): one file per rule family, each rule reading the store and returning
//! [`Finding`]s with their evidence; [`run`] executes every rule of a program over the data that is new since its
//! last run and stores the findings as flags, idempotently (a flag is keyed by what it is about).
//!
//! - [`settings`]: per-program thresholds, validated, versioned, audited.
//! - [`clicks`]: click flooding, click injection, abnormal conversion rate, paid-search brand bidding.
//! - [`identity`]: multi-accounting and self-referral; the email normalization every hash must use.
//! - [`money`]: bonus abuse and chargeback rate.
//! - [`geo`]: click / registration / IP country mismatch.
//! - [`forex`]: churning and opposite positions across linked accounts.
//! - [`backtest`]: a rule (or changed thresholds) over history without saving, with the commission at stake.
//! - [`stake`]: the commission a flag holds, from the engine (with and without its players).
//! - [`queue`]: the analyst queue, decisions, the investigation view.
//! - [`exclusion`]: a confirmed flag's players excluded from commission, the reversal posted to the ledger.
//! - [`service`]: the default program, run summaries, dashboard alerts.
//!
//! A rule that fails on odd data reports its name and the rows involved; the other rules still run.

pub mod backtest;
pub mod clicks;
pub mod ctit_chart;
pub mod exclusion;
pub mod forex;
pub mod geo;
pub mod identity;
pub mod money;
pub mod queue;
pub mod service;
pub mod settings;
pub mod stake;
mod store_flags;
pub mod types;

use rusqlite::Connection;
use serde::Serialize;

use crate::store::{Store, StoreError, StoreResult};
pub use settings::{Effective, Setting};
pub use store_flags::StoredRun;

#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    #[error("{0}")]
    InvalidSetting(String),
    #[error("unknown rule '{0}'")]
    UnknownRule(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for DetectError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store(StoreError::Sqlite(e))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }

    /// Severity from a 0–100 score: the bands an analyst sorts by.
    pub fn from_score(score: u8) -> Self {
        match score {
            0..=39 => Self::Low,
            40..=69 => Self::Medium,
            _ => Self::High,
        }
    }
}

/// The kind of record a flag names (the `flag_items.kind` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Click,
    Player,
    Deposit,
    Conversion,
    Account,
    Deal,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Click => "click",
            Self::Player => "player",
            Self::Deposit => "deposit",
            Self::Conversion => "conversion",
            Self::Account => "account",
            Self::Deal => "deal",
        }
    }
}

/// What a rule found: who, how bad, why (evidence), and which records.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Internal `affiliates.id` the finding is charged to (None when no affiliate is involved).
    pub affiliate_id: Option<i64>,
    /// What the finding is about, stable across runs (e.g. `ip:1.2.3.4|sub1:x|aff:3`).
    pub subject_key: String,
    pub score: u8,
    pub summary: String,
    pub evidence: serde_json::Value,
    pub items: Vec<(ItemKind, String)>,
}

impl Finding {
    pub fn severity(&self) -> Severity {
        Severity::from_score(self.score)
    }
}

/// The data window a rule looks at. Rules flag only subjects with data at or after `since_ms`, but may read back
/// to `since_ms - lookback` for context (a burst that started before the last run).
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub program_id: i64,
    pub since_ms: i64,
    pub now_ms: i64,
}

impl Window {
    pub fn from_ms(&self, lookback_hours: i64) -> i64 {
        self.since_ms
            .saturating_sub(lookback_hours.saturating_mul(3_600_000))
    }
}

/// A rule failed on some rows: which rule, which rows, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleFailure {
    pub rule: String,
    pub rows: Vec<String>,
    pub reason: String,
}

impl From<rusqlite::Error> for RuleFailure {
    fn from(e: rusqlite::Error) -> Self {
        Self {
            rule: String::new(),
            rows: Vec::new(),
            reason: e.to_string(),
        }
    }
}

pub type RuleResult = Result<Vec<Finding>, RuleFailure>;

/// One detection rule.
pub struct Rule {
    pub name: &'static str,
    /// The DOMAIN §5 pattern it detects (the sandbox answer key's names where one exists).
    pub pattern: &'static str,
    pub settings: &'static [Setting],
    pub evaluate: fn(&Connection, &Window, &Effective) -> RuleResult,
}

/// Every rule, in the order they run.
pub fn rules() -> Vec<&'static Rule> {
    vec![
        &clicks::FLOODING,
        &clicks::INJECTION,
        &clicks::VELOCITY,
        &clicks::BRAND_BIDDING,
        &identity::MULTI_ACCOUNTING,
        &identity::SELF_REFERRAL,
        &money::BONUS_ABUSE,
        &money::CHARGEBACKS,
        &geo::GEO_MISMATCH,
        &forex::CHURNING,
    ]
}

pub fn rule(name: &str) -> Result<&'static Rule, DetectError> {
    rules()
        .into_iter()
        .find(|r| r.name == name)
        .ok_or_else(|| DetectError::UnknownRule(name.to_string()))
}

/// What one rule did in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleOutcome {
    pub rule: String,
    pub findings: u32,
    pub flags_created: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<RuleFailure>,
}

/// What a run did: its window, and per rule the findings, new flags and failures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunReport {
    pub run_id: i64,
    pub program_id: i64,
    pub since_ms: i64,
    pub now_ms: i64,
    pub flags_created: u32,
    pub rules: Vec<RuleOutcome>,
}

/// Runs `rules` with their given settings over `window`; a failing rule is reported and the others still run.
pub fn evaluate_all(
    conn: &Connection,
    window: &Window,
    rules: &[(&Rule, Effective)],
) -> Vec<(String, Result<Vec<Finding>, RuleFailure>)> {
    rules
        .iter()
        .map(|(rule, eff)| {
            let result = (rule.evaluate)(conn, window, eff).map_err(|mut f| {
                f.rule = rule.name.to_string();
                f
            });
            (rule.name.to_string(), result)
        })
        .collect()
}

/// Detection for one program: every rule over the data since `since_ms` (default: the previous run's `now_ms`,
/// pulled back to the oldest event among rows inserted since — late data is not skipped — or all history on
/// the first run), flags stored idempotently. Call after each sync or import, or on demand.
pub fn run(
    store: &Store,
    program_id: i64,
    since_ms: Option<i64>,
    now_ms: i64,
) -> StoreResult<RunReport> {
    run_rules(store, program_id, since_ms, now_ms, &rules())
}

/// [`run`] restricted to `rules` (the tests use it to put a failing rule among the real ones).
pub fn run_rules(
    store: &Store,
    program_id: i64,
    since_ms: Option<i64>,
    now_ms: i64,
    rules: &[&Rule],
) -> StoreResult<RunReport> {
    let (since_ms, results, versions, watermarks) =
        store.read::<_, crate::store::StoreError>(|conn| {
            // Read before the rules, so rows inserted while they run are new to the next run.
            let watermarks = store_flags::watermarks(conn)?;
            let since_ms = match since_ms {
                Some(s) => s,
                None => store_flags::incremental_since(conn, program_id)?,
            };
            let mut with_settings = Vec::new();
            for r in rules {
                with_settings.push((*r, settings::current(conn, program_id, r.name, r.settings)?));
            }
            let window = Window {
                program_id,
                since_ms,
                now_ms,
            };
            let versions: Vec<(&'static str, i64)> = with_settings
                .iter()
                .map(|(r, e)| (r.name, e.version))
                .collect();
            Ok((
                since_ms,
                evaluate_all(conn, &window, &with_settings),
                versions,
                watermarks,
            ))
        })?;
    let stored = StoredRun {
        program_id,
        since_ms,
        now_ms,
        rules: rules.iter().map(|r| (r.name, r.pattern)).collect(),
        versions,
        watermarks,
    };
    store.write(|tx| stored.save(tx, &results))
}
