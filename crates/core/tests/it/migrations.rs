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
        "0002_rollups.sql",
        "2bef82e4f48a9c72f66762434eebfc2834aba95910cd4306c13e1ec970f00676",
    ),
    (
        "0003_postbacks.sql",
        "16cc494cda6fc2a4ae23f1d0db1bf45ca39c5700ad1123b3340bc677427c1d2e",
    ),
    (
        "0004_import.sql",
        "8f4e7af5692870cadf7539881e59cc73c58c5ec8a1dde33af7da5507331878f1",
    ),
    (
        "0005_commission.sql",
        "88f8151bd74214e68f639f2aa91649b1f91080402bbcae752cccc7f4d635beaa",
    ),
    (
        "0006_attribution.sql",
        "2239aa5e383de72eee00f8204ea814a8e2db0290a6c59af0e3bcfb16908ea372",
    ),
    (
        "0007_detection.sql",
        "270d6553784bc2f5464d8d407d8babb5c0cd42a40727ad06219cc9ff879e285a",
    ),
    (
        "0008_fraud_exclusions.sql",
        "fb2313250197277911f76390f41191128dac6acdcef50b09490821ab32b9be58",
    ),
    (
        "0009_source_update_time.sql",
        "390a30a272562f027dc29647e29a82b0187360f383be04ddab2dfd4d0402388b",
    ),
    (
        "0010_raw_encoding.sql",
        "6477e0dd142f9a1846dbd4c6627114209117531a9b021385d7158d2a79cdb48b",
    ),
    (
        "0011_conversions_txn_index.sql",
        "0bd9eb270d87956166e2bbb5980f8cdf52bda9ef8ed33105767c9a84a4902e60",
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

/// Numbers run 0001, 0002, … without gaps: `user_version` is the count of applied migrations.
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
