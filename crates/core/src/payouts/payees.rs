//! Payee details in the store: append-only versions per affiliate, each proposed by one person and reviewed
//! (approved or rejected) by another — "payment details changed by hackers" is a known way operators lose money.
//! The version in use is the newest approved one; the first payment to it waits a configurable number of days.

use super::payee::{Currency, PayeeDetails, RawPayeeDetails};
use super::types::PayeeVersionView;
use super::{PayoutError, PayoutResult};
use crate::audit::Stamp;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

const DAY_MS: i64 = 86_400_000;

/// The approved details in use for an affiliate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivePayee {
    pub version_id: i64,
    pub details: PayeeDetails,
    pub details_sha256: String,
    pub currency: String,
    pub approved_at_ms: i64,
    /// Whether a payment to this version already went out (then no hold applies).
    pub paid_before: bool,
}

impl ActivePayee {
    /// The instant before which a first payment to these details is held.
    pub fn held_until_ms(&self, hold_days: u32) -> Option<i64> {
        (!self.paid_before).then(|| self.approved_at_ms + i64::from(hold_days) * DAY_MS)
    }
}

pub(super) fn affiliate_id(
    conn: &Connection,
    program_id: i64,
    external_id: &str,
) -> PayoutResult<(i64, String)> {
    conn.query_row(
        "SELECT id, name FROM affiliates WHERE program_id = ?1 AND external_id = ?2",
        params![program_id, external_id.trim()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?
    .ok_or_else(|| {
        PayoutError::NotFound(format!("Affiliate: no affiliate '{}'", external_id.trim()))
    })
}

/// Proposes new details for an affiliate; nothing is paid to them until another person approves.
pub fn propose(
    tx: &Transaction<'_>,
    program_id: i64,
    affiliate: &str,
    raw: &RawPayeeDetails,
    currency: &str,
    note: &str,
    stamp: &Stamp,
) -> PayoutResult<i64> {
    let (aff, _) = affiliate_id(tx, program_id, affiliate)?;
    let details = raw
        .validate()
        .map_err(|e| PayoutError::Invalid(e.to_string()))?;
    let currency = Currency::parse(currency)
        .map_err(|e| PayoutError::Invalid(format!("Payout currency: {e}")))?;
    if matches!(details, PayeeDetails::Sepa { .. }) && currency.as_str() != "EUR" {
        return Err(PayoutError::Invalid(format!(
            "Payout currency: SEPA credit transfers are in euro; pay {} by international wire instead",
            currency.as_str()
        )));
    }
    let by = stamp
        .user_id
        .ok_or_else(|| PayoutError::Invalid("payee details need a signed-in person".into()))?;
    tx.execute(
        "INSERT INTO payee_versions (program_id, affiliate_id, method, details_json, details_sha256, currency, proposed_by, proposed_at_ms, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![program_id, aff, details.method(), details.canonical_json(), details.details_sha256(), currency.as_str(), by, stamp.at_ms, note.trim()],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Approves or rejects a proposal; never by its proposer, never twice.
pub fn review(
    tx: &Transaction<'_>,
    version_id: i64,
    approve: bool,
    reason: &str,
    stamp: &Stamp,
) -> PayoutResult<(i64, String)> {
    let by = stamp
        .user_id
        .ok_or_else(|| PayoutError::Invalid("a review needs a signed-in person".into()))?;
    let (proposer, affiliate, sha): (i64, i64, String) = tx
        .query_row(
            "SELECT proposed_by, affiliate_id, details_sha256 FROM payee_versions WHERE id = ?1",
            [version_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| PayoutError::NotFound(format!("Payee details: no version {version_id}")))?;
    if proposer == by {
        return Err(PayoutError::Refused(
            "four-eyes: you proposed these payee details, so someone else must review them".into(),
        ));
    }
    let reviewed: Option<String> = tx
        .query_row(
            "SELECT decision FROM payee_reviews WHERE payee_version_id = ?1",
            [version_id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(d) = reviewed {
        return Err(PayoutError::Refused(format!(
            "payee details version {version_id} was already {d}"
        )));
    }
    if !approve && reason.trim().is_empty() {
        return Err(PayoutError::Invalid(
            "Reason: say why the details are rejected".into(),
        ));
    }
    tx.execute(
        "INSERT INTO payee_reviews (payee_version_id, decision, reviewed_by, reason, reviewed_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![version_id, if approve { "approved" } else { "rejected" }, by, reason.trim(), stamp.at_ms],
    )?;
    Ok((affiliate, sha))
}

/// The details in use for an affiliate: the newest approved version.
pub fn active(conn: &Connection, affiliate_id: i64) -> PayoutResult<Option<ActivePayee>> {
    let row: Option<(i64, String, String, String, i64)> = conn
        .query_row(
            "SELECT v.id, v.details_json, v.details_sha256, v.currency, r.reviewed_at_ms
             FROM payee_versions v JOIN payee_reviews r ON r.payee_version_id = v.id AND r.decision = 'approved'
             WHERE v.affiliate_id = ?1 ORDER BY v.id DESC LIMIT 1",
            [affiliate_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((version_id, json, sha, currency, approved_at_ms)) = row else {
        return Ok(None);
    };
    let details: PayeeDetails = serde_json::from_str(&json).map_err(|e| {
        PayoutError::Invalid(format!(
            "stored payee details {version_id} no longer validate: {e}"
        ))
    })?;
    let paid_before: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM payout_items i JOIN payout_runs r ON r.id = i.run_id
          WHERE i.payee_version_id = ?1 AND i.state = 'pay' AND i.outcome = 'paid')",
        [version_id],
        |r| r.get(0),
    )?;
    Ok(Some(ActivePayee {
        version_id,
        details,
        details_sha256: sha,
        currency,
        approved_at_ms,
        paid_before,
    }))
}

/// Every version of every affiliate of the program, newest first.
pub fn list(
    conn: &Connection,
    program_id: i64,
    hold_days: u32,
) -> PayoutResult<Vec<PayeeVersionView>> {
    let mut stmt = conn.prepare(
        "SELECT v.id, a.external_id, a.name, v.method, v.details_json, v.details_sha256, v.currency, p.name,
                v.proposed_at_ms, r.decision, u.name, r.reviewed_at_ms, COALESCE(r.reason, ''), v.affiliate_id,
                (SELECT MAX(v2.id) FROM payee_versions v2 JOIN payee_reviews r2 ON r2.payee_version_id = v2.id
                  AND r2.decision = 'approved' WHERE v2.affiliate_id = v.affiliate_id), v.note
         FROM payee_versions v JOIN affiliates a ON a.id = v.affiliate_id JOIN users p ON p.id = v.proposed_by
         LEFT JOIN payee_reviews r ON r.payee_version_id = v.id LEFT JOIN users u ON u.id = r.reviewed_by
         WHERE v.program_id = ?1 ORDER BY a.external_id, v.id DESC",
    )?;
    let rows = stmt.query_map([program_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
            r.get::<_, i64>(8)?,
            r.get::<_, Option<String>>(9)?,
            r.get::<_, Option<String>>(10)?,
            r.get::<_, Option<i64>>(11)?,
            r.get::<_, String>(12)?,
            r.get::<_, i64>(13)?,
            r.get::<_, Option<i64>>(14)?,
            r.get::<_, String>(15)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (
            id,
            ext,
            name,
            method,
            json,
            sha,
            currency,
            proposer,
            at,
            decision,
            reviewer,
            reviewed_at,
            reason,
            aff,
            newest,
            note,
        ) = row?;
        let masked = serde_json::from_str::<PayeeDetails>(&json)
            .map(|d| d.mask())
            .unwrap_or_else(|_| "(details no longer validate)".into());
        let status = match decision.as_deref() {
            None => "pending",
            Some("rejected") => "rejected",
            _ if newest == Some(id) => "approved",
            _ => "superseded",
        };
        let held_until_ms = if status == "approved" {
            active(conn, aff)?.and_then(|a| a.held_until_ms(hold_days))
        } else {
            None
        };
        out.push(PayeeVersionView {
            id,
            affiliate_id: ext,
            affiliate_name: name,
            method,
            masked,
            details_sha256: sha,
            currency,
            proposed_by: proposer,
            proposed_at_ms: at,
            status: status.into(),
            reviewed_by: reviewer,
            reviewed_at_ms: reviewed_at,
            reason,
            note,
            held_until_ms,
        });
    }
    Ok(out)
}
