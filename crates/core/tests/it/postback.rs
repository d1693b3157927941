//! The postback listener over real HTTP on loopback: RELIABILITY.md I1–I4 and I9 (query strings), the
//! external vectors of DOMAIN.md §8, and the request log. I5 lives in `postback_order`.

use super::postback_rig::{source, Rig, NOW_MS, OLD_SECRET, SECRET, TOKEN};
use affops_core::api::{PostbackLogFilter, PostbackOutcome};
use affops_core::postback::auth::sign;
use affops_core::postback::{self, PostbackCredentials};

const T: i64 = NOW_MS / 1000;

#[tokio::test]
async fn i4_allow_list_and_token_each_reject_on_their_own() {
    let mut closed = source("closed", "keitaro");
    closed.allow_ips.clear();
    let mut other_net = source("othernet", "keitaro");
    other_net.allow_ips = vec!["10.0.0.0/8".into()];
    let mut open = source("open", "keitaro");
    open.allow_ips.clear();
    open.allow_any_ip = true;
    let mut rig = Rig::start(&[closed, other_net, open, source("kei", "keitaro")], 3).await;
    let q = "subid=c1&status=sale&payout=10&tid=t1";
    // The right token does not open an empty allow-list: empty means deny.
    let r = rig
        .get(&format!("/postback/closed?{q}&token={TOKEN}"))
        .await;
    assert_eq!(
        (r.0, r.2.contains("allow-list is empty")),
        (403, true),
        "{r:?}"
    );
    let r = rig
        .get(&format!("/postback/othernet?{q}&token={TOKEN}"))
        .await;
    assert_eq!(
        r.0, 403,
        "an address outside the list is refused whatever it presents"
    );
    // The allow-list does not replace the token.
    assert_eq!(
        rig.get(&format!("/postback/kei?{q}&token=nope")).await.0,
        401
    );
    assert_eq!(rig.get(&format!("/postback/kei?{q}")).await.0, 401);
    assert_eq!(
        rig.get(&format!("/postback/open?{q}&token=nope")).await.0,
        401,
        "allow_any_ip keeps the token"
    );
    // Token as a header works as well as the query parameter.
    let hdr = rig
        .http
        .get(format!("{}/postback/open?{q}", rig.base))
        .header("X-Affops-Token", TOKEN);
    assert_eq!(rig.send(hdr).await.0, 200);
    assert_eq!(
        rig.get(&format!("/postback/kei?{q}&token={TOKEN}")).await.0,
        200
    );
    assert_eq!(
        rig.get(&format!("/postback/nosuch?{q}&token={TOKEN}"))
            .await
            .0,
        404
    );
    rig.stop().await;
    let log = rig.log();
    assert_eq!(log.len(), 8, "every request is in the log, refused or not");
    assert!(
        log.iter()
            .all(|r| !r.path_query.contains(TOKEN) && !r.body.contains(TOKEN)),
        "the token is redacted"
    );
    assert!(log[0].path_query.contains("token=REDACTED"));
    assert_eq!(log[2].reason, "wrong token");
    assert_eq!(log[3].reason, "missing token");
    // Read back as received (large payloads are stored compressed, where a LIKE would see nothing).
    let archived: Vec<Vec<u8>> = rig
        .store
        .read::<_, affops_core::store::StoreError>(|c| {
            let ids: Vec<i64> = c
                .prepare("SELECT id FROM raw_records")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            ids.into_iter()
                .map(|id| Ok(affops_core::ingest::raw::read(c, id)?.unwrap_or_default()))
                .collect()
        })
        .unwrap();
    assert!(!archived.is_empty());
    assert!(
        archived
            .iter()
            .all(|b| !String::from_utf8_lossy(b).contains(TOKEN)),
        "the raw archive never holds a secret"
    );
}

#[tokio::test]
async fn i1_tampered_or_mis_encoded_signatures_are_rejected_with_reasons() {
    let mut s = source("kei", "keitaro");
    s.hmac_required = true;
    let mut rig = Rig::start(&[s], 3).await;
    let pq = format!("/postback/kei?subid=c1&status=sale&payout=10&tid=t1&token={TOKEN}");
    assert_eq!(rig.send(rig.signed_get(&pq, SECRET, T)).await.0, 200);
    // One byte changed after signing (payout 10 → 19).
    let (path, query) = pq.split_once('?').unwrap();
    let v1 = sign(SECRET, T, format!("{path}?{query}").as_bytes());
    let tampered = rig
        .http
        .get(format!(
            "{}{}",
            rig.base,
            pq.replace("payout=10", "payout=19")
        ))
        .header("X-Affops-Signature", format!("t={T},v1={v1}"));
    assert_eq!(rig.send(tampered).await.2, "signature does not match");
    assert_eq!(
        rig.send(rig.signed_get(&pq, "wrong-secret", T)).await.2,
        "signature does not match"
    );
    // The same MAC in base64 instead of hex is malformed, not "almost right".
    let b64 = base64_of(&hex_to_bytes(&v1));
    let mixed = rig
        .http
        .get(format!("{}{pq}", rig.base))
        .header("X-Affops-Signature", format!("t={T},v1={b64}"));
    let r = rig.send(mixed).await;
    assert_eq!(
        (r.0, r.2.starts_with("malformed signature")),
        (401, true),
        "{r:?}"
    );
    assert_eq!(rig.get(&pq).await.2, "missing signature");
    // POST: the signature covers the body bytes; a re-serialized (pretty-printed) JSON body fails.
    let body = r#"{"subid":"c2","status":"sale","payout":"5.00","tid":"t2"}"#;
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(body).unwrap())
            .unwrap();
    let post = |b: String| {
        rig.http
            .post(format!("{}/postback/kei?token={TOKEN}", rig.base))
            .header("content-type", "application/json")
            .header(
                "X-Affops-Signature",
                format!("t={T},v1={}", sign(SECRET, T, body.as_bytes())),
            )
            .body(b)
    };
    assert_eq!(rig.send(post(pretty)).await.2, "signature does not match");
    assert_eq!(rig.send(post(body.to_string())).await.0, 200);
    rig.stop().await;
    assert_eq!(
        rig.count("SELECT COUNT(*) FROM conversions"),
        2,
        "only the two valid deliveries were stored"
    );
    let reasons: Vec<_> = rig
        .log()
        .into_iter()
        .map(|r| (r.status_code, r.reason))
        .collect();
    assert_eq!(
        reasons.iter().filter(|(c, _)| *c == 401).count(),
        5,
        "{reasons:?}"
    );
}

fn hex_to_bytes(h: &str) -> Vec<u8> {
    (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
        .collect()
}

fn base64_of(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[tokio::test]
async fn i2_stale_or_future_timestamps_are_rejected_and_a_replay_is_a_no_op() {
    let mut s = source("kei", "keitaro");
    s.hmac_required = true;
    let mut rig = Rig::start(&[s], 3).await;
    let pq = format!("/postback/kei?subid=c1&status=sale&payout=10&tid=t1&token={TOKEN}");
    let r = rig.send(rig.signed_get(&pq, SECRET, T - 301)).await;
    assert_eq!(
        (r.0, r.2.as_str()),
        (401, "signature timestamp is 301 s old (limit 300 s)")
    );
    let r = rig.send(rig.signed_get(&pq, SECRET, T + 301)).await;
    assert_eq!(
        (r.0, r.2.as_str()),
        (
            401,
            "signature timestamp is 301 s in the future (limit 300 s)"
        )
    );
    let first = rig.send(rig.signed_get(&pq, SECRET, T - 299)).await;
    assert_eq!((first.0, first.1.as_str()), (200, "recorded"));
    // The same delivery again (a tracker retry): 2xx, the existing conversion, nothing new written.
    let again = rig.send(rig.signed_get(&pq, SECRET, T - 299)).await;
    assert_eq!(
        (again.0, again.1.as_str(), again.3),
        (200, "duplicate", first.3)
    );
    rig.stop().await;
    assert_eq!(rig.count("SELECT COUNT(*) FROM conversions"), 1);
    assert_eq!(
        rig.count("SELECT COUNT(*) FROM conversion_status_history"),
        1
    );
    assert_eq!(rig.count("SELECT COUNT(*) FROM raw_records"), 1);
}

#[tokio::test]
async fn i3_both_secrets_verify_during_rotation_and_only_the_new_one_after() {
    let mut s = source("kei", "keitaro");
    s.hmac_required = true;
    let mut rig = Rig::start(&[s], 9).await;
    let pq =
        |i: u32| format!("/postback/kei?subid=c{i}&status=sale&payout=1&tid=r{i}&token={TOKEN}");
    let creds = |current: &str, previous: Option<&str>| PostbackCredentials {
        token: Some(TOKEN.into()),
        hmac_current: Some(current.into()),
        hmac_previous: previous.map(Into::into),
    };
    rig.secrets.set("kei", creds(OLD_SECRET, None));
    assert_eq!(rig.send(rig.signed_get(&pq(1), OLD_SECRET, T)).await.0, 200);
    assert_eq!(
        rig.send(rig.signed_get(&pq(2), SECRET, T)).await.0,
        401,
        "not yet rotated"
    );
    rig.secrets.set("kei", creds(SECRET, Some(OLD_SECRET)));
    assert_eq!(
        rig.send(rig.signed_get(&pq(3), OLD_SECRET, T)).await.0,
        200,
        "overlap: old still valid"
    );
    assert_eq!(
        rig.send(rig.signed_get(&pq(4), SECRET, T)).await.0,
        200,
        "overlap: new valid"
    );
    rig.secrets.set("kei", creds(SECRET, None));
    assert_eq!(
        rig.send(rig.signed_get(&pq(5), OLD_SECRET, T)).await.0,
        401,
        "after: old refused"
    );
    assert_eq!(
        rig.send(rig.signed_get(&pq(6), SECRET, T)).await.0,
        200,
        "after: new valid"
    );
    rig.stop().await;
}

/// DOMAIN.md §8: "a replayed postback returns the existing conversion, still one row; an empty txid does not
/// dedupe; a postback for an unknown click creates no orphan row".
#[tokio::test]
async fn domain_dedupe_vectors() {
    let mut rig = Rig::start(&[source("p202", "prosper202"), source("vol", "voluum")], 3).await;
    let a = rig
        .get(&format!(
            "/postback/vol?cid=c1&payout=25&txid=T-1&token={TOKEN}"
        ))
        .await;
    let b = rig
        .get(&format!(
            "/postback/vol?cid=c1&payout=25&txid=T-1&token={TOKEN}"
        ))
        .await;
    assert_eq!(
        (a.1.as_str(), b.1.as_str(), a.3),
        ("recorded", "duplicate", b.3),
        "replay → existing conversion"
    );
    for _ in 0..2 {
        let r = rig
            .get(&format!(
                "/postback/p202?subid=c2&amount=5&txid=%20%20&token={TOKEN}"
            ))
            .await;
        assert_eq!(r.1, "recorded", "a blank txid never dedupes");
    }
    let r = rig
        .get(&format!(
            "/postback/vol?cid=ghost&payout=25&txid=T-2&token={TOKEN}"
        ))
        .await;
    assert_eq!((r.0, r.2.as_str()), (404, "unknown click 'ghost'"));
    rig.stop().await;
    assert_eq!(
        rig.count("SELECT COUNT(*) FROM conversions WHERE order_ref = 'T-1'"),
        1
    );
    assert_eq!(
        rig.count("SELECT COUNT(*) FROM conversions WHERE transaction_id = 'c2'"),
        2
    );
    assert_eq!(
        rig.count(
            "SELECT COUNT(*) FROM conversions WHERE transaction_id = 'ghost' OR order_ref = 'T-2'"
        ),
        0,
        "no orphan"
    );
    assert_eq!(
        rig.count(
            "SELECT COUNT(*) FROM conversions WHERE arrival <> 's2s' OR affiliate_id IS NULL"
        ),
        0
    );
}

#[tokio::test]
async fn i9_bad_query_strings_are_refused_naming_the_parameter_and_logged() {
    let mut rig = Rig::start(&[source("aff", "affise"), source("kei", "keitaro")], 3).await;
    let cases = [
        ("/postback/aff?sub1=c1&status=1&sum=3&sub4={subacc4}", "parameter 'sub4' holds the unreplaced macro '{subacc4}'"),
        ("/postback/aff?clickid={clickid}&status=1", "parameter 'clickid' holds the unreplaced macro '{clickid}'"),
        ("/postback/aff?sub1=%7Bsub1%7D&status=1", "parameter 'sub1' holds the unreplaced macro '{sub1}'"),
        ("/postback/aff?sub1=c1&status=1&sub2={{x}}", "parameter 'sub2' holds the unreplaced macro '{{x}}'"),
        ("/postback/kei?status=sale", "missing click id parameter 'subid'"),
        ("/postback/kei?subid=c1", "missing status parameter 'status'"),
        ("/postback/kei?subid=c1&status=paid", "parameter 'status' has the unknown status 'paid'"),
        ("/postback/kei?subid=c1&status=sale&payout=1,5", "parameter 'payout': '1,5' is not a decimal amount"),
        ("/postback/kei?subid=c1&status=sale&payout=0.0000001", "parameter 'payout': '0.0000001' has more than 6 decimal places; it cannot be stored exactly"),
        ("/postback/kei?subid=c1&status=sale&payout=%zz", "parameter 'payout' has a bad percent-escape"),
        ("/postback/kei?subid=c1&subid=c2&status=sale", "parameter 'subid' is given twice"),
    ];
    for (pq, reason) in cases {
        let r = rig.get(&format!("{pq}&token={TOKEN}")).await;
        assert_eq!((r.0, r.2.as_str()), (400, reason), "{pq}");
    }
    let huge = format!(
        "/postback/kei?subid=c1&status=sale&pad={}&token={TOKEN}",
        "x".repeat(20_000)
    );
    assert_eq!(
        rig.get(&huge).await.2,
        "the query is longer than 8192 bytes"
    );
    rig.stop().await;
    assert_eq!(rig.count("SELECT COUNT(*) FROM conversions"), 0);
    let log = rig.log();
    assert_eq!(log.len(), cases.len() + 1);
    assert!(log.iter().all(|r| r.status_code == 400
        && r.outcome == PostbackOutcome::Rejected
        && !r.reason.is_empty()));
    let page = postback::list_log(
        &rig.store,
        &PostbackLogFilter {
            text: Some("unreplaced".into()),
            page: 1,
            page_size: 2,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        (page.total, page.rows.len()),
        (4, 2),
        "the log filters by text and pages"
    );
    let by_source = PostbackLogFilter {
        source: Some("aff".into()),
        outcome: Some(PostbackOutcome::Rejected),
        ..Default::default()
    };
    assert_eq!(postback::list_log(&rig.store, &by_source).unwrap().total, 4);
}

#[tokio::test]
async fn listener_is_off_until_started_and_stops_gracefully() {
    let mut rig = Rig::start(&[source("kei", "keitaro")], 2).await;
    let addr = rig.handle.as_ref().unwrap().local_addr();
    assert!(addr.ip().is_loopback(), "bound to 127.0.0.1 only");
    rig.get(&format!(
        "/postback/kei?subid=c1&status=lead&tid=x&token={TOKEN}"
    ))
    .await;
    rig.get(&format!(
        "/postback/kei?subid=c1&status=sale&tid=x&token={TOKEN}"
    ))
    .await;
    let status = rig.handle.take().unwrap().stop().await.unwrap();
    assert_eq!((status.recorded, status.updated), (1, 1));
    assert!(
        reqwest::get(format!("http://{addr}/postback/kei"))
            .await
            .is_err(),
        "nothing listens after stop"
    );
}

/// The desktop form sends no program: the source joins the workspace's program; an unknown one is refused by name.
#[test]
fn empty_program_means_the_workspace_program() {
    let (_dir, store) = super::postback_rig::seeded_store(0);
    let mut cfg = source("ef-desk", "everflow");
    cfg.program = String::new();
    postback::config::configure_source(
        &store,
        &cfg,
        &affops_core::audit::Stamp::tool("test", "postback_save_source", NOW_MS),
    )
    .unwrap();
    let listed = postback::config::list_sources(&store).unwrap();
    assert_eq!(
        listed
            .iter()
            .find(|s| s.name == "ef-desk")
            .map(|s| s.program.as_str()),
        Some("casino")
    );
    cfg.program = "no-such".into();
    let e = postback::config::configure_source(
        &store,
        &cfg,
        &affops_core::audit::Stamp::tool("test", "postback_save_source", NOW_MS),
    )
    .unwrap_err();
    assert!(e.to_string().contains("no-such"), "{}", e.to_string());
}

/// Concurrent postbacks are archived a batch at a time, like a page of a sync: fewer raw records than requests,
/// and every conversion's raw record holds its own request (redacted), read back exactly as archived.
#[tokio::test]
async fn concurrent_postbacks_are_archived_per_batch_and_each_request_is_kept() {
    let mut rig = Rig::start(&[source("kei", "keitaro")], 200).await;
    let sends = (0..200).map(|i| {
        let pq =
            format!("/postback/kei?subid=c{i}&status=sale&payout=10&tid=batch-{i}&token={TOKEN}");
        let rig = &rig;
        async move { rig.get(&pq).await.0 }
    });
    let statuses = futures_util::future::join_all(sends).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    rig.stop().await;
    let raws = rig.count("SELECT COUNT(*) FROM raw_records WHERE stream = 'postback'");
    assert!(
        (1..200).contains(&raws),
        "{raws} raw records for 200 requests"
    );
    let lines: Vec<(String, String)> = rig
        .store
        .read::<_, affops_core::store::StoreError>(|c| {
            let rows: Vec<(String, i64)> = c
                .prepare("SELECT external_id, raw_id FROM conversions ORDER BY id")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            rows.into_iter()
                .map(|(ext, raw_id)| {
                    let bytes = affops_core::ingest::raw::read(c, raw_id)?.unwrap_or_default();
                    Ok((ext, String::from_utf8(bytes).unwrap()))
                })
                .collect()
        })
        .unwrap();
    assert_eq!(lines.len(), 200);
    for (ext, payload) in &lines {
        let txid = ext.trim_start_matches("tx:");
        let line = payload
            .lines()
            .find(|l| l.contains(&format!("tid={txid}&")))
            .unwrap_or_else(|| panic!("{ext}: its request is not in its raw record"));
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["method"], "GET");
        assert!(v["path_query"].as_str().unwrap().contains("token=REDACTED"));
        assert!(!payload.contains(TOKEN));
    }
}

/// The pixel (issue 15): `GET /pixel/{source}.gif` always answers 200 with a 1×1 GIF; a valid hit is recorded
/// with arrival `pixel` from any address (a browser), needs the source's token, is never taken on a source
/// without one, and every refusal — unknown source, wrong token, an unreplaced macro — is in the log with why.
/// A postback for the same conversion afterwards is a duplicate: the pixel got there first.
#[tokio::test]
async fn a_pixel_hit_answers_a_gif_and_records_a_less_trusted_conversion() {
    let mut shop = source("shop", "keitaro");
    shop.allow_ips = vec!["10.0.0.0/8".into()]; // browsers come from anywhere: the allow-list is for S2S
    let mut rig = Rig::start(&[shop, source("kei", "keitaro")], 3).await;
    let gif = |path: String| {
        let http = rig.http.clone();
        let url = format!("{}{path}", rig.base);
        async move {
            let r = http.get(url).send().await.unwrap();
            let status = r.status().as_u16();
            let kind = r.headers()["content-type"].to_str().unwrap().to_string();
            let body = r.bytes().await.unwrap();
            (status, kind, body)
        }
    };
    let q = "subid=c1&status=sale&payout=12.50&tid=px1";
    let (status, kind, body) = gif(format!("/pixel/shop.gif?{q}&token={TOKEN}")).await;
    assert_eq!((status, kind.as_str()), (200, "image/gif"));
    assert!(body.starts_with(b"GIF89a") && body.len() == 43, "{body:?}");
    for bad in [
        format!("/pixel/nosuch.gif?{q}&token={TOKEN}"),
        format!("/pixel/shop.gif?{q}&token=nope"),
        format!("/pixel/shop.gif?subid={{clickid}}&status=sale&tid=px2&token={TOKEN}"),
    ] {
        let (status, kind, _) = gif(bad.clone()).await;
        assert_eq!((status, kind.as_str()), (200, "image/gif"), "{bad}");
    }
    // S2S keeps its allow-list on the same source.
    assert_eq!(
        rig.get(&format!("/postback/shop?{q}&token={TOKEN}"))
            .await
            .0,
        403
    );
    // A pixel, then the same conversion by postback: a duplicate, the arrival stays the pixel's.
    let q2 = "subid=c2&status=sale&payout=7&tid=px3";
    assert_eq!(
        gif(format!("/pixel/kei.gif?{q2}&token={TOKEN}")).await.0,
        200
    );
    let r = rig.get(&format!("/postback/kei?{q2}&token={TOKEN}")).await;
    assert_eq!((r.0, r.1.as_str()), (200, "duplicate"), "{r:?}");
    // One conversion by S2S alone, for the coverage shares.
    let r = rig
        .get(&format!(
            "/postback/kei?subid=c0&status=sale&payout=10&tid=s1&token={TOKEN}"
        ))
        .await;
    assert_eq!((r.0, r.1.as_str()), (200, "recorded"), "{r:?}");
    // A source that takes signed postbacks only (no token) refuses pixels: a browser cannot sign.
    rig.secrets.set(
        "shop",
        PostbackCredentials {
            token: None,
            hmac_current: Some(SECRET.into()),
            hmac_previous: None,
        },
    );
    let (status, kind, _) = gif("/pixel/shop.gif?subid=c2&status=sale&tid=px9".to_string()).await;
    assert_eq!((status, kind.as_str()), (200, "image/gif"));
    rig.stop().await;
    // Coverage: 2 of 3 conversions and 19.50 of the 29.50 EUR payout rest on pixels; the affiliate is called out.
    let ws = affops_core::workspace::Workspace::open(rig._dir.path()).unwrap();
    let program = affops_core::programs::resolve(ws.store(), None).unwrap();
    let c = affops_core::coverage::report(&ws, &program, &Default::default()).unwrap();
    assert_eq!(
        (
            c.totals.pixel,
            c.totals.s2s,
            c.totals.pixel_percent.as_str(),
            c.totals.pixel_payout_percent.as_str()
        ),
        (2, 1, "66.67", "66.10")
    );
    assert!(
        c.warning.as_deref().unwrap_or("").contains("Aff 42"),
        "{:?}",
        c.warning
    );
    assert_eq!(
        rig.count(
            "SELECT COUNT(*) FROM conversions WHERE arrival = 'pixel' AND payout_micros = 12500000"
        ),
        1
    );
    assert_eq!(
        rig.count("SELECT COUNT(*) FROM conversions WHERE arrival = 'pixel'"),
        2
    );
    assert_eq!(rig.count("SELECT COUNT(*) FROM conversions"), 3);
    let log = rig.log();
    let reasons: Vec<(String, String)> = log
        .iter()
        .map(|r| (r.outcome.as_str().to_string(), r.reason.clone()))
        .collect();
    assert_eq!(reasons.len(), 9, "{reasons:?}");
    assert_eq!(reasons[0].0, "recorded");
    assert!(
        reasons[1].1.contains("unknown source 'nosuch'"),
        "{reasons:?}"
    );
    assert!(reasons[2].1.contains("wrong token"), "{reasons:?}");
    assert!(reasons[3].1.contains("{clickid}"), "{reasons:?}");
    assert!(
        reasons[8].1.contains("pixels need the source's token"),
        "{reasons:?}"
    );
}
