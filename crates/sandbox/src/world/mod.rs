//! The world: what happened in the demo casino, as plain records.
//!
//! Records are generated once by [`generate`] and never change; the HTTP server only reads them. Every vector is
//! sorted by time, then id, which is the order the APIs page in.

mod catalog;
mod generate;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use generate::generate;

/// What to generate. Same config, same world: the seed drives a ChaCha8 stream and nothing else is random.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorldConfig {
    pub seed: u64,
    pub affiliates: u32,
    pub days: u32,
    /// Average clicks per day; the actual count varies by weekday and noise.
    pub clicks_per_day: u32,
    /// First day of the world, 00:00:00 UTC.
    pub start: NaiveDate,
}

impl WorldConfig {
    /// The world the desktop app and the CLI demo show: a month of a dozen affiliates.
    pub fn demo() -> Self {
        Self {
            seed: 42,
            affiliates: 12,
            days: 30,
            clicks_per_day: 400,
            start: demo_start(),
        }
    }

    /// A world small enough to page through over HTTP in a test in well under a second.
    pub fn small(seed: u64) -> Self {
        Self {
            seed,
            affiliates: 4,
            days: 5,
            clicks_per_day: 60,
            start: demo_start(),
        }
    }

    /// The first instant of the world (start, 00:00:00 UTC).
    pub fn start_instant(&self) -> DateTime<Utc> {
        self.start
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
    }

    /// The instant the world ends (exclusive): every event happens strictly before it.
    pub fn end_instant(&self) -> DateTime<Utc> {
        self.start_instant() + chrono::Duration::days(i64::from(self.days))
    }
}

fn demo_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or_default()
}

#[derive(Debug, Clone, Serialize)]
pub struct World {
    pub config: WorldConfig,
    pub program: Program,
    pub affiliates: Vec<Affiliate>,
    pub clicks: Vec<Click>,
    pub players: Vec<Player>,
    pub deposits: Vec<Deposit>,
    pub conversions: Vec<Conversion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Program {
    pub name: String,
    pub currency: String,
    /// v0 worlds are all UTC; the field exists so timezone-shift cases can be added without a shape change.
    pub timezone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Affiliate {
    /// `network_affiliate_id` in the tracker API; 1..=N.
    pub id: u32,
    pub name: String,
    pub account_status: String,
    /// The flat CPA the tracker pays this affiliate per FTD conversion (EUR).
    pub cpa_payout: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Click {
    /// Everflow's `transaction_id`: 32 lowercase hex characters, unique in the world.
    pub transaction_id: String,
    pub at: DateTime<Utc>,
    pub affiliate_id: u32,
    pub sub1: String,
    pub sub2: String,
    pub ip: String,
    pub user_agent: String,
    pub country: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Player {
    /// "P000123"; numbered in registration order.
    pub player_id: String,
    pub registered_at: DateTime<Utc>,
    pub country: String,
    /// The click that brought the player, `None` for organic players.
    pub click_id: Option<String>,
    /// Denormalised from the click for convenience; `None` for organic players.
    pub affiliate_id: Option<u32>,
    pub btag: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deposit {
    /// "D000456"; numbered in time order.
    pub deposit_id: String,
    pub player_id: String,
    /// EUR, exactly 2 decimal places.
    pub amount: Decimal,
    pub occurred_at: DateTime<Utc>,
    pub is_ftd: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversionStatus {
    Approved,
    Pending,
    Rejected,
}

impl ConversionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approved => "approved",
            Self::Pending => "pending",
            Self::Rejected => "rejected",
        }
    }
}

/// A tracker-side FTD conversion: one per FTD of an affiliate player.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conversion {
    /// "c" + number, numbered in conversion-time order.
    pub conversion_id: String,
    /// The click's id.
    pub transaction_id: String,
    pub affiliate_id: u32,
    /// Everflow `adv1`.
    pub player_id: String,
    /// Everflow `order_id`.
    pub deposit_id: String,
    pub status: ConversionStatus,
    pub payout: Decimal,
    pub revenue: Decimal,
    pub sale_amount: Decimal,
    pub converted_at: DateTime<Utc>,
    pub click_at: DateTime<Utc>,
    pub sub1: String,
    pub sub2: String,
    pub session_user_ip: String,
    pub conversion_user_ip: String,
    pub country: String,
}

impl World {
    pub fn affiliate(&self, id: u32) -> Option<&Affiliate> {
        // Ids are 1..=N in order, so this is an index, but stay correct if that ever changes.
        self.affiliates
            .get((id as usize).wrapping_sub(1))
            .filter(|a| a.id == id)
            .or_else(|| self.affiliates.iter().find(|a| a.id == id))
    }
}
