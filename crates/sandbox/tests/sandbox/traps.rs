//! Traps (legit traffic that looks like fraud) and jittered fraud: off by default, deterministic, disjoint from
//! the fraud answer key, and every trap's units really carry the look-alike behaviour they are listed for.

use std::collections::{BTreeMap, BTreeSet};

use affops_sandbox::{
    click_stream, generate, FraudConfig, Pattern, TrapConfig, TrapKind, World, WorldConfig,
};

/// A realistic world: every trap and jittered fraud, large enough for pop traffic and NAT IPs to show.
fn realistic(seed: u64) -> WorldConfig {
    WorldConfig {
        seed,
        affiliates: 12,
        days: 14,
        clicks_per_day: 600,
        fraud: FraudConfig {
            jitter: true,
            ..FraudConfig::typical()
        },
        traps: TrapConfig::typical(),
        ..WorldConfig::small(seed)
    }
}

#[test]
fn traps_are_off_by_default_and_absent_configs_read_as_off() {
    for cfg in [
        WorldConfig::demo(),
        WorldConfig::small(1),
        WorldConfig::demo_workspace(42),
        WorldConfig::full_demo(42),
        WorldConfig::scale(1, 1_000),
    ] {
        assert!(cfg.traps.is_off() && !cfg.fraud.jitter);
    }
    assert!(generate(&WorldConfig::demo_workspace(3)).traps().is_empty());
    // A config saved before traps existed still loads, with them off.
    let mut json = serde_json::to_value(WorldConfig::demo()).unwrap();
    json.as_object_mut().unwrap().remove("traps");
    json["fraud"].as_object_mut().unwrap().remove("jitter");
    let cfg: WorldConfig = serde_json::from_value(json).unwrap();
    assert_eq!(cfg, WorldConfig::demo());
}

#[test]
fn trap_worlds_are_deterministic_and_heavy_tailed_clicks_still_stream() {
    let json = |w: &World| serde_json::to_string(w).unwrap();
    assert_eq!(
        json(&generate(&realistic(5))),
        json(&generate(&realistic(5)))
    );
    // Only the sizes reshaped: the streamed clicks are the generated ones.
    let cfg = WorldConfig {
        traps: TrapConfig {
            heavy_tailed_affiliates: true,
            ..TrapConfig::default()
        },
        ..WorldConfig::demo()
    };
    let world = generate(&cfg);
    assert_eq!(click_stream(&cfg).collect::<Vec<_>>(), world.clicks);
    let mut sizes: Vec<u32> = world
        .ground_truth()
        .per_affiliate
        .values()
        .map(|a| a.clicks)
        .collect();
    sizes.sort_unstable();
    let total: u32 = sizes.iter().sum();
    assert!(
        sizes[sizes.len() - 1] * 100 / total >= 30 && sizes[0] * 100 / total <= 3,
        "heavy-tailed: {sizes:?}"
    );
}

#[test]
fn every_trap_unit_is_legit_and_looks_like_fraud() {
    let world = generate(&realistic(7));
    let clicks: BTreeMap<&str, _> = world
        .clicks
        .iter()
        .map(|c| (c.transaction_id.as_str(), c))
        .collect();
    let players: BTreeMap<&str, _> = world
        .players
        .iter()
        .map(|p| (p.player_id.as_str(), p))
        .collect();
    assert_eq!(clicks.len(), world.clicks.len(), "click ids stay unique");
    assert_eq!(players.len(), world.players.len(), "player ids stay unique");
    let fraud: BTreeSet<&str> = world
        .injected()
        .iter()
        .flat_map(|i| i.clicks.iter().chain(&i.players))
        .map(String::as_str)
        .collect();
    let kinds: BTreeSet<TrapKind> = world.traps().iter().map(|t| t.kind).collect();
    assert_eq!(kinds.len(), 8, "every trap planted: {kinds:?}");
    for trap in world.traps() {
        for id in trap.clicks.iter().chain(&trap.players) {
            assert!(!fraud.contains(id.as_str()), "{id} is fraud and a trap");
            assert!(
                clicks.contains_key(id.as_str()) || players.contains_key(id.as_str()),
                "{id} resolves"
            );
        }
        let ps: Vec<_> = trap.players.iter().map(|p| players[p.as_str()]).collect();
        let cs: Vec<_> = trap.clicks.iter().map(|c| clicks[c.as_str()]).collect();
        match trap.kind {
            TrapKind::FastSignups => {
                assert!(ps.len() >= 10, "{}", ps.len());
                for p in &ps {
                    let click = clicks[p.click_id.as_deref().unwrap()];
                    let ctit = (p.registered_at - click.at).num_seconds();
                    assert!((3..=20).contains(&ctit), "CTIT {ctit}");
                }
                let affiliates: BTreeSet<u32> = ps.iter().filter_map(|p| p.affiliate_id).collect();
                assert!(
                    affiliates.len() >= 4,
                    "spread over affiliates: {affiliates:?}"
                );
            }
            TrapKind::CarrierNat => {
                let mut by_ip: BTreeMap<&str, usize> = BTreeMap::new();
                for c in &cs {
                    *by_ip.entry(c.ip.as_str()).or_default() += 1;
                    assert!(c.user_agent.contains("Mobile"));
                }
                assert!(by_ip.values().all(|n| *n >= 50), "{by_ip:?}");
                let devices: BTreeSet<&str> = ps.iter().map(|p| p.device_id.as_str()).collect();
                let emails: BTreeSet<&str> = ps.iter().map(|p| p.email.as_str()).collect();
                assert!(ps.len() >= 10 && devices.len() == ps.len() && emails.len() == ps.len());
                assert!(ps.iter().all(|p| by_ip.contains_key(p.ip.as_str())));
            }
            TrapKind::Households => {
                assert!((2..=3).contains(&ps.len()));
                let ips: BTreeSet<&str> = ps.iter().map(|p| p.ip.as_str()).collect();
                let devices: BTreeSet<&str> = ps.iter().map(|p| p.device_id.as_str()).collect();
                assert_eq!((ips.len(), devices.len()), (1, ps.len()));
            }
            TrapKind::CampaignSpike => {
                let aff = trap.affiliate_id.unwrap();
                let day = cs[0].at.date_naive();
                let mut per_day: BTreeMap<chrono::NaiveDate, u32> = BTreeMap::new();
                for c in world.clicks.iter().filter(|c| c.affiliate_id == aff) {
                    *per_day.entry(c.at.date_naive()).or_default() += 1;
                }
                let mut days: Vec<u32> = per_day.values().copied().collect();
                days.sort_unstable();
                let median = days[days.len() / 2];
                assert!(per_day[&day] >= 3 * median, "{day}: {per_day:?}");
                assert!(!ps.is_empty(), "the spike converts");
            }
            TrapKind::LowCrTraffic => {
                assert!(cs.len() >= 1_000);
                let per_mille = ps.len() * 1000 / cs.len();
                assert!(
                    !ps.is_empty() && per_mille <= 4,
                    "{} of {}",
                    ps.len(),
                    cs.len()
                );
                let ips: BTreeSet<&str> = cs.iter().map(|c| c.ip.as_str()).collect();
                assert!(ips.len() * 10 >= cs.len() * 8, "many IPs");
            }
            TrapKind::SocialClickIds => {
                assert!(!cs.is_empty() && cs.iter().all(|c| c.url.contains("&fbclid=")));
            }
            TrapKind::VpnUsers => {
                assert!(!ps.is_empty() && ps.iter().all(|p| p.ip_country != p.country));
            }
            TrapKind::LargeAffiliate => {
                assert!(cs.len() * 4 >= world.clicks.len(), "the largest source");
            }
        }
    }
    // The answer key lists them per kind.
    let units = world.trap_units();
    assert!(units["fast_signups"].players.len() >= 10);
}

#[test]
fn jittered_fraud_varies_in_shape_and_its_answer_key_resolves() {
    let mut flood_sizes = BTreeSet::new();
    let mut pools = BTreeSet::new();
    let mut ring_sizes = BTreeSet::new();
    for seed in 1..=6 {
        let world = generate(&realistic(seed));
        let clicks: BTreeMap<&str, _> = world
            .clicks
            .iter()
            .map(|c| (c.transaction_id.as_str(), c))
            .collect();
        let players: BTreeMap<&str, _> = world
            .players
            .iter()
            .map(|p| (p.player_id.as_str(), p))
            .collect();
        for item in world.injected() {
            assert!(item.clicks.iter().all(|c| clicks.contains_key(c.as_str())));
            assert!(item
                .players
                .iter()
                .all(|p| players.contains_key(p.as_str())));
            match item.pattern {
                Pattern::ClickFlooding => {
                    flood_sizes.insert(item.clicks.len());
                    let ips: BTreeSet<&str> = item
                        .clicks
                        .iter()
                        .map(|c| clicks[c.as_str()].ip.as_str())
                        .collect();
                    pools.insert(ips.len() > 1);
                    assert!((150..=600).contains(&item.clicks.len()));
                }
                Pattern::ClickInjection => {
                    assert!((4..=8).contains(&item.players.len()));
                    for (i, c) in item.clicks.iter().enumerate() {
                        let ctit = (players[item.players[i].as_str()].registered_at
                            - clicks[c.as_str()].at)
                            .num_seconds();
                        assert!((2..=12).contains(&ctit), "CTIT {ctit}");
                    }
                }
                Pattern::MultiAccounting => {
                    ring_sizes.insert(item.players.len());
                    let devices: BTreeSet<&str> = item
                        .players
                        .iter()
                        .map(|p| players[p.as_str()].device_id.as_str())
                        .collect();
                    assert_eq!(devices.len(), 1);
                }
                _ => {}
            }
        }
    }
    assert!(flood_sizes.len() > 3, "{flood_sizes:?}");
    assert_eq!(pools.len(), 2, "one IP and rotating pools");
    assert!(ring_sizes.len() > 1, "{ring_sizes:?}");
}
