//! Payment files of an approved run: per currency, one SEPA credit transfer file (`pain.001.001.09` or `.03`) for
//! the SEPA payees and one bulk-payment CSV for the others. Everything in a file comes from the run as recorded
//! (its approval time, its execution day, its items), so exporting again gives the same bytes; each file's SHA-256
//! is recorded with the run.

use super::bulk_csv::{self, BulkRow};
use super::payee::{Bic, Currency, Iban, PayeeDetails};
use super::runs::{run_row, set_status};
use super::sepa::{self, Debtor, Payment, PaymentFile, Version};
use super::{PayoutError, PayoutResult};
use crate::audit::Stamp;
use crate::programs::Program;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// A file made from a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    pub currency: String,
    pub format: String,
    pub file_name: String,
    pub sha256: String,
    pub payments: u32,
    pub bytes: Vec<u8>,
}

/// The program's paying account, validated.
pub fn payer(conn: &Connection, program_id: i64) -> PayoutResult<Option<Debtor>> {
    let row: Option<(String, String, String)> = conn
        .query_row(
            "SELECT name, iban, bic FROM program_payers WHERE program_id = ?1",
            [program_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    row.map(|(name, iban, bic)| {
        Ok(Debtor {
            name,
            iban: Iban::parse(&iban)
                .map_err(|e| PayoutError::Invalid(format!("Paying account IBAN: {e}")))?,
            bic: Bic::parse(&bic)
                .map_err(|e| PayoutError::Invalid(format!("Paying account BIC: {e}")))?,
        })
    })
    .transpose()
}

/// Sets the program's paying account (validated: IBAN checksum, BIC).
pub fn set_payer(
    tx: &Transaction<'_>,
    program_id: i64,
    name: &str,
    iban: &str,
    bic: &str,
    now_ms: i64,
) -> PayoutResult<()> {
    let iban = Iban::parse(iban).map_err(|e| PayoutError::Invalid(format!("IBAN: {e}")))?;
    let bic = Bic::parse(bic).map_err(|e| PayoutError::Invalid(format!("BIC: {e}")))?;
    if name.trim().is_empty() {
        return Err(PayoutError::Invalid(
            "Name: the paying account's holder is required".into(),
        ));
    }
    tx.execute(
        "INSERT INTO program_payers (program_id, name, iban, bic, updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (program_id) DO UPDATE SET name = ?2, iban = ?3, bic = ?4, updated_at_ms = ?5",
        params![program_id, name.trim(), iban.as_str(), bic.as_str(), now_ms],
    )?;
    Ok(())
}

struct PayItem {
    item_id: i64,
    affiliate: String,
    affiliate_name: String,
    amount_micros: i64,
    currency: String,
    details: PayeeDetails,
}

fn pay_items(conn: &Connection, run_id: i64) -> PayoutResult<Vec<PayItem>> {
    let mut stmt = conn.prepare(
        "SELECT i.id, a.external_id, a.name, i.amount_micros, i.currency, v.details_json
         FROM payout_items i JOIN affiliates a ON a.id = i.affiliate_id JOIN payee_versions v ON v.id = i.payee_version_id
         WHERE i.run_id = ?1 AND i.state = 'pay' ORDER BY i.id",
    )?;
    let rows = stmt.query_map([run_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (item_id, affiliate, affiliate_name, amount_micros, currency, json) = row?;
        let details: PayeeDetails = serde_json::from_str(&json).map_err(|e| {
            PayoutError::Invalid(format!(
                "affiliate {affiliate}'s payee details no longer validate: {e}"
            ))
        })?;
        out.push(PayItem {
            item_id,
            affiliate,
            affiliate_name,
            amount_micros,
            currency,
            details,
        });
    }
    Ok(out)
}

fn holder(d: &PayeeDetails, fallback: &str) -> String {
    match d {
        PayeeDetails::Sepa { holder, .. } | PayeeDetails::Wire { holder, .. } => {
            holder.as_str().to_string()
        }
        _ => fallback.to_string(),
    }
}

/// Makes (or makes again, to the same bytes) every payment file of an approved run and records their hashes.
pub fn export(
    tx: &Transaction<'_>,
    program: &Program,
    workspace_id: &str,
    run_id: i64,
    version: Version,
    stamp: &Stamp,
) -> PayoutResult<Vec<Exported>> {
    let r = run_row(tx, run_id)?;
    if r.program_id != program.id {
        return Err(PayoutError::NotFound(format!(
            "Payout run: no run {run_id} in {}",
            program.name
        )));
    }
    if r.status != "approved" && r.status != "exported" && r.status != "paid" {
        return Err(PayoutError::Refused(format!(
            "run {run_id} is {}: payment files are made from an approved run",
            r.status
        )));
    }
    let approved_at: i64 = tx
        .query_row(
            "SELECT MAX(at_ms) FROM payout_run_events WHERE run_id = ?1 AND event = 'approved'",
            [run_id],
            |x| x.get::<_, Option<i64>>(0),
        )?
        .unwrap_or(r.prepared_at_ms);
    let created_at = chrono::DateTime::from_timestamp_millis(approved_at)
        .ok_or_else(|| PayoutError::Invalid("the run's approval time is out of range".into()))?;
    let execution = crate::time::parse_day(&r.execution_date)
        .map_err(|e| PayoutError::Invalid(e.to_string()))?;
    let ws8: String = workspace_id.chars().take(8).collect();
    let mut by_currency: BTreeMap<String, (Vec<PayItem>, Vec<PayItem>)> = BTreeMap::new();
    for item in pay_items(tx, run_id)? {
        let e = by_currency.entry(item.currency.clone()).or_default();
        if matches!(item.details, PayeeDetails::Sepa { .. }) {
            e.0.push(item);
        } else {
            e.1.push(item);
        }
    }
    let mut out = Vec::new();
    for (currency, (sepa_items, other)) in by_currency {
        let cur = Currency::parse(&currency).map_err(|e| PayoutError::Invalid(e.to_string()))?;
        if !sepa_items.is_empty() {
            let debtor = payer(tx, program.id)?.ok_or_else(|| {
                PayoutError::Refused(format!(
                    "{}'s paying account is not set: set it (name, IBAN, BIC) before making SEPA files",
                    program.name
                ))
            })?;
            let payments = sepa_items
                .iter()
                .map(|i| match &i.details {
                    PayeeDetails::Sepa { holder, iban, bic } => Ok(Payment {
                        end_to_end_id: format!("R{run_id}-I{}", i.item_id),
                        creditor_name: holder.as_str().to_string(),
                        creditor_iban: iban.clone(),
                        creditor_bic: bic.clone(),
                        amount_micros: i.amount_micros,
                        currency: cur.clone(),
                        remittance: sepa::remittance_for_statement(&i.affiliate, &r.period),
                    }),
                    _ => Err(PayoutError::Invalid("not a SEPA payee".into())),
                })
                .collect::<PayoutResult<Vec<_>>>()?;
            let file = PaymentFile {
                message_id: format!("AFFOPS-{ws8}-R{run_id}-{currency}"),
                created_at,
                initiating_party_name: debtor.name.clone(),
                debtor,
                requested_execution_date: execution,
                payments,
            };
            let xml =
                sepa::render(&file, version).map_err(|e| PayoutError::Invalid(e.to_string()))?;
            out.push(Exported {
                file_name: format!("payout-run-{run_id}-{currency}.{}.xml", version.name()),
                format: version.name().to_string(),
                currency: currency.clone(),
                sha256: hex::encode(Sha256::digest(xml.as_bytes())),
                payments: sepa_items.len() as u32,
                bytes: xml.into_bytes(),
            });
        }
        if !other.is_empty() {
            let rows: Vec<BulkRow> = other
                .iter()
                .map(|i| BulkRow {
                    payee_name: holder(&i.details, &i.affiliate_name),
                    details: i.details.clone(),
                    amount_micros: i.amount_micros,
                    currency: cur.clone(),
                    reference: sepa::remittance_for_statement(&i.affiliate, &r.period),
                })
                .collect();
            let bytes = bulk_csv::render(&rows).map_err(|e| PayoutError::Invalid(e.to_string()))?;
            out.push(Exported {
                file_name: format!("payout-run-{run_id}-{currency}.csv"),
                format: "csv".into(),
                currency: currency.clone(),
                sha256: hex::encode(Sha256::digest(&bytes)),
                payments: other.len() as u32,
                bytes,
            });
        }
    }
    let by = stamp
        .user_id
        .ok_or_else(|| PayoutError::Invalid("an export needs a signed-in person".into()))?;
    for f in &out {
        let recorded: Option<String> = tx
            .query_row(
                "SELECT sha256 FROM payout_files WHERE run_id = ?1 AND currency = ?2 AND format = ?3",
                params![run_id, f.currency, f.format],
                |x| x.get(0),
            )
            .optional()?;
        match recorded {
            Some(h) if h != f.sha256 => {
                return Err(PayoutError::Conflict(format!(
                    "the {} {} file of run {run_id} differs from the one exported before ({h}): nothing is written",
                    f.currency, f.format
                )))
            }
            Some(_) => {}
            None => {
                tx.execute(
                    "INSERT INTO payout_files (run_id, currency, format, file_name, sha256, payments, exported_by, exported_at_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![run_id, f.currency, f.format, f.file_name, f.sha256, f.payments, by, stamp.at_ms],
                )?;
            }
        }
    }
    if r.status == "approved" {
        let files: Vec<String> = out
            .iter()
            .map(|f| format!("{} {}", f.file_name, f.sha256))
            .collect();
        set_status(
            tx,
            run_id,
            "exported",
            stamp,
            &serde_json::json!({"files": files}),
        )?;
    }
    Ok(out)
}
