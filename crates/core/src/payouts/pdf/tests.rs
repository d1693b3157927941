use super::*;

fn statement(rows: usize) -> Document {
    let mut d = Document::new("Statement A-1042 2026-03");
    d.header("Affops Demo GmbH · statement A-1042 · 2026-03");
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
        rows: (0..rows)
            .map(|i| {
                vec![
                    format!("{}", i + 1),
                    format!("CPA player P{i:06}"),
                    if i % 2 == 0 {
                        "0.01".into()
                    } else {
                        "1,234,567.89".into()
                    },
                ]
            })
            .collect(),
    });
    d.page_break();
    d.paragraph("Total payable: 1,234,567.90 EUR");
    d
}

/// Offsets in the xref table point at "n 0 obj", and startxref at "xref": a reader can open the file
/// without repairing it.
fn check_xref(pdf: &[u8]) {
    // The header's binary comment is not UTF-8: read the ASCII tail only, so byte offsets stay byte offsets.
    let tail = String::from_utf8_lossy(&pdf[pdf.len().saturating_sub(64)..]).into_owned();
    let start: usize = tail
        .rsplit("startxref\n")
        .next()
        .and_then(|t| t.lines().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no startxref"));
    assert!(
        pdf[start..].starts_with(b"xref\n"),
        "startxref points at the xref table"
    );
    let table = std::str::from_utf8(&pdf[start..]).unwrap_or_else(|e| panic!("{e}"));
    let mut lines = table.lines().skip(1);
    let count: usize = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(count > 1);
    let entries: Vec<&str> = lines.take(count).collect();
    assert_eq!(entries[0], "0000000000 65535 f ");
    for (i, e) in entries.iter().enumerate().skip(1) {
        assert_eq!(e.len(), 19, "entry {i} is 20 bytes with its LF");
        let off: usize = e[..10].parse().unwrap_or(usize::MAX);
        assert!(
            pdf[off..].starts_with(format!("{i} 0 obj\n").as_bytes()),
            "object {i} at {off}"
        );
    }
    assert!(table.contains(&format!("/Size {count} ")));
}

#[test]
fn three_pages_with_a_valid_structure() {
    let pdf = statement(60).render().unwrap_or_else(|e| panic!("{e}"));
    assert!(pdf.starts_with(b"%PDF-1.4\n"));
    assert!(pdf.ends_with(b"%%EOF\n"));
    let text = String::from_utf8_lossy(&pdf);
    assert!(
        text.contains("/Type /Pages /Kids [6 0 R 8 0 R 10 0 R] /Count 3"),
        "60 rows overflow page 1, then a break"
    );
    for n in 1..=3 {
        assert!(
            text.contains(&format!("(page {n} of 3)")),
            "page {n} footer"
        );
    }
    check_xref(&pdf);
}

#[test]
fn same_document_same_bytes_and_nothing_time_dependent() {
    let a = statement(60).render().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a, statement(60).render().unwrap_or_else(|e| panic!("{e}")));
    let text = String::from_utf8_lossy(&a);
    for forbidden in ["CreationDate", "ModDate", "/ID"] {
        assert!(!text.contains(forbidden), "{forbidden}");
    }
    assert!(text.contains("/Producer (Affops)"));
}

#[test]
fn the_table_heading_repeats_on_a_continued_page() {
    let pdf = statement(60).render().unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&pdf);
    // Heading on page 1 and again where the table continues on page 2.
    assert_eq!(text.matches("(Description) Tj").count(), 2);
    // The header line on all three pages (· is in WinAnsi, octal 267).
    assert_eq!(
        text.matches("(Affops Demo GmbH \\267 statement A-1042 \\267 2026-03) Tj")
            .count(),
        3
    );
}

/// Parses "x y Td (text)" of every text run.
fn runs(pdf: &[u8]) -> Vec<(i64, String)> {
    let text = String::from_utf8_lossy(pdf);
    let mpt = |s: &str| {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        int.parse::<i64>().unwrap_or(0) * 1000 + format!("{frac:0<3}").parse::<i64>().unwrap_or(0)
    };
    text.lines()
        .filter(|l| l.starts_with("BT "))
        .filter_map(|l| {
            let parts: Vec<&str> = l.split(' ').collect();
            let s = l.split_once(" Td (")?.1.strip_suffix(") Tj ET")?;
            Some((mpt(parts[4]), s.to_string()))
        })
        .collect()
}

#[test]
fn amounts_are_right_aligned_to_the_column_edge() {
    let pdf = statement(4).render().unwrap_or_else(|e| panic!("{e}"));
    let right = MARGIN_MPT + (60 + 300 + 120) * 1000 - 3_000;
    let mut seen = 0;
    for (x, s) in runs(&pdf) {
        if s == "0.01" || s == "1,234,567.89" || s == "Amount" {
            let font = if s == "Amount" {
                Font::HelveticaBold
            } else {
                Font::Helvetica
            };
            assert_eq!(x + text_width_mpt(font, 10, &s), right, "{s}");
            seen += 1;
        }
    }
    assert_eq!(seen, 5);
}

#[test]
fn wrapping() {
    let w = 100_000; // 100 pt
    let lines = wrap(
        Font::Helvetica,
        10,
        "the quick brown fox jumps over the lazy dog again and again",
        w,
    );
    assert!(lines.len() > 1);
    assert!(lines
        .iter()
        .all(|l| text_width_mpt(Font::Helvetica, 10, l) <= w));
    assert_eq!(
        lines.join(" "),
        "the quick brown fox jumps over the lazy dog again and again"
    );
    let long = "x".repeat(100);
    let split = wrap(Font::Helvetica, 10, &long, w);
    assert!(split.len() > 1 && split.concat() == long);
    assert_eq!(wrap(Font::Helvetica, 10, "  ", w), vec![String::new()]);
}

#[test]
fn characters_outside_win_ansi_print_as_question_marks() {
    let mut d = Document::new("x");
    d.paragraph("Иван Zoë");
    let text = String::from_utf8_lossy(&d.render().unwrap_or_else(|e| panic!("{e}"))).into_owned();
    assert!(text.contains("(???? Zo\\353) Tj"));
}
