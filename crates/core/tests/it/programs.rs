//! Choosing the program: a workspace set up like the demo (a casino and a Forex broker) lists both programs with
//! their counts, every program-scoped read honours the name it is given, the default (no name) is unchanged, and
//! the broker's dashboard shows its trading (accounts, opening trades, lots) computed independently from the
//! sandbox world — the desktop's program switcher relies on all of it.

use crate::front_door::console_as;
use crate::sync::{env_with, sync};
use affops_core::api::{DashboardQuery, ErrorCode, PromoCodeRequest, Role};
use affops_core::ops::{self, Console, Ctx};
use affops_sandbox::world::DealEntry;
use affops_sandbox::WorldConfig;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;

fn query() -> DashboardQuery {
    DashboardQuery::default()
}

/// The console's session acting on `program` (none: the default program).
fn on(c: &Console, program: Option<&str>) -> Ctx {
    ops::workspace::select_program(&c.ctx(), program.map(str::to_string)).expect("program");
    c.ctx()
}

#[tokio::test]
async fn each_program_is_listed_and_every_read_honours_the_chosen_one() {
    let e = env_with(WorldConfig {
        forex: true,
        ..WorldConfig::small(41)
    })
    .await;
    sync(&e).await;
    let fx = e.world.forex.as_ref().unwrap();
    let (casino, broker) = (e.world.program.name.as_str(), fx.program.name.as_str());

    // The list: both programs, the casino the default, counts from the world.
    let list = affops_core::programs::list(&e.ws).unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    let c = list.iter().find(|p| p.name == casino).unwrap();
    let b = list.iter().find(|p| p.name == broker).unwrap();
    assert!(
        c.is_default && !b.is_default,
        "the casino stays the default"
    );
    assert_eq!(
        (c.vertical.as_str(), b.vertical.as_str()),
        ("igaming", "forex")
    );
    assert_eq!(b.currency, fx.program.currency);
    assert_eq!(
        b.affiliates as usize,
        fx.ibs.len(),
        "IBs are the broker's affiliates"
    );
    assert_eq!(b.accounts as usize, fx.accounts.len());
    assert_eq!(c.accounts, 0, "a casino has no trading accounts");
    assert!(c.players > 0 && c.data_range.is_some() && b.data_range.is_some());

    let c = console_as(&e.ws, Role::Manager, crate::sync::now_ms(&e.world));
    // Dashboard: no name = the casino exactly as before; the broker's is its own.
    let default = ops::reports::dashboard(&on(&c, None), query()).unwrap();
    let named = ops::reports::dashboard(&on(&c, Some(casino)), query()).unwrap();
    assert_eq!(default.program, casino);
    assert_eq!(
        (default.rows.clone(), default.totals.clone()),
        (named.rows, named.totals)
    );
    assert!(
        default.trading.is_none(),
        "an iGaming dashboard has no trading block"
    );
    let d = ops::reports::dashboard(&on(&c, Some(broker)), query()).unwrap();
    assert_eq!((d.program.as_str(), d.vertical.as_str()), (broker, "forex"));
    assert_eq!(d.currency, fx.program.currency);
    assert_eq!(
        d.period,
        b.data_range.clone().unwrap(),
        "the broker's own data range"
    );
    assert!(d.daily_ftd_svg.contains("Daily opening trades"));

    // Its trading, recomputed from the world: opening trades, lots (cent accounts 1/100) and accounts per IB.
    let acct: BTreeMap<u64, _> = fx.accounts.iter().map(|a| (a.login, a)).collect();
    let mut trades: BTreeMap<String, u32> = BTreeMap::new();
    let mut lots: BTreeMap<String, Decimal> = BTreeMap::new();
    for deal in fx
        .deals
        .iter()
        .filter(|d| !d.symbol.is_empty() && d.entry == DealEntry::In)
    {
        let a = acct[&deal.login];
        let ib = a.ib_id.map(|i| i.to_string()).unwrap_or_default();
        *trades.entry(ib.clone()).or_default() += 1;
        let l = if a.is_cent {
            deal.volume / Decimal::ONE_HUNDRED
        } else {
            deal.volume
        };
        *lots.entry(ib).or_default() += l;
    }
    let round = |v: Decimal| {
        let mut r = v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        r.rescale(2);
        r.to_string()
    };
    let t = d.trading.expect("a Forex dashboard carries its trading");
    assert_eq!(t.trades, trades.values().sum::<u32>());
    assert_eq!(t.lots, round(lots.values().copied().sum()));
    assert_eq!(
        t.accounts_opened as usize,
        fx.accounts.len(),
        "every account opens within the world"
    );
    for r in &t.rows {
        assert_eq!(
            r.trades,
            trades.get(&r.affiliate_id).copied().unwrap_or(0),
            "trades of IB {}",
            r.affiliate_id
        );
        assert_eq!(
            r.lots,
            round(lots.get(&r.affiliate_id).copied().unwrap_or_default()),
            "lots of IB {}",
            r.affiliate_id
        );
    }
    assert!(t.trades > 0 && !t.rows.is_empty(), "the world trades");

    // Coverage: the broker has no tracker conversions; the casino's are all there.
    let cov_b = ops::reports::coverage(&on(&c, Some(broker)), query()).unwrap();
    assert_eq!(cov_b.totals.total, 0);
    let cov_all = ops::reports::coverage(&on(&c, None), query()).unwrap();
    let cov_c = ops::reports::coverage(&on(&c, Some(casino)), query()).unwrap();
    assert_eq!(cov_c.totals.total, cov_all.totals.total);

    // The broker's affiliates are its IBs.
    let page = ops::attribution::list_affiliates(&on(&c, Some(broker)), query()).unwrap();
    assert_eq!(page.rows.len(), fx.ibs.len());

    // Click/btag attribution never runs over a broker's clients (it would unlink them from their IBs).
    let linked = |e: &crate::sync::Env| -> i64 {
        e.ws.store()
            .read::<_, affops_core::store::StoreError>(|c| Ok(c.query_row("SELECT COUNT(*) FROM players p JOIN programs pr ON pr.id = p.program_id WHERE pr.vertical = 'forex' AND p.affiliate_id IS NOT NULL", [], |r| r.get(0))?))
            .unwrap()
    };
    let before = linked(&e);
    let err = ops::attribution::run_attribution(&on(&c, Some(broker))).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("iGaming"), "{}", err.message);
    let promo = PromoCodeRequest {
        code: "FX".into(),
        affiliate: "1".into(),
        ..PromoCodeRequest::default()
    };
    let err = ops::attribution::set_promo_code(&on(&c, Some(broker)), promo).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert_eq!(linked(&e), before);
    assert!(before > 0);
    ops::attribution::run_attribution(&on(&c, Some(casino))).unwrap();

    // An unknown program is a clear error naming the known ones, everywhere.
    let err = ops::workspace::select_program(&c.ctx(), Some("Nope".into())).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(
        err.message.contains("\"Nope\"") && err.message.contains(broker),
        "{}",
        err.message
    );
    assert_eq!(
        c.session().and_then(|s| s.program).as_deref(),
        Some(casino),
        "a refused choice keeps the session's program"
    );
}

/// A program from zero (issue 15): a new workspace holds none, and a file or a source is refused until one exists,
/// naming how to create it; the owner creates a broker and a manager a casino (each becomes the session's program
/// and every import joins it); a viewer is refused; settings that shape stored data are fixed once it holds data,
/// while its name and brands may still change; every change is in the audit log under the person's name.
#[test]
fn a_program_is_created_before_any_data_and_its_shaping_settings_are_fixed_by_data() {
    use crate::front_door::{seed_people, signed_in_console};
    use affops_core::api::{
        EditProgramRequest, ImportRunRequest, ProgramSettings, Progress, Vertical,
    };
    const NOW: i64 = 1_796_385_600_000;
    let dir = tempfile::tempdir().unwrap();
    let ws = affops_core::workspace::Workspace::open(dir.path()).unwrap();
    seed_people(&ws, NOW);
    let (olivia, max, vera) = (
        signed_in_console(&ws, "olivia", NOW),
        signed_in_console(&ws, "max", NOW),
        signed_in_console(&ws, "vera", NOW),
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("clicks.csv");
    std::fs::write(
        &file,
        "click_id,clicked_at,affiliate_id\nc1,2026-10-01 23:30:00,7\nc2,2026-10-02 10:00:00,7\n",
    )
    .unwrap();
    let import = |cx: &Ctx, source: &str| {
        rt.block_on(ops::imports::import_run(
            cx,
            ImportRunRequest {
                path: file.display().to_string(),
                source: source.into(),
                mapping: affops_core::import::parse_pairs(
                    affops_core::api::ImportPreset::Clicks,
                    &[],
                )
                .unwrap(),
                chunk_rows: None,
                tx_rows: None,
            },
            std::sync::Arc::new(|_: Progress| {}),
        ))
    };

    // Nothing to import into yet: refused, naming the way out; nothing invented.
    let e = import(&max.ctx(), "files").unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound, "{}", e.message);
    assert!(e.message.contains("program add"), "{}", e.message);
    assert!(ops::workspace::list_programs(&max.ctx())
        .unwrap()
        .is_empty());

    let settings = |name: &str, vertical, currency: &str, timezone: &str| ProgramSettings {
        name: name.into(),
        vertical,
        currency: currency.into(),
        timezone: timezone.into(),
        brands: vec![],
    };
    // A viewer may not; a bad field is named; the owner and a manager may.
    let refused =
        ops::workspace::add_program(&vera.ctx(), settings("X", Vertical::Igaming, "EUR", "UTC"))
            .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Forbidden);
    assert!(
        refused.message.contains("programs.manage"),
        "{}",
        refused.message
    );
    let bad = ops::workspace::add_program(
        &max.ctx(),
        settings("Casino", Vertical::Igaming, "EUR", "Mars/Olympus"),
    )
    .unwrap_err();
    assert_eq!(bad.code, ErrorCode::InvalidInput);
    assert!(bad.message.starts_with("Time zone"), "{}", bad.message);
    let broker = ops::workspace::add_program(
        &olivia.ctx(),
        settings("Broker", Vertical::Forex, "usd", "Europe/Nicosia"),
    )
    .unwrap();
    assert_eq!(
        (broker.currency.as_str(), broker.settings_fixed),
        ("USD", false)
    );
    let mut casino_settings = settings("Casino", Vertical::Igaming, "EUR", "Europe/Malta");
    casino_settings.brands = vec!["Demo Casino".into(), "Spin Palace".into()];
    let casino = ops::workspace::add_program(&max.ctx(), casino_settings.clone()).unwrap();
    assert_eq!(casino.brands, ["Demo Casino", "Spin Palace"]);
    let dup = ops::workspace::add_program(&max.ctx(), casino_settings.clone()).unwrap_err();
    assert!(dup.message.starts_with("Name"), "{}", dup.message);

    // The import joins the session's program (the casino: max just created it), dated in its zone.
    let run = import(&max.ctx(), "files").unwrap();
    assert_eq!(run.rows_ok, 2);
    let days: Vec<String> = ws
        .store()
        .read::<_, affops_core::store::StoreError>(|c| {
            let mut s = c.prepare("SELECT c.day FROM clicks c JOIN programs p ON p.id = c.program_id WHERE p.name = 'Casino' ORDER BY c.day")?;
            let rows = s.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .unwrap();
    assert_eq!(
        days,
        ["2026-10-02", "2026-10-02"],
        "23:30 UTC is the next day in Malta"
    );
    // The same source on another program is refused rather than misfiled.
    ops::workspace::select_program(&max.ctx(), Some("Broker".into())).unwrap();
    let other = import(&max.ctx(), "files").unwrap_err();
    assert!(
        other.message.contains("feeds the program 'Casino'"),
        "{}",
        other.message
    );

    // Data fixes the zone, vertical and currency; the name and brands still change.
    ops::workspace::select_program(&max.ctx(), Some("Casino".into())).unwrap();
    let edit = |s: ProgramSettings| {
        ops::workspace::edit_program(
            &max.ctx(),
            EditProgramRequest {
                program: "Casino".into(),
                settings: s,
            },
        )
    };
    let mut moved = casino_settings.clone();
    moved.timezone = "UTC".into();
    let e = edit(moved).unwrap_err();
    assert!(
        e.message
            .starts_with("Time zone: cannot change from Europe/Malta to UTC"),
        "{}",
        e.message
    );
    let mut renamed = casino_settings.clone();
    renamed.name = "Malta Casino".into();
    renamed.brands = vec!["Lucky Reels".into()];
    let after = edit(renamed).unwrap();
    assert_eq!(
        (after.name.as_str(), after.settings_fixed),
        ("Malta Casino", true)
    );
    assert_eq!(after.brands, ["Demo Casino", "Lucky Reels", "Spin Palace"]);
    // The empty broker may still change everything.
    let mut b = settings("Broker", Vertical::Forex, "EUR", "Europe/London");
    b.name = "FX Broker".into();
    let changed = ops::workspace::edit_program(
        &olivia.ctx(),
        EditProgramRequest {
            program: "Broker".into(),
            settings: b,
        },
    )
    .unwrap();
    assert_eq!(
        (changed.currency.as_str(), changed.timezone.as_str()),
        ("EUR", "Europe/London")
    );

    let actors: Vec<(String, String)> = ws
        .store()
        .read::<_, affops_core::store::StoreError>(|c| {
            let mut s = c.prepare(
                "SELECT actor, action FROM audit_log WHERE entity = 'program' ORDER BY id",
            )?;
            let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .unwrap();
    let expect = [
        ("olivia", "add_program"),
        ("max", "add_program"),
        ("max", "edit_program"),
        ("olivia", "edit_program"),
    ];
    assert_eq!(actors.len(), expect.len(), "{actors:?}");
    for ((a, op), (ea, eop)) in actors.iter().zip(expect) {
        assert!(a.contains(ea) && op == eop, "{actors:?}");
    }
}

/// Each program's data range is stored by the rollup refresh and read from there: equal to the scan of its
/// clicks, players, conversions and deals; scanned again while days written since wait for the refresh; and
/// stored again by it, a new day included.
#[test]
fn the_stored_data_range_is_the_scans_and_follows_new_days() {
    use affops_core::programs::{data_range, data_range_scan};
    use affops_core::store::StoreError;
    let (_dir, ws) = crate::front_door::demo_workspace(1_790_000_000_000);
    affops_core::dashboard::refresh_rollups(&ws).unwrap();
    let ranges = |ws: &affops_core::workspace::Workspace| {
        ws.store()
            .read(|c| {
                let ids: Vec<i64> = c
                    .prepare("SELECT id FROM programs ORDER BY id")?
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                let stored: i64 =
                    c.query_row("SELECT COUNT(*) FROM program_data_range", [], |r| r.get(0))?;
                let mut out = Vec::new();
                for id in ids {
                    out.push((data_range(c, id)?, data_range_scan(c, id)?));
                }
                Ok::<_, StoreError>((stored, out))
            })
            .unwrap()
    };
    let (stored, before) = ranges(&ws);
    assert_eq!(
        stored as usize,
        before.len(),
        "every program's range is stored"
    );
    for (read, scanned) in &before {
        assert!(scanned.is_some());
        assert_eq!(read, scanned);
    }
    // A click a day after the casino's last: scanned (exact) until the refresh, then stored.
    let casino = affops_core::programs::resolve(ws.store(), None).unwrap();
    let last = before[0].1.clone().unwrap().to;
    let next =
        chrono::NaiveDate::parse_from_str(&last, "%Y-%m-%d").unwrap() + chrono::Duration::days(1);
    let at = next
        .and_hms_opt(12, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis();
    ws.store()
        .write::<_, StoreError>(|tx| {
            tx.execute(
                "INSERT INTO clicks (program_id, click_id, affiliate_id, clicked_at_ms, day)
                 VALUES (?1, 'late-click', (SELECT MIN(id) FROM affiliates WHERE program_id = ?1), ?2, ?3)",
                rusqlite::params![casino.id, at, next.to_string()],
            )?;
            affops_core::rollups::mark_dirty(tx, casino.id, &next.to_string())?;
            Ok(())
        })
        .unwrap();
    let read = |ws: &affops_core::workspace::Workspace| {
        ws.store()
            .read(|c| data_range(c, casino.id))
            .unwrap()
            .unwrap()
            .to
    };
    assert_eq!(
        read(&ws),
        next.to_string(),
        "read by scan while the day is dirty"
    );
    affops_core::dashboard::refresh_rollups(&ws).unwrap();
    let stored_to: String = ws
        .store()
        .read(|c| {
            Ok::<_, StoreError>(c.query_row(
                "SELECT last_day FROM program_data_range WHERE program_id = ?1",
                [casino.id],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(stored_to, next.to_string());
    assert_eq!(read(&ws), next.to_string());
}
