//! The command plumbing of the desktop app, checked against the one list of operations
//! (`affops_core::ops::Op::ALL`): every operation is a Tauri command registered in the handler list
//! (`src-tauri/src/main.rs`), declared to tauri-build (`src-tauri/build.rs`, which makes its permission), granted
//! by the window's capability (`src-tauri/capabilities/main-window.json`), and called exactly once by the UI's
//! client (`ui/src/lib/api.ts`) — and nothing else is. Adding an operation without its plumbing fails here.

use affops_core::ops::Op;
use std::collections::BTreeSet;
use std::path::Path;

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn ops() -> BTreeSet<String> {
    Op::ALL.iter().map(|o| o.name().to_string()).collect()
}

/// Every `"name"` between `start` and the next `]` of `text`.
fn quoted_list(text: &str, start: &str) -> Vec<String> {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start}")) + start.len();
    let end = from + text[from..].find(']').expect("list end");
    text[from..end]
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn assert_same(what: &str, found: &[String]) {
    let set: BTreeSet<String> = found.iter().cloned().collect();
    assert_eq!(set.len(), found.len(), "{what} names a command twice");
    let expected = ops();
    let missing: Vec<_> = expected.difference(&set).collect();
    let extra: Vec<_> = set.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: missing {missing:?}, not an operation {extra:?}"
    );
}

#[test]
fn build_script_declares_every_operation() {
    assert_same(
        "src-tauri/build.rs",
        &quoted_list(&read("src-tauri/build.rs"), "const COMMANDS: &[&str] = &["),
    );
}

#[test]
fn capability_grants_exactly_the_operations() {
    let cap: serde_json::Value =
        serde_json::from_str(&read("src-tauri/capabilities/main-window.json")).unwrap();
    let granted: Vec<String> = cap["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .map(|p| {
            p.as_str()
                .and_then(|p| p.strip_prefix("allow-"))
                .unwrap_or_else(|| panic!("only the app's own allow-* permissions, not {p}"))
                .replace('-', "_")
        })
        .collect();
    assert_same("the window's capability", &granted);
}

#[test]
fn handler_registers_every_operation() {
    let main = read("src-tauri/src/main.rs");
    let from = main.find("generate_handler![").expect("handler list");
    let end = from + main[from..].find(']').expect("end");
    let names: Vec<String> = main[from..end]
        .split(',')
        .filter_map(|p| p.trim().rsplit("::").next().map(str::to_string))
        .filter(|n| !n.is_empty() && !n.contains('['))
        .collect();
    assert_same("the handler list", &names);
}

/// Every `call('name'` or `call<T>('name'` in the UI client (the one place that invokes commands).
fn client_calls(api: &str) -> Vec<String> {
    let bytes = api.as_bytes();
    let mut out = Vec::new();
    for (i, _) in api.match_indices("call") {
        if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') {
            continue;
        }
        let mut j = i + 4;
        if bytes.get(j) == Some(&b'<') {
            let mut depth = 0;
            while j < bytes.len() {
                match bytes[j] {
                    b'<' => depth += 1,
                    b'>' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            j += 1;
        }
        if !api[j..].starts_with("('") {
            continue;
        }
        let name: String = api[j + 2..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        if api[j + 2 + name.len()..].starts_with('\'') && !name.is_empty() {
            out.push(name);
        }
    }
    out
}

#[test]
fn the_ui_client_calls_every_operation_once() {
    assert_same(
        "ui/src/lib/api.ts",
        &client_calls(&read("ui/src/lib/api.ts")),
    );
}
