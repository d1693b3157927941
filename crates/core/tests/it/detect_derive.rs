//! Detection runs by itself after every sync (issue 5): a sync of a world with fraud planted leaves flags on both
//! programs (iGaming rules and Forex churning) without anyone calling detect, and a second sync, with nothing
//! new, adds none.

use crate::sync::{env_with, now_ms};
use affops_core::ingest::{HttpPolicy, SyncOptions};
use affops_core::workspace::StaticSecrets;
use affops_sandbox::{FraudConfig, WorldConfig};
use std::sync::Arc;

fn flags_by_vertical(e: &crate::sync::Env) -> Vec<(String, i64)> {
    e.ws.store()
        .read::<_, affops_core::store::StoreError>(|c| {
            let mut s = c.prepare("SELECT p.vertical, COUNT(f.id) FROM programs p LEFT JOIN flags f ON f.program_id = p.id GROUP BY p.vertical ORDER BY 1")?;
            let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap()
}

#[tokio::test]
async fn a_sync_with_fraud_raises_flags_and_a_second_sync_adds_none() {
    let mut cfg = WorldConfig::small(21);
    cfg.fraud = FraudConfig::typical();
    cfg.forex = true;
    let e = env_with(cfg).await;
    let opts = || SyncOptions {
        now_ms: now_ms(&e.world),
        policy: HttpPolicy::fast(),
        full: false,
    };
    e.ws.sync(Arc::new(StaticSecrets::demo()), opts(), Arc::new(|_| {}))
        .await
        .unwrap();
    let first = flags_by_vertical(&e);
    assert_eq!(first.len(), 2, "{first:?}");
    assert!(
        first.iter().all(|(_, n)| *n > 0),
        "flags on both programs: {first:?}"
    );
    let runs: i64 =
        e.ws.store()
            .read::<_, affops_core::store::StoreError>(|c| {
                Ok(c.query_row("SELECT COUNT(*) FROM detection_runs", [], |r| r.get(0))?)
            })
            .unwrap();
    assert_eq!(runs, 2, "one run per program");
    e.ws.sync(Arc::new(StaticSecrets::demo()), opts(), Arc::new(|_| {}))
        .await
        .unwrap();
    assert_eq!(flags_by_vertical(&e), first, "nothing new, no new flag");

    // The queue of one program lists that program's flags only (the switcher's view); no program lists all.
    let store = e.ws.store();
    let filter = affops_core::api::FlagFilter::default();
    let all = affops_core::detect::queue::list(store, &filter).unwrap();
    let mut per_program = 0;
    for p in affops_core::programs::list(&e.ws).unwrap() {
        let id = affops_core::programs::resolve(store, Some(&p.name))
            .unwrap()
            .id;
        let rows = affops_core::detect::queue::list_in(store, Some(id), &filter).unwrap();
        assert!(
            !rows.is_empty() && rows.iter().all(|r| r.program == p.name),
            "{}",
            p.name
        );
        per_program += rows.len();
    }
    assert_eq!(
        per_program,
        all.len(),
        "every flag belongs to exactly one program"
    );
}

/// The geo rule's IP countries arrive at ingest from the operator's player rows: each IP the world geolocates to
/// one country is stored with it; an IP seen with two countries is stored as unknown, as a GeoIP table could not
/// split it.
#[tokio::test]
async fn ip_countries_come_from_the_operator() {
    let mut cfg = WorldConfig::small(22);
    cfg.fraud = FraudConfig::typical();
    let e = env_with(cfg).await;
    crate::sync::sync(&e).await;
    let stored: std::collections::BTreeMap<String, String> =
        e.ws.store()
            .read::<_, affops_core::store::StoreError>(|c| {
                let mut s = c.prepare("SELECT ip, country FROM ip_countries")?;
                let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                Ok(rows.collect::<Result<_, _>>()?)
            })
            .unwrap();
    let mut truth: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> =
        std::collections::BTreeMap::new();
    for p in &e.world.players {
        if !p.ip.is_empty() && !p.ip_country.is_empty() {
            truth.entry(&p.ip).or_default().insert(&p.ip_country);
        }
    }
    assert!(!truth.is_empty());
    assert_eq!(
        stored.len(),
        truth.len(),
        "one row per IP the operator geolocated"
    );
    for (ip, countries) in &truth {
        let want = if countries.len() == 1 {
            countries.iter().next().copied().unwrap_or_default()
        } else {
            ""
        };
        assert_eq!(stored[*ip], want, "{ip}: {countries:?}");
    }
}
