//! Disputes: open a case from anywhere, list and show them (with their evidence), move, assign, comment, attach,
//! resolve (money through a new ledger entry), write the evidence pack and the outcome statement, the program's
//! SLA, and the raw records behind any conversion, player, click or deposit.

use super::catalog::Op;
use super::context::Ctx;
use super::exports;
use crate::api::{
    ApiError, ClaimCasesRequest, ClaimsQuery, ClaimsReport, DisputeAssignRequest,
    DisputeEvidenceRequest, DisputeFiles, DisputeFilter, DisputeMoveRequest, DisputeNoteRequest,
    DisputeOpenRequest, DisputeResolveRequest, DisputeSla, DisputeView, DisputesPage, ErrorCode,
    EvidenceItem, OpenedFrom, RawRequest,
};
use crate::disputes::{cases, claims, evidence, intake, list, pack, sla, view, DisputeError};
use crate::store::Durability;

impl From<DisputeError> for ApiError {
    fn from(e: DisputeError) -> Self {
        match e {
            DisputeError::Invalid(m) => ApiError::new(ErrorCode::InvalidInput, m),
            DisputeError::NotFound(m) => ApiError::new(ErrorCode::NotFound, m),
            DisputeError::Refused(m) => ApiError::new(ErrorCode::Conflict, m),
            DisputeError::Store(s) => s.into(),
        }
    }
}

fn show(
    cx: &Ctx,
    program: &crate::programs::Program,
    case_id: i64,
    today: &str,
) -> Result<DisputeView, ApiError> {
    Ok(cx
        .workspace()
        .store()
        .read(|c| view::show(c, program, case_id, cx.now_ms, today))?)
}

/// Opens a case from a discrepancy, a flag, a statement line, a player, a conversion, or by hand.
pub fn dispute_open(cx: &Ctx, req: DisputeOpenRequest) -> Result<DisputeView, ApiError> {
    let a = cx.allow_request(Op::DisputeOpen, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    let id = cx
        .workspace()
        .store()
        .write(|tx| -> Result<i64, DisputeError> {
            let id = intake::open(tx, p, &req, stamp)?;
            stamp.record(
                tx,
                "dispute_case",
                &id.to_string(),
                &serde_json::json!({"from": req.from, "reference": req.reference.trim()}),
            )?;
            Ok(id)
        })?;
    show(cx, p, id, &a.today(cx.now_ms)?)
}

/// A page of the program's cases: filtered, searched, ordered and cut in the query (see [`DisputeFilter`]).
pub fn disputes_list(cx: &Ctx, filter: DisputeFilter) -> Result<DisputesPage, ApiError> {
    let a = cx.allow(Op::DisputesList)?;
    let p = a.program()?;
    Ok(cx
        .workspace()
        .store()
        .read(|c| list::list(c, p, &filter, cx.now_ms))?)
}

pub fn dispute_show(cx: &Ctx, case_id: i64) -> Result<DisputeView, ApiError> {
    let a = cx.allow(Op::DisputeShow)?;
    show(cx, a.program()?, case_id, &a.today(cx.now_ms)?)
}

/// Moves a case (investigating, awaiting operator) or reopens a resolved one.
pub fn dispute_move(cx: &Ctx, req: DisputeMoveRequest) -> Result<DisputeView, ApiError> {
    let a = cx.allow_request(Op::DisputeMove, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    cx.workspace()
        .store()
        .write(|tx| -> Result<(), DisputeError> {
            cases::move_to(tx, p, &req, stamp)?;
            stamp.record(
                tx,
                "dispute_case",
                &req.case_id.to_string(),
                &serde_json::json!({"to": req.to.trim(), "reason": req.reason.trim()}),
            )?;
            Ok(())
        })?;
    show(cx, p, req.case_id, &a.today(cx.now_ms)?)
}

pub fn dispute_assign(cx: &Ctx, req: DisputeAssignRequest) -> Result<DisputeView, ApiError> {
    let a = cx.allow_request(Op::DisputeAssign, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    cx.workspace()
        .store()
        .write(|tx| -> Result<(), DisputeError> {
            cases::assign(tx, p, &req, stamp)?;
            stamp.record(
                tx,
                "dispute_case",
                &req.case_id.to_string(),
                &serde_json::json!({"owner": req.owner.trim()}),
            )?;
            Ok(())
        })?;
    show(cx, p, req.case_id, &a.today(cx.now_ms)?)
}

pub fn dispute_comment(cx: &Ctx, req: DisputeNoteRequest) -> Result<DisputeView, ApiError> {
    let a = cx.allow_request(Op::DisputeComment, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    cx.workspace()
        .store()
        .write(|tx| -> Result<(), DisputeError> {
            cases::comment(tx, p, req.case_id, &req.text, stamp)?;
            stamp.record(
                tx,
                "dispute_case",
                &req.case_id.to_string(),
                &serde_json::json!({"comment": req.text.trim()}),
            )?;
            Ok(())
        })?;
    show(cx, p, req.case_id, &a.today(cx.now_ms)?)
}

/// Copies a file into the workspace's `disputes/<case>/` folder and records it with its hash; the copy is made
/// before the record commits and removed if it does not.
pub fn dispute_attach(cx: &Ctx, req: DisputeNoteRequest) -> Result<DisputeView, ApiError> {
    let a = cx.allow_request(Op::DisputeAttach, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    let file = cases::read_attachment(std::path::Path::new(req.path.trim()))?;
    let written = std::cell::RefCell::new(None);
    let result = cx.workspace().store().write(|tx| -> Result<(), ApiError> {
        let n = cases::attachment_count(tx, req.case_id)? + 1;
        let rel = cases::attachment_path(req.case_id, n, &file.file_name);
        cases::attach(tx, p, req.case_id, &file, &rel, stamp)?;
        let target = cx.workspace().data_dir().join(&rel);
        exports::write(
            cx,
            &target.display().to_string(),
            &file.file_name,
            &file.bytes,
        )?;
        *written.borrow_mut() = Some(target);
        stamp.record(
            tx,
            "dispute_case",
            &req.case_id.to_string(),
            &serde_json::json!({"attached": file.file_name, "sha256": file.sha256}),
        )?;
        Ok(())
    });
    if result.is_err() {
        if let Some(t) = written.borrow().as_ref() {
            let _ = std::fs::remove_file(t);
        }
    }
    result?;
    show(cx, p, req.case_id, &a.today(cx.now_ms)?)
}

/// Accepts (fully or partly) or rejects a case; an accepted amount is booked as a new adjustment in the open
/// period (the case's, or the next open one when it is closed).
pub fn dispute_resolve(cx: &Ctx, req: DisputeResolveRequest) -> Result<DisputeView, ApiError> {
    let a = cx.allow_request(Op::DisputeResolve, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    let today = a.today(cx.now_ms)?;
    cx.workspace().store().write_with(Durability::Full, |tx| -> Result<(), DisputeError> {
        let r = cases::resolve(tx, p, &req, &today, stamp)?;
        stamp.record(
            tx,
            "dispute_case",
            &req.case_id.to_string(),
            &serde_json::json!({"decision": req.decision.trim(), "granted_micros": r.granted_micros, "entry": r.entry, "period": r.booked_period, "reason": req.reason.trim()}),
        )?;
        Ok(())
    })?;
    show(cx, p, req.case_id, &today)
}

/// Writes the case's evidence pack — `case-N-evidence.zip` (items, case, HTML, PDF, `manifest.sha256`), and the
/// HTML and PDF beside it — and records the archive's hash on the case.
pub fn dispute_evidence(cx: &Ctx, req: DisputeEvidenceRequest) -> Result<DisputeFiles, ApiError> {
    let a = cx.allow_request(Op::DisputeEvidence, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    let view = show(cx, p, req.case_id, &a.today(cx.now_ms)?)?;
    let built = pack::build(&view, &p.name).map_err(|m| ApiError::new(ErrorCode::Internal, m))?;
    let sha = built.sha256();
    let dir = req.dir.trim().trim_end_matches('/');
    let name = |ext: &str| {
        let file = format!("case-{}-evidence.{ext}", req.case_id);
        if dir.is_empty() {
            file
        } else {
            format!("{dir}/{file}")
        }
    };
    let zip = exports::write(cx, &name("zip"), "evidence.zip", &built.zip)?;
    let html = exports::write(cx, &name("html"), "evidence.html", built.html.as_bytes())?;
    let pdf = exports::write(cx, &name("pdf"), "evidence.pdf", &built.pdf)?;
    cx.workspace()
        .store()
        .write(|tx| -> Result<(), DisputeError> {
            cases::record_pack(tx, p, req.case_id, &sha, built.items, &zip, stamp)?;
            stamp.record(
                tx,
                "dispute_case",
                &req.case_id.to_string(),
                &serde_json::json!({"evidence_sha256": sha, "items": built.items}),
            )?;
            Ok(())
        })?;
    Ok(DisputeFiles {
        files: vec![zip, html, pdf],
        sha256: sha,
        items: built.items,
    })
}

/// Writes the statement of a resolved case's outcome for the affiliate (PDF and HTML).
pub fn dispute_outcome_statement(
    cx: &Ctx,
    req: DisputeEvidenceRequest,
) -> Result<DisputeFiles, ApiError> {
    let a = cx.allow(Op::DisputeOutcomeStatement)?;
    let p = a.program()?;
    let view = show(cx, p, req.case_id, &a.today(cx.now_ms)?)?;
    let (pdf, html) =
        pack::outcome(&view, &p.name).map_err(|m| ApiError::new(ErrorCode::Conflict, m))?;
    let dir = req.dir.trim().trim_end_matches('/');
    let name = |ext: &str| {
        let file = format!("case-{}-outcome.{ext}", req.case_id);
        if dir.is_empty() {
            file
        } else {
            format!("{dir}/{file}")
        }
    };
    let sha = crate::commission::statement::sha256_hex(&pdf);
    let files = vec![
        exports::write(cx, &name("pdf"), "outcome.pdf", &pdf)?,
        exports::write(cx, &name("html"), "outcome.html", html.as_bytes())?,
    ];
    Ok(DisputeFiles {
        files,
        sha256: sha,
        items: view.evidence.len() as u32,
    })
}

pub fn dispute_sla(cx: &Ctx) -> Result<DisputeSla, ApiError> {
    let a = cx.allow(Op::DisputeSla)?;
    let p = a.program()?;
    Ok(cx.workspace().store().read(|c| sla::get(c, p.id))?)
}

/// Sets the program's SLA; open cases keep the due date they were given.
pub fn set_dispute_sla(cx: &Ctx, req: DisputeSla) -> Result<DisputeSla, ApiError> {
    let a = cx.allow_request(Op::SetDisputeSla, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    cx.workspace()
        .store()
        .write(|tx| -> Result<(), DisputeError> {
            sla::set(tx, p.id, &req, stamp.at_ms)?;
            stamp.record(
                tx,
                "program",
                &p.id.to_string(),
                &serde_json::json!({"dispute_sla": sla::describe(&req)}),
            )?;
            Ok(())
        })?;
    Ok(req)
}

/// A record as it was received and its history: a conversion (with its status history and postbacks), a player,
/// a click or a deposit, each with the raw records it was stored from.
pub fn raw_record(cx: &Ctx, req: RawRequest) -> Result<Vec<EvidenceItem>, ApiError> {
    let a = cx.allow(Op::RawRecord)?;
    let p = a.program()?;
    let kind = req.kind.trim();
    if !["conversion", "player", "click", "deposit"].contains(&kind) {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!("Kind: '{kind}' is not conversion, player, click or deposit"),
        ));
    }
    let wanted = [
        "conversion",
        "player",
        "click",
        "deposit",
        "status_history",
        "postback",
        "raw",
    ];
    let items = cx.workspace().store().read(|c| {
        evidence::gather(
            c,
            p,
            "",
            None,
            &[(kind.to_string(), req.reference.trim().to_string())],
        )
    })?;
    let items: Vec<EvidenceItem> = items
        .into_iter()
        .filter(|i| wanted.contains(&i.kind.as_str()))
        .collect();
    if items.is_empty() {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("no {kind} '{}' in this program", req.reference.trim()),
        ));
    }
    Ok(items)
}

/// Matches the month's claims (an affiliate's own reports, imported with the `claims` preset) against the tracker
/// and the operator, stores each claim's reason code, and returns the report.
pub fn claims_reconcile(cx: &Ctx, q: ClaimsQuery) -> Result<ClaimsReport, ApiError> {
    let a = cx.allow_request(Op::ClaimsReconcile, &q)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    Ok(cx
        .workspace()
        .store()
        .write(|tx| -> Result<ClaimsReport, DisputeError> {
            let r = claims::reconcile(tx, p, &q, stamp.user_id, stamp.at_ms)?;
            let counts: serde_json::Map<String, serde_json::Value> = r
                .reasons
                .iter()
                .map(|c| (c.reason.clone(), c.count.into()))
                .collect();
            stamp.record(
                tx,
                "claims",
                q.period.trim(),
                &serde_json::json!({"affiliate": q.affiliate, "reasons": counts}),
            )?;
            Ok(r)
        })?)
}

/// The month's matched claims as last matched.
pub fn claims_report(cx: &Ctx, q: ClaimsQuery) -> Result<ClaimsReport, ApiError> {
    let a = cx.allow(Op::ClaimsReport)?;
    let p = a.program()?;
    Ok(cx.workspace().store().read(|c| claims::report(c, p, &q))?)
}

/// Opens one case per unmatched claim named (or every unmatched claim of the month without one), in one
/// transaction: all the cases or none. Their ids.
pub fn claims_open_cases(cx: &Ctx, req: ClaimCasesRequest) -> Result<Vec<i64>, ApiError> {
    let a = cx.allow_request(Op::ClaimsOpenCases, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    Ok(cx
        .workspace()
        .store()
        .write(|tx| -> Result<Vec<i64>, DisputeError> {
            let ids = claims::unmatched(tx, p, &req)?;
            let mut cases = Vec::with_capacity(ids.len());
            for id in ids {
                let open = DisputeOpenRequest {
                    from: OpenedFrom::Claim,
                    reference: id.to_string(),
                    ..Default::default()
                };
                cases.push(intake::open(tx, p, &open, stamp)?);
            }
            stamp.record(
                tx,
                "claims",
                req.period.trim(),
                &serde_json::json!({"cases": cases}),
            )?;
            Ok(cases)
        })?)
}
