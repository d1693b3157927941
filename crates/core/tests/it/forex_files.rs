//! A broker run end to end from files alone, through the front door: a new Forex program, its IBs and sub-IBs,
//! symbols with groups, client accounts and an MT5 Deals report, a per-group rebate plan, the period computed and
//! the statements read. Every bad row of the issue's list is quarantined with its reason; nothing else is lost.

use crate::front_door::{seed_people, signed_in_console};
use affops_core::api::{
    AssignPlanRequest, ImportPreset, ImportRunRequest, ImportRunSummary, PlanFormat, PlanText,
    ProgramSettings, Progress, QuarantineRequest, StatementRequest, Vertical,
};
use affops_core::ops::{self, Ctx};
use std::path::Path;

const NOW: i64 = 1_796_385_600_000;

fn import(
    rt: &tokio::runtime::Runtime,
    cx: &Ctx,
    dir: &Path,
    name: &str,
    body: &str,
    preset: ImportPreset,
) -> ImportRunSummary {
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    rt.block_on(ops::imports::import_run(
        cx,
        ImportRunRequest {
            path: path.display().to_string(),
            source: "broker-files".into(),
            mapping: affops_core::import::parse_pairs(preset, &[]).unwrap(),
            chunk_rows: None,
            tx_rows: None,
        },
        std::sync::Arc::new(|_: Progress| {}),
    ))
    .unwrap_or_else(|e| panic!("{name}: {}", e.message))
}

/// (row, field, reason) of a run's quarantined rows.
fn quarantined(cx: &Ctx, run: &ImportRunSummary) -> Vec<(i64, Option<String>, String)> {
    ops::imports::import_quarantine(
        cx,
        QuarantineRequest {
            run_id: run.id,
            limit: 100,
            ..Default::default()
        },
    )
    .unwrap()
    .rows
    .into_iter()
    .map(|r| (r.row, r.field, r.reason))
    .collect()
}

fn reason_of(q: &[(i64, Option<String>, String)], row: i64) -> String {
    q.iter()
        .find(|(r, _, _)| *r == row)
        .map(|(_, f, why)| format!("{}: {why}", f.clone().unwrap_or_default()))
        .unwrap_or_else(|| panic!("row {row} was not quarantined: {q:?}"))
}

const PLAN: &str = r#"
name = "IB per group"
currency = "USD"
rounding = "half_up"

[[versions]]
effective_from = "2026-10-01"

[[versions.components]]
kind = "ib_rebate"
per_lot = [
  { group = "FX majors", amount_per_lot = "6" },
  { group = "Metals", amount_per_lot = "8.5" },
]
overrides = [{ level = 1, amount_per_lot = "1" }]
"#;

#[test]
fn a_broker_runs_from_files_alone_with_per_group_rebates() {
    let ws_dir = tempfile::tempdir().unwrap();
    let ws = affops_core::workspace::Workspace::open(ws_dir.path()).unwrap();
    seed_people(&ws, NOW);
    let max = signed_in_console(&ws, "max", NOW);
    let cx = max.ctx();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let files = tempfile::tempdir().unwrap();
    let dir = files.path();

    ops::workspace::add_program(
        &cx,
        ProgramSettings {
            name: "Broker".into(),
            vertical: Vertical::Forex,
            currency: "USD".into(),
            timezone: "Europe/Nicosia".into(),
            brands: vec![],
        },
    )
    .unwrap();

    let ibs = import(
        &rt,
        &cx,
        dir,
        "ibs.csv",
        "affiliate_id,name,parent_id,email,country,manager\n\
         100,Alpha Markets,,desk@alpha.example,CY,max\n\
         101,Beta Partners,100,,DE,max\n",
        ImportPreset::Affiliates,
    );
    assert_eq!((ibs.rows_ok, ibs.rows_quarantined), (2, 0));

    // Before the symbols file, a plan naming groups is refused: no symbol is in them.
    let plan = PlanText {
        text: PLAN.into(),
        format: PlanFormat::Toml,
    };
    let early = ops::commission::check_plan(&cx, plan.clone()).unwrap();
    assert!(
        early
            .errors
            .iter()
            .any(|e| e.reason.contains("unknown symbol group 'FX majors'")),
        "{early:?}"
    );

    let symbols = import(
        &rt,
        &cx,
        dir,
        "symbols.csv",
        "Symbol,Contract_Size,Digits,Group\n\
         EURUSD,100000,5,FX majors\n\
         GBPUSD,100000,5,FX majors\n\
         XAUUSD,100,2,Metals\n\
         BTCUSD,0.5,2,Crypto\n\
         US30,1,11,Indices\n",
        ImportPreset::Symbols,
    );
    let q = quarantined(&cx, &symbols);
    assert_eq!((symbols.rows_ok, symbols.rows_quarantined), (3, 2), "{q:?}");
    assert!(
        reason_of(&q, 5).starts_with("Contract_Size: '0.5' is not a positive whole number"),
        "{q:?}"
    );
    assert!(
        reason_of(&q, 6).contains("'11' is not a number of decimal places"),
        "{q:?}"
    );

    let accounts = import(
        &rt,
        &cx,
        dir,
        "accounts.csv",
        "login,ib_id,currency,account_type,group,registered_at,country\n\
         5001,100,USD,standard,real\\std\\USD,2026-10-01 09:00:00,DE\n\
         5002,101,USC,,real\\cent\\USC,2026-10-02 09:00:00,cy\n\
         5003,,USD,standard,real\\std\\USD,2026-10-03 09:00:00,GB\n\
         5004,100,USC,standard,real\\std\\USC,2026-10-03 09:00:00,DE\n\
         5005,999,USD,standard,,2026-10-03 09:00:00,DE\n",
        ImportPreset::Accounts,
    );
    let q = quarantined(&cx, &accounts);
    assert_eq!(
        (accounts.rows_ok, accounts.rows_quarantined),
        (3, 2),
        "{q:?}"
    );
    let cent = reason_of(&q, 5);
    assert!(
        cent.starts_with("account_type: says standard, but its currency USC is a cent currency"),
        "{cent}"
    );
    let unknown_ib = reason_of(&q, 6);
    assert!(
        unknown_ib.contains("IB '999' is unknown; import the affiliates file"),
        "{unknown_ib}"
    );

    // MT5's Deals report as exported: capitalised headers, dotted dates, words for types and directions, a space
    // grouping thousands, extra columns (Order, Comment) ignored.
    let deals = import(
        &rt,
        &cx,
        dir,
        "deals.csv",
        "Time,Deal,Order,Login,Symbol,Type,Direction,Volume,Price,Commission,Swap,Profit,Position,Comment\n\
         2026.10.05 10:00:00,9001,8001,5001,EURUSD,buy,in,1.00,1.07010,-3.50,0.00,0.00,8001,\n\
         2026.10.05 12:00:00,9002,8002,5001,EURUSD,sell,out,1.00,1.07110,-3.50,0.00,100.00,8001,\n\
         2026.10.06 10:00:00,9003,8003,5001,XAUUSD,buy,in,0.50,2650.10,0.00,0.00,0.00,8003,\n\
         2026.10.06 11:00:00,9004,8004,5002,EURUSD,buy,in,10.00,1.07000,0.00,0.00,0.00,8004,\n\
         2026.10.07 10:00:00,9005,,5001,,balance,,,,0.00,0.00,1 000.00,,Deposit\n\
         2026.10.07 11:00:00,9006,8006,5001,USDJPY,buy,in,1.00,151.20,0.00,0.00,0.00,8006,\n\
         2026.10.07 11:30:00,9007,8007,5001,EURUSD,buy,in,100000,1.07000,0.00,0.00,0.00,8007,\n\
         2026.10.07 12:00:00,9001,8001,5001,EURUSD,buy,in,1.00,1.07010,-3.50,0.00,0.00,8001,\n\
         2026.10.04 10:00:00,9008,8008,5001,EURUSD,sell,out,1.00,1.06900,0.00,0.00,0.00,8001,\n\
         2026.10.07 13:00:00,9009,8009,7777,EURUSD,buy,in,1.00,1.07000,0.00,0.00,0.00,8009,\n",
        ImportPreset::Deals,
    );
    let q = quarantined(&cx, &deals);
    assert_eq!((deals.rows_ok, deals.rows_quarantined), (5, 5), "{q:?}");
    assert!(
        reason_of(&q, 7).contains("symbol 'USDJPY' is unknown"),
        "{q:?}"
    );
    assert!(
        reason_of(&q, 7).contains("import the symbols file first"),
        "{q:?}"
    );
    assert!(
        reason_of(&q, 8).starts_with("Volume: 100000 is more than 1000 lots"),
        "{q:?}"
    );
    assert!(
        reason_of(&q, 9).contains("deal: deal 9001 is listed twice in this file (first at row 2)"),
        "{q:?}"
    );
    assert!(
        reason_of(&q, 10).contains("direction: closes position 8001 at 2026-10-04 10:00:00 UTC, before deal 9001 opened it at 2026-10-05 10:00:00 UTC"),
        "{q:?}"
    );
    assert!(
        reason_of(&q, 11).contains("account '7777' is unknown; import the accounts file first"),
        "{q:?}"
    );
    let (balance, cent_volume): (i64, i64) = ws
        .store()
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok((
                c.query_row(
                    "SELECT profit_micros FROM deals WHERE ticket = '9005'",
                    [],
                    |r| r.get(0),
                )?,
                c.query_row(
                    "SELECT volume_micros FROM deals WHERE ticket = '9004'",
                    [],
                    |r| r.get(0),
                )?,
            ))
        })
        .unwrap();
    assert_eq!(balance, 1_000_000_000, "'1 000.00' is a thousand");
    assert_eq!(
        cent_volume,
        10 * 100_000 * 1_000_000,
        "raw lots × contract size; the account is cent"
    );

    // The documented per-group plan now saves; assigned as the program's default.
    let saved = ops::commission::save_plan(&cx, plan).unwrap();
    assert!(saved.errors.is_empty(), "{saved:?}");
    ops::commission::assign_plan(
        &cx,
        AssignPlanRequest {
            plan: "IB per group".into(),
            affiliate: None,
            effective_from: "2026-10-01".into(),
        },
    )
    .unwrap();
    let result = ops::commission::compute_period(&cx, "2026-10".into()).unwrap();
    assert!(result.problems.is_empty(), "{:?}", result.problems);

    let statement = |affiliate: &str| {
        ops::commission::statement(
            &cx,
            StatementRequest {
                affiliate: affiliate.into(),
                period: "2026-10".into(),
            },
        )
        .unwrap()
    };
    // Alpha: its client 5001 opened 1 lot of EURUSD (FX majors, 6) and 0.5 lot of XAUUSD (Metals, 8.5) = 10.25;
    // the closing deal does not count. Its sub-IB Beta's client traded 10 cent lots = 0.1 lot: override 1 × 0.1.
    let alpha = statement("100");
    assert_eq!(alpha.payable, "10.35", "{:#?}", alpha.lines);
    // Beta: 0.1 lot of EURUSD at the FX majors rate.
    let beta = statement("101");
    assert_eq!(beta.payable, "0.60", "{:#?}", beta.lines);
}

mod props {
    use crate::import::{clock, count, preset};
    use affops_core::api::ImportPreset;
    use affops_core::import::{self, ImportOptions};
    use affops_core::store::Store;
    use proptest::prelude::*;
    use std::path::Path;

    /// A Forex program with two IBs, two accounts (one cent) and two symbols.
    fn broker(dir: &Path) -> Store {
        let store = Store::open(dir).unwrap();
        store
            .write::<_, affops_core::store::StoreError>(|tx| {
                tx.execute_batch(
                    "INSERT INTO programs (name, vertical, currency, timezone, created_at_ms)
                         VALUES ('Broker', 'forex', 'USD', 'UTC', 0);",
                )?;
                Ok(())
            })
            .unwrap();
        let file = |name: &str, body: &str, p: ImportPreset| {
            let path = dir.join(name);
            std::fs::write(&path, body).unwrap();
            import::import_file(
                &store,
                &path,
                &ImportOptions::new("files", preset(p), clock()),
            )
            .unwrap();
        };
        file(
            "ibs.csv",
            "affiliate_id,name\n1,One\n2,Two\n",
            ImportPreset::Affiliates,
        );
        file(
            "symbols.csv",
            "symbol,contract_size,group\nEURUSD,100000,FX\nXAUUSD,100,Metals\n",
            ImportPreset::Symbols,
        );
        file(
            "accounts.csv",
            "login,ib_id,currency,registered_at\n10,1,USD,2026-10-01\n11,2,USC,2026-10-01\n",
            ImportPreset::Accounts,
        );
        store
    }

    /// The stored deals: (ticket, login, symbol, volume, position, time).
    fn deals(store: &Store) -> Vec<(String, String, String, i64, String, i64)> {
        store
            .read::<_, affops_core::store::StoreError>(|c| {
                let mut q = c.prepare(
                    "SELECT d.ticket, a.login, d.symbol, d.volume_micros, d.position_id, d.executed_at_ms
                     FROM deals d JOIN forex_accounts a ON a.id = d.account_id ORDER BY d.ticket",
                )?;
                let r = q.query_map([], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
                })?;
                Ok(r.collect::<Result<_, _>>()?)
            })
            .unwrap()
    }

    fn deal_row() -> impl Strategy<Value = String> {
        (
            0u8..12,
            prop_oneof![Just("10"), Just("11"), Just("99")],
            prop_oneof![Just("EURUSD"), Just("XAUUSD"), Just("USDJPY"), Just("")],
            prop_oneof![Just("buy"), Just("sell"), Just("balance"), Just("teleport")],
            prop_oneof![Just("in"), Just("out"), Just(""), Just("out by"), Just("sideways")],
            prop_oneof![Just("1.00"), Just("0.10"), Just(""), Just("100000"), Just("-1"), Just("abc")],
            0u8..4,
            0u32..48,
        )
            .prop_map(|(ticket, login, symbol, kind, dir, volume, position, hour)| {
                let position = if position == 0 { String::new() } else { format!("P{position}") };
                format!(
                    "2026.10.{:02} {:02}:00:00,{ticket},{login},{symbol},{kind},{dir},{volume},1.1,0,0,1 000.50,{position}",
                    1 + hour / 24,
                    hour % 24
                )
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

        /// Any MT5 Deals report (duplicate ids, unknown accounts and symbols, outs before ins, volumes in units,
        /// words that are not types): every row is imported or quarantined; the stored deals never hold an `out`
        /// dated before the `in` of its position; and how the file is cut into chunks changes nothing.
        #[test]
        fn deals_files_are_imported_or_quarantined_the_same_in_any_chunking(rows in proptest::collection::vec(deal_row(), 0..40), chunk in 1usize..9) {
            let mut text = String::from("Time,Deal,Login,Symbol,Type,Direction,Volume,Price,Commission,Swap,Profit,Position\n");
            for r in &rows {
                text.push_str(r);
                text.push('\n');
            }
            let mut stored = Vec::new();
            for chunk_rows in [chunk, 1000] {
                let dir = tempfile::tempdir().unwrap();
                let store = broker(dir.path());
                let path = dir.path().join("deals.csv");
                std::fs::write(&path, &text).unwrap();
                let mut opts = ImportOptions::new("files", preset(ImportPreset::Deals), clock());
                opts.chunk_rows = chunk_rows;
                let s = import::import_file(&store, &path, &opts).unwrap();
                prop_assert_eq!((s.rows_ok + s.rows_quarantined) as usize, rows.len());
                prop_assert_eq!(
                    count(&store, "SELECT COUNT(*) FROM deals o JOIN deals i ON i.program_id = o.program_id
                                   AND i.position_id = o.position_id AND i.entry = 'IN'
                                   WHERE o.entry IN ('OUT', 'OUT_BY') AND o.position_id <> ''
                                     AND o.executed_at_ms < i.executed_at_ms"),
                    0
                );
                prop_assert_eq!(count(&store, "SELECT COUNT(*) FROM deals WHERE volume_micros > 1000 * 100000 * 1000000"), 0);
                stored.push(deals(&store));
            }
            prop_assert_eq!(&stored[0], &stored[1]);
        }

        /// Symbols, accounts and conversions files of arbitrary cells: every row is imported or quarantined, and
        /// the store stays whole.
        #[test]
        fn broker_and_tracker_files_of_any_cells_are_imported_or_quarantined(
            which in 0usize..3,
            cells in proptest::collection::vec(proptest::collection::vec("[A-Za-z0-9 .:/\\\\-]{0,12}", 7..8), 0..30),
        ) {
            let (p, header) = [
                (ImportPreset::Symbols, "symbol,contract_size,digits,group,a,b,c"),
                (ImportPreset::Accounts, "login,ib_id,currency,account_type,group,registered_at,country"),
                (ImportPreset::Conversions, "conversion_id,affiliate_id,converted_at,status,payout,revenue,currency"),
            ][which];
            let mut text = format!("{header}\n");
            for row in &cells {
                text.push_str(&row.join(","));
                text.push('\n');
            }
            let dir = tempfile::tempdir().unwrap();
            let store = broker(dir.path());
            let path = dir.path().join("f.csv");
            std::fs::write(&path, &text).unwrap();
            let mut opts = ImportOptions::new("files", preset(p), clock());
            opts.chunk_rows = 4;
            let s = import::import_file(&store, &path, &opts).unwrap();
            prop_assert_eq!((s.rows_ok + s.rows_quarantined) as usize, cells.len());
            prop_assert_eq!(store.integrity_check().unwrap(), "ok");
        }
    }
}

/// A tracker's conversions delivered as a file land with arrival = batch, and the coverage report counts them as
/// such beside the other arrivals; a bad status or a negative payout is quarantined naming the column.
#[test]
fn a_conversions_file_is_counted_as_batch_in_coverage() {
    let ws_dir = tempfile::tempdir().unwrap();
    let ws = affops_core::workspace::Workspace::open(ws_dir.path()).unwrap();
    seed_people(&ws, NOW);
    let max = signed_in_console(&ws, "max", NOW);
    let cx = max.ctx();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let files = tempfile::tempdir().unwrap();
    ops::workspace::add_program(
        &cx,
        ProgramSettings {
            name: "Casino".into(),
            vertical: Vertical::Igaming,
            currency: "EUR".into(),
            timezone: "Europe/Malta".into(),
            brands: vec![],
        },
    )
    .unwrap();
    let run = import(
        &rt,
        &cx,
        files.path(),
        "conversions.csv",
        "conversion_id,affiliate_id,converted_at,status,payout,revenue,currency,event,click_id\n\
         cv1,7,2026-10-02 10:00:00,approved,50.00,80.00,,ftd,c1\n\
         cv2,7,2026-10-03 10:00:00,pending,50.00,,EUR,ftd,c2\n\
         cv3,8,2026-10-03 11:00:00,approved,25.50,,EUR,ftd,c3\n\
         cv4,8,2026-10-03 12:00:00,maybe,25.50,,EUR,ftd,c4\n\
         cv5,8,2026-10-03 13:00:00,approved,-25.50,,EUR,ftd,c5\n",
        ImportPreset::Conversions,
    );
    let q = quarantined(&cx, &run);
    assert_eq!((run.rows_ok, run.rows_quarantined), (3, 2), "{q:?}");
    assert!(
        reason_of(&q, 5).starts_with("status: unknown status 'maybe'"),
        "{q:?}"
    );
    assert!(reason_of(&q, 6).starts_with("payout: is negative"), "{q:?}");
    let report = ops::reports::coverage(
        &cx,
        affops_core::api::DashboardQuery {
            from: Some("2026-10-01".into()),
            to: Some("2026-10-31".into()),
        },
    )
    .unwrap();
    assert_eq!(
        (
            report.totals.batch,
            report.totals.total,
            report.totals.batch_percent.as_str()
        ),
        (3, 3, "100.00"),
        "{report:?}"
    );
}
