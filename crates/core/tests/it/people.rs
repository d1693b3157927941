//! People through the front door (RELIABILITY A5, A6, M2): one answer for every failed sign-in after a delay that
//! grows, never a lock; a role revoked or a person deactivated mid-session takes effect at their next operation; an
//! idle session locks; the last owner cannot be removed; the actor is the session's, whatever the request says;
//! every change is one audit entry, and `audit verify` finds an edit of the audit log or of the users table at its
//! row.

use crate::front_door::{console, seed_people, signed_in_as};
use affops_core::api::*;
use affops_core::credentials::CredentialStore;
use affops_core::ops::{self, Console};
use affops_core::workspace::Workspace;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const NOW: i64 = 1_790_000_000_000;
const MINUTE: i64 = 60_000;

fn workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    seed_people(&ws, NOW);
    (dir, ws)
}

fn sign_in(c: &Console, name: &str, passphrase: &str) -> Result<SessionStatus, ApiError> {
    ops::people::sign_in(
        &c.ctx(),
        SignInRequest {
            name: name.into(),
            passphrase: passphrase.into(),
        },
    )
}

fn audit_rows(ws: &Workspace) -> i64 {
    ws.store()
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.query_row("SELECT COUNT(*) FROM audit_log", [], |r| r.get(0))?)
        })
        .unwrap()
}

/// A5: a wrong passphrase, an unknown name, a deactivated person and a person without a passphrase all get the
/// same answer; the delay before each check doubles with every failure for that name, and the right passphrase
/// still works afterwards (a delay, not a lock a stranger could impose).
#[test]
fn every_failed_sign_in_gets_the_same_answer_after_a_growing_delay() {
    let (_d, ws) = workspace();
    let owner = signed_in_as(&ws, "olivia", NOW);
    ops::people::update_person(
        &owner,
        PersonChange {
            name: "felix".into(),
            active: Some(false),
            ..Default::default()
        },
    )
    .unwrap();
    ws.store()
        .write::<_, affops_core::store::StoreError>(|tx| {
            tx.execute("INSERT INTO users (name, display_name, created_at_ms) VALUES ('legacy', 'Legacy', 0)", [])?;
            Ok(())
        })
        .unwrap();
    let pauses = Arc::new(Mutex::new(Vec::new()));
    let p = pauses.clone();
    let c = Console::build(
        ws.clone(),
        Arc::new(CredentialStore::file_only(ws.data_dir())),
        Arc::new(|| NOW),
        Arc::new(move |d: Duration| p.lock().unwrap().push(d)),
    );
    let answers: Vec<ApiError> = [
        ("ana", "wrong passphrase"),
        ("nobody", "ana-demo-pass"),
        ("felix", "felix-demo-pass"),
        ("legacy", "anything-at-all"),
    ]
    .into_iter()
    .map(|(n, p)| sign_in(&c, n, p).unwrap_err())
    .collect();
    for a in &answers {
        assert_eq!(a, &answers[0], "one answer for every wrong case");
    }
    assert_eq!(answers[0].code, ErrorCode::Unauthenticated);
    assert!(c.session().is_none());

    pauses.lock().unwrap().clear();
    for _ in 0..3 {
        sign_in(&c, "ana", "still wrong").unwrap_err();
    }
    sign_in(&c, "ana", "ana-demo-pass").expect("the right passphrase still opens after failures");
    let waited: Vec<u64> = pauses
        .lock()
        .unwrap()
        .iter()
        .map(|d| d.as_millis() as u64)
        .collect();
    assert_eq!(
        waited,
        [250, 500, 1000, 2000],
        "1 earlier failure, then 2, 3, 4: the delay doubles"
    );
    sign_in(&c, "ana", "ana-demo-pass").unwrap();
    assert_eq!(
        pauses.lock().unwrap().last(),
        Some(&Duration::ZERO),
        "a success resets the count"
    );
}

/// A5: the owner revokes a role, or deactivates someone, while they are signed in: their next operation is
/// refused (forbidden, then unauthenticated), and the refused operations write nothing.
#[test]
fn a_role_revoked_mid_session_refuses_the_next_operation() {
    let (_d, ws) = workspace();
    let fiona = signed_in_as(&ws, "fiona", NOW);
    let owner = signed_in_as(&ws, "olivia", NOW);
    assert!(ops::commission::compute_period(&fiona, "2026-13".into())
        .is_err_and(|e| e.code != ErrorCode::Forbidden));
    ops::people::update_person(
        &owner,
        PersonChange {
            name: "fiona".into(),
            roles: Some(vec![Role::Viewer]),
            ..Default::default()
        },
    )
    .unwrap();
    let before = audit_rows(&ws);
    let e = ops::commission::compute_period(&fiona, "2026-10".into()).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    assert!(
        e.message.contains("commission.compute") && e.message.contains("fiona is Viewer"),
        "{}",
        e.message
    );
    ops::reports::dashboard_alerts(&fiona).expect("still a viewer");
    ops::people::update_person(
        &owner,
        PersonChange {
            name: "fiona".into(),
            active: Some(false),
            ..Default::default()
        },
    )
    .unwrap();
    let e = ops::reports::dashboard_alerts(&fiona).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    assert!(fiona.console().session().is_none(), "the session ended");
    assert_eq!(
        audit_rows(&ws),
        before + 1,
        "only the owner's change was recorded"
    );
}

/// The console locks after the owner's idle time: the next operation asks for the passphrase again.
#[test]
fn an_idle_session_locks() {
    let (_d, ws) = workspace();
    let clock = Arc::new(AtomicI64::new(NOW));
    let k = clock.clone();
    let c = Console::build(
        ws.clone(),
        Arc::new(CredentialStore::file_only(ws.data_dir())),
        Arc::new(move || k.load(Ordering::SeqCst)),
        Arc::new(|_| {}),
    );
    sign_in(&c, "olivia", "olivia-demo-pass").unwrap();
    ops::people::save_workspace_settings(
        &c.ctx(),
        WorkspaceSettings {
            idle_lock_minutes: 5,
            ..Default::default()
        },
    )
    .unwrap();
    clock.store(NOW + 4 * MINUTE, Ordering::SeqCst);
    ops::people::list_people(&c.ctx()).expect("active 4 minutes later");
    clock.store(NOW + 8 * MINUTE, Ordering::SeqCst);
    ops::people::list_people(&c.ctx()).expect("4 minutes after the last action");
    clock.store(NOW + 14 * MINUTE, Ordering::SeqCst);
    let e = ops::people::list_people(&c.ctx()).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    assert!(e.message.contains("5 minutes"), "{}", e.message);
    assert!(c.session().is_none());
    let status = ops::people::session_status(&c.ctx()).unwrap();
    assert!(status.signed_in.is_none() && status.has_people);
}

#[test]
fn the_last_owner_cannot_be_removed_and_roles_need_the_owner() {
    let (_d, ws) = workspace();
    let owner = signed_in_as(&ws, "olivia", NOW);
    for change in [
        PersonChange {
            name: "olivia".into(),
            active: Some(false),
            ..Default::default()
        },
        PersonChange {
            name: "olivia".into(),
            roles: Some(vec![Role::Finance]),
            ..Default::default()
        },
    ] {
        let e = ops::people::update_person(&owner, change).unwrap_err();
        assert_eq!(e.code, ErrorCode::Conflict);
        assert!(
            e.message.contains("at least one active owner"),
            "{}",
            e.message
        );
    }
    // With a second owner, the first may step down.
    ops::people::update_person(
        &owner,
        PersonChange {
            name: "max".into(),
            roles: Some(vec![Role::Manager, Role::Owner]),
            ..Default::default()
        },
    )
    .unwrap();
    ops::people::update_person(
        &owner,
        PersonChange {
            name: "olivia".into(),
            roles: Some(vec![Role::Viewer]),
            ..Default::default()
        },
    )
    .unwrap();
    let e = ops::people::add_person(
        &owner,
        AddPersonRequest {
            name: "zoe".into(),
            display_name: "Zoë".into(),
            roles: vec![Role::Analyst],
            passphrase: "zoe-passphrase".into(),
        },
    )
    .unwrap_err();
    assert_eq!(
        e.code,
        ErrorCode::Forbidden,
        "no longer an owner: {}",
        e.message
    );
    let max = signed_in_as(&ws, "max", NOW);
    let zoe = ops::people::add_person(
        &max,
        AddPersonRequest {
            name: " Zoe ".into(),
            display_name: "Zoë".into(),
            roles: vec![Role::Analyst, Role::Analyst],
            passphrase: "zoe-passphrase".into(),
        },
    )
    .unwrap();
    assert_eq!(
        (zoe.name.as_str(), zoe.roles.as_slice()),
        ("zoe", &[Role::Analyst][..])
    );
    for (bad, field) in [
        (
            AddPersonRequest {
                name: "zoe".into(),
                display_name: "Z".into(),
                roles: vec![Role::Viewer],
                passphrase: "zoe-passphrase".into(),
            },
            "taken",
        ),
        (
            AddPersonRequest {
                name: "9lives".into(),
                display_name: "N".into(),
                roles: vec![Role::Viewer],
                passphrase: "long enough pass".into(),
            },
            "Name:",
        ),
        (
            AddPersonRequest {
                name: "nina".into(),
                display_name: "N".into(),
                roles: vec![],
                passphrase: "long enough pass".into(),
            },
            "Roles:",
        ),
        (
            AddPersonRequest {
                name: "nina".into(),
                display_name: "N".into(),
                roles: vec![Role::Viewer],
                passphrase: "short".into(),
            },
            "Passphrase:",
        ),
    ] {
        let e = ops::people::add_person(&max, bad).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains(field), "{field}: {}", e.message);
    }
}

/// A6: the actor is the shell's session; a request naming someone else changes nothing about who acted.
#[test]
fn a_forged_actor_in_a_request_is_ignored() {
    let (_d, ws) = workspace();
    let owner = signed_in_as(&ws, "olivia", NOW);
    let forged: WorkspaceSettings =
        serde_json::from_str(r#"{"idle_lock_minutes": 30, "actor": "mallory", "user": "mallory"}"#)
            .unwrap();
    ops::people::save_workspace_settings(&owner, forged).unwrap();
    let decision: FlagDecisionInput = serde_json::from_str(
        r#"{"flag_id": 1, "decision": "confirm", "comment": "x", "user": "mallory"}"#,
    )
    .unwrap();
    assert_eq!(decision.decision, Decision::Confirm);
    let page = ops::audit::audit_list(
        &owner,
        AuditFilter {
            action: Some("save_workspace_settings".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(page.rows.len(), 1);
    assert_eq!(
        (page.rows[0].actor.as_str(), page.rows[0].user_id),
        ("olivia", owner.session().map(|s| s.person_id))
    );
    assert!(!page.rows[0].detail.contains("mallory"));
}

/// One audit entry per state-changing operation, in its transaction, naming the person, the operation, the
/// program and a digest of the request — and never a passphrase.
#[test]
fn each_change_is_one_audit_entry_without_secrets() {
    let (_d, ws) = workspace();
    let owner = signed_in_as(&ws, "olivia", NOW);
    let before = audit_rows(&ws);
    ops::people::add_person(
        &owner,
        AddPersonRequest {
            name: "nina".into(),
            display_name: "Nina".into(),
            roles: vec![Role::Finance],
            passphrase: "nina-secret-words".into(),
        },
    )
    .unwrap();
    ops::people::reset_passphrase(
        &owner,
        ResetPassphraseRequest {
            name: "nina".into(),
            passphrase: "nina-other-words".into(),
        },
    )
    .unwrap();
    ops::people::save_workspace_settings(
        &owner,
        WorkspaceSettings {
            idle_lock_minutes: 20,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(audit_rows(&ws), before + 3);
    let page = ops::audit::audit_list(
        &owner,
        AuditFilter {
            actor: Some("olivia".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let actions: Vec<&str> = page
        .rows
        .iter()
        .take(3)
        .map(|r| r.action.as_str())
        .collect();
    assert_eq!(
        actions,
        ["save_workspace_settings", "reset_passphrase", "add_person"]
    );
    for r in &page.rows {
        assert!(
            !r.detail.contains("nina-secret") && !r.detail.contains("nina-other"),
            "{}",
            r.detail
        );
        assert_eq!(r.request_sha256.len(), 64);
    }
    let report = ops::audit::audit_verify(&owner).unwrap();
    assert!(report.ok, "{report:?}");
}

/// The owner resets a lost passphrase: a new signing key; a person changing their own keeps theirs.
#[test]
fn passphrase_changes_keep_or_replace_the_signing_key() {
    let (_d, ws) = workspace();
    let owner = signed_in_as(&ws, "olivia", NOW);
    let ana = signed_in_as(&ws, "ana", NOW);
    let key = |n: &str| {
        ops::people::list_people(&owner)
            .unwrap()
            .into_iter()
            .find(|p| p.name == n)
            .unwrap()
            .public_key
    };
    let ana_key = key("ana");
    let e = ops::people::change_passphrase(
        &ana,
        ChangePassphraseRequest {
            current: "wrong".into(),
            new: "ana-new-passphrase".into(),
        },
    )
    .unwrap_err();
    assert!(e.message.contains("Current passphrase"), "{}", e.message);
    ops::people::change_passphrase(
        &ana,
        ChangePassphraseRequest {
            current: "ana-demo-pass".into(),
            new: "ana-new-passphrase".into(),
        },
    )
    .unwrap();
    assert_eq!(
        key("ana"),
        ana_key,
        "changing one's own passphrase keeps the key"
    );
    let c = console(&ws, NOW);
    assert!(sign_in(&c, "ana", "ana-demo-pass").is_err());
    sign_in(&c, "ana", "ana-new-passphrase").unwrap();
    ops::people::reset_passphrase(
        &owner,
        ResetPassphraseRequest {
            name: "ana".into(),
            passphrase: "ana-reset-passphrase".into(),
        },
    )
    .unwrap();
    assert_ne!(key("ana"), ana_key, "a reset gives a new key");
}

/// M2 and the users check: editing an audit row, or the users table behind the application, is found at its row.
#[test]
fn audit_verify_finds_an_edited_row_and_an_edited_users_table() {
    let (_d, ws) = workspace();
    let owner = signed_in_as(&ws, "olivia", NOW);
    ops::people::save_workspace_settings(
        &owner,
        WorkspaceSettings {
            idle_lock_minutes: 20,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(ops::audit::audit_verify(&owner).unwrap().ok);
    let raw = rusqlite::Connection::open(ws.store().path()).unwrap();
    raw.execute(
        "INSERT INTO user_roles (user_id, role) SELECT id, 'owner' FROM users WHERE name = 'vera'",
        [],
    )
    .unwrap();
    let r = ops::audit::audit_verify(&owner).unwrap();
    assert!(!r.ok && r.broken.is_none());
    assert_eq!(r.people_mismatches.len(), 1, "{:?}", r.people_mismatches);
    assert!(
        r.people_mismatches[0].contains("(vera)") && r.people_mismatches[0].contains("roles"),
        "{:?}",
        r.people_mismatches
    );
    raw.execute("DELETE FROM user_roles WHERE role = 'owner' AND user_id = (SELECT id FROM users WHERE name = 'vera')", []).unwrap();
    assert!(
        ops::audit::audit_verify(&owner).unwrap().ok,
        "put back, it verifies again"
    );
    raw.execute_batch(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'mallory' WHERE id = 2;",
    )
    .unwrap();
    let r = ops::audit::audit_verify(&owner).unwrap();
    assert_eq!(r.broken.map(|b| b.row), Some(2));
}

/// An exported chain verifies on its own; one edited byte is named by its line.
#[test]
fn an_export_verifies_and_an_edited_line_is_named() {
    let (dir, ws) = workspace();
    let owner = signed_in_as(&ws, "olivia", NOW);
    for m in [20, 30, 40] {
        ops::people::save_workspace_settings(
            &owner,
            WorkspaceSettings {
                idle_lock_minutes: m,
                ..Default::default()
            },
        )
        .unwrap();
    }
    let path = dir.path().join("audit.jsonl");
    let out = ops::audit::audit_export(&owner, path.display().to_string()).unwrap();
    assert_eq!(out.rows, 5, "the people, olivia's sign-in, three settings");
    let ok = ops::audit::verify_export_file(&path).unwrap();
    assert!(ok.ok && ok.head_hash == out.head_hash, "{ok:?}");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replacen(
        "\"idle_lock_minutes\\\":30",
        "\"idle_lock_minutes\\\":90",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(&path, edited).unwrap();
    let bad = ops::audit::verify_export_file(&path).unwrap();
    assert_eq!(
        bad.broken.as_ref().map(|b| b.row),
        Some(4),
        "line 4 was edited: {bad:?}"
    );
    let cut: String = text.lines().take(2).map(|l| format!("{l}\n")).collect();
    std::fs::write(&path, cut).unwrap();
    let r = ops::audit::verify_export_file(&path).unwrap();
    assert!(r.broken.is_some_and(|b| b.reason.contains("no trailer")));
}
