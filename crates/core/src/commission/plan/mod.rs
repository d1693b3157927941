//! Plans as data: a named plan in one currency with a rounding mode and effective-dated versions, each a list of
//! components (CPA, RevShare, CPL, Forex IB rebates, sub-affiliate). A Hybrid plan is a version holding both a
//! CPA and a RevShare component. The same types are the file format (JSON or TOML, see `docs/plans.md`) and what
//! the store keeps (a version's canonical JSON, hashed, never edited).
//!
//! - [`validate`]: every rule a plan must satisfy before it is saved, with the field path of each failure.
//! - [`formula`]: the NGR formula, a readable expression over activity components.
//! - [`file`]: JSON/TOML import and export.
//! - [`saved`]: saving versions (immutable, content-hashed), assignments to affiliates, and loading them back.

pub mod file;
pub mod formula;
pub mod saved;
pub mod validate;

use super::rounding::RoundingMode;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A commission plan: what an affiliate earns, in one currency, as a history of versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// ISO 4217 code every amount of the plan is in; activity in other currencies converts at the period's FX
    /// snapshot.
    pub currency: String,
    #[serde(default)]
    pub rounding: RoundingMode,
    pub versions: Vec<PlanVersion>,
}

/// One version of the terms, in force from `effective_from` (a day in the program's zone) until the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanVersion {
    pub effective_from: String,
    /// Days after the period's last day during which its entries stay pending (chargeback window).
    #[serde(default)]
    pub hold_days: u32,
    /// Below this, a period's positive balance is carried forward instead of paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_payout: Option<Decimal>,
    /// On: a negative period balance is deducted from later positive ones. Off: each period starts at zero.
    #[serde(default)]
    pub negative_carryover: bool,
    #[serde(default, skip_serializing_if = "Caps::is_empty")]
    pub caps: Caps,
    /// How amounts in other currencies convert into the plan currency: at the period's rate (the default) or at
    /// each day's rate. Either is locked into the period's snapshot at close.
    #[serde(default, skip_serializing_if = "FxMode::is_per_period")]
    pub fx: FxMode,
    pub components: Vec<Component>,
}

/// Which FX rate converts an amount in another currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FxMode {
    /// One rate per pair for the whole period: the one entered for the period, else the FX table's on the
    /// period's last day.
    #[default]
    PerPeriod,
    /// Each day's amounts at that day's rate from the FX table (up to 7 days before); a rate entered for the
    /// period by hand still wins, and a day the table has no rate for takes the period's.
    PerDay,
}

impl FxMode {
    pub fn is_per_period(&self) -> bool {
        *self == FxMode::PerPeriod
    }
}

/// Limits per affiliate and period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Caps {
    /// At most this many players earn CPA in one period (the earliest qualified first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_qualified_players: Option<u32>,
    /// At most this much commission (before carryovers) in one period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_amount: Option<Decimal>,
}

impl Caps {
    pub fn is_empty(&self) -> bool {
        self.max_qualified_players.is_none() && self.max_amount.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Component {
    Cpa(Cpa),
    RevShare(RevShare),
    Cpl(Cpl),
    IbRebate(IbRebate),
    SubAffiliate(SubAffiliate),
}

impl Component {
    /// One sentence for people: "RevShare 25% of NGR = bets - wins".
    pub fn describe(&self) -> String {
        match self {
            Component::Cpa(x) => format!(
                "CPA {} per qualified player{}",
                x.amount.normalize(),
                if x.tiers.is_some() { " (tiers)" } else { "" }
            ),
            Component::RevShare(x) => match (&x.percent, &x.tiers) {
                (Some(p), _) => format!("RevShare {}% of NGR = {}", p.normalize(), x.ngr),
                (None, Some(t)) => format!(
                    "RevShare {} tiers of NGR = {}",
                    format!("{:?}", t.semantic).to_lowercase(),
                    x.ngr
                ),
                _ => "RevShare".into(),
            },
            Component::Cpl(x) => format!("CPL {} per registration", x.amount.normalize()),
            Component::IbRebate(x) => format!(
                "IB rebate ({} per-lot rates, {} override levels)",
                x.per_lot.len(),
                x.overrides.len()
            ),
            Component::SubAffiliate(x) => format!(
                "Sub-affiliate {:?} share, {} levels",
                x.basis,
                x.levels.len()
            )
            .to_lowercase(),
        }
    }

    /// The statement line key of this component.
    pub fn key(&self) -> &'static str {
        match self {
            Component::Cpa(_) => "cpa",
            Component::RevShare(_) => "revshare",
            Component::Cpl(_) => "cpl",
            Component::IbRebate(_) => "ib_rebate",
            Component::SubAffiliate(_) => "sub_affiliate",
        }
    }
}

/// A flat amount per qualified player (per country when `geo_amounts` names it), paid once, in the period the
/// player qualifies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cpa {
    pub amount: Decimal,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub geo_amounts: BTreeMap<String, Decimal>,
    #[serde(default)]
    pub qualification: Qualification,
    /// Amount tiers over the count of qualified players in the period (`amount` on each tier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiers: Option<Tiers>,
}

/// Every criterion that is set must pass; the player qualifies on the day the last one passes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Qualification {
    /// The first deposit is at least this much (plan currency).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ftd: Option<Decimal>,
    /// Cumulative bets reach this multiple of cumulative deposits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wagering_multiple: Option<Decimal>,
    /// Forex: cumulative lots traded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_lots: Option<Decimal>,
    /// Forex: cumulative trades (deals with a symbol).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_trades: Option<u32>,
    /// Every criterion must pass within this many days of registration (registration day = day 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_days: Option<u32>,
    /// Cumulative deposits inside the first `window_days` after registration reach `min_deposits`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub min_deposits: Decimal,
    pub window_days: u32,
}

/// A share of the period's NGR of the affiliate's players.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevShare {
    /// The rate when there are no tiers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<Decimal>,
    /// The NGR formula over activity components, e.g. `bets - wins - bonuses - chargebacks - fees - taxes`.
    #[serde(default = "formula::default_ngr")]
    pub ngr: String,
    /// An administration fee taken off a positive NGR, as a percent of it.
    #[serde(default, skip_serializing_if = "Decimal::is_zero")]
    pub admin_fee_percent: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiers: Option<Tiers>,
}

/// A flat amount per registration (a lead) in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cpl {
    pub amount: Decimal,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub geo_amounts: BTreeMap<String, Decimal>,
}

/// Forex introducing-broker rebates on the trading of the IB's clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IbRebate {
    /// An amount per lot, by symbol or symbol group (a symbol rate wins over its group's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_lot: Vec<LotRate>,
    /// A percent of the spread per lot, capped per lot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread_share: Option<SpreadShare>,
    /// A percent of the trade commission the clients paid, per instrument class.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commission_share: Vec<ClassShare>,
    /// Multi-level: the IB's parent (level 1), grandparent (level 2)… earn an override per lot of these lots.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<LevelOverride>,
}

/// Which instruments a rate covers: exactly one of `symbol` or `group`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

impl Instrument {
    /// Whether this names the symbol (or its group); a symbol match ranks above a group match.
    pub fn rank(&self, symbol: &str, group: &str) -> Option<u8> {
        match (&self.symbol, &self.group) {
            (Some(s), _) if s == symbol => Some(2),
            (None, Some(g)) if g == group => Some(1),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
// No deny_unknown_fields: serde cannot combine it with the flattened instrument.
pub struct LotRate {
    #[serde(flatten)]
    pub instrument: Instrument,
    /// Up to four decimals (e.g. `0.0125`); the line is rounded once.
    pub amount_per_lot: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpreadShare {
    pub percent: Decimal,
    /// The spread earned per lot, per symbol or group, in the plan currency.
    pub spreads: Vec<SpreadRate>,
    /// The rebate per lot never exceeds this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_per_lot: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
// No deny_unknown_fields: serde cannot combine it with the flattened instrument.
pub struct SpreadRate {
    #[serde(flatten)]
    pub instrument: Instrument,
    pub spread_per_lot: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
// No deny_unknown_fields: serde cannot combine it with the flattened instrument.
pub struct ClassShare {
    #[serde(flatten)]
    pub instrument: Instrument,
    pub percent: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelOverride {
    pub level: u32,
    pub amount_per_lot: Decimal,
}

/// A parent affiliate earns on its sub-affiliates, down to `levels.len()` levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubAffiliate {
    pub basis: SubBasis,
    /// Percent per level: `levels[0]` for children, `levels[1]` for grandchildren…
    pub levels: Vec<Decimal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubBasis {
    /// A percent of the child's own commission (before its carryovers).
    Commission,
    /// A percent of the child's base: the NGR of the child's players.
    Base,
}

/// Tiers and the semantic that reads them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tiers {
    pub semantic: TierSemantic,
    /// What selects the tier. RevShare: `ngr` (default) or a player count; CPA: `qualified_players` (default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<TierMetric>,
    pub tiers: Vec<Tier>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierSemantic {
    /// The whole base at the rate of the band it falls in (bounds inclusive); no band → 0.
    Band,
    /// Each slice of the base at its tier's rate.
    Marginal,
    /// The highest tier reached re-rates the whole period (every player).
    Retroactive,
    /// The highest tier whose every condition holds (`from` on the metric and `min_active_players`).
    MultiCondition,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierMetric {
    Ngr,
    QualifiedPlayers,
    ActivePlayers,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub from: Decimal,
    /// Inclusive upper bound; open-ended when absent (only the last tier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Decimal>,
    /// RevShare tiers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<Decimal>,
    /// CPA tiers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Decimal>,
    /// Multi-condition: players with activity in the period needed as well.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_active_players: Option<u32>,
}

/// The kind a plan version is, for people: `hybrid` when it pays both CPA and RevShare.
pub fn kind_of(version: &PlanVersion) -> String {
    let keys: Vec<&str> = version.components.iter().map(Component::key).collect();
    if keys.contains(&"cpa") && keys.contains(&"revshare") {
        let rest: Vec<&str> = keys
            .iter()
            .copied()
            .filter(|k| *k != "cpa" && *k != "revshare")
            .collect();
        return std::iter::once("hybrid")
            .chain(rest)
            .collect::<Vec<_>>()
            .join("+");
    }
    keys.join("+")
}

impl Plan {
    /// The version in force for a period starting on `first_day`: the latest that starts on or before it, else
    /// (a plan that starts within the period) the first one starting by `last_day`.
    pub fn version_for(&self, first_day: &str, last_day: &str) -> Option<(usize, &PlanVersion)> {
        let on_or_before = self
            .versions
            .iter()
            .enumerate()
            .rfind(|(_, v)| v.effective_from.as_str() <= first_day);
        on_or_before.or_else(|| {
            self.versions
                .iter()
                .enumerate()
                .find(|(_, v)| v.effective_from.as_str() <= last_day)
        })
    }
}
