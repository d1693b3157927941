//! The demo's conversions arrive by all four channels — the tracker's API, S2S postbacks and pixels at Affops'
//! listener, and the network's batch file — each exactly once, dated when they happened (not when the demo was
//! opened), so the coverage report shows every share on the demo.

use affops_core::coverage;
use affops_core::dashboard::DashboardQuery;
use affops_core::ops;
use affops_sandbox::{generate, split_channels, WorldConfig};
use std::sync::Arc;

const NOW_MS: i64 = 1_790_000_000_000;

fn count(ws: &affops_core::workspace::Workspace, sql: &str) -> i64 {
    ws.store()
        .read(|c| Ok::<_, affops_core::store::StoreError>(c.query_row(sql, [], |r| r.get(0))?))
        .unwrap()
}

#[test]
fn the_demo_shows_s2s_pixel_batch_and_api_conversions_each_once() {
    let (_dir, ws) = crate::front_door::demo_workspace(NOW_MS);
    let program = affops_core::programs::resolve(ws.store(), None).unwrap();
    let report = coverage::report(&ws, &program, &DashboardQuery::default()).unwrap();
    let t = &report.totals;
    assert!(
        t.s2s > 0 && t.pixel > 0 && t.batch > 0 && t.api > 0,
        "{t:?}"
    );
    assert!(
        report.warning.is_some(),
        "pixel-heavy affiliates are called out"
    );

    // The dashboard shows each affiliate's pixel share and the same warning.
    let dash = affops_core::dashboard::build(&ws, &program, &DashboardQuery::default()).unwrap();
    assert_eq!(dash.pixel_warning, report.warning);
    for r in &report.rows {
        let d = dash.rows.iter().find(|d| d.affiliate_id == r.affiliate_id);
        if let Some(d) = d {
            assert_eq!(
                d.pixel_percent.as_deref(),
                Some(r.pixel_percent.as_str()),
                "{}",
                r.affiliate_id
            );
        }
    }
    assert!(dash.rows.iter().any(|d| d
        .pixel_percent
        .as_deref()
        .is_some_and(
            |p| p.parse::<rust_decimal::Decimal>().unwrap() > rust_decimal::Decimal::from(50)
        )));

    // Every conversion of the world arrived once, by exactly one channel — but for the planted duplicate
    // conversion (the same deposit twice), which the listener, unlike the tracker's API, records once.
    let mut world = generate(&WorldConfig::demo_workspace(WorldConfig::demo().seed));
    let all = world.conversions.len();
    let d = split_channels(&mut world, "demo-postbacks", "k");
    let stored = count(&ws, "SELECT COUNT(*) FROM conversions");
    let replays = count(
        &ws,
        "SELECT COUNT(*) FROM postback_log WHERE outcome = 'duplicate'",
    ) as usize;
    assert!(replays <= 1, "{replays}");
    assert_eq!(stored as usize + replays, all);
    // Coverage counts a conversion the tracker listed twice (same click and order) once.
    let distinct = count(
        &ws,
        "SELECT COUNT(DISTINCT CASE WHEN transaction_id <> '' THEN transaction_id || '|' || order_ref ELSE 'id:' || id END) FROM conversions",
    );
    assert_eq!(i64::from(t.total), distinct);
    // Each channel's share is what the demo sent by it (less the planted duplicate, counted once).
    for (shown, sent) in [
        (t.s2s, d.s2s_conversions),
        (t.pixel, d.pixel_conversions),
        (t.batch, d.batch_conversions),
        (t.api, world.conversions.len()),
    ] {
        assert!(
            shown as usize <= sent && shown as usize + 2 >= sent,
            "{t:?}"
        );
    }

    // Postbacks and pixels are dated when the conversion happened, inside the demo's days.
    let (first, last) = (
        world.config.start.to_string(),
        world.config.end_instant().date_naive().to_string(),
    );
    let outside = count(
        &ws,
        &format!(
            "SELECT COUNT(*) FROM conversions WHERE arrival IN ('s2s', 'pixel') AND (day < '{first}' OR day > '{last}')"
        ),
    );
    assert_eq!(outside, 0);
    // No delivery was refused.
    assert_eq!(
        count(
            &ws,
            "SELECT COUNT(*) FROM postback_log WHERE outcome = 'rejected'"
        ),
        0
    );
    // The postback source reads as fresh as its last request (not "never synced"); the file source as its import.
    let fresh = ws.freshness().unwrap();
    let of = |name: &str| fresh.iter().find(|f| f.source == name).unwrap().clone();
    let pb = of("demo-postbacks");
    assert_eq!(
        (pb.kind.as_str(), pb.last_status.as_str()),
        ("postback", "ok")
    );
    assert!(pb
        .last_success_at_ms
        .is_some_and(|t| t <= world.config.end_instant().timestamp_millis()));
    assert!(
        pb.last_message.starts_with("last request "),
        "{}",
        pb.last_message
    );
    assert_eq!(of("Demo network files").last_status, "ok");

    // Opening the demo again delivers nothing twice.
    let log = count(&ws, "SELECT COUNT(*) FROM postback_log");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(ops::workspace::open_demo_workspace(
        &crate::front_door::signed_in_as(&ws, "max", NOW_MS),
        Default::default(),
        Arc::new(|_| {}),
    ))
    .expect("demo again");
    assert_eq!(count(&ws, "SELECT COUNT(*) FROM postback_log"), log);
    assert_eq!(count(&ws, "SELECT COUNT(*) FROM conversions"), stored);
}
