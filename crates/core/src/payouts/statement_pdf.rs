//! An affiliate's statement as a PDF: the lines with their rules, status and payout state, the totals, the
//! period's FX snapshot, the payee details version in use, and the statement hash — what the affiliate receives
//! with their payment. Same statement, same bytes (the PDF writer has no clock).

use super::pdf::{Align, Column, Document, PdfError, Table};
use crate::commission::types::Statement;

fn col(heading: &str, width_pt: u32, align: Align) -> Column {
    Column {
        heading: heading.into(),
        width_pt,
        align,
    }
}

/// The statement's PDF bytes.
pub fn to_pdf(s: &Statement) -> Result<Vec<u8>, PdfError> {
    let mut doc = Document::new(&format!(
        "Statement {} {} {}",
        s.program, s.affiliate_id, s.period_label
    ));
    doc.header(&format!(
        "{} · affiliate {} · {}",
        s.program, s.affiliate_id, s.period_label
    ));
    doc.title(&format!("Commission statement {}", s.period_label));
    doc.paragraph(&format!(
        "Affiliate {} ({}). Period {} to {}, {}. Amounts in {}.",
        s.affiliate_id, s.affiliate_name, s.period.from, s.period.to, s.period_status, s.currency
    ));
    let rows = s
        .lines
        .iter()
        .map(|l| {
            let plan = match (&l.plan, l.plan_version_no) {
                (Some(p), Some(v)) => format!("{p} v{v}"),
                _ => String::new(),
            };
            let label = if l.origin_period != s.period_label && !l.origin_period.is_empty() {
                format!("{} (for {})", l.label, l.origin_period)
            } else {
                l.label.clone()
            };
            vec![
                label,
                format!("{} {plan}", l.rule).trim().to_string(),
                l.status.clone(),
                l.payout.clone(),
                l.amount.clone(),
            ]
        })
        .collect();
    doc.table(Table {
        columns: vec![
            col("Line", 110, Align::Left),
            col("Rule", 170, Align::Left),
            col("Status", 55, Align::Left),
            col("Payout", 70, Align::Left),
            col("Amount", 76, Align::Right),
        ],
        rows,
    });
    doc.table(Table {
        columns: vec![
            col("Total", 405, Align::Left),
            col(&s.currency, 76, Align::Right),
        ],
        rows: vec![
            vec!["Subtotal".into(), s.subtotal.clone()],
            vec!["Carried in".into(), s.carried_in.clone()],
            vec!["Carried out".into(), s.carried_out.clone()],
            vec!["Payable".into(), s.payable.clone()],
        ],
    });
    doc.paragraph(&match s.fx_snapshot.is_empty() {
        true => "FX snapshot: none recorded for this period.".to_string(),
        false => format!("FX snapshot: {}.", s.fx_snapshot.join("; ")),
    });
    doc.paragraph(&format!(
        "Paid to: {}.",
        s.payee.as_deref().unwrap_or("no approved payee details")
    ));
    doc.paragraph(&format!("Statement SHA-256: {}", s.statement_hash));
    doc.render()
}
