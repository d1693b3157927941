//! Affiliates' promo codes (`affiliate_promo_codes`). Neither the tracker's affiliate list nor the operator's
//! player feed says which affiliate owns a code, so codes come from two places:
//! - a manager enters them (`affops-cli attribution promo set`, or the affiliate's contract), `source = manual`;
//! - tracker conversions that carry both a coupon code and an affiliate (Everflow `coupon_code`) teach the
//!   mapping, `source = tracker`; a code seen with two different affiliates is not learned (ambiguous), and a
//!   learned code never replaces an existing one.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::decide::{normalize_promo, AffiliateRef, PromoFact};
use super::AttributionError;
use crate::store::StoreResult;

/// Sets (or replaces) a code's owner and validity, entered by a person; audited.
#[allow(clippy::too_many_arguments)]
pub fn set(
    tx: &Transaction<'_>,
    program_id: i64,
    code: &str,
    affiliate_external_id: &str,
    valid_from: Option<&str>,
    valid_to: Option<&str>,
    now_ms: i64,
) -> Result<(), AttributionError> {
    let code = normalize_promo(code);
    if code.is_empty() {
        return Err(AttributionError::Invalid(
            "promo code: must not be empty".into(),
        ));
    }
    for (field, day) in [("valid_from", valid_from), ("valid_to", valid_to)] {
        if let Some(d) = day {
            if chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err() {
                return Err(AttributionError::Invalid(format!(
                    "{field}: must be a date YYYY-MM-DD, not \"{d}\""
                )));
            }
        }
    }
    if let (Some(f), Some(t)) = (valid_from, valid_to) {
        if f > t {
            return Err(AttributionError::Invalid(format!(
                "valid_to: {t} is before valid_from {f}"
            )));
        }
    }
    let affiliate_id: i64 = tx
        .query_row(
            "SELECT id FROM affiliates WHERE program_id = ?1 AND external_id = ?2",
            params![program_id, affiliate_external_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| {
            AttributionError::NotFound(format!(
                "no affiliate {affiliate_external_id} in this program"
            ))
        })?;
    tx.execute(
        "INSERT INTO affiliate_promo_codes (program_id, code, affiliate_id, valid_from, valid_to, source, created_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, 'manual', ?6)
         ON CONFLICT (program_id, code) DO UPDATE SET affiliate_id = excluded.affiliate_id,
              valid_from = excluded.valid_from, valid_to = excluded.valid_to, source = 'manual'",
        params![program_id, code, affiliate_id, valid_from, valid_to, now_ms],
    )?;
    Ok(())
}

/// Learns codes from tracker conversions (unambiguous ones only); returns how many were added.
pub fn learn_from_conversions(
    tx: &Transaction<'_>,
    program_id: i64,
    now_ms: i64,
) -> StoreResult<u32> {
    let mut seen: HashMap<String, Option<i64>> = HashMap::new();
    {
        let mut stmt = tx.prepare(
            "SELECT DISTINCT coupon_code, affiliate_id FROM conversions
              WHERE program_id = ?1 AND coupon_code <> '' AND affiliate_id IS NOT NULL",
        )?;
        let mut rows = stmt.query([program_id])?;
        while let Some(r) = rows.next()? {
            let code = normalize_promo(&r.get::<_, String>(0)?);
            let aff: i64 = r.get(1)?;
            seen.entry(code)
                .and_modify(|e| {
                    if *e != Some(aff) {
                        *e = None; // two affiliates: ambiguous
                    }
                })
                .or_insert(Some(aff));
        }
    }
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO affiliate_promo_codes (program_id, code, affiliate_id, source, created_at_ms)
         VALUES (?1, ?2, ?3, 'tracker', ?4)",
    )?;
    let mut learned = 0;
    let mut codes: Vec<_> = seen
        .into_iter()
        .filter_map(|(c, a)| a.map(|a| (c, a)))
        .collect();
    codes.sort();
    for (code, aff) in codes {
        learned += insert.execute(params![program_id, code, aff, now_ms])? as u32;
    }
    Ok(learned)
}

/// Every code of the program, keyed by normalized code.
pub fn load(
    conn: &Connection,
    program_id: i64,
    affiliates: &HashMap<i64, AffiliateRef>,
) -> StoreResult<HashMap<String, PromoFact>> {
    let mut stmt = conn.prepare(
        "SELECT code, affiliate_id, valid_from, valid_to FROM affiliate_promo_codes WHERE program_id = ?1",
    )?;
    let mut out = HashMap::new();
    let mut rows = stmt.query([program_id])?;
    while let Some(r) = rows.next()? {
        let aff: i64 = r.get(1)?;
        if let Some(a) = affiliates.get(&aff) {
            out.insert(
                r.get::<_, String>(0)?,
                PromoFact {
                    affiliate: a.clone(),
                    valid_from: r.get(2)?,
                    valid_to: r.get(3)?,
                },
            );
        }
    }
    Ok(out)
}

/// An affiliate's codes, sorted (for the profile).
pub fn codes_of(conn: &Connection, affiliate_id: i64) -> StoreResult<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT code FROM affiliate_promo_codes WHERE affiliate_id = ?1 ORDER BY code",
    )?;
    let codes = stmt
        .query_map([affiliate_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(codes)
}
