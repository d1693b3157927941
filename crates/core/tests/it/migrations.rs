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
        "0003_postbacks.sql",
        "16cc494cda6fc2a4ae23f1d0db1bf45ca39c5700ad1123b3340bc677427c1d2e",
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

/// Numbers strictly increase from 0001. Gaps are tolerated while branches that each own a number (0002, 0003,
/// 0004) land one by one; at merge the list is contiguous again.
#[test]
fn migrations_are_numbered_in_order() {
    let mut last = 0u32;
    for m in affops_core::store::MIGRATIONS {
        let n: u32 = m.name[..4]
            .parse()
            .expect("a migration name starts with 4 digits");
        assert!(n > last, "{} is out of order", m.name);
        assert_eq!(&m.name[4..5], "_", "{} lacks the NNNN_ prefix", m.name);
        last = n;
    }
    assert!(affops_core::store::MIGRATIONS[0].name.starts_with("0001_"));
}
