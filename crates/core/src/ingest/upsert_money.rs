//! Writing the operator's money side: withdrawals into `money_movements` and daily PnL into
//! `player_activity_daily`, on natural keys. Neither feeds the daily rollups (they count clicks, registrations,
//! FTDs and conversions), so no day is marked dirty here.

use super::records::{ActivityRecord, WithdrawalRecord};
use super::upsert::{Outcome, PageContext, Unresolved};
use crate::store::StoreResult;
use rusqlite::{params, OptionalExtension, Transaction};

/// The row id of a player of the page's program, by the operator's player id.
pub(super) fn player_id(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    external_id: &str,
) -> StoreResult<Option<i64>> {
    Ok(tx
        .prepare_cached("SELECT id FROM players WHERE program_id = ?1 AND external_id = ?2")?
        .query_row(params![ctx.program_id, external_id], |r| r.get(0))
        .optional()?)
}

fn unknown_player(what: &str, player: &str) -> Unresolved {
    Unresolved::new(
        "player_id",
        format!("player '{player}' is unknown; sync the operator's players first (the {what} is kept here)"),
    )
}

/// A movement whose natural key is already stored: the same kind may get its payment hash filled in or
/// corrected; another kind under the same id is a collision of the operator's id spaces, refused rather than
/// silently merged.
pub(super) fn known_movement(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    kind: &str,
    external_id: &str,
    payment_hash: Option<&str>,
) -> StoreResult<Result<Outcome, Unresolved>> {
    let (stored_kind, stored_hash): (String, Option<String>) = tx
        .prepare_cached(
            "SELECT kind, payment_hash FROM money_movements WHERE program_id = ?1 AND external_id = ?2",
        )?
        .query_row(params![ctx.program_id, external_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    if stored_kind != kind {
        return Ok(Err(Unresolved::new(
            if kind == "deposit" { "deposit_id" } else { "withdrawal_id" },
            format!("id '{external_id}' is already a {stored_kind} of this program; the {kind} is kept here"),
        )));
    }
    match payment_hash {
        Some(h) if stored_hash.as_deref() != Some(h) => {
            tx.prepare_cached(
                "UPDATE money_movements SET payment_hash = ?3 WHERE program_id = ?1 AND external_id = ?2",
            )?
            .execute(params![ctx.program_id, external_id, h])?;
            Ok(Ok(Outcome::Updated))
        }
        _ => Ok(Ok(Outcome::Unchanged)),
    }
}

pub(super) fn upsert_withdrawal(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    raw_id: i64,
    w: &WithdrawalRecord,
) -> StoreResult<Result<Outcome, Unresolved>> {
    let Some(player_id) = player_id(tx, ctx, &w.player_external_id)? else {
        return Ok(Err(unknown_player("withdrawal", &w.player_external_id)));
    };
    let n = tx
        .prepare_cached(
            "INSERT INTO money_movements (program_id, external_id, player_id, kind, amount_micros, currency,
                                          occurred_at_ms, day, is_ftd, raw_id, payment_hash)
             VALUES (?1, ?2, ?3, 'withdrawal', ?4, ?5, ?6, ?7, 0, ?8, ?9)
             ON CONFLICT (program_id, external_id) DO NOTHING",
        )?
        .execute(params![
            ctx.program_id, w.external_id, player_id, w.amount_micros, w.currency, w.occurred_at_ms,
            ctx.day(w.occurred_at_ms)?, raw_id, w.payment_hash
        ])?;
    if n == 1 {
        return Ok(Ok(Outcome::Inserted));
    }
    known_movement(
        tx,
        ctx,
        "withdrawal",
        &w.external_id,
        w.payment_hash.as_deref(),
    )
}

/// One row per player and operator day. An operator may restate a day (late bets settled, a chargeback): the
/// latest report of the day wins; the raw archive keeps every version.
pub(super) fn upsert_activity(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    raw_id: i64,
    a: &ActivityRecord,
) -> StoreResult<Result<Outcome, Unresolved>> {
    let Some(player_id) = player_id(tx, ctx, &a.player_external_id)? else {
        return Ok(Err(unknown_player("activity", &a.player_external_id)));
    };
    let values = params![
        player_id,
        a.day,
        a.currency,
        a.deposits_micros,
        a.withdrawals_micros,
        a.bets_micros,
        a.wins_micros,
        a.bonuses_micros,
        a.chargebacks_micros,
        a.adjustments_micros,
        a.fees_micros,
        a.taxes_micros,
        raw_id
    ];
    let n = tx
        .prepare_cached(
            "INSERT INTO player_activity_daily (player_id, day, currency, deposits_micros, withdrawals_micros,
                 bets_micros, wins_micros, bonuses_micros, chargebacks_micros, adjustments_micros, fees_micros,
                 taxes_micros, raw_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             ON CONFLICT (player_id, day) DO NOTHING",
        )?
        .execute(values)?;
    if n == 1 {
        // Deposits and NGR per day and the cohort months are rolled up from activity (see `rollups`).
        ctx.mark_dirty(tx, &a.day)?;
        return Ok(Ok(Outcome::Inserted));
    }
    let n = tx
        .prepare_cached(
            "UPDATE player_activity_daily SET currency = ?3, deposits_micros = ?4, withdrawals_micros = ?5,
                 bets_micros = ?6, wins_micros = ?7, bonuses_micros = ?8, chargebacks_micros = ?9,
                 adjustments_micros = ?10, fees_micros = ?11, taxes_micros = ?12, raw_id = ?13
             WHERE player_id = ?1 AND day = ?2
               AND (currency IS NOT ?3 OR deposits_micros IS NOT ?4 OR withdrawals_micros IS NOT ?5
                    OR bets_micros IS NOT ?6 OR wins_micros IS NOT ?7 OR bonuses_micros IS NOT ?8
                    OR chargebacks_micros IS NOT ?9 OR adjustments_micros IS NOT ?10 OR fees_micros IS NOT ?11
                    OR taxes_micros IS NOT ?12)",
        )?
        .execute(values)?;
    if n > 0 {
        ctx.mark_dirty(tx, &a.day)?;
    }
    Ok(Ok(if n > 0 {
        Outcome::Updated
    } else {
        Outcome::Unchanged
    }))
}
