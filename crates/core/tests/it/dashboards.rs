//! Breakdown and cohorts (issue 15 item 6). A hand-built world with known answers (funnel per dimension,
//! commission per affiliate and month, eCPA and its rounding, period-over-period, retention, LTV, payback), and
//! the demo workspace for the invariants: the breakdown's totals are the dashboard's, sub-ID and country rows add
//! up to their affiliate, and days add up to months over many periods.

use affops_core::breakdown::{self, BreakdownQuery, Dimension};
use affops_core::cohorts::{self, CohortQuery};
use affops_core::dashboard::{self, DashboardQuery};
use affops_core::ledger;
use affops_core::programs::{Program, Vertical};
use affops_core::store::StoreError;
use affops_core::workspace::Workspace;
use rusqlite::params;

fn ms(day: &str) -> i64 {
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    d.and_hms_opt(12, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis()
}

struct World {
    _dir: tempfile::TempDir,
    ws: Workspace,
    program: Program,
}

impl World {
    fn sql(&self, sql: &str, p: impl rusqlite::Params + Clone) {
        self.ws
            .store()
            .write::<_, StoreError>(|tx| Ok(tx.execute(sql, p.clone()).map(drop)?))
            .unwrap();
    }

    fn id(&self, sql: &str, p: impl rusqlite::Params + Clone) -> i64 {
        self.ws
            .store()
            .write::<_, StoreError>(|tx| {
                tx.execute(sql, p.clone())?;
                Ok(tx.last_insert_rowid())
            })
            .unwrap()
    }

    fn click(&self, id: &str, aff: i64, day: &str, sub1: &str, country: &str) {
        self.sql(
            "INSERT INTO clicks (program_id, click_id, affiliate_id, clicked_at_ms, day, sub1, country) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![self.program.id, id, aff, ms(day), day, sub1, country],
        );
    }

    fn player(&self, ext: &str, aff: i64, day: &str, click: &str, country: &str) -> i64 {
        self.id(
            "INSERT INTO players (program_id, external_id, currency, registered_at_ms, day, country, click_id, affiliate_id)
             VALUES (?1, ?2, 'EUR', ?3, ?4, ?5, ?6, ?7)",
            params![self.program.id, ext, ms(day), day, country, click, aff],
        )
    }

    fn deposit(&self, ext: &str, player: i64, eur: i64, day: &str, ftd: bool) {
        self.sql(
            "INSERT INTO money_movements (program_id, external_id, player_id, kind, amount_micros, currency, occurred_at_ms, day, is_ftd)
             VALUES (?1, ?2, ?3, 'deposit', ?4, 'EUR', ?5, ?6, ?7)",
            params![self.program.id, ext, player, eur * 1_000_000, ms(day), day, ftd],
        );
    }

    fn activity(&self, player: i64, day: &str, bets: i64, wins: i64) {
        self.sql(
            "INSERT INTO player_activity_daily (player_id, day, currency, bets_micros, wins_micros) VALUES (?1, ?2, 'EUR', ?3, ?4)",
            params![player, day, bets * 1_000_000, wins * 1_000_000],
        );
    }

    fn period(&self, from: &str, to: &str) -> i64 {
        self.id(
            "INSERT INTO periods (program_id, start_day, end_day) VALUES (?1, ?2, ?3)",
            params![self.program.id, from, to],
        )
    }

    /// A computed ledger line: `items` are (player, amount) as the engine's basis names them.
    fn line(&self, period: i64, aff: i64, key: &str, eur: i64, items: &[(&str, &str)]) {
        let items: Vec<String> = items
            .iter()
            .map(|(s, a)| format!(r#"{{"subject":"{s}","amount":"{a}","note":"","events":[]}}"#))
            .collect();
        let basis = format!(r#"{{"exact":"{eur}","items":[{}]}}"#, items.join(","));
        // Posted as compute posts it, so the ledger's cohort index is written with the entry.
        let entry = ledger::NewEntry {
            program_id: self.program.id,
            period_id: period,
            origin_period_id: period,
            affiliate_id: aff,
            kind: ledger::EntryKind::Commission,
            status: ledger::EntryStatus::Pending,
            line_key: key.into(),
            amount_micros: eur * 1_000_000,
            currency: "EUR".into(),
            plan_version_id: None,
            rule: String::new(),
            reason: "computed".into(),
            corrects_entry_id: None,
            basis,
            approvable_from_day: "2026-12-31".into(),
            created_by: "system".into(),
        };
        self.ws
            .store()
            .write::<_, StoreError>(|tx| {
                ledger::post(tx, &entry, 0).map_err(|e| StoreError::Invalid(e.to_string()))?;
                Ok(())
            })
            .unwrap();
    }

    fn breakdown(
        &self,
        from: &str,
        to: &str,
        dim: Dimension,
        aff: Option<&str>,
    ) -> breakdown::Breakdown {
        breakdown::build(
            &self.ws,
            &self.program,
            &BreakdownQuery {
                from: Some(from.into()),
                to: Some(to.into()),
                dimension: dim,
                affiliate: aff.map(str::to_string),
            },
        )
        .unwrap()
    }
}

/// Two affiliates, four players over January–March 2026 (UTC, EUR):
/// - aff-a: p1 (click c1, sub s1, DE, Jan 5; FTD 100, a 50 deposit in Feb; NGR 50 Jan, 60 Feb, 10 Mar),
///   p2 (c2, s2, FR, Jan 6; FTD 20; NGR −5 Jan), p4 (c3, s1, DE, Feb 3; FTD 40; NGR 30 Feb).
/// - aff-b: p3 (c4, no sub, AT, Jan 10; FTD 30; NGR 30 Jan); a lone click on Mar 2.
///
/// Ledger: January CPA 40 per player (aff-a 80 for p1, p2; aff-b 40 for p3) and aff-a RevShare 10; February
/// CPA 40 for p4.
fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    let id = ws
        .store()
        .write::<_, StoreError>(|tx| {
            tx.execute("INSERT INTO programs (name, vertical, currency, timezone, created_at_ms) VALUES ('Casino', 'igaming', 'EUR', 'UTC', 0)", [])?;
            Ok(tx.last_insert_rowid())
        })
        .unwrap();
    let w = World {
        _dir: dir,
        ws,
        program: Program {
            id,
            name: "Casino".into(),
            vertical: Vertical::Igaming,
            currency: "EUR".into(),
            timezone: "UTC".into(),
        },
    };
    let aff = |ext: &str| {
        w.id(
            "INSERT INTO affiliates (program_id, external_id, name, created_at_ms) VALUES (?1, ?2, ?3, 0)",
            params![w.program.id, ext, format!("Affiliate {ext}")],
        )
    };
    let (a, b) = (aff("aff-a"), aff("aff-b"));
    w.click("c1", a, "2026-01-05", "s1", "DE");
    w.click("c2", a, "2026-01-06", "s2", "FR");
    w.click("c3", a, "2026-02-03", "s1", "DE");
    w.click("c4", b, "2026-01-10", "", "AT");
    w.click("c5", b, "2026-03-02", "", "AT");
    let p1 = w.player("p1", a, "2026-01-05", "c1", "DE");
    let p2 = w.player("p2", a, "2026-01-06", "c2", "FR");
    let p3 = w.player("p3", b, "2026-01-10", "c4", "AT");
    let p4 = w.player("p4", a, "2026-02-03", "c3", "DE");
    w.deposit("m1", p1, 100, "2026-01-05", true);
    w.deposit("m2", p1, 50, "2026-02-10", false);
    w.deposit("m3", p2, 20, "2026-01-07", true);
    w.deposit("m4", p3, 30, "2026-01-11", true);
    w.deposit("m5", p4, 40, "2026-02-04", true);
    w.activity(p1, "2026-01-05", 80, 30);
    w.activity(p1, "2026-02-10", 100, 40);
    w.activity(p1, "2026-03-02", 10, 0);
    w.activity(p2, "2026-01-07", 20, 25);
    w.activity(p3, "2026-01-11", 30, 0);
    w.activity(p4, "2026-02-04", 40, 10);
    let jan = w.period("2026-01-01", "2026-01-31");
    let feb = w.period("2026-02-01", "2026-02-28");
    w.line(jan, a, "cpa", 80, &[("p1", "40"), ("p2", "40")]);
    w.line(jan, b, "cpa", 40, &[("p3", "40")]);
    w.line(jan, a, "revshare", 10, &[("p1", "50"), ("p2", "-5")]);
    w.line(feb, a, "cpa", 40, &[("p4", "40")]);
    // Rows written straight into the tables: every day is rolled up on the first read.
    w.sql(
        "INSERT OR IGNORE INTO rollup_dirty (program_id, day)
         SELECT program_id, day FROM clicks UNION SELECT program_id, day FROM players
         UNION SELECT program_id, day FROM money_movements
         UNION SELECT ?1, day FROM player_activity_daily",
        [w.program.id],
    );
    w
}

fn row<'a>(b: &'a breakdown::Breakdown, key: &str) -> &'a breakdown::BreakdownRow {
    b.rows.iter().find(|r| r.key == key).unwrap_or_else(|| {
        panic!(
            "no row {key} in {:?}",
            b.rows.iter().map(|r| &r.key).collect::<Vec<_>>()
        )
    })
}

#[test]
fn affiliate_rows_carry_the_funnel_the_ledger_commission_and_ecpa() {
    let w = world();
    let b = w.breakdown("2026-01-01", "2026-01-31", Dimension::Affiliate, None);
    let a = row(&b, "aff-a");
    assert_eq!((a.clicks, a.registrations, a.ftds), (2, 2, 2));
    assert_eq!((a.deposits.as_str(), a.ngr.as_str()), ("120.00", "45.00"));
    // CPA 80 + RevShare 10 for January, the one commission period inside the period.
    assert_eq!(a.commission.as_deref(), Some("90.00"));
    assert_eq!(a.ecpa.as_deref(), Some("45.00"));
    let bb = row(&b, "aff-b");
    assert_eq!(
        (bb.commission.as_deref(), bb.ecpa.as_deref()),
        (Some("40.00"), Some("40.00"))
    );
    // Totals: 130 / 3 FTDs = 43.333… → 43.33 half-up; micros are of the rounded amount.
    assert_eq!(b.totals.commission.as_deref(), Some("130.00"));
    assert_eq!(b.totals.ecpa.as_deref(), Some("43.33"));
    assert_eq!(b.totals.ecpa_micros.as_deref(), Some("43330000"));
    assert_eq!(b.commission_periods.len(), 1);
    // Nothing happened in December: changes are against zero, with no percentage.
    let ch = b.totals.change.as_ref().unwrap();
    assert_eq!(
        (ch.ftds.previous.as_str(), ch.ftds.change.as_str()),
        ("0", "3")
    );
    assert_eq!(ch.ftds.change_percent, None);
}

#[test]
fn sub_id_country_and_brand_rows_add_up_and_carry_no_commission() {
    let w = world();
    let subs = w.breakdown("2026-01-01", "2026-01-31", Dimension::SubId, Some("aff-a"));
    let keys: Vec<&str> = subs.rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["aff-a/s1", "aff-a/s2"]);
    let s1 = row(&subs, "aff-a/s1");
    assert_eq!(
        (s1.clicks, s1.ftds, s1.deposits.as_str(), s1.ngr.as_str()),
        (1, 1, "100.00", "50.00")
    );
    assert_eq!(
        s1.commission, None,
        "a RevShare line cannot be split by sub-ID exactly"
    );
    // Looking inside aff-a, the totals are aff-a's, commission included.
    let affs = w.breakdown("2026-01-01", "2026-01-31", Dimension::Affiliate, None);
    let a = row(&affs, "aff-a");
    assert_eq!(
        (subs.totals.ftds, &subs.totals.ngr, &subs.totals.commission),
        (a.ftds, &a.ngr, &a.commission)
    );
    let countries = w.breakdown("2026-01-01", "2026-01-31", Dimension::Country, None);
    let keys: Vec<&str> = countries.rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys.len(), 3);
    assert_eq!(row(&countries, "FR").ngr, "-5.00");
    let brands = w.breakdown("2026-01-01", "2026-01-31", Dimension::Brand, None);
    assert_eq!(brands.rows.len(), 1);
    assert_eq!(brands.rows[0].label, "(no brand)");
    assert_eq!(brands.rows[0].ftds, 3);
}

#[test]
fn month_rows_get_their_commission_period_and_day_rows_none() {
    let w = world();
    let m = w.breakdown("2026-01-01", "2026-03-31", Dimension::Month, None);
    let keys: Vec<&str> = m.rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["2026-01", "2026-02", "2026-03"]);
    assert_eq!(row(&m, "2026-01").commission.as_deref(), Some("130.00"));
    assert_eq!(row(&m, "2026-02").commission.as_deref(), Some("40.00"));
    assert_eq!(
        row(&m, "2026-03").commission,
        None,
        "March has no commission period"
    );
    // February against January: FTDs 1 vs 3, NGR 90 vs 75, commission 40 vs 130.
    let feb = row(&m, "2026-02").change.as_ref().unwrap();
    assert_eq!(
        (feb.ftds.change.as_str(), feb.ftds.change_percent.as_deref()),
        ("-2", Some("-66.67"))
    );
    assert_eq!(
        (feb.ngr.change.as_str(), feb.ngr.change_percent.as_deref()),
        ("15.00", Some("20.00"))
    );
    assert_eq!(feb.commission.as_ref().unwrap().change, "-90.00");
    let d = w.breakdown("2026-01-01", "2026-01-31", Dimension::Day, None);
    assert!(d.rows.iter().all(|r| r.commission.is_none()));
    assert!(m.movers_svg.starts_with("<svg"));
}

#[test]
fn period_over_period_compares_the_same_number_of_days_before() {
    let w = world();
    // February (28 days) against 4–31 January, which holds all of January's activity but not its whole
    // commission period.
    let b = w.breakdown("2026-02-01", "2026-02-28", Dimension::Affiliate, None);
    assert_eq!(
        (
            b.previous_period.from.as_str(),
            b.previous_period.to.as_str()
        ),
        ("2026-01-04", "2026-01-31")
    );
    let a = row(&b, "aff-a").change.as_ref().unwrap();
    assert_eq!(
        (a.ftds.change.as_str(), a.ftds.change_percent.as_deref()),
        ("-1", Some("-50.00"))
    );
    assert_eq!(
        (
            a.deposits.change.as_str(),
            a.deposits.change_percent.as_deref()
        ),
        ("-30.00", Some("-25.00"))
    );
    assert_eq!(
        (a.ngr.change.as_str(), a.ngr.change_percent.as_deref()),
        ("45.00", Some("100.00"))
    );
    assert_eq!(
        a.commission, None,
        "January's commission period is not inside 4–31 January"
    );
    // aff-b did nothing in February: it stays as a row, all changes downward.
    let bb = row(&b, "aff-b");
    assert_eq!(bb.ftds, 0);
    assert_eq!(
        bb.change.as_ref().unwrap().ngr.change_percent.as_deref(),
        Some("-100.00")
    );
}

#[test]
fn cohorts_retention_ltv_and_payback_on_a_known_world() {
    let w = world();
    let c = cohorts::build(
        &w.ws,
        &w.program,
        &CohortQuery {
            months: Some(3),
            affiliate: None,
        },
    )
    .unwrap();
    assert_eq!(c.last_month.as_deref(), Some("2026-03"));
    let names: Vec<&str> = c.cohorts.iter().map(|r| r.cohort.as_str()).collect();
    assert_eq!(
        names,
        ["2026-02", "2026-01"],
        "newest first; March registered nobody"
    );
    let jan = &c.cohorts[1];
    assert_eq!(jan.players, 3);
    assert_eq!(
        jan.commission, "120.00",
        "CPA of p1, p2, p3; RevShare is not an acquisition cost"
    );
    let ret: Vec<&str> = jan
        .months
        .iter()
        .map(|m| m.retention_percent.as_str())
        .collect();
    assert_eq!(ret, ["100.00", "33.33", "33.33"]);
    let dep: Vec<&str> = jan
        .months
        .iter()
        .map(|m| m.cumulative_deposits_per_player.as_str())
        .collect();
    assert_eq!(dep, ["50.00", "66.67", "66.67"]);
    let ngr: Vec<&str> = jan
        .months
        .iter()
        .map(|m| m.cumulative_ngr_per_player.as_str())
        .collect();
    assert_eq!(ngr, ["25.00", "45.00", "48.33"]);
    // Cumulative NGR 75 < 120 in January, 135 ≥ 120 in February.
    assert_eq!(jan.payback_month, Some(1));
    let feb = &c.cohorts[0];
    assert_eq!((feb.players, feb.months.len()), (1, 2));
    assert_eq!(
        feb.payback_month, None,
        "30 of NGR has not paid back 40 of CPA"
    );
    // One affiliate's cohorts.
    let b = cohorts::build(
        &w.ws,
        &w.program,
        &CohortQuery {
            months: Some(3),
            affiliate: Some("aff-b".into()),
        },
    )
    .unwrap();
    assert_eq!(b.cohorts.len(), 1);
    assert_eq!(
        (b.cohorts[0].players, b.cohorts[0].commission.as_str()),
        (1, "40.00")
    );
    assert_eq!(b.cohorts[0].payback_month, None);
    assert!(c.ltv_svg.contains("2026-01"));
    let csv = cohorts::to_csv(&c);
    assert_eq!(csv.lines().count(), 1 + 3 + 2);
}

#[test]
fn an_unknown_affiliate_and_bad_months_are_refused() {
    let w = world();
    let e = breakdown::build(
        &w.ws,
        &w.program,
        &BreakdownQuery {
            affiliate: Some("nope".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("nope"), "{e}");
    assert!(cohorts::build(
        &w.ws,
        &w.program,
        &CohortQuery {
            months: Some(0),
            affiliate: None
        }
    )
    .is_err());
}

/// The demo world: the breakdown agrees with the dashboard, sub-IDs and countries add up to their affiliate, and
/// for many periods the days add up to the months.
#[test]
fn demo_breakdown_agrees_with_the_dashboard_and_with_itself() {
    let (_dir, ws) = crate::front_door::demo_workspace(1_790_000_000_000);
    let program = affops_core::programs::resolve(ws.store(), None).unwrap();
    let range = ws
        .store()
        .read(|c| affops_core::programs::data_range(c, program.id))
        .unwrap()
        .unwrap();
    let q = |dim, aff: Option<&str>| BreakdownQuery {
        from: Some(range.from.clone()),
        to: Some(range.to.clone()),
        dimension: dim,
        affiliate: aff.map(str::to_string),
    };
    let dash = dashboard::build(
        &ws,
        &program,
        &DashboardQuery {
            from: Some(range.from.clone()),
            to: Some(range.to.clone()),
        },
    )
    .unwrap();
    let by_aff = breakdown::build(&ws, &program, &q(Dimension::Affiliate, None)).unwrap();
    assert_eq!(
        (
            by_aff.totals.clicks,
            by_aff.totals.registrations,
            by_aff.totals.ftds
        ),
        (
            dash.totals.clicks,
            dash.totals.registrations,
            dash.totals.ftds
        )
    );
    assert!(by_aff.totals.ftds > 0, "the demo has depositors");
    let sum = |b: &breakdown::Breakdown| {
        b.rows.iter().fold((0u32, 0u32, 0u32, 0i64, 0i64), |s, r| {
            (
                s.0 + r.clicks,
                s.1 + r.registrations,
                s.2 + r.ftds,
                s.3 + r.deposits_micros.parse::<i64>().unwrap(),
                s.4 + r.ngr_micros.parse::<i64>().unwrap(),
            )
        })
    };
    let totals = |r: &breakdown::BreakdownRow| {
        (
            r.clicks,
            r.registrations,
            r.ftds,
            r.deposits_micros.parse::<i64>().unwrap(),
            r.ngr_micros.parse::<i64>().unwrap(),
        )
    };
    assert_eq!(sum(&by_aff), totals(&by_aff.totals));
    for a in by_aff.rows.iter().take(3) {
        for dim in [Dimension::SubId, Dimension::Country] {
            let inside = breakdown::build(&ws, &program, &q(dim, Some(&a.key))).unwrap();
            assert_eq!(
                sum(&inside),
                totals(a),
                "{dim:?} rows of {} add up to its row",
                a.key
            );
        }
    }
    // Property: over many periods, days sum to months (and weeks), for every additive column.
    let first = chrono::NaiveDate::parse_from_str(&range.from, "%Y-%m-%d").unwrap();
    let span = (chrono::NaiveDate::parse_from_str(&range.to, "%Y-%m-%d").unwrap() - first)
        .num_days()
        .max(1);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..12 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let a = (seed >> 33) as i64 % span;
        let len = (seed >> 13) as i64 % 70;
        let (from, to) = (
            first + chrono::Duration::days(a),
            first + chrono::Duration::days((a + len).min(span)),
        );
        let pq = |dim| BreakdownQuery {
            from: Some(from.to_string()),
            to: Some(to.to_string()),
            dimension: dim,
            affiliate: None,
        };
        let days = breakdown::build(&ws, &program, &pq(Dimension::Day)).unwrap();
        let months = breakdown::build(&ws, &program, &pq(Dimension::Month)).unwrap();
        let weeks = breakdown::build(&ws, &program, &pq(Dimension::Week)).unwrap();
        assert_eq!(sum(&days), sum(&months), "{from}..{to}");
        assert_eq!(sum(&days), sum(&weeks), "{from}..{to}");
        assert_eq!(totals(&days.totals), totals(&months.totals));
    }
}

/// The coarser rollups the screens read (0029) hold exactly what `rollup_daily` and a scan of the conversions
/// say: per affiliate and day, per country, brand and sub-ID, and the coverage of each affiliate's conversions.
#[test]
fn the_coarse_rollups_equal_rollup_daily_and_the_conversions() {
    let (_dir, ws) = crate::front_door::demo_workspace(1_790_000_000_000);
    let program = affops_core::programs::resolve(ws.store(), None).unwrap();
    dashboard::refresh_rollups(&ws).unwrap();
    let differing = |sql: &str| -> i64 {
        ws.store()
            .read(|c| Ok::<_, StoreError>(c.query_row(sql, [], |r| r.get(0))?))
            .unwrap()
    };
    let funnel = "SELECT program_id, day, affiliate_id, SUM(clicks), SUM(registrations), SUM(ftds),
                         SUM(ftd_amount_micros), SUM(approved_conversions), SUM(deposits_micros), SUM(ngr_micros)
                    FROM rollup_daily GROUP BY program_id, day, affiliate_id";
    let coarse =
        "SELECT program_id, day, affiliate_id, clicks, registrations, ftds, ftd_amount_micros,
                         approved_conversions, deposits_micros, ngr_micros
                    FROM rollup_affiliate_daily WHERE funnel_rows > 0";
    assert!(differing(&format!("SELECT COUNT(*) FROM ({funnel})")) > 100);
    for (a, b) in [(funnel, coarse), (coarse, funnel)] {
        assert_eq!(
            differing(&format!("SELECT COUNT(*) FROM ({a} EXCEPT {b})")),
            0,
            "per affiliate and day"
        );
    }
    let keyed = "SELECT program_id, 'country', day, country, SUM(clicks), SUM(registrations), SUM(ftds),
                        SUM(deposits_micros), SUM(ngr_micros) FROM rollup_daily GROUP BY program_id, day, country
                 UNION ALL
                 SELECT program_id, 'brand', day, CAST(brand_id AS TEXT), SUM(clicks), SUM(registrations), SUM(ftds),
                        SUM(deposits_micros), SUM(ngr_micros) FROM rollup_daily GROUP BY program_id, day, brand_id
                 UNION ALL
                 SELECT program_id, 'sub_id', day, CAST(affiliate_id AS TEXT) || char(31) || sub_id, SUM(clicks),
                        SUM(registrations), SUM(ftds), SUM(deposits_micros), SUM(ngr_micros)
                   FROM rollup_daily GROUP BY program_id, day, affiliate_id, sub_id";
    let stored =
        "SELECT program_id, dim, day, key, clicks, registrations, ftds, deposits_micros, ngr_micros
                    FROM rollup_key_daily";
    for (a, b) in [(keyed, stored), (stored, keyed)] {
        assert_eq!(
            differing(&format!(
                "SELECT COUNT(*) FROM (SELECT * FROM ({a}) EXCEPT SELECT * FROM ({b}))"
            )),
            0,
            "per country, brand and sub-ID"
        );
    }
    let monthly = "SELECT program_id, dim, substr(day, 1, 7), key, SUM(clicks), SUM(registrations), SUM(ftds),
                          SUM(deposits_micros), SUM(ngr_micros)
                     FROM rollup_key_daily GROUP BY program_id, dim, substr(day, 1, 7), key";
    let stored_monthly =
        "SELECT program_id, dim, month, key, clicks, registrations, ftds, deposits_micros,
                                 ngr_micros FROM rollup_key_monthly";
    for (a, b) in [(monthly, stored_monthly), (stored_monthly, monthly)] {
        assert_eq!(
            differing(&format!(
                "SELECT COUNT(*) FROM (SELECT * FROM ({a}) EXCEPT SELECT * FROM ({b}))"
            )),
            0,
            "per country, brand and sub-ID and month"
        );
    }
    // Coverage against a scan of the whole range's conversions, each (click, order) once under its best channel.
    let range = ws
        .store()
        .read(|c| affops_core::programs::data_range(c, program.id))
        .unwrap()
        .unwrap();
    let scanned: Vec<(String, String, i64)> = ws
        .store()
        .read(|c| {
            let mut stmt = c.prepare(
                "WITH r AS (
                     SELECT cv.affiliate_id, cv.arrival,
                            CASE WHEN cv.transaction_id <> '' THEN cv.transaction_id || '|' || cv.order_ref
                                 ELSE 'id:' || cv.id END AS k,
                            CASE cv.arrival WHEN 's2s' THEN 0 WHEN 'pixel' THEN 1 WHEN 'batch' THEN 2 ELSE 3 END AS rank
                       FROM conversions cv WHERE cv.day BETWEEN ?1 AND ?2 AND cv.program_id = ?3),
                 best AS (SELECT r.*, ROW_NUMBER() OVER (PARTITION BY k ORDER BY rank) AS n FROM r)
                 SELECT a.external_id, b.arrival, COUNT(*) FROM best b JOIN affiliates a ON a.id = b.affiliate_id
                  WHERE b.n = 1 GROUP BY a.external_id, b.arrival ORDER BY 1, 2",
            )?;
            let rows = stmt.query_map(params![range.from, range.to, program.id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
            Ok::<_, StoreError>(rows.collect::<Result<_, _>>()?)
        })
        .unwrap();
    let report = affops_core::coverage::report(
        &ws,
        &program,
        &DashboardQuery {
            from: Some(range.from.clone()),
            to: Some(range.to.clone()),
        },
    )
    .unwrap();
    let mut from_report: Vec<(String, String, i64)> = Vec::new();
    for r in &report.rows {
        for (arrival, n) in [
            ("api", r.api),
            ("batch", r.batch),
            ("pixel", r.pixel),
            ("s2s", r.s2s),
        ] {
            if n > 0 {
                from_report.push((r.affiliate_id.clone(), arrival.into(), i64::from(n)));
            }
        }
    }
    from_report.sort();
    assert!(
        scanned.len() > 10,
        "the demo's conversions arrive by several channels"
    );
    assert_eq!(from_report, scanned);
}

/// The ledger's cohort index (written with each entry) holds what expanding the entries' bases gives, and the
/// one-off backfill after the upgrade rebuilds it from the entries alone: the cohort view reads the same.
#[test]
fn the_ledger_cohort_index_equals_the_entries_bases_and_a_backfill_rebuilds_it() {
    let (_dir, ws) = crate::front_door::demo_workspace(1_790_000_000_000);
    let program = affops_core::programs::resolve(ws.store(), None).unwrap();
    let rows = |sql: &str| -> Vec<(i64, String, i64)> {
        ws.store()
            .read(|c| {
                let mut stmt = c.prepare(sql)?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                Ok::<_, StoreError>(rows.collect::<Result<_, _>>()?)
            })
            .unwrap()
    };
    // Every acquisition entry's basis expanded: (entry, registration month, micros), amounts whole micros.
    let expanded = "SELECT e.id, substr(p.day, 1, 7),
                           SUM(CAST(round(CAST(json_extract(j.value, '$.amount') AS TEXT) * 1000000) AS INTEGER))
                      FROM ledger_entries e CROSS JOIN json_each(e.basis, '$.items') j
                      CROSS JOIN players p ON p.program_id = e.program_id
                                          AND p.external_id = json_extract(j.value, '$.subject')
                     WHERE e.line_key IN ('cpa', 'cpl') AND e.kind <> 'status' AND json_valid(e.basis)
                       AND p.affiliate_id = e.affiliate_id
                     GROUP BY e.id, substr(p.day, 1, 7) ORDER BY 1, 2";
    let indexed =
        "SELECT entry_id, cohort_month, amount_micros FROM ledger_cohort_amounts ORDER BY 1, 2";
    let before = rows(indexed);
    assert!(before.len() > 5, "the demo's computed periods pay CPA");
    assert_eq!(before, rows(expanded));
    let q = CohortQuery {
        months: Some(3),
        affiliate: None,
    };
    let view = cohorts::build(&ws, &program, &q).unwrap();
    assert!(view
        .cohorts
        .iter()
        .any(|c| c.commission_micros.parse::<i64>().unwrap() > 0));
    // As a workspace of the last release: entries without their index, and the backfill marker the migration sets.
    ws.store()
        .write::<_, StoreError>(|tx| {
            tx.execute_batch(
                "DELETE FROM ledger_cohort_amounts;
                 INSERT INTO ledger_cohort_backfill (upto) SELECT MAX(id) FROM ledger_entries;",
            )?;
            Ok(())
        })
        .unwrap();
    assert_eq!(cohorts::build(&ws, &program, &q).unwrap(), view);
    assert_eq!(rows(indexed), before);
    assert!(!ws
        .store()
        .read(affops_core::ledger::cohorts::needs_backfill)
        .unwrap());
}

/// The breakdown by country, brand or sub-ID over all affiliates reads whole months from the monthly rollup and the
/// days left over from the daily one: for many periods, starting and ending on any day, each row is what the daily
/// rollup holds for its key in the period (which `rollup_daily` holds: see the test above).
#[test]
fn key_breakdowns_over_months_and_days_equal_the_daily_rollup() {
    use chrono::Datelike;
    let (_dir, ws) = crate::front_door::demo_workspace(1_790_000_000_000);
    let program = affops_core::programs::resolve(ws.store(), None).unwrap();
    dashboard::refresh_rollups(&ws).unwrap();
    // Two more months: the demo's days again one and two months later, in the daily rollup, and the monthly one
    // rebuilt from it (as the refresh keeps it).
    ws.store()
        .write::<_, StoreError>(|tx| {
            tx.execute_batch(
                "INSERT OR IGNORE INTO rollup_key_daily
                   SELECT program_id, dim, date(day, '+' || n.k || ' month'), key, clicks, registrations, ftds,
                          deposits_micros, ngr_micros
                     FROM rollup_key_daily, (SELECT 1 AS k UNION ALL SELECT 2) n;
                 DELETE FROM rollup_key_monthly;
                 INSERT INTO rollup_key_monthly
                   SELECT program_id, dim, substr(day, 1, 7), key, SUM(clicks), SUM(registrations), SUM(ftds),
                          SUM(deposits_micros), SUM(ngr_micros)
                     FROM rollup_key_daily GROUP BY program_id, dim, substr(day, 1, 7), key;",
            )?;
            Ok(())
        })
        .unwrap();
    let (first, last): (String, String) = ws
        .store()
        .read(|c| {
            Ok::<_, StoreError>(c.query_row(
                "SELECT MIN(day), MAX(day) FROM rollup_key_daily WHERE program_id = ?1",
                [program.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    let first = chrono::NaiveDate::parse_from_str(&first, "%Y-%m-%d").unwrap();
    let last = chrono::NaiveDate::parse_from_str(&last, "%Y-%m-%d").unwrap();
    let span = (last - first).num_days();
    assert!(span > 80, "three months of data");
    // Whole months first (a month, and two: the first with its previous period in whole months too), then any.
    let second = (first + chrono::Duration::days(32)).with_day(1).unwrap();
    let second_end = (second + chrono::Duration::days(32))
        .with_day(1)
        .unwrap()
        .pred_opt()
        .unwrap();
    let mut periods = vec![(second, second_end), (second, last), (first, second_end)];
    let mut seed: u64 = 0x51_7cc1_b727_220a;
    for _ in 0..30 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let a = first + chrono::Duration::days((seed >> 33) as i64 % span);
        periods.push((
            a,
            (a + chrono::Duration::days((seed >> 17) as i64 % 75)).min(last),
        ));
    }
    for (round, (a, b)) in periods
        .into_iter()
        .enumerate()
        .flat_map(|(i, p)| [(i * 3, p), (i * 3 + 1, p), (i * 3 + 2, p)])
    {
        let (dim, name, key) = [
            (Dimension::Country, "country", "key"),
            (
                Dimension::SubId,
                "sub_id",
                "(SELECT external_id FROM affiliates WHERE id = CAST(substr(key, 1, instr(key, char(31)) - 1) AS INTEGER))
                 || '/' || substr(key, instr(key, char(31)) + 1)",
            ),
            (
                Dimension::Brand,
                "brand",
                "COALESCE((SELECT code FROM brands WHERE id = CAST(key AS INTEGER)), '')",
            ),
        ][round % 3];
        let got = breakdown::build(
            &ws,
            &program,
            &BreakdownQuery {
                from: Some(a.to_string()),
                to: Some(b.to_string()),
                dimension: dim,
                affiliate: None,
            },
        )
        .unwrap();
        type Sums = std::collections::BTreeMap<String, (u32, u32, u32, i64, i64)>;
        let expected: Sums = ws
            .store()
            .read(|c| {
                let mut stmt = c.prepare(&format!(
                    "SELECT {key}, SUM(clicks), SUM(registrations), SUM(ftds), SUM(deposits_micros), SUM(ngr_micros)
                       FROM rollup_key_daily WHERE program_id = ?1 AND dim = ?2 AND day BETWEEN ?3 AND ?4 GROUP BY 1"
                ))?;
                let rows = stmt.query_map(
                    params![program.id, name, a.to_string(), b.to_string()],
                    |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))),
                )?;
                Ok::<_, StoreError>(rows.collect::<Result<_, _>>()?)
            })
            .unwrap();
        let rows: Sums = got
            .rows
            .iter()
            .filter(|r| expected.contains_key(&r.key) || r.clicks + r.registrations + r.ftds > 0)
            .map(|r| {
                (
                    r.key.clone(),
                    (
                        r.clicks,
                        r.registrations,
                        r.ftds,
                        r.deposits_micros.parse().unwrap(),
                        r.ngr_micros.parse().unwrap(),
                    ),
                )
            })
            .collect();
        assert!(!expected.is_empty(), "{a}..{b} holds data");
        assert_eq!(rows, expected, "{dim:?} {a}..{b}");
    }
}
