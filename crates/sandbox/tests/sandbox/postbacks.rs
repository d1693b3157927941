//! Postback firing against a tiny axum listener that records what arrived.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use affops_sandbox::postback::{signature, SIGNATURE_HEADER};
use affops_sandbox::{fire_postbacks, generate, Dialect, PostbackOptions};
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::routing::get;
use axum::Router;

use crate::injection::noisy;

#[derive(Debug, Clone)]
struct Hit {
    path_and_query: String,
    signature: Option<String>,
}

type Hits = Arc<Mutex<Vec<Hit>>>;

async fn record(State(hits): State<Hits>, uri: Uri, headers: HeaderMap) -> &'static str {
    hits.lock().unwrap().push(Hit {
        path_and_query: uri.path_and_query().unwrap().to_string(),
        signature: headers
            .get(SIGNATURE_HEADER)
            .map(|v| v.to_str().unwrap().to_owned()),
    });
    "ok"
}

async fn listener() -> (String, Hits, tokio::task::JoinHandle<()>) {
    let hits: Hits = Arc::default();
    let app = Router::new()
        .route("/postback/{dialect}", get(record))
        .with_state(hits.clone());
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", socket.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(socket, app).await.unwrap();
    });
    (base, hits, task)
}

fn query(pq: &str) -> HashMap<String, String> {
    let q = pq.split_once('?').unwrap().1;
    q.split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

#[tokio::test]
async fn everflow_postbacks_arrive_duplicated_signed_and_with_every_parameter() {
    // RELIABILITY I1/I5: the listener's dedupe and signature checks are tested with exactly this traffic.
    let world = generate(&noisy(61));
    let (base, hits, task) = listener().await;
    let options = PostbackOptions {
        duplicates: 3,
        shuffle: true,
        shuffle_seed: 9,
        concurrency: 4,
        token: Some("tok".into()),
        secret: Some("s3cret".into()),
        unreplaced_macros: 2,
    };
    let report = fire_postbacks(&world, &base, Dialect::Everflow, &options).await;
    let expected = world.conversions.len() as u64 * 3;
    assert_eq!(report.sent, expected);
    assert_eq!(report.by_status, BTreeMap::from([(200, expected)]));
    let hits = hits.lock().unwrap().clone();
    assert_eq!(hits.len() as u64, expected);
    let mut per_txn: BTreeMap<String, u32> = BTreeMap::new();
    let mut macros = 0;
    for hit in &hits {
        assert!(hit.path_and_query.starts_with("/postback/everflow?"));
        let q = query(&hit.path_and_query);
        for key in [
            "nid",
            "transaction_id",
            "amount",
            "adv1",
            "adv2",
            "adv3",
            "adv4",
            "adv5",
            "coupon_code",
            "verification_token",
        ] {
            assert!(
                q.contains_key(key),
                "{key} missing in {}",
                hit.path_and_query
            );
        }
        assert_eq!(q["verification_token"], "tok");
        macros += usize::from(q["adv4"] == "{subacc4}");
        *per_txn.entry(q["adv3"].clone()).or_default() += 1;
        // The signature covers the exact path?query that arrived.
        let sig = hit.signature.as_deref().unwrap();
        let t: i64 = sig
            .strip_prefix("t=")
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(sig, signature("s3cret", t, &hit.path_and_query));
    }
    assert_eq!(macros, 2, "exactly the requested unreplaced macros");
    assert!(per_txn.values().all(|&n| n == 3), "each conversion 3 times");
    task.abort();
}

#[tokio::test]
async fn status_dialects_send_late_changes_twice_and_others_once() {
    // A late approval reaches a Keitaro/Affise listener as lead-then-sale; Voluum carries no status.
    let world = generate(&affops_sandbox::WorldConfig {
        clicks_per_day: 300,
        ..noisy(62)
    });
    let late = world
        .conversions
        .iter()
        .filter(|c| c.initial_status != c.status)
        .count();
    assert!(late > 0);
    for (dialect, keys, extra) in [
        (
            Dialect::Keitaro,
            &["subid", "status", "payout", "currency", "tid"][..],
            late,
        ),
        (
            Dialect::Affise,
            &[
                "clickid",
                "status",
                "sum",
                "currency",
                "transactionid",
                "sub1",
                "sub5",
                "promo_code",
                "ip",
                "goal",
            ][..],
            late,
        ),
        (
            Dialect::Voluum,
            &["cid", "payout", "txid", "currency", "et"][..],
            0,
        ),
    ] {
        let (base, hits, task) = listener().await;
        let report = fire_postbacks(&world, &base, dialect, &PostbackOptions::default()).await;
        assert_eq!(
            report.sent as usize,
            world.conversions.len() + extra,
            "{dialect:?}"
        );
        for hit in hits.lock().unwrap().iter() {
            let q = query(&hit.path_and_query);
            assert!(
                keys.iter().all(|k| q.contains_key(*k)),
                "{dialect:?}: {}",
                hit.path_and_query
            );
            assert!(hit.signature.is_none(), "unsigned unless a secret is given");
        }
        task.abort();
    }
}

#[test]
fn signature_is_hmac_sha256_over_timestamp_dot_path_and_query() {
    // Listeners verify with their own HMAC code; pin the framing "<t>.<path?query>" and the lower-case hex.
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"key").unwrap();
    mac.update(b"1700000000./postback/voluum?cid=abc");
    let expected = hex::encode(mac.finalize().into_bytes());
    assert_eq!(
        signature("key", 1_700_000_000, "/postback/voluum?cid=abc"),
        format!("t=1700000000,v1={expected}")
    );
}
