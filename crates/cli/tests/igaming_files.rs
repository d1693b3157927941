//! A casino run from files alone, as a new user would: the owner creates the workspace and an iGaming program,
//! takes the manager and finance roles, imports the operator's files (affiliates with a sub-affiliate, clicks,
//! registrations, deposits, activity) and the tracker's conversions, assigns a hybrid plan with a sub-affiliate
//! share as the default, computes October and reads the statements and the dashboard. Bad rows are quarantined
//! with their reason and nothing else is lost.

mod common;

use common::{create_owner, ok};
use std::path::Path;

const AFFILIATES: &str = "affiliate_id,name,parent_id,email,country,manager
7,Seven Media,,seven@example.com,MT,Max
8,Eight Sub,7,,DE,
9,Nine Loop,9,,DE,
";

const CLICKS: &str = "click_id,clicked_at,affiliate_id,sub1,ip,country
c1,2026-10-02 10:00:00,7,spring,85.1.2.3,DE
c2,2026-10-02 11:00:00,7,spring,85.1.2.4,DE
c3,2026-10-03 12:00:00,7,autumn,85.1.2.5,AT
c5,2026-10-04 09:00:00,8,,85.1.2.6,DE
c6,not a date,7,,85.1.2.7,DE
";

const REGISTRATIONS: &str = "player_id,registration_date,country,click_id,currency
P1,2026-10-02 10:05:00,DE,c1,EUR
P2,2026-10-02 11:05:00,DE,c2,EUR
P3,2026-10-03 12:05:00,AT,c3,EUR
P5,2026-10-04 09:05:00,DE,c5,EUR
";

const DEPOSITS: &str = "deposit_id,player_id,amount,currency,occurred_at,is_ftd
D1,P1,50.00,EUR,2026-10-02 12:00:00,1
D2,P2,10.00,EUR,2026-10-02 13:00:00,1
D5,P5,30.00,EUR,2026-10-04 10:00:00,1
D9,PX,25.00,EUR,2026-10-05 10:00:00,1
";

const ACTIVITY: &str = "player_id,date,currency,deposits,bets,wins
P1,2026-10-02,EUR,50.00,200.00,150.00
P5,2026-10-04,EUR,30.00,100.00,100.00
";

const CONVERSIONS: &str = "conversion_id,affiliate_id,converted_at,status,payout,currency,event,click_id,player_id,order_id
cv1,7,2026-10-02 12:00:05,approved,40.00,EUR,ftd,c1,P1,D1
cv5,8,2026-10-04 10:00:05,approved,40.00,EUR,ftd,c5,P5,D5
";

/// CPA 40 for an FTD of 20 or more, 10 % of NGR, and 10 % of each sub-affiliate's commission to its parent.
const PLAN: &str = r#"{
  "name": "Hybrid with subs",
  "currency": "EUR",
  "versions": [{
    "effective_from": "2026-01-01",
    "components": [
      { "kind": "cpa", "amount": "40", "qualification": { "min_ftd": "20" } },
      { "kind": "rev_share", "percent": "10", "ngr": "bets - wins" },
      { "kind": "sub_affiliate", "basis": "commission", "levels": ["10"] }
    ]
  }]
}"#;

fn file(dir: &Path, name: &str, body: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p.to_string_lossy().into_owned()
}

fn json(dir: &Path, who: &str, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(dir, who, args)).unwrap()
}

#[test]
fn a_casino_runs_from_files_alone_to_its_statements() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = &tmp.path().join("ws");
    let files = tmp.path();
    create_owner(dir);
    ok(
        dir,
        "olivia",
        &[
            "program",
            "add",
            "--name",
            "Casino",
            "--vertical",
            "igaming",
            "--currency",
            "EUR",
            "--timezone",
            "UTC",
            "--brand",
            "Lucky",
        ],
    );
    ok(
        dir,
        "olivia",
        &[
            "people",
            "update",
            "olivia",
            "--role",
            "owner,manager,finance",
        ],
    );

    let import = |preset: &str, name: &str, body: &str| -> serde_json::Value {
        let path = file(files, name, body);
        json(
            dir,
            "olivia",
            &["import", &path, "--preset", preset, "--json"],
        )
    };
    let counts = |s: &serde_json::Value| {
        (
            s["rows_ok"].as_u64().unwrap(),
            s["rows_quarantined"].as_u64().unwrap(),
        )
    };
    let affiliates = import("affiliates", "affiliates.csv", AFFILIATES);
    assert_eq!(
        counts(&affiliates),
        (2, 1),
        "an affiliate that is its own parent is quarantined: {affiliates}"
    );
    assert_eq!(
        counts(&import("clicks", "clicks.csv", CLICKS)),
        (4, 1),
        "the click without a date"
    );
    assert_eq!(
        counts(&import("registrations", "registrations.csv", REGISTRATIONS)),
        (4, 0)
    );
    let deposits = import("deposits", "deposits.csv", DEPOSITS);
    assert_eq!(
        counts(&deposits),
        (3, 1),
        "a deposit of an unknown player: {deposits}"
    );
    assert_eq!(
        counts(&import("activity", "activity.csv", ACTIVITY)),
        (2, 0)
    );
    assert_eq!(
        counts(&import("conversions", "conversions.csv", CONVERSIONS)),
        (2, 0)
    );

    let run = deposits["id"].as_i64().unwrap().to_string();
    let why = ok(dir, "olivia", &["quarantine", "list", "--run", &run]);
    assert!(
        why.contains("PX"),
        "the quarantined deposit names its player: {why}"
    );

    let plan = file(files, "plan.json", PLAN);
    ok(dir, "olivia", &["plan", "import", &plan]);
    ok(
        dir,
        "olivia",
        &[
            "plan",
            "assign",
            "Hybrid with subs",
            "--default",
            "--from",
            "2026-10-01",
        ],
    );
    ok(dir, "olivia", &["compute", "--period", "2026-10"]);

    // Seven: P1 qualifies (FTD 50): 40 CPA + 10 % of 50 NGR = 45; P2's 10 FTD does not; plus 10 % of Eight's 40.
    let seven = json(
        dir,
        "olivia",
        &[
            "statement",
            "--affiliate",
            "7",
            "--period",
            "2026-10",
            "--json",
        ],
    );
    assert_eq!(seven["payable"], "49.00", "{seven}");
    // Eight: P5 qualifies (FTD 30): 40 CPA; its NGR is 0.
    let eight = json(
        dir,
        "olivia",
        &[
            "statement",
            "--affiliate",
            "8",
            "--period",
            "2026-10",
            "--json",
        ],
    );
    assert_eq!(eight["payable"], "40.00", "{eight}");

    let dash = json(
        dir,
        "olivia",
        &[
            "dashboard",
            "--from",
            "2026-10-01",
            "--to",
            "2026-10-31",
            "--json",
        ],
    );
    assert_eq!(dash["totals"]["clicks"], 4, "{}", dash["totals"]);
    assert_eq!(dash["totals"]["registrations"], 4);
    assert_eq!(dash["totals"]["ftds"], 3);
    let coverage = json(dir, "olivia", &["coverage", "--json"]);
    assert!(
        coverage.to_string().contains("batch"),
        "the conversions file counts as batch arrivals: {coverage}"
    );
}
