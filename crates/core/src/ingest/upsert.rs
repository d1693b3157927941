//! Writing validated records into the store, idempotently on natural keys. A record seen again changes nothing;
//! a conversion whose status or payout changed is updated and the change appended to its history.

use super::records::{
    affiliate_from_btag, AffiliateRecord, ClickRecord, ConversionRecord, DepositRecord,
    PlayerRecord,
};
use super::stream::Record;
use crate::rollups::{mark_dirty, mark_player_days};
use crate::store::StoreResult;
use crate::time::day_of;
use chrono_tz::Tz;
use rusqlite::{params, OptionalExtension, Transaction};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

/// What writing one record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Inserted,
    Updated,
    Unchanged,
}

/// Everything a page write needs to know about where its records belong.
pub struct PageContext<'a> {
    pub source_id: i64,
    pub program_id: i64,
    pub tz: Tz,
    pub now_ms: i64,
    pub stream: &'a str,
    /// Affiliate ids already resolved in this transaction (external id → row id): most rows of a page share a
    /// handful of affiliates, and a lookup per row would dominate the write.
    affiliates: RefCell<HashMap<String, i64>>,
    /// Days already marked dirty in this transaction.
    dirty_days: RefCell<HashSet<String>>,
    /// The last reporting day computed, with the instants it spans: rows of a page cluster in time.
    last_day: RefCell<Option<(i64, i64, String)>>,
}

impl<'a> PageContext<'a> {
    pub fn new(source_id: i64, program_id: i64, tz: Tz, now_ms: i64, stream: &'a str) -> Self {
        Self {
            source_id,
            program_id,
            tz,
            now_ms,
            stream,
            affiliates: RefCell::default(),
            dirty_days: RefCell::default(),
            last_day: RefCell::default(),
        }
    }

    /// The reporting day of an instant in the program zone, from a one-day cache.
    pub fn day(&self, ms: i64) -> StoreResult<String> {
        if let Some((from, to, d)) = self.last_day.borrow().as_ref() {
            if (*from..*to).contains(&ms) {
                return Ok(d.clone());
            }
        }
        let d =
            day_of(ms, self.tz).map_err(|e| crate::store::StoreError::Invalid(e.to_string()))?;
        let date = crate::time::parse_day(&d)
            .map_err(|e| crate::store::StoreError::Invalid(e.to_string()))?;
        let from = crate::time::day_start_ms(date, self.tz);
        let to = date
            .succ_opt()
            .map_or(i64::MAX, |next| crate::time::day_start_ms(next, self.tz));
        *self.last_day.borrow_mut() = Some((from, to, d.clone()));
        Ok(d)
    }

    pub(super) fn mark_dirty(&self, tx: &Transaction<'_>, day: &str) -> StoreResult<()> {
        if self.dirty_days.borrow_mut().insert(day.to_string()) {
            mark_dirty(tx, self.program_id, day)?;
        }
        Ok(())
    }
}

pub fn quarantine(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    locator: &str,
    field: Option<&str>,
    reason: &str,
    payload: &[u8],
    raw_id: Option<i64>,
) -> StoreResult<()> {
    tx.prepare_cached(
        "INSERT INTO quarantine (source_id, stream, locator, field, reason, payload, raw_id, created_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![ctx.source_id, ctx.stream, locator, field, reason, payload, raw_id, ctx.now_ms])?;
    Ok(())
}

/// Why a valid record still could not be applied (it refers to something the store does not know, or contradicts
/// what it holds), with the field to blame when there is one.
#[derive(Debug)]
pub struct Unresolved {
    pub field: Option<&'static str>,
    pub reason: String,
}

impl Unresolved {
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field: Some(field),
            reason: reason.into(),
        }
    }
}

pub fn apply(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    raw_id: i64,
    rec: &Record,
) -> StoreResult<Result<Outcome, Unresolved>> {
    use super::{upsert_forex as fx, upsert_money as money};
    Ok(Ok(match rec {
        Record::Affiliate(a) => upsert_affiliate(tx, ctx, a, true)?.1,
        Record::Click(c) => upsert_click(tx, ctx, raw_id, c)?,
        Record::Player(p) => upsert_player(tx, ctx, raw_id, p)?,
        Record::Deposit(d) => return upsert_deposit(tx, ctx, raw_id, d),
        Record::Withdrawal(w) => return money::upsert_withdrawal(tx, ctx, raw_id, w),
        Record::Activity(a) => return money::upsert_activity(tx, ctx, raw_id, a),
        Record::Ib(i) => fx::upsert_ib(tx, ctx, i)?,
        Record::Account(a) => return fx::upsert_account(tx, ctx, raw_id, a),
        Record::Symbol(s) => return fx::upsert_symbol(tx, ctx, s),
        Record::Deal(d) => return fx::upsert_deal(tx, ctx, raw_id, d),
        Record::Conversion(c) => upsert_conversion(tx, ctx, raw_id, c)?.1,
    }))
}

/// Finds or creates an affiliate. `authoritative` records (from the affiliates list) may rename it; references
/// embedded in clicks and conversions only create it when missing.
pub(super) fn upsert_affiliate(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    a: &AffiliateRecord,
    authoritative: bool,
) -> StoreResult<(i64, Outcome)> {
    if !authoritative {
        if let Some(id) = ctx.affiliates.borrow().get(&a.external_id) {
            return Ok((*id, Outcome::Unchanged));
        }
    }
    let (id, outcome) = resolve_affiliate(tx, ctx, a, authoritative)?;
    ctx.affiliates
        .borrow_mut()
        .insert(a.external_id.clone(), id);
    Ok((id, outcome))
}

fn resolve_affiliate(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    a: &AffiliateRecord,
    authoritative: bool,
) -> StoreResult<(i64, Outcome)> {
    let existing: Option<(i64, String, String)> = tx
        .prepare_cached(
            "SELECT id, name, status FROM affiliates WHERE program_id = ?1 AND external_id = ?2",
        )?
        .query_row(params![ctx.program_id, a.external_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let parent_id: Option<i64> = match &a.parent_external_id {
        Some(p) if authoritative => tx
            .prepare_cached("SELECT id FROM affiliates WHERE program_id = ?1 AND external_id = ?2")?
            .query_row(params![ctx.program_id, p], |r| r.get(0))
            .optional()?,
        _ => None,
    };
    // Only the authoritative list sets the email hash; it fills or refreshes it, never blanks it.
    let email_hash = if authoritative {
        a.email_hash.as_deref()
    } else {
        None
    };
    match existing {
        Some((id, name, status)) => {
            if authoritative
                && (name != a.name
                    || status != a.status
                    || parent_id.is_some()
                    || email_hash.is_some())
            {
                let n = tx
                    .prepare_cached(
                        "UPDATE affiliates SET name = ?2, status = ?3, parent_id = COALESCE(?4, parent_id),
                                               email_hash = COALESCE(?5, email_hash)
                         WHERE id = ?1 AND (name IS NOT ?2 OR status IS NOT ?3 OR parent_id IS NOT COALESCE(?4, parent_id)
                                            OR email_hash IS NOT COALESCE(?5, email_hash))",
                    )?
                    .execute(params![id, a.name, a.status, parent_id, email_hash])?;
                return Ok((
                    id,
                    if n > 0 {
                        Outcome::Updated
                    } else {
                        Outcome::Unchanged
                    },
                ));
            }
            Ok((id, Outcome::Unchanged))
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO affiliates (program_id, external_id, name, parent_id, status, email_hash, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![ctx.program_id, a.external_id, a.name, parent_id, a.status, email_hash, ctx.now_ms])?;
            Ok((tx.last_insert_rowid(), Outcome::Inserted))
        }
    }
}

fn upsert_click(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    raw_id: i64,
    c: &ClickRecord,
) -> StoreResult<Outcome> {
    let (affiliate_id, _) = upsert_affiliate(tx, ctx, &c.affiliate, false)?;
    let n = tx
        .prepare_cached(
            "INSERT INTO clicks (program_id, click_id, affiliate_id, clicked_at_ms, day, sub1, sub2, sub3, sub4, sub5,
                                 ip, user_agent, country, landing_url, raw_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
             ON CONFLICT (program_id, click_id) DO NOTHING",
        )?
        .execute(params![
            ctx.program_id, c.click_id, affiliate_id, c.clicked_at_ms, ctx.day(c.clicked_at_ms)?,
            c.subs[0], c.subs[1], c.subs[2], c.subs[3], c.subs[4], c.ip, c.user_agent, c.country, c.landing_url, raw_id
        ])?;
    if n == 0 {
        return Ok(Outcome::Unchanged);
    }
    let click_day = ctx.day(c.clicked_at_ms)?;
    ctx.mark_dirty(tx, &click_day)?;
    // A player who registered before their click arrived here was left unattributed; the click settles it.
    let waiting: Vec<i64> = tx
        .prepare_cached("SELECT id FROM players WHERE program_id = ?1 AND click_id = ?2 AND affiliate_id IS NULL")?
        .query_map(params![ctx.program_id, c.click_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for player_id in waiting {
        tx.prepare_cached("UPDATE players SET affiliate_id = ?2 WHERE id = ?1")?
            .execute(params![player_id, affiliate_id])?;
        mark_player_days(tx, ctx.program_id, player_id)?;
    }
    Ok(Outcome::Inserted)
}

/// The affiliate a player's keys point to: the click first, then the btag; `None` is organic.
fn attributed_affiliate(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    p: &PlayerRecord,
) -> StoreResult<Option<i64>> {
    if let Some(click_id) = &p.click_id {
        let via_click: Option<i64> = tx
            .prepare_cached(
                "SELECT affiliate_id FROM clicks WHERE program_id = ?1 AND click_id = ?2",
            )?
            .query_row(params![ctx.program_id, click_id], |r| r.get(0))
            .optional()?;
        if via_click.is_some() {
            return Ok(via_click);
        }
    }
    if let Some(ext) = p.btag.as_deref().and_then(affiliate_from_btag) {
        return Ok(tx
            .prepare_cached("SELECT id FROM affiliates WHERE program_id = ?1 AND external_id = ?2")?
            .query_row(params![ctx.program_id, ext], |r| r.get(0))
            .optional()?);
    }
    Ok(None)
}

fn brand_id(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    code: &str,
    currency: &str,
) -> StoreResult<Option<i64>> {
    if code.is_empty() {
        return Ok(None);
    }
    tx.prepare_cached(
        "INSERT INTO brands (program_id, code, name, currency) VALUES (?1, ?2, ?2, ?3)
         ON CONFLICT (program_id, code) DO NOTHING",
    )?
    .execute(params![ctx.program_id, code, currency])?;
    Ok(Some(
        tx.prepare_cached("SELECT id FROM brands WHERE program_id = ?1 AND code = ?2")?
            .query_row(params![ctx.program_id, code], |r| r.get(0))?,
    ))
}

/// Keeps the operator's GeoIP answer for the geo rule (`ip_countries`, one country per IP). An IP reported with
/// two countries is ambiguous (a shared or re-assigned address) and is stored as unknown (''), as a GeoIP table
/// could not split it; it stays unknown.
fn record_ip_country(tx: &Transaction<'_>, ip: &str, country: &str) -> StoreResult<()> {
    if ip.is_empty() || country.is_empty() {
        return Ok(());
    }
    tx.prepare_cached(
        "INSERT INTO ip_countries (ip, country) VALUES (?1, ?2)
         ON CONFLICT (ip) DO UPDATE SET country = '' WHERE country <> excluded.country",
    )?
    .execute(params![ip, country])?;
    Ok(())
}

pub(crate) fn upsert_player(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    raw_id: i64,
    p: &PlayerRecord,
) -> StoreResult<Outcome> {
    let brand = brand_id(tx, ctx, &p.brand, &p.currency)?;
    let affiliate = attributed_affiliate(tx, ctx, p)?;
    record_ip_country(tx, &p.ip, &p.ip_country)?;
    let day = ctx.day(p.registered_at_ms)?;
    let inserted = tx
        .prepare_cached(
            "INSERT INTO players (program_id, brand_id, external_id, currency, registered_at_ms, day, country,
                                  click_id, btag, promo_code, affiliate_id, raw_id, ip, device_id, email_hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
             ON CONFLICT (program_id, external_id) DO NOTHING",
        )?
        .execute(params![
            ctx.program_id, brand, p.external_id, p.currency, p.registered_at_ms, day, p.country,
            p.click_id, p.btag, p.promo_code, affiliate, raw_id, p.ip, p.device_id, p.email_hash
        ])?;
    if inserted > 0 {
        ctx.mark_dirty(tx, &day)?;
        return Ok(Outcome::Inserted);
    }
    // Known player: refresh descriptive fields; the affiliate is only ever filled in, never changed
    // (the first referrer is kept; no re-attribution). Identity keys are filled in or refreshed, never blanked by
    // a source that does not send them (a CSV without devices must not erase the API's).
    let n = tx
        .prepare_cached(
            "UPDATE players SET country = ?3, currency = ?4, brand_id = ?5, affiliate_id = COALESCE(affiliate_id, ?6),
                                ip = CASE WHEN ?7 = '' THEN ip ELSE ?7 END,
                                device_id = CASE WHEN ?8 = '' THEN device_id ELSE ?8 END,
                                email_hash = COALESCE(?9, email_hash)
             WHERE program_id = ?1 AND external_id = ?2
               AND (country IS NOT ?3 OR currency IS NOT ?4 OR brand_id IS NOT ?5
                    OR (affiliate_id IS NULL AND ?6 IS NOT NULL)
                    OR (?7 <> '' AND ip IS NOT ?7) OR (?8 <> '' AND device_id IS NOT ?8)
                    OR (?9 IS NOT NULL AND email_hash IS NOT ?9))",
        )?
        .execute(params![ctx.program_id, p.external_id, p.country, p.currency, brand, affiliate,
                         p.ip, p.device_id, p.email_hash])?;
    Ok(if n > 0 {
        Outcome::Updated
    } else {
        Outcome::Unchanged
    })
}

pub(crate) fn upsert_deposit(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    raw_id: i64,
    d: &DepositRecord,
) -> StoreResult<Result<Outcome, Unresolved>> {
    let player: Option<i64> = tx
        .prepare_cached("SELECT id FROM players WHERE program_id = ?1 AND external_id = ?2")?
        .query_row(params![ctx.program_id, d.player_external_id], |r| r.get(0))
        .optional()?;
    let Some(player_id) = player else {
        return Ok(Err(Unresolved::new(
            "player_id",
            format!(
                "player '{}' is unknown; sync the operator's players first (the deposit is kept here)",
                d.player_external_id
            ),
        )));
    };
    let n = tx
        .prepare_cached(
            "INSERT INTO money_movements (program_id, external_id, player_id, kind, amount_micros, currency,
                                          occurred_at_ms, day, is_ftd, raw_id, payment_hash)
             VALUES (?1, ?2, ?3, 'deposit', ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (program_id, external_id) DO NOTHING",
        )?
        .execute(params![
            ctx.program_id, d.external_id, player_id, d.amount_micros, d.currency, d.occurred_at_ms,
            ctx.day(d.occurred_at_ms)?, d.is_ftd, raw_id, d.payment_hash
        ])?;
    if n == 0 {
        // Known deposit: only the instrument hash may be filled in (deposits synced before it was sent).
        return super::upsert_money::known_movement(
            tx,
            ctx,
            "deposit",
            &d.external_id,
            d.payment_hash.as_deref(),
        );
    }
    ctx.mark_dirty(tx, &ctx.day(d.occurred_at_ms)?)?;
    Ok(Ok(Outcome::Inserted))
}

/// Inserts a conversion or applies a status/payout change to it; returns its row id with what happened.
/// The postback writer shares it, so S2S and API conversions keep one history format.
pub(crate) fn upsert_conversion(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    raw_id: i64,
    c: &ConversionRecord,
) -> StoreResult<(i64, Outcome)> {
    let (affiliate_id, _) = upsert_affiliate(tx, ctx, &c.affiliate, false)?;
    let status = c.status.as_str();
    let day = ctx.day(c.converted_at_ms)?;
    // New conversions are the common case: insert first, and look the row up only when it already exists.
    let inserted = tx
        .prepare_cached(
            "INSERT INTO conversions (source_id, program_id, external_id, transaction_id, affiliate_id, player_ref,
                 order_ref, event, status, payout_micros, revenue_micros, sale_amount_micros, currency,
                 converted_at_ms, day, clicked_at_ms, sub1, sub2, sub3, sub4, sub5, coupon_code, country, ip,
                 is_scrub, arrival, raw_id, first_seen_at_ms, updated_at_ms, source_updated_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                     ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?28, ?29)
             ON CONFLICT (source_id, external_id) DO NOTHING",
        )?
        .execute(params![
            ctx.source_id, ctx.program_id, c.external_id, c.transaction_id, affiliate_id, c.player_ref,
            c.order_ref, c.event, status, c.payout_micros, c.revenue_micros, c.sale_amount_micros, c.currency,
            c.converted_at_ms, day, c.clicked_at_ms, c.subs[0], c.subs[1], c.subs[2],
            c.subs[3], c.subs[4], c.coupon_code, c.country, c.ip, c.is_scrub, c.arrival.as_str(), raw_id, ctx.now_ms,
            c.source_updated_at_ms
        ])?;
    let seen_before = inserted == 0;
    let conversion_id = if seen_before {
        let (id, old_status, old_payout, old_source_updated): (i64, String, i64, Option<i64>) = tx
            .prepare_cached("SELECT id, status, payout_micros, source_updated_at_ms FROM conversions WHERE source_id = ?1 AND external_id = ?2")?
            .query_row(params![ctx.source_id, c.external_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        // The source's update time only moves forward; a report without one (the plain conversions list) keeps it.
        let source_updated = match (old_source_updated, c.source_updated_at_ms) {
            (Some(old), Some(new)) => Some(old.max(new)),
            (old, new) => new.or(old),
        };
        if old_status == status && old_payout == c.payout_micros {
            if source_updated != old_source_updated {
                // Same state, now with the tracker's own update time (the changes feed's first pass): the time is
                // filled in; the conversion has not changed, so no history row.
                tx.prepare_cached(
                    "UPDATE conversions SET source_updated_at_ms = ?2 WHERE id = ?1",
                )?
                .execute(params![id, source_updated])?;
            }
            return Ok((id, Outcome::Unchanged));
        }
        tx.prepare_cached(
            "UPDATE conversions SET status = ?2, payout_micros = ?3, revenue_micros = ?4, raw_id = ?5, updated_at_ms = ?6,
                    source_updated_at_ms = ?7
             WHERE id = ?1",
        )?
        .execute(params![id, status, c.payout_micros, c.revenue_micros, raw_id, ctx.now_ms, source_updated])?;
        id
    } else {
        tx.last_insert_rowid()
    };
    tx.prepare_cached(
        "INSERT INTO conversion_status_history (conversion_id, status, payout_micros, observed_at_ms, raw_id,
                                                source_updated_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![conversion_id, status, c.payout_micros, ctx.now_ms, raw_id, c.source_updated_at_ms])?;
    ctx.mark_dirty(tx, &day)?;
    Ok((
        conversion_id,
        if seen_before {
            Outcome::Updated
        } else {
            Outcome::Inserted
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The one-day cache never answers a different day than the direct computation, across midnights and DST
        /// changes of a non-UTC zone.
        #[test]
        fn cached_day_equals_direct_day(offsets in proptest::collection::vec(0i64..400 * 86_400_000, 1..60)) {
            let tz = crate::time::parse_zone("Europe/Malta").unwrap();
            let ctx = PageContext::new(1, 1, tz, 0, "t");
            let base = 1_767_225_600_000; // 2026-01-01T00:00:00Z
            for o in offsets {
                let ms = base + o;
                prop_assert_eq!(ctx.day(ms).unwrap(), day_of(ms, tz).unwrap());
            }
        }
    }
}
