//! What a decision does to the money: confirming a flag excludes its players (those it names, and the players
//! behind the clicks, accounts, deposits, deals and conversions it names) from commission from then on, as
//! append-only `fraud_exclusions` rows, and recomputes the periods their affiliates have commission in so the
//! reversal is posted as new ledger entries (a closed period's lands in the next open one, naming it). Dismissing
//! a confirmed flag lifts its exclusions with new rows and recomputes the same way. The audit log records what
//! moved per period.

use std::collections::BTreeSet;

use rusqlite::{params, Connection, Transaction};

use super::ItemKind;
use crate::commission::exclusions::{recompute_for, Moved};
use crate::commission::load::ProgramInfo;
use crate::store::{StoreError, StoreResult};

/// The players (players.id) a flag's items lead to: those named, and those behind the clicks, accounts,
/// deposits, deals and conversions named.
pub fn players_of_items(
    conn: &Connection,
    program_id: i64,
    items: &[(ItemKind, String)],
) -> StoreResult<BTreeSet<i64>> {
    let mut out = BTreeSet::new();
    for (kind, r) in items {
        let sql = match kind {
            ItemKind::Player => "SELECT id FROM players WHERE program_id = ?1 AND external_id = ?2",
            ItemKind::Click => "SELECT id FROM players WHERE program_id = ?1 AND click_id = ?2",
            ItemKind::Account => "SELECT player_id FROM forex_accounts WHERE program_id = ?1 AND login = ?2 AND player_id IS NOT NULL",
            ItemKind::Deposit => "SELECT player_id FROM money_movements WHERE program_id = ?1 AND external_id = ?2",
            ItemKind::Deal => "SELECT a.player_id FROM deals d JOIN forex_accounts a ON a.id = d.account_id WHERE d.program_id = ?1 AND d.ticket = ?2 AND a.player_id IS NOT NULL",
            ItemKind::Conversion => "SELECT p.id FROM conversions c JOIN players p ON p.program_id = c.program_id AND (p.external_id = c.player_ref OR p.click_id = c.transaction_id) WHERE c.program_id = ?1 AND c.external_id = ?2",
        };
        let mut stmt = conn.prepare_cached(sql)?;
        for id in stmt.query_map(params![program_id, r], |row| row.get::<_, i64>(0))? {
            out.insert(id?);
        }
    }
    Ok(out)
}

fn program_info(tx: &Transaction<'_>, program_id: i64) -> StoreResult<ProgramInfo> {
    Ok(tx.query_row(
        "SELECT id, name, currency, timezone FROM programs WHERE id = ?1",
        [program_id],
        |r| {
            Ok(ProgramInfo {
                id: r.get(0)?,
                name: r.get(1)?,
                currency: r.get(2)?,
                timezone: r.get(3)?,
            })
        },
    )?)
}

/// Records the flag's exclusions (`excluded` true on confirm, false to lift them), recomputes the affected
/// periods and writes the audit entry naming what moved. Runs inside the decision's transaction.
pub fn set(
    tx: &Transaction<'_>,
    flag_id: i64,
    excluded: bool,
    user: &str,
    now_ms: i64,
) -> StoreResult<Vec<Moved>> {
    let program_id: i64 = tx.query_row(
        "SELECT program_id FROM flags WHERE id = ?1",
        [flag_id],
        |r| r.get(0),
    )?;
    let players = players_of_items(tx, program_id, &super::queue::flag_items(tx, flag_id)?)?;
    let mut affiliates = BTreeSet::new();
    {
        let mut aff = tx.prepare_cached("SELECT affiliate_id FROM players WHERE id = ?1")?;
        let mut ins = tx.prepare_cached(
            "INSERT INTO fraud_exclusions (program_id, flag_id, player_id, excluded, decided_by, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for p in &players {
            ins.execute(params![program_id, flag_id, p, excluded, user, now_ms])?;
            if let Some(a) = aff.query_row([p], |r| r.get::<_, Option<i64>>(0))? {
                affiliates.insert(a);
            }
        }
    }
    let program = program_info(tx, program_id)?;
    let moved = recompute_for(tx, &program, &affiliates, now_ms).map_err(|e| match e {
        crate::commission::CommissionError::Store(s) => s,
        other => StoreError::Invalid(other.to_string()),
    })?;
    let detail = serde_json::json!({
        "players": players.len(),
        "affiliates": affiliates,
        "moved": moved.iter().map(|m| serde_json::json!({
            "period": m.period, "currency": m.currency, "amount_micros": m.amount_micros,
            "amount": crate::money::format_amount(m.amount_micros, &m.currency),
        })).collect::<Vec<_>>(),
    });
    crate::audit::append(
        tx,
        now_ms,
        user,
        if excluded {
            "commission.fraud_reversed"
        } else {
            "commission.fraud_exclusion_lifted"
        },
        "flag",
        &flag_id.to_string(),
        &detail,
    )?;
    Ok(moved)
}
