//! Paging, auth and parameter validation over real HTTP.

use std::collections::BTreeSet;

use affops_sandbox::GroundTruth;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::common::{operator_get, start, tracker_post, whole_window, KEY};

const CLICKS: &str = "/v1/networks/reporting/clicks/stream";
const CONVERSIONS: &str = "/v1/networks/reporting/conversions";

/// Pages a tracker stream with page_size 7 until an empty page, returning the `id_field` of every row in order.
async fn collect_tracker(
    server: &affops_sandbox::SandboxServer,
    path: &str,
    list: &str,
    id_field: &str,
    window: &Value,
) -> (Vec<String>, Vec<Value>) {
    let client = reqwest::Client::new();
    let (mut ids, mut rows) = (Vec::new(), Vec::new());
    for page in 1.. {
        let query = format!("page={page}&page_size=7");
        let request = if path.starts_with("/v1/networks/reporting") {
            tracker_post(&client, server, path, &query, window)
        } else {
            client
                .get(format!("{}{path}?{query}", server.base_url()))
                .header("X-Eflow-API-Key", KEY)
        };
        let body: Value = request.send().await.unwrap().json().await.unwrap();
        assert_eq!(body["paging"]["page"], page);
        assert_eq!(body["paging"]["page_size"], 7);
        let items = body[list].as_array().unwrap().clone();
        if items.is_empty() {
            break;
        }
        for item in items {
            ids.push(item[id_field].to_string().trim_matches('"').to_owned());
            rows.push(item);
        }
    }
    (ids, rows)
}

async fn collect_operator(
    server: &affops_sandbox::SandboxServer,
    path: &str,
    id_field: &str,
) -> Vec<String> {
    let client = reqwest::Client::new();
    let (mut ids, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let query = match &cursor {
            Some(c) => format!("limit=7&cursor={c}"),
            None => "limit=7".to_owned(),
        };
        let body: Value = operator_get(&client, server, path, &query)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let data = body["data"].as_array().unwrap();
        assert!(data.len() <= 7);
        ids.extend(
            data.iter()
                .map(|d| d[id_field].as_str().unwrap().to_owned()),
        );
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    ids
}

fn assert_exactly_once(got: &[String], want: Vec<String>) {
    let unique: BTreeSet<&String> = got.iter().collect();
    assert_eq!(unique.len(), got.len(), "no record is served twice");
    assert_eq!(
        got,
        want.as_slice(),
        "every record, in the world's stable order"
    );
}

#[tokio::test]
async fn paging_every_stream_yields_each_record_exactly_once() {
    // A connector that pages to the end must see the whole world once: a skipped or doubled row at a page
    // boundary would show up as a false discrepancy in reconciliation.
    let (world, server) = start(3).await;
    // Every stream must span several pages of 7, or this test would not exercise a page boundary.
    for len in [
        world.clicks.len(),
        world.conversions.len(),
        world.players.len(),
        world.deposits.len(),
    ] {
        assert!(len > 7, "seed 3 has only {len} records in a stream");
    }
    let window = whole_window(&world);
    let (clicks, click_rows) =
        collect_tracker(&server, CLICKS, "clicks", "transaction_id", &window).await;
    assert_exactly_once(
        &clicks,
        world
            .clicks
            .iter()
            .map(|c| c.transaction_id.clone())
            .collect(),
    );
    assert_eq!(
        click_rows[0]["unix_timestamp"],
        world.clicks[0].at.timestamp()
    );
    let (conversions, _) = collect_tracker(
        &server,
        CONVERSIONS,
        "conversions",
        "conversion_id",
        &window,
    )
    .await;
    assert_exactly_once(
        &conversions,
        world
            .conversions
            .iter()
            .map(|c| c.conversion_id.clone())
            .collect(),
    );
    let (affiliates, rows) = collect_tracker(
        &server,
        "/v1/networks/affiliates",
        "affiliates",
        "network_affiliate_id",
        &window,
    )
    .await;
    assert_exactly_once(
        &affiliates,
        world.affiliates.iter().map(|a| a.id.to_string()).collect(),
    );
    assert_eq!(rows[0]["name"], world.affiliates[0].name.as_str());
    let players = collect_operator(&server, "/operator/v1/players", "player_id").await;
    assert_exactly_once(
        &players,
        world.players.iter().map(|p| p.player_id.clone()).collect(),
    );
    let deposits = collect_operator(&server, "/operator/v1/deposits", "deposit_id").await;
    assert_exactly_once(
        &deposits,
        world
            .deposits
            .iter()
            .map(|d| d.deposit_id.clone())
            .collect(),
    );
    server.shutdown().await;
}

#[tokio::test]
async fn window_is_inclusive_utc_and_total_count_matches() {
    // Incremental syncs use back-to-back windows; inclusive bounds on the exact second are the contract.
    let (world, server) = start(4).await;
    let first = world.clicks[0].at.format("%Y-%m-%d %H:%M:%S").to_string();
    let body = serde_json::json!({ "from": first, "to": first, "timezone_id": 67 });
    let client = reqwest::Client::new();
    let page: Value = tracker_post(&client, &server, CLICKS, "", &body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let expected = world
        .clicks
        .iter()
        .filter(|c| c.at == world.clicks[0].at)
        .count();
    assert_eq!(page["paging"]["total_count"], expected);
    assert_eq!(page["paging"]["page_size"], 50, "default page size");
    // A page past the end is an empty list with the real total, not an error.
    let past: Value = tracker_post(
        &client,
        &server,
        CLICKS,
        "page=999&page_size=7",
        &whole_window(&world),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(past["clicks"].as_array().unwrap().len(), 0);
    assert_eq!(past["paging"]["total_count"], world.clicks.len());
    server.shutdown().await;
}

#[derive(Deserialize)]
struct MoneyRow {
    conversion_id: String,
    payout: Box<RawValue>,
    revenue: Box<RawValue>,
    sale_amount: Box<RawValue>,
}

#[tokio::test]
async fn conversion_money_is_written_exactly_and_deposits_as_two_decimal_strings() {
    // Money must survive the wire digit for digit; a float round-trip could turn 0.1+0.2 into 0.30000000000000004.
    let (world, server) = start(5).await;
    let client = reqwest::Client::new();
    let text = tracker_post(
        &client,
        &server,
        CONVERSIONS,
        "page_size=2000",
        &whole_window(&world),
    )
    .send()
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    #[derive(Deserialize)]
    struct Page {
        conversions: Vec<MoneyRow>,
    }
    let page: Page = serde_json::from_str(&text).unwrap();
    assert_eq!(page.conversions.len(), world.conversions.len());
    for (row, c) in page.conversions.iter().zip(&world.conversions) {
        assert_eq!(row.conversion_id, c.conversion_id);
        assert_eq!(row.sale_amount.get(), c.sale_amount.normalize().to_string());
        assert_eq!(row.payout.get(), c.payout.normalize().to_string());
        assert_eq!(row.revenue.get(), c.revenue.normalize().to_string());
    }
    let deposits: Value = operator_get(&client, &server, "/operator/v1/deposits", "limit=1000")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let first = &deposits["data"][0];
    let amount = first["amount"].as_str().unwrap();
    assert_eq!(amount.split_once('.').unwrap().1.len(), 2, "{amount}");
    assert_eq!(amount.parse::<Decimal>().unwrap(), world.deposits[0].amount);
    server.shutdown().await;
}

#[tokio::test]
async fn missing_or_wrong_keys_get_401() {
    // Connectors must surface bad credentials as such, not as an empty sync.
    let (world, server) = start(6).await;
    let client = reqwest::Client::new();
    let base = server.base_url();
    let no_key = client
        .post(format!("{base}{CLICKS}"))
        .json(&whole_window(&world))
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status(), 401);
    assert_eq!(
        no_key.json::<Value>().await.unwrap(),
        serde_json::json!({ "Error": "invalid api key" })
    );
    let wrong = client
        .get(format!("{base}/v1/networks/affiliates"))
        .header("X-Eflow-API-Key", "nope")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let operator = client
        .get(format!("{base}/operator/v1/players"))
        .send()
        .await
        .unwrap();
    assert_eq!(operator.status(), 401);
    let tracker_key_on_operator = client
        .get(format!("{base}/operator/v1/players"))
        .header("X-Eflow-API-Key", KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(tracker_key_on_operator.status(), 401);
    // Ground truth is deliberately open: it is a loopback test surface.
    let truth: GroundTruth = client
        .get(format!("{base}/sandbox/ground-truth"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(truth, world.ground_truth());
    server.shutdown().await;
}

#[tokio::test]
async fn bad_parameters_get_400_naming_the_parameter() {
    // A connector bug (page_size 5000, a garbled cursor) must fail loudly and point at the culprit.
    let (world, server) = start(7).await;
    let client = reqwest::Client::new();
    let window = whole_window(&world);
    let cases = [
        ("page_size=5000", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=abc", "page_size"),
        ("page=0", "page"),
    ];
    for (query, param) in cases {
        let response = tracker_post(&client, &server, CLICKS, query, &window)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{query}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["param"], param);
        assert!(body["Error"].as_str().unwrap().contains(param));
    }
    let bad_from =
        serde_json::json!({ "from": "2026-10-01T00:00:00Z", "to": "2026-10-02 00:00:00" });
    let response = tracker_post(&client, &server, CONVERSIONS, "", &bad_from)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(response.json::<Value>().await.unwrap()["param"], "from");
    for (query, param) in [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("cursor=garbage", "cursor"),
    ] {
        let response = operator_get(&client, &server, "/operator/v1/players", query)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{query}");
        assert_eq!(response.json::<Value>().await.unwrap()["param"], param);
    }
    server.shutdown().await;
}
