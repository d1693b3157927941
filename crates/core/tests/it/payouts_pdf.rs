//! A generated statement PDF reads back as text through poppler's `pdftotext -layout`: the accented name, the
//! amounts, the repeated header and "page n of m" — what a person or a search index gets from the file.
//!
//! `pdftotext` comes from the Debian package poppler-utils, installed by `.ci/setup`; when it is missing the test
//! FAILS and says so, unless `AFFOPS_SKIP_PDFTOTEXT=1` (quick local runs).

use affops_core::payouts::pdf::{Align, Column, Document, Table};
use std::process::Command;

const SKIP_ENV: &str = "AFFOPS_SKIP_PDFTOTEXT";

fn statement() -> Document {
    let mut d = Document::new("Statement A-1042 2026-03");
    d.header("Affops Demo GmbH - statement A-1042 - 2026-03");
    d.title("Statement for Zoë Müller");
    d.paragraph("Commission for March 2026, approved lines only. Amounts in EUR.");
    d.table(Table {
        columns: vec![
            Column {
                heading: "Line".into(),
                width_pt: 60,
                align: Align::Left,
            },
            Column {
                heading: "Description".into(),
                width_pt: 300,
                align: Align::Left,
            },
            Column {
                heading: "Amount".into(),
                width_pt: 120,
                align: Align::Right,
            },
        ],
        rows: (0..60)
            .map(|i| {
                let amount = if i % 2 == 0 { "0.01" } else { "1,234,567.89" };
                vec![
                    format!("{}", i + 1),
                    format!("CPA player P{i:06}"),
                    amount.to_string(),
                ]
            })
            .collect(),
    });
    d.page_break();
    d.paragraph("Total payable: 36,987,036.00 EUR to Zoë Müller.");
    d
}

#[test]
fn statement_pdf_reads_back_with_pdftotext() {
    if std::env::var(SKIP_ENV).as_deref() == Ok("1") {
        println!("SKIPPED: {SKIP_ENV}=1, the PDF is not read back");
        return;
    }
    let probe = Command::new("pdftotext").arg("-v").output();
    assert!(
        probe.is_ok(),
        "pdftotext is not installed: run `bash .ci/setup` (Debian package poppler-utils), or set {SKIP_ENV}=1"
    );
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("statement.pdf");
    let pdf = statement().render().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&path, &pdf).unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output();
    let out = out.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(pages.len(), 3, "{text}");
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains("Affops Demo GmbH - statement A-1042 - 2026-03"),
            "header on page {}",
            i + 1
        );
        assert!(
            page.contains(&format!("page {} of 3", i + 1)),
            "footer on page {}",
            i + 1
        );
    }
    assert!(
        pages[0].contains("Statement for Zoë Müller"),
        "the accented name survives WinAnsiEncoding"
    );
    assert!(
        pages[1].contains("Description"),
        "the table heading repeats where the table continues"
    );
    assert!(pages[2].contains("Total payable: 36,987,036.00 EUR to Zoë Müller."));
    // Every row's amount is read back, and the right-aligned amounts end in the same text column.
    let rows: Vec<&str> = text.lines().filter(|l| l.contains("CPA player")).collect();
    let amounts: Vec<&str> = rows
        .iter()
        .filter_map(|l| l.split_whitespace().last())
        .collect();
    assert_eq!(amounts.len(), 60);
    assert!(
        amounts.iter().all(|a| *a == "0.01" || *a == "1,234,567.89"),
        "{amounts:?}"
    );
    // pdftotext lays out each page on its own character grid, so alignment is compared within a page.
    for page in &pages {
        let ends: Vec<usize> = page
            .lines()
            .filter(|l| l.contains("CPA player"))
            .map(|l| l.trim_end().chars().count())
            .collect();
        assert!(
            ends.windows(2).all(|w| w[0] == w[1]),
            "amount columns line up:\n{page}"
        );
    }
}
