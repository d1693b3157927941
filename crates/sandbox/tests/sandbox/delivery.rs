//! The v1 fault kinds, seen from the client side.

use std::time::{Duration, Instant};

use affops_sandbox::{FaultKind, FaultRule, Stream};
use serde_json::Value;

use crate::common::{operator_get, start, tracker_post, whole_window, KEY};

fn rule(stream: Stream, page: u32, kind: FaultKind) -> FaultRule {
    FaultRule {
        stream,
        page,
        kind,
        times: None,
    }
}

async fn affiliates(
    client: &reqwest::Client,
    base: &str,
    query: &str,
) -> reqwest::Result<reqwest::Response> {
    client
        .get(format!("{base}/v1/networks/affiliates?{query}"))
        .header("X-Eflow-API-Key", KEY)
        .send()
        .await
}

#[tokio::test]
async fn http429_with_an_http_date_and_http503() {
    // RELIABILITY I6: Retry-After comes as seconds *or* an HTTP-date; 503 has no Retry-After at all.
    let (_world, server) = start(41).await;
    let client = reqwest::Client::new();
    server.faults().push(rule(
        Stream::Affiliates,
        1,
        FaultKind::Http429Date {
            retry_after_secs: 30,
        },
    ));
    server
        .faults()
        .push(rule(Stream::Players, 1, FaultKind::Http503));
    let r = affiliates(&client, &server.base_url(), "").await.unwrap();
    assert_eq!(r.status(), 429);
    let date = r.headers()["retry-after"].to_str().unwrap().to_owned();
    assert!(date.ends_with(" GMT"), "{date}");
    let at = chrono::DateTime::parse_from_rfc2822(&date.replace("GMT", "+0000")).unwrap();
    let wait = at.timestamp() - chrono::Utc::now().timestamp();
    assert!((25..=31).contains(&wait), "retry in {wait} s");
    let r = operator_get(&client, &server, "/operator/v1/players", "")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.headers().get("retry-after").is_none());
    server.shutdown().await;
}

#[tokio::test]
async fn trickle_sends_the_real_body_slowly_and_times_out_impatient_clients() {
    // RELIABILITY I8: a client without a read/total budget would hang on this forever.
    let (_world, server) = start(42).await;
    let base = server.base_url();
    let client = reqwest::Client::new();
    let normal = affiliates(&client, &base, "page_size=1")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    server.faults().push(rule(
        Stream::Affiliates,
        1,
        FaultKind::Trickle {
            bytes_per_sec: 1_000,
        },
    ));
    let started = Instant::now();
    let slow = affiliates(&client, &base, "page_size=1")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(slow, normal, "the body is intact, only slow");
    assert!(started.elapsed() >= Duration::from_millis(normal.len() as u64 * 8 / 10));
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(30))
        .build()
        .unwrap();
    let error = match affiliates(&impatient, &base, "page_size=1").await {
        Ok(r) => r.text().await.unwrap_err(),
        Err(e) => e,
    };
    assert!(error.is_timeout(), "{error}");
    server.shutdown().await;
}

#[tokio::test]
async fn truncated_and_reset_bodies_fail_on_the_client() {
    // A short body under a full Content-Length must surface as an error, never as a smaller page.
    let (_world, server) = start(43).await;
    let base = server.base_url();
    let client = reqwest::Client::new();
    server
        .faults()
        .push(rule(Stream::Affiliates, 1, FaultKind::Truncated));
    server
        .faults()
        .push(rule(Stream::Affiliates, 2, FaultKind::ConnectionReset));
    let r = affiliates(&client, &base, "page_size=2").await.unwrap();
    let declared: usize = r.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(declared > 0);
    assert!(r.bytes().await.is_err(), "truncated body is an error");
    let reset = match affiliates(&client, &base, "page=2&page_size=2").await {
        Ok(r) => r.bytes().await.err(),
        Err(e) => Some(e),
    };
    assert!(reset.is_some(), "a reset connection is an error");
    // The server is still healthy afterwards.
    assert_eq!(
        affiliates(&client, &base, "page=3&page_size=1")
            .await
            .unwrap()
            .status(),
        200
    );
    server.shutdown().await;
}

#[tokio::test]
async fn duplicate_page_and_page_drift_repeat_rows_across_pages() {
    // RELIABILITY I7: a connector must dedupe on natural keys; these faults create exactly the duplicates to dedupe.
    let (world, server) = start(44).await;
    let client = reqwest::Client::new();
    let window = whole_window(&world);
    let ids = |v: &Value| -> Vec<String> {
        v["clicks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["transaction_id"].as_str().unwrap().to_owned())
            .collect()
    };
    let page = |n: u32| {
        let client = client.clone();
        let req = tracker_post(
            &client,
            &server,
            "/v1/networks/reporting/clicks/stream",
            &format!("page={n}&page_size=5"),
            &window,
        );
        async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let (p1, p2) = (ids(&page(1).await), ids(&page(2).await));
    server.faults().push(FaultRule {
        times: Some(1),
        ..rule(Stream::Clicks, 2, FaultKind::DuplicatePage)
    });
    assert_eq!(ids(&page(2).await), p1, "page 2 repeats page 1");
    assert_eq!(ids(&page(2).await), p2, "then serves normally (times: 1)");
    server.faults().push(FaultRule {
        times: Some(1),
        ..rule(Stream::Clicks, 2, FaultKind::PageDrift)
    });
    let drifted = ids(&page(2).await);
    assert_eq!(
        drifted[0], p1[4],
        "drift: page 2 starts with page 1's last row"
    );
    assert_eq!(drifted[1..], p2[..4]);
    // Cursor streams drift the same way, and the next cursor still points past the requested page.
    server
        .faults()
        .push(rule(Stream::Deposits, 2, FaultKind::DuplicatePage));
    let first: Value = operator_get(&client, &server, "/operator/v1/deposits", "limit=4")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: Value = operator_get(
        &client,
        &server,
        "/operator/v1/deposits",
        &format!("limit=4&cursor={cursor}"),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(second["data"], first["data"]);
    assert_eq!(second["next_cursor"], "off_8");
    server.shutdown().await;
}
