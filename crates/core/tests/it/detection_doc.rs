//! `docs/detection.md` is every rule's signal, baseline and settings as the code declares them; this fails when the
//! committed file is stale. Regenerate with `UPDATE_DOCS=1 cargo test -p affops-core --test it detection_doc`.

use std::path::PathBuf;

#[test]
fn detection_doc_is_fresh() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/detection.md");
    let generated = affops_core::detect::rules_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/detection.md is stale: run `UPDATE_DOCS=1 cargo test -p affops-core --test it detection_doc`"
    );
}
