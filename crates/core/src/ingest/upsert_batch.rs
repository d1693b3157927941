//! A page of tracker conversions. New conversions are the common case of a sync (a re-sync finds them all known),
//! so they are inserted first, each with one prepared single-row statement and `ON CONFLICT DO NOTHING`, and their
//! first history rows copied from them in one statement; a conversion already stored (or seen twice in the page) takes the row-at-a-time
//! path of [`super::upsert::apply`], which compares and records status changes. The end state is the same as
//! applying the items one by one, in order.

use super::records::ItemResult;
use super::stream::Record;
use super::upsert::{self, upsert_affiliate, Outcome, PageContext};
use crate::store::StoreResult;
use rusqlite::types::ToSql;
use rusqlite::Transaction;
use std::collections::HashSet;

const CONVERSION_COLUMNS: &str = "source_id, program_id, external_id, transaction_id, affiliate_id, player_ref,
    order_ref, event, status, payout_micros, revenue_micros, sale_amount_micros, currency, converted_at_ms, day,
    clicked_at_ms, sub1, sub2, sub3, sub4, sub5, coupon_code, country, ip, is_scrub, arrival, raw_id,
    first_seen_at_ms, updated_at_ms, source_updated_at_ms";
const CONVERSION_PARAMS: usize = 30;

/// What applying one item did: an outcome, or why it is quarantined (the field to blame and the reason).
pub type Applied = Result<Outcome, (Option<String>, String)>;

/// Applies every item of a page, in order; parse errors and unresolved references come back as quarantine reasons.
pub fn apply_page(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    raw_id: i64,
    parsed: &[ItemResult<Record>],
) -> StoreResult<Vec<Applied>> {
    let inserted = insert_new_conversions(tx, ctx, raw_id, parsed)?;
    let mut out = Vec::with_capacity(parsed.len());
    for (i, item) in parsed.iter().enumerate() {
        out.push(match item {
            _ if inserted.contains(&i) => Ok(Outcome::Inserted),
            Err(e) => Err((e.field.clone(), e.reason.clone())),
            Ok(rec) => upsert::apply(tx, ctx, raw_id, rec)?
                .map_err(|u| (u.field.map(str::to_string), u.reason)),
        });
    }
    Ok(out)
}

/// Inserts the page's conversions whose natural key is new, with their first history rows; returns the indices of
/// the items it inserted. A key seen twice in the page is left to the row path after its first occurrence.
/// One prepared single-row statement per table: SQLite runs a multi-row `VALUES … ON CONFLICT` through a
/// temporary table, which measured slower than stepping the same prepared row statement many times.
fn insert_new_conversions(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    raw_id: i64,
    parsed: &[ItemResult<Record>],
) -> StoreResult<HashSet<usize>> {
    let mut seen = HashSet::new();
    let mut inserted = HashSet::new();
    let mut insert = tx.prepare_cached(&format!(
        "INSERT INTO conversions ({CONVERSION_COLUMNS}) VALUES ({})
         ON CONFLICT (source_id, external_id) DO NOTHING",
        vec!["?"; CONVERSION_PARAMS].join(", ")
    ))?;
    // Rowids of a table without AUTOINCREMENT are max + 1 while the max is below 2^63 - 1, and nothing else inserts
    // conversions in this transaction until the loop ends: the page's new conversions are exactly the rows above
    // `before`, and their first history rows are copied from them in one statement.
    let before: i64 = tx
        .prepare_cached("SELECT COALESCE(MAX(id), 0) FROM conversions")?
        .query_row([], |r| r.get(0))?;
    for (i, item) in parsed.iter().enumerate() {
        let Ok(Record::Conversion(c)) = item else {
            continue;
        };
        if !seen.insert(c.external_id.as_str()) {
            continue;
        }
        let (affiliate_id, _) = upsert_affiliate(tx, ctx, &c.affiliate, false)?;
        let day = ctx.day(c.converted_at_ms)?;
        let (status, arrival) = (c.status.as_str(), c.arrival.as_str());
        let params: [&dyn ToSql; CONVERSION_PARAMS] = [
            &ctx.source_id,
            &ctx.program_id,
            &c.external_id,
            &c.transaction_id,
            &affiliate_id,
            &c.player_ref,
            &c.order_ref,
            &c.event,
            &status,
            &c.payout_micros,
            &c.revenue_micros,
            &c.sale_amount_micros,
            &c.currency,
            &c.converted_at_ms,
            &day,
            &c.clicked_at_ms,
            &c.subs[0],
            &c.subs[1],
            &c.subs[2],
            &c.subs[3],
            &c.subs[4],
            &c.coupon_code,
            &c.country,
            &c.ip,
            &c.is_scrub,
            &arrival,
            &raw_id,
            &ctx.now_ms,
            &ctx.now_ms,
            &c.source_updated_at_ms,
        ];
        if insert.execute(params.as_slice())? == 0 {
            continue;
        }
        ctx.mark_dirty(tx, &day)?;
        inserted.insert(i);
    }
    if !inserted.is_empty() {
        tx.prepare_cached(
            "INSERT INTO conversion_status_history (conversion_id, status, payout_micros, observed_at_ms, raw_id,
                                                    source_updated_at_ms)
             SELECT id, status, payout_micros, ?2, raw_id, source_updated_at_ms FROM conversions WHERE id > ?1
             ORDER BY id",
        )?
        .execute(rusqlite::params![before, ctx.now_ms])?;
    }
    Ok(inserted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::records::{
        AffiliateRecord, Arrival, ConversionRecord, ConversionStatus, ItemError,
    };
    use proptest::prelude::*;

    fn conversion(id: u8, status: u8, payout: i64) -> ItemResult<Record> {
        if status == 5 {
            return Err(ItemError::field("status", "unknown status 'paid'"));
        }
        let status_n = status;
        let status = [
            ConversionStatus::Approved,
            ConversionStatus::Pending,
            ConversionStatus::Rejected,
            ConversionStatus::Hold,
            ConversionStatus::Invalid,
        ][usize::from(status)];
        Ok(Record::Conversion(ConversionRecord {
            external_id: format!("c{id}"),
            transaction_id: format!("t{id}"),
            affiliate: AffiliateRecord {
                external_id: format!("{}", id % 3 + 1),
                name: "A".into(),
                status: "active".into(),
                parent_external_id: None,
                email_hash: None,
            },
            status,
            payout_micros: payout,
            revenue_micros: 0,
            sale_amount_micros: 0,
            currency: "EUR".into(),
            converted_at_ms: 1_767_225_600_000 + i64::from(id) * 3_600_000,
            clicked_at_ms: None,
            subs: Default::default(),
            player_ref: String::new(),
            order_ref: String::new(),
            event: String::new(),
            coupon_code: String::new(),
            country: String::new(),
            ip: String::new(),
            is_scrub: false,
            arrival: Arrival::Api,
            // Some items carry the tracker's update time (changes feed), varying with the status so a later page
            // can move it; the batched and the row path must keep the same one.
            source_updated_at_ms: id
                .is_multiple_of(2)
                .then_some(1_767_225_600_000 + i64::from(status_n) * 86_400_000),
        }))
    }

    /// Applies `pages` with `apply` into a fresh store; returns every outcome and the stored state.
    fn run(pages: &[Vec<ItemResult<Record>>], batched: bool) -> (Vec<Applied>, Vec<String>) {
        let (_dir, store) = crate::store::testing::store_with_source();
        let mut outcomes = Vec::new();
        for (n, page) in pages.iter().enumerate() {
            store
                .write::<_, crate::store::StoreError>(|tx| {
                    let ctx =
                        PageContext::new(1, 1, chrono_tz::UTC, 1_000 + n as i64, "conversions");
                    let raw_id = crate::ingest::raw::archive_bytes(
                        tx,
                        &ctx,
                        "p",
                        format!("page {n}").as_bytes(),
                    )?;
                    if batched {
                        outcomes.extend(apply_page(tx, &ctx, raw_id, page)?);
                    } else {
                        for item in page {
                            outcomes.push(match item {
                                Err(e) => Err((e.field.clone(), e.reason.clone())),
                                Ok(rec) => upsert::apply(tx, &ctx, raw_id, rec)?
                                    .map_err(|u| (u.field.map(str::to_string), u.reason)),
                            });
                        }
                    }
                    Ok(())
                })
                .unwrap();
        }
        let state = store
            .read::<_, crate::store::StoreError>(|c| {
                let mut stmt = c.prepare(
                    "SELECT c.external_id, c.status, c.payout_micros, a.external_id, c.day, c.raw_id,
                            c.updated_at_ms || '/' || COALESCE(c.source_updated_at_ms, '-'),
                            (SELECT group_concat(h.status || ':' || h.payout_micros || ':' || h.observed_at_ms
                                                 || ':' || COALESCE(h.source_updated_at_ms, '-')
                                                 || ':' || h.raw_id, ',')
                               FROM (SELECT * FROM conversion_status_history WHERE conversion_id = c.id ORDER BY id) h)
                     FROM conversions c JOIN affiliates a ON a.id = c.affiliate_id ORDER BY c.external_id",
                )?;
                let rows = stmt
                    .query_map([], |r| {
                        Ok(format!(
                            "{} {} {} {} {} {} {} {}",
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, i64>(2)?,
                            r.get::<_, String>(3)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, i64>(5)?,
                            r.get::<_, String>(6)?,
                            r.get::<_, String>(7)?
                        ))
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                let dirty: i64 = c.query_row("SELECT COUNT(*) FROM rollup_dirty", [], |r| r.get(0))?;
                Ok([rows, vec![format!("dirty days {dirty}")]].concat())
            })
            .unwrap();
        (outcomes, state)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// The batched page write ends exactly like applying the items one by one, in order: same outcomes, same
        /// rows, same status histories — with keys repeated inside a page, across pages, across batch boundaries,
        /// and bad items in between.
        #[test]
        fn batched_page_equals_row_by_row(
            pages in proptest::collection::vec(
                proptest::collection::vec((0u8..90, 0u8..6, 0i64..3), 0..160), 1..3),
        ) {
            let pages: Vec<Vec<ItemResult<Record>>> = pages
                .iter()
                .map(|p| p.iter().map(|(id, st, pay)| conversion(*id, *st, pay * 1_000_000)).collect())
                .collect();
            let (batched_out, batched_state) = run(&pages, true);
            let (row_out, row_state) = run(&pages, false);
            prop_assert_eq!(batched_out, row_out);
            prop_assert_eq!(batched_state, row_state);
        }
    }
}
