//! B5: compute one month of commission over 1 M player-activity rows and 5 M deals, across every plan kind
//! (CPA with qualification and tiers, tiered RevShare with negative carryover, Hybrid, CPL, Forex IB rebates
//! with spread share, commission share and overrides, sub-affiliate), against the floor of just reading the same
//! rows (the same run, the same store): SQLite `SUM … GROUP BY` over the deals and the activity, and the bare
//! floor of one `SUM` scan of each table.
//!
//! The data is generated straight into a fresh store (one transaction, prepared statements); only the compute is
//! timed. It runs the compute twice: the first posts the ledger entries, the second must post nothing and give
//! the same result hash (M4 at scale).

use affops_core::audit::Stamp;
use affops_core::commission::plan::{file, saved};
use affops_core::store::Store;
use anyhow::{bail, Result};
use rusqlite::params;
use std::time::Instant;

const AFFILIATES: i64 = 1_000;
const DAYS_PER_PLAYER: i64 = 25;
const DEALS_PER_ACCOUNT: i64 = 250;
const SYMBOLS: [(&str, i64, &str); 8] = [
    ("EURUSD", 100_000, "forex"),
    ("GBPUSD", 100_000, "forex"),
    ("USDJPY", 100_000, "forex"),
    ("AUDUSD", 100_000, "forex"),
    ("XAUUSD", 100, "metals"),
    ("US500", 10, "indices"),
    ("Volatility 75", 1, "synthetic"),
    ("Crash 500", 1, "synthetic"),
];

/// The plans, one per kind; affiliate i is on plan i % 6.
const PLANS: [&str; 6] = [
    r#"{"name": "CPA", "currency": "EUR", "versions": [{"effective_from": "2026-01-01", "hold_days": 30, "caps": {"max_qualified_players": 40},
        "components": [{"kind": "cpa", "amount": "50", "geo_amounts": {"DE": "80"}, "qualification": {"min_ftd": "20", "wagering_multiple": "1", "within_days": 30},
        "tiers": {"semantic": "marginal", "tiers": [{"from": "1", "to": "20", "amount": "40"}, {"from": "21", "amount": "60"}]}}]}]}"#,
    r#"{"name": "RevShare", "currency": "EUR", "versions": [{"effective_from": "2026-01-01", "negative_carryover": true, "components": [{"kind": "rev_share", "admin_fee_percent": "5",
        "tiers": {"semantic": "marginal", "tiers": [{"from": "0", "to": "5000", "percent": "25"}, {"from": "5000", "to": "20000", "percent": "30"}, {"from": "20000", "percent": "35"}]}}]}]}"#,
    r#"{"name": "Hybrid", "currency": "EUR", "rounding": "half_even", "versions": [{"effective_from": "2026-01-01", "min_payout": "100", "components": [{"kind": "cpa", "amount": "30", "qualification": {"min_ftd": "10"}},
        {"kind": "rev_share", "tiers": {"semantic": "retroactive", "metric": "active_players", "tiers": [{"from": "0", "to": "30", "percent": "15"}, {"from": "31", "percent": "20"}]}}]}]}"#,
    r#"{"name": "CPL", "currency": "EUR", "versions": [{"effective_from": "2026-01-01", "components": [{"kind": "cpl", "amount": "2", "geo_amounts": {"SE": "5"}},
        {"kind": "rev_share", "tiers": {"semantic": "multi_condition", "tiers": [{"from": "0", "to": "9999", "percent": "10"}, {"from": "10000", "percent": "15", "min_active_players": 20}]}}]}]}"#,
    r#"{"name": "IB", "currency": "USD", "versions": [{"effective_from": "2026-01-01", "hold_days": 7, "components": [{"kind": "ib_rebate",
        "per_lot": [{"group": "forex", "amount_per_lot": "6"}, {"symbol": "XAUUSD", "amount_per_lot": "8.5"}, {"group": "indices", "amount_per_lot": "1.25"}],
        "spread_share": {"percent": "30", "cap_per_lot": "3", "spreads": [{"symbol": "GBPUSD", "spread_per_lot": "13.6"}]},
        "commission_share": [{"group": "synthetic", "percent": "40"}, {"group": "forex", "percent": "30"}],
        "overrides": [{"level": 1, "amount_per_lot": "1"}]}]}]}"#,
    r#"{"name": "Network", "currency": "EUR", "versions": [{"effective_from": "2026-01-01", "components": [{"kind": "rev_share", "percent": "25", "ngr": "ggr - bonuses - chargebacks"},
        {"kind": "sub_affiliate", "basis": "commission", "levels": ["10", "5"]}]}]}"#,
];

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn day(d: i64) -> String {
    format!("2026-10-{:02}", d.clamp(1, 31))
}

/// Generates the world into the store; returns (activity rows, deals).
fn generate(store: &Store, activity_rows: i64, deals: i64) -> Result<(i64, i64)> {
    let players = activity_rows / DAYS_PER_PLAYER;
    let accounts = deals / DEALS_PER_ACCOUNT;
    let _bulk = store.bulk_job();
    store.write::<_, affops_core::store::StoreError>(|tx| {
        tx.execute("INSERT INTO programs (name, vertical, currency, timezone, created_at_ms) VALUES ('B5', 'igaming', 'EUR', 'Europe/Malta', 0)", [])?;
        for (s, c, g) in SYMBOLS {
            tx.execute("INSERT INTO symbols (program_id, symbol, contract_size, symbol_group) VALUES (1, ?1, ?2, ?3)", params![s, c, g])?;
        }
        let mut aff = tx.prepare("INSERT INTO affiliates (id, program_id, external_id, name, parent_id, created_at_ms) VALUES (?1, 1, ?2, ?3, ?4, 0)")?;
        for i in 1..=AFFILIATES {
            let parent = if i % 10 == 0 || i < 10 { None } else { Some(i - i % 10) };
            aff.execute(params![i, format!("A{i}"), format!("Affiliate {i}"), parent])?;
        }
        let mut pl = tx.prepare("INSERT INTO players (id, program_id, external_id, currency, registered_at_ms, day, country, affiliate_id) VALUES (?1, 1, ?2, 'EUR', 0, ?3, ?4, ?5)")?;
        let mut mm = tx.prepare("INSERT INTO money_movements (program_id, external_id, player_id, kind, amount_micros, currency, occurred_at_ms, day, is_ftd) VALUES (1, ?1, ?2, 'deposit', ?3, 'EUR', 0, ?4, ?5)")?;
        let mut act = tx.prepare("INSERT INTO player_activity_daily (player_id, day, currency, deposits_micros, bets_micros, wins_micros, bonuses_micros, chargebacks_micros, fees_micros) VALUES (?1, ?2, 'EUR', ?3, ?4, ?5, ?6, ?7, ?8)")?;
        let countries = ["DE", "SE", "FI", "MT", "GB"];
        for p in 1..=players {
            let r = mix(p as u64);
            let aff = if r.is_multiple_of(10) { None } else { Some(((r >> 8) % AFFILIATES as u64) as i64 + 1) };
            let reg = 1 + (r >> 20) as i64 % 6;
            pl.execute(params![p, format!("P{p}"), day(reg), countries[(r >> 30) as usize % 5], aff])?;
            let ftd = 5 + (r >> 34) as i64 % 200;
            mm.execute(params![format!("D{p}a"), p, ftd * 1_000_000, day(reg + 1), 1])?;
            mm.execute(params![format!("D{p}b"), p, (ftd / 2 + 1) * 1_000_000, day(reg + 9), 0])?;
            for k in 0..DAYS_PER_PLAYER {
                let q = mix(r ^ k as u64);
                let bets = (q % 400_000_000) as i64;
                let wins = ((q >> 29) % 420_000_000) as i64;
                act.execute(params![p, day(reg + 1 + k), if k == 0 { ftd * 1_000_000 } else { 0 }, bets, wins, (q >> 40) as i64 % 3_000_000, 0, (q >> 50) as i64 % 500_000])?;
            }
        }
        let mut acc = tx.prepare("INSERT INTO forex_accounts (id, program_id, login, player_id, currency) VALUES (?1, 1, ?2, ?3, 'USD')")?;
        let mut deal = tx.prepare("INSERT INTO deals (program_id, ticket, account_id, deal_type, entry, symbol, volume_micros, commission_micros, currency, executed_at_ms, day) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, 'USD', 0, ?8)")?;
        let ib_affiliates: Vec<i64> = (1..=AFFILIATES).filter(|i| i % 6 == 4).collect();
        for a in 1..=accounts {
            let r = mix(a as u64 ^ 0xF0F0);
            let pid = players + a;
            let ib = ib_affiliates[(r % ib_affiliates.len() as u64) as usize];
            pl.execute(params![pid, format!("F{a}"), day(1), "DE", ib])?;
            acc.execute(params![a, format!("{}", 500_000 + a), pid])?;
            for k in 0..DEALS_PER_ACCOUNT {
                let q = mix(r ^ (k as u64) << 8);
                let (sym, contract, _) = SYMBOLS[(q % SYMBOLS.len() as u64) as usize];
                let lots_hundredths = 1 + (q >> 8) as i64 % 500;
                let volume = lots_hundredths * contract * 10_000; // lots × contract × 10^6 / 100
                let entry = if k % 2 == 0 { "IN" } else { "OUT" };
                deal.execute(params![format!("T{a}-{k}"), a, if (q >> 20) & 1 == 0 { "BUY" } else { "SELL" }, entry, sym, volume, -lots_hundredths * 35_000, day(1 + (q >> 24) as i64 % 31)])?;
            }
        }
        Ok(())
    })?;
    store.checkpoint()?;
    Ok((players * DAYS_PER_PLAYER, accounts * DEALS_PER_ACCOUNT))
}

/// The peers, over the same rows in the same store: a report query (`SUM … GROUP BY` account, day and symbol for
/// the deals, player for the activity), and the bare floor of reading them (one `SUM` scan of each table).
fn peers(store: &Store) -> Result<(std::time::Duration, std::time::Duration)> {
    let started = Instant::now();
    store.read::<_, affops_core::store::StoreError>(|c| {
        let _: i64 = c.query_row(
            "SELECT COUNT(*) FROM (SELECT account_id, day, symbol, SUM(volume_micros), COUNT(*), SUM(commission_micros)
             FROM deals WHERE program_id = 1 AND day <= '2026-10-31' GROUP BY account_id, day, symbol)",
            [],
            |r| r.get(0),
        )?;
        let _: i64 = c.query_row(
            "SELECT COUNT(*) FROM (SELECT player_id, SUM(bets_micros - wins_micros - bonuses_micros - chargebacks_micros - fees_micros - taxes_micros)
             FROM player_activity_daily WHERE day BETWEEN '2026-10-01' AND '2026-10-31' GROUP BY player_id)",
            [],
            |r| r.get(0),
        )?;
        Ok(())
    })?;
    let group_by = started.elapsed();
    let started = Instant::now();
    store.read::<_, affops_core::store::StoreError>(|c| {
        let _: Option<i64> = c.query_row("SELECT SUM(volume_micros) + SUM(commission_micros) FROM deals WHERE program_id = 1 AND day <= '2026-10-31'", [], |r| r.get(0))?;
        let _: Option<i64> = c.query_row("SELECT SUM(bets_micros - wins_micros) FROM player_activity_daily WHERE day BETWEEN '2026-10-01' AND '2026-10-31'", [], |r| r.get(0))?;
        Ok(())
    })?;
    Ok((group_by, started.elapsed()))
}

pub fn run(activity_rows: i64, deals: i64) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let t = Instant::now();
    let (a, d) = generate(&store, activity_rows, deals)?;
    println!(
        "B5 generated {a} activity rows and {d} deals into a fresh store in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    for (i, json) in PLANS.iter().enumerate() {
        let plan = file::parse(json, file::PlanFormat::Json)
            .map_err(|e| anyhow::anyhow!("plan {i}: {e}"))?;
        store
            .write(|tx| saved::save_plan(tx, 1, &plan, 0).map(|_| ()))
            .map_err(|e| anyhow::anyhow!("plan {i} invalid: {e}"))?;
        let name = plan.name.clone();
        store.write::<_, affops_core::store::StoreError>(|tx| {
            for aff in (1..=AFFILIATES).filter(|a| a % 6 == i as i64) {
                tx.execute("INSERT INTO plan_assignments (program_id, affiliate_id, plan_id, effective_from, created_at_ms) VALUES (1, ?1, (SELECT id FROM plans WHERE name = ?2), '2026-01-01', 0)", params![aff, name])?;
            }
            Ok(())
        })?;
    }
    let (group_by, scan) = peers(&store)?;
    let program = store.read(|c| affops_core::commission::load::program(c, None))?;
    let compute = |now: i64| -> Result<affops_core::api::ComputeResult> {
        let stamp = Stamp::tool("affops-bench", "compute_period", now);
        let o =
            affops_core::commission::compute::compute_period(&store, &program, "2026-10", &stamp)?;
        Ok(affops_core::ops::commission::compute_result(&program, o, 0))
    };
    let t = Instant::now();
    let first = compute(1)?;
    let ours = t.elapsed();
    let t = Instant::now();
    let again = compute(2)?;
    let recompute = t.elapsed();
    if again.result_hash != first.result_hash || again.entries_posted != 0 {
        bail!(
            "recompute differs: {} entries, hash {} vs {}",
            again.entries_posted,
            again.result_hash,
            first.result_hash
        );
    }
    println!(
        "B5 compute 2026-10: {} affiliates, {} lines, {} entries posted, {} problems",
        first.affiliates,
        first.lines,
        first.entries_posted,
        first.problems.len()
    );
    for t in &first.totals {
        println!("    payable {} {}", t.amount, t.currency);
    }
    println!(
        "    ours   {:>8.3} s  (recompute, nothing to post: {:.3} s)",
        ours.as_secs_f64(),
        recompute.as_secs_f64()
    );
    let ratio = |peer: std::time::Duration| ours.as_secs_f64() / peer.as_secs_f64().max(1e-9);
    println!(
        "    peer   {:>8.3} s  SQLite SUM … GROUP BY over the same deals and activity: ours {:.2}×",
        group_by.as_secs_f64(),
        ratio(group_by)
    );
    println!(
        "    floor  {:>8.3} s  one SUM scan of each table: ours {:.2}×",
        scan.as_secs_f64(),
        ratio(scan)
    );
    println!("    result sha256 {}", first.result_hash);
    // Where the time goes: reading the inputs, then the pure engine (the rest of "ours" is posting).
    let prog = store.read::<_, affops_core::store::StoreError>(|c| {
        Ok(affops_core::commission::load::program(c, None))
    })??;
    let t = Instant::now();
    let input = store.read::<_, affops_core::store::StoreError>(|c| {
        Ok(affops_core::commission::load::load_input(
            c,
            &prog,
            None,
            "2026-10-01",
            "2026-10-31",
        ))
    })??;
    let load = t.elapsed();
    let t = Instant::now();
    let out = affops_core::commission::engine::compute(&input);
    println!(
        "    of which: load {:.3} s ({} trading rows), engine {:.3} s ({} lines)",
        load.as_secs_f64(),
        input.trading.len(),
        t.elapsed().as_secs_f64(),
        out.lines.len()
    );
    Ok(())
}
