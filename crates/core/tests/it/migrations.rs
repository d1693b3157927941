//! Shipped migrations are immutable: a database in the field has already run them, so editing one would leave
//! old and new installs with different schemas. Add a new numbered migration instead.

use sha2::{Digest, Sha256};

/// (file name, SHA-256 of its text). Append a line when you add a migration; never change an existing line.
const SHIPPED: &[(&str, &str)] = &[
    (
        "0001_lifecycle.sql",
        "36fe2888afab751c164f75999b0b130bd51b83a44eeccffd1a8b029da81a25fe",
    ),
    (
        "0002_import.sql",
        "162346e3f6ea48e5a49109b4a76ed268c9d60f1e2936ccc967afe6ec8ebf299b",
    ),
];

#[test]
fn shipped_migrations_are_never_edited() {
    let all = affops_core::store::MIGRATIONS;
    assert!(
        all.len() >= SHIPPED.len(),
        "a shipped migration was removed"
    );
    for (m, (name, sha)) in all.iter().zip(SHIPPED) {
        assert_eq!(m.name, *name, "migrations were renamed or reordered");
        let actual = hex::encode(Sha256::digest(m.sql.as_bytes()));
        assert_eq!(
            &actual, sha,
            "shipped migration {name} was edited; add a new migration instead"
        );
    }
}

#[test]
fn migrations_are_numbered_in_order() {
    for (i, m) in affops_core::store::MIGRATIONS.iter().enumerate() {
        assert!(
            m.name.starts_with(&format!("{:04}_", i + 1)),
            "{} is out of order",
            m.name
        );
    }
}
