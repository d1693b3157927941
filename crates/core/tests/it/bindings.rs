//! The UI's TypeScript types are generated from the Rust boundary types; this fails when the committed file is
//! stale. Regenerate with `UPDATE_BINDINGS=1 cargo test -p affops-core --test it bindings`.

use std::path::PathBuf;

#[test]
fn typescript_bindings_are_fresh() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings.ts");
    let generated = affops_core::api::typescript_bindings();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/src/lib/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p affops-core --test it bindings`"
    );
}
