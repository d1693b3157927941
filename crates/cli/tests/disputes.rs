//! `dispute list` on the demo: the core pages, orders and searches the cases (`--search --sort --order --offset
//! --limit`), the text says which rows of how many it printed, `--json` carries the page, and a bad order names
//! the columns.

mod common;

use common::{cli, ok};

#[test]
fn dispute_list_pages_orders_and_searches_in_the_core() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, "olivia", &["demo"]);
    for (affiliate, title, amount) in [
        ("2", "October is short by 400 EUR", "400"),
        ("4", "Two FTDs missing", "75"),
        ("1", "Clicks lost in September", "9.5"),
    ] {
        ok(
            d,
            "ana",
            &[
                "dispute",
                "open",
                "--affiliate",
                affiliate,
                "--period",
                "2026-10",
                "--title",
                title,
                "--amount",
                amount,
            ],
        );
    }

    // Smallest claim first, two a page: the text says which rows of how many.
    let first = ok(
        d,
        "vera",
        &[
            "dispute", "list", "--sort", "claimed", "--order", "asc", "--limit", "2",
        ],
    );
    assert!(first.contains("Rows 1–2 of 3"), "{first}");
    let titles = |text: &str| {
        ["Clicks lost", "Two FTDs", "October is short"]
            .into_iter()
            .filter(|t| text.contains(t))
            .collect::<Vec<_>>()
    };
    assert_eq!(titles(&first), ["Clicks lost", "Two FTDs"]);
    let first_at = |t: &str| first.find(t).unwrap();
    assert!(first_at("Clicks lost") < first_at("Two FTDs"), "{first}");

    // The next page as JSON: the page itself (rows, total, offset, the counts).
    let page: serde_json::Value = serde_json::from_str(&ok(
        d,
        "vera",
        &[
            "dispute", "list", "--sort", "claimed", "--order", "asc", "--offset", "2", "--limit",
            "2", "--json",
        ],
    ))
    .unwrap();
    assert_eq!(
        (page["total"].as_u64(), page["offset"].as_u64()),
        (Some(3), Some(2))
    );
    let rows = page["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["title"], "October is short by 400 EUR");
    assert_eq!(page["open"], 3);
    assert_eq!(page["affiliates"].as_array().unwrap().len(), 3);

    // The search, any case; everything fits one page, so no "Rows" line.
    let found = ok(d, "vera", &["dispute", "list", "--search", "OCTOBER"]);
    assert_eq!(titles(&found), ["October is short"]);
    assert!(!found.contains("Rows "), "{found}");
    let none = ok(
        d,
        "vera",
        &["dispute", "list", "--search", "nothing like it"],
    );
    assert!(none.contains("(no cases)"), "{none}");

    // A column the list does not know, and a page past the end, are refused with what is allowed.
    let bad = cli(d, "vera")
        .args(["dispute", "list", "--sort", "amount"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("Sort: 'amount' is not a column (id, title, state, affiliate, owner, due, claimed, granted, period, updated)"),
        "{stderr}"
    );
    let past = cli(d, "vera")
        .args(["dispute", "list", "--offset", "3"])
        .output()
        .unwrap();
    assert!(!past.status.success());
    assert!(
        String::from_utf8_lossy(&past.stderr)
            .contains("Offset: 3 is past the last of the 3 matching cases"),
        "{}",
        String::from_utf8_lossy(&past.stderr)
    );
}
