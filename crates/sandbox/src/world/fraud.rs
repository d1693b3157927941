//! Planting the iGaming fraud patterns of DOMAIN.md §5 on request ([`super::FraudConfig`]). Each planted instance
//! becomes records of the world (clicks, players, deposits, conversions with "X" ids) and one [`Injected`] entry
//! naming them, so detectors can be scored against an exact answer key.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

use super::catalog::{COUNTRIES, USER_AGENTS};
use super::draw::{cents, hex_token, other_country, random_amount, random_ip};
use super::extras::{email_for, payment_hash};
use super::{
    rng, Affiliate, Click, Conversion, ConversionStatus, Deposit, Injected, Pattern, Player,
    WorldConfig,
};

/// Clicks in one flooding burst: hundreds from one IP and sub-ID.
const FLOOD_CLICKS: u32 = 300;
/// A flood is spread evenly (flat CTIT) over this many hours.
const FLOOD_HOURS: i64 = 36;
/// Players in one click-injection spike, one multi-accounting ring and one bonus-abuse cluster.
const INJECTION_PLAYERS: u32 = 5;
const RING_PLAYERS: u32 = 4;
const ABUSE_PLAYERS: u32 = 4;
/// Click injection: the registration comes this many seconds after the click.
const INJECTION_CTIT_SECS: std::ops::RangeInclusive<i64> = 3..=10;
/// The welcome bonus's minimum deposit, which abusers deposit exactly (EUR cents).
pub(super) const BONUS_MIN_DEPOSIT_CENTS: i64 = 2_000;
/// Injected journeys end at least this long before the world does, so their FTD and conversion fit inside it.
const JOURNEY_SECS_MAX: i64 = 6 * 3_600;
/// With `FraudConfig::jitter`: each instance draws its shape from these ranges instead of the constants above.
const JITTER_FLOOD_CLICKS: std::ops::RangeInclusive<u32> = 150..=600;
const JITTER_FLOOD_HOURS: std::ops::RangeInclusive<i64> = 12..=60;
/// Share of jittered floods sent through a rotating pool of proxy IPs (of this many) rather than one IP.
const JITTER_FLOOD_POOL_PER_MILLE: u32 = 400;
const JITTER_FLOOD_POOL: std::ops::RangeInclusive<usize> = 20..=60;
const JITTER_INJECTION_PLAYERS: std::ops::RangeInclusive<u32> = 4..=8;
const JITTER_INJECTION_CTIT_SECS: std::ops::RangeInclusive<i64> = 2..=12;
const JITTER_RING_PLAYERS: std::ops::RangeInclusive<u32> = 3..=6;

/// How a planted player behaves later, for the activity and withdrawal generators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Behaviour {
    BonusAbuse,
}

pub(super) struct FraudOutcome {
    pub injected: Vec<Injected>,
    pub behaviours: BTreeMap<String, Behaviour>,
}

/// One planted player's path from click to FTD.
struct Journey<'a> {
    affiliate: &'a Affiliate,
    click_at: DateTime<Utc>,
    ctit_secs: i64,
    click_country: &'static str,
    country: &'static str,
    ip_country: &'static str,
    ip: String,
    device_id: String,
    email: String,
    ftd_cents: i64,
    payment_hash: String,
    sub1: String,
}

struct Planter<'w> {
    rng: ChaCha8Rng,
    cfg: &'w WorldConfig,
    clicks: &'w mut Vec<Click>,
    players: &'w mut Vec<Player>,
    deposits: &'w mut Vec<Deposit>,
    conversions: &'w mut Vec<Conversion>,
    next_player: u32,
    next_deposit: u32,
    next_conversion: u32,
}

pub(super) fn inject(
    cfg: &WorldConfig,
    affiliates: &[Affiliate],
    clicks: &mut Vec<Click>,
    players: &mut Vec<Player>,
    deposits: &mut Vec<Deposit>,
    conversions: &mut Vec<Conversion>,
) -> FraudOutcome {
    let mut outcome = FraudOutcome {
        injected: Vec::new(),
        behaviours: BTreeMap::new(),
    };
    let fraud = cfg.fraud;
    let window_secs =
        (cfg.end_instant() - cfg.start_instant()).num_seconds() - 2 * JOURNEY_SECS_MAX;
    if fraud.is_off() || affiliates.is_empty() || window_secs <= FLOOD_HOURS * 3_600 {
        return outcome;
    }
    let mut p = Planter {
        rng: rng::stream(cfg.seed, rng::FRAUD),
        cfg,
        clicks,
        players,
        deposits,
        conversions,
        next_player: 1,
        next_deposit: 1,
        next_conversion: 1,
    };
    for _ in 0..fraud.click_flooding {
        let item = if fraud.jitter {
            p.jittered_flood(affiliates, window_secs)
        } else {
            p.flood(affiliates, window_secs)
        };
        outcome.injected.push(item);
    }
    for _ in 0..fraud.click_injection {
        let aff = p.pick(affiliates);
        let mut item = Injected::new(Pattern::ClickInjection, "");
        if fraud.jitter {
            // A sub-publisher of the affiliate firing a click seconds before sign-ups it did not bring.
            let n = p.rng.random_range(JITTER_INJECTION_PLAYERS);
            let sub1 = format!("sp-{}", hex_token(&mut p.rng, 6));
            for _ in 0..n {
                let mut j = p.journey(aff, window_secs);
                j.ctit_secs = p.rng.random_range(JITTER_INJECTION_CTIT_SECS);
                j.sub1 = sub1.clone();
                p.plant(j, &mut item);
            }
            item.note =
                format!("{n} registrations 2-12 s after their click, from sub-publisher {sub1}");
        } else {
            for _ in 0..INJECTION_PLAYERS {
                let mut j = p.journey(aff, window_secs);
                j.ctit_secs = p.rng.random_range(INJECTION_CTIT_SECS);
                p.plant(j, &mut item);
            }
            item.note = format!("{INJECTION_PLAYERS} registrations 3-10 s after their click");
        }
        outcome.injected.push(item);
    }
    for _ in 0..fraud.multi_accounting {
        if fraud.jitter {
            let aff = p.pick(affiliates);
            outcome.injected.push(p.jittered_ring(aff, window_secs));
            continue;
        }
        let aff = p.pick(affiliates);
        let mut item = Injected::new(Pattern::MultiAccounting, "");
        let (device, ip, hash) = (
            format!("dev-{}", hex_token(&mut p.rng, 16)),
            random_ip(&mut p.rng),
            payment_hash(&mut p.rng),
        );
        let base = format!("{}{}", "max.power", hex_token(&mut p.rng, 4));
        let variants = [
            format!("{base}@gmail.com"),
            format!("{}@gmail.com", base.replace('.', "")),
            format!("{base}+casino@gmail.com"),
            format!("{}@GMAIL.com", base.to_uppercase()),
        ];
        for n in 0..RING_PLAYERS {
            let mut j = p.journey(aff, window_secs);
            j.device_id = device.clone();
            j.ip = ip.clone();
            j.payment_hash = hash.clone();
            j.email = variants[n as usize % variants.len()].clone();
            p.plant(j, &mut item);
        }
        item.note = format!(
            "{RING_PLAYERS} players share device {device}, IP {ip}, payment {hash} and email {base}@gmail.com once normalized"
        );
        outcome.injected.push(item);
    }
    for _ in 0..fraud.self_referral {
        let aff = p.pick(affiliates);
        let mut item = Injected::new(Pattern::SelfReferral, "");
        let mut j = p.journey(aff, window_secs);
        let (user, domain) = aff
            .email
            .split_once('@')
            .unwrap_or(("partners", "x.example"));
        j.email = format!("{user}+{}@{domain}", hex_token(&mut p.rng, 3));
        j.ip = aff.ip.clone();
        item.note = format!(
            "player email {} and IP {} are the affiliate's own",
            j.email, j.ip
        );
        p.plant(j, &mut item);
        outcome.injected.push(item);
    }
    for _ in 0..fraud.bonus_abuse {
        let aff = p.pick(affiliates);
        let mut item = Injected::new(Pattern::BonusAbuse, "");
        for _ in 0..ABUSE_PLAYERS {
            let mut j = p.journey(aff, window_secs);
            j.ftd_cents = BONUS_MIN_DEPOSIT_CENTS;
            p.plant(j, &mut item);
        }
        for player in &item.players {
            outcome
                .behaviours
                .insert(player.clone(), Behaviour::BonusAbuse);
        }
        item.note = format!(
            "{ABUSE_PLAYERS} players deposit exactly the bonus minimum {}, wager under 1.5x and withdraw within hours",
            cents(BONUS_MIN_DEPOSIT_CENTS)
        );
        outcome.injected.push(item);
    }
    for _ in 0..fraud.geo_mismatch {
        let aff = p.pick(affiliates);
        let mut item = Injected::new(Pattern::GeoMismatch, "");
        let mut j = p.journey(aff, window_secs);
        j.country = other_country(&mut p.rng, &[j.click_country]);
        j.ip_country = other_country(&mut p.rng, &[j.click_country, j.country]);
        item.note = format!(
            "click country {}, registration country {}, IP country {}",
            j.click_country, j.country, j.ip_country
        );
        p.plant(j, &mut item);
        outcome.injected.push(item);
    }
    // Keep every vector in its API order; stable sorts keep the clean records' relative order.
    p.clicks
        .sort_by(|a, b| (a.at, &a.transaction_id).cmp(&(b.at, &b.transaction_id)));
    p.players.sort_by_key(|x| x.registered_at);
    p.deposits.sort_by_key(|x| x.occurred_at);
    p.conversions.sort_by_key(|x| x.converted_at);
    outcome
}

impl Planter<'_> {
    fn pick<'a>(&mut self, affiliates: &'a [Affiliate]) -> &'a Affiliate {
        &affiliates[self.rng.random_range(0..affiliates.len())]
    }

    fn click_id(&mut self) -> String {
        hex_token(&mut self.rng, 32)
    }

    fn flood(&mut self, affiliates: &[Affiliate], window_secs: i64) -> Injected {
        let aff = self.pick(affiliates);
        let ip = random_ip(&mut self.rng);
        let sub1 = format!("traffic-{}", hex_token(&mut self.rng, 6));
        let country = COUNTRIES[self.rng.random_range(0..COUNTRIES.len())].0;
        let from =
            self.cfg.start_instant() + Duration::seconds(self.rng.random_range(0..window_secs));
        let step = FLOOD_HOURS * 3_600 / i64::from(FLOOD_CLICKS);
        let mut item = Injected::new(
            Pattern::ClickFlooding,
            format!("{FLOOD_CLICKS} clicks from IP {ip} on sub1 {sub1} over {FLOOD_HOURS} h, no registrations"),
        );
        item.affiliate_id = Some(aff.id);
        for n in 0..i64::from(FLOOD_CLICKS) {
            let id = self.click_id();
            item.clicks.push(id.clone());
            self.clicks.push(Click {
                transaction_id: id,
                at: from + Duration::seconds(n * step),
                affiliate_id: aff.id,
                url: format!("https://demo-casino.example/?aff={}&sub1={sub1}", aff.id),
                sub1: sub1.clone(),
                sub2: "pop-under".to_owned(),
                sub3: String::new(),
                sub4: String::new(),
                sub5: String::new(),
                ip: ip.clone(),
                user_agent: USER_AGENTS[0].to_owned(),
                country: country.to_owned(),
            });
        }
        item
    }

    /// A flood whose shape varies: 150–600 clicks at random instants over 12–60 h, from one IP or (40 %) a
    /// rotating pool of 20–60 proxy IPs, on a fresh sub-ID, never converting.
    fn jittered_flood(&mut self, affiliates: &[Affiliate], window_secs: i64) -> Injected {
        let aff = self.pick(affiliates);
        let clicks = self.rng.random_range(JITTER_FLOOD_CLICKS);
        let hours = self.rng.random_range(JITTER_FLOOD_HOURS);
        let pool: Vec<String> = if self.rng.random_range(0..1000) < JITTER_FLOOD_POOL_PER_MILLE {
            let n = self.rng.random_range(JITTER_FLOOD_POOL);
            (0..n).map(|_| random_ip(&mut self.rng)).collect()
        } else {
            vec![random_ip(&mut self.rng)]
        };
        let sub1 = format!("traffic-{}", hex_token(&mut self.rng, 6));
        let country = COUNTRIES[self.rng.random_range(0..COUNTRIES.len())].0;
        let ua = USER_AGENTS[self.rng.random_range(0..USER_AGENTS.len())];
        let span = hours * 3_600;
        let from = self.cfg.start_instant()
            + Duration::seconds(self.rng.random_range(0..(window_secs - span).max(1)));
        let mut item = Injected::new(
            Pattern::ClickFlooding,
            format!(
                "{clicks} clicks from {} on sub1 {sub1} over {hours} h, no registrations",
                if pool.len() == 1 {
                    format!("IP {}", pool[0])
                } else {
                    format!("a pool of {} IPs", pool.len())
                }
            ),
        );
        item.affiliate_id = Some(aff.id);
        let mut at: Vec<i64> = (0..clicks)
            .map(|_| self.rng.random_range(0..span))
            .collect();
        at.sort_unstable();
        for offset in at {
            let id = self.click_id();
            let ip = pool[self.rng.random_range(0..pool.len())].clone();
            item.clicks.push(id.clone());
            self.clicks.push(Click {
                transaction_id: id,
                at: from + Duration::seconds(offset),
                affiliate_id: aff.id,
                url: format!("https://demo-casino.example/?aff={}&sub1={sub1}", aff.id),
                sub1: sub1.clone(),
                sub2: "pop-under".to_owned(),
                sub3: String::new(),
                sub4: String::new(),
                sub5: String::new(),
                ip,
                user_agent: ua.to_owned(),
                country: country.to_owned(),
            });
        }
        item
    }

    /// A ring whose shape varies: 3–6 accounts on one device; one card for all or two cards shared in turn; one
    /// IP or each their own (a VPN, a phone); gmail variants of one address or unrelated emails.
    fn jittered_ring(&mut self, aff: &Affiliate, window_secs: i64) -> Injected {
        let mut item = Injected::new(Pattern::MultiAccounting, "");
        let n = self.rng.random_range(JITTER_RING_PLAYERS);
        let device = format!("dev-{}", hex_token(&mut self.rng, 16));
        let cards: Vec<String> = if self.rng.random_range(0..1000) < 700 {
            vec![payment_hash(&mut self.rng)]
        } else {
            vec![payment_hash(&mut self.rng), payment_hash(&mut self.rng)]
        };
        let shared_ip = (self.rng.random_range(0..1000) < 500).then(|| random_ip(&mut self.rng));
        let base = format!("{}{}", "max.power", hex_token(&mut self.rng, 4));
        let variants = (self.rng.random_range(0..1000) < 600).then(|| {
            [
                format!("{base}@gmail.com"),
                format!("{}@gmail.com", base.replace('.', "")),
                format!("{base}+casino@gmail.com"),
                format!("{}@GMAIL.com", base.to_uppercase()),
            ]
        });
        for i in 0..n {
            let mut j = self.journey(aff, window_secs);
            j.device_id = device.clone();
            // Two cards: each used by every other account, so each is shared by at least two.
            j.payment_hash = cards[i as usize % cards.len()].clone();
            if let Some(ip) = &shared_ip {
                j.ip = ip.clone();
            }
            if let Some(v) = &variants {
                j.email = v[i as usize % v.len()].clone();
            }
            self.plant(j, &mut item);
        }
        item.note = format!(
            "{n} players on device {device} with {} card(s), {}, {}",
            cards.len(),
            if shared_ip.is_some() {
                "one IP"
            } else {
                "their own IPs"
            },
            if variants.is_some() {
                format!("email variants of {base}@gmail.com")
            } else {
                "unrelated emails".into()
            }
        );
        item
    }

    /// An ordinary-looking journey on `aff`; callers then bend the field their pattern is about.
    fn journey<'a>(&mut self, aff: &'a Affiliate, window_secs: i64) -> Journey<'a> {
        let click_country = COUNTRIES[self.rng.random_range(0..COUNTRIES.len())].0;
        Journey {
            affiliate: aff,
            click_at: self.cfg.start_instant()
                + Duration::seconds(self.rng.random_range(0..window_secs)),
            ctit_secs: self.rng.random_range(120..3_600),
            click_country,
            country: click_country,
            ip_country: click_country,
            ip: random_ip(&mut self.rng),
            device_id: format!("dev-{}", hex_token(&mut self.rng, 16)),
            email: String::new(),
            ftd_cents: (random_amount(&mut self.rng) * Decimal::ONE_HUNDRED)
                .try_into()
                .unwrap_or(5_000),
            payment_hash: payment_hash(&mut self.rng),
            sub1: "welcome-bonus".to_owned(),
        }
    }

    /// Click → player → FTD → approved conversion, all recorded in `item`.
    fn plant(&mut self, j: Journey<'_>, item: &mut Injected) {
        let aff = j.affiliate;
        item.affiliate_id = Some(aff.id);
        let click_id = self.click_id();
        let player_id = format!("PX{:05}", self.next_player);
        self.next_player += 1;
        let email = if j.email.is_empty() {
            email_for(&mut self.rng, &player_id)
        } else {
            j.email
        };
        self.clicks.push(Click {
            transaction_id: click_id.clone(),
            at: j.click_at,
            affiliate_id: aff.id,
            url: format!(
                "https://demo-casino.example/?aff={}&sub1={}",
                aff.id, j.sub1
            ),
            sub1: j.sub1.clone(),
            sub2: "review-page".to_owned(),
            sub3: String::new(),
            sub4: String::new(),
            sub5: String::new(),
            ip: j.ip.clone(),
            user_agent: USER_AGENTS[1].to_owned(),
            country: j.click_country.to_owned(),
        });
        let registered_at = j.click_at + Duration::seconds(j.ctit_secs);
        self.players.push(Player {
            player_id: player_id.clone(),
            registered_at,
            country: j.country.to_owned(),
            click_id: Some(click_id.clone()),
            affiliate_id: Some(aff.id),
            btag: Some(format!("a{}-b1-p0-c{}", aff.id, j.click_country)),
            promo_code: None,
            device_id: j.device_id,
            ip: j.ip.clone(),
            ip_country: j.ip_country.to_owned(),
            email,
        });
        let deposit_id = format!("DX{:05}", self.next_deposit);
        self.next_deposit += 1;
        let ftd_at = registered_at + Duration::seconds(self.rng.random_range(300..3_600));
        let amount = cents(j.ftd_cents);
        self.deposits.push(Deposit {
            deposit_id: deposit_id.clone(),
            player_id: player_id.clone(),
            amount,
            occurred_at: ftd_at,
            is_ftd: true,
            payment_hash: j.payment_hash,
        });
        let conversion_id = format!("cX{:05}", self.next_conversion);
        self.next_conversion += 1;
        let converted_at = ftd_at + Duration::seconds(self.rng.random_range(5..=600));
        self.conversions.push(Conversion {
            conversion_id: conversion_id.clone(),
            transaction_id: click_id.clone(),
            affiliate_id: aff.id,
            player_id: player_id.clone(),
            deposit_id: deposit_id.clone(),
            status: ConversionStatus::Approved,
            initial_status: ConversionStatus::Approved,
            payout: aff.cpa_payout,
            revenue: (aff.cpa_payout * Decimal::new(15, 1)).round_dp(2),
            sale_amount: amount,
            converted_at,
            updated_at: converted_at,
            click_at: j.click_at,
            sub1: j.sub1.clone(),
            sub2: "review-page".to_owned(),
            sub3: String::new(),
            sub4: String::new(),
            sub5: String::new(),
            coupon_code: String::new(),
            session_user_ip: j.ip.clone(),
            conversion_user_ip: j.ip,
            country: j.click_country.to_owned(),
        });
        item.clicks.push(click_id);
        item.players.push(player_id);
        item.deposits.push(deposit_id);
        item.conversions.push(conversion_id);
    }
}
