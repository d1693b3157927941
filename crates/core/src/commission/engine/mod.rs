//! The engine: a pure, deterministic function from a period's inputs to commission lines.
//!
//! Inputs are plain values (the loader in [`super::load`] reads them from the store); nothing here reads the
//! clock, the process time zone or the store. Each line names its plan version, its rule as people read it, the
//! exact (unrounded) amount, the amount rounded once in the plan's mode and currency, and the events behind it.
//! Activity that cannot be paid correctly (no plan, unknown symbol, no FX rate) is reported in `problems`,
//! never dropped silently and never paid.
//!
//! - [`context`]: the inputs indexed once, with the queries the components share.
//! - [`qualification`]: the per-player checklist (CPA criteria with the day each passed).
//! - [`igaming`]: CPA, CPL and RevShare lines.
//! - [`forex`]: IB rebates (per lot, spread share, commission share) and multi-level overrides.
//! - [`finish`]: sub-affiliate lines, caps, rounding, carry-in/carry-out, the hash.

pub mod context;
pub mod finish;
pub mod forex;
pub mod igaming;
pub mod qualification;

use super::plan::formula::Activity;
use super::plan::PlanVersion;
use super::rounding::RoundingMode;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// The plan version in force for one affiliate in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignedPlan {
    pub plan_name: String,
    pub plan_version_id: i64,
    pub version_no: u32,
    pub currency: String,
    pub rounding: RoundingMode,
    pub version: PlanVersion,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffiliateIn {
    pub id: i64,
    pub external_id: String,
    pub parent_id: Option<i64>,
    pub plan: Option<AssignedPlan>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayerIn {
    pub id: i64,
    pub external_id: String,
    /// The attributed affiliate (NULL = organic: earns nothing for anyone).
    pub affiliate_id: Option<i64>,
    pub registered_day: String,
    pub country: String,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositIn {
    pub id: i64,
    pub player_id: i64,
    pub day: String,
    pub amount_micros: i64,
    pub currency: String,
    pub is_ftd: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityIn {
    pub player_id: i64,
    pub day: String,
    pub currency: String,
    pub activity: Activity,
}

/// One account's trading of one symbol from `day` through `through_day` (deals summed; one day when a plan
/// qualifies on lots or trades, else the period): volume in base units × 10^6, trades counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradingIn {
    pub player_id: i64,
    pub account_id: i64,
    pub day: String,
    pub through_day: String,
    pub symbol: String,
    pub volume_micros: i64,
    pub trades: u32,
    /// Trade commission charged to the client (MT5 reports it negative), in `currency`.
    pub commission_micros: i64,
    pub currency: String,
    /// Cent accounts trade 1/100 of the volume they report.
    pub is_cent: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SymbolIn {
    pub contract_size: i64,
    pub group: String,
}

/// One FX rate of the period's snapshot: 1 `from` = `rate` `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FxIn {
    pub from: String,
    pub to: String,
    pub rate: Decimal,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EngineInput {
    pub first_day: String,
    pub last_day: String,
    pub affiliates: Vec<AffiliateIn>,
    pub players: Vec<PlayerIn>,
    /// Deposits up to the period's last day (qualification looks back).
    pub deposits: Vec<DepositIn>,
    /// Daily activity up to the period's last day.
    pub activity: Vec<ActivityIn>,
    /// Daily trading up to the period's last day.
    pub trading: Vec<TradingIn>,
    pub symbols: BTreeMap<String, SymbolIn>,
    pub fx: Vec<FxIn>,
    /// The period's per-day rates, ordered by (day, from, to), for plans converting at each day's rate.
    pub fx_daily: Vec<FxDayIn>,
    /// Balance carried into the period per affiliate (micros, plan currency): a negative balance under negative
    /// carryover, or a positive one below the minimum payout.
    pub carry_in: BTreeMap<i64, i64>,
    /// Corrections of closed periods (late events) booked into this one.
    pub late: Vec<LateIn>,
    /// Problems the loader met (e.g. an account without a client), reported with the engine's own.
    pub load_problems: Vec<Problem>,
}

/// A closed period's line as recomputed now, less what is already booked for it elsewhere: the difference lands
/// in this period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LateIn {
    pub affiliate_id: i64,
    /// The first day of the closed period the correction is about.
    pub origin_first_day: String,
    pub line_key: String,
    pub amount_micros: i64,
    pub currency: String,
    pub plan_version_id: Option<i64>,
}

/// What a line is in the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    Commission,
    /// A late-event correction of a closed period.
    Adjustment,
    Carryover,
    Waiver,
}

/// An event (or group of events) behind a line: enough to find the rows again.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct EventRef {
    /// `deposit` (money_movements.id), `activity` (player_activity_daily of player_id on day), `trading`
    /// (deals of account_id on day and symbol), `registration` (players.id), `line` (a sub-affiliate's line).
    pub kind: String,
    pub id: i64,
    pub day: String,
    pub detail: String,
}

/// One player's (or child affiliate's) share of a line, exact.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct BasisItem {
    pub subject: String,
    pub amount: String,
    pub note: String,
    pub events: Vec<EventRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub affiliate_id: i64,
    pub affiliate: String,
    pub line_key: String,
    /// The first day of the period the line is about: this period's, or a closed one's for a late correction.
    pub origin_first_day: String,
    pub kind: LineKind,
    pub plan_version_id: Option<i64>,
    pub rule: String,
    /// The exact amount before rounding, as decimal text in `currency`.
    pub exact: String,
    /// Rounded once, in the plan's mode, to the currency's minor units.
    pub amount_micros: i64,
    pub currency: String,
    pub basis: Vec<BasisItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Problem {
    /// `no_plan`, `unknown_affiliate`, `unknown_player`, `unknown_symbol`, `unknown_currency`.
    pub kind: String,
    pub subject: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EngineOutput {
    pub first_day: String,
    pub last_day: String,
    pub lines: Vec<Line>,
    pub problems: Vec<Problem>,
    /// SHA-256 over the canonical JSON of the days, lines and problems.
    pub hash: String,
}

/// One rate of the period's per-day snapshot: on `day`, 1 `from` = `rate` `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FxDayIn {
    pub day: String,
    pub from: String,
    pub to: String,
    pub rate: Decimal,
}

/// Converts amounts into a plan currency at the period's snapshot, or, for a plan converting per day, at each
/// day's rate of the per-day snapshot (the period's rate where a day has none).
pub struct Fx<'a> {
    rates: &'a [FxIn],
    daily: &'a [FxDayIn],
}

impl<'a> Fx<'a> {
    /// At the period's rates only.
    pub fn new(rates: &'a [FxIn]) -> Self {
        Fx { rates, daily: &[] }
    }

    /// As `plan` says: per period, or per day.
    pub fn for_plan(input: &'a EngineInput, plan: &AssignedPlan) -> Self {
        Fx {
            rates: &input.fx,
            daily: match plan.version.fx {
                crate::commission::plan::FxMode::PerDay => &input.fx_daily,
                crate::commission::plan::FxMode::PerPeriod => &[],
            },
        }
    }

    /// The exact value of `micros` of `from` in `to` for an amount of `day`: the day's rate when the plan
    /// converts per day and the per-day snapshot has one (either way round), else the period's.
    pub fn convert_on(&self, day: &str, micros: i64, from: &str, to: &str) -> Option<Decimal> {
        if from != to && !self.daily.is_empty() {
            let d = Decimal::new(micros, crate::money::MICROS_SCALE);
            let find = |f: &str, t: &str| {
                self.daily
                    .binary_search_by(|r| {
                        (r.day.as_str(), r.from.as_str(), r.to.as_str()).cmp(&(day, f, t))
                    })
                    .ok()
                    .map(|i| self.daily[i].rate)
            };
            if let Some(rate) = find(from, to) {
                return d.checked_mul(rate);
            }
            if let Some(rate) = find(to, from).filter(|r| !r.is_zero()) {
                return d.checked_div(rate);
            }
        }
        self.convert(micros, from, to)
    }

    /// The exact value of `micros` of `from` in `to`, or None when the snapshot has no rate either way.
    pub fn convert(&self, micros: i64, from: &str, to: &str) -> Option<Decimal> {
        let d = Decimal::new(micros, crate::money::MICROS_SCALE);
        if from == to {
            return Some(d);
        }
        if let Some(r) = self.rates.iter().find(|r| r.from == from && r.to == to) {
            return d.checked_mul(r.rate);
        }
        let inv = self
            .rates
            .iter()
            .find(|r| r.from == to && r.to == from && !r.rate.is_zero())?;
        d.checked_div(inv.rate)
    }
}

/// Runs the whole computation.
pub fn compute(input: &EngineInput) -> EngineOutput {
    let mut problems = input.load_problems.clone();
    let ctx = igaming::Context::new(input, &mut problems);
    let mut lines = Vec::new();
    for a in &input.affiliates {
        let Some(plan) = &a.plan else { continue };
        let fx = Fx::for_plan(input, plan);
        lines.extend(igaming::lines(&ctx, a, plan, &fx, &mut problems));
        lines.extend(forex::lines(&ctx, a, plan, &fx, &mut problems));
    }
    finish::finish(input, &ctx, lines, problems)
}
