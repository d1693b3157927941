//! What to generate: [`WorldConfig`] and the three opt-in switch sets, [`FraudConfig`] (fraud patterns planted in
//! the world), [`IntegrationFaults`] (ways the tracker and operator disagree) and [`TrapConfig`] (legit traffic
//! that looks like fraud to a rule that does not know real traffic).
//!
//! Every new field has a serde default and is off in [`WorldConfig::demo`] and [`WorldConfig::small`], so those
//! worlds keep exactly the records (and the counts) they had before the switches existed.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What to generate. Same config, same world: the seed drives ChaCha8 streams and nothing else is random.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorldConfig {
    pub seed: u64,
    pub affiliates: u32,
    pub days: u32,
    /// Average clicks per day; the actual count varies by weekday and noise.
    pub clicks_per_day: u32,
    /// First day of the world, 00:00:00 UTC.
    pub start: NaiveDate,
    /// Exactly this many clicks over the world (weekday-shaped), instead of `clicks_per_day` with noise. Used for
    /// scale worlds and benchmark files where the row count must be exact.
    #[serde(default)]
    pub clicks_total: Option<u64>,
    /// Also generate a Forex broker program (IBs, accounts, MT5 deals).
    #[serde(default)]
    pub forex: bool,
    #[serde(default)]
    pub fraud: FraudConfig,
    #[serde(default)]
    pub faults_injected: IntegrationFaults,
    /// Round trips per Forex account at most (each of 0.01–2.00 lots); `None`: the demo's 30.
    #[serde(default)]
    pub forex_trips_max: Option<u32>,
    /// Legit traffic that looks like fraud (all off by default).
    #[serde(default)]
    pub traps: TrapConfig,
}

/// How many instances of each fraud pattern to plant; 0 switches a pattern off. Counts rather than rates keep the
/// injected set small, exact and listable, whatever the world's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FraudConfig {
    /// Bursts of hundreds of clicks from one affiliate/sub-ID/IP that never convert.
    pub click_flooding: u32,
    /// Players who register 3–10 s after their click.
    pub click_injection: u32,
    /// Rings of players sharing device id, IP, payment hash and normalized email.
    pub multi_accounting: u32,
    /// Players whose email or IP is their affiliate's own.
    pub self_referral: u32,
    /// Clusters of players depositing the bonus minimum, barely wagering and withdrawing fast.
    pub bonus_abuse: u32,
    /// Players whose click, registration and IP countries all differ.
    pub geo_mismatch: u32,
    /// IBs whose clients churn many very short round trips (needs `forex`).
    pub forex_churning: u32,
    /// Each planted instance varies in shape, as fraud in the wild does, instead of one exact shape per pattern:
    /// floods of 150–600 clicks over 12–60 h from one IP or a rotating pool of 20–60 at random instants;
    /// injection spikes of 4–8 sign-ups 2–12 s after the click from a sub-publisher of the affiliate; rings of
    /// 3–6 accounts on one device whose cards, IPs and email variants differ from ring to ring.
    pub jitter: bool,
}

impl FraudConfig {
    /// A few of every pattern: what `--fraud` means in the CLI.
    pub fn typical() -> Self {
        Self {
            click_flooding: 2,
            click_injection: 2,
            multi_accounting: 2,
            self_referral: 2,
            bonus_abuse: 2,
            geo_mismatch: 2,
            forex_churning: 1,
            jitter: false,
        }
    }

    pub fn is_off(&self) -> bool {
        *self == Self::default()
    }
}

/// Disagreements between tracker and operator, each a count of affected conversions (0 = off).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IntegrationFaults {
    /// FTDs whose conversion the tracker never recorded.
    pub missing_postbacks: u32,
    /// Conversions the tracker recorded twice (a second conversion id, same click and order).
    pub duplicate_postbacks: u32,
    /// Conversions first recorded pending and approved days later (seen through the changes feed).
    pub late_status_changes: u32,
    /// Conversions whose `sale_amount` differs from the operator's deposit.
    pub wrong_amounts: u32,
    /// Non-zero: the operator reports its daily files and activity in UTC+this many hours, so events near
    /// midnight land on another day than in the tracker.
    pub timezone_shift_hours: i32,
}

impl IntegrationFaults {
    pub fn typical() -> Self {
        Self {
            missing_postbacks: 3,
            duplicate_postbacks: 3,
            late_status_changes: 3,
            wrong_amounts: 3,
            timezone_shift_hours: 2,
        }
    }
}

/// Legit traffic that a rule judging by absolute thresholds mistakes for fraud: each switch adds (or reshapes)
/// records of ordinary players and clicks, written from how real traffic behaves (DOMAIN.md §5's signals have
/// innocent look-alikes), and lists them in [`crate::world::World::traps`] so an evaluation can count how many
/// of them a detector wrongly flags. 0 / false switches a trap off; all are off by default, so worlds without
/// traps are the records they always were.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TrapConfig {
    /// One-click and social sign-ups: this per mille of the click-referred players (on average; mobile-heavy
    /// affiliates have more, desktop-heavy fewer) register 3–20 s after their click, spread over every affiliate.
    /// The program's normal click-to-sign-up distribution has a fast tail.
    pub fast_signup_per_mille: u32,
    /// Carrier-grade NAT: this many public IPs of mobile carriers, each shared by many unrelated mobile users.
    pub carrier_nat_gateways: u32,
    /// Per mille of mobile clicks (and the sign-ups they bring) that reach the program through one of the
    /// gateways: different people, devices, emails and cards behind one IP.
    pub carrier_nat_per_mille: u32,
    /// Households: 2–3 players on one home IP (clicks and sign-ups), each with their own device, email and card.
    pub households: u32,
    /// A TV slot or campaign: one affiliate's clicks jump 3–6x for a day, mostly in the evening, and its
    /// sign-ups rise with them (the conversion rate stays the affiliate's own).
    pub campaign_spikes: u32,
    /// Pop/push traffic: sub-IDs of an affiliate sending thousands of clicks from as many IPs all period long,
    /// following the daily rhythm of people, converting at 1–3 per mille.
    pub low_cr_sources: u32,
    /// Per mille of the clicks from social placements whose landing URL carries the `fbclid` Facebook appends to
    /// the links of organic (unpaid) posts.
    pub social_click_id_per_mille: u32,
    /// VPN users: the registration IP geolocates to the VPN's exit country (and, for some, the click as well),
    /// not to where the player lives.
    pub vpn_users: u32,
    /// Affiliate sizes heavy-tailed (Zipf-like: a few large sources carry most clicks, many small ones) instead
    /// of the three archetypes. Days already follow a diurnal and a weekly cycle.
    pub heavy_tailed_affiliates: bool,
}

impl TrapConfig {
    /// Modest counts of every trap: what `affops-cli evaluate` and `sandbox --traps` use.
    pub fn typical() -> Self {
        Self {
            fast_signup_per_mille: 40,
            carrier_nat_gateways: 2,
            carrier_nat_per_mille: 150,
            households: 12,
            campaign_spikes: 1,
            low_cr_sources: 2,
            social_click_id_per_mille: 500,
            vpn_users: 8,
            heavy_tailed_affiliates: true,
        }
    }

    pub fn is_off(&self) -> bool {
        *self == Self::default()
    }
}

/// The largest world the generator accepts, in clicks: the scale target of the import benchmark.
pub const CLICKS_MAX: u64 = 10_000_000;
/// Scale worlds spread their clicks over a month.
const SCALE_DAYS: u32 = 30;
/// Scale worlds grow their affiliate count with volume, up to this many.
const SCALE_AFFILIATES_MAX: u32 = 200;

impl WorldConfig {
    /// The world the desktop app and the CLI demo show: a month of a dozen affiliates.
    pub fn demo() -> Self {
        Self {
            seed: 42,
            affiliates: 12,
            days: 30,
            clicks_per_day: 400,
            start: demo_start(),
            ..Self::empty()
        }
    }

    /// What "Open demo workspace" and `affops-cli demo` serve: the demo month with the Forex broker beside the
    /// casino, the typical fraud patterns and integration faults switched on, so the flag queue, investigation
    /// and reconciliation screens show real findings on first run.
    pub fn demo_workspace(seed: u64) -> Self {
        Self {
            seed,
            forex: true,
            fraud: FraudConfig::typical(),
            faults_injected: IntegrationFaults::typical(),
            ..Self::demo()
        }
    }

    /// The seed's scale (`affops-cli demo --scale full`): 90 days of a casino with about 2,000 new players a day
    /// (36,500 clicks a day at the world's ~5.5 % registration rate) from 300 affiliates, and a broker with 150 IBs
    /// whose 1,800 clients trade about 40,000 lots a month; ends with the demo month.
    pub fn full_demo(seed: u64) -> Self {
        Self {
            affiliates: 300,
            days: 90,
            clicks_per_day: 36_500,
            start: demo_start() - chrono::Duration::days(59),
            forex_trips_max: Some(300),
            ..Self::demo_workspace(seed)
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
            ..Self::empty()
        }
    }

    /// A month with exactly `clicks` clicks (clamped to 1..=[`CLICKS_MAX`]), for scale tests and benchmarks.
    pub fn scale(seed: u64, clicks: u64) -> Self {
        let clicks = clicks.clamp(1, CLICKS_MAX);
        let affiliates = u32::try_from(clicks / 5_000)
            .unwrap_or(SCALE_AFFILIATES_MAX)
            .clamp(12, SCALE_AFFILIATES_MAX);
        Self {
            seed,
            affiliates,
            days: SCALE_DAYS,
            clicks_per_day: u32::try_from(clicks / u64::from(SCALE_DAYS)).unwrap_or(u32::MAX),
            start: demo_start(),
            clicks_total: Some(clicks),
            ..Self::empty()
        }
    }

    fn empty() -> Self {
        Self {
            seed: 0,
            affiliates: 0,
            days: 0,
            clicks_per_day: 0,
            start: demo_start(),
            clicks_total: None,
            forex: false,
            fraud: FraudConfig::default(),
            faults_injected: IntegrationFaults::default(),
            forex_trips_max: None,
            traps: TrapConfig::default(),
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
