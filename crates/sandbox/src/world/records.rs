//! The iGaming records: what the tracker and the casino back-office each know. Plain data; generation lives in
//! the sibling modules.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Program {
    pub name: String,
    pub currency: String,
    /// The tracker's zone; the operator's may differ (see [`crate::IntegrationFaults::timezone_shift_hours`]).
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
    /// The master affiliate of a sub-affiliate (always a lower id); `None` for top-level affiliates.
    pub parent_id: Option<u32>,
    /// The affiliate's own contact email and sign-up IP: self-referral checks compare players against them.
    pub email: String,
    pub ip: String,
    /// The affiliate's promo code, e.g. "SPIN50-A3"; players may enter it instead of clicking a link.
    pub promo_code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Click {
    /// Everflow's `transaction_id`: 32 lowercase hex characters, unique in the world.
    pub transaction_id: String,
    pub at: DateTime<Utc>,
    pub affiliate_id: u32,
    pub sub1: String,
    pub sub2: String,
    /// Creative, device class and a free-form tracking token; often empty, as in real traffic.
    pub sub3: String,
    pub sub4: String,
    pub sub5: String,
    pub ip: String,
    pub user_agent: String,
    pub country: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Player {
    /// "P000123"; numbered in registration order. Injected players are "PX00001", … so switching fraud on never
    /// renumbers the clean players.
    pub player_id: String,
    pub registered_at: DateTime<Utc>,
    pub country: String,
    /// The click that brought the player, `None` for organic and promo-code-only players.
    pub click_id: Option<String>,
    /// Denormalised from the click for convenience; `None` without a click.
    pub affiliate_id: Option<u32>,
    pub btag: Option<String>,
    /// An affiliate's promo code entered at sign-up, with or without a click.
    pub promo_code: Option<String>,
    pub device_id: String,
    /// The registration IP and the country it geolocates to.
    pub ip: String,
    pub ip_country: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deposit {
    /// "D000456"; numbered in time order ("DX…" for injected ones).
    pub deposit_id: String,
    pub player_id: String,
    /// EUR, exactly 2 decimal places.
    pub amount: Decimal,
    pub occurred_at: DateTime<Utc>,
    pub is_ftd: bool,
    /// A stable hash of the payment instrument: shared instruments link accounts.
    pub payment_hash: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Withdrawal {
    /// "W000001"; numbered in time order.
    pub withdrawal_id: String,
    pub player_id: String,
    /// EUR, exactly 2 decimal places.
    pub amount: Decimal,
    pub occurred_at: DateTime<Utc>,
    pub payment_hash: String,
}

/// One player's casino activity on one operator day (EUR, 2 dp). GGR and NGR are derived, never stored, so the
/// formula is visible: GGR = bets − wins; NGR = GGR − bonuses − chargebacks − fees.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityDay {
    pub player_id: String,
    /// The operator's day (UTC unless the world shifts the operator's zone).
    pub day: NaiveDate,
    pub deposits: Decimal,
    pub withdrawals: Decimal,
    pub bets: Decimal,
    pub wins: Decimal,
    pub bonuses: Decimal,
    pub chargebacks: Decimal,
    pub fees: Decimal,
}

impl ActivityDay {
    pub fn ggr(&self) -> Decimal {
        self.bets - self.wins
    }

    pub fn ngr(&self) -> Decimal {
        self.ggr() - self.bonuses - self.chargebacks - self.fees
    }
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

    /// Affise's numeric status: 1 approved, 2 pending, 3 declined (5 hold is never generated).
    pub fn affise_code(self) -> u8 {
        match self {
            Self::Approved => 1,
            Self::Pending => 2,
            Self::Rejected => 3,
        }
    }
}

/// A tracker-side FTD conversion: one per FTD of an affiliate player (unless integration faults say otherwise).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conversion {
    /// "c" + number, numbered in conversion-time order ("cX…" for injected ones).
    pub conversion_id: String,
    /// The click's id.
    pub transaction_id: String,
    pub affiliate_id: u32,
    /// Everflow `adv1`.
    pub player_id: String,
    /// Everflow `order_id`.
    pub deposit_id: String,
    /// The status now.
    pub status: ConversionStatus,
    /// The status first reported; differs from `status` for late status changes.
    pub initial_status: ConversionStatus,
    pub payout: Decimal,
    pub revenue: Decimal,
    pub sale_amount: Decimal,
    pub converted_at: DateTime<Utc>,
    /// Last status or payout change; equals `converted_at` unless the conversion changed later.
    pub updated_at: DateTime<Utc>,
    pub click_at: DateTime<Utc>,
    pub sub1: String,
    pub sub2: String,
    pub sub3: String,
    pub sub4: String,
    pub sub5: String,
    /// The player's promo code, if any (Everflow `coupon_code`).
    pub coupon_code: String,
    pub session_user_ip: String,
    pub conversion_user_ip: String,
    pub country: String,
}
