//! Both sides of a period and the reason codes. The operator side is every first-time deposit of an attributed
//! player on a day of the period; the tracker side is every conversion of the period. A conversion matches an
//! FTD by order id = deposit id, click id = the player's click id, or player id; matches are looked up across
//! periods, so an event just over a month boundary is matched, not reported twice.

use std::collections::BTreeSet;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::keys::{ConversionKeys, FtdLookup};
use super::{Month, ReconSettings, Step};
use crate::ingest::types::Progress;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    MissingPostback,
    UnmatchedConversion,
    AmountMismatch,
    StatusMismatch,
    Duplicate,
    TimezoneShift,
    OutsideWindow,
    FxDifference,
}

impl Reason {
    pub const ALL: [Reason; 8] = [
        Self::MissingPostback,
        Self::UnmatchedConversion,
        Self::AmountMismatch,
        Self::StatusMismatch,
        Self::Duplicate,
        Self::TimezoneShift,
        Self::OutsideWindow,
        Self::FxDifference,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::MissingPostback => "missing_postback",
            Self::UnmatchedConversion => "unmatched_conversion",
            Self::AmountMismatch => "amount_mismatch",
            Self::StatusMismatch => "status_mismatch",
            Self::Duplicate => "duplicate",
            Self::TimezoneShift => "timezone_shift",
            Self::OutsideWindow => "outside_window",
            Self::FxDifference => "fx_difference",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// One disagreement, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Discrepancy {
    pub reason: Reason,
    /// What the row is about (a conversion or deposit id), unique per reason within the period.
    pub natural_key: String,
    pub affiliate_id: Option<i64>,
    pub conversion_ref: String,
    pub transaction_id: String,
    pub player_ref: String,
    pub deposit_ref: String,
    pub tracker_micros: Option<i64>,
    pub operator_micros: Option<i64>,
    pub impact_micros: i64,
    pub currency: String,
    pub detail: String,
}

#[derive(Debug, Clone)]
pub(super) struct Ftd {
    deposit: String,
    amount: i64,
    currency: String,
    at_ms: i64,
    player: String,
    click_id: String,
    affiliate_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub(super) struct Conv {
    pub(super) id: i64,
    pub(super) external: String,
    pub(super) transaction_id: String,
    pub(super) player_ref: String,
    pub(super) order_ref: String,
    pub(super) status: String,
    pub(super) payout: i64,
    pub(super) sale: i64,
    pub(super) currency: String,
    pub(super) converted_at_ms: i64,
    pub(super) clicked_at_ms: Option<i64>,
    pub(super) in_period: bool,
    pub(super) affiliate_id: Option<i64>,
    /// The tracker's own time of the last status change (changes feed), when it said.
    pub(super) source_updated_at_ms: Option<i64>,
}

const CONV_COLS: &str = "c.id, c.external_id, c.transaction_id, c.player_ref, c.order_ref, c.status, c.payout_micros,
     c.sale_amount_micros, c.currency, c.converted_at_ms, c.clicked_at_ms, c.day BETWEEN ?2 AND ?3, c.affiliate_id,
     c.source_updated_at_ms";

fn conv(r: &rusqlite::Row<'_>) -> rusqlite::Result<Conv> {
    Ok(Conv {
        id: r.get(0)?,
        external: r.get(1)?,
        transaction_id: r.get(2)?,
        player_ref: r.get(3)?,
        order_ref: r.get(4)?,
        status: r.get(5)?,
        payout: r.get(6)?,
        sale: r.get(7)?,
        currency: r.get(8)?,
        converted_at_ms: r.get(9)?,
        clicked_at_ms: r.get(10)?,
        in_period: r.get(11)?,
        affiliate_id: r.get(12)?,
        source_updated_at_ms: r.get(13)?,
    })
}

pub(super) fn live(status: &str) -> bool {
    !matches!(status, "rejected" | "invalid")
}

/// How many FTDs are matched between two progress reports.
const PROGRESS_EVERY: usize = 5_000;

/// Every discrepancy of `month` in `program_id`; `progress` hears each step, and the matching every few thousand
/// FTDs.
pub fn classify(
    conn: &Connection,
    program_id: i64,
    month: &Month,
    s: &ReconSettings,
    now_ms: i64,
    progress: &dyn Fn(Progress),
) -> rusqlite::Result<Vec<Discrepancy>> {
    let currency: String = conn.query_row(
        "SELECT currency FROM programs WHERE id = ?1",
        [program_id],
        |r| r.get(0),
    )?;
    progress(super::step(Step::Reading, 0, None));
    // The click's time is looked up only for an FTD whose matched conversion lacks it (see `click_time`): asked
    // of every FTD, it was 150,000 lookups into the clicks of a month at 10 M clicks.
    let ftds = conn
        .prepare(
            "SELECT m.external_id, m.amount_micros, m.currency, m.occurred_at_ms, p.external_id, COALESCE(p.click_id, ''),
                    p.affiliate_id
             FROM money_movements m JOIN players p ON p.id = m.player_id
             WHERE m.program_id = ?1 AND m.kind = 'deposit' AND m.is_ftd = 1 AND m.day BETWEEN ?2 AND ?3
               AND p.affiliate_id IS NOT NULL ORDER BY m.occurred_at_ms, m.external_id",
        )?
        .query_map(params![program_id, month.first, month.last], |r| {
            Ok(Ftd { deposit: r.get(0)?, amount: r.get(1)?, currency: r.get(2)?, at_ms: r.get(3)?, player: r.get(4)?,
                     click_id: r.get(5)?, affiliate_id: r.get(6)? })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    // Every conversion of the program (matches are looked up across periods), keyed once (see `keys`).
    let keys = ConversionKeys::new(
        conn.prepare(&format!(
            "SELECT {CONV_COLS} FROM conversions c WHERE c.program_id = ?1"
        ))?
        .query_map(params![program_id, month.first, month.last], conv)?
        .collect::<Result<Vec<_>, _>>()?,
    );
    let total = u32::try_from(ftds.len()).unwrap_or(u32::MAX);
    let mut out = Vec::new();
    let mut matched: BTreeSet<i64> = BTreeSet::new();
    let lag_ms = s.status_lag_hours * 3_600_000;
    for (i, f) in ftds.iter().enumerate() {
        if i % PROGRESS_EVERY == 0 {
            progress(super::step(Step::Matching, i as u32, Some(total)));
        }
        let cands = keys.candidates(&f.deposit, &f.click_id, &f.player);
        let base = |reason: Reason, key: &str, c: Option<&Conv>| Discrepancy {
            reason,
            natural_key: key.to_string(),
            affiliate_id: f.affiliate_id.or(c.and_then(|c| c.affiliate_id)),
            conversion_ref: c.map(|c| c.external.clone()).unwrap_or_default(),
            transaction_id: c.map_or(f.click_id.clone(), |c| c.transaction_id.clone()),
            player_ref: f.player.clone(),
            deposit_ref: f.deposit.clone(),
            tracker_micros: c.map(|c| c.sale),
            operator_micros: Some(f.amount),
            impact_micros: 0,
            currency: c.map_or(currency.clone(), |c| c.currency.clone()),
            detail: String::new(),
        };
        let Some(&primary) = cands.iter().find(|c| live(&c.status)).or(cands.first()) else {
            if f.click_id.is_empty() {
                continue; // attributed by btag or promo code only: the tracker never saw a click to convert
            }
            if now_ms - f.at_ms < s.postback_grace_minutes * 60_000 {
                continue; // the postback may still be on its way
            }
            let estimate = keys.typical_payout(f.affiliate_id);
            out.push(Discrepancy {
                impact_micros: estimate,
                detail: format!("the operator has FTD {} of player {}; the tracker has no conversion for it (payout estimated from the affiliate's usual CPA)", f.deposit, f.player),
                ..base(Reason::MissingPostback, &f.deposit, None)
            });
            continue;
        };
        for c in &cands {
            matched.insert(c.id);
        }
        // A repeat is a duplicate whatever its status; only a live one is money at stake.
        for dup in cands
            .iter()
            .filter(|c| c.id != primary.id && c.order_ref == primary.order_ref)
        {
            if dup.in_period {
                out.push(Discrepancy {
                    impact_micros: if live(&dup.status) { -dup.payout } else { 0 },
                    detail: format!(
                        "conversion {} repeats {} for the same FTD {}",
                        dup.external, primary.external, f.deposit
                    ),
                    ..base(Reason::Duplicate, &dup.external, Some(dup))
                });
            }
        }
        if !primary.in_period {
            continue; // reported with the period its conversion is in
        }
        let key = primary.external.as_str();
        if primary.currency != f.currency {
            out.push(Discrepancy {
                detail: format!(
                    "tracker amount in {} vs operator deposit in {}: compare at the day's rate",
                    primary.currency, f.currency
                ),
                ..base(Reason::FxDifference, key, Some(primary))
            });
        } else if primary.sale != 0 && primary.sale != f.amount {
            // A sale amount of 0 is one the tracker never reported (S2S postbacks and pixels carry the payout,
            // most batch files neither): nothing to compare, not a mismatch.
            out.push(Discrepancy {
                detail: format!(
                    "tracker sale amount {} {cur} vs the operator's deposit {} {cur} (difference {})",
                    crate::money::format_amount(primary.sale, &f.currency),
                    crate::money::format_amount(f.amount, &f.currency),
                    crate::money::format_amount(primary.sale - f.amount, &f.currency),
                    cur = f.currency,
                ),
                ..base(Reason::AmountMismatch, key, Some(primary))
            });
        }
        // Pending and rejected are ordinary tracker states (hold periods, scrubs); what reconciliation reports is
        // a status that changed long after the FTD: status lag, from the tracker's own update time of an approved
        // conversion, or else from the conversion's history (pending seen by one sync, approved by a later one).
        if let Some((lag, how)) = status_lag(conn, primary)?.filter(|(l, _)| *l >= lag_ms) {
            out.push(Discrepancy {
                detail: format!("approved {} h after {how}", lag / 3_600_000),
                ..base(Reason::StatusMismatch, key, Some(primary))
            });
        }
        let clicked = match primary.clicked_at_ms {
            Some(at) => Some(at),
            None => click_time(conn, program_id, &f.click_id)?,
        };
        if let Some(clicked) = clicked {
            if f.at_ms - clicked > s.window_days * 86_400_000 && live(&primary.status) {
                out.push(Discrepancy {
                    impact_micros: -primary.payout,
                    detail: format!(
                        "FTD {} days after the click, outside the {}-day window",
                        (f.at_ms - clicked) / 86_400_000,
                        s.window_days
                    ),
                    ..base(Reason::OutsideWindow, key, Some(primary))
                });
            }
        }
    }
    // Conversions of the period no operator FTD explains.
    progress(super::step(Step::Unmatched, 0, None));
    let ftd_keys = FtdLookup::new(conn, program_id);
    let mut convs: Vec<&Conv> = keys.convs.iter().filter(|c| c.in_period).collect();
    convs.sort_by_key(|c| (c.converted_at_ms, c.id));
    for c in convs
        .into_iter()
        .filter(|c| !matched.contains(&c.id) && live(&c.status))
    {
        if ftd_keys.explains(&c.order_ref, &c.transaction_id, &c.player_ref)? {
            continue; // its FTD is in another period, where it is reconciled
        }
        out.push(Discrepancy {
            reason: Reason::UnmatchedConversion,
            natural_key: c.external.clone(),
            affiliate_id: c.affiliate_id,
            conversion_ref: c.external.clone(),
            transaction_id: c.transaction_id.clone(),
            player_ref: c.player_ref.clone(),
            deposit_ref: c.order_ref.clone(),
            tracker_micros: Some(c.sale),
            operator_micros: None,
            impact_micros: -c.payout,
            currency: c.currency.clone(),
            detail: format!(
                "the tracker has conversion {} ({}); the operator has no FTD for it",
                c.external, c.status
            ),
        });
    }
    progress(super::step(Step::Timezones, 0, None));
    out.extend(super::timezone::timezone_shifts(
        conn, program_id, month, &currency,
    )?);
    Ok(out)
}

/// When the player's click was made, by its click id (none for a player without one).
fn click_time(conn: &Connection, program_id: i64, click_id: &str) -> rusqlite::Result<Option<i64>> {
    if click_id.is_empty() {
        return Ok(None);
    }
    conn.prepare_cached("SELECT clicked_at_ms FROM clicks WHERE program_id = ?1 AND click_id = ?2")?
        .query_row(params![program_id, click_id], |r| r.get(0))
        .optional()
}

/// How long after the conversion an approved conversion was approved, by the tracker's update time, with the
/// wording of the detail; else the lag seen in the status history.
fn status_lag(conn: &Connection, c: &Conv) -> rusqlite::Result<Option<(i64, &'static str)>> {
    if let Some(updated) = c.source_updated_at_ms.filter(|_| c.status == "approved") {
        let lag = updated - c.converted_at_ms;
        if lag > 0 {
            return Ok(Some((lag, "the conversion (tracker update time)")));
        }
    }
    Ok(status_lag_ms(conn, c.id)?.map(|lag| (lag, "it was first seen pending")))
}

/// How long a conversion stayed pending before it was seen approved, from its status history.
fn status_lag_ms(conn: &Connection, conversion_id: i64) -> rusqlite::Result<Option<i64>> {
    let mut stmt = conn.prepare_cached("SELECT status, observed_at_ms FROM conversion_status_history WHERE conversion_id = ?1 ORDER BY id")?;
    let rows = stmt
        .query_map([conversion_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let first_pending = rows
        .iter()
        .find(|(s, _)| s == "pending" || s == "hold")
        .map(|(_, t)| *t);
    let approved = rows.iter().find(|(s, _)| s == "approved").map(|(_, t)| *t);
    Ok(match (first_pending, approved) {
        (Some(p), Some(a)) if a > p => Some(a - p),
        _ => None,
    })
}
