//! Finance, from statement to payment file: approving statement lines, payee details (four-eyes), payout runs,
//! signed approvals (in the app or as files between machines), payment files, paid/failed/returned, backups.

use super::catalog::Op;
use super::context::Ctx;
use super::exports;
use crate::api::{
    ApiError, ApprovalOutcome, ApproveRunRequest, BackupResult, BankReturnRequest, ErrorCode,
    ExportFilesRequest, LinesDecision, MarkPaidRequest, PayeesPage, PayerRequest, PayerView,
    PayoutRunView, PayoutsOverview, PrepareRunRequest, ProposePayeeRequest, ReviewPayeeRequest,
    RunRequest, SepaFormat, SignApprovalRequest, StatementLinesRequest, WrittenFile,
};
use crate::payouts::{approvals, files, lines, payees, runs, settle, PayoutError};
use crate::people::{secret, settings, users, PeopleError};
use crate::store::Durability;

impl From<PayoutError> for ApiError {
    fn from(e: PayoutError) -> Self {
        match e {
            PayoutError::Invalid(m) => ApiError::new(ErrorCode::InvalidInput, m),
            PayoutError::NotFound(m) => ApiError::new(ErrorCode::NotFound, m),
            PayoutError::Refused(m) | PayoutError::Conflict(m) => {
                ApiError::new(ErrorCode::Conflict, m)
            }
            PayoutError::Store(s) => s.into(),
        }
    }
}

fn settings_of(cx: &Ctx) -> Result<settings::WorkspaceSettings, ApiError> {
    Ok(cx.workspace().store().read(settings::load)?)
}

fn workspace_id(cx: &Ctx) -> Result<String, ApiError> {
    Ok(cx.workspace().store().read(settings::workspace_id)?)
}

/// The passphrase must open the person's current signing key (approving is signing).
fn signing_key(
    cx: &Ctx,
    person_id: i64,
    passphrase: &str,
) -> Result<ed25519_dalek::SigningKey, ApiError> {
    let sealed = cx
        .workspace()
        .store()
        .read(|c| users::current_key(c, person_id))?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidInput,
                "You have no signing key: ask the owner to reset your passphrase",
            )
        })?;
    secret::unseal(&sealed, passphrase).map_err(|e| match e {
        secret::SecretError::WrongPassphrase => ApiError::new(
            ErrorCode::InvalidInput,
            "Passphrase: it does not open your signing key",
        ),
        other => PeopleError::from(other).into(),
    })
}

/// Approves or rejects an affiliate's statement lines (past their hold) of a period.
pub fn statement_lines(cx: &Ctx, req: StatementLinesRequest) -> Result<LinesDecision, ApiError> {
    let a = cx.allow_request(Op::StatementLines, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    let as_of = a.today(cx.now_ms)?;
    Ok(cx
        .workspace()
        .store()
        .write_with(Durability::Full, |tx| -> Result<_, PayoutError> {
            let r = lines::LinesRequest {
                affiliate: &req.affiliate,
                period: &req.period,
                line_key: req.line_key.as_deref(),
                approve: req.approve,
                reason: &req.reason,
                as_of_day: &as_of,
            };
            let d = lines::decide(tx, p, &r, &stamp.actor, stamp.at_ms)?;
            stamp.record(
                tx,
                "statement",
                &format!("{} {}", d.affiliate_id, d.period),
                &serde_json::to_value(&d).unwrap_or_default(),
            )?;
            Ok(d)
        })?)
}

pub fn payees(cx: &Ctx) -> Result<PayeesPage, ApiError> {
    let a = cx.allow(Op::Payees)?;
    let hold = settings_of(cx)?.payee_hold_days;
    let versions = cx
        .workspace()
        .store()
        .read(|c| payees::list(c, a.program()?.id, hold).map_err(ApiError::from))?;
    Ok(PayeesPage {
        pending: versions.iter().filter(|v| v.status == "pending").count() as u32,
        versions,
        hold_days: hold,
    })
}

pub fn propose_payee(cx: &Ctx, req: ProposePayeeRequest) -> Result<PayeesPage, ApiError> {
    let a = cx.allow_request(Op::ProposePayee, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    cx.workspace().store().write(|tx| -> Result<(), PayoutError> {
        let id = payees::propose(tx, p.id, &req.affiliate, &req.details, &req.currency, &req.note, stamp)?;
        let sha: String = tx.query_row("SELECT details_sha256 FROM payee_versions WHERE id = ?1", [id], |r| r.get(0))?;
        stamp.record(tx, "payee", req.affiliate.trim(), &serde_json::json!({"version": id, "details_sha256": sha, "currency": req.currency}))?;
        Ok(())
    })?;
    payees(cx)
}

pub fn review_payee(cx: &Ctx, req: ReviewPayeeRequest) -> Result<PayeesPage, ApiError> {
    let a = cx.allow_request(Op::ReviewPayee, &req)?;
    let stamp = a.stamp()?;
    cx.workspace().store().write(|tx| -> Result<(), PayoutError> {
        let (affiliate, sha) = payees::review(tx, req.version_id, req.approve, &req.reason, stamp)?;
        let detail = serde_json::json!({"version": req.version_id, "approved": req.approve, "reason": req.reason.trim(), "details_sha256": sha, "affiliate_id": affiliate});
        stamp.record(tx, "payee_version", &req.version_id.to_string(), &detail)?;
        Ok(())
    })?;
    payees(cx)
}

pub fn set_payer(cx: &Ctx, req: PayerRequest) -> Result<PayoutsOverview, ApiError> {
    let a = cx.allow_request(Op::SetPayer, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    cx.workspace()
        .store()
        .write(|tx| -> Result<(), PayoutError> {
            files::set_payer(tx, p.id, &req.name, &req.iban, &req.bic, stamp.at_ms)?;
            stamp.record(
                tx,
                "payer",
                &p.name,
                &serde_json::json!({"name": req.name.trim(), "bic": req.bic.trim()}),
            )?;
            Ok(())
        })?;
    payouts_overview(cx)
}

pub fn payouts_overview(cx: &Ctx) -> Result<PayoutsOverview, ApiError> {
    let a = cx.allow(Op::PayoutsOverview)?;
    let p = a.program()?;
    let s = settings_of(cx)?;
    let (runs, payer, pending) = cx.workspace().store().read(|c| -> Result<_, PayoutError> {
        let pending: u32 = c.query_row(
            "SELECT COUNT(*) FROM payee_versions v WHERE v.program_id = ?1 AND NOT EXISTS (SELECT 1 FROM payee_reviews r WHERE r.payee_version_id = v.id)",
            [p.id],
            |r| r.get(0),
        )?;
        Ok((runs::list(c, p.id)?, files::payer(c, p.id)?, pending))
    })?;
    Ok(PayoutsOverview {
        runs,
        payer: payer.map(|d| PayerView {
            name: d.name,
            iban_masked: d.iban.mask(),
            bic: d.bic.as_str().to_string(),
        }),
        two_approvals_from: s.two_approvals_from,
        payee_hold_days: s.payee_hold_days,
        pending_payees: pending,
        currency: p.currency.clone(),
    })
}

pub fn payout_run(cx: &Ctx, run_id: i64) -> Result<PayoutRunView, ApiError> {
    let a = cx.allow(Op::PayoutRun)?;
    let p = a.program()?;
    Ok(cx.workspace().store().read(|c| runs::show(c, p, run_id))?)
}

/// Prepares a run for a closed period and its arrears.
pub fn prepare_payout_run(cx: &Ctx, req: PrepareRunRequest) -> Result<PayoutRunView, ApiError> {
    let a = cx.allow_request(Op::PreparePayoutRun, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    let s = settings_of(cx)?;
    let ws_id = workspace_id(cx)?;
    let rules = runs::RunRules {
        two_approvals_from_micros: s.two_approvals_from_micros(),
        payee_hold_days: s.payee_hold_days,
    };
    let id =
        cx.workspace()
            .store()
            .write_with(Durability::Full, |tx| -> Result<i64, PayoutError> {
                let id = runs::prepare(
                    tx,
                    p,
                    &ws_id,
                    &req.period,
                    &req.execution_date,
                    rules,
                    stamp,
                )?;
                let hash: String = tx.query_row(
                    "SELECT content_hash FROM payout_runs WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )?;
                stamp.record(
                    tx,
                    "payout_run",
                    &id.to_string(),
                    &serde_json::json!({"period": req.period.trim(), "content_hash": hash}),
                )?;
                Ok(id)
            })?;
    payout_run(cx, id)
}

/// Approves a run in the app, signing its content hash with the approver's key. A verified backup is taken
/// first (RELIABILITY S5).
pub fn approve_payout_run(cx: &Ctx, req: ApproveRunRequest) -> Result<ApprovalOutcome, ApiError> {
    let digest = serde_json::json!({"run_id": req.run_id, "passphrase": "[redacted]"});
    let a = cx.allow_request(Op::ApprovePayoutRun, &digest)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    let me = a
        .person
        .clone()
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated, "Sign in first."))?;
    let pre = cx
        .workspace()
        .store()
        .read(|c| approvals::precheck(c, p.id, req.run_id, me.id, &me.name))?;
    if let Some(already) = pre {
        return Ok(already);
    }
    let key = signing_key(cx, me.id, &req.passphrase)?;
    crate::workspace::backup::automatic(
        cx.workspace().store(),
        cx.workspace().data_dir(),
        &format!("before-approving-run-{}", req.run_id),
        cx.now_ms,
    )?;
    Ok(cx
        .workspace()
        .store()
        .write_with(Durability::Full, |tx| -> Result<_, PayoutError> {
            let o = approvals::approve_in_app(tx, p.id, req.run_id, me.id, &me.name, &key, stamp)?;
            stamp.record(
                tx,
                "payout_run",
                &req.run_id.to_string(),
                &serde_json::to_value(&o).unwrap_or_default(),
            )?;
            Ok(o)
        })?)
}

/// Writes a run's approval request file for an approver on another machine.
pub fn export_approval_request(cx: &Ctx, req: RunRequest) -> Result<String, ApiError> {
    cx.allow(Op::ExportApprovalRequest)?;
    let r = cx
        .workspace()
        .store()
        .read(|c| approvals::request(c, req.run_id))?;
    let text = serde_json::to_string_pretty(&r)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    exports::write(
        cx,
        &req.text,
        &format!("payout-run-{}.approval-request.json", req.run_id),
        text.as_bytes(),
    )
}

fn read_file(path: &str) -> Result<String, ApiError> {
    let p = std::path::Path::new(path.trim());
    let meta = std::fs::metadata(p).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidInput,
            format!("Approval file: cannot open {}: {e}", p.display()),
        )
    })?;
    if meta.len() > approvals::APPROVAL_FILE_BYTES_MAX {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "Approval file: {} is too large to be an approval",
                p.display()
            ),
        ));
    }
    std::fs::read_to_string(p).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidInput,
            format!("Approval file: cannot read {} as text: {e}", p.display()),
        )
    })
}

/// Signs a request file with the signed-in approver's key (on this copy of the workspace); writes the signed file.
pub fn sign_approval_request(cx: &Ctx, req: SignApprovalRequest) -> Result<String, ApiError> {
    let a = cx.allow(Op::SignApprovalRequest)?;
    let me = a
        .person
        .clone()
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated, "Sign in first."))?;
    let request = approvals::parse_request(&read_file(&req.path)?)?;
    let key = signing_key(cx, me.id, &req.passphrase)?;
    let signed = approvals::sign_request(request, &workspace_id(cx)?, &me.name, &key, cx.now_ms)?;
    let text = serde_json::to_string_pretty(&signed)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let out = match req.out.trim() {
        "" => format!(
            "{}.signed-by-{}.json",
            req.path.trim().trim_end_matches(".json"),
            me.name
        ),
        o => o.to_string(),
    };
    exports::write(cx, &out, "approval.signed.json", text.as_bytes())
}

/// Imports a signed approval file: exactly one effect per approver, whatever the copies and their order.
pub fn import_approval(cx: &Ctx, path: String) -> Result<ApprovalOutcome, ApiError> {
    let text = read_file(&path)?;
    let a = cx.allow_request(
        Op::ImportApproval,
        &serde_json::json!({"sha256": crate::commission::statement::sha256_hex(text.as_bytes())}),
    )?;
    let stamp = a.stamp()?;
    let file = approvals::parse_signed(&text)?;
    let ws_id = workspace_id(cx)?;
    crate::workspace::backup::automatic(
        cx.workspace().store(),
        cx.workspace().data_dir(),
        "before-importing-an-approval",
        cx.now_ms,
    )?;
    Ok(cx
        .workspace()
        .store()
        .write_with(Durability::Full, |tx| -> Result<_, PayoutError> {
            let o = approvals::import(tx, &file, &ws_id, stamp)?;
            if o.applied {
                stamp.record(
                    tx,
                    "payout_run",
                    &o.run_id.to_string(),
                    &serde_json::to_value(&o).unwrap_or_default(),
                )?;
            }
            Ok(o)
        })?)
}

pub fn cancel_payout_run(cx: &Ctx, req: RunRequest) -> Result<PayoutRunView, ApiError> {
    let a = cx.allow_request(Op::CancelPayoutRun, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    cx.workspace()
        .store()
        .write(|tx| -> Result<(), PayoutError> {
            runs::cancel(tx, p.id, req.run_id, &req.text, stamp)?;
            stamp.record(
                tx,
                "payout_run",
                &req.run_id.to_string(),
                &serde_json::json!({"reason": req.text.trim()}),
            )?;
            Ok(())
        })?;
    payout_run(cx, req.run_id)
}

/// Writes the run's payment files (one per currency and kind) and records their hashes; again, the same bytes.
/// The files are written (each atomically) before the transaction that records them commits: a run marked
/// exported always has its files, and a failed write (a full disk) leaves the run as it was, ready to retry.
pub fn export_payment_files(
    cx: &Ctx,
    req: ExportFilesRequest,
) -> Result<Vec<WrittenFile>, ApiError> {
    let a = cx.allow_request(Op::ExportPaymentFiles, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    let version = match req.sepa_format {
        SepaFormat::Pain00100109 => crate::payouts::sepa::Version::Pain00100109,
        SepaFormat::Pain00100103 => crate::payouts::sepa::Version::Pain00100103,
    };
    let ws_id = workspace_id(cx)?;
    // Files this attempt created; removed again if the transaction does not commit (a full disk), so no payment
    // file exists that the store does not record.
    let created = std::cell::RefCell::new(Vec::new());
    let result = cx
        .workspace()
        .store()
        .write_with(Durability::Full, |tx| -> Result<_, ApiError> {
            let made = files::export(tx, p, &ws_id, req.run_id, version, stamp)?;
            let mut written = Vec::new();
            for f in made {
                let rel = match req.dir.trim() {
                    "" => f.file_name.clone(),
                    d => format!("{}/{}", d.trim_end_matches('/'), f.file_name),
                };
                let target = exports::resolve(cx, &rel, &f.file_name)?;
                if !target.exists() {
                    created.borrow_mut().push(target);
                }
                written.push(WrittenFile {
                    path: exports::write(cx, &rel, &f.file_name, &f.bytes)?,
                    sha256: f.sha256,
                    currency: f.currency,
                    format: f.format,
                    payments: f.payments,
                });
            }
            let detail: Vec<_> = written
                .iter()
                .map(|f| serde_json::json!({"file": f.path, "sha256": f.sha256}))
                .collect();
            stamp.record(
                tx,
                "payout_run",
                &req.run_id.to_string(),
                &serde_json::json!({"files": detail}),
            )?;
            Ok(written)
        });
    if result.is_err() {
        for f in created.borrow().iter() {
            let _ = std::fs::remove_file(f);
        }
    }
    result
}

pub fn mark_payout_paid(cx: &Ctx, req: MarkPaidRequest) -> Result<PayoutRunView, ApiError> {
    let a = cx.allow_request(Op::MarkPayoutPaid, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    cx.workspace().store().write_with(Durability::Full, |tx| -> Result<(), PayoutError> {
        let n = settle::mark_paid(tx, p, req.run_id, &req.bank_reference, &req.paid_on, stamp)?;
        stamp.record(tx, "payout_run", &req.run_id.to_string(), &serde_json::json!({"payments": n, "bank_reference": req.bank_reference.trim(), "paid_on": req.paid_on.trim()}))?;
        Ok(())
    })?;
    payout_run(cx, req.run_id)
}

pub fn record_bank_return(cx: &Ctx, req: BankReturnRequest) -> Result<PayoutRunView, ApiError> {
    let a = cx.allow_request(Op::RecordBankReturn, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    cx.workspace().store().write_with(Durability::Full, |tx| -> Result<(), PayoutError> {
        let entry = settle::bank_return(tx, p, req.run_id, &req.affiliate, req.outcome, &req.reason, stamp)?;
        stamp.record(tx, "payout_run", &req.run_id.to_string(), &serde_json::json!({"affiliate": req.affiliate.trim(), "outcome": req.outcome, "entry": entry}))?;
        Ok(())
    })?;
    payout_run(cx, req.run_id)
}

/// A verified online backup of the workspace to `path` (relative: the workspace's `backups/`).
pub fn backup_workspace(cx: &Ctx, path: String) -> Result<BackupResult, ApiError> {
    let a = cx.allow_request(Op::BackupWorkspace, &path)?;
    let stamp = a.stamp()?;
    let target = match path.trim() {
        "" => {
            let t = chrono::DateTime::from_timestamp_millis(cx.now_ms)
                .map(|t| t.format("%Y%m%dT%H%M%SZ").to_string())
                .unwrap_or_default();
            cx.workspace()
                .data_dir()
                .join(crate::workspace::backup::BACKUPS_DIR)
                .join(format!("{t}-manual.sqlite"))
        }
        p if std::path::Path::new(p).is_absolute() => std::path::PathBuf::from(p),
        p => cx
            .workspace()
            .data_dir()
            .join(crate::workspace::backup::BACKUPS_DIR)
            .join(p),
    };
    let r = crate::workspace::backup::backup_to(cx.workspace().store(), &target)?;
    cx.workspace().store().write(|tx| {
        stamp.record(
            tx,
            "backup",
            &r.path,
            &serde_json::json!({"bytes": r.bytes, "integrity": r.integrity}),
        )
    })?;
    Ok(r)
}
