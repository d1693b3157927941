//! Traps (issue 12): legit traffic that a rule judging by absolute thresholds mistakes for fraud, written from how
//! real traffic behaves rather than from any rule. Each switch of [`TrapConfig`] adds ordinary players and clicks
//! ("PT…" players, "DT…" deposits, "cT…" conversions) or reshapes clean ones, and lists them as a [`Trap`], so an
//! evaluation can count how many legit units a detector wrongly flags:
//!
//! - one-click / social sign-ups 3–20 s after the click, a share of every affiliate's players;
//! - carrier-grade NAT: mobile clicks and sign-ups of unrelated people behind a few carrier IPs;
//! - households: 2–3 players on one home IP with their own devices, emails and cards;
//! - a TV or campaign day: one affiliate's clicks jump 3–6x, its sign-ups with them;
//! - pop/push traffic: thousands of clicks from as many IPs at 1–3 per mille, in people's daily rhythm;
//! - organic social posts whose links carry `fbclid`;
//! - VPN users whose registration IP (and sometimes click) geolocates to the VPN's exit country;
//! - heavy-tailed affiliate sizes (the largest affiliate's clicks are a trap for volume rules).
//!
//! Everything draws from its own stream ([`rng::TRAPS`]), after fraud is planted, and never touches a planted
//! fraud record: trap units and the fraud answer key are disjoint.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::catalog::{HOUR_WEIGHTS, PLACEMENTS, USER_AGENTS, WEEKDAY_PERCENT};
use super::draw::{
    hex_token, other_country, pick_weighted, random_amount, random_country, random_ip,
};
use super::extras::{email_for, payment_hash};
use super::generate::Profile;
use super::{
    rng, Affiliate, Click, Conversion, ConversionStatus, Deposit, Injected, Player, WorldConfig,
};

/// The kinds of trap, as the answer key names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrapKind {
    FastSignups,
    CarrierNat,
    Households,
    CampaignSpike,
    LowCrTraffic,
    SocialClickIds,
    VpnUsers,
    LargeAffiliate,
}

impl TrapKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FastSignups => "fast_signups",
            Self::CarrierNat => "carrier_nat",
            Self::Households => "households",
            Self::CampaignSpike => "campaign_spike",
            Self::LowCrTraffic => "low_cr_traffic",
            Self::SocialClickIds => "social_click_ids",
            Self::VpnUsers => "vpn_users",
            Self::LargeAffiliate => "large_affiliate",
        }
    }
}

/// One trap's legit units: the clicks and players that look like fraud and are not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trap {
    pub kind: TrapKind,
    /// The affiliate the trap is about, when it is one affiliate's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affiliate_id: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clicks: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub players: Vec<String>,
    /// What makes it look suspicious, and why it is not.
    pub note: String,
}

impl Trap {
    fn new(kind: TrapKind, note: impl Into<String>) -> Self {
        Self {
            kind,
            affiliate_id: None,
            clicks: Vec::new(),
            players: Vec::new(),
            note: note.into(),
        }
    }
}

/// One-click and social sign-ups: seconds after the click.
const FAST_CTIT_SECS: std::ops::RangeInclusive<i64> = 3..=20;
/// A TV or campaign day multiplies the affiliate's usual daily clicks by this much (in tenths) on top.
const SPIKE_EXTRA_TENTHS: std::ops::RangeInclusive<u64> = 20..=50;
/// Pop/push: clicks per source as per mille of the world's clicks, and sign-ups per 10,000 clicks.
const LOW_CR_SHARE_PER_MILLE: std::ops::RangeInclusive<u64> = 250..=450;
const LOW_CR_PER_10K: std::ops::RangeInclusive<u32> = 10..=30;
/// Share of pop/push clicks from phones.
const LOW_CR_MOBILE_PER_MILLE: u32 = 650;
/// Share of the TV evening slot (18–22 h UTC) in a spike day's extra clicks.
const SPIKE_EVENING_PER_MILLE: u32 = 700;
/// Households: members from the first member's affiliate (one told the other), else any.
const HOUSEHOLD_SAME_AFFILIATE_PER_MILLE: u32 = 500;
/// VPN exits shared by the VPN users, and the share of them on the VPN when they clicked too.
const VPN_EXITS: usize = 2;
const VPN_AT_CLICK_PER_MILLE: u32 = 500;
/// Share of the tracker's conversions approved / pending, as for clean players.
const APPROVED_PER_MILLE: u32 = 850;
const PENDING_PER_MILLE: u32 = 100;

/// Heavy-tailed affiliate sizes: click weights ~ 1000 / rank^1.5 over a seeded ranking, replacing the archetypes'
/// weights (their conversion rates stay). Called wherever the click stream is built, so streamed clicks and
/// generated clicks agree.
pub(super) fn reshape_sources(cfg: &WorldConfig, profiles: &mut [Profile]) {
    if !cfg.traps.heavy_tailed_affiliates || profiles.is_empty() {
        return;
    }
    let mut rng = rng::stream(cfg.seed, rng::TRAPS + 100);
    let mut order: Vec<usize> = (0..profiles.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    for (rank0, &i) in order.iter().enumerate() {
        let rank = rank0 as u64 + 1;
        // rank^1.5 in integers: rank * sqrt(rank), with sqrt to 1/100.
        let root = isqrt(rank * 10_000);
        profiles[i].source.weight = (100_000_000 / (rank * root)).max(1) as u32;
    }
}

/// The integer square root (no float touches a generated value).
fn isqrt(n: u64) -> u64 {
    let (mut lo, mut hi) = (0u64, n.min(u64::from(u32::MAX)) + 1);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if mid * mid <= n {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

pub(super) struct Records<'w> {
    pub clicks: &'w mut Vec<Click>,
    pub players: &'w mut Vec<Player>,
    pub deposits: &'w mut Vec<Deposit>,
    pub conversions: &'w mut Vec<Conversion>,
}

struct Planter<'w> {
    rng: ChaCha8Rng,
    cfg: &'w WorldConfig,
    affiliates: &'w [Affiliate],
    profiles: &'w [Profile],
    r: Records<'w>,
    /// Click and player ids of planted fraud: never reshaped, never a trap unit.
    fraud: BTreeSet<String>,
    next_player: u32,
    next_deposit: u32,
    next_conversion: u32,
}

/// Plants every trap `cfg.traps` switches on; returns their answer key.
pub(super) fn plant(
    cfg: &WorldConfig,
    affiliates: &[Affiliate],
    profiles: &[Profile],
    records: Records<'_>,
    injected: &[Injected],
) -> Vec<Trap> {
    let t = cfg.traps;
    if t.is_off() || affiliates.is_empty() || cfg.days == 0 {
        return Vec::new();
    }
    let fraud: BTreeSet<String> = injected
        .iter()
        .flat_map(|i| i.clicks.iter().chain(&i.players).cloned())
        .collect();
    let mut p = Planter {
        rng: rng::stream(cfg.seed, rng::TRAPS),
        cfg,
        affiliates,
        profiles,
        r: records,
        fraud,
        next_player: 1,
        next_deposit: 1,
        next_conversion: 1,
    };
    let mut traps = Vec::new();
    if t.heavy_tailed_affiliates {
        traps.push(p.large_affiliate());
    }
    if t.fast_signup_per_mille > 0 {
        traps.push(p.fast_signups(t.fast_signup_per_mille));
    }
    for _ in 0..t.campaign_spikes {
        traps.push(p.campaign_spike());
    }
    for _ in 0..t.low_cr_sources {
        traps.push(p.low_cr_source());
    }
    // Reshaping traps come after the added traffic, so pop clicks on phones go through the carriers' NAT too.
    let mut taken: BTreeSet<String> = BTreeSet::new();
    if t.carrier_nat_gateways > 0 && t.carrier_nat_per_mille > 0 {
        let nat = p.carrier_nat(t.carrier_nat_gateways, t.carrier_nat_per_mille);
        taken.extend(nat.players.iter().cloned());
        traps.push(nat);
    }
    for _ in 0..t.households {
        if let Some(h) = p.household(&mut taken) {
            traps.push(h);
        }
    }
    if t.vpn_users > 0 {
        traps.push(p.vpn_users(t.vpn_users, &mut taken));
    }
    if t.social_click_id_per_mille > 0 {
        traps.push(p.social_click_ids(t.social_click_id_per_mille));
    }
    p.r.clicks
        .sort_by(|a, b| (a.at, &a.transaction_id).cmp(&(b.at, &b.transaction_id)));
    p.r.players.sort_by_key(|x| x.registered_at);
    p.r.deposits.sort_by_key(|x| x.occurred_at);
    p.r.conversions.sort_by_key(|x| x.converted_at);
    traps.retain(|t| !t.clicks.is_empty() || !t.players.is_empty());
    traps
}

impl<'w> Planter<'w> {
    fn end(&self) -> DateTime<Utc> {
        self.cfg.end_instant()
    }

    fn profile(&self, aff: u32) -> &'w Profile {
        let profiles: &'w [Profile] = self.profiles;
        &profiles[(aff - 1) as usize]
    }

    /// The delay of an ordinary sign-up (most within the hour, a tail hours or days later), as for clean players.
    fn ordinary_ctit(&mut self) -> i64 {
        match pick_weighted(&mut self.rng, &[70, 25, 5]) {
            0 => self.rng.random_range(60..3_600),
            1 => self.rng.random_range(3_600..6 * 3_600),
            _ => self.rng.random_range(6 * 3_600..48 * 3_600),
        }
    }

    /// A new click of `aff` at `at`: one of its campaigns unless `sub1` says otherwise.
    fn click(
        &mut self,
        aff: u32,
        at: DateTime<Utc>,
        sub1: Option<&str>,
        sub2: &str,
        mobile: Option<bool>,
    ) -> Click {
        let source = &self.profile(aff).source;
        let sub1 = match sub1 {
            Some(s) => s.to_owned(),
            None => source.campaigns[self.rng.random_range(0..source.campaigns.len())].to_owned(),
        };
        let home = super::catalog::COUNTRIES[source.home_country].0;
        let country = if self.rng.random_range(0..1000) < 500 {
            home
        } else {
            random_country(&mut self.rng)
        };
        let user_agent = match mobile {
            Some(true) => USER_AGENTS[[1, 2, 5][self.rng.random_range(0..3)]],
            Some(false) => USER_AGENTS[[0, 3, 4][self.rng.random_range(0..3)]],
            None => USER_AGENTS[self.rng.random_range(0..USER_AGENTS.len())],
        };
        let id = hex_token(&mut self.rng, 32);
        Click {
            transaction_id: id,
            at,
            affiliate_id: aff,
            url: format!("https://demo-casino.example/?aff={aff}&sub1={sub1}"),
            sub1,
            sub2: sub2.to_owned(),
            sub3: String::new(),
            sub4: String::new(),
            sub5: String::new(),
            ip: random_ip(&mut self.rng),
            user_agent: user_agent.to_owned(),
            country: country.to_owned(),
        }
    }

    /// Records `click` and, when `ctit` is given and the sign-up falls inside the world, the player it brings
    /// (with an FTD and the tracker's conversion at the affiliate's usual rate). Returns the player's id.
    fn visit(&mut self, click: Click, ctit_secs: Option<i64>) -> Option<String> {
        let registered_at = ctit_secs.map(|s| click.at + Duration::seconds(s));
        let player = match registered_at {
            Some(at) if at < self.end() => Some(self.player(&click, at)),
            _ => None,
        };
        self.r.clicks.push(click);
        player
    }

    fn player(&mut self, click: &Click, registered_at: DateTime<Utc>) -> String {
        let id = format!("PT{:05}", self.next_player);
        // The email's number must not collide with a clean or a planted player's.
        let email = email_for(&mut self.rng, &format!("7{:05}", self.next_player));
        self.next_player += 1;
        let aff = click.affiliate_id;
        self.r.players.push(Player {
            player_id: id.clone(),
            registered_at,
            country: click.country.clone(),
            click_id: Some(click.transaction_id.clone()),
            affiliate_id: Some(aff),
            btag: Some(format!("a{aff}-b1-p0-c{}", click.country)),
            promo_code: None,
            device_id: format!("dev-{}", hex_token(&mut self.rng, 16)),
            ip: click.ip.clone(),
            ip_country: click.country.clone(),
            email,
        });
        let ftd_per_mille = self.profile(aff).ftd_per_mille;
        if self.rng.random_range(0..1000) < ftd_per_mille {
            let ftd_at = registered_at + Duration::seconds(self.rng.random_range(120..6 * 3_600));
            if ftd_at + Duration::seconds(600) < self.end() {
                self.ftd(click, &id, ftd_at);
            }
        }
        id
    }

    fn ftd(&mut self, click: &Click, player: &str, at: DateTime<Utc>) {
        let deposit_id = format!("DT{:05}", self.next_deposit);
        self.next_deposit += 1;
        let amount = random_amount(&mut self.rng);
        self.r.deposits.push(Deposit {
            deposit_id: deposit_id.clone(),
            player_id: player.to_owned(),
            amount,
            occurred_at: at,
            is_ftd: true,
            payment_hash: payment_hash(&mut self.rng),
        });
        let Some(aff) = self.affiliates.iter().find(|a| a.id == click.affiliate_id) else {
            return;
        };
        let roll = self.rng.random_range(0..1000);
        let status = if roll < APPROVED_PER_MILLE {
            ConversionStatus::Approved
        } else if roll < APPROVED_PER_MILLE + PENDING_PER_MILLE {
            ConversionStatus::Pending
        } else {
            ConversionStatus::Rejected
        };
        let converted_at = at + Duration::seconds(self.rng.random_range(5..=600));
        let conversion_id = format!("cT{:05}", self.next_conversion);
        self.next_conversion += 1;
        self.r.conversions.push(Conversion {
            conversion_id,
            transaction_id: click.transaction_id.clone(),
            affiliate_id: aff.id,
            player_id: player.to_owned(),
            deposit_id,
            status,
            initial_status: status,
            payout: aff.cpa_payout,
            revenue: (aff.cpa_payout * rust_decimal::Decimal::new(15, 1)).round_dp(2),
            sale_amount: amount,
            converted_at,
            updated_at: converted_at,
            click_at: click.at,
            sub1: click.sub1.clone(),
            sub2: click.sub2.clone(),
            sub3: click.sub3.clone(),
            sub4: click.sub4.clone(),
            sub5: click.sub5.clone(),
            coupon_code: String::new(),
            session_user_ip: click.ip.clone(),
            conversion_user_ip: click.ip.clone(),
            country: click.country.clone(),
        });
    }

    /// A random instant of day `day` (0-based) in people's daily rhythm.
    fn human_instant(&mut self, day: i64) -> DateTime<Utc> {
        let hour = pick_weighted(&mut self.rng, &HOUR_WEIGHTS) as i64;
        self.cfg.start_instant()
            + Duration::days(day)
            + Duration::seconds(hour * 3_600 + self.rng.random_range(0..3_600))
    }

    /// The largest affiliate's clean clicks: a big source with many clicks is no flood.
    fn large_affiliate(&mut self) -> Trap {
        let top = self
            .profiles
            .iter()
            .max_by_key(|p| (p.source.weight, std::cmp::Reverse(p.source.id)))
            .map(|p| p.source.id)
            .unwrap_or(1);
        let mut trap = Trap::new(
            TrapKind::LargeAffiliate,
            format!("affiliate {top} sends the largest share of the program's clicks (heavy-tailed sizes)"),
        );
        trap.affiliate_id = Some(top);
        trap.clicks = self
            .r
            .clicks
            .iter()
            .filter(|c| c.affiliate_id == top && !self.fraud.contains(&c.transaction_id))
            .map(|c| c.transaction_id.clone())
            .collect();
        trap
    }

    /// One-click / social sign-ups: for each click-referred player, with the affiliate's own share (half to one
    /// and a half times the average), another visitor of the same affiliate signs up 3–20 s after clicking.
    fn fast_signups(&mut self, per_mille: u32) -> Trap {
        let mut trap = Trap::new(
            TrapKind::FastSignups,
            format!("about {per_mille} per mille of each affiliate's sign-ups are one-click or social sign-ups, 3-20 s after the click"),
        );
        let shares: Vec<u32> = (0..self.affiliates.len())
            .map(|_| per_mille * self.rng.random_range(50..=150) / 100)
            .collect();
        let referred: Vec<(u32, DateTime<Utc>)> = self
            .r
            .players
            .iter()
            .filter(|p| !self.fraud.contains(&p.player_id))
            .filter_map(|p| {
                p.affiliate_id
                    .filter(|_| p.click_id.is_some())
                    .map(|a| (a, p.registered_at))
            })
            .collect();
        let days = i64::from(self.cfg.days);
        for (aff, _) in referred {
            if self.rng.random_range(0..1000) >= shares[(aff - 1) as usize] {
                continue;
            }
            let day = self.rng.random_range(0..days);
            let at = self.human_instant(day);
            let placement = PLACEMENTS[self.rng.random_range(0..PLACEMENTS.len())];
            // One-click sign-ups are mostly on phones (the wallet or the social app is already signed in).
            let mobile = self.rng.random_range(0..1000) < 700;
            let click = self.click(aff, at, None, placement, Some(mobile));
            let ctit = self.rng.random_range(FAST_CTIT_SECS);
            trap.clicks.push(click.transaction_id.clone());
            if let Some(player) = self.visit(click, Some(ctit)) {
                trap.players.push(player);
            } else {
                trap.clicks.pop();
                self.r.clicks.pop();
            }
        }
        trap
    }

    /// A TV slot or campaign: one affiliate's day with 2–5x its usual clicks on top, mostly in the evening,
    /// converting at the affiliate's own rate.
    fn campaign_spike(&mut self) -> Trap {
        // A source big enough to be on TV: drawn by size.
        let weights: Vec<u32> = self.profiles.iter().map(|p| p.source.weight).collect();
        let aff = self.profiles[pick_weighted(&mut self.rng, &weights)]
            .source
            .id;
        let days = i64::from(self.cfg.days);
        let day = if days > 8 {
            self.rng.random_range(6..days - 1)
        } else {
            days / 2
        };
        let usual = self
            .r
            .clicks
            .iter()
            .filter(|c| c.affiliate_id == aff && !self.fraud.contains(&c.transaction_id))
            .count() as u64
            / days.max(1) as u64;
        let extra = (usual.max(20) * self.rng.random_range(SPIKE_EXTRA_TENTHS) / 10) as usize;
        let campaign = {
            let c = &self.profile(aff).source.campaigns;
            c[self.rng.random_range(0..c.len())].to_owned()
        };
        let reg_per_mille = self.profile(aff).registration_per_mille;
        let date = (self.cfg.start_instant() + Duration::days(day)).date_naive();
        let mut trap = Trap::new(
            TrapKind::CampaignSpike,
            format!("affiliate {aff}'s campaign {campaign} on TV on {date}: {extra} clicks on top of about {usual} a day, converting at its usual {reg_per_mille} per mille"),
        );
        trap.affiliate_id = Some(aff);
        for _ in 0..extra {
            let at = if self.rng.random_range(0..1000) < SPIKE_EVENING_PER_MILLE {
                self.cfg.start_instant()
                    + Duration::days(day)
                    + Duration::seconds(self.rng.random_range(18 * 3_600..23 * 3_600))
            } else {
                self.human_instant(day)
            };
            let placement = PLACEMENTS[self.rng.random_range(0..PLACEMENTS.len())];
            let click = self.click(aff, at, Some(&campaign), placement, None);
            let ctit =
                (self.rng.random_range(0..1000) < reg_per_mille).then(|| self.ordinary_ctit());
            trap.clicks.push(click.transaction_id.clone());
            if let Some(player) = self.visit(click, ctit) {
                trap.players.push(player);
            }
        }
        trap
    }

    /// Pop/push traffic: a sub-ID of an affiliate with thousands of clicks over the whole period, each from its
    /// own IP (mostly phones), in people's daily and weekly rhythm, converting at 1–3 per mille.
    fn low_cr_source(&mut self) -> Trap {
        let aff = self.affiliates[self.rng.random_range(0..self.affiliates.len())].id;
        let (sub1, sub2) = if self.rng.random_range(0..2) == 0 {
            (format!("pop-{}", hex_token(&mut self.rng, 5)), "popunder")
        } else {
            (
                format!("push-{}", hex_token(&mut self.rng, 5)),
                "push-notification",
            )
        };
        let total = u64::from(self.cfg.clicks_per_day)
            * u64::from(self.cfg.days)
            * self.rng.random_range(LOW_CR_SHARE_PER_MILLE)
            / 1000;
        let cr = self.rng.random_range(LOW_CR_PER_10K);
        let mut trap = Trap::new(
            TrapKind::LowCrTraffic,
            format!("affiliate {aff}'s {sub2} traffic on sub1 {sub1}: about {total} clicks from as many IPs, converting at {cr} per 10,000"),
        );
        trap.affiliate_id = Some(aff);
        let start = self.cfg.start_instant();
        let weekday_sum: u64 = (0..self.cfg.days)
            .map(|d| {
                let wd = (start + Duration::days(i64::from(d)))
                    .weekday()
                    .num_days_from_monday();
                u64::from(WEEKDAY_PERCENT[wd as usize])
            })
            .sum();
        for d in 0..i64::from(self.cfg.days) {
            let wd = (start + Duration::days(d)).weekday().num_days_from_monday() as usize;
            let n = total * u64::from(WEEKDAY_PERCENT[wd]) / weekday_sum.max(1);
            for _ in 0..n {
                let at = self.human_instant(d);
                let mobile = self.rng.random_range(0..1000) < LOW_CR_MOBILE_PER_MILLE;
                let click = self.click(aff, at, Some(&sub1), sub2, Some(mobile));
                let ctit = (self.rng.random_range(0..10_000) < cr).then(|| self.ordinary_ctit());
                trap.clicks.push(click.transaction_id.clone());
                if let Some(player) = self.visit(click, ctit) {
                    trap.players.push(player);
                }
            }
        }
        trap
    }

    /// Carrier-grade NAT: a share of the phone clicks (clean and trap ones, never fraud) come from one of a few
    /// carrier IPs, and so do the sign-ups they bring; each person keeps their own device, email and card.
    fn carrier_nat(&mut self, gateways: u32, per_mille: u32) -> Trap {
        let ips: Vec<String> = (0..gateways).map(|_| random_ip(&mut self.rng)).collect();
        let mut trap = Trap::new(
            TrapKind::CarrierNat,
            format!("{per_mille} per mille of phone clicks and their sign-ups come through the carrier NAT IPs {}", ips.join(", ")),
        );
        let mut moved: BTreeMap<String, (String, String)> = BTreeMap::new(); // click → (old ip, new ip)
        for c in self.r.clicks.iter_mut() {
            if self.fraud.contains(&c.transaction_id) || !c.user_agent.contains("Mobile") {
                continue;
            }
            if self.rng.random_range(0..1000) >= per_mille {
                continue;
            }
            let ip = ips[self.rng.random_range(0..ips.len())].clone();
            moved.insert(c.transaction_id.clone(), (c.ip.clone(), ip.clone()));
            c.ip = ip;
            trap.clicks.push(c.transaction_id.clone());
        }
        for p in self.r.players.iter_mut() {
            let Some((_, ip)) = p.click_id.as_ref().and_then(|c| moved.get(c)) else {
                continue;
            };
            if self.fraud.contains(&p.player_id) {
                continue;
            }
            p.ip = ip.clone();
            trap.players.push(p.player_id.clone());
        }
        retarget_conversions(self.r.conversions, &moved);
        trap
    }

    /// A household: 2–3 players on one home IP (their clicks too), each with their own device, email and card.
    fn household(&mut self, taken: &mut BTreeSet<String>) -> Option<Trap> {
        let candidates: Vec<usize> = (0..self.r.players.len())
            .filter(|&i| {
                let p = &self.r.players[i];
                !self.fraud.contains(&p.player_id) && !taken.contains(&p.player_id)
            })
            .collect();
        if candidates.len() < 3 {
            return None;
        }
        let size = self.rng.random_range(2..=3);
        let first = candidates[self.rng.random_range(0..candidates.len())];
        let mut members = vec![first];
        let aff = self.r.players[first].affiliate_id;
        for _ in 1..size {
            let same = self.rng.random_range(0..1000) < HOUSEHOLD_SAME_AFFILIATE_PER_MILLE;
            let pool: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|i| {
                    !members.contains(i) && (!same || self.r.players[*i].affiliate_id == aff)
                })
                .collect();
            let pool = if pool.is_empty() {
                candidates
                    .iter()
                    .copied()
                    .filter(|i| !members.contains(i))
                    .collect()
            } else {
                pool
            };
            if pool.is_empty() {
                break;
            }
            members.push(pool[self.rng.random_range(0..pool.len())]);
        }
        let ip = random_ip(&mut self.rng);
        let mut trap = Trap::new(TrapKind::Households, String::new());
        let mut moved: BTreeMap<String, (String, String)> = BTreeMap::new();
        for &i in &members {
            let p = &mut self.r.players[i];
            p.ip = ip.clone();
            taken.insert(p.player_id.clone());
            trap.players.push(p.player_id.clone());
            if let Some(click) = &p.click_id {
                moved.insert(click.clone(), (String::new(), ip.clone()));
            }
        }
        for c in self.r.clicks.iter_mut() {
            if let Some(entry) = moved.get_mut(&c.transaction_id) {
                entry.0 = std::mem::replace(&mut c.ip, ip.clone());
                trap.clicks.push(c.transaction_id.clone());
            }
        }
        retarget_conversions(self.r.conversions, &moved);
        trap.note = format!(
            "{} players at home on IP {ip}, each with their own device, email and card",
            members.len()
        );
        Some(trap)
    }

    /// VPN users: the registration IP is one of a few VPN exits in another country; half were on the VPN when
    /// they clicked as well (the click's country is the exit's).
    fn vpn_users(&mut self, count: u32, taken: &mut BTreeSet<String>) -> Trap {
        let exits: Vec<(String, &'static str)> = (0..VPN_EXITS)
            .map(|_| (random_ip(&mut self.rng), random_country(&mut self.rng)))
            .collect();
        let mut trap = Trap::new(
            TrapKind::VpnUsers,
            format!(
                "players registering through VPN exits {}",
                exits
                    .iter()
                    .map(|(ip, c)| format!("{ip} ({c})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        let candidates: Vec<usize> = (0..self.r.players.len())
            .filter(|&i| {
                let p = &self.r.players[i];
                p.click_id.is_some()
                    && !self.fraud.contains(&p.player_id)
                    && !taken.contains(&p.player_id)
            })
            .collect();
        let mut moved: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut countries: BTreeMap<String, &'static str> = BTreeMap::new();
        let mut chosen = BTreeSet::new();
        for _ in 0..count {
            if candidates.len() <= chosen.len() {
                break;
            }
            let i = loop {
                let i = candidates[self.rng.random_range(0..candidates.len())];
                if chosen.insert(i) {
                    break i;
                }
            };
            let (ip, exit_country) = exits[self.rng.random_range(0..exits.len())].clone();
            let p = &mut self.r.players[i];
            let exit_country = if p.country == exit_country {
                other_country(&mut self.rng, &[&p.country])
            } else {
                exit_country
            };
            p.ip = ip.clone();
            p.ip_country = exit_country.to_owned();
            taken.insert(p.player_id.clone());
            trap.players.push(p.player_id.clone());
            if self.rng.random_range(0..1000) < VPN_AT_CLICK_PER_MILLE {
                if let Some(click) = &p.click_id {
                    moved.insert(click.clone(), (String::new(), ip));
                    countries.insert(click.clone(), exit_country);
                }
            }
        }
        for c in self.r.clicks.iter_mut() {
            if let Some(entry) = moved.get_mut(&c.transaction_id) {
                entry.0 = std::mem::replace(&mut c.ip, entry.1.clone());
                c.country = countries[&c.transaction_id].to_owned();
                trap.clicks.push(c.transaction_id.clone());
            }
        }
        for conv in self.r.conversions.iter_mut() {
            if let Some(country) = countries.get(&conv.transaction_id) {
                conv.country = (*country).to_owned();
            }
        }
        retarget_conversions(self.r.conversions, &moved);
        trap
    }

    /// Organic social posts: Facebook appends `fbclid` to links in unpaid posts too.
    fn social_click_ids(&mut self, per_mille: u32) -> Trap {
        let mut trap = Trap::new(
            TrapKind::SocialClickIds,
            format!("{per_mille} per mille of the clicks from social placements are organic posts whose links carry fbclid"),
        );
        for c in self.r.clicks.iter_mut() {
            if c.sub2 != "social" || self.fraud.contains(&c.transaction_id) {
                continue;
            }
            if self.rng.random_range(0..1000) < per_mille {
                c.url = format!("{}&fbclid=IwAR{}", c.url, hex_token(&mut self.rng, 24));
                trap.clicks.push(c.transaction_id.clone());
            }
        }
        trap
    }
}

/// The tracker's conversions follow their clicks' new IPs (`moved`: click → (old ip, new ip)).
fn retarget_conversions(
    conversions: &mut [Conversion],
    moved: &BTreeMap<String, (String, String)>,
) {
    for conv in conversions.iter_mut() {
        if let Some((old, new)) = moved.get(&conv.transaction_id) {
            if conv.conversion_user_ip == conv.session_user_ip || conv.conversion_user_ip == *old {
                conv.conversion_user_ip = new.clone();
            }
            conv.session_user_ip = new.clone();
        }
    }
}
