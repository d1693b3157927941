//! Writing the Forex broker's records, on natural keys: IBs as affiliates of the broker's program, accounts as
//! `forex_accounts` plus one `players` row each (so attribution, commissions and fraud rules see clients like
//! players), symbols with their standard contract sizes, and deals with their volume in base units.

use super::broker::volume_micros;
use super::records::{AccountRecord, DealRecord, IbRecord, SymbolRecord};
use super::upsert::{Outcome, PageContext, Unresolved};
use super::upsert_money::player_id;
use crate::store::StoreResult;
use rusqlite::{params, OptionalExtension, Transaction};

fn affiliate_id(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    external_id: &str,
) -> StoreResult<Option<i64>> {
    Ok(tx
        .prepare_cached("SELECT id FROM affiliates WHERE program_id = ?1 AND external_id = ?2")?
        .query_row(params![ctx.program_id, external_id], |r| r.get(0))
        .optional()?)
}

fn changed(n: usize) -> Outcome {
    if n > 0 {
        Outcome::Updated
    } else {
        Outcome::Unchanged
    }
}

/// The IB list is authoritative for name, master IB and email hash. A master not yet seen is created under its
/// id (and named when its own record arrives), so a sub-IB is linked whatever order the list comes in.
pub(crate) fn upsert_ib(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    ib: &IbRecord,
) -> StoreResult<Outcome> {
    let parent_id = match &ib.parent_external_id {
        None => None,
        Some(p) => Some(match affiliate_id(tx, ctx, p)? {
            Some(id) => id,
            None => {
                tx.prepare_cached(
                    "INSERT INTO affiliates (program_id, external_id, name, status, created_at_ms)
                     VALUES (?1, ?2, ?2, 'active', ?3)",
                )?
                .execute(params![ctx.program_id, p, ctx.now_ms])?;
                tx.last_insert_rowid()
            }
        }),
    };
    let n = tx
        .prepare_cached(
            "INSERT INTO affiliates (program_id, external_id, name, parent_id, status, email_hash, created_at_ms)
             VALUES (?1, ?2, ?3, ?4, 'active', ?5, ?6)
             ON CONFLICT (program_id, external_id) DO NOTHING",
        )?
        .execute(params![ctx.program_id, ib.external_id, ib.name, parent_id, ib.email_hash, ctx.now_ms])?;
    if n == 1 {
        return Ok(Outcome::Inserted);
    }
    let n = tx
        .prepare_cached(
            "UPDATE affiliates SET name = ?3, parent_id = ?4, email_hash = ?5
             WHERE program_id = ?1 AND external_id = ?2
               AND (name IS NOT ?3 OR parent_id IS NOT ?4 OR email_hash IS NOT ?5)",
        )?
        .execute(params![
            ctx.program_id,
            ib.external_id,
            ib.name,
            parent_id,
            ib.email_hash
        ])?;
    Ok(changed(n))
}

/// The client's `players` row: external id = login, attributed to its IB (`None` = direct client, organic). As
/// for casino players, the first referrer is kept: a later IB change does not re-attribute the client.
fn upsert_client(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    raw_id: i64,
    a: &AccountRecord,
    ib: Option<i64>,
) -> StoreResult<(i64, Outcome)> {
    let day = ctx.day(a.registered_at_ms)?;
    let n = tx
        .prepare_cached(
            "INSERT INTO players (program_id, external_id, currency, registered_at_ms, day, country, affiliate_id,
                                  raw_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (program_id, external_id) DO NOTHING",
        )?
        .execute(params![ctx.program_id, a.login, a.currency, a.registered_at_ms, day, a.country, ib, raw_id])?;
    if n == 1 {
        ctx.mark_dirty(tx, &day)?;
        return Ok((tx.last_insert_rowid(), Outcome::Inserted));
    }
    let n = tx
        .prepare_cached(
            "UPDATE players SET currency = ?3, country = ?4, affiliate_id = COALESCE(affiliate_id, ?5)
             WHERE program_id = ?1 AND external_id = ?2
               AND (currency IS NOT ?3 OR country IS NOT ?4 OR (affiliate_id IS NULL AND ?5 IS NOT NULL))",
        )?
        .execute(params![ctx.program_id, a.login, a.currency, a.country, ib])?;
    if n > 0 {
        ctx.mark_dirty(tx, &day)?;
    }
    let id = player_id(tx, ctx, &a.login)?.ok_or_else(|| {
        crate::store::StoreError::Invalid(format!("client '{}' vanished mid-write", a.login))
    })?;
    Ok((id, changed(n)))
}

pub(crate) fn upsert_account(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    raw_id: i64,
    a: &AccountRecord,
) -> StoreResult<Result<Outcome, Unresolved>> {
    let ib = match &a.ib_external_id {
        None => None,
        Some(ext) => match affiliate_id(tx, ctx, ext)? {
            Some(id) => Some(id),
            None => {
                return Ok(Err(Unresolved::new(
                    "ib_id",
                    format!(
                    "IB '{ext}' is unknown; sync the broker's IBs first (the account is kept here)"
                ),
                )))
            }
        },
    };
    let (player, client) = upsert_client(tx, ctx, raw_id, a, ib)?;
    let account_type = if a.is_cent { "cent" } else { "standard" };
    let n = tx
        .prepare_cached(
            "INSERT INTO forex_accounts (program_id, login, player_id, currency, account_type, is_cent, raw_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (program_id, login) DO NOTHING",
        )?
        .execute(params![ctx.program_id, a.login, player, a.currency, account_type, a.is_cent, raw_id])?;
    if n == 1 {
        return Ok(Ok(Outcome::Inserted));
    }
    let n = tx
        .prepare_cached(
            "UPDATE forex_accounts SET player_id = ?3, currency = ?4, account_type = ?5, is_cent = ?6
             WHERE program_id = ?1 AND login = ?2
               AND (player_id IS NOT ?3 OR currency IS NOT ?4 OR account_type IS NOT ?5 OR is_cent IS NOT ?6)",
        )?
        .execute(params![ctx.program_id, a.login, player, a.currency, account_type, a.is_cent])?;
    Ok(Ok(if n > 0 { Outcome::Updated } else { client }))
}

/// A symbol's contract size never changes once stored: deals' volumes were computed with it, so a different size
/// later is refused (quarantined with both sizes) rather than silently re-scaling history.
pub(crate) fn upsert_symbol(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    s: &SymbolRecord,
) -> StoreResult<Result<Outcome, Unresolved>> {
    let n = tx
        .prepare_cached(
            "INSERT INTO symbols (program_id, symbol, contract_size) VALUES (?1, ?2, ?3)
             ON CONFLICT (program_id, symbol) DO NOTHING",
        )?
        .execute(params![ctx.program_id, s.symbol, s.contract_size])?;
    if n == 1 {
        return Ok(Ok(Outcome::Inserted));
    }
    let stored: i64 = tx
        .prepare_cached("SELECT contract_size FROM symbols WHERE program_id = ?1 AND symbol = ?2")?
        .query_row(params![ctx.program_id, s.symbol], |r| r.get(0))?;
    if stored != s.contract_size {
        return Ok(Err(Unresolved::new(
            "contract_size",
            format!(
                "{} changed its contract size from {stored} to {}; stored deals were measured with {stored}",
                s.symbol, s.contract_size
            ),
        )));
    }
    Ok(Ok(Outcome::Unchanged))
}

pub(crate) fn upsert_deal(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    raw_id: i64,
    d: &DealRecord,
) -> StoreResult<Result<Outcome, Unresolved>> {
    let account: Option<(i64, String)> = tx
        .prepare_cached(
            "SELECT id, currency FROM forex_accounts WHERE program_id = ?1 AND login = ?2",
        )?
        .query_row(params![ctx.program_id, d.login], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((account_id, currency)) = account else {
        return Ok(Err(Unresolved::new(
            "login",
            format!(
                "account '{}' is unknown; sync the broker's accounts first (the deal is kept here)",
                d.login
            ),
        )));
    };
    let volume = if d.symbol.is_empty() {
        0
    } else {
        let size: Option<i64> = tx
            .prepare_cached(
                "SELECT contract_size FROM symbols WHERE program_id = ?1 AND symbol = ?2",
            )?
            .query_row(params![ctx.program_id, d.symbol], |r| r.get(0))
            .optional()?;
        let Some(size) = size else {
            return Ok(Err(Unresolved::new(
                "symbol",
                format!(
                    "symbol '{}' is unknown; its contract size is needed to measure the volume",
                    d.symbol
                ),
            )));
        };
        let Some(v) = volume_micros(d.lots_micros, size) else {
            return Ok(Err(Unresolved::new(
                "volume",
                "the volume in base units is too large to store",
            )));
        };
        v
    };
    let day = ctx.day(d.executed_at_ms)?;
    let values = params![
        ctx.program_id,
        d.ticket,
        account_id,
        d.deal_type,
        d.entry,
        d.symbol,
        volume,
        d.price,
        d.commission_micros,
        d.swap_micros,
        d.profit_micros,
        currency,
        d.position_id,
        d.executed_at_ms,
        day,
        raw_id
    ];
    let n = tx
        .prepare_cached(
            "INSERT INTO deals (program_id, ticket, account_id, deal_type, entry, symbol, volume_micros, price,
                                commission_micros, swap_micros, profit_micros, currency, position_id,
                                executed_at_ms, day, raw_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
             ON CONFLICT (program_id, ticket) DO NOTHING",
        )?
        .execute(values)?;
    if n == 1 {
        return Ok(Ok(Outcome::Inserted));
    }
    // MT5 deals are final, but a back-office may correct one (a commission re-booked): the latest report wins.
    let n = tx
        .prepare_cached(
            "UPDATE deals SET account_id = ?3, deal_type = ?4, entry = ?5, symbol = ?6, volume_micros = ?7,
                 price = ?8, commission_micros = ?9, swap_micros = ?10, profit_micros = ?11, currency = ?12,
                 position_id = ?13, executed_at_ms = ?14, day = ?15, raw_id = ?16
             WHERE program_id = ?1 AND ticket = ?2
               AND (account_id IS NOT ?3 OR deal_type IS NOT ?4 OR entry IS NOT ?5 OR symbol IS NOT ?6
                    OR volume_micros IS NOT ?7 OR price IS NOT ?8 OR commission_micros IS NOT ?9
                    OR swap_micros IS NOT ?10 OR profit_micros IS NOT ?11 OR currency IS NOT ?12
                    OR position_id IS NOT ?13 OR executed_at_ms IS NOT ?14)",
        )?
        .execute(values)?;
    Ok(Ok(changed(n)))
}
