//! Ground truth: what a perfect connector would count, computed straight from the world's records.
//!
//! Tests and the demo compare what Affops ingested over HTTP against this. It deliberately re-derives every
//! number from the raw records (players → clicks → affiliates) rather than trusting denormalised fields.
//! Attribution here is by click id only: promo-code-only players count as organic, exactly as in v0.
//! [`write_ground_truth`] writes the counts together with the injected-items answer key as `ground_truth.json`.

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
}

/// What `ground_truth.json` holds: the counts and the answer key of injected items.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct GroundTruthFile {
    pub ground_truth: GroundTruth,
    /// Every injected fraud pattern and integration fault; empty for clean worlds.
    pub injected: Vec<Injected>,
}

/// Writes `ground_truth.json` (pretty-printed, stable field order) for `world` at `path`.
pub fn write_ground_truth(world: &World, path: &Path) -> std::io::Result<()> {
    let file = GroundTruthFile {
        ground_truth: world.ground_truth(),
        injected: world.injected.clone(),
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
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.clicks += other.clicks;
        self.registrations += other.registrations;
        self.ftds += other.ftds;
        self.ftd_amount += other.ftd_amount;
        self.approved_conversions += other.approved_conversions;
    }

    fn to_truth(&self) -> AffiliateTruth {
        AffiliateTruth {
            clicks: self.clicks,
            registrations: self.registrations,
            ftds: self.ftds,
            ftd_amount: format_amount(self.ftd_amount),
            approved_conversions: self.approved_conversions,
        }
    }
}

/// Exactly two decimal places, no rounding surprises: amounts are already whole cents.
pub(crate) fn format_amount(amount: Decimal) -> String {
    let mut amount = amount;
    amount.rescale(2);
    amount.to_string()
}

impl World {
    pub fn ground_truth(&self) -> GroundTruth {
        let mut tallies: BTreeMap<u32, Tally> = self
            .affiliates
            .iter()
            .map(|a| (a.id, Tally::default()))
            .collect();
        let mut click_owner: BTreeMap<&str, u32> = BTreeMap::new();
        for click in &self.clicks {
            click_owner.insert(&click.transaction_id, click.affiliate_id);
            tallies.entry(click.affiliate_id).or_default().clicks += 1;
        }
        // Attribution by click id only: the btag and the denormalised affiliate id are not trusted here.
        let mut player_owner: BTreeMap<&str, u32> = BTreeMap::new();
        let mut organic_registrations = 0;
        for player in &self.players {
            match player
                .click_id
                .as_deref()
                .and_then(|id| click_owner.get(id))
            {
                Some(&aff) => {
                    player_owner.insert(&player.player_id, aff);
                    tallies.entry(aff).or_default().registrations += 1;
                }
                None => organic_registrations += 1,
            }
        }
        for deposit in self.deposits.iter().filter(|d| d.is_ftd) {
            if let Some(&aff) = player_owner.get(deposit.player_id.as_str()) {
                let tally = tallies.entry(aff).or_default();
                tally.ftds += 1;
                tally.ftd_amount += deposit.amount;
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
