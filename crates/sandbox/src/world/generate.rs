//! Turning a [`WorldConfig`] into a [`World`], deterministically.
//!
//! Stream 0 is consumed in the v0 order (affiliates, clicks day by day, players, deposits, conversions) and only
//! ordered collections are iterated, so the same config always yields the same world. Later parts (identities,
//! money, fraud, faults, Forex) each draw from their own stream; see [`super::rng`]. Probabilities are integer
//! per-mille draws and money is integer cents, so no float ever touches the output.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

use super::catalog::{AFFILIATE_NAMES, CAMPAIGNS};
use super::clicks::{ClickSource, ClickStream};
use super::draw::{country_weights, pick_weighted, random_amount, random_country, random_ip};
use super::{
    activity, extras, forex, fraud, integration, rng, traps, Affiliate, Click, Conversion,
    ConversionStatus, Deposit, Pattern, Player, Program, World, WorldConfig,
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
pub(super) struct Profile {
    pub source: ClickSource,
    pub registration_per_mille: u32,
    pub ftd_per_mille: u32,
}

/// Builds the whole world. Pure: no clock, no I/O, no global state.
pub fn generate(cfg: &WorldConfig) -> World {
    let mut rng = rng::stream(cfg.seed, 0);
    let (mut affiliates, mut profiles) = make_affiliates(&mut rng, cfg.affiliates);
    traps::reshape_sources(cfg, &mut profiles);
    let sources = profiles.iter().map(|p| p.source.clone()).collect();
    let mut stream = ClickStream::new(rng, cfg, sources);
    let mut clicks: Vec<Click> = stream.by_ref().collect();
    let mut rng = stream.into_rng();
    let mut players = make_players(&mut rng, cfg, &clicks, &profiles);
    let mut deposits = make_deposits(&mut rng, cfg, &players, &profiles);
    extras::affiliates(cfg.seed, &mut affiliates);
    extras::players(cfg.seed, &affiliates, &mut players);
    extras::deposits(cfg.seed, &mut deposits);
    let mut conversions = make_conversions(&mut rng, &affiliates, &clicks, &players, &deposits);
    let mut world_fraud = fraud::inject(
        cfg,
        &affiliates,
        &mut clicks,
        &mut players,
        &mut deposits,
        &mut conversions,
    );
    let traps = traps::plant(
        cfg,
        &affiliates,
        &profiles,
        traps::Records {
            clicks: &mut clicks,
            players: &mut players,
            deposits: &mut deposits,
            conversions: &mut conversions,
        },
        &world_fraud.injected,
    );
    let withdrawals = activity::withdrawals(cfg, &players, &deposits, &world_fraud.behaviours);
    let mut injected = std::mem::take(&mut world_fraud.injected);
    for item in injected
        .iter_mut()
        .filter(|i| i.pattern == Pattern::BonusAbuse)
    {
        item.withdrawals = withdrawals
            .iter()
            .filter(|w| item.players.contains(&w.player_id))
            .map(|w| w.withdrawal_id.clone())
            .collect();
    }
    injected.extend(integration::inject(cfg, &deposits, &mut conversions));
    let (activity, shifted) = activity::days(
        cfg,
        &players,
        &deposits,
        &withdrawals,
        &world_fraud.behaviours,
    );
    injected.extend(shifted);
    let forex = cfg.forex.then(|| forex::generate(cfg, &mut injected));
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
        withdrawals,
        activity,
        forex,
        injected,
        traps,
    }
}

pub(super) fn make_affiliates(rng: &mut ChaCha8Rng, count: u32) -> (Vec<Affiliate>, Vec<Profile>) {
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
        let ftd_per_mille = rng.random_range(450..=750);
        profiles.push(Profile {
            source: ClickSource {
                id,
                weight: click_weight,
                campaigns,
                home_country: pick_weighted(rng, &country_weights()),
            },
            registration_per_mille,
            ftd_per_mille,
        });
        affiliates.push(Affiliate {
            id,
            name,
            account_status: "active".to_owned(),
            cpa_payout: Decimal::new(5_000 + 500 * rng.random_range(0..=20), 2),
            // Filled from their own stream by `extras::affiliates`.
            parent_id: None,
            email: String::new(),
            ip: String::new(),
            promo_code: String::new(),
        });
    }
    (affiliates, profiles)
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
                // Filled from their own stream by `extras::players`.
                promo_code: None,
                device_id: String::new(),
                ip: String::new(),
                ip_country: String::new(),
                email: String::new(),
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
            payment_hash: String::new(), // filled by `extras::deposits`
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
        let Some(player) = players_by_id.get(ftd.player_id.as_str()) else {
            continue;
        };
        let Some(click) = player
            .click_id
            .as_deref()
            .and_then(|id| clicks_by_id.get(id))
        else {
            continue; // organic or promo-code only: the tracker never hears of it
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
        let converted_at =
            ftd.occurred_at + Duration::seconds(rng.random_range(5..=CONVERSION_DELAY_SECS_MAX));
        conversions.push(Conversion {
            conversion_id: String::new(),
            transaction_id: click.transaction_id.clone(),
            affiliate_id: affiliate.id,
            player_id: ftd.player_id.clone(),
            deposit_id: ftd.deposit_id.clone(),
            status,
            initial_status: status,
            payout,
            revenue: (payout * Decimal::new(15, 1)).round_dp(2),
            sale_amount: ftd.amount,
            converted_at,
            updated_at: converted_at,
            click_at: click.at,
            sub1: click.sub1.clone(),
            sub2: click.sub2.clone(),
            sub3: click.sub3.clone(),
            sub4: click.sub4.clone(),
            sub5: click.sub5.clone(),
            coupon_code: player.promo_code.clone().unwrap_or_default(),
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
