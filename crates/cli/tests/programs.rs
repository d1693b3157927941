//! `affops-cli program add|edit|list` on a workspace made from nothing: the owner creates a program with its
//! vertical, currency, zone and brands; a wrong field is refused naming it; `programs` still lists; an edit renames
//! and adds a brand.

mod common;

use common::{cli, create_owner, ok};

#[test]
fn the_owner_creates_lists_and_edits_a_program() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    create_owner(dir);
    assert!(ok(dir, "olivia", &["program", "list"]).contains("no program yet"));

    let bad = cli(dir, "olivia")
        .args([
            "program",
            "add",
            "--name",
            "X",
            "--vertical",
            "igaming",
            "--currency",
            "EURO",
            "--timezone",
            "UTC",
        ])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("Currency: 'EURO' is not an ISO 4217 currency code"),
        "{err}"
    );

    let made = ok(
        dir,
        "olivia",
        &[
            "program",
            "add",
            "--name",
            "Broker",
            "--vertical",
            "forex",
            "--currency",
            "usd",
            "--timezone",
            "Europe/Nicosia",
            "--brand",
            "FX One",
        ],
    );
    assert!(
        made.contains("Created program \"Broker\": forex, USD, Europe/Nicosia (brands: FX One)"),
        "{made}"
    );

    let json: serde_json::Value =
        serde_json::from_str(&ok(dir, "olivia", &["program", "list", "--json"])).unwrap();
    assert_eq!(json[0]["name"], "Broker");
    assert_eq!(json[0]["brands"][0], "FX One");
    assert_eq!(json[0]["settings_fixed"], false);
    assert!(ok(dir, "olivia", &["programs"]).contains("Broker"));

    let edited = ok(
        dir,
        "olivia",
        &[
            "program",
            "edit",
            "Broker",
            "--name",
            "FX Broker",
            "--brand",
            "FX Two",
        ],
    );
    assert!(
        edited.contains(
            "Changed program \"FX Broker\": forex, USD, Europe/Nicosia (brands: FX One, FX Two)"
        ),
        "{edited}"
    );
}
