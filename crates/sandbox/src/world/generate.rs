//! Turning a [`WorldConfig`] into a [`World`], deterministically.
//!
//! One ChaCha8 stream is consumed in a fixed order (affiliates, clicks day by day, players, deposits, conversions)
//! and only ordered collections are iterated, so the same config always yields the same world. Probabilities are
//! integer per-mille draws and money is integer cents, so no float ever touches the output.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

use super::catalog::{
    AFFILIATE_NAMES, CAMPAIGNS, COUNTRIES, HOUR_WEIGHTS, IP_FIRST_OCTETS, PLACEMENTS, USER_AGENTS,
    WEEKDAY_PERCENT,
};
use super::{
    Affiliate, Click, Conversion, ConversionStatus, Deposit, Player, Program, World, WorldConfig,
};

/// The tracker records a conversion at most this long after the FTD; FTDs are only placed early enough that
/// their conversion still falls inside the world.
const CONVERSION_DELAY_SECS_MAX: i64 = 600;
/// Organic players, in per-mille of affiliate-referred players.
const ORGANIC_PER_MILLE: u64 = 150;
/// Share of organic players who make an FTD.
const ORGANIC_FTD_PER_MILLE: u32 = 550;
/// Share of FTD conversions the tracker approves / leaves pending; the rest are rejected.
const APPROVED_PER_MILLE: u32 = 850;
const PENDING_PER_MILLE: u32 = 100;

/// How one affiliate's traffic behaves: volume and quality differ so the dashboard has something to show.
struct Profile {
    click_weight: u32,
    registration_per_mille: u32,
    ftd_per_mille: u32,
    campaigns: Vec<&'static str>,
    home_country: usize,
}

/// Builds the whole world. Pure: no clock, no I/O, no global state.
pub fn generate(cfg: &WorldConfig) -> World {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let (affiliates, profiles) = make_affiliates(&mut rng, cfg.affiliates);
    let clicks = make_clicks(&mut rng, cfg, &affiliates, &profiles);
    let players = make_players(&mut rng, cfg, &clicks, &profiles);
    let deposits = make_deposits(&mut rng, cfg, &players, &profiles);
    let conversions = make_conversions(&mut rng, &affiliates, &clicks, &players, &deposits);
    World {
        config: cfg.clone(),
        program: Program {
            name: "Demo Casino".to_owned(),
            currency: "EUR".to_owned(),
            timezone: "UTC".to_owned(),
        },
        affiliates,
        clicks,
        players,
        deposits,
        conversions,
    }
}

fn make_affiliates(rng: &mut ChaCha8Rng, count: u32) -> (Vec<Affiliate>, Vec<Profile>) {
    let mut affiliates = Vec::new();
    let mut profiles = Vec::new();
    for id in 1..=count {
        let idx = (id - 1) as usize;
        let base = AFFILIATE_NAMES[idx % AFFILIATE_NAMES.len()];
        let name = match idx / AFFILIATE_NAMES.len() {
            0 => base.to_owned(),
            round => format!("{base} {}", round + 1),
        };
        // Archetypes: a big low-quality volume source, steady mid-size sites, small high-converting boutiques.
        let (click_weight, registration_per_mille) = match pick_weighted(rng, &[1, 2, 1]) {
            0 => (rng.random_range(8..=14), rng.random_range(25..=45)),
            1 => (rng.random_range(3..=7), rng.random_range(45..=70)),
            _ => (rng.random_range(1..=3), rng.random_range(70..=110)),
        };
        let mut campaigns: Vec<&'static str> = Vec::new();
        for _ in 0..rng.random_range(2..=3) {
            let campaign = CAMPAIGNS[rng.random_range(0..CAMPAIGNS.len())];
            if !campaigns.contains(&campaign) {
                campaigns.push(campaign);
            }
        }
        profiles.push(Profile {
            click_weight,
            registration_per_mille,
            ftd_per_mille: rng.random_range(450..=750),
            campaigns,
            home_country: pick_weighted(rng, &country_weights()),
        });
        affiliates.push(Affiliate {
            id,
            name,
            account_status: "active".to_owned(),
            cpa_payout: Decimal::new(5_000 + 500 * rng.random_range(0..=20), 2),
        });
    }
    (affiliates, profiles)
}

fn make_clicks(
    rng: &mut ChaCha8Rng,
    cfg: &WorldConfig,
    affiliates: &[Affiliate],
    profiles: &[Profile],
) -> Vec<Click> {
    if affiliates.is_empty() {
        return Vec::new();
    }
    let weights: Vec<u32> = profiles.iter().map(|p| p.click_weight).collect();
    let mut seen_ids = BTreeSet::new();
    let mut clicks = Vec::new();
    for day in 0..cfg.days {
        let day_start = cfg.start_instant() + Duration::days(i64::from(day));
        let weekday = day_start.weekday().num_days_from_monday() as usize;
        let noise_percent: u64 = rng.random_range(85..=115);
        let count = u64::from(cfg.clicks_per_day) * u64::from(WEEKDAY_PERCENT[weekday]) / 100
            * noise_percent
            / 100;
        let mut day_clicks = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let aff = pick_weighted(rng, &weights);
            let profile = &profiles[aff];
            let hour = pick_weighted(rng, &HOUR_WEIGHTS) as i64;
            let at = day_start + Duration::seconds(hour * 3600 + rng.random_range(0..3600));
            let country = if rng.random_range(0..1000) < 500 {
                COUNTRIES[profile.home_country].0
            } else {
                random_country(rng)
            };
            let transaction_id = loop {
                let id = format!("{:032x}", rng.random::<u128>());
                if seen_ids.insert(id.clone()) {
                    break id;
                }
            };
            let affiliate_id = affiliates[aff].id;
            let sub1 = profile.campaigns[rng.random_range(0..profile.campaigns.len())].to_owned();
            day_clicks.push(Click {
                transaction_id,
                at,
                affiliate_id,
                url: format!("https://demo-casino.example/?aff={affiliate_id}&sub1={sub1}"),
                sub1,
                sub2: PLACEMENTS[rng.random_range(0..PLACEMENTS.len())].to_owned(),
                ip: random_ip(rng),
                user_agent: USER_AGENTS[rng.random_range(0..USER_AGENTS.len())].to_owned(),
                country: country.to_owned(),
            });
        }
        day_clicks.sort_by(|a, b| (a.at, &a.transaction_id).cmp(&(b.at, &b.transaction_id)));
        clicks.extend(day_clicks);
    }
    clicks
}

struct PlayerDraft {
    registered_at: DateTime<Utc>,
    country: String,
    click: Option<(String, u32, String)>, // click id, affiliate id, click country
}

fn make_players(
    rng: &mut ChaCha8Rng,
    cfg: &WorldConfig,
    clicks: &[Click],
    profiles: &[Profile],
) -> Vec<Player> {
    let end = cfg.end_instant();
    let mut drafts = Vec::new();
    for click in clicks {
        let profile = &profiles[(click.affiliate_id - 1) as usize];
        if rng.random_range(0..1000) >= profile.registration_per_mille {
            continue;
        }
        // Most sign up within the hour; a tail comes back hours or days later (CTIT is not flat).
        let delay_secs = match pick_weighted(rng, &[70, 25, 5]) {
            0 => rng.random_range(60..3_600),
            1 => rng.random_range(3_600..6 * 3_600),
            _ => rng.random_range(6 * 3_600..48 * 3_600),
        };
        let registered_at = click.at + Duration::seconds(delay_secs);
        if registered_at >= end {
            continue;
        }
        // A few players register from a different country than the click (geo mismatch is a fraud signal).
        let country = if rng.random_range(0..1000) < 30 {
            random_country(rng).to_owned()
        } else {
            click.country.clone()
        };
        let click_ref = (
            click.transaction_id.clone(),
            click.affiliate_id,
            click.country.clone(),
        );
        drafts.push(PlayerDraft {
            registered_at,
            country,
            click: Some(click_ref),
        });
    }
    let organic = (drafts.len() as u64 * ORGANIC_PER_MILLE + 500) / 1000;
    let world_secs = (end - cfg.start_instant()).num_seconds();
    for _ in 0..organic {
        if world_secs <= 0 {
            break;
        }
        drafts.push(PlayerDraft {
            registered_at: cfg.start_instant() + Duration::seconds(rng.random_range(0..world_secs)),
            country: random_country(rng).to_owned(),
            click: None,
        });
    }
    drafts.sort_by_key(|d| d.registered_at); // stable: ties keep generation order
    drafts
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let (click_id, affiliate_id, btag) = match d.click {
                Some((id, aff, click_country)) => (
                    Some(id),
                    Some(aff),
                    Some(format!("a{aff}-b1-p0-c{click_country}")),
                ),
                None => (None, None, None),
            };
            Player {
                player_id: format!("P{:06}", i + 1),
                registered_at: d.registered_at,
                country: d.country,
                click_id,
                affiliate_id,
                btag,
            }
        })
        .collect()
}

fn make_deposits(
    rng: &mut ChaCha8Rng,
    cfg: &WorldConfig,
    players: &[Player],
    profiles: &[Profile],
) -> Vec<Deposit> {
    let end = cfg.end_instant();
    let mut drafts: Vec<(DateTime<Utc>, &str, Decimal, bool)> = Vec::new();
    for player in players {
        let ftd_per_mille = match player.affiliate_id {
            Some(aff) => profiles[(aff - 1) as usize].ftd_per_mille,
            None => ORGANIC_FTD_PER_MILLE,
        };
        if rng.random_range(0..1000) >= ftd_per_mille {
            continue;
        }
        let delay_secs = match pick_weighted(rng, &[60, 40]) {
            0 => rng.random_range(120..2 * 3_600),
            _ => rng.random_range(2 * 3_600..48 * 3_600),
        };
        let ftd_at = player.registered_at + Duration::seconds(delay_secs);
        if ftd_at + Duration::seconds(CONVERSION_DELAY_SECS_MAX) >= end {
            continue;
        }
        drafts.push((ftd_at, &player.player_id, random_amount(rng), true));
        let mut last = ftd_at;
        for _ in 0..pick_weighted(rng, &[40, 30, 20, 10]) {
            last += Duration::seconds(rng.random_range(3_600..5 * 24 * 3_600));
            if last >= end {
                break;
            }
            drafts.push((last, &player.player_id, random_amount(rng), false));
        }
    }
    drafts.sort_by_key(|d| d.0);
    drafts
        .into_iter()
        .enumerate()
        .map(|(i, (occurred_at, player_id, amount, is_ftd))| Deposit {
            deposit_id: format!("D{:06}", i + 1),
            player_id: player_id.to_owned(),
            amount,
            occurred_at,
            is_ftd,
        })
        .collect()
}

fn make_conversions(
    rng: &mut ChaCha8Rng,
    affiliates: &[Affiliate],
    clicks: &[Click],
    players: &[Player],
    deposits: &[Deposit],
) -> Vec<Conversion> {
    let clicks_by_id: BTreeMap<&str, &Click> = clicks
        .iter()
        .map(|c| (c.transaction_id.as_str(), c))
        .collect();
    let players_by_id: BTreeMap<&str, &Player> =
        players.iter().map(|p| (p.player_id.as_str(), p)).collect();
    let mut conversions = Vec::new();
    for ftd in deposits.iter().filter(|d| d.is_ftd) {
        let Some(click) = players_by_id
            .get(ftd.player_id.as_str())
            .and_then(|p| p.click_id.as_deref())
            .and_then(|id| clicks_by_id.get(id))
        else {
            continue; // organic: the tracker never hears of it
        };
        let Some(affiliate) = affiliates.iter().find(|a| a.id == click.affiliate_id) else {
            continue;
        };
        let roll = rng.random_range(0..1000);
        let status = if roll < APPROVED_PER_MILLE {
            ConversionStatus::Approved
        } else if roll < APPROVED_PER_MILLE + PENDING_PER_MILLE {
            ConversionStatus::Pending
        } else {
            ConversionStatus::Rejected
        };
        let conversion_user_ip = if rng.random_range(0..1000) < 100 {
            random_ip(rng) // switched network between click and deposit
        } else {
            click.ip.clone()
        };
        let payout = affiliate.cpa_payout;
        conversions.push(Conversion {
            conversion_id: String::new(),
            transaction_id: click.transaction_id.clone(),
            affiliate_id: affiliate.id,
            player_id: ftd.player_id.clone(),
            deposit_id: ftd.deposit_id.clone(),
            status,
            payout,
            revenue: (payout * Decimal::new(15, 1)).round_dp(2),
            sale_amount: ftd.amount,
            converted_at: ftd.occurred_at
                + Duration::seconds(rng.random_range(5..=CONVERSION_DELAY_SECS_MAX)),
            click_at: click.at,
            sub1: click.sub1.clone(),
            sub2: click.sub2.clone(),
            session_user_ip: click.ip.clone(),
            conversion_user_ip,
            country: click.country.clone(),
        });
    }
    conversions.sort_by_key(|c| c.converted_at);
    for (i, conversion) in conversions.iter_mut().enumerate() {
        conversion.conversion_id = format!("c{:06}", i + 1);
    }
    conversions
}

/// Index drawn with probability proportional to its weight. All-zero weights give index 0.
fn pick_weighted(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    if total == 0 {
        return 0;
    }
    let mut roll = rng.random_range(0..total);
    for (i, &w) in weights.iter().enumerate() {
        if roll < u64::from(w) {
            return i;
        }
        roll -= u64::from(w);
    }
    weights.len() - 1
}

fn country_weights() -> Vec<u32> {
    COUNTRIES.iter().map(|&(_, w)| w).collect()
}

fn random_country(rng: &mut ChaCha8Rng) -> &'static str {
    COUNTRIES[pick_weighted(rng, &country_weights())].0
}

fn random_ip(rng: &mut ChaCha8Rng) -> String {
    let first = IP_FIRST_OCTETS[rng.random_range(0..IP_FIRST_OCTETS.len())];
    let (b, c, d): (u8, u8, u8) = (rng.random(), rng.random(), rng.random_range(1..=254));
    format!("{first}.{b}.{c}.{d}")
}

/// A deposit between 10.00 and 500.00 EUR, skewed to small amounts, often round.
fn random_amount(rng: &mut ChaCha8Rng) -> Decimal {
    let mut cents: i64 = match pick_weighted(rng, &[55, 25, 15, 5]) {
        0 => rng.random_range(1_000..=5_000),
        1 => rng.random_range(5_000..=15_000),
        2 => rng.random_range(15_000..=30_000),
        _ => rng.random_range(30_000..=50_000),
    };
    match rng.random_range(0..10) {
        0..=4 => cents = (cents / 500 * 500).max(1_000), // players like 20, 25, 50 …
        5..=6 => cents = cents / 100 * 100,
        _ => {}
    }
    Decimal::new(cents, 2)
}
