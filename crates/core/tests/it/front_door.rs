//! A console over a test's workspace with the demo's people in it, and a signed-in context per role. The people's
//! secrets (argon2, slow on purpose) are derived once per test binary and reused in every workspace.

use affops_core::api::{Role, SignInRequest};
use affops_core::audit::Stamp;
use affops_core::credentials::CredentialStore;
use affops_core::ops::{self, Console, Ctx};
use affops_core::people::NewPerson;
use affops_core::workspace::Workspace;
use std::sync::{Arc, OnceLock};

fn prepared() -> &'static [NewPerson] {
    static PEOPLE: OnceLock<Vec<NewPerson>> = OnceLock::new();
    PEOPLE.get_or_init(|| ops::people::prepare_demo_people().expect("demo people"))
}

/// The sign-in name of the demo's person holding `role` (the first finance person for finance).
pub fn name_of(role: Role) -> &'static str {
    ops::people::DEMO_PEOPLE
        .iter()
        .find(|(_, _, roles)| roles.contains(&role))
        .map(|(n, _, _)| *n)
        .expect("a demo person per role")
}

/// Adds the demo's people to the workspace (recorded in the audit chain, so `audit verify` holds).
pub fn seed_people(ws: &Workspace, now_ms: i64) {
    ws.store()
        .write(|tx| -> Result<(), affops_core::people::PeopleError> {
            let ids = ops::people::create_demo_people(tx, prepared(), now_ms)?;
            let stamp = Stamp::tool("test", "open_demo_workspace", now_ms);
            ops::people::record_people(tx, &stamp, "demo", &ids, serde_json::json!({}))
        })
        .expect("seed people");
}

/// A console over `ws` whose clock reads `now_ms` and whose sign-in never sleeps.
pub fn console(ws: &Workspace, now_ms: i64) -> Console {
    let creds = Arc::new(CredentialStore::file_only(ws.data_dir()));
    Console::build(
        ws.clone(),
        creds,
        Arc::new(move || now_ms),
        Arc::new(|_| {}),
    )
}

/// Signs `name` in with their demo passphrase on a fresh console; its context.
pub fn signed_in_as(ws: &Workspace, name: &str, now_ms: i64) -> Ctx {
    signed_in_console(ws, name, now_ms).ctx()
}

/// A fresh console with `name` signed in (their demo passphrase).
pub fn signed_in_console(ws: &Workspace, name: &str, now_ms: i64) -> Console {
    let c = console(ws, now_ms);
    ops::people::sign_in(
        &c.ctx(),
        SignInRequest {
            name: name.into(),
            passphrase: ops::people::demo_passphrase(name),
        },
    )
    .expect("sign in");
    c
}

/// Seeds the people (once per workspace) and signs the holder of `role` in.
pub fn as_role(ws: &Workspace, role: Role, now_ms: i64) -> Ctx {
    let has_people = ws
        .store()
        .read(affops_core::people::users::count_with_passphrase)
        .expect("count")
        > 0;
    if !has_people {
        seed_people(ws, now_ms);
    }
    signed_in_as(ws, name_of(role), now_ms)
}

/// As [`as_role`], the console itself (to switch programs on it).
pub fn console_as(ws: &Workspace, role: Role, now_ms: i64) -> Console {
    as_role(ws, role, now_ms);
    signed_in_console(ws, name_of(role), now_ms)
}

/// A workspace with the demo's people and the demo world synced into it (by the affiliate manager), as the app's
/// "Open demo workspace" leaves it; the clock reads `now_ms`.
pub fn demo_workspace(now_ms: i64) -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    seed_people(&ws, now_ms);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(ops::workspace::open_demo_workspace(
        &signed_in_as(&ws, "max", now_ms),
        Default::default(),
        Arc::new(|_| {}),
    ))
    .expect("demo");
    (dir, ws)
}
