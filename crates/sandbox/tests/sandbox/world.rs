//! The generated world and its ground truth, without HTTP.

use std::collections::{BTreeMap, BTreeSet};

use affops_sandbox::{generate, ConversionStatus, World, WorldConfig};
use rust_decimal::Decimal;

fn json(world: &World) -> String {
    serde_json::to_string(world).unwrap()
}

#[test]
fn same_config_gives_identical_world_and_other_seed_differs() {
    // Tests and demos compare ingested data against a world regenerated from the seed; that only works if
    // generation is a pure function of the config.
    let cfg = WorldConfig::small(7);
    assert_eq!(json(&generate(&cfg)), json(&generate(&cfg)));
    assert_eq!(
        json(&generate(&WorldConfig::demo())),
        json(&generate(&WorldConfig::demo()))
    );
    assert_ne!(
        json(&generate(&cfg)),
        json(&generate(&WorldConfig::small(8)))
    );
}

#[test]
fn ground_truth_totals_are_the_sum_of_affiliates_and_every_affiliate_appears() {
    // The dashboard's "expected" totals come from here; a total that is not the sum would hide a real gap.
    for cfg in [WorldConfig::small(1), WorldConfig::demo()] {
        let world = generate(&cfg);
        let truth = world.ground_truth();
        let keys: BTreeSet<String> = (1..=cfg.affiliates).map(|i| i.to_string()).collect();
        assert_eq!(
            truth.per_affiliate.keys().cloned().collect::<BTreeSet<_>>(),
            keys
        );
        let per = truth.per_affiliate.values();
        assert_eq!(
            truth.totals.clicks,
            per.clone().map(|a| a.clicks).sum::<u32>()
        );
        assert_eq!(
            truth.totals.registrations,
            per.clone().map(|a| a.registrations).sum::<u32>()
        );
        assert_eq!(truth.totals.ftds, per.clone().map(|a| a.ftds).sum::<u32>());
        let approved: u32 = per.clone().map(|a| a.approved_conversions).sum();
        assert_eq!(truth.totals.approved_conversions, approved);
        let amount: Decimal = per.map(|a| a.ftd_amount.parse::<Decimal>().unwrap()).sum();
        assert_eq!(truth.totals.ftd_amount.parse::<Decimal>().unwrap(), amount);
        assert_eq!(truth.totals.clicks as usize, world.clicks.len());
        assert_eq!(
            (truth.totals.registrations + truth.organic_registrations) as usize,
            world.players.len()
        );
        assert_eq!(truth.seed, cfg.seed);
    }
}

#[test]
fn ftd_amounts_are_written_with_exactly_two_decimals() {
    // Connectors compare these strings with their own sums; "1234.5" vs "1234.50" must not be a mismatch source.
    let truth = generate(&WorldConfig::demo()).ground_truth();
    for t in truth.per_affiliate.values().chain([&truth.totals]) {
        let (_, cents) = t.ftd_amount.split_once('.').unwrap();
        assert_eq!(cents.len(), 2, "{}", t.ftd_amount);
    }
}

#[test]
fn every_conversion_is_an_ftd_of_a_real_click_of_its_affiliate() {
    // Reconciliation joins tracker conversions to operator FTDs by click id and player; the sandbox must not
    // produce joins that can never match, or every "missing postback" test would be noise.
    let world = generate(&WorldConfig::demo());
    let clicks: BTreeMap<&str, u32> = world
        .clicks
        .iter()
        .map(|c| (c.transaction_id.as_str(), c.affiliate_id))
        .collect();
    let players: BTreeMap<&str, _> = world
        .players
        .iter()
        .map(|p| (p.player_id.as_str(), p))
        .collect();
    let deposits: BTreeMap<&str, _> = world
        .deposits
        .iter()
        .map(|d| (d.deposit_id.as_str(), d))
        .collect();
    for c in &world.conversions {
        assert_eq!(clicks.get(c.transaction_id.as_str()), Some(&c.affiliate_id));
        let player = players[c.player_id.as_str()];
        assert_eq!(player.click_id.as_deref(), Some(c.transaction_id.as_str()));
        let deposit = deposits[c.deposit_id.as_str()];
        assert!(deposit.is_ftd && deposit.player_id == c.player_id);
        assert_eq!(deposit.amount, c.sale_amount);
        assert_eq!(c.revenue, c.payout * Decimal::new(15, 1));
    }
    // One conversion per FTD of a click-referred player (promo-code-only players never reach the tracker), and
    // the ground truth agrees per affiliate.
    let truth = world.ground_truth();
    assert_eq!(
        (truth.totals.ftds - truth.totals.promo_ftds) as usize,
        world.conversions.len()
    );
    for (id, t) in &truth.per_affiliate {
        let id: u32 = id.parse().unwrap();
        let count = world
            .conversions
            .iter()
            .filter(|c| c.affiliate_id == id)
            .count();
        let approved = world
            .conversions
            .iter()
            .filter(|c| c.affiliate_id == id && c.status == ConversionStatus::Approved)
            .count();
        assert_eq!((t.ftds - t.promo_ftds) as usize, count, "affiliate {id}");
        assert_eq!(t.approved_conversions as usize, approved, "affiliate {id}");
    }
}

#[test]
fn every_event_happens_inside_the_world_and_in_causal_order() {
    // A sync of the whole window must see everything; an event after the end (or an FTD before its
    // registration) would make the ground truth unreachable.
    let world = generate(&WorldConfig::demo());
    let (start, end) = (world.config.start_instant(), world.config.end_instant());
    let inside = |t| t >= start && t < end;
    let click_at: BTreeMap<&str, _> = world
        .clicks
        .iter()
        .map(|c| (c.transaction_id.as_str(), c.at))
        .collect();
    let registered: BTreeMap<&str, _> = world
        .players
        .iter()
        .map(|p| (p.player_id.as_str(), p.registered_at))
        .collect();
    assert!(world.clicks.iter().all(|c| inside(c.at)));
    for p in &world.players {
        assert!(inside(p.registered_at));
        if let Some(click) = &p.click_id {
            assert!(click_at[click.as_str()] < p.registered_at);
        }
    }
    for d in &world.deposits {
        assert!(inside(d.occurred_at) && registered[d.player_id.as_str()] < d.occurred_at);
    }
    let ftd_at: BTreeMap<&str, _> = world
        .deposits
        .iter()
        .map(|d| (d.deposit_id.as_str(), d.occurred_at))
        .collect();
    for c in &world.conversions {
        assert!(inside(c.converted_at) && ftd_at[c.deposit_id.as_str()] < c.converted_at);
        assert_eq!(c.click_at, click_at[c.transaction_id.as_str()]);
    }
    // The APIs page in vector order, which must be time order for "stable by time, then id".
    assert!(world
        .clicks
        .windows(2)
        .all(|w| (w[0].at, &w[0].transaction_id) < (w[1].at, &w[1].transaction_id)));
    assert!(world
        .players
        .windows(2)
        .all(|w| w[0].registered_at <= w[1].registered_at));
    assert!(world
        .deposits
        .windows(2)
        .all(|w| w[0].occurred_at <= w[1].occurred_at));
    assert!(world
        .conversions
        .windows(2)
        .all(|w| w[0].converted_at <= w[1].converted_at));
}

#[test]
fn demo_world_has_plausible_shape() {
    // The demo is what a user sees first: volumes and rates should look like a real small casino program,
    // and affiliates should differ, or the dashboard has nothing to show.
    let world = generate(&WorldConfig::demo());
    let n = world.clicks.len();
    assert!((9_000..=15_000).contains(&n), "clicks {n}");
    let ids: BTreeSet<&str> = world
        .clicks
        .iter()
        .map(|c| c.transaction_id.as_str())
        .collect();
    assert_eq!(ids.len(), n, "click ids are unique");
    assert!(ids
        .iter()
        .all(|id| id.len() == 32 && id.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'))));
    let truth = world.ground_truth();
    let reg_per_mille = truth.totals.registrations * 1000 / truth.totals.clicks;
    assert!(
        (20..=90).contains(&reg_per_mille),
        "registration rate {reg_per_mille}‰"
    );
    let ftd_percent = truth.totals.ftds * 100 / truth.totals.registrations;
    assert!((40..=80).contains(&ftd_percent), "ftd rate {ftd_percent}%");
    let organic_percent = truth.organic_registrations * 100 / truth.totals.registrations;
    assert!(
        (10..=20).contains(&organic_percent),
        "organic {organic_percent}%"
    );
    let approved_percent =
        truth.totals.approved_conversions as usize * 100 / world.conversions.len();
    assert!(
        (75..=95).contains(&approved_percent),
        "approved {approved_percent}%"
    );
    let (lo, hi) = (Decimal::new(1000, 2), Decimal::new(50000, 2));
    assert!(world
        .deposits
        .iter()
        .all(|d| d.amount >= lo && d.amount <= hi && d.amount.scale() == 2));
    let clicks: Vec<u32> = truth.per_affiliate.values().map(|a| a.clicks).collect();
    assert!(
        clicks.iter().max().unwrap() > &(clicks.iter().min().unwrap() * 3),
        "volumes differ: {clicks:?}"
    );
    assert!(world
        .players
        .iter()
        .filter(|p| p.click_id.is_none())
        .all(|p| p.btag.is_none()));
    for p in world.players.iter().filter(|p| p.click_id.is_some()) {
        let btag = p.btag.as_deref().unwrap();
        assert!(
            btag.starts_with(&format!("a{}-b1-p0-c", p.affiliate_id.unwrap())),
            "{btag}"
        );
    }
}

/// `affops-cli demo --scale full` is the seed's scale: about 2,000 new players a day over 90 days, and a broker of
/// 150 IBs whose clients open about 40,000 standard lots a month.
#[test]
fn the_full_scale_demo_has_the_seeds_volumes() {
    let cfg = WorldConfig::full_demo(42);
    let world = generate(&cfg);
    let per_day = world.players.len() as u64 / u64::from(cfg.days);
    assert!(
        (1_700..=2_300).contains(&per_day),
        "{per_day} players a day"
    );
    let fx = world.forex.as_ref().expect("the broker");
    assert_eq!(fx.ibs.len(), 150);
    let cent: BTreeSet<&str> = fx
        .symbols
        .iter()
        .filter(|s| s.is_cent)
        .map(|s| s.name.as_str())
        .collect();
    let lots: Decimal = fx
        .deals
        .iter()
        .filter(|d| d.entry == affops_sandbox::world::DealEntry::In)
        .map(|d| {
            if cent.contains(d.symbol.as_str()) {
                d.volume / Decimal::ONE_HUNDRED
            } else {
                d.volume
            }
        })
        .sum();
    let per_month = lots * Decimal::from(30) / Decimal::from(cfg.days);
    assert!(
        (Decimal::from(30_000)..=Decimal::from(50_000)).contains(&per_month),
        "{per_month} standard lots a month"
    );
}
