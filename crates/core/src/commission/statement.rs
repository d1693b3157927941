//! Statements: an affiliate's lines for a period, built from the ledger (not from a fresh computation), so a
//! statement shows exactly what is booked. Each line drills down to its plan version, rule and events. The hash
//! covers the money content (lines, amounts, rules, drill-down) and not the workflow state (period and line
//! status), so regenerating a closed period's statement anywhere gives the same hash.
//! Exports: CSV (formula-injection safe) and a printable, self-contained HTML page without scripts.

use super::load::Program;
use super::period::PeriodRow;
use super::{CommissionError, CommissionResult};
use crate::commission::types::{DrillEvent, DrillItem, Statement, StatementLine};
use crate::import::quarantine::spreadsheet_safe;
use crate::ledger::{current_status, entry_row, EntryStatus, ENTRY_COLS};
use crate::money::format_amount;
use crate::time::Period;
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::str::FromStr;

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A line key as people read it.
pub fn label(key: &str) -> String {
    let (prefix, base) = key.split_once(':').map_or(("", key), |(p, b)| (p, b));
    let base_label = match base {
        "cpa" => "CPA",
        "cpl" => "CPL (registrations)",
        "revshare" => "Revenue share",
        "ib_rebate" => "IB rebate",
        "ib_override" => "IB overrides (sub-IBs)",
        "sub_affiliate" => "Sub-affiliate commission",
        "cap" => "Cap",
        "carry_in" => "Balance carried in",
        "carry_out" => "Balance carried forward",
        "waiver" => "Negative balance dropped",
        "returned_payment" => "Returned payment (paid again)",
        "dispute_adjustment" => "Dispute adjustment",
        other => other,
    };
    match prefix {
        "void" => format!("Void of {base_label}"),
        "clawback" => format!("Clawback of {base_label}"),
        "" => base_label.to_string(),
        p => format!("{p}: {base_label}"),
    }
}

fn drilldown(basis: &str) -> Vec<DrillItem> {
    let v: serde_json::Value = serde_json::from_str(basis).unwrap_or_default();
    let s = |v: &serde_json::Value, k: &str| {
        v.get(k)
            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
            .unwrap_or_default()
    };
    v.get("items")
        .and_then(|i| i.as_array())
        .map(|items| {
            items
                .iter()
                .map(|it| DrillItem {
                    subject: s(it, "subject"),
                    amount: s(it, "amount"),
                    note: s(it, "note"),
                    events: it
                        .get("events")
                        .and_then(|e| e.as_array())
                        .map(|evs| {
                            evs.iter()
                                .map(|e| DrillEvent {
                                    kind: s(e, "kind"),
                                    id: s(e, "id"),
                                    day: s(e, "day"),
                                    detail: s(e, "detail"),
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Builds an affiliate's statement for a period from the ledger.
pub fn build(
    conn: &Connection,
    program: &Program,
    period: &PeriodRow,
    affiliate_id: i64,
) -> CommissionResult<Statement> {
    let (external_id, name): (String, String) = conn
        .query_row(
            "SELECT external_id, name FROM affiliates WHERE id = ?1",
            [affiliate_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| CommissionError::NotFound(format!("affiliate #{affiliate_id}")))?;
    let mut stmt = conn.prepare(&format!("SELECT {ENTRY_COLS} FROM ledger_entries WHERE period_id = ?1 AND affiliate_id = ?2 AND kind <> 'status' ORDER BY id"))?;
    let entries: Vec<crate::ledger::Entry> = stmt
        .query_map(params![period.id, affiliate_id], entry_row)?
        .collect::<Result<_, _>>()?;
    let labels: BTreeMap<i64, String> = {
        let mut s = conn.prepare("SELECT id, start_day FROM periods WHERE program_id = ?1")?;
        let rows = s.query_map([program.id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        rows.collect::<Result<BTreeMap<_, _>, _>>()?
            .into_iter()
            .map(|(k, v)| (k, v.get(..7).unwrap_or(&v).to_string()))
            .collect()
    };
    // One line per (origin period, line key), in the order first booked.
    let mut order: Vec<(i64, String)> = Vec::new();
    let mut groups: BTreeMap<(i64, String), Vec<&crate::ledger::Entry>> = BTreeMap::new();
    for e in &entries {
        let k = (e.origin_period_id, e.line_key.clone());
        if !groups.contains_key(&k) {
            order.push(k.clone());
        }
        groups.entry(k).or_default().push(e);
    }
    let currency = entries
        .first()
        .map_or_else(|| program.currency.clone(), |e| e.currency.clone());
    let (mut subtotal, mut carried_in, mut carried_out, mut payable) = (0i64, 0i64, 0i64, 0i64);
    let mut lines = Vec::new();
    for k in order {
        let es = &groups[&k];
        let last = es[es.len() - 1];
        let amount: i64 = es.iter().map(|e| e.amount_micros).sum();
        let mut statuses = Vec::new();
        for e in es {
            statuses.push(current_status(conn, e.id)?);
        }
        let status = if statuses.iter().all(|s| *s == EntryStatus::Approved) {
            "approved"
        } else if statuses.iter().all(|s| *s == EntryStatus::Void) {
            "void"
        } else {
            "pending"
        };
        let (plan, plan_version_no) = match last.plan_version_id {
            Some(pv) => conn
                .query_row("SELECT p.name, v.version_no FROM plan_versions v JOIN plans p ON p.id = v.plan_id WHERE v.id = ?1", [pv], |r| Ok((Some(r.get::<_, String>(0)?), Some(r.get::<_, u32>(1)?))))
                .optional()?
                .unwrap_or((None, None)),
            None => (None, None),
        };
        match k.1.as_str() {
            "carry_in" => carried_in += amount,
            "carry_out" | "waiver" => carried_out += amount,
            _ => subtotal += amount,
        }
        payable += amount;
        lines.push(StatementLine {
            line_key: k.1.clone(),
            label: if es.iter().all(|e| e.reason == "clawback") {
                format!("Clawback of {}", label(&k.1))
            } else {
                label(&k.1)
            },
            kind: es[0].kind.as_str().to_string(),
            rule: last.rule.clone(),
            plan,
            plan_version_no,
            status: status.to_string(),
            reason: last.reason.clone(),
            origin_period: labels.get(&k.0).cloned().unwrap_or_default(),
            amount: format_amount(amount, &last.currency),
            amount_micros: amount.to_string(),
            entry_ids: es.iter().map(|e| e.id.to_string()).collect(),
            approvable_from: last.approvable_from_day.clone(),
            drilldown: drilldown(&last.basis),
            payout: payout_state(conn, es[0].id)?,
        });
    }
    let mut s = Statement {
        program: program.name.clone(),
        affiliate_id: external_id,
        affiliate_name: name,
        period_label: period.label(),
        period: Period {
            from: period.start_day.clone(),
            to: period.end_day.clone(),
        },
        period_status: period.status.clone(),
        currency: currency.clone(),
        lines,
        subtotal: format_amount(subtotal, &currency),
        carried_in: format_amount(carried_in, &currency),
        carried_out: format_amount(carried_out, &currency),
        payable: format_amount(payable, &currency),
        payable_micros: payable.to_string(),
        statement_hash: String::new(),
        fx_snapshot: fx_snapshot(conn, period.id)?,
        payee: payee_line(conn, affiliate_id)?,
    };
    s.statement_hash = statement_hash(&s);
    Ok(s)
}

/// Where an entry's money stands in payouts.
fn payout_state(conn: &Connection, entry_id: i64) -> CommissionResult<String> {
    let row: Option<(i64, String, String)> = conn
        .query_row(
            "SELECT r.id, r.status, i.outcome FROM payout_item_entries pe JOIN payout_items i ON i.id = pe.item_id
             JOIN payout_runs r ON r.id = i.run_id WHERE pe.entry_id = ?1 AND r.status <> 'cancelled' AND i.state = 'pay'",
            [entry_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(match row {
        None => String::new(),
        Some((run, _, o)) if o == "paid" || o == "returned" || o == "failed" => {
            format!("{o} (run {run})")
        }
        Some((run, status, _)) => format!("run {run}, {}", status.replace('_', " ")),
    })
}

/// The period's FX snapshot as people read it.
fn fx_snapshot(conn: &Connection, period_id: i64) -> CommissionResult<Vec<String>> {
    let mut stmt = conn.prepare("SELECT from_currency, to_currency, rate, source, as_of FROM fx_rates WHERE period_id = ?1 ORDER BY from_currency, to_currency")?;
    let rows = stmt.query_map([period_id], |r| {
        Ok(format!(
            "1 {} = {} {} ({}, {})",
            r.get::<_, String>(0)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?
        ))
    })?;
    let mut out: Vec<String> = rows.collect::<Result<_, _>>()?;
    // Plans converting per day: each pair's days and the range of its rates (every day is in the snapshot).
    let mut stmt = conn.prepare(
        "SELECT from_currency, to_currency, day, rate, source FROM period_fx_daily WHERE period_id = ?1
         ORDER BY from_currency, to_currency, day",
    )?;
    // (from, to) → each day's (day, rate, source).
    type Days = Vec<(String, Decimal, String)>;
    let mut pairs: BTreeMap<(String, String), Days> = BTreeMap::new();
    let mut rows = stmt.query([period_id])?;
    while let Some(r) = rows.next()? {
        let rate: String = r.get(3)?;
        let rate = Decimal::from_str(&rate).map_err(|_| {
            CommissionError::BadInput(format!("per-day FX rate '{rate}' is not a decimal"))
        })?;
        pairs
            .entry((r.get(0)?, r.get(1)?))
            .or_default()
            .push((r.get(2)?, rate, r.get(4)?));
    }
    for ((from, to), days) in pairs {
        let (lo, hi) =
            days.iter()
                .fold((None::<Decimal>, None::<Decimal>), |(lo, hi), (_, r, _)| {
                    (
                        Some(lo.map_or(*r, |l| l.min(*r))),
                        Some(hi.map_or(*r, |h| h.max(*r))),
                    )
                });
        let sources: std::collections::BTreeSet<&str> =
            days.iter().map(|(_, _, s)| s.as_str()).collect();
        out.push(format!(
            "1 {from} in {to} at each day's rate: {} days {}..{}, {} to {} ({})",
            days.len(),
            days.first().map_or("", |d| d.0.as_str()),
            days.last().map_or("", |d| d.0.as_str()),
            lo.unwrap_or_default().normalize(),
            hi.unwrap_or_default().normalize(),
            sources.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    Ok(out)
}

/// The approved payee details in use, masked, with their details version.
fn payee_line(conn: &Connection, affiliate_id: i64) -> CommissionResult<Option<String>> {
    let active = crate::payouts::payees::active(conn, affiliate_id)
        .map_err(|e| CommissionError::BadInput(e.to_string()))?;
    Ok(active.map(|a| {
        format!(
            "{} {} in {}, details version {}",
            a.details.method().to_uppercase(),
            a.details.mask(),
            a.currency,
            &a.details_sha256[..12.min(a.details_sha256.len())]
        )
    }))
}

/// SHA-256 of the statement's canonical JSON without its hash, period status and line statuses.
pub fn statement_hash(s: &Statement) -> String {
    let mut c = s.clone();
    c.statement_hash = String::new();
    c.period_status = String::new();
    c.fx_snapshot = Vec::new();
    c.payee = None;
    for l in &mut c.lines {
        l.status = String::new();
        l.payout = String::new();
    }
    sha256_hex(&serde_json::to_vec(&c).unwrap_or_default())
}

/// The statement as CSV: one row per line, then one per drill-down item, then the totals. Every cell is made
/// spreadsheet-safe (a cell starting with = + - @ tab or CR is prefixed with `'`), so amounts appear as text
/// where negative; hostile affiliate or player names cannot run formulas.
pub fn to_csv(s: &Statement) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut failed = None;
    let mut row = |cells: &[&str]| {
        // Every row has the header's ten columns, so spreadsheets and csv readers see one table.
        let mut safe: Vec<String> = cells.iter().map(|c| spreadsheet_safe(c)).collect();
        safe.resize(CSV_COLUMNS, String::new());
        if let Err(e) = w.write_record(&safe) {
            failed.get_or_insert(e);
        }
    };
    row(&[
        "statement",
        &s.program,
        &s.affiliate_id,
        &s.affiliate_name,
        &s.period_label,
        &s.currency,
        &s.statement_hash,
    ]);
    row(&[
        "line",
        "label",
        "rule",
        "plan",
        "version",
        "origin_period",
        "status",
        "amount",
        "subject",
        "note",
    ]);
    for l in &s.lines {
        let v = l.plan_version_no.map(|v| v.to_string()).unwrap_or_default();
        row(&[
            "line",
            &l.line_key,
            &l.rule,
            l.plan.as_deref().unwrap_or(""),
            &v,
            &l.origin_period,
            &l.status,
            &l.amount,
            "",
            "",
        ]);
        for d in &l.drilldown {
            row(&[
                "detail",
                &l.line_key,
                "",
                "",
                "",
                "",
                "",
                &d.amount,
                &d.subject,
                &d.note,
            ]);
        }
    }
    for (k, v) in [
        ("subtotal", &s.subtotal),
        ("carried_in", &s.carried_in),
        ("carried_out", &s.carried_out),
        ("payable", &s.payable),
    ] {
        row(&["total", k, "", "", "", "", "", v, "", ""]);
    }
    // Writing to memory cannot fail short of a bug; an empty export is never passed off as a statement.
    debug_assert!(failed.is_none(), "{failed:?}");
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Columns of the statement CSV.
const CSV_COLUMNS: usize = 10;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A printable statement: one self-contained HTML document (inline CSS, no scripts, no external resources).
pub fn to_html(s: &Statement) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">");
    h.push_str(&format!(
        "<title>Statement {} {}</title>",
        esc(&s.affiliate_id),
        esc(&s.period_label)
    ));
    h.push_str("<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#111}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}tr.d td{color:#555;font-size:12px}.tot td{font-weight:600}code{font-size:11px}@media print{body{margin:0}}</style></head><body>");
    h.push_str(&format!("<h1>Commission statement</h1><p>{} — affiliate <b>{}</b> ({})<br>Period {} ({} to {}), {}<br>Currency {}</p>", esc(&s.program), esc(&s.affiliate_id), esc(&s.affiliate_name), esc(&s.period_label), esc(&s.period.from), esc(&s.period.to), esc(&s.period_status), esc(&s.currency)));
    h.push_str("<table><thead><tr><th>Line</th><th>Rule</th><th>Plan</th><th>Status</th><th>Payout</th><th>Amount</th></tr></thead><tbody>");
    for l in &s.lines {
        let plan = match (&l.plan, l.plan_version_no) {
            (Some(p), Some(v)) => format!("{} v{v}", esc(p)),
            _ => String::new(),
        };
        let origin = if l.origin_period != s.period_label {
            format!(" (for {})", esc(&l.origin_period))
        } else {
            String::new()
        };
        h.push_str(&format!("<tr><td>{}{origin}</td><td>{}</td><td>{plan}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>", esc(&l.label), esc(&l.rule), esc(&l.status), esc(&l.payout), esc(&l.amount)));
        for d in &l.drilldown {
            h.push_str(&format!("<tr class=\"d\"><td></td><td>{}: {}</td><td></td><td></td><td></td><td class=\"n\">{}</td></tr>", esc(&d.subject), esc(&d.note), esc(&d.amount)));
        }
    }
    for (k, v) in [
        ("Subtotal", &s.subtotal),
        ("Carried in", &s.carried_in),
        ("Carried forward / dropped", &s.carried_out),
        ("Payable", &s.payable),
    ] {
        h.push_str(&format!(
            "<tr class=\"tot\"><td colspan=\"5\">{k}</td><td class=\"n\">{}</td></tr>",
            esc(v)
        ));
    }
    h.push_str("</tbody></table>");
    if !s.fx_snapshot.is_empty() {
        h.push_str(&format!(
            "<p>FX snapshot: {}</p>",
            esc(&s.fx_snapshot.join("; "))
        ));
    }
    if let Some(p) = &s.payee {
        h.push_str(&format!("<p>Paid to: {}</p>", esc(p)));
    }
    h.push_str(&format!(
        "<p>Statement hash <code>{}</code></p></body></html>\n",
        esc(&s.statement_hash)
    ));
    h
}
