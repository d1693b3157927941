//! The multi-touch report (analysis only, never payout): every FTD of the period in the program currency is a
//! conversion worth its deposit amount; its touches are the ones stored with the player's decision (the carried
//! click inside the post-click window, plus clicks from the same IP and user agent before registration). Each
//! model splits the value over the touches in exact micros; credit is summed per affiliate and shown next to
//! what the payout attribution (the stored decision) gives the same affiliate.

use std::collections::BTreeMap;

use rusqlite::{params, Connection};

use super::multitouch::{split, weights};
use super::AttributionError;
use crate::attribution::types::{Explanation, MultiTouchReport, MultiTouchRow, TouchModel};
use crate::money::format_amount;
use crate::time::Period;

/// Longest accepted half-life, in hours (a year).
pub const HALF_LIFE_HOURS_MAX: u32 = 8_760;

/// The calendar month `YYYY-MM` as a period of days.
pub fn month_period(month: &str) -> Result<Period, AttributionError> {
    let first =
        chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").map_err(|_| {
            AttributionError::Invalid(format!("period: must be a month YYYY-MM, not \"{month}\""))
        })?;
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .ok_or_else(|| AttributionError::Invalid(format!("period: {month} is out of range")))?;
    let last = next.pred_opt().expect("a month has a last day");
    Ok(Period {
        from: first.to_string(),
        to: last.to_string(),
    })
}

#[derive(Default)]
struct Credit {
    touches: u32,
    by_model: [i64; 4],
    payout: i64,
}

const MODELS: [TouchModel; 4] = [
    TouchModel::First,
    TouchModel::Last,
    TouchModel::Position,
    TouchModel::Decay,
];

/// Builds the report for one program and period.
pub fn build(
    conn: &Connection,
    program_id: i64,
    period: &Period,
    half_life_hours: u32,
) -> Result<MultiTouchReport, AttributionError> {
    if half_life_hours == 0 || half_life_hours > HALF_LIFE_HOURS_MAX {
        return Err(AttributionError::Invalid(format!(
            "half_life_hours: must be from 1 to {HALF_LIFE_HOURS_MAX}, not {half_life_hours}"
        )));
    }
    let half_life_ms = i64::from(half_life_hours) * 3_600_000;
    let currency: String = conn.query_row(
        "SELECT currency FROM programs WHERE id = ?1",
        [program_id],
        |r| r.get(0),
    )?;
    let names: BTreeMap<String, String> = conn
        .prepare("SELECT external_id, name FROM affiliates WHERE program_id = ?1")?
        .query_map([program_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare(
        "SELECT m.amount_micros, m.occurred_at_ms, a.explanation_json
           FROM money_movements m
           JOIN player_attribution a ON a.player_id = m.player_id
          WHERE m.program_id = ?1 AND m.is_ftd = 1 AND m.day BETWEEN ?2 AND ?3 AND m.currency = ?4
          ORDER BY m.occurred_at_ms, m.id",
    )?;
    let mut rows = stmt.query(params![program_id, period.from, period.to, currency])?;
    let mut credit: BTreeMap<String, Credit> = BTreeMap::new();
    let (mut conversions, mut untouched, mut total) = (0u32, 0u32, 0i64);
    while let Some(r) = rows.next()? {
        let amount: i64 = r.get(0)?;
        let at: i64 = r.get(1)?;
        let e: Explanation = serde_json::from_str(&r.get::<_, String>(2)?)
            .map_err(|err| AttributionError::Invalid(format!("stored explanation: {err}")))?;
        if let Some(aff) = &e.affiliate {
            credit.entry(aff.clone()).or_default().payout += amount;
        }
        let touches = &e.analysis.touches;
        if touches.is_empty() {
            untouched += 1;
            continue;
        }
        conversions += 1;
        total += amount;
        let ages: Vec<i64> = touches.iter().map(|t| at - t.clicked_at_ms).collect();
        for t in touches {
            credit.entry(t.affiliate.clone()).or_default().touches += 1;
        }
        for (m, model) in MODELS.iter().enumerate() {
            let parts = split(amount, &weights(*model, &ages, half_life_ms));
            for (t, part) in touches.iter().zip(parts) {
                credit.entry(t.affiliate.clone()).or_default().by_model[m] += part;
            }
        }
    }
    let fmt = |micros: i64| format_amount(micros, &currency);
    let mut credit: Vec<(String, Credit)> = credit.into_iter().collect();
    // Numeric ids in numeric order ("2" before "10"), others after, by text.
    credit.sort_by_key(|(aff, _)| (aff.parse::<u64>().map_err(|_| ()), aff.clone()));
    let rows = credit
        .into_iter()
        .map(|(aff, c)| MultiTouchRow {
            name: names.get(&aff).cloned().unwrap_or_default(),
            affiliate: aff,
            touches: c.touches,
            first: fmt(c.by_model[0]),
            last: fmt(c.by_model[1]),
            position: fmt(c.by_model[2]),
            decay: fmt(c.by_model[3]),
            payout_attribution: fmt(c.payout),
        })
        .collect();
    Ok(MultiTouchReport {
        period: period.clone(),
        currency: currency.clone(),
        half_life_hours,
        conversions,
        untouched_conversions: untouched,
        total: fmt(total),
        rows,
    })
}
