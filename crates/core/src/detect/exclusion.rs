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
use crate::commission::load::Program;
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
            // By the conversion's unique key (source, id) and the players' indexes on external id and click id;
            // the OR of the two player keys as one join would read every player of the program per conversion.
            ItemKind::Conversion => "WITH c AS (SELECT player_ref, transaction_id FROM conversions
                                                WHERE source_id IN (SELECT id FROM sources WHERE program_id = ?1)
                                                  AND external_id = ?2)
                SELECT p.id FROM c CROSS JOIN players p ON p.program_id = ?1 AND p.external_id = c.player_ref
                UNION
                SELECT p.id FROM c CROSS JOIN players p ON p.click_id = c.transaction_id AND p.program_id = ?1
                WHERE c.transaction_id <> ''",
        };
        let mut stmt = conn.prepare_cached(sql)?;
        for id in stmt.query_map(params![program_id, r], |row| row.get::<_, i64>(0))? {
            out.insert(id?);
        }
    }
    Ok(out)
}

fn program_info(tx: &Transaction<'_>, program_id: i64) -> StoreResult<Program> {
    Ok(tx.query_row(
        "SELECT id, name, vertical, currency, timezone FROM programs WHERE id = ?1",
        [program_id],
        |r| {
            Ok(Program {
                id: r.get(0)?,
                name: r.get(1)?,
                vertical: r.get(2)?,
                currency: r.get(3)?,
                timezone: r.get(4)?,
            })
        },
    )?)
}

/// Records the flag's exclusions (`excluded` true on confirm, false to lift them) and recomputes the affected
/// periods; returns what moved, for the decision's audit entry. Runs inside the decision's transaction.
pub fn set(
    tx: &Transaction<'_>,
    flag_id: i64,
    excluded: bool,
    user: &str,
    now_ms: i64,
) -> StoreResult<Vec<Moved>> {
    let (program_id, affiliates) = record(tx, flag_id, excluded, user, now_ms)?;
    recompute(tx, program_id, &affiliates, now_ms)
}

/// The exclusion rows of one flag's players; returns its program and the affiliates whose commission they touch
/// (to [`recompute`] once for many flags).
pub fn record(
    tx: &Transaction<'_>,
    flag_id: i64,
    excluded: bool,
    user: &str,
    now_ms: i64,
) -> StoreResult<(i64, BTreeSet<i64>)> {
    let program_id: i64 = tx.query_row(
        "SELECT program_id FROM flags WHERE id = ?1",
        [flag_id],
        |r| r.get(0),
    )?;
    let players = players_of_items(tx, program_id, &super::queue::flag_items(tx, flag_id)?)?;
    let mut affiliates = BTreeSet::new();
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
    Ok((program_id, affiliates))
}

/// Recomputes the periods the affiliates have commission in, after exclusions changed; returns what moved.
pub fn recompute(
    tx: &Transaction<'_>,
    program_id: i64,
    affiliates: &BTreeSet<i64>,
    now_ms: i64,
) -> StoreResult<Vec<Moved>> {
    if affiliates.is_empty() {
        return Ok(Vec::new());
    }
    let program = program_info(tx, program_id)?;
    recompute_for(tx, &program, affiliates, now_ms).map_err(|e| match e {
        crate::commission::CommissionError::Store(s) => s,
        other => StoreError::Invalid(other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A conversion leads to the player it names and to the player whose click it carries; an empty transaction id
    /// matches no player, and a conversion of another program or an unknown one leads nowhere.
    #[test]
    fn conversions_lead_to_their_players_by_reference_or_click() {
        let (_dir, store) = crate::store::testing::store_with_source();
        store
            .write::<_, crate::store::StoreError>(|tx| {
                tx.execute_batch(
                    "INSERT INTO players (id, program_id, external_id, currency, registered_at_ms, day, click_id)
                     VALUES (1, 1, 'p1', 'EUR', 0, '2026-01-01', 'k1'), (2, 1, 'p2', 'EUR', 0, '2026-01-01', 'k2'),
                            (3, 1, 'p3', 'EUR', 0, '2026-01-01', '');
                     INSERT INTO conversions (source_id, program_id, external_id, transaction_id, player_ref, status,
                                              payout_micros, currency, converted_at_ms, day, arrival,
                                              first_seen_at_ms, updated_at_ms)
                     VALUES (1, 1, 'cvA', 'k2', 'p1', 'approved', 0, 'EUR', 0, '2026-01-01', 'api', 0, 0),
                            (1, 1, 'cvB', '', '', 'approved', 0, 'EUR', 0, '2026-01-01', 'api', 0, 0);",
                )?;
                Ok(())
            })
            .unwrap();
        let players = |program: i64, conv: &str| {
            store
                .read(|c| players_of_items(c, program, &[(ItemKind::Conversion, conv.to_string())]))
                .unwrap()
                .into_iter()
                .collect::<Vec<_>>()
        };
        assert_eq!(players(1, "cvA"), vec![1, 2]);
        assert_eq!(players(1, "cvB"), Vec::<i64>::new());
        assert_eq!(players(1, "nope"), Vec::<i64>::new());
        assert_eq!(players(2, "cvA"), Vec::<i64>::new());
    }
}
