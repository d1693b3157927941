//! Injected faults, seen from the client side.

use std::time::{Duration, Instant};

use affops_sandbox::{FaultKind, FaultRule, Stream};
use serde_json::Value;

use crate::common::{operator_get, start, tracker_post, whole_window, KEY};

const CLICKS: &str = "/v1/networks/reporting/clicks/stream";

fn rule(stream: Stream, page: u32, kind: FaultKind, times: Option<u32>) -> FaultRule {
    FaultRule {
        stream,
        page,
        kind,
        times,
    }
}

#[tokio::test]
async fn malformed_json_is_a_200_whose_body_does_not_parse() {
    // The nastiest real failure: success status, broken body. A connector must not treat it as "no rows".
    let (world, server) = start(11).await;
    server
        .faults()
        .push(rule(Stream::Clicks, 2, FaultKind::MalformedJson, None));
    let client = reqwest::Client::new();
    for _ in 0..2 {
        let response = tracker_post(
            &client,
            &server,
            CLICKS,
            "page=2&page_size=7",
            &whole_window(&world),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/json");
        let text = response.text().await.unwrap();
        assert!(
            text.starts_with("{\"clicks\":["),
            "it is the real body, cut: {text}"
        );
        assert!(
            serde_json::from_str::<Value>(&text).is_err(),
            "times: None fails every time"
        );
    }
    // Other pages are untouched.
    let page1 = tracker_post(
        &client,
        &server,
        CLICKS,
        "page=1&page_size=7",
        &whole_window(&world),
    )
    .send()
    .await
    .unwrap();
    assert!(page1.json::<Value>().await.is_ok());
    server.shutdown().await;
}

#[tokio::test]
async fn http500_and_http429_with_retry_after() {
    // Retry logic keys off these: 5xx means back off and retry, 429 means wait as long as Retry-After says.
    let (_world, server) = start(12).await;
    let client = reqwest::Client::new();
    server
        .faults()
        .push(rule(Stream::Players, 1, FaultKind::Http500, None));
    server.faults().push(rule(
        Stream::Deposits,
        2,
        FaultKind::Http429 {
            retry_after_secs: 3,
        },
        None,
    ));
    let players = operator_get(&client, &server, "/operator/v1/players", "")
        .send()
        .await
        .unwrap();
    assert_eq!(players.status(), 500);
    assert!(
        players.json::<Value>().await.is_ok(),
        "the 500 carries a JSON error body"
    );
    // Page 2 of deposits with limit 7 is the page after the first cursor.
    let first: Value = operator_get(&client, &server, "/operator/v1/deposits", "limit=7")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cursor = first["next_cursor"].as_str().unwrap();
    let limited = operator_get(
        &client,
        &server,
        "/operator/v1/deposits",
        &format!("limit=7&cursor={cursor}"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "3");
    server.shutdown().await;
}

#[tokio::test]
async fn fault_with_times_one_fails_once_then_serves() {
    // "Fails once, then works" is the shape of every retry test; the count must be exact.
    let (_world, server) = start(13).await;
    server
        .faults()
        .push(rule(Stream::Affiliates, 1, FaultKind::Http500, Some(1)));
    let client = reqwest::Client::new();
    let url = format!("{}/v1/networks/affiliates", server.base_url());
    let get = || client.get(&url).header("X-Eflow-API-Key", KEY).send();
    assert_eq!(get().await.unwrap().status(), 500);
    let second = get().await.unwrap();
    assert_eq!(second.status(), 200);
    assert_eq!(
        second.json::<Value>().await.unwrap()["affiliates"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert_eq!(get().await.unwrap().status(), 200);
    server.shutdown().await;
}

#[tokio::test]
async fn stall_never_answers_and_shutdown_still_completes_quickly() {
    // A hung peer must be caught by the client's timeout, and a hung request must never hang the app's exit.
    let (world, server) = start(14).await;
    server
        .faults()
        .push(rule(Stream::Clicks, 1, FaultKind::Stall, None));
    let window = whole_window(&world);
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let error = tracker_post(&impatient, &server, CLICKS, "", &window)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    // A second stalled request stays in flight (no client timeout) while we shut down.
    let patient = reqwest::Client::new();
    let in_flight = tokio::spawn(tracker_post(&patient, &server, CLICKS, "", &window).send());
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    server.shutdown().await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "shutdown took {:?}",
        started.elapsed()
    );
    let finished = tokio::time::timeout(Duration::from_secs(2), in_flight).await;
    assert!(
        finished.is_ok(),
        "the stalled request ended with the server"
    );
}

#[tokio::test]
async fn posting_faults_replaces_the_set() {
    // Tools outside the process (the CLI, a UI demo) drive faults over HTTP with the same rule shape.
    let (_world, server) = start(15).await;
    server
        .faults()
        .push(rule(Stream::Affiliates, 1, FaultKind::Http500, None));
    let client = reqwest::Client::new();
    let base = server.base_url();
    let rules = serde_json::json!([
        { "stream": "players", "page": 1, "kind": { "type": "http429", "retry_after_secs": 7 }, "times": 1 }
    ]);
    let posted = client
        .post(format!("{base}/sandbox/faults"))
        .json(&rules)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 200);
    let affiliates = client
        .get(format!("{base}/v1/networks/affiliates"))
        .header("X-Eflow-API-Key", KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(affiliates.status(), 200, "the earlier rule was replaced");
    let players = operator_get(&client, &server, "/operator/v1/players", "")
        .send()
        .await
        .unwrap();
    assert_eq!(players.status(), 429);
    assert_eq!(players.headers()["retry-after"], "7");
    let bad = client
        .post(format!("{base}/sandbox/faults"))
        .body("[{\"stream\":\"nope\"}]")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    server.faults().clear();
    server.shutdown().await;
}
