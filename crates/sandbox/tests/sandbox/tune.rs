//! The TUNE (HasOffers)-shaped endpoint: every conversion paged once in the HasOffers envelope; a wrong key or a
//! bad parameter is HasOffers' HTTP-200 refusal; the datetime window filters; faults apply.

use std::collections::BTreeSet;

use affops_sandbox::{FaultKind, FaultRule, SandboxServer, Stream};
use serde_json::Value;

use crate::common::{start, start_with, KEY};
use crate::injection::noisy;

const FROM: &str = "filters[datetime][GREATER_THAN_OR_EQUAL_TO]";
const TO: &str = "filters[datetime][LESS_THAN_OR_EQUAL_TO]";

async fn call(
    client: &reqwest::Client,
    server: &SandboxServer,
    params: &[(&str, &str)],
) -> (u16, Value) {
    let r = client
        .get(format!("{}/Apiv3/json", server.base_url()))
        .query(&[("Target", "Conversion"), ("Method", "findAll")])
        .query(params)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

fn ids(body: &Value) -> Vec<String> {
    match &body["response"]["data"]["data"] {
        Value::Object(rows) => rows
            .iter()
            .map(|(id, row)| {
                assert_eq!(
                    row["Conversion"]["id"].as_str(),
                    Some(id.as_str()),
                    "keyed by its id"
                );
                id.clone()
            })
            .collect(),
        Value::Array(rows) => {
            assert!(rows.is_empty(), "an array only when empty");
            Vec::new()
        }
        other => panic!("data.data is {other}"),
    }
}

#[tokio::test]
async fn tune_conversions_page_once_in_the_hasoffers_envelope() {
    let (world, server) = start_with(&noisy(34)).await;
    let client = reqwest::Client::new();
    let mut seen = Vec::new();
    for page in 1.. {
        let page = page.to_string();
        let (status, body) = call(
            &client,
            &server,
            &[
                ("api_key", KEY),
                ("limit", "9"),
                ("page", &page),
                ("fields[]", "id"),
            ],
        )
        .await;
        assert_eq!(status, 200);
        let r = &body["response"];
        assert_eq!(
            (r["status"].as_i64(), r["httpStatus"].as_i64()),
            (Some(1), Some(200))
        );
        assert_eq!(
            r["data"]["count"].as_u64().unwrap() as usize,
            world.conversions.len()
        );
        assert_eq!(
            r["data"]["pageCount"].as_u64().unwrap() as usize,
            world.conversions.len().div_ceil(9)
        );
        assert_eq!(
            body["request"]["api_key"], KEY,
            "HasOffers echoes the request, key included"
        );
        let rows = ids(&body);
        assert_eq!(r["data"]["current"].as_u64().unwrap() as usize, rows.len());
        if rows.is_empty() {
            break;
        }
        for c in r["data"]["data"].as_object().unwrap().values() {
            let c = &c["Conversion"];
            assert!(["approved", "pending", "rejected"].contains(&c["status"].as_str().unwrap()));
            for field in [
                "affiliate_id",
                "payout",
                "revenue",
                "sale_amount",
                "datetime",
                "ad_id",
                "is_adjustment",
            ] {
                assert!(c[field].is_string(), "{field} is a string, as in HasOffers");
            }
            assert_eq!(
                c["payout"]
                    .as_str()
                    .unwrap()
                    .split_once('.')
                    .unwrap()
                    .1
                    .len(),
                5
            );
        }
        seen.extend(rows);
    }
    assert_eq!(seen.len(), world.conversions.len());
    assert_eq!(
        seen.iter().collect::<BTreeSet<_>>().len(),
        seen.len(),
        "no row twice"
    );
    let truth: BTreeSet<_> = world
        .conversions
        .iter()
        .map(|c| c.conversion_id.clone())
        .collect();
    assert_eq!(seen.into_iter().collect::<BTreeSet<_>>(), truth);
    server.shutdown().await;
}

#[tokio::test]
async fn tune_window_filters_and_empty_pages_are_arrays() {
    let (world, server) = start(35).await;
    let client = reqwest::Client::new();
    let first = &world
        .conversions
        .iter()
        .min_by_key(|c| c.converted_at)
        .unwrap()
        .converted_at;
    let at = first.format("%Y-%m-%d %H:%M:%S").to_string();
    let (_, body) = call(
        &client,
        &server,
        &[("api_key", KEY), (FROM, &at), (TO, &at)],
    )
    .await;
    let expected = world
        .conversions
        .iter()
        .filter(|c| c.converted_at == *first)
        .count();
    assert_eq!(ids(&body).len(), expected, "both bounds are inclusive");
    let (_, body) = call(
        &client,
        &server,
        &[
            ("api_key", KEY),
            (FROM, "1999-01-01 00:00:00"),
            (TO, "1999-01-02 00:00:00"),
        ],
    )
    .await;
    assert_eq!(
        body["response"]["data"]["data"],
        Value::Array(Vec::new()),
        "no rows: []"
    );
    assert_eq!(body["response"]["data"]["count"], 0);
    server.shutdown().await;
}

#[tokio::test]
async fn tune_refusals_are_http_200_with_status_minus_one() {
    let (_world, server) = start(36).await;
    let client = reqwest::Client::new();
    let cases: [(&[(&str, &str)], &str); 4] = [
        (&[("api_key", "wrong")], "Invalid API key"),
        (&[], "Invalid API key"),
        (&[("api_key", KEY), ("limit", "1001")], "limit"),
        (&[("api_key", KEY), (FROM, "yesterday")], FROM),
    ];
    for (params, names) in cases {
        let (status, body) = call(&client, &server, params).await;
        assert_eq!(status, 200, "HasOffers refuses inside a 200");
        assert_eq!(body["response"]["status"], -1);
        let message = body["response"]["errors"][0]["publicMessage"]
            .as_str()
            .unwrap();
        assert!(message.contains(names), "{message}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn tune_faults_apply_to_its_pages() {
    let (_world, server) = start(37).await;
    let client = reqwest::Client::new();
    server.faults().push(FaultRule {
        stream: Stream::TuneConversions,
        page: 2,
        kind: FaultKind::Http500,
        times: Some(1),
    });
    let page2 = [("api_key", KEY), ("limit", "3"), ("page", "2")];
    let r = client
        .get(format!(
            "{}/Apiv3/json?Target=Conversion&Method=findAll",
            server.base_url()
        ))
        .query(&page2)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 500, "the rule hits page 2");
    let (status, body) = call(&client, &server, &page2).await;
    assert_eq!(
        (status, ids(&body).len()),
        (200, 3),
        "then it serves normally (times: 1)"
    );
    server.shutdown().await;
}
