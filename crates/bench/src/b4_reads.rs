//! B4 (reads): every read a screen or a read command makes, on a real workspace (the full-scale demo, or one grown
//! to 10 M clicks with `affops-cli import`), through the front door as the demo's people — the same calls the
//! desktop app and the CLI make, without process start and printing. Warm: each read once untimed, then `runs`
//! times; prints the median and p95 (nearest rank).
//!
//! The peer, measured in the same run on the same file: the month's clicks per affiliate counted straight from the
//! clicks table with a plain SQLite connection — what the first dashboard paid before rollups were kept at ingest.
//! The ratio is our p95 / the peer's median; the target is every read under 1 s.
//!
//! Also the open: `Console::open` (migrations checked, the seal read), then what the app reads for its first
//! screen — the programs list and the month's dashboard — "open to first screen" at this size.
//!
//! With `--duckdb`, the peer too: DuckDB (the bench's venv, `crates/bench/peer/setup.sh`) running the
//! dashboard's, the country breakdown's and the cohorts' aggregates over the same workspace's rows (the first
//! iGaming program's clicks, players and deposits), loaded into its own format untimed; ours p95 / DuckDB's p95.

use affops_core::api::{
    ApiError, AuditFilter, BreakdownQuery, CohortQuery, DashboardQuery, Dimension, DisputeFilter,
    FlagFilter, PostbackLogFilter, ReconQuery, SignInRequest, StatementRequest,
};
use affops_core::ops::{self, Console, Ctx};
use anyhow::{anyhow, Context, Result};
use rusqlite::Connection;
use std::path::Path;
use std::time::{Duration, Instant};

type Read = Box<dyn Fn(&Ctx) -> Result<(), ApiError>>;

/// One read: what it is, who asks (a demo person), and the call; or a job, which writes and shows a progress bar
/// in the app and the CLI (held to no read's target).
struct Case {
    label: &'static str,
    user: &'static str,
    read: Read,
    job: bool,
}

fn case(
    label: &'static str,
    user: &'static str,
    read: impl Fn(&Ctx) -> Result<(), ApiError> + 'static,
) -> Case {
    Case {
        label,
        user,
        read: Box::new(read),
        job: false,
    }
}

fn job(
    label: &'static str,
    user: &'static str,
    run: impl Fn(&Ctx) -> Result<(), ApiError> + 'static,
) -> Case {
    Case {
        job: true,
        ..case(label, user, run)
    }
}

/// `YYYY-MM` → its first and last day.
fn month_days(month: &str) -> Result<(String, String)> {
    let first = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .with_context(|| format!("--month '{month}' is not YYYY-MM"))?;
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .ok_or_else(|| anyhow!("--month '{month}' has no next month"))?;
    Ok((
        first.to_string(),
        (next - chrono::Duration::days(1)).to_string(),
    ))
}

fn cases(month: &str, from: &str, to: &str, affiliate: &str) -> Vec<Case> {
    let m = |f: &str, t: &str| DashboardQuery {
        from: Some(f.into()),
        to: Some(t.into()),
    };
    let (mf, mt) = (from.to_string(), to.to_string());
    let by = move |dimension: Dimension, month_only: bool| BreakdownQuery {
        from: month_only.then(|| mf.clone()),
        to: month_only.then(|| mt.clone()),
        dimension,
        affiliate: None,
    };
    let month_q = m(from, to);
    let (period, aff) = (month.to_string(), affiliate.to_string());
    let (p2, p3) = (period.clone(), period.clone());
    let (by2, by3, by4, by5) = (by.clone(), by.clone(), by.clone(), by.clone());
    vec![
        case("programs (the switcher's list)", "olivia", |cx| {
            ops::workspace::list_programs(cx).map(drop)
        }),
        case("dashboard, the month", "olivia", move |cx| {
            ops::reports::dashboard(cx, month_q.clone()).map(drop)
        }),
        case("dashboard, all days", "olivia", |cx| {
            ops::reports::dashboard(cx, DashboardQuery::default()).map(drop)
        }),
        case("breakdown by affiliate, all days", "olivia", move |cx| {
            ops::reports::breakdown(cx, by(Dimension::Affiliate, false)).map(drop)
        }),
        case("breakdown by country, all days", "olivia", move |cx| {
            ops::reports::breakdown(cx, by2(Dimension::Country, false)).map(drop)
        }),
        case("breakdown by country, the month", "olivia", move |cx| {
            ops::reports::breakdown(cx, by4(Dimension::Country, true)).map(drop)
        }),
        case("breakdown by sub-ID, the month", "olivia", move |cx| {
            ops::reports::breakdown(cx, by3(Dimension::SubId, true)).map(drop)
        }),
        case("breakdown by sub-ID, all days", "olivia", move |cx| {
            ops::reports::breakdown(cx, by5(Dimension::SubId, false)).map(drop)
        }),
        case("cohorts", "olivia", |cx| {
            ops::reports::cohorts(cx, CohortQuery::default()).map(drop)
        }),
        case("coverage, all days", "olivia", |cx| {
            ops::reports::coverage(cx, DashboardQuery::default()).map(drop)
        }),
        case("statement of an affiliate", "olivia", move |cx| {
            ops::commission::statement(
                cx,
                StatementRequest {
                    affiliate: aff.clone(),
                    period: p2.clone(),
                },
            )
            .map(drop)
        }),
        case("flags, grouped", "olivia", |cx| {
            ops::detect::flags_groups(cx, FlagFilter::default()).map(drop)
        }),
        case("flags, first page of 200", "olivia", |cx| {
            ops::detect::flags_list(
                cx,
                FlagFilter {
                    limit: Some(200),
                    ..FlagFilter::default()
                },
            )
            .map(drop)
        }),
        case("dispute cases", "olivia", |cx| {
            ops::disputes::disputes_list(cx, DisputeFilter::default()).map(drop)
        }),
        case("postback log, first page", "olivia", |cx| {
            ops::sources::postback_log(
                cx,
                PostbackLogFilter {
                    page: 1,
                    page_size: 100,
                    ..PostbackLogFilter::default()
                },
            )
            .map(drop)
        }),
        case("audit log, first page", "olivia", |cx| {
            ops::audit::audit_list(cx, AuditFilter::default()).map(drop)
        }),
        case(
            "reconciliation, stored month, first page",
            "ana",
            move |cx| {
                ops::reconcile::reconcile_report(
                    cx,
                    ReconQuery {
                        period: p3.clone(),
                        limit: Some(200),
                        ..ReconQuery::default()
                    },
                )
                .map(drop)
            },
        ),
        job(
            "job: reconcile the month (match, store)",
            "ana",
            move |cx| {
                ops::reconcile::reconcile_period(
                    cx,
                    ReconQuery {
                        period: period.clone(),
                        limit: Some(200),
                        ..ReconQuery::default()
                    },
                    std::sync::Arc::new(|_| {}),
                )
                .map(drop)
            },
        ),
    ]
}

fn sign_in(console: &Console, name: &str) -> Result<Ctx> {
    ops::people::sign_in(
        &console.ctx(),
        SignInRequest {
            name: name.into(),
            passphrase: format!("{name}-demo-pass"),
        },
    )
    .map_err(|e| anyhow!("sign in as {name}: {e}"))?;
    Ok(console.ctx())
}

fn stats(mut t: Vec<Duration>) -> (Duration, Duration) {
    t.sort();
    let p95 = t[((t.len() * 95).div_ceil(100)).saturating_sub(1)];
    (t[t.len() / 2], p95)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The peer: the month's clicks per affiliate from the clicks table itself.
fn peer(db: &Path, from: &str, to: &str) -> Result<Duration> {
    let c = Connection::open(db)?;
    let t = Instant::now();
    let mut stmt = c.prepare(
        "SELECT affiliate_id, COUNT(*) FROM clicks WHERE day BETWEEN ?1 AND ?2 GROUP BY affiliate_id",
    )?;
    let rows = stmt
        .query_map([from, to], |r| r.get::<_, i64>(1))?
        .collect::<Result<Vec<_>, _>>()?;
    std::hint::black_box(rows);
    Ok(t.elapsed())
}

/// Our reads beside DuckDB's over the same rows: (our case's label, the peer's kind, from, to).
fn versus_duckdb(
    db: &Path,
    month: (&str, &str),
    runs: usize,
    ours: &[(&'static str, Duration)],
) -> Result<()> {
    let (program, range) = {
        let c = Connection::open(db)?;
        let program: i64 = c.query_row(
            "SELECT id FROM programs WHERE vertical = 'igaming' ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )?;
        let range = affops_core::programs::data_range(&c, program)?
            .ok_or_else(|| anyhow!("the program has no data"))?;
        (program, range)
    };
    let pairs = [
        ("dashboard, the month", "dashboard", month.0, month.1),
        (
            "dashboard, all days",
            "dashboard",
            range.from.as_str(),
            range.to.as_str(),
        ),
        (
            "breakdown by country, all days",
            "country",
            range.from.as_str(),
            range.to.as_str(),
        ),
        ("cohorts", "cohorts", range.from.as_str(), range.to.as_str()),
    ];
    let queries: Vec<crate::b4_query::PeerQuery> = pairs
        .iter()
        .map(|(label, kind, from, to)| crate::b4_query::PeerQuery {
            name: label.to_string(),
            kind,
            from: from.to_string(),
            to: to.to_string(),
        })
        .collect();
    let duck = crate::b4_query::duckdb_peer(db, Some(program), runs, &queries)?;
    println!("  vs DuckDB over the same rows (program {program}), p95:");
    println!(
        "  {:<46} {:>10} {:>10} {:>12}",
        "read", "ours", "DuckDB", "ours / DuckDB"
    );
    for ((label, ..), times) in pairs.iter().zip(duck) {
        let mine = ours
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, d)| *d)
            .ok_or_else(|| anyhow!("no read named {label}"))?;
        let theirs = crate::b4_query::p95(times);
        println!(
            "  {:<46} {:>7.1} ms {:>7.1} ms {:>12.2}",
            label,
            ms(mine),
            ms(theirs),
            mine.as_secs_f64() / theirs.as_secs_f64().max(1e-9)
        );
    }
    Ok(())
}

pub fn run(dir: &Path, month: &str, affiliate: &str, runs: usize, duckdb: bool) -> Result<()> {
    let (from, to) = month_days(month)?;
    let db = dir.join(affops_core::store::DB_FILE);
    let size = std::fs::metadata(&db)
        .with_context(|| format!("no workspace in {}", dir.display()))?
        .len();
    let counts = {
        let c = Connection::open(&db)?;
        let n = |t: &str| -> Result<i64> {
            Ok(c.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))?)
        };
        (
            n("clicks")?,
            n("players")?,
            n("deals")?,
            n("conversions")?,
            n("flags")?,
        )
    };
    println!(
        "B4 reads: {} ({:.2} GB): {} clicks, {} players, {} deals, {} conversions, {} flags; month {month}; {runs} runs each, warm",
        dir.display(),
        size as f64 / 1e9,
        counts.0,
        counts.1,
        counts.2,
        counts.3,
        counts.4
    );
    let mut opens = Vec::new();
    for _ in 0..runs.min(5) {
        let t = Instant::now();
        let console = Console::open(dir).map_err(|e| anyhow!("open: {e}"))?;
        let opened = t.elapsed();
        let cx = sign_in(&console, "olivia")?;
        let s = Instant::now();
        ops::workspace::list_programs(&cx).map_err(|e| anyhow!("programs: {e}"))?;
        ops::reports::dashboard(
            &cx,
            DashboardQuery {
                from: Some(from.clone()),
                to: Some(to.clone()),
            },
        )
        .map_err(|e| anyhow!("dashboard: {e}"))?;
        opens.push((opened, opened + s.elapsed()));
    }
    let (open, _) = stats(opens.iter().map(|o| o.0).collect());
    let (first, _) = stats(opens.iter().map(|o| o.1).collect());
    println!(
        "  open {:.1} ms, open to first screen (the programs list and the month's dashboard; without the sign-in) {:.1} ms",
        ms(open),
        ms(first)
    );

    peer(&db, &from, &to)?;
    let (peer_med, _) = stats(
        (0..runs)
            .map(|_| peer(&db, &from, &to))
            .collect::<Result<_>>()?,
    );
    println!(
        "  peer: the month's clicks per affiliate from the clicks table: {:.1} ms",
        ms(peer_med)
    );
    println!(
        "  {:<46} {:>10} {:>10} {:>12}",
        "read", "median", "p95", "p95 / peer"
    );
    let console = Console::open(dir).map_err(|e| anyhow!("open: {e}"))?;
    let mut worst = Duration::ZERO;
    let mut p95s = Vec::new();
    let mut who = "";
    let mut cx = None;
    for c in cases(month, &from, &to, affiliate) {
        if who != c.user {
            cx = Some(sign_in(&console, c.user)?);
            who = c.user;
        }
        let cx = cx.as_ref().ok_or_else(|| anyhow!("not signed in"))?;
        (c.read)(cx).map_err(|e| anyhow!("{}: {e}", c.label))?;
        let mut t = Vec::with_capacity(runs);
        for _ in 0..runs {
            let s = Instant::now();
            (c.read)(cx).map_err(|e| anyhow!("{}: {e}", c.label))?;
            t.push(s.elapsed());
        }
        let (med, p95) = stats(t);
        if !c.job {
            worst = worst.max(p95);
        }
        p95s.push((c.label, p95));
        println!(
            "  {:<46} {:>7.1} ms {:>7.1} ms {:>11.2}x",
            c.label,
            ms(med),
            ms(p95),
            p95.as_secs_f64() / peer_med.as_secs_f64().max(1e-9)
        );
    }
    println!(
        "  slowest read p95 {:.1} ms (target: every read under 1000 ms; jobs show a progress bar){}",
        ms(worst),
        if worst < Duration::from_secs(1) {
            ""
        } else {
            " — above the target"
        }
    );
    if duckdb {
        versus_duckdb(&db, (&from, &to), runs, &p95s)?;
    }
    Ok(())
}
