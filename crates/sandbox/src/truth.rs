//! Ground truth: what a perfect connector would count, computed straight from the world's records.
//!
//! Tests and the demo compare what Affops ingested over HTTP against this. It deliberately re-derives every
//! number from the raw records (players → clicks → affiliates) rather than trusting denormalised fields.
//! Attribution follows DOMAIN.md §3 with the default rules: the carried click id first, else the affiliate's
//! promo code (a valid key: a player who typed an affiliate's code belongs to that affiliate). Until the
//! attribution engine existed this counted promo-code-only players as organic, which contradicted the domain
//! rule; [`World::player_affiliates`] is the assignment the engine must reproduce.
//! [`write_ground_truth`] writes the counts together with the injected-items answer key as `ground_truth.json`, and
//! the traps' legit units (`traps`: per kind, the clicks and players that look like fraud and are not) when the
//! world has traps.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::world::{ConversionStatus, Injected, World};

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct GroundTruth {
    pub seed: u64,
    /// Keyed by the affiliate id as a decimal string ("12"), the same as `network_affiliate_id`. Every affiliate
    /// appears, even with all zeros.
    pub per_affiliate: BTreeMap<String, AffiliateTruth>,
    /// Sums over affiliates; organic players are not in here.
    pub totals: AffiliateTruth,
    pub organic_registrations: u32,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct AffiliateTruth {
    pub clicks: u32,
    pub registrations: u32,
    pub ftds: u32,
    /// Exact decimal with 2 places, e.g. "1234.50".
    pub ftd_amount: String,
    pub approved_conversions: u32,
    /// Of `registrations` and `ftds`: players attributed by promo code alone (no click). The tracker never hears
    /// of them, so they have no conversions.
    #[serde(default)]
    pub promo_registrations: u32,
    #[serde(default)]
    pub promo_ftds: u32,
}

/// What `ground_truth.json` holds: the counts and the answer key of injected items.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct GroundTruthFile {
    pub ground_truth: GroundTruth,
    /// Every injected fraud pattern and integration fault; empty for clean worlds.
    pub injected: Vec<Injected>,
    /// Legit units per trap kind (`"fast_signups": {"players": [...]}`, `"carrier_nat": {"clicks": [...], "players":
    /// [...]}`, ...): what a detector must not flag. Absent for worlds without traps.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub traps: BTreeMap<String, TrapUnits>,
}

/// A trap kind's legit units, over every instance of it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct TrapUnits {
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub clicks: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub players: BTreeSet<String>,
}

impl World {
    /// The traps' legit units per kind (see [`GroundTruthFile::traps`]).
    pub fn trap_units(&self) -> BTreeMap<String, TrapUnits> {
        let mut out: BTreeMap<String, TrapUnits> = BTreeMap::new();
        for t in &self.traps {
            let u = out.entry(t.kind.as_str().to_owned()).or_default();
            u.clicks.extend(t.clicks.iter().cloned());
            u.players.extend(t.players.iter().cloned());
        }
        out
    }
}

/// Writes `ground_truth.json` (pretty-printed, stable field order) for `world` at `path`.
pub fn write_ground_truth(world: &World, path: &Path) -> std::io::Result<()> {
    let file = GroundTruthFile {
        ground_truth: world.ground_truth(),
        injected: world.injected.clone(),
        traps: world.trap_units(),
    };
    let text = serde_json::to_vec_pretty(&file).map_err(std::io::Error::other)?;
    std::fs::write(path, text)
}

#[derive(Default)]
struct Tally {
    clicks: u32,
    registrations: u32,
    ftds: u32,
    ftd_amount: Decimal,
    approved_conversions: u32,
    promo_registrations: u32,
    promo_ftds: u32,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.clicks += other.clicks;
        self.registrations += other.registrations;
        self.ftds += other.ftds;
        self.ftd_amount += other.ftd_amount;
        self.approved_conversions += other.approved_conversions;
        self.promo_registrations += other.promo_registrations;
        self.promo_ftds += other.promo_ftds;
    }

    fn to_truth(&self) -> AffiliateTruth {
        AffiliateTruth {
            clicks: self.clicks,
            registrations: self.registrations,
            ftds: self.ftds,
            ftd_amount: format_amount(self.ftd_amount),
            approved_conversions: self.approved_conversions,
            promo_registrations: self.promo_registrations,
            promo_ftds: self.promo_ftds,
        }
    }
}

/// Exactly two decimal places, no rounding surprises: amounts are already whole cents.
pub(crate) fn format_amount(amount: Decimal) -> String {
    let mut amount = amount;
    amount.rescale(2);
    amount.to_string()
}

/// How the world attributes one player.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TruthKey {
    Click,
    PromoCode,
}

impl World {
    /// Every player's affiliate (None = organic) and the key that decided it: the carried click id, resolved
    /// through the tracker's clicks (the denormalised `Player::affiliate_id` is not trusted); else a promo code
    /// that is some affiliate's code. The btag adds nothing here: every world player with a btag also carries
    /// the click it was derived from.
    pub fn player_affiliates(&self) -> BTreeMap<&str, Option<(u32, TruthKey)>> {
        let click_owner: BTreeMap<&str, u32> = self
            .clicks
            .iter()
            .map(|c| (c.transaction_id.as_str(), c.affiliate_id))
            .collect();
        let promo_owner: BTreeMap<&str, u32> = self
            .affiliates
            .iter()
            .filter(|a| !a.promo_code.is_empty())
            .map(|a| (a.promo_code.as_str(), a.id))
            .collect();
        self.players
            .iter()
            .map(|p| {
                let by_click = p
                    .click_id
                    .as_deref()
                    .and_then(|id| click_owner.get(id))
                    .map(|&a| (a, TruthKey::Click));
                let by_promo = || {
                    p.promo_code
                        .as_deref()
                        .and_then(|c| promo_owner.get(c))
                        .map(|&a| (a, TruthKey::PromoCode))
                };
                (p.player_id.as_str(), by_click.or_else(by_promo))
            })
            .collect()
    }

    pub fn ground_truth(&self) -> GroundTruth {
        let mut tallies: BTreeMap<u32, Tally> = self
            .affiliates
            .iter()
            .map(|a| (a.id, Tally::default()))
            .collect();
        for click in &self.clicks {
            tallies.entry(click.affiliate_id).or_default().clicks += 1;
        }
        let owners = self.player_affiliates();
        let mut organic_registrations = 0;
        for owner in owners.values() {
            match owner {
                Some((aff, key)) => {
                    let tally = tallies.entry(*aff).or_default();
                    tally.registrations += 1;
                    tally.promo_registrations += u32::from(*key == TruthKey::PromoCode);
                }
                None => organic_registrations += 1,
            }
        }
        for deposit in self.deposits.iter().filter(|d| d.is_ftd) {
            if let Some(Some((aff, key))) = owners.get(deposit.player_id.as_str()) {
                let tally = tallies.entry(*aff).or_default();
                tally.ftds += 1;
                tally.ftd_amount += deposit.amount;
                tally.promo_ftds += u32::from(*key == TruthKey::PromoCode);
            }
        }
        // A duplicated postback is one conversion to a perfect connector: count each (click, order) once.
        let mut counted: BTreeSet<(&str, &str)> = BTreeSet::new();
        for conversion in &self.conversions {
            if conversion.status == ConversionStatus::Approved
                && counted.insert((&conversion.transaction_id, &conversion.deposit_id))
            {
                tallies
                    .entry(conversion.affiliate_id)
                    .or_default()
                    .approved_conversions += 1;
            }
        }
        let mut totals = Tally::default();
        for tally in tallies.values() {
            totals.add(tally);
        }
        GroundTruth {
            seed: self.config.seed,
            per_affiliate: tallies
                .iter()
                .map(|(id, t)| (id.to_string(), t.to_truth()))
                .collect(),
            totals: totals.to_truth(),
            organic_registrations,
        }
    }
}
