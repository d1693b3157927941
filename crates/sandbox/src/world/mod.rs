//! The world: what happened in the demo casino (and, when asked, at a Forex broker), as plain records.
//!
//! Records are generated once by [`generate`] and never change; the HTTP server only reads them. Every vector is
//! sorted by time, then id, which is the order the APIs page in.
//!
//! Determinism: the clean iGaming records come from ChaCha8 stream 0 of the seed, consumed in the same order as
//! in v0, so v0 worlds are unchanged. Everything added since (sub-IDs 3–5, identities, promo codes, withdrawals,
//! activity, fraud, integration faults, Forex) draws from its own numbered stream of the same seed ([`rng`]), so
//! switching one part on never shifts another part's draws.

mod activity;
mod catalog;
mod clicks;
mod config;
mod draw;
mod extras;
pub mod forex;
mod fraud;
mod generate;
mod injected;
mod integration;
mod records;
mod rng;
mod traps;

pub use clicks::click_stream;
pub use config::{FraudConfig, IntegrationFaults, TrapConfig, WorldConfig, CLICKS_MAX};
pub use forex::{Account, Deal, DealEntry, DealType, ForexWorld, Ib, Symbol};
pub use generate::generate;
pub use injected::{Injected, Pattern};
pub use records::{
    ActivityDay, Affiliate, Click, Conversion, ConversionStatus, Deposit, Player, Program,
    Withdrawal,
};
pub use traps::{Trap, TrapKind};

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct World {
    pub config: WorldConfig,
    pub program: Program,
    pub affiliates: Vec<Affiliate>,
    pub clicks: Vec<Click>,
    pub players: Vec<Player>,
    pub deposits: Vec<Deposit>,
    pub conversions: Vec<Conversion>,
    pub withdrawals: Vec<Withdrawal>,
    /// One row per player per operator day with any activity, sorted by (day, player id).
    pub activity: Vec<ActivityDay>,
    /// The Forex broker program, when `config.forex` is on.
    pub forex: Option<ForexWorld>,
    /// Every planted fraud pattern and integration fault, in injection order.
    pub injected: Vec<Injected>,
    /// Legit traffic that looks like fraud (`config.traps`), each with its units; empty when traps are off.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub traps: Vec<Trap>,
}

impl World {
    pub fn affiliate(&self, id: u32) -> Option<&Affiliate> {
        // Ids are 1..=N in order, so this is an index, but stay correct if that ever changes.
        self.affiliates
            .get((id as usize).wrapping_sub(1))
            .filter(|a| a.id == id)
            .or_else(|| self.affiliates.iter().find(|a| a.id == id))
    }

    /// Every injected item (fraud pattern or integration fault) with the ids involved; empty for clean worlds.
    pub fn injected(&self) -> &[Injected] {
        &self.injected
    }

    /// Every trap (legit traffic that looks like fraud) with its clicks and players; empty without traps.
    pub fn traps(&self) -> &[Trap] {
        &self.traps
    }
}
