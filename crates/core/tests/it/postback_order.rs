//! I5: every conversion delivered 1–5×, concurrently, shuffled (a reversal before its approval, a deposit
//! before its registration) ends in exactly the state of in-order delivery, one row per natural key. And I9's
//! fuzz half: arbitrary query strings and bodies never panic the parser and always get a 400 with a reason.

use super::postback_rig::{source, Rig, TOKEN};
use affops_core::api::Dialect;
use affops_core::postback::params::{parse_json, parse_query};
use affops_core::postback::validate;
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// The lifecycles real trackers send, each in its natural order (Keitaro statuses; payout per step).
const LIFECYCLES: &[&[(&str, &str)]] = &[
    &[("lead", "0"), ("sale", "50")],
    &[("lead", "0"), ("sale", "50"), ("rejected", "0")],
    &[("hold", "20"), ("sale", "20")],
    &[("sale", "35"), ("trash", "0")],
    &[("lead", "0"), ("rejected", "0")],
    &[("sale", "10")],
];

/// The deliveries of a scenario, grouped per conversion in natural order.
fn scenario(seed: u64, conversions: usize) -> Vec<Vec<String>> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..conversions)
        .map(|i| {
            let click = format!("c{}", i % 20);
            if i % 3 == 0 {
                // Registration then deposit: two conversions (txids) of one click, as Voluum events.
                vec![
                    format!("/postback/vol?cid={click}&txid=reg-{i}&et=reg&payout=0"),
                    format!("/postback/vol?cid={click}&txid=dep-{i}&et=dep&payout=100"),
                ]
            } else {
                let life = LIFECYCLES[rng.random_range(0..LIFECYCLES.len())];
                life.iter()
                    .map(|(s, p)| {
                        format!("/postback/kei?subid={click}&tid=k-{i}&status={s}&payout={p}")
                    })
                    .collect()
            }
        })
        .collect()
}

fn end_state(rig: &Rig) -> Vec<(String, String, i64, String, String, i64)> {
    rig.store
        .read::<_, affops_core::store::StoreError>(|c| {
            let mut st = c.prepare(
                "SELECT external_id, status, payout_micros, event, transaction_id,
                        (SELECT COUNT(*) FROM conversions d WHERE d.source_id = c.source_id AND d.order_ref = c.order_ref)
                 FROM conversions c ORDER BY external_id",
            )?;
            let rows = st
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .unwrap()
}

async fn rig() -> Rig {
    Rig::start(&[source("kei", "keitaro"), source("vol", "voluum")], 20).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn i5_shuffled_repeated_concurrent_deliveries_end_like_in_order_ones() {
    for seed in [1, 2, 3] {
        let plan = scenario(seed, 60);
        let mut in_order = rig().await;
        for conversion in &plan {
            for pq in conversion {
                let r = in_order.get(&format!("{pq}&token={TOKEN}")).await;
                assert_eq!(r.0, 200, "{pq}: {r:?}");
            }
        }
        in_order.stop().await;

        let mut rng = StdRng::seed_from_u64(seed ^ 0xabcdef);
        let mut deliveries: Vec<String> = plan
            .iter()
            .flatten()
            .flat_map(|pq| std::iter::repeat_n(pq.clone(), rng.random_range(1..=5)))
            .collect();
        deliveries.shuffle(&mut rng);
        let mut shuffled = rig().await;
        let mut tasks = tokio::task::JoinSet::new();
        for pq in deliveries.clone() {
            let (http, url) = (
                shuffled.http.clone(),
                format!("{}{pq}&token={TOKEN}", shuffled.base),
            );
            tasks.spawn(async move { http.get(url).send().await.map(|r| r.status().as_u16()) });
        }
        while let Some(r) = tasks.join_next().await {
            assert_eq!(
                r.unwrap().unwrap(),
                200,
                "every delivery, even a late or repeated one, is answered 200"
            );
        }
        shuffled.stop().await;

        let (a, b) = (end_state(&in_order), end_state(&shuffled));
        assert!(
            a.iter().all(|r| r.5 == 1),
            "one row per natural key (source, txid)"
        );
        assert_eq!(
            a.len(),
            plan.iter()
                .map(|c| if c[0].contains("/vol?") { 2 } else { 1 })
                .sum::<usize>()
        );
        assert_eq!(
            a, b,
            "seed {seed}: the end state does not depend on delivery order or repeats"
        );
        let logged = shuffled.count("SELECT COUNT(*) FROM postback_log");
        assert_eq!(
            logged as usize,
            deliveries.len(),
            "every delivery is in the log"
        );
        // History holds only changes that were applied, each once.
        let hist = shuffled.count("SELECT COUNT(*) FROM conversion_status_history");
        assert!(hist as usize <= plan.iter().map(Vec::len).sum::<usize>());
    }
}

fn check_refusal(
    result: Result<affops_core::postback::PostbackRecord, affops_core::postback::Rejection>,
) {
    if let Err(r) = result {
        assert_eq!(r.status, 400);
        assert!(!r.reason.is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any string at all: never a panic; a refusal is a 400 with a reason.
    #[test]
    fn arbitrary_query_strings_never_panic(q in any::<String>()) {
        match parse_query(&q) {
            Err(r) => { prop_assert_eq!(r.status, 400); prop_assert!(!r.reason.is_empty()); }
            Ok(p) => for d in Dialect::ALL { check_refusal(validate(d, &p, "EUR")); },
        }
    }

    /// Strings made of the characters that matter to the parser, so the interesting paths are hit often.
    #[test]
    fn query_shaped_strings_never_panic(q in "([a-z_0-9]{1,8}(=[a-zA-Z0-9%{}#\\[\\]+.,-]{0,12})?&?){0,10}") {
        match parse_query(&q) {
            Err(r) => { prop_assert_eq!(r.status, 400); prop_assert!(!r.reason.is_empty()); }
            Ok(p) => for d in Dialect::ALL { check_refusal(validate(d, &p, "EUR")); },
        }
    }

    #[test]
    fn arbitrary_json_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        if let Err(r) = parse_json(&body) {
            prop_assert_eq!(r.status, 400);
        }
    }
}
