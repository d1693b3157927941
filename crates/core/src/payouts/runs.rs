//! Payout runs: what a program pays for a closed period and its arrears. Preparing a run collects every approved
//! ledger entry of a closed period (up to the run's) that no live run holds, per affiliate; an affiliate is paid
//! when their balance is positive, they have approved payee details past their waiting time, and the period's FX
//! snapshot converts to their currency — otherwise the item says why they are carried or held. The run's content
//! (items, payee-details versions, statement hashes, amounts) is fixed as canonical JSON and hashed: that hash is
//! what approvers sign.

use super::payees::{self, ActivePayee};
use super::types::{PayoutItemView, PayoutRunSummary, PayoutTotal};
use super::{PayoutError, PayoutResult};
use crate::audit::Stamp;
use crate::commission::period::{self, PeriodRow};
use crate::money::{currency_exponent, decimal_to_micros, format_amount, micros_to_decimal};
use crate::programs::Program;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::str::FromStr;

/// The format tag of a run's content (what approvers sign).
pub const CONTENT_FORMAT: &str = "affops-payout-run/1";

/// Owner-set limits that shape a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunRules {
    /// From this total (in the program's currency) on, two different finance people must approve.
    pub two_approvals_from_micros: i64,
    /// Days the first payment to newly approved payee details is held.
    pub payee_hold_days: u32,
}

#[derive(Debug, Clone, Serialize)]
struct ContentPayee {
    method: String,
    details_sha256: String,
    masked: String,
}

#[derive(Debug, Clone, Serialize)]
struct ContentItem {
    affiliate: String,
    name: String,
    state: String,
    amount: String,
    currency: String,
    source_amount: String,
    source_currency: String,
    fx: String,
    payee: Option<ContentPayee>,
    note: String,
    /// Statement period and hash of every statement whose lines this item pays.
    statements: Vec<(String, String)>,
    entries: Vec<i64>,
}

#[derive(Debug, Clone, Serialize)]
struct Content {
    format: &'static str,
    workspace: String,
    run: i64,
    program: String,
    period: String,
    execution_date: String,
    prepared_by: String,
    prepared_at_ms: i64,
    approvals_required: u32,
    items: Vec<ContentItem>,
    totals: Vec<(String, String, u32)>,
}

/// SHA-256 (hex) of a run's canonical content.
pub fn content_hash(content_json: &str) -> String {
    hex::encode(Sha256::digest(content_json.as_bytes()))
}

/// What an item's table row is written from: affiliate, ledger amount, paid amount, payee version, FX (rate,
/// source, date).
type ItemRow = (i64, i64, i64, Option<i64>, (String, String, String));

struct Eligible {
    entry_id: i64,
    affiliate_id: i64,
    period_id: i64,
    amount_micros: i64,
    currency: String,
}

fn eligible(tx: &Connection, program_id: i64, up_to_day: &str) -> PayoutResult<Vec<Eligible>> {
    let mut stmt = tx.prepare(
        "SELECT e.id, e.affiliate_id, e.period_id, e.amount_micros, e.currency
         FROM ledger_entries e JOIN periods p ON p.id = e.period_id
         WHERE e.program_id = ?1 AND e.kind <> 'status' AND p.status = 'closed' AND p.start_day <= ?2
           AND COALESCE((SELECT s.status FROM ledger_entries s WHERE s.kind = 'status' AND s.corrects_entry_id = e.id),
                        e.status) = 'approved'
           AND NOT EXISTS (SELECT 1 FROM payout_item_entries pe JOIN payout_items i ON i.id = pe.item_id
                           JOIN payout_runs r ON r.id = i.run_id
                           WHERE pe.entry_id = e.id AND r.status <> 'cancelled' AND i.state = 'pay')
         ORDER BY e.affiliate_id, e.id",
    )?;
    let rows = stmt.query_map(params![program_id, up_to_day], |r| {
        Ok(Eligible {
            entry_id: r.get(0)?,
            affiliate_id: r.get(1)?,
            period_id: r.get(2)?,
            amount_micros: r.get(3)?,
            currency: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// `micros` rounded half-up (away from zero) to the currency's minor units.
fn to_minor_units(micros: i64, currency: &str) -> PayoutResult<i64> {
    let d = micros_to_decimal(micros).round_dp_with_strategy(
        currency_exponent(currency),
        RoundingStrategy::MidpointAwayFromZero,
    );
    Ok(decimal_to_micros(d)?)
}

/// The period's snapshot rate from `from` to `to` (or the inverse of `to`→`from`), with its source and date.
fn fx(
    conn: &Connection,
    p: &PeriodRow,
    from: &str,
    to: &str,
) -> PayoutResult<Option<(Decimal, String, String)>> {
    let direct: Option<(String, String, String)> = conn
        .query_row(
            "SELECT rate, source, as_of FROM fx_rates WHERE period_id = ?1 AND from_currency = ?2 AND to_currency = ?3",
            params![p.id, from, to],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    if let Some((rate, source, as_of)) = direct {
        let r = Decimal::from_str(&rate)
            .map_err(|_| PayoutError::Invalid(format!("stored FX rate '{rate}'")))?;
        return Ok(Some((r, source, as_of)));
    }
    let inverse: Option<(String, String, String)> = conn
        .query_row(
            "SELECT rate, source, as_of FROM fx_rates WHERE period_id = ?1 AND from_currency = ?3 AND to_currency = ?2",
            params![p.id, from, to],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    match inverse {
        Some((rate, source, as_of)) => {
            let r = Decimal::from_str(&rate)
                .map_err(|_| PayoutError::Invalid(format!("stored FX rate '{rate}'")))?;
            if r.is_zero() {
                return Ok(None);
            }
            Ok(Some((
                Decimal::ONE / r,
                format!("{source} (inverse)"),
                as_of,
            )))
        }
        None => Ok(None),
    }
}

fn statements_of(
    conn: &Connection,
    affiliate_id: i64,
    periods: &[i64],
) -> PayoutResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for pid in periods {
        let row: Option<(String, String)> = conn
            .query_row(
                "SELECT substr(p.start_day, 1, 7), s.statement_hash FROM statements s JOIN periods p ON p.id = s.period_id
                 WHERE s.period_id = ?1 AND s.affiliate_id = ?2",
                params![pid, affiliate_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some(r) = row {
            out.push(r);
        }
    }
    Ok(out)
}

/// Prepares a run for the closed period `label` (and the arrears of earlier closed periods); returns its id.
#[allow(clippy::too_many_arguments)]
pub fn prepare(
    tx: &Transaction<'_>,
    program: &Program,
    workspace_id: &str,
    label: &str,
    execution_date: &str,
    rules: RunRules,
    stamp: &Stamp,
) -> PayoutResult<i64> {
    let p = period::find(tx, program.id, label.trim())?.ok_or_else(|| {
        PayoutError::NotFound(format!("Period: {} was never computed", label.trim()))
    })?;
    if !p.is_closed() {
        return Err(PayoutError::Refused(format!(
            "period {} is open: close it first, so its statements are final before anything is paid",
            p.label()
        )));
    }
    let exec = crate::time::parse_day(execution_date.trim())
        .map_err(|e| PayoutError::Invalid(format!("Execution date: {e}")))?;
    let prepared_by = stamp
        .user_id
        .ok_or_else(|| PayoutError::Invalid("a run needs a signed-in person".into()))?;
    let mut by_affiliate: BTreeMap<i64, Vec<Eligible>> = BTreeMap::new();
    for e in eligible(tx, program.id, &p.start_day)? {
        by_affiliate.entry(e.affiliate_id).or_default().push(e);
    }
    let run_id: i64 = tx.query_row(
        "SELECT COALESCE(MAX(id), 0) + 1 FROM payout_runs",
        [],
        |r| r.get(0),
    )?;
    let mut items = Vec::new();
    let mut rows = Vec::new(); // (affiliate id, item, payee version)
    for (aff, entries) in by_affiliate {
        let (item, row) = plan_item(tx, &p, rules, stamp, aff, &entries)?;
        rows.push(row);
        items.push(item);
    }
    let paying: Vec<&ContentItem> = items.iter().filter(|i| i.state == "pay").collect();
    if paying.is_empty() {
        let mut why: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for i in &items {
            why.entry(i.state.as_str())
                .or_default()
                .push(i.affiliate.as_str());
        }
        let why: Vec<String> = why
            .iter()
            .map(|(state, affs)| format!("{state}: {}", affs.join(", ")))
            .collect();
        return Err(PayoutError::Refused(format!(
            "nothing to pay for {} and before: {} (approve statement lines and payee details first; new details wait their hold)",
            p.label(),
            if why.is_empty() { "no approved, unpaid lines".to_string() } else { why.join("; ") }
        )));
    }
    let mut totals: BTreeMap<String, (i64, u32)> = BTreeMap::new();
    let mut source_total = 0i64;
    for ((_, net, amount, _, _), item) in rows.iter().zip(&items) {
        if item.state == "pay" {
            let t = totals.entry(item.currency.clone()).or_default();
            t.0 += amount;
            t.1 += 1;
            source_total += net;
        }
    }
    let approvals_required = if source_total >= rules.two_approvals_from_micros {
        2
    } else {
        1
    };
    let prepared_by_name: String =
        tx.query_row("SELECT name FROM users WHERE id = ?1", [prepared_by], |r| {
            r.get(0)
        })?;
    let content = Content {
        format: CONTENT_FORMAT,
        workspace: workspace_id.to_string(),
        run: run_id,
        program: program.name.clone(),
        period: p.label(),
        execution_date: exec.to_string(),
        prepared_by: prepared_by_name,
        prepared_at_ms: stamp.at_ms,
        approvals_required,
        items: items.clone(),
        totals: totals
            .iter()
            .map(|(c, (a, n))| (c.clone(), format_amount(*a, c), *n))
            .collect(),
    };
    let json = serde_json::to_string(&content).map_err(|e| PayoutError::Invalid(e.to_string()))?;
    let hash = content_hash(&json);
    tx.execute(
        "INSERT INTO payout_runs (id, program_id, period_id, status, content_json, content_hash, approvals_required, execution_date, prepared_by, prepared_at_ms)
         VALUES (?1, ?2, ?3, 'awaiting_approval', ?4, ?5, ?6, ?7, ?8, ?9)",
        params![run_id, program.id, p.id, json, hash, approvals_required, exec.to_string(), prepared_by, stamp.at_ms],
    )?;
    for ((aff, net, amount, version, (rate, source, as_of)), item) in rows.iter().zip(&items) {
        tx.execute(
            "INSERT INTO payout_items (run_id, affiliate_id, state, payee_version_id, payee_details_sha256, amount_micros, currency,
                                       source_micros, source_currency, fx_rate, fx_source, fx_as_of, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![run_id, aff, item.state, version, item.payee.as_ref().map(|p| p.details_sha256.clone()).unwrap_or_default(),
                    amount, item.currency, net, item.source_currency, rate, source, as_of, item.note],
        )?;
        let item_id = tx.last_insert_rowid();
        for e in &item.entries {
            tx.execute(
                "INSERT INTO payout_item_entries (item_id, entry_id) VALUES (?1, ?2)",
                params![item_id, e],
            )?;
        }
    }
    event(
        tx,
        run_id,
        "prepared",
        stamp,
        &serde_json::json!({"content_hash": hash, "approvals_required": approvals_required}),
    )?;
    Ok(run_id)
}

/// One affiliate's item of a run being prepared: paid (converted to the payee's currency at the period's snapshot),
/// carried, held or without payee, with the reason; and the row its table entry is written from.
fn plan_item(
    tx: &Transaction<'_>,
    p: &PeriodRow,
    rules: RunRules,
    stamp: &Stamp,
    aff: i64,
    entries: &[Eligible],
) -> PayoutResult<(ContentItem, ItemRow)> {
    let (ext, name): (String, String) = tx.query_row(
        "SELECT external_id, name FROM affiliates WHERE id = ?1",
        [aff],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let currencies: std::collections::BTreeSet<&str> =
        entries.iter().map(|e| e.currency.as_str()).collect();
    let source_currency = currencies
        .iter()
        .next()
        .map(|c| c.to_string())
        .unwrap_or_default();
    let net: i64 = entries.iter().map(|e| e.amount_micros).sum();
    let mut periods: Vec<i64> = entries.iter().map(|e| e.period_id).collect();
    periods.sort_unstable();
    periods.dedup();
    let payee = payees::active(tx, aff)?;
    let mut item = ContentItem {
        affiliate: ext,
        name,
        state: "pay".into(),
        amount: String::new(),
        currency: payee
            .as_ref()
            .map_or(source_currency.clone(), |a| a.currency.clone()),
        source_amount: format_amount(net, &source_currency),
        source_currency: source_currency.clone(),
        fx: String::new(),
        payee: payee.as_ref().map(|a: &ActivePayee| ContentPayee {
            method: a.details.method().to_string(),
            details_sha256: a.details_sha256.clone(),
            masked: a.details.mask(),
        }),
        note: String::new(),
        statements: statements_of(tx, aff, &periods)?,
        entries: entries.iter().map(|e| e.entry_id).collect(),
    };
    let mut amount_micros = 0;
    let mut fx_parts = (String::new(), String::new(), String::new());
    if currencies.len() > 1 {
        item.state = "held".into();
        item.note = format!(
            "the approved lines are in several currencies ({}): settle them separately",
            currencies.into_iter().collect::<Vec<_>>().join(", ")
        );
    } else if net <= 0 {
        item.state = "carried".into();
        item.note = format!(
            "nothing to pay: the approved balance is {} {source_currency}",
            format_amount(net, &source_currency)
        );
    } else if let Some(a) = &payee {
        match a.held_until_ms(rules.payee_hold_days) {
            Some(until) if until > stamp.at_ms => {
                item.state = "held".into();
                item.note = format!(
                    "new payee details: the first payment to them is held until {}",
                    chrono::DateTime::from_timestamp_millis(until)
                        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                        .unwrap_or_default()
                );
            }
            _ if a.currency == source_currency => amount_micros = to_minor_units(net, &a.currency)?,
            _ => match fx(tx, p, &source_currency, &a.currency)? {
                Some((rate, source, as_of)) => {
                    let converted = micros_to_decimal(net) * rate;
                    let micros = decimal_to_micros(
                        converted.round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero),
                    )?;
                    amount_micros = to_minor_units(micros, &a.currency)?;
                    item.fx = format!(
                        "1 {source_currency} = {} {} ({source}, {as_of})",
                        rate.normalize(),
                        a.currency
                    );
                    fx_parts = (rate.normalize().to_string(), source, as_of);
                }
                None => {
                    item.state = "held".into();
                    item.note = format!(
                        "no {source_currency}→{} rate in {}'s FX snapshot: pay it from a later period whose snapshot has one",
                        a.currency,
                        p.label()
                    );
                }
            },
        }
    } else {
        item.state = "no_payee".into();
        item.note = "no approved payee details: propose them on the Payouts screen".into();
    }
    if item.state == "pay" && amount_micros <= 0 {
        item.state = "carried".into();
        item.note = "rounds to nothing in the payee's currency".into();
    }
    item.amount = if item.state == "pay" {
        format_amount(amount_micros, &item.currency)
    } else {
        String::new()
    };
    let row = (
        aff,
        net,
        amount_micros,
        payee.as_ref().map(|a| a.version_id),
        fx_parts,
    );
    Ok((item, row))
}

/// Appends a run event.
pub(super) fn event(
    tx: &Transaction<'_>,
    run_id: i64,
    event: &str,
    stamp: &Stamp,
    detail: &serde_json::Value,
) -> PayoutResult<()> {
    tx.execute(
        "INSERT INTO payout_run_events (run_id, event, user_id, at_ms, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![run_id, event, stamp.user_id, stamp.at_ms, detail.to_string()],
    )?;
    Ok(())
}

/// A run's row: (program id, status, content json, content hash, approvals required, prepared by).
pub(super) struct RunRow {
    pub program_id: i64,
    pub status: String,
    pub content_json: String,
    pub content_hash: String,
    pub approvals_required: u32,
    pub prepared_by: i64,
    pub prepared_at_ms: i64,
    pub period: String,
    pub execution_date: String,
}

pub(super) fn run_row(conn: &Connection, run_id: i64) -> PayoutResult<RunRow> {
    conn.query_row(
        "SELECT r.program_id, r.status, r.content_json, r.content_hash, r.approvals_required, r.prepared_by, r.prepared_at_ms,
                substr(p.start_day, 1, 7), r.execution_date
         FROM payout_runs r JOIN periods p ON p.id = r.period_id WHERE r.id = ?1",
        [run_id],
        |r| {
            Ok(RunRow {
                program_id: r.get(0)?,
                status: r.get(1)?,
                content_json: r.get(2)?,
                content_hash: r.get(3)?,
                approvals_required: r.get(4)?,
                prepared_by: r.get(5)?,
                prepared_at_ms: r.get(6)?,
                period: r.get(7)?,
                execution_date: r.get(8)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| PayoutError::NotFound(format!("Payout run: no run {run_id}")))
}

/// Sets a run's status, recording the event.
pub(super) fn set_status(
    tx: &Transaction<'_>,
    run_id: i64,
    status: &str,
    stamp: &Stamp,
    detail: &serde_json::Value,
) -> PayoutResult<()> {
    tx.execute(
        "UPDATE payout_runs SET status = ?2 WHERE id = ?1",
        params![run_id, status],
    )?;
    event(tx, run_id, status, stamp, detail)
}

/// Cancels a run that no file left yet: its entries are free for the next run.
pub fn cancel(
    tx: &Transaction<'_>,
    program_id: i64,
    run_id: i64,
    reason: &str,
    stamp: &Stamp,
) -> PayoutResult<()> {
    let r = run_row(tx, run_id)?;
    if r.program_id != program_id {
        return Err(PayoutError::NotFound(format!(
            "Payout run: no run {run_id} in this program"
        )));
    }
    if r.status != "awaiting_approval" && r.status != "approved" {
        return Err(PayoutError::Refused(format!(
            "run {run_id} is {}: only a run not yet exported can be cancelled (mark an exported run's payments failed instead)",
            r.status
        )));
    }
    if reason.trim().is_empty() {
        return Err(PayoutError::Invalid(
            "Reason: say why the run is cancelled".into(),
        ));
    }
    set_status(
        tx,
        run_id,
        "cancelled",
        stamp,
        &serde_json::json!({"reason": reason.trim()}),
    )
}

fn totals_of(items: &[PayoutItemView]) -> Vec<PayoutTotal> {
    let mut t: BTreeMap<String, (i64, u32)> = BTreeMap::new();
    for i in items.iter().filter(|i| i.state == "pay") {
        let micros = crate::money::parse_micros(&i.amount).unwrap_or(0);
        let e = t.entry(i.currency.clone()).or_default();
        e.0 += micros;
        e.1 += 1;
    }
    t.into_iter()
        .map(|(currency, (m, n))| PayoutTotal {
            amount: format_amount(m, &currency),
            currency,
            payments: n,
        })
        .collect()
}

/// A run's items as stored, with their statements.
pub(super) fn items(conn: &Connection, run_id: i64) -> PayoutResult<Vec<(i64, PayoutItemView)>> {
    let mut stmt = conn.prepare(
        "SELECT i.id, a.external_id, a.name, i.state, i.amount_micros, i.currency, i.source_micros, i.source_currency,
                i.fx_rate, i.fx_source, i.fx_as_of, COALESCE(v.method, ''), COALESCE(v.details_json, ''), i.payee_details_sha256,
                i.note, i.outcome, i.affiliate_id
         FROM payout_items i JOIN affiliates a ON a.id = i.affiliate_id LEFT JOIN payee_versions v ON v.id = i.payee_version_id
         WHERE i.run_id = ?1 ORDER BY a.external_id",
    )?;
    let rows = stmt.query_map([run_id], |r| {
        let currency: String = r.get(5)?;
        let source_currency: String = r.get(7)?;
        let state: String = r.get(3)?;
        let details: String = r.get(12)?;
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(16)?,
            PayoutItemView {
                affiliate_id: r.get(1)?,
                affiliate_name: r.get(2)?,
                amount: if state == "pay" {
                    format_amount(r.get(4)?, &currency)
                } else {
                    String::new()
                },
                state,
                currency,
                source_amount: format_amount(r.get(6)?, &source_currency),
                source_currency,
                fx_rate: r.get(8)?,
                fx_source: r.get(9)?,
                fx_as_of: r.get(10)?,
                payee_method: r.get(11)?,
                payee_masked: serde_json::from_str::<super::payee::PayeeDetails>(&details)
                    .map(|d| d.mask())
                    .unwrap_or_default(),
                payee_details_sha256: r.get(13)?,
                note: r.get(14)?,
                outcome: r.get(15)?,
                statements: Vec::new(),
                change: String::new(),
            },
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, aff, mut view) = row?;
        let periods: Vec<i64> = conn
            .prepare("SELECT DISTINCT e.period_id FROM payout_item_entries pe JOIN ledger_entries e ON e.id = pe.entry_id WHERE pe.item_id = ?1 ORDER BY 1")?
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        view.statements = statements_of(conn, aff, &periods)?
            .into_iter()
            .map(|(p, h)| format!("{p} {h}"))
            .collect();
        out.push((id, view));
    }
    Ok(out)
}

/// The program's runs, newest first.
pub fn list(conn: &Connection, program_id: i64) -> PayoutResult<Vec<PayoutRunSummary>> {
    type Head = (i64, String, String, i64, String, u32, String);
    let ids: Vec<Head> = conn
        .prepare(
            "SELECT r.id, substr(p.start_day, 1, 7), r.status, r.prepared_at_ms, u.name, r.approvals_required, r.execution_date
             FROM payout_runs r JOIN periods p ON p.id = r.period_id JOIN users u ON u.id = r.prepared_by
             WHERE r.program_id = ?1 ORDER BY r.id DESC",
        )?
        .query_map([program_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for (id, period, status, at, by, required, execution_date) in ids {
        let approvals: u32 = conn.query_row(
            "SELECT COUNT(*) FROM payout_run_approvals WHERE run_id = ?1",
            [id],
            |r| r.get(0),
        )?;
        let views: Vec<PayoutItemView> = items(conn, id)?.into_iter().map(|(_, v)| v).collect();
        let totals = totals_of(&views);
        out.push(PayoutRunSummary {
            id,
            period,
            status,
            prepared_by: by,
            prepared_at_ms: at,
            approvals,
            approvals_required: required,
            payments: views.iter().filter(|v| v.state == "pay").count() as u32,
            totals,
            execution_date,
        });
    }
    Ok(out)
}

/// A run with everything the Payouts screen shows, and how it differs from the program's previous live run.
pub fn show(
    conn: &Connection,
    program: &Program,
    run_id: i64,
) -> PayoutResult<super::types::PayoutRunView> {
    use super::types::{PayoutApprovalView, PayoutEventView, PayoutFileView, PayoutRunView};
    let r = run_row(conn, run_id)?;
    if r.program_id != program.id {
        return Err(PayoutError::NotFound(format!(
            "Payout run: no run {run_id} in {}",
            program.name
        )));
    }
    let mut views: Vec<PayoutItemView> = items(conn, run_id)?.into_iter().map(|(_, v)| v).collect();
    let previous: Option<i64> = conn
        .query_row(
            "SELECT MAX(id) FROM payout_runs WHERE program_id = ?1 AND id < ?2 AND status <> 'cancelled'",
            params![program.id, run_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    if let Some(prev) = previous {
        let before: BTreeMap<String, PayoutItemView> = items(conn, prev)?
            .into_iter()
            .map(|(_, v)| (v.affiliate_id.clone(), v))
            .collect();
        for v in views.iter_mut().filter(|v| v.state == "pay") {
            v.change = match before.get(&v.affiliate_id).filter(|b| b.state == "pay") {
                None => "new".into(),
                Some(b) if b.payee_details_sha256 != v.payee_details_sha256 => {
                    "new payee details".into()
                }
                Some(b) if b.currency == v.currency => {
                    let d = crate::money::parse_micros(&v.amount).unwrap_or(0)
                        - crate::money::parse_micros(&b.amount).unwrap_or(0);
                    if d == 0 {
                        String::new()
                    } else {
                        format!(
                            "{}{}",
                            if d > 0 { "+" } else { "" },
                            format_amount(d, &v.currency)
                        )
                    }
                }
                Some(_) => "new currency".into(),
            };
        }
    }
    let approvals = conn
        .prepare("SELECT u.name, a.signed_at_ms, a.via, a.public_key FROM payout_run_approvals a JOIN users u ON u.id = a.approver_id WHERE a.run_id = ?1 ORDER BY a.id")?
        .query_map([run_id], |r| Ok(PayoutApprovalView { approver: r.get(0)?, signed_at_ms: r.get(1)?, via: r.get(2)?, public_key: r.get(3)? }))?
        .collect::<Result<_, _>>()?;
    let files = conn
        .prepare("SELECT currency, format, file_name, sha256, payments FROM payout_files WHERE run_id = ?1 ORDER BY currency, format")?
        .query_map([run_id], |r| Ok(PayoutFileView { currency: r.get(0)?, format: r.get(1)?, file_name: r.get(2)?, sha256: r.get(3)?, payments: r.get(4)? }))?
        .collect::<Result<_, _>>()?;
    let events = conn
        .prepare("SELECT e.event, COALESCE(u.name, ''), e.at_ms, e.detail FROM payout_run_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.run_id = ?1 ORDER BY e.id")?
        .query_map([run_id], |r| Ok(PayoutEventView { event: r.get(0)?, by: r.get(1)?, at_ms: r.get(2)?, detail: r.get(3)? }))?
        .collect::<Result<_, _>>()?;
    let (bank_reference, paid_on): (String, String) = conn.query_row(
        "SELECT bank_reference, paid_on FROM payout_runs WHERE id = ?1",
        [run_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let prepared_by: String = conn.query_row(
        "SELECT name FROM users WHERE id = ?1",
        [r.prepared_by],
        |x| x.get(0),
    )?;
    Ok(PayoutRunView {
        id: run_id,
        program: program.name.clone(),
        period: r.period,
        status: r.status,
        execution_date: r.execution_date,
        prepared_by,
        prepared_at_ms: r.prepared_at_ms,
        content_hash: r.content_hash,
        approvals_required: r.approvals_required,
        approvals,
        totals: totals_of(&views),
        items: views,
        files,
        events,
        bank_reference,
        paid_on,
        previous_run: previous,
    })
}
