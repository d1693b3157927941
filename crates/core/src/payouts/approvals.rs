//! Four-eyes, offline, signed (DOMAIN.md §7, RELIABILITY M5/M6). An approval is the approver's Ed25519 signature
//! over the run's content hash; the preparer never approves, and above the owner's threshold two different finance
//! people must. An approval can travel as a file: the run's *request* (its content, exactly as hashed, and the
//! hash) goes to an approver on another machine, who signs it with the key of their copy of the workspace; the
//! signed file comes back and is imported. Importing is idempotent — any number of copies, in any order, from
//! several approvers, end in one effect per approver — and refuses, naming why, a file that was edited, a file for
//! another workspace, a file for a run that changed since it was signed, and a key that is not a finance person's.

use super::runs::{content_hash, run_row, set_status, RunRow};
use super::{PayoutError, PayoutResult};
use crate::audit::Stamp;
use crate::people::secret::{sign, verify_signature};
use crate::people::{permissions_of, Permission, Role};
use ed25519_dalek::SigningKey;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// What a signature covers, before the content hash.
pub const SIGNING_CONTEXT: &str = "affops payout approval v1\n";
pub const REQUEST_FORMAT: &str = "affops-approval-request/1";
pub const SIGNED_FORMAT: &str = "affops-signed-approval/1";
/// An approval file larger than this is refused unread (a run's content is a few hundred bytes per affiliate).
pub const APPROVAL_FILE_BYTES_MAX: u64 = 32 << 20;

/// The bytes an approver signs.
pub fn message(content_hash: &str) -> Vec<u8> {
    format!("{SIGNING_CONTEXT}{content_hash}").into_bytes()
}

/// A run's approval request: its content exactly as hashed, and the hash.
#[derive(Debug, Serialize, Deserialize)]
pub struct ApprovalRequest {
    pub format: String,
    pub content_hash: String,
    pub content: Box<RawValue>,
}

/// Who signed, with what key, when.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Signature {
    pub approver: String,
    pub public_key: String,
    pub signature: String,
    pub signed_at_ms: i64,
}

/// A signed approval file: the request and the approver's signature.
#[derive(Debug, Serialize, Deserialize)]
pub struct SignedApproval {
    pub format: String,
    pub content_hash: String,
    pub content: Box<RawValue>,
    pub approval: Signature,
}

/// What importing a signed file did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ApprovalOutcome {
    #[ts(type = "number")]
    pub run_id: i64,
    pub approver: String,
    /// False when this approval was already recorded (the same file again): nothing changed.
    pub applied: bool,
    /// The run's status after it.
    pub status: String,
    pub approvals: u32,
    pub approvals_required: u32,
}

#[derive(Deserialize)]
struct ContentHead {
    workspace: String,
    run: i64,
}

fn head(content: &RawValue) -> PayoutResult<ContentHead> {
    serde_json::from_str(content.get()).map_err(|e| {
        PayoutError::Invalid(format!(
            "Approval file: the run's content is not readable: {e}"
        ))
    })
}

/// The request file of a run waiting for approval.
pub fn request(conn: &Connection, run_id: i64) -> PayoutResult<ApprovalRequest> {
    let r = run_row(conn, run_id)?;
    if r.status != "awaiting_approval" {
        return Err(PayoutError::Refused(format!(
            "run {run_id} is {}: it needs no approval",
            r.status
        )));
    }
    Ok(ApprovalRequest {
        format: REQUEST_FORMAT.into(),
        content_hash: r.content_hash,
        content: RawValue::from_string(r.content_json)
            .map_err(|e| PayoutError::Invalid(e.to_string()))?,
    })
}

/// Checks a file's own integrity: its format, and that its content still hashes to the hash it carries.
fn check_integrity(
    format: &str,
    expected_format: &str,
    content: &RawValue,
    hash: &str,
) -> PayoutResult<()> {
    if format != expected_format {
        return Err(PayoutError::Invalid(format!(
            "Approval file: it is a '{format}' file, not an {expected_format} file"
        )));
    }
    if content_hash(content.get()) != hash {
        return Err(PayoutError::Invalid(
            "Approval file: the run's content does not match its hash — the file was edited".into(),
        ));
    }
    Ok(())
}

/// Signs a request with the approver's key (on any copy of the workspace): checks the request is intact and for
/// this workspace, and returns the signed file.
pub fn sign_request(
    req: ApprovalRequest,
    workspace_id: &str,
    approver: &str,
    key: &SigningKey,
    now_ms: i64,
) -> PayoutResult<SignedApproval> {
    check_integrity(&req.format, REQUEST_FORMAT, &req.content, &req.content_hash)?;
    let h = head(&req.content)?;
    if h.workspace != workspace_id {
        return Err(PayoutError::Invalid(format!(
            "Approval file: it is for workspace {}, not this one ({workspace_id})",
            h.workspace
        )));
    }
    let public_key = hex::encode(key.verifying_key().to_bytes());
    Ok(SignedApproval {
        format: SIGNED_FORMAT.into(),
        approval: Signature {
            approver: approver.to_string(),
            public_key,
            signature: sign(key, &message(&req.content_hash)),
            signed_at_ms: now_ms,
        },
        content_hash: req.content_hash,
        content: req.content,
    })
}

/// The person whose *current* key is `public_key`, with their roles and whether they are active.
fn key_owner(conn: &Connection, public_key: &str) -> PayoutResult<(i64, String, bool, Vec<Role>)> {
    let owner: Option<(i64, String, i64)> = conn
        .query_row(
            "SELECT u.id, u.name, u.active FROM user_keys k JOIN users u ON u.id = k.user_id
             WHERE k.public_key = ?1 AND k.id = (SELECT MAX(k2.id) FROM user_keys k2 WHERE k2.user_id = k.user_id)",
            [public_key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((id, name, active)) = owner else {
        return Err(PayoutError::Refused(
            "the signing key is not any person's current key in this workspace (unknown, or replaced by a passphrase reset)".into(),
        ));
    };
    let roles = crate::people::users::by_id(conn, id)
        .map_err(|e| PayoutError::Invalid(e.to_string()))?
        .map(|p| p.roles)
        .unwrap_or_default();
    Ok((id, name, active == 1, roles))
}

/// Records one approval of a run (from the app or a file), approving the run when it has enough. Refusals name
/// the reason; the same approver again is a no-op.
#[allow(clippy::too_many_arguments)]
fn record(
    tx: &Transaction<'_>,
    run_id: i64,
    r: &RunRow,
    approver_id: i64,
    approver: &str,
    public_key: &str,
    signature: &str,
    signed_at_ms: i64,
    via: &str,
    stamp: &Stamp,
) -> PayoutResult<ApprovalOutcome> {
    let outcome = |applied: bool, status: String, approvals: u32| ApprovalOutcome {
        run_id,
        approver: approver.to_string(),
        applied,
        status,
        approvals,
        approvals_required: r.approvals_required,
    };
    let count = |tx: &Transaction<'_>| -> PayoutResult<u32> {
        Ok(tx.query_row(
            "SELECT COUNT(*) FROM payout_run_approvals WHERE run_id = ?1",
            [run_id],
            |x| x.get(0),
        )?)
    };
    let already: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM payout_run_approvals WHERE run_id = ?1 AND approver_id = ?2)",
        params![run_id, approver_id],
        |x| x.get(0),
    )?;
    if already {
        return Ok(outcome(false, r.status.clone(), count(tx)?));
    }
    if approver_id == r.prepared_by {
        return Err(PayoutError::Refused(format!(
            "four-eyes: {approver} prepared run {run_id}, so someone else must approve it"
        )));
    }
    match r.status.as_str() {
        "awaiting_approval" => {}
        "cancelled" => return Err(PayoutError::Refused(format!("run {run_id} was cancelled"))),
        s => {
            return Err(PayoutError::Conflict(format!(
                "run {run_id} is already {s} with the approvals it needed: {approver}'s approval is not needed"
            )))
        }
    }
    if !verify_signature(public_key, &message(&r.content_hash), signature) {
        return Err(PayoutError::Invalid(
            "Approval: the signature does not verify against the run's content".into(),
        ));
    }
    tx.execute(
        "INSERT INTO payout_run_approvals (run_id, approver_id, public_key, signature, content_hash, signed_at_ms, recorded_at_ms, via)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![run_id, approver_id, public_key, signature, r.content_hash, signed_at_ms, stamp.at_ms, via],
    )?;
    super::runs::event(
        tx,
        run_id,
        "approval",
        stamp,
        &serde_json::json!({"approver": approver, "via": via}),
    )?;
    let n = count(tx)?;
    let status = if n >= r.approvals_required {
        set_status(
            tx,
            run_id,
            "approved",
            stamp,
            &serde_json::json!({"approvals": n}),
        )?;
        "approved".to_string()
    } else {
        r.status.clone()
    };
    Ok(outcome(true, status, n))
}

/// Before anything costly (opening the key, a backup): refuses the preparer and a run of another program or one
/// that is cancelled, and answers at once when this approver already approved (`Some`, nothing to do).
pub fn precheck(
    conn: &Connection,
    program_id: i64,
    run_id: i64,
    approver_id: i64,
    approver: &str,
) -> PayoutResult<Option<ApprovalOutcome>> {
    let r = run_row(conn, run_id)?;
    if r.program_id != program_id {
        return Err(PayoutError::NotFound(format!(
            "Payout run: no run {run_id} in this program"
        )));
    }
    if approver_id == r.prepared_by {
        return Err(PayoutError::Refused(format!(
            "four-eyes: {approver} prepared run {run_id}, so someone else must approve it"
        )));
    }
    if r.status == "cancelled" {
        return Err(PayoutError::Refused(format!("run {run_id} was cancelled")));
    }
    let approvals: u32 = conn.query_row(
        "SELECT COUNT(*) FROM payout_run_approvals WHERE run_id = ?1",
        [run_id],
        |x| x.get(0),
    )?;
    let mine: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM payout_run_approvals WHERE run_id = ?1 AND approver_id = ?2)",
        params![run_id, approver_id],
        |x| x.get(0),
    )?;
    Ok(mine.then(|| ApprovalOutcome {
        run_id,
        approver: approver.to_string(),
        applied: false,
        status: r.status.clone(),
        approvals,
        approvals_required: r.approvals_required,
    }))
}

/// The signed-in approver approves in the app: their key (unsealed with their passphrase) signs the content hash.
pub fn approve_in_app(
    tx: &Transaction<'_>,
    program_id: i64,
    run_id: i64,
    approver_id: i64,
    approver: &str,
    key: &SigningKey,
    stamp: &Stamp,
) -> PayoutResult<ApprovalOutcome> {
    let r = run_row(tx, run_id)?;
    if r.program_id != program_id {
        return Err(PayoutError::NotFound(format!(
            "Payout run: no run {run_id} in this program"
        )));
    }
    let public_key = hex::encode(key.verifying_key().to_bytes());
    let signature = sign(key, &message(&r.content_hash));
    record(
        tx,
        run_id,
        &r,
        approver_id,
        approver,
        &public_key,
        &signature,
        stamp.at_ms,
        "app",
        stamp,
    )
}

/// Imports a signed approval file, exactly once per approver; every refusal says why.
pub fn import(
    tx: &Transaction<'_>,
    file: &SignedApproval,
    workspace_id: &str,
    stamp: &Stamp,
) -> PayoutResult<ApprovalOutcome> {
    check_integrity(
        &file.format,
        SIGNED_FORMAT,
        &file.content,
        &file.content_hash,
    )?;
    let h = head(&file.content)?;
    if h.workspace != workspace_id {
        return Err(PayoutError::Invalid(format!(
            "Approval file: it is for workspace {}, not this one ({workspace_id})",
            h.workspace
        )));
    }
    let r = run_row(tx, h.run)?;
    if r.content_hash != file.content_hash {
        return Err(PayoutError::Conflict(format!(
            "Approval file: run {} changed since it was signed (signed {}, now {})",
            h.run, file.content_hash, r.content_hash
        )));
    }
    if !verify_signature(
        &file.approval.public_key,
        &message(&file.content_hash),
        &file.approval.signature,
    ) {
        return Err(PayoutError::Invalid(
            "Approval file: the signature does not verify — the file was edited or signed for another run".into(),
        ));
    }
    let (approver_id, name, active, roles) = key_owner(tx, &file.approval.public_key)?;
    if !active {
        return Err(PayoutError::Refused(format!(
            "Approval file: {name} is no longer active"
        )));
    }
    let set: std::collections::BTreeSet<Role> = roles.into_iter().collect();
    if !permissions_of(&set).contains(&Permission::ApprovePayouts) {
        return Err(PayoutError::Refused(format!(
            "Approval file: it is signed by {name}, who may not approve payouts (not a finance person)"
        )));
    }
    record(
        tx,
        h.run,
        &r,
        approver_id,
        &name,
        &file.approval.public_key,
        &file.approval.signature,
        file.approval.signed_at_ms,
        "file",
        stamp,
    )
}

/// Parses an approval file's text, refusing a truncated or malformed one with a clear reason.
pub fn parse_signed(text: &str) -> PayoutResult<SignedApproval> {
    serde_json::from_str(text).map_err(|e| {
        PayoutError::Invalid(format!(
            "Approval file: not a complete signed approval ({e}); was it cut short or is it a request that still needs signing?"
        ))
    })
}

pub fn parse_request(text: &str) -> PayoutResult<ApprovalRequest> {
    serde_json::from_str(text).map_err(|e| {
        PayoutError::Invalid(format!(
            "Approval request: not a complete request file ({e})"
        ))
    })
}
