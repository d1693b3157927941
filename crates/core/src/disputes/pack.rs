//! The documents of a case. The **evidence pack**: one readable document (HTML and PDF) and a ZIP holding every
//! item as the canonical JSON its hash covers (raw records as received), the case itself, and `manifest.sha256`
//! in the format `sha256sum -c` checks — so a stranger can verify every file without Affops. The **outcome
//! statement** for the affiliate: their claim, what was found, the decision, the adjustment and where it appears.

use super::types::{DisputeView, EvidenceItem};
use crate::payouts::pdf::{Align, Column, Document, PdfError, Table};
use sha2::{Digest, Sha256};

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A file name part from free text.
fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
}

/// The files of an evidence pack: the ZIP's entries (name, bytes) and its manifest.
pub struct Pack {
    pub zip: Vec<u8>,
    pub html: String,
    pub pdf: Vec<u8>,
    pub items: u32,
}

impl Pack {
    pub fn sha256(&self) -> String {
        sha(&self.zip)
    }
}

fn item_file(i: usize, it: &EvidenceItem) -> (String, Vec<u8>) {
    if it.kind == "raw" {
        (
            format!("raw/{:03}-{}.txt", i + 1, slug(&it.source)),
            it.body.as_bytes().to_vec(),
        )
    } else {
        // The canonical JSON the item's hash covers.
        let v: serde_json::Value = serde_json::from_str(&it.body).unwrap_or_default();
        (
            format!("evidence/{:03}-{}.json", i + 1, it.kind),
            super::evidence::canonical(&v).into_bytes(),
        )
    }
}

fn header(v: &DisputeView) -> Vec<(String, String)> {
    let c = &v.case;
    vec![
        ("Case".into(), format!("#{} — {}", c.id, c.title)),
        (
            "Affiliate".into(),
            format!("{} {}", c.affiliate_id, c.affiliate_name)
                .trim()
                .to_string(),
        ),
        ("State".into(), c.state.replace('_', " ")),
        ("Period".into(), c.period.clone()),
        (
            "Claimed".into(),
            format!("{} {}", c.amount_claimed, c.currency),
        ),
        ("Granted".into(), format!("{} {}", c.granted, c.currency)),
        ("Opened from".into(), c.opened_from.replace('_', " ")),
        ("Subjects".into(), v.subjects.join(", ")),
    ]
}

fn html(v: &DisputeView, program: &str) -> String {
    let mut h = String::from("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">");
    h.push_str(&format!(
        "<title>Evidence, dispute case {}</title>",
        v.case.id
    ));
    h.push_str("<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#111}th,td{text-align:left;vertical-align:top;padding:3px 8px}pre{background:#f5f5f5;padding:8px;white-space:pre-wrap;font-size:12px}code{font-size:11px}h2{margin-top:1.6em}</style></head><body>");
    h.push_str(&format!(
        "<h1>Evidence — {} dispute case #{}</h1><table>",
        esc(program),
        v.case.id
    ));
    for (k, val) in header(v) {
        h.push_str(&format!(
            "<tr><th>{}</th><td>{}</td></tr>",
            esc(&k),
            esc(&val)
        ));
    }
    h.push_str("</table>");
    if !v.description.is_empty() {
        h.push_str(&format!("<p>{}</p>", esc(&v.description)));
    }
    h.push_str(&format!("<h2>{} items</h2><p>Each item's SHA-256 is of the file of the same number in the archive (canonical JSON; raw records as received). Verify them with <code>sha256sum -c manifest.sha256</code>.</p>", v.evidence.len()));
    for (i, it) in v.evidence.iter().enumerate() {
        h.push_str(&format!(
            "<h3>{}. {}</h3><p>{} · source: {} · <code>{}</code></p><pre>{}</pre>",
            i + 1,
            esc(&it.title),
            esc(&it.kind),
            esc(&it.source),
            esc(&it.sha256),
            esc(&it.body)
        ));
    }
    h.push_str("<h2>History</h2><table>");
    for e in &v.events {
        let at = chrono::DateTime::from_timestamp_millis(e.at_ms)
            .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_default();
        h.push_str(&format!(
            "<tr><td>{at}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&e.by),
            esc(&e.event),
            esc(&e.text)
        ));
    }
    h.push_str("</table></body></html>\n");
    h
}

fn pdf(v: &DisputeView, program: &str) -> Result<Vec<u8>, PdfError> {
    let mut d = Document::new(&format!("Evidence, dispute case {}", v.case.id));
    d.header(&format!(
        "{program} · dispute case #{} · evidence",
        v.case.id
    ));
    d.title(&format!("Dispute case #{}: {}", v.case.id, v.case.title));
    d.table(Table {
        columns: vec![col("", 100, Align::Left), col("", 381, Align::Left)],
        rows: header(v).into_iter().map(|(k, val)| vec![k, val]).collect(),
    });
    if !v.description.is_empty() {
        d.paragraph(&v.description);
    }
    d.paragraph(&format!(
        "{} items. Each SHA-256 is of the file of the same number in the evidence archive; verify them with sha256sum -c manifest.sha256.",
        v.evidence.len()
    ));
    d.table(Table {
        columns: vec![
            col("#", 24, Align::Right),
            col("Item", 250, Align::Left),
            col("Source", 207, Align::Left),
        ],
        rows: v
            .evidence
            .iter()
            .enumerate()
            .map(|(i, it)| {
                vec![
                    (i + 1).to_string(),
                    format!("{} — SHA-256 {}", it.title, it.sha256),
                    it.source.clone(),
                ]
            })
            .collect(),
    });
    d.title("History");
    d.table(Table {
        columns: vec![
            col("When", 110, Align::Left),
            col("Who", 70, Align::Left),
            col("What", 301, Align::Left),
        ],
        rows: v
            .events
            .iter()
            .map(|e| {
                let at = chrono::DateTime::from_timestamp_millis(e.at_ms)
                    .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_default();
                vec![
                    at,
                    e.by.clone(),
                    format!("{} {}", e.event, e.text).trim().to_string(),
                ]
            })
            .collect(),
    });
    d.render()
}

fn col(h: &str, width_pt: u32, align: Align) -> Column {
    Column {
        heading: h.into(),
        width_pt,
        align,
    }
}

/// Builds the pack of a case as shown (`v`, with its evidence).
pub fn build(v: &DisputeView, program: &str) -> Result<Pack, String> {
    let html = html(v, program);
    let pdf = pdf(v, program).map_err(|e| e.to_string())?;
    let mut case = serde_json::to_value(v).map_err(|e| e.to_string())?;
    if let Some(o) = case.as_object_mut() {
        o.remove("evidence");
    }
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "case.json".into(),
            serde_json::to_vec_pretty(&case).map_err(|e| e.to_string())?,
        ),
        ("evidence.html".into(), html.clone().into_bytes()),
        ("evidence.pdf".into(), pdf.clone()),
    ];
    files.extend(
        v.evidence
            .iter()
            .enumerate()
            .map(|(i, it)| item_file(i, it)),
    );
    let manifest: String = files
        .iter()
        .map(|(n, b)| format!("{}  {n}\n", sha(b)))
        .collect();
    files.push(("manifest.sha256".into(), manifest.into_bytes()));
    let zip = super::zip::write(&files).map_err(|e| e.to_string())?;
    Ok(Pack {
        zip,
        html,
        pdf,
        items: v.evidence.len() as u32,
    })
}

/// The statement of a case's outcome for the affiliate, as PDF and HTML.
pub fn outcome(v: &DisputeView, program: &str) -> Result<(Vec<u8>, String), String> {
    let c = &v.case;
    let last = v
        .outcomes
        .last()
        .ok_or_else(|| format!("case {} has no decision yet: resolve it first", c.id))?;
    let found: Vec<String> = {
        let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for it in &v.evidence {
            *counts.entry(it.kind.as_str()).or_default() += 1;
        }
        counts
            .iter()
            .map(|(k, n)| format!("{n} {}", k.replace('_', " ")))
            .collect()
    };
    let money = match (&last.ledger_entry, last.booked_period.as_str()) {
        (Some(e), p) if !p.is_empty() => format!(
            "An adjustment bringing the case's total to {} {} is booked as ledger entry {e} and appears on your {p} statement as \"Dispute adjustment\".",
            last.granted, c.currency
        ),
        _ if last.decision == "rejected" => "No amount is paid for this claim.".to_string(),
        _ => format!("The total granted stays {} {}; nothing new is booked.", last.granted, c.currency),
    };
    let decision = last.decision.replace('_', " ");
    let lines = [
        (
            "Your claim",
            format!(
                "{} — {} {} claimed{}",
                c.title,
                c.amount_claimed,
                c.currency,
                if c.period.is_empty() {
                    String::new()
                } else {
                    format!(" for {}", c.period)
                }
            ),
        ),
        (
            "What we found",
            format!(
                "We reviewed {} items of evidence: {}.",
                v.evidence.len(),
                found.join(", ")
            ),
        ),
        (
            "Decision",
            format!(
                "{decision} on {} by {}",
                day(last.decided_at_ms),
                last.decided_by
            ),
        ),
        ("Why", last.reason.clone()),
        ("Money", money),
    ];
    let mut d = Document::new(&format!("Outcome of dispute case {}", c.id));
    d.header(&format!("{program} · dispute case #{} · outcome", c.id));
    d.title(&format!("Dispute case #{}: {decision}", c.id));
    d.paragraph(&format!(
        "To affiliate {} {}.",
        c.affiliate_id, c.affiliate_name
    ));
    d.table(Table {
        columns: vec![col("", 100, Align::Left), col("", 381, Align::Left)],
        rows: lines
            .iter()
            .map(|(k, val)| vec![k.to_string(), val.clone()])
            .collect(),
    });
    if let Some(p) = v.packs.last() {
        d.paragraph(&format!("Evidence pack SHA-256: {}", p.sha256));
    }
    let pdf = d.render().map_err(|e| e.to_string())?;
    let mut h = String::from("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.push_str(&format!("<title>Outcome of dispute case {}</title><style>body{{font:14px/1.4 system-ui,sans-serif;margin:2em}}th,td{{text-align:left;vertical-align:top;padding:4px 8px}}</style></head><body>", c.id));
    h.push_str(&format!(
        "<h1>{} — dispute case #{}: {}</h1><p>To affiliate {} {}.</p><table>",
        esc(program),
        c.id,
        esc(&decision),
        esc(&c.affiliate_id),
        esc(&c.affiliate_name)
    ));
    for (k, val) in &lines {
        h.push_str(&format!("<tr><th>{k}</th><td>{}</td></tr>", esc(val)));
    }
    h.push_str("</table></body></html>\n");
    Ok((pdf, h))
}

fn day(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}
