//! The case workflow: open (from any source record, or by hand), list, show, move, assign, comment, attach,
//! resolve (money through a new ledger entry) and reopen. Every change appends to `dispute_events`.

use super::types::{DisputeAssignRequest, DisputeMoveRequest, DisputeResolveRequest};
use super::{DisputeError, DisputeResult, State};
use crate::audit::Stamp;
use crate::ledger::{self, EntryKind, EntryStatus, NewEntry};
use crate::money::format_amount;
use crate::programs::Program;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// The ledger line key of a dispute's adjustment (the statement shows "Dispute adjustment").
pub const ADJUSTMENT_LINE: &str = "dispute_adjustment";
/// The largest file a case accepts as an attachment.
pub const ATTACHMENT_BYTES_MAX: u64 = 20 << 20;
/// The workspace folder of attachments: `disputes/<case>/`.
pub const ATTACHMENTS_DIR: &str = "disputes";

pub(super) fn invalid(m: impl Into<String>) -> DisputeError {
    DisputeError::Invalid(m.into())
}

pub(super) fn event(
    tx: &Transaction<'_>,
    case_id: i64,
    event: &str,
    from: Option<&str>,
    to: Option<&str>,
    detail: serde_json::Value,
    stamp: &Stamp,
) -> DisputeResult<()> {
    tx.execute(
        "INSERT INTO dispute_events (dispute_id, at_ms, user_id, event, from_state, to_state, detail_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![case_id, stamp.at_ms, stamp.user_id, event, from, to, detail.to_string()],
    )?;
    tx.execute(
        "UPDATE dispute_cases SET updated_at_ms = ?2 WHERE id = ?1",
        params![case_id, stamp.at_ms],
    )?;
    Ok(())
}

pub(super) struct CaseRow {
    pub(super) program_id: i64,
    pub(super) affiliate_id: Option<i64>,
    pub(super) state: State,
    pub(super) period: String,
    pub(super) amount_claimed_micros: i64,
    pub(super) currency: String,
    pub(super) title: String,
}

pub(super) fn case(conn: &Connection, program: &Program, id: i64) -> DisputeResult<CaseRow> {
    let row = conn
        .query_row(
            "SELECT program_id, affiliate_id, state, period, amount_claimed_micros, currency, title FROM dispute_cases WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(2)?,
                    CaseRow {
                        program_id: r.get(0)?,
                        affiliate_id: r.get(1)?,
                        state: State::Open,
                        period: r.get(3)?,
                        amount_claimed_micros: r.get(4)?,
                        currency: r.get(5)?,
                        title: r.get(6)?,
                    },
                ))
            },
        )
        .optional()?;
    let Some((state, mut c)) = row else {
        return Err(DisputeError::NotFound(format!(
            "Case: no dispute case {id}"
        )));
    };
    if c.program_id != program.id {
        return Err(DisputeError::NotFound(format!(
            "Case: no dispute case {id} in this program"
        )));
    }
    c.state = State::parse(&state)
        .ok_or_else(|| invalid(format!("case {id} has an unknown state '{state}'")))?;
    Ok(c)
}

pub(super) fn names(states: &[State]) -> String {
    states
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Moves a case to investigating or awaiting_operator, or reopens a resolved one (with a reason).
pub fn move_to(
    tx: &Transaction<'_>,
    program: &Program,
    req: &DisputeMoveRequest,
    stamp: &Stamp,
) -> DisputeResult<()> {
    let c = case(tx, program, req.case_id)?;
    let (to, event_name) = if req.to.trim() == "reopen" {
        if !c.state.is_resolved() {
            return Err(DisputeError::Refused(format!(
                "case {} is {}: only a resolved case reopens (it may move to {})",
                req.case_id,
                c.state.as_str(),
                names(c.state.next())
            )));
        }
        if req.reason.trim().is_empty() {
            return Err(invalid("Reason: say why the case reopens"));
        }
        (State::Investigating, "reopened")
    } else {
        let to = State::parse(&req.to).ok_or_else(|| invalid(format!("To: '{}' is not a state (open, investigating, awaiting_operator; resolve to accept or reject)", req.to.trim())))?;
        if to.is_resolved() {
            return Err(invalid(
                "To: a decision is a resolution: resolve the case with its reason",
            ));
        }
        if !c.state.next().contains(&to) {
            return Err(DisputeError::Refused(format!(
                "case {} is {}: it may move to {}{}",
                req.case_id,
                c.state.as_str(),
                names(c.state.next()),
                if c.state.is_resolved() {
                    " (reopen)"
                } else {
                    ""
                }
            )));
        }
        (to, "moved")
    };
    tx.execute(
        "UPDATE dispute_cases SET state = ?2 WHERE id = ?1",
        params![req.case_id, to.as_str()],
    )?;
    event(
        tx,
        req.case_id,
        event_name,
        Some(c.state.as_str()),
        Some(to.as_str()),
        serde_json::json!({"reason": req.reason.trim()}),
        stamp,
    )
}

pub fn assign(
    tx: &Transaction<'_>,
    program: &Program,
    req: &DisputeAssignRequest,
    stamp: &Stamp,
) -> DisputeResult<()> {
    case(tx, program, req.case_id)?;
    let owner = match req.owner.trim() {
        "" => None,
        name => {
            let (p, _) = crate::people::users::by_name(tx, name)
                .map_err(|e| invalid(e.to_string()))?
                .ok_or_else(|| DisputeError::NotFound(format!("Owner: no person '{name}'")))?;
            if !p.active {
                return Err(invalid(format!("Owner: {name} is deactivated")));
            }
            let set: std::collections::BTreeSet<_> = p.roles.iter().copied().collect();
            if !crate::people::permissions_of(&set)
                .contains(&crate::people::Permission::WorkDisputes)
            {
                return Err(invalid(format!("Owner: {name} may not work disputes")));
            }
            Some(p.id)
        }
    };
    tx.execute(
        "UPDATE dispute_cases SET owner_id = ?2 WHERE id = ?1",
        params![req.case_id, owner],
    )?;
    event(
        tx,
        req.case_id,
        "assigned",
        None,
        None,
        serde_json::json!({"owner": req.owner.trim()}),
        stamp,
    )
}

pub fn comment(
    tx: &Transaction<'_>,
    program: &Program,
    case_id: i64,
    text: &str,
    stamp: &Stamp,
) -> DisputeResult<()> {
    case(tx, program, case_id)?;
    if text.trim().is_empty() {
        return Err(invalid("Comment: it is empty"));
    }
    event(
        tx,
        case_id,
        "comment",
        None,
        None,
        serde_json::json!({"text": text.trim()}),
        stamp,
    )
}

/// An attachment read from disk, checked before anything is written.
pub struct Attachment {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
}

/// Reads the file to attach, refusing one over [`ATTACHMENT_BYTES_MAX`].
pub fn read_attachment(path: &std::path::Path) -> DisputeResult<Attachment> {
    let meta = std::fs::metadata(path)
        .map_err(|e| invalid(format!("Attachment: cannot open {}: {e}", path.display())))?;
    if !meta.is_file() {
        return Err(invalid(format!(
            "Attachment: {} is not a file",
            path.display()
        )));
    }
    if meta.len() > ATTACHMENT_BYTES_MAX {
        return Err(invalid(format!(
            "Attachment: {} is {} bytes; a case takes files up to {} MiB",
            path.display(),
            meta.len(),
            ATTACHMENT_BYTES_MAX >> 20
        )));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| invalid(format!("Attachment: cannot read {}: {e}", path.display())))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    Ok(Attachment {
        sha256: crate::commission::statement::sha256_hex(&bytes),
        file_name,
        bytes,
    })
}

/// Records an attachment whose bytes go to `stored_as` (relative to the workspace); the caller writes them.
pub fn attach(
    tx: &Transaction<'_>,
    program: &Program,
    case_id: i64,
    a: &Attachment,
    stored_as: &str,
    stamp: &Stamp,
) -> DisputeResult<()> {
    case(tx, program, case_id)?;
    let by = stamp
        .user_id
        .ok_or_else(|| invalid("an attachment needs a signed-in person"))?;
    tx.execute(
        "INSERT INTO dispute_attachments (case_id, file_name, stored_as, sha256, bytes, added_by, added_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![case_id, a.file_name, stored_as, a.sha256, a.bytes.len() as i64, by, stamp.at_ms],
    )?;
    event(
        tx,
        case_id,
        "attached",
        None,
        None,
        serde_json::json!({"file": a.file_name, "sha256": a.sha256}),
        stamp,
    )
}

/// The attachment's stored path for the `n`-th file of a case.
pub fn attachment_path(case_id: i64, n: i64, file_name: &str) -> String {
    let safe: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{ATTACHMENTS_DIR}/{case_id}/{n:03}-{safe}")
}

pub fn attachment_count(conn: &Connection, case_id: i64) -> DisputeResult<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM dispute_attachments WHERE case_id = ?1",
        [case_id],
        |r| r.get(0),
    )?)
}

/// What the case has granted so far (its latest outcome).
fn granted(conn: &Connection, case_id: i64) -> DisputeResult<i64> {
    Ok(conn
        .query_row("SELECT granted_micros FROM dispute_outcomes WHERE case_id = ?1 ORDER BY id DESC LIMIT 1", [case_id], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

/// The month an adjustment would be booked in now: the case's period when it is open, else the next open one.
pub(super) fn booking_label(
    conn: &Connection,
    program: &Program,
    period: &str,
    today: &str,
) -> DisputeResult<String> {
    let from = if period.is_empty() {
        today.get(..7).unwrap_or_default().to_string()
    } else {
        period.to_string()
    };
    let mut label = from;
    for _ in 0..crate::payouts::lines::OPEN_PERIOD_LOOKAHEAD_MONTHS {
        match crate::commission::period::find(conn, program.id, &label)? {
            Some(p) if p.is_closed() => label = crate::payouts::lines::next_month(&label)?,
            _ => return Ok(label),
        }
    }
    Err(DisputeError::Refused(format!(
        "no open period after {period}"
    )))
}

/// What resolving did: the new entry (none when nothing changed or for a rejection of nothing) and its period.
pub struct Resolution {
    pub entry: Option<i64>,
    pub booked_period: String,
    pub granted_micros: i64,
}

/// Resolves a case. The money: the difference between what this decision grants and what earlier decisions of
/// the case granted, as one new adjustment entry in the open period (the case's, or the next open one).
pub fn resolve(
    tx: &Transaction<'_>,
    program: &Program,
    req: &DisputeResolveRequest,
    today: &str,
    stamp: &Stamp,
) -> DisputeResult<Resolution> {
    let c = case(tx, program, req.case_id)?;
    let by = stamp
        .user_id
        .ok_or_else(|| invalid("a decision needs a signed-in person"))?;
    let decision = State::parse(&req.decision)
        .filter(|s| s.is_resolved())
        .ok_or_else(|| {
            invalid(format!(
                "Decision: '{}' is not accepted, partly_accepted or rejected",
                req.decision.trim()
            ))
        })?;
    if !c.state.next().contains(&decision) {
        return Err(DisputeError::Refused(format!(
            "case {} is {}: reopen it before deciding again",
            req.case_id,
            c.state.as_str()
        )));
    }
    if req.reason.trim().is_empty() {
        return Err(invalid("Reason: say why — it goes back to the affiliate"));
    }
    let before = granted(tx, req.case_id)?;
    let reattribute = req.reattribute && decision != State::Rejected;
    let total = match decision {
        State::Rejected => 0,
        _ if reattribute && req.amount.trim().is_empty() => before,
        _ => {
            let asked = super::intake::amount(&req.amount)?;
            let proposed = proposed_micros(tx, req.case_id, c.amount_claimed_micros)?;
            let m = if req.amount.trim().is_empty() {
                proposed
            } else {
                asked
            };
            if m <= 0 {
                return Err(invalid(
                    "Amount: an accepted case grants more than nothing (or reject it)",
                ));
            }
            if decision == State::PartlyAccepted
                && c.amount_claimed_micros > 0
                && m >= c.amount_claimed_micros
            {
                return Err(invalid(format!(
                    "Amount: a partial acceptance grants less than the {} claimed",
                    format_amount(c.amount_claimed_micros, &c.currency)
                )));
            }
            m
        }
    };
    let mut moved = Vec::new();
    if reattribute {
        moved = reattribute_players(tx, program, req.case_id, c.affiliate_id, &req.reason, stamp)?;
    }
    let delta = total - before;
    let mut entry = None;
    let mut booked = String::new();
    if delta != 0 {
        let aff = c.affiliate_id.ok_or_else(|| invalid("Affiliate: the case has no affiliate to credit; reject it or open it for the affiliate"))?;
        booked = booking_label(tx, program, &c.period, today)?;
        let period = crate::commission::period::ensure(tx, c.program_id, &booked)?;
        entry = Some(ledger::post(
            tx,
            &NewEntry {
                program_id: c.program_id,
                period_id: period.id,
                origin_period_id: period.id,
                affiliate_id: aff,
                kind: EntryKind::Adjustment,
                status: EntryStatus::Pending,
                line_key: ADJUSTMENT_LINE.into(),
                amount_micros: delta,
                currency: c.currency.clone(),
                plan_version_id: None,
                rule: format!(
                    "dispute case #{}: {} ({})",
                    req.case_id,
                    c.title,
                    req.reason.trim()
                ),
                reason: "dispute".into(),
                corrects_entry_id: None,
                basis: serde_json::json!({"case": req.case_id, "decision": decision.as_str()})
                    .to_string(),
                approvable_from_day: today.to_string(),
                created_by: stamp.actor.clone(),
            },
            stamp.at_ms,
        )?);
    }
    tx.execute(
        "INSERT INTO dispute_outcomes (case_id, decision, granted_micros, currency, reason, ledger_entry_id, booked_period, decided_by, decided_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![req.case_id, decision.as_str(), total, c.currency, req.reason.trim(), entry, booked, by, stamp.at_ms],
    )?;
    tx.execute(
        "UPDATE dispute_cases SET state = ?2 WHERE id = ?1",
        params![req.case_id, decision.as_str()],
    )?;
    event(
        tx,
        req.case_id,
        "resolved",
        Some(c.state.as_str()),
        Some(decision.as_str()),
        serde_json::json!({"reason": req.reason.trim(), "granted": format_amount(total, &c.currency), "entry": entry, "period": booked, "reattributed": moved}),
        stamp,
    )?;
    Ok(Resolution {
        entry,
        booked_period: booked,
        granted_micros: total,
    })
}

/// Re-attributes every player the case is about to its affiliate, then recomputes the program's computed open
/// periods so commission follows (a closed period's share lands as corrections in the next open one). The players.
fn reattribute_players(
    tx: &Transaction<'_>,
    program: &Program,
    case_id: i64,
    affiliate: Option<i64>,
    reason: &str,
    stamp: &Stamp,
) -> DisputeResult<Vec<String>> {
    let aff = affiliate.ok_or_else(|| {
        invalid("Affiliate: the case has no affiliate to re-attribute the players to")
    })?;
    let to: String = tx.query_row(
        "SELECT external_id FROM affiliates WHERE id = ?1",
        [aff],
        |r| r.get(0),
    )?;
    let players: Vec<String> = super::view::subjects(tx, case_id)?
        .into_iter()
        .filter(|(k, _)| k == "player")
        .map(|(_, r)| r)
        .collect();
    if players.is_empty() {
        return Err(invalid("Re-attribute: the case names no player (open it from a player, a conversion or a claim)"));
    }
    for p in &players {
        crate::attribution::overrides::apply(
            tx,
            program.id,
            p,
            Some(&to),
            Some(case_id),
            reason,
            stamp,
        )?;
    }
    let open: Vec<String> = {
        let mut stmt = tx.prepare(
            "SELECT substr(start_day, 1, 7) FROM periods WHERE program_id = ?1 AND status <> 'closed' AND result_hash IS NOT NULL ORDER BY start_day",
        )?;
        let rows = stmt.query_map([program.id], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    for label in open {
        crate::commission::compute::compute_in(tx, program, &label, stamp.at_ms)?;
    }
    Ok(players)
}

/// What accepting grants by default: a discrepancy's impact when the case has one, else the amount claimed.
pub(super) fn proposed_micros(conn: &Connection, case_id: i64, claimed: i64) -> DisputeResult<i64> {
    let impact: Option<i64> = conn
        .query_row(
            "SELECT ABS(d.impact_micros) FROM dispute_cases c JOIN recon_discrepancies d ON d.id = c.discrepancy_id WHERE c.id = ?1",
            [case_id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(impact.filter(|i| *i > 0).unwrap_or(claimed))
}

/// Records an evidence pack made for a case.
pub fn record_pack(
    tx: &Transaction<'_>,
    program: &Program,
    case_id: i64,
    sha256: &str,
    items: u32,
    path: &str,
    stamp: &Stamp,
) -> DisputeResult<()> {
    case(tx, program, case_id)?;
    let by = stamp
        .user_id
        .ok_or_else(|| invalid("a pack needs a signed-in person"))?;
    tx.execute(
        "INSERT INTO dispute_packs (case_id, sha256, items, path, made_by, made_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![case_id, sha256, items, path, by, stamp.at_ms],
    )?;
    event(
        tx,
        case_id,
        "evidence",
        None,
        None,
        serde_json::json!({"text": format!("evidence pack of {items} items"), "sha256": sha256}),
        stamp,
    )
}
