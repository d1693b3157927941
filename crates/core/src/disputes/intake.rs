//! Opening a case: what the source record — a discrepancy, a flag, a statement line, a player, a conversion, a
//! claim — says fills what the request leaves empty (affiliate, period, amount, subjects, title); by hand, the
//! affiliate and a title are required.

use super::cases::{event, invalid};
use super::types::{DisputeOpenRequest, OpenedFrom};
use super::{sla, DisputeError, DisputeResult};
use crate::audit::Stamp;
use crate::money::parse_micros;
use crate::programs::Program;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

fn affiliate_id(conn: &Connection, program_id: i64, external: &str) -> DisputeResult<i64> {
    conn.query_row(
        "SELECT id FROM affiliates WHERE program_id = ?1 AND external_id = ?2",
        params![program_id, external.trim()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| DisputeError::NotFound(format!("Affiliate: no affiliate '{}'", external.trim())))
}

fn period_label(p: &str) -> DisputeResult<String> {
    let p = p.trim();
    if p.is_empty() {
        return Ok(String::new());
    }
    crate::commission::period::month_bounds(p)
        .map_err(|_| invalid(format!("Period: '{p}' is not a month (YYYY-MM)")))?;
    Ok(p.to_string())
}

pub(super) fn amount(text: &str) -> DisputeResult<i64> {
    match text.trim() {
        "" => Ok(0),
        t => {
            let m = parse_micros(t).map_err(|e| invalid(format!("Amount: {e}")))?;
            if m < 0 {
                return Err(invalid("Amount: a claim is not negative"));
            }
            Ok(m)
        }
    }
}

/// What a case is opened with, filled from its source record.
struct Draft {
    affiliate: Option<i64>,
    title: String,
    reason: String,
    period: String,
    amount_micros: i64,
    discrepancy: Option<i64>,
    subjects: Vec<(&'static str, String)>,
}

fn from_source(
    conn: &Connection,
    program: &Program,
    req: &DisputeOpenRequest,
) -> DisputeResult<Draft> {
    let given_affiliate = match req.affiliate.trim() {
        "" => None,
        a => Some(affiliate_id(conn, program.id, a)?),
    };
    let reference = req.reference.trim();
    let mut d = Draft {
        affiliate: given_affiliate,
        title: req.title.trim().to_string(),
        reason: String::new(),
        period: period_label(&req.period)?,
        amount_micros: amount(&req.amount)?,
        discrepancy: None,
        subjects: Vec::new(),
    };
    match req.from {
        OpenedFrom::Manual => from_manual(&mut d)?,
        OpenedFrom::Discrepancy => from_discrepancy(conn, program, reference, &mut d)?,
        OpenedFrom::Flag => from_flag(conn, program, reference, &mut d)?,
        OpenedFrom::StatementLine => from_statement_line(conn, program, reference, &mut d)?,
        OpenedFrom::Player => from_player(conn, program, reference, &mut d)?,
        OpenedFrom::Conversion => from_conversion(conn, program, reference, &mut d)?,
        OpenedFrom::Claim => from_claim(conn, program, reference, &mut d)?,
    }
    Ok(d)
}

fn need_ref(reference: &str, what: &str) -> DisputeResult<()> {
    if reference.is_empty() {
        return Err(invalid(format!(
            "Reference: name the {what} the case is about"
        )));
    }
    Ok(())
}

/// A case opened by hand: the affiliate and a title are required.
fn from_manual(d: &mut Draft) -> DisputeResult<()> {
    if d.affiliate.is_none() {
        return Err(invalid("Affiliate: say whose claim it is"));
    }
    if d.title.is_empty() {
        return Err(invalid(
            "Title: say what the affiliate claims (\"March is short by 400 EUR\")",
        ));
    }
    d.reason = "manual".into();
    Ok(())
}

/// A case opened from a discrepancy.
fn from_discrepancy(
    conn: &Connection,
    program: &Program,
    reference: &str,
    d: &mut Draft,
) -> DisputeResult<()> {
    need_ref(reference, "discrepancy")?;
    let id: i64 = reference
        .parse()
        .map_err(|_| invalid(format!("Reference: '{reference}' is not a discrepancy id")))?;
    let row = crate::reconcile::report::discrepancy(conn, id)?
        .filter(|r| r.program_id == program.id)
        .ok_or_else(|| {
            DisputeError::NotFound(format!("Discrepancy: no discrepancy {id} in this program"))
        })?;
    let existing: Option<i64> = conn
        .query_row(
            "SELECT id FROM dispute_cases WHERE discrepancy_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(c) = existing {
        return Err(DisputeError::Refused(format!(
            "discrepancy {id} already has dispute case {c}"
        )));
    }
    d.affiliate = d.affiliate.or(row.affiliate_id);
    d.reason = row.reason.clone();
    d.discrepancy = Some(id);
    if d.period.is_empty() {
        d.period = row.period.clone();
    }
    if d.amount_micros == 0 {
        d.amount_micros = row.impact_micros.abs();
    }
    for (kind, r) in [
        ("conversion", &row.conversion_ref),
        ("deposit", &row.deposit_ref),
        ("player", &row.player_ref),
    ] {
        if !r.is_empty() {
            d.subjects.push((kind, r.clone()));
        }
    }
    d.subjects.push(("discrepancy", id.to_string()));
    if d.title.is_empty() {
        let what = if row.conversion_ref.is_empty() {
            &row.deposit_ref
        } else {
            &row.conversion_ref
        };
        d.title = format!("{}: {what}", row.reason);
    }
    Ok(())
}

/// A case opened from a flag.
fn from_flag(
    conn: &Connection,
    program: &Program,
    reference: &str,
    d: &mut Draft,
) -> DisputeResult<()> {
    need_ref(reference, "flag")?;
    let id: i64 = reference
        .parse()
        .map_err(|_| invalid(format!("Reference: '{reference}' is not a flag id")))?;
    let flag: Option<(Option<i64>, String, String, i64)> = conn
        .query_row(
            "SELECT c.affiliate_id, f.rule, c.summary, f.created_at_ms FROM flags f JOIN flag_current c ON c.flag_id = f.id
             WHERE f.id = ?1 AND f.program_id = ?2",
            params![id, program.id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let (aff, rule, summary, _) =
        flag.ok_or_else(|| DisputeError::NotFound(format!("Flag: no flag {id} in this program")))?;
    d.affiliate = d.affiliate.or(aff);
    d.reason = format!("flag:{rule}");
    let mut stmt = conn.prepare("SELECT kind, ref FROM flag_items WHERE flag_id = ?1 AND kind IN ('click', 'player', 'deposit', 'conversion') ORDER BY kind, ref LIMIT 200")?;
    let items = stmt.query_map([id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    for it in items {
        let (k, r) = it?;
        let kind = match k.as_str() {
            "click" => "click",
            "player" => "player",
            "deposit" => "deposit",
            _ => "conversion",
        };
        d.subjects.push((kind, r));
    }
    d.subjects.push(("flag", id.to_string()));
    if d.title.is_empty() {
        d.title = format!("Flag {id}: {summary}");
    }
    Ok(())
}

/// A case opened from a statement line.
fn from_statement_line(
    conn: &Connection,
    program: &Program,
    reference: &str,
    d: &mut Draft,
) -> DisputeResult<()> {
    need_ref(reference, "statement line (its key, e.g. cpa)")?;
    let aff = d
        .affiliate
        .ok_or_else(|| invalid("Affiliate: whose statement line"))?;
    if d.period.is_empty() {
        return Err(invalid("Period: which month's statement"));
    }
    let found: i64 = conn.query_row(
        "SELECT COUNT(*) FROM ledger_entries e JOIN periods p ON p.id = e.period_id
         WHERE e.program_id = ?1 AND e.affiliate_id = ?2 AND substr(p.start_day, 1, 7) = ?3 AND e.line_key = ?4",
        params![program.id, aff, d.period, reference],
        |r| r.get(0),
    )?;
    if found == 0 {
        return Err(DisputeError::NotFound(format!(
            "Statement line: no '{reference}' line on that statement for {}",
            d.period
        )));
    }
    d.reason = "statement_line".into();
    let ext: String = conn.query_row(
        "SELECT external_id FROM affiliates WHERE id = ?1",
        [aff],
        |r| r.get(0),
    )?;
    d.subjects
        .push(("statement_line", format!("{ext}:{}:{reference}", d.period)));
    if d.title.is_empty() {
        d.title = format!("Statement {} line {reference}", d.period);
    }
    Ok(())
}

/// A case opened from a player.
fn from_player(
    conn: &Connection,
    program: &Program,
    reference: &str,
    d: &mut Draft,
) -> DisputeResult<()> {
    need_ref(reference, "player")?;
    if d.affiliate.is_none() {
        return Err(invalid("Affiliate: who claims the player"));
    }
    let p: Option<(String, Option<String>)> = conn
        .query_row(
            "SELECT day, click_id FROM players WHERE program_id = ?1 AND external_id = ?2",
            params![program.id, reference],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (day, click) = p.ok_or_else(|| {
        DisputeError::NotFound(format!("Player: no player '{reference}' in this program"))
    })?;
    d.reason = "player_claim".into();
    if d.period.is_empty() {
        d.period = day.get(..7).unwrap_or_default().to_string();
    }
    d.subjects.push(("player", reference.to_string()));
    if let Some(c) = click.filter(|c| !c.is_empty()) {
        d.subjects.push(("click", c));
    }
    if d.title.is_empty() {
        d.title = format!("Player {reference} claimed");
    }
    Ok(())
}

/// A case opened from a conversion.
fn from_conversion(
    conn: &Connection,
    program: &Program,
    reference: &str,
    d: &mut Draft,
) -> DisputeResult<()> {
    need_ref(reference, "conversion")?;
    let c: Option<(Option<i64>, String, String, String, i64)> = conn
        .query_row(
            "SELECT affiliate_id, transaction_id, player_ref, day, payout_micros FROM conversions
             WHERE program_id = ?1 AND external_id = ?2 ORDER BY id LIMIT 1",
            params![program.id, reference],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let (aff, txn, player, day, payout) = c.ok_or_else(|| {
        DisputeError::NotFound(format!(
            "Conversion: no conversion '{reference}' in this program"
        ))
    })?;
    d.affiliate = d.affiliate.or(aff);
    d.reason = "conversion".into();
    if d.period.is_empty() {
        d.period = day.get(..7).unwrap_or_default().to_string();
    }
    if d.amount_micros == 0 {
        d.amount_micros = payout.max(0);
    }
    d.subjects.push(("conversion", reference.to_string()));
    if !player.is_empty() {
        d.subjects.push(("player", player));
    }
    if !txn.is_empty() {
        d.subjects.push(("click", txn));
    }
    if d.title.is_empty() {
        d.title = format!("Conversion {reference}");
    }
    Ok(())
}

/// A case opened from a claim.
fn from_claim(
    conn: &Connection,
    program: &Program,
    reference: &str,
    d: &mut Draft,
) -> DisputeResult<()> {
    need_ref(reference, "claim")?;
    let id: i64 = reference
        .parse()
        .map_err(|_| invalid(format!("Reference: '{reference}' is not a claim id")))?;
    let c = super::claims::for_case(conn, program, id)?;
    d.affiliate = Some(c.affiliate_id);
    d.reason = format!("claim:{}", c.reason);
    if d.period.is_empty() {
        d.period = c.period;
    }
    if d.amount_micros == 0 {
        d.amount_micros = c.impact_micros;
    }
    d.subjects = c.subjects;
    if d.title.is_empty() {
        d.title = c.title;
    }
    Ok(())
}

/// Opens a case; its id.
pub fn open(
    tx: &Transaction<'_>,
    program: &Program,
    req: &DisputeOpenRequest,
    stamp: &Stamp,
) -> DisputeResult<i64> {
    let by = stamp
        .user_id
        .ok_or_else(|| invalid("a case needs a signed-in person"))?;
    let d = from_source(tx, program, req)?;
    if d.title.is_empty() {
        return Err(invalid("Title: say what the case is about"));
    }
    let due = sla::due_at(program, &sla::get(tx, program.id)?, stamp.at_ms)?;
    tx.execute(
        "INSERT INTO dispute_cases (program_id, affiliate_id, state, title, description, reason, period, amount_claimed_micros,
             currency, opened_from, owner_id, sla_due_at_ms, discrepancy_id, created_by, created_at_ms, updated_at_ms)
         VALUES (?1, ?2, 'open', ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, ?10, ?11, ?12, ?13, ?13)",
        params![program.id, d.affiliate, d.title, req.description.trim(), d.reason, d.period, d.amount_micros,
                program.currency, req.from.as_str(), due, d.discrepancy, by, stamp.at_ms],
    )?;
    let id = tx.last_insert_rowid();
    for (kind, r) in &d.subjects {
        tx.execute(
            "INSERT OR IGNORE INTO dispute_subjects (case_id, kind, ref) VALUES (?1, ?2, ?3)",
            params![id, kind, r],
        )?;
    }
    event(
        tx,
        id,
        "opened",
        None,
        Some("open"),
        serde_json::json!({"from": req.from.as_str(), "reference": req.reference.trim()}),
        stamp,
    )?;
    Ok(id)
}
