//! Dispute cases (DOMAIN §7). Only opening one from a discrepancy is built now: the case starts `open` with an
//! SLA due date, the amount at stake as the claim, references to the records involved, and an `opened` event in
//! its append-only history; the audit log names who opened it.

use rusqlite::{params, OptionalExtension};

use super::report::discrepancy;
use super::ReconError;
use crate::audit::Stamp;
use crate::money::format_amount;
use crate::reconcile::types::{DisputeCase, DisputeOpenInput};
use crate::store::Store;

/// Days the operator side has to answer a new dispute.
pub const SLA_DAYS: i64 = 14;

pub fn open_from_discrepancy(
    store: &Store,
    input: &DisputeOpenInput,
    stamp: &Stamp,
) -> Result<DisputeCase, ReconError> {
    let now_ms = stamp.at_ms;
    let user_id = stamp
        .user_id
        .ok_or_else(|| ReconError::Invalid("a dispute needs a signed-in person".into()))?;
    let (found, existing) = store.read::<_, crate::store::StoreError>(|conn| {
        let existing: Option<i64> = conn
            .query_row(
                "SELECT id FROM dispute_cases WHERE discrepancy_id = ?1",
                [input.discrepancy_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok((discrepancy(conn, input.discrepancy_id)?, existing))
    })?;
    let d = found
        .ok_or_else(|| ReconError::NotFound(format!("no discrepancy {}", input.discrepancy_id)))?;
    let (program_id, affiliate_id, reason, impact, currency) = (
        d.program_id,
        d.affiliate_id,
        d.reason,
        d.impact_micros,
        d.currency,
    );
    let (conversion, deposit, player, detail) =
        (d.conversion_ref, d.deposit_ref, d.player_ref, d.detail);
    if let Some(id) = existing {
        return Err(ReconError::Invalid(format!(
            "discrepancy {} already has dispute case {id}",
            input.discrepancy_id
        )));
    }
    let mut refs = Vec::new();
    for (kind, r) in [
        ("conversion", &conversion),
        ("deposit", &deposit),
        ("player", &player),
    ] {
        if !r.is_empty() {
            refs.push(serde_json::json!({ "kind": kind, "ref": r }));
        }
    }
    refs.push(
        serde_json::json!({ "kind": "discrepancy", "ref": input.discrepancy_id.to_string() }),
    );
    let title = format!(
        "{reason}: {}",
        if conversion.is_empty() {
            &deposit
        } else {
            &conversion
        }
    );
    let sla = now_ms + SLA_DAYS * 86_400_000;
    let claimed = impact.abs();
    let id = store.write::<_, crate::store::StoreError>(|tx| {
        tx.execute(
            "INSERT INTO dispute_cases (program_id, affiliate_id, state, title, amount_claimed_micros, currency, sla_due_at_ms,
                 discrepancy_id, evidence_refs_json, created_by, created_at_ms)
             VALUES (?1, ?2, 'open', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![program_id, affiliate_id, title, claimed, currency, sla, input.discrepancy_id,
                serde_json::Value::Array(refs.clone()).to_string(), user_id, now_ms],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO dispute_events (dispute_id, at_ms, user_id, event, from_state, to_state, detail_json)
             VALUES (?1, ?2, ?3, 'opened', NULL, 'open', ?4)",
            params![id, now_ms, user_id, serde_json::json!({ "discrepancy_id": input.discrepancy_id, "detail": detail }).to_string()],
        )?;
        stamp.record(tx, "dispute_case", &id.to_string(),
            &serde_json::json!({ "discrepancy_id": input.discrepancy_id, "reason": reason, "amount_claimed_micros": claimed }))?;
        Ok(id)
    })?;
    let affiliate = store.read::<_, crate::store::StoreError>(|conn| {
        Ok(match affiliate_id {
            Some(a) => conn.query_row(
                "SELECT external_id FROM affiliates WHERE id = ?1",
                [a],
                |r| r.get(0),
            )?,
            None => String::new(),
        })
    })?;
    Ok(DisputeCase {
        id,
        state: "open".into(),
        title,
        affiliate_id: affiliate,
        amount_claimed: format_amount(claimed, &currency),
        currency,
        sla_due_at_ms: sla,
    })
}
