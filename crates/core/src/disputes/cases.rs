//! The case workflow: open (from any source record, or by hand), list, show, move, assign, comment, attach,
//! resolve (money through a new ledger entry) and reopen. Every change appends to `dispute_events`.

use super::types::{
    DisputeAssignRequest, DisputeAttachmentView, DisputeEventView, DisputeFilter,
    DisputeMoveRequest, DisputeOpenRequest, DisputeOutcomeView, DisputeResolveRequest, DisputeRow,
    DisputeView, DisputesPage, EvidencePackView, OpenedFrom,
};
use super::{evidence, sla, DisputeError, DisputeResult, State};
use crate::audit::Stamp;
use crate::ledger::{self, EntryKind, EntryStatus, NewEntry};
use crate::money::{format_amount, parse_micros};
use crate::programs::Program;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// The ledger line key of a dispute's adjustment (the statement shows "Dispute adjustment").
pub const ADJUSTMENT_LINE: &str = "dispute_adjustment";
/// The largest file a case accepts as an attachment.
pub const ATTACHMENT_BYTES_MAX: u64 = 20 << 20;
/// The workspace folder of attachments: `disputes/<case>/`.
pub const ATTACHMENTS_DIR: &str = "disputes";

fn invalid(m: impl Into<String>) -> DisputeError {
    DisputeError::Invalid(m.into())
}

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

fn amount(text: &str) -> DisputeResult<i64> {
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
    let need_ref = |what: &str| -> DisputeResult<()> {
        if reference.is_empty() {
            return Err(invalid(format!(
                "Reference: name the {what} the case is about"
            )));
        }
        Ok(())
    };
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
        OpenedFrom::Manual => {
            if d.affiliate.is_none() {
                return Err(invalid("Affiliate: say whose claim it is"));
            }
            if d.title.is_empty() {
                return Err(invalid(
                    "Title: say what the affiliate claims (\"March is short by 400 EUR\")",
                ));
            }
            d.reason = "manual".into();
        }
        OpenedFrom::Discrepancy => {
            need_ref("discrepancy")?;
            let id: i64 = reference.parse().map_err(|_| {
                invalid(format!("Reference: '{reference}' is not a discrepancy id"))
            })?;
            let row = crate::reconcile::report::discrepancy(conn, id)?
                .filter(|r| r.program_id == program.id)
                .ok_or_else(|| {
                    DisputeError::NotFound(format!(
                        "Discrepancy: no discrepancy {id} in this program"
                    ))
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
        }
        OpenedFrom::Flag => {
            need_ref("flag")?;
            let id: i64 = reference
                .parse()
                .map_err(|_| invalid(format!("Reference: '{reference}' is not a flag id")))?;
            let flag: Option<(Option<i64>, String, String, i64)> = conn
                .query_row(
                    "SELECT affiliate_id, rule, summary, created_at_ms FROM flags WHERE id = ?1 AND program_id = ?2",
                    params![id, program.id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let (aff, rule, summary, _) = flag.ok_or_else(|| {
                DisputeError::NotFound(format!("Flag: no flag {id} in this program"))
            })?;
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
        }
        OpenedFrom::StatementLine => {
            need_ref("statement line (its key, e.g. cpa)")?;
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
        }
        OpenedFrom::Player => {
            need_ref("player")?;
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
        }
        OpenedFrom::Conversion => {
            need_ref("conversion")?;
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
        }
        OpenedFrom::Claim => {
            need_ref("claim")?;
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
        }
    }
    Ok(d)
}

fn event(
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

struct CaseRow {
    program_id: i64,
    affiliate_id: Option<i64>,
    state: State,
    period: String,
    amount_claimed_micros: i64,
    currency: String,
    title: String,
}

fn case(conn: &Connection, program: &Program, id: i64) -> DisputeResult<CaseRow> {
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

fn names(states: &[State]) -> String {
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
fn booking_label(
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
            let asked = amount(&req.amount)?;
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
    let players: Vec<String> = subjects(tx, case_id)?
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
fn proposed_micros(conn: &Connection, case_id: i64, claimed: i64) -> DisputeResult<i64> {
    let impact: Option<i64> = conn
        .query_row(
            "SELECT ABS(d.impact_micros) FROM dispute_cases c JOIN recon_discrepancies d ON d.id = c.discrepancy_id WHERE c.id = ?1",
            [case_id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(impact.filter(|i| *i > 0).unwrap_or(claimed))
}

const ROW_SQL: &str = "SELECT c.id, c.title, c.state, COALESCE(a.external_id, ''), COALESCE(a.name, ''), COALESCE(u.name, ''),
        c.reason, c.period, c.opened_from, c.amount_claimed_micros, c.currency, c.sla_due_at_ms, c.created_at_ms, c.updated_at_ms,
        COALESCE((SELECT o.granted_micros FROM dispute_outcomes o WHERE o.case_id = c.id ORDER BY o.id DESC LIMIT 1), 0)
    FROM dispute_cases c LEFT JOIN affiliates a ON a.id = c.affiliate_id LEFT JOIN users u ON u.id = c.owner_id";

fn read_row(r: &rusqlite::Row<'_>, now_ms: i64) -> rusqlite::Result<DisputeRow> {
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

pub fn list(
    conn: &Connection,
    program: &Program,
    f: &DisputeFilter,
    now_ms: i64,
) -> DisputeResult<DisputesPage> {
    if let Some(s) = f.state.as_deref().filter(|s| !s.is_empty()) {
        State::parse(s).ok_or_else(|| {
            invalid(format!(
                "State: '{s}' is not a state ({})",
                names(&State::ALL)
            ))
        })?;
    }
    let mut stmt = conn.prepare(&format!(
        "{ROW_SQL} WHERE c.program_id = ?1
           AND (?2 IS NULL OR c.state = ?2)
           AND (?3 IS NULL OR a.external_id = ?3)
           AND (?4 IS NULL OR (?4 = '-' AND c.owner_id IS NULL) OR u.name = ?4)
           AND (?5 IS NULL OR c.reason = ?5)
         ORDER BY c.sla_due_at_ms, c.id"
    ))?;
    let opt = |o: &Option<String>| {
        o.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let rows = stmt.query_map(
        params![
            program.id,
            opt(&f.state),
            opt(&f.affiliate),
            opt(&f.owner),
            opt(&f.reason)
        ],
        |r| read_row(r, now_ms),
    )?;
    let mut out: Vec<DisputeRow> = rows.collect::<Result<_, _>>()?;
    if f.overdue {
        out.retain(|r| r.due == "overdue");
    }
    let (open, overdue): (u32, u32) = conn.query_row(
        "SELECT COUNT(*), COALESCE(SUM(sla_due_at_ms < ?2), 0) FROM dispute_cases
         WHERE program_id = ?1 AND state IN ('open', 'investigating', 'awaiting_operator')",
        params![program.id, now_ms],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(DisputesPage {
        rows: out,
        open,
        overdue,
        sla: sla::describe(&sla::get(conn, program.id)?),
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
