//! Reading a case: its row (as the list shows it, see [`super::list`]) with its history, attachments, outcomes,
//! packs and assembled evidence.

use super::cases::{booking_label, case, proposed_micros};
use super::types::{
    DisputeAttachmentView, DisputeEventView, DisputeOutcomeView, DisputeRow, DisputeView,
    EvidencePackView,
};
use super::{evidence, sla, DisputeResult, State};
use crate::money::format_amount;
use crate::programs::Program;
use rusqlite::Connection;

/// A case as the list and the detail show it (its latest grant as `granted_micros`).
pub(super) const ROW_SQL: &str = "SELECT c.id, c.title, c.state, COALESCE(a.external_id, ''), COALESCE(a.name, ''), COALESCE(u.name, ''),
        c.reason, c.period, c.opened_from, c.amount_claimed_micros, c.currency, c.sla_due_at_ms, c.created_at_ms, c.updated_at_ms,
        COALESCE((SELECT o.granted_micros FROM dispute_outcomes o WHERE o.case_id = c.id ORDER BY o.id DESC LIMIT 1), 0) AS granted_micros
    FROM dispute_cases c LEFT JOIN affiliates a ON a.id = c.affiliate_id LEFT JOIN users u ON u.id = c.owner_id";

pub(super) fn read_row(r: &rusqlite::Row<'_>, now_ms: i64) -> rusqlite::Result<DisputeRow> {
    let state: String = r.get(2)?;
    let currency: String = r.get(10)?;
    let due_at_ms: i64 = r.get(11)?;
    let resolved = State::parse(&state).is_some_and(State::is_resolved);
    Ok(DisputeRow {
        id: r.get(0)?,
        title: r.get(1)?,
        affiliate_id: r.get(3)?,
        affiliate_name: r.get(4)?,
        owner: r.get(5)?,
        reason: r.get(6)?,
        period: r.get(7)?,
        opened_from: r.get(8)?,
        amount_claimed: format_amount(r.get(9)?, &currency),
        granted: format_amount(r.get(14)?, &currency),
        due: sla::due_state(resolved, due_at_ms, now_ms).to_string(),
        state,
        currency,
        due_at_ms,
        created_at_ms: r.get(12)?,
        updated_at_ms: r.get(13)?,
    })
}

fn events(conn: &Connection, case_id: i64) -> DisputeResult<Vec<DisputeEventView>> {
    let mut stmt = conn.prepare(
        "SELECT e.at_ms, COALESCE(u.name, ''), e.event, COALESCE(e.from_state, ''), COALESCE(e.to_state, ''), e.detail_json
         FROM dispute_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.dispute_id = ?1 ORDER BY e.id",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        let detail: String = r.get(5)?;
        let v: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
        let text = ["text", "reason", "file", "owner", "detail"]
            .iter()
            .filter_map(|k| {
                v.get(*k)
                    .and_then(|x| x.as_str())
                    .filter(|s| !s.is_empty())
                    .map(|s| match *k {
                        "owner" => format!("owner: {s}"),
                        "file" => format!(
                            "{s} ({})",
                            v.get("sha256").and_then(|h| h.as_str()).unwrap_or("")
                        ),
                        _ => s.to_string(),
                    })
            })
            .collect::<Vec<_>>()
            .join(" — ");
        Ok(DisputeEventView {
            at_ms: r.get(0)?,
            by: r.get(1)?,
            event: r.get(2)?,
            from_state: r.get(3)?,
            to_state: r.get(4)?,
            text,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A case with its history, attachments, outcomes, packs and assembled evidence.
pub fn show(
    conn: &Connection,
    program: &Program,
    case_id: i64,
    now_ms: i64,
    today: &str,
) -> DisputeResult<DisputeView> {
    let c = case(conn, program, case_id)?;
    let row = conn.query_row(&format!("{ROW_SQL} WHERE c.id = ?1"), [case_id], |r| {
        read_row(r, now_ms)
    })?;
    let description: String = conn.query_row(
        "SELECT description FROM dispute_cases WHERE id = ?1",
        [case_id],
        |r| r.get(0),
    )?;
    let subjects = subjects(conn, case_id)?;
    let mut stmt = conn.prepare(
        "SELECT a.id, a.file_name, a.sha256, a.bytes, COALESCE(u.name, ''), a.added_at_ms FROM dispute_attachments a
         LEFT JOIN users u ON u.id = a.added_by WHERE a.case_id = ?1 ORDER BY a.id",
    )?;
    let attachments = stmt
        .query_map([case_id], |r| {
            Ok(DisputeAttachmentView {
                id: r.get(0)?,
                file_name: r.get(1)?,
                sha256: r.get(2)?,
                bytes: r.get(3)?,
                added_by: r.get(4)?,
                added_at_ms: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare(
        "SELECT o.decision, o.granted_micros, o.currency, o.reason, o.booked_period, o.ledger_entry_id, COALESCE(u.name, ''), o.decided_at_ms
         FROM dispute_outcomes o LEFT JOIN users u ON u.id = o.decided_by WHERE o.case_id = ?1 ORDER BY o.id",
    )?;
    let outcomes = stmt
        .query_map([case_id], |r| {
            let cur: String = r.get(2)?;
            Ok(DisputeOutcomeView {
                decision: r.get(0)?,
                granted: format_amount(r.get(1)?, &cur),
                reason: r.get(3)?,
                booked_period: r.get(4)?,
                ledger_entry: r.get(5)?,
                decided_by: r.get(6)?,
                decided_at_ms: r.get(7)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare(
        "SELECT p.sha256, p.items, p.path, COALESCE(u.name, ''), p.made_at_ms FROM dispute_packs p LEFT JOIN users u ON u.id = p.made_by WHERE p.case_id = ?1 ORDER BY p.id",
    )?;
    let packs = stmt
        .query_map([case_id], |r| {
            Ok(EvidencePackView {
                sha256: r.get(0)?,
                items: r.get(1)?,
                path: r.get(2)?,
                made_by: r.get(3)?,
                made_at_ms: r.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let allowed = if c.state.is_resolved() {
        vec!["reopen".to_string()]
    } else {
        c.state
            .next()
            .iter()
            .map(|s| s.as_str().to_string())
            .collect()
    };
    Ok(DisputeView {
        evidence: evidence::gather(
            conn,
            program,
            &c.period,
            row_affiliate(conn, c.affiliate_id)?.as_deref(),
            &subjects,
        )?,
        subjects: subjects.iter().map(|(k, r)| format!("{k}:{r}")).collect(),
        proposed_amount: format_amount(
            proposed_micros(conn, case_id, c.amount_claimed_micros)?,
            &c.currency,
        ),
        adjustment_period: booking_label(conn, program, &c.period, today)?,
        case: row,
        description,
        events: events(conn, case_id)?,
        attachments,
        outcomes,
        packs,
        allowed,
    })
}

fn row_affiliate(conn: &Connection, id: Option<i64>) -> DisputeResult<Option<String>> {
    Ok(match id {
        Some(id) => Some(conn.query_row(
            "SELECT external_id FROM affiliates WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?),
        None => None,
    })
}

pub fn subjects(conn: &Connection, case_id: i64) -> DisputeResult<Vec<(String, String)>> {
    let mut stmt = conn
        .prepare("SELECT kind, ref FROM dispute_subjects WHERE case_id = ?1 ORDER BY kind, ref")?;
    let rows = stmt.query_map([case_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
