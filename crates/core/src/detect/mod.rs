//! Fraud detection (DOMAIN.md §5): one file per rule family, each rule reading the store and returning
//! [`Finding`]s with their evidence; [`run`] executes every rule of a program over all the data stored and
//! reconciles the findings with the flags raised before: a flag is keyed by rule and what it is about (never a
//! window), and grows, shrinks, is superseded or reopened as new revisions. So the open flags are a function of
//! the data, not of the order it arrived in.
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
//! - [`allowlist`]: IP ranges and sub-IDs established as legit, which the rules stop reading as signals.
//! - [`groups`]: the queue grouped by affiliate and rule, and one decision for a whole group.
//! - [`exclusion`]: a confirmed flag's players excluded from commission, the reversal posted to the ledger.
//! - [`service`]: the default program, run summaries, dashboard alerts.
//!
//! A rule that fails on odd data reports its name and the rows involved; the other rules still run.

pub mod allowlist;
pub mod backtest;
pub mod clicks;
pub mod ctit_chart;
pub mod exclusion;
pub mod forex;
pub mod geo;
pub mod groups;
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

use crate::ingest::types::Progress;
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

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "click" => Self::Click,
            "player" => Self::Player,
            "deposit" => Self::Deposit,
            "conversion" => Self::Conversion,
            "account" => Self::Account,
            "deal" => Self::Deal,
            _ => return None,
        })
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

/// The tracker's ids of a program's affiliates, by internal id. Subject keys name an affiliate by its tracker id:
/// internal ids depend on the order rows arrived in, and a flag's identity must not.
#[derive(Debug)]
pub struct AffiliateRefs(std::collections::HashMap<i64, String>);

impl AffiliateRefs {
    pub fn load(conn: &Connection, program_id: i64) -> rusqlite::Result<Self> {
        let mut stmt =
            conn.prepare("SELECT id, external_id FROM affiliates WHERE program_id = ?1")?;
        let rows = stmt.query_map([program_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(Self(rows.collect::<Result<_, _>>()?))
    }

    /// The affiliate's tracker id ("#<internal id>" when unknown).
    pub fn ext(&self, id: i64) -> String {
        self.0.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
    }

    /// `aff:<tracker id>` for subject keys.
    pub fn key(&self, id: i64) -> String {
        match self.0.get(&id) {
            Some(ext) => format!("aff:{ext}"),
            None => format!("aff:#{id}"),
        }
    }
}

/// The data window a rule looks at. Rules flag only subjects with data at or after `since_ms`, but may read back
/// to `since_ms - lookback` for context (a burst that started before it). A stored run uses `since_ms = 0`: every
/// subject judged on all of its data.
#[derive(Debug)]
pub struct Window {
    pub program_id: i64,
    pub since_ms: i64,
    pub now_ms: i64,
    /// What several rules read, read once per run on first use (see [`Window::refs`], [`Window::allowlist`]).
    refs: std::cell::OnceCell<AffiliateRefs>,
    allow: std::cell::OnceCell<allowlist::Allowlist>,
}

impl Window {
    pub fn new(program_id: i64, since_ms: i64, now_ms: i64) -> Self {
        Self {
            program_id,
            since_ms,
            now_ms,
            refs: std::cell::OnceCell::new(),
            allow: std::cell::OnceCell::new(),
        }
    }

    /// The program's affiliates' tracker ids, read on first use in the run.
    pub fn refs(&self, conn: &Connection) -> rusqlite::Result<&AffiliateRefs> {
        if let Some(r) = self.refs.get() {
            return Ok(r);
        }
        let loaded = AffiliateRefs::load(conn, self.program_id)?;
        Ok(self.refs.get_or_init(|| loaded))
    }

    /// The program's active allow-list, read on first use in the run.
    pub fn allowlist(&self, conn: &Connection) -> rusqlite::Result<&allowlist::Allowlist> {
        if let Some(a) = self.allow.get() {
            return Ok(a);
        }
        let loaded = allowlist::Allowlist::load(conn, self.program_id)?;
        Ok(self.allow.get_or_init(|| loaded))
    }

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
    /// What it reads and the baseline it judges against, for people (docs/detection.md is rendered from it).
    pub signal: &'static str,
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

/// `docs/detection.md`: every rule, its signal and baseline, and its settings with their defaults, ranges and
/// meanings, as the code declares them.
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "# Detection rules\n\n<!-- Rendered from the rules' declarations: `UPDATE_DOCS=1 cargo test -p affops-core --test it detection_doc`. -->\n\n\
         Every rule runs over all the data after each sync or import (see ARCHITECTURE.md, Detection). Settings are\n\
         per program and versioned (`affops-cli detect --rule R --set key=value`, or the backtest panel in the app,\n\
         which shows what a change would flag before it is saved). An analyst's allow-list (`affops-cli allowlist`)\n\
         takes IP ranges and sub-IDs out of the rules that say they honour it.\n",
    );
    for r in rules() {
        out.push_str(&format!(
            "\n## `{}` ({})\n\n{}\n\n| setting | default | range | meaning |\n|---|---|---|---|\n",
            r.name,
            r.pattern.replace('_', " "),
            r.signal
        ));
        for s in r.settings {
            out.push_str(&format!(
                "| `{}` | {} | {}–{} | {} |\n",
                s.key,
                s.default,
                s.min,
                s.max,
                s.meaning.replace('|', "\\|")
            ));
        }
    }
    out
}

pub fn rule(name: &str) -> Result<&'static Rule, DetectError> {
    rules()
        .into_iter()
        .find(|r| r.name == name)
        .ok_or_else(|| DetectError::UnknownRule(name.to_string()))
}

/// What one rule did in a run: its findings, and the flags they created, updated, superseded and reopened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RuleOutcome {
    pub rule: String,
    pub findings: u32,
    pub flags_created: u32,
    pub flags_updated: u32,
    pub flags_superseded: u32,
    pub flags_reopened: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<RuleFailure>,
}

/// What a run did, per rule and in total. `skipped`: nothing had arrived and no setting had changed since the
/// previous run (`run_id` is that run's), so no rule ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunReport {
    pub run_id: i64,
    pub program_id: i64,
    pub now_ms: i64,
    pub skipped: bool,
    pub flags_created: u32,
    pub flags_updated: u32,
    pub flags_superseded: u32,
    pub flags_reopened: u32,
    pub rules: Vec<RuleOutcome>,
}

/// Runs `rules` with their given settings over `window`; a failing rule is reported and the others still run.
pub fn evaluate_all(
    conn: &Connection,
    window: &Window,
    rules: &[(&Rule, Effective)],
) -> Vec<(String, Result<Vec<Finding>, RuleFailure>)> {
    evaluate_reporting(conn, window, rules, &|_| {})
}

/// [`evaluate_all`], telling `progress` each rule as it starts (a run at the seed's scale takes tens of seconds).
/// One step more than the rules: storing the findings as flags.
fn evaluate_reporting(
    conn: &Connection,
    window: &Window,
    rules: &[(&Rule, Effective)],
    progress: &dyn Fn(Progress),
) -> Vec<(String, Result<Vec<Finding>, RuleFailure>)> {
    let steps = rules.len() as u32 + 1;
    rules
        .iter()
        .enumerate()
        .map(|(i, (rule, eff))| {
            progress(step(rule.name, i as u32, steps));
            let result = (rule.evaluate)(conn, window, eff).map_err(|mut f| {
                f.rule = rule.name.to_string();
                f
            });
            (rule.name.to_string(), result)
        })
        .collect()
}

/// A detection run's progress: `steps_done` of `steps_total`, the step's name in words.
fn step(name: &str, done: u32, total: u32) -> Progress {
    let words = name.replace('_', " ");
    Progress::step(
        name,
        done,
        total,
        format!("{words} ({} of {total})", done + 1),
    )
}

/// When a run happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Always (a person asked for it).
    Always,
    /// Only when something arrived or a setting changed since the previous run (after each sync or import).
    Changed,
}

/// Detection for one program: every rule over all the data stored, its findings reconciled with the flags
/// raised before (see [`store_flags`]).
pub fn run(store: &Store, program_id: i64, now_ms: i64, when: When) -> StoreResult<RunReport> {
    run_reporting(store, program_id, now_ms, when, &rules(), &|_| {})
}

/// [`run`] restricted to `rules` (the tests use it to put a failing rule among the real ones). The flags of the
/// other rules are left as they are.
pub fn run_rules(
    store: &Store,
    program_id: i64,
    now_ms: i64,
    when: When,
    rules: &[&Rule],
) -> StoreResult<RunReport> {
    run_reporting(store, program_id, now_ms, when, rules, &|_| {})
}

/// [`run_rules`], telling `progress` each rule as it starts and the flags' storing last.
pub fn run_reporting(
    store: &Store,
    program_id: i64,
    now_ms: i64,
    when: When,
    rules: &[&Rule],
    progress: &dyn Fn(Progress),
) -> StoreResult<RunReport> {
    let evaluated = store.read::<_, crate::store::StoreError>(|conn| {
        let mut with_settings = Vec::new();
        for r in rules {
            with_settings.push((*r, settings::current(conn, program_id, r.name, r.settings)?));
        }
        let versions: Vec<(&'static str, i64)> = with_settings
            .iter()
            .map(|(r, e)| (r.name, e.version))
            .collect();
        // Read before the rules, so rows inserted while they run are new to the next run.
        let state = store_flags::data_state(conn, &versions)?;
        if when == When::Changed {
            if let Some((run_id, now)) = store_flags::run_with_state(conn, program_id, &state)? {
                return Ok(Err(RunReport::unchanged(run_id, program_id, now)));
            }
        }
        let window = Window::new(program_id, 0, now_ms);
        Ok(Ok((
            evaluate_reporting(conn, &window, &with_settings, progress),
            versions,
            state,
        )))
    })?;
    let (results, versions, state) = match evaluated {
        Ok(v) => v,
        Err(unchanged) => return Ok(unchanged),
    };
    let steps = rules.len() as u32 + 1;
    progress(step("storing_flags", steps - 1, steps));
    let stored = StoredRun {
        program_id,
        now_ms,
        rules: rules.iter().map(|r| (r.name, r.pattern)).collect(),
        versions,
        state,
    };
    store.write(|tx| stored.save(tx, &results))
}

impl RunReport {
    fn unchanged(run_id: i64, program_id: i64, now_ms: i64) -> Self {
        Self {
            run_id,
            program_id,
            now_ms,
            skipped: true,
            flags_created: 0,
            flags_updated: 0,
            flags_superseded: 0,
            flags_reopened: 0,
            rules: Vec::new(),
        }
    }
}
