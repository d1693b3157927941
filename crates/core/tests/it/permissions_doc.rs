//! `docs/permissions.md` is the role matrix and the operation list as the code has them; this fails when the
//! committed file is stale. Regenerate with `UPDATE_DOCS=1 cargo test -p affops-core --test it permissions_doc`.

use std::path::PathBuf;

#[test]
fn permissions_doc_is_fresh() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/permissions.md");
    let generated = affops_core::ops::catalog::permissions_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/permissions.md is stale: run `UPDATE_DOCS=1 cargo test -p affops-core --test it permissions_doc`"
    );
}
