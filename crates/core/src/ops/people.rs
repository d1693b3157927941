//! Session and people: signing in and out, the first owner, adding and changing people, passphrases, the
//! workspace's settings. Passphrases never reach the audit log: requests that carry one are hashed with it
//! redacted.

use super::catalog::Op;
use super::context::{request_digest, Allowed, Ctx, Session};
use crate::api::{
    AddPersonRequest, ApiError, ChangePassphraseRequest, CreateWorkspaceRequest, DemoPerson,
    ErrorCode, ResetPassphraseRequest, SessionStatus, SignInRequest, SignedIn,
};
use crate::audit::Stamp;
use crate::people::settings::{self, WorkspaceSettings};
use crate::people::users::{self, NewPerson, Person, PersonChange};
use crate::people::{permissions_of, secret, sign_in, PeopleError, Role};
use rusqlite::Transaction;
use serde::Serialize;
use std::collections::BTreeSet;

/// What the audit log hashes of a request that carries passphrases: the request with each one replaced.
fn redacted(mut v: serde_json::Value) -> serde_json::Value {
    for key in ["passphrase", "current", "new"] {
        if let Some(x) = v.get_mut(key) {
            *x = serde_json::Value::String("[redacted]".into());
        }
    }
    v
}

fn digest_redacted<R: Serialize>(req: &R) -> String {
    request_digest(&redacted(serde_json::to_value(req).unwrap_or_default()))
}

/// The demo's team: one person per role, and a second finance person for four-eyes approvals.
pub const DEMO_PEOPLE: &[(&str, &str, &[Role])] = &[
    ("olivia", "Olivia Owner", &[Role::Owner]),
    ("max", "Max Manager", &[Role::Manager]),
    ("fiona", "Fiona Finance", &[Role::Finance]),
    ("felix", "Felix Finance", &[Role::Finance]),
    ("ana", "Ana Analyst", &[Role::Analyst]),
    ("vera", "Vera Viewer", &[Role::Viewer]),
];

/// A demo person's passphrase: not a secret, the demo runs on loopback with made-up data.
pub fn demo_passphrase(name: &str) -> String {
    format!("{name}-demo-pass")
}

pub fn demo_people() -> Vec<DemoPerson> {
    DEMO_PEOPLE
        .iter()
        .map(|(name, display, roles)| DemoPerson {
            name: (*name).into(),
            display_name: (*display).into(),
            roles: roles.to_vec(),
            passphrase: demo_passphrase(name),
        })
        .collect()
}

impl From<PeopleError> for ApiError {
    fn from(e: PeopleError) -> Self {
        let code = match &e {
            PeopleError::Invalid(_) | PeopleError::Secret(_) => ErrorCode::InvalidInput,
            PeopleError::NotFound(_) => ErrorCode::NotFound,
            PeopleError::SignInFailed => ErrorCode::Unauthenticated,
            PeopleError::LastOwner => ErrorCode::Conflict,
            PeopleError::Store(_) => ErrorCode::Storage,
        };
        ApiError::new(code, e.to_string())
    }
}

fn signed_in(cx: &Ctx) -> Result<Option<SignedIn>, ApiError> {
    let Some(s) = cx.console().session() else {
        return Ok(None);
    };
    let (person, cfg) = cx.workspace().store().read(|c| -> Result<_, PeopleError> {
        Ok((users::by_id(c, s.person_id)?, settings::load(c)?))
    })?;
    let Some(person) = person.filter(|p| p.active) else {
        return Ok(None);
    };
    let roles: BTreeSet<Role> = person.roles.iter().copied().collect();
    Ok(Some(SignedIn {
        permissions: permissions_of(&roles).into_iter().collect(),
        program: s.program,
        signed_in_at_ms: s.signed_in_at_ms,
        idle_lock_minutes: cfg.idle_lock_minutes,
        person,
    }))
}

pub fn session_status(cx: &Ctx) -> Result<SessionStatus, ApiError> {
    cx.allow(Op::SessionStatus)?;
    let ws = cx.workspace();
    let has_people = ws.store().read(users::count_with_passphrase)? > 0;
    let demo = ws.has_demo_sources()?;
    Ok(SessionStatus {
        signed_in: signed_in(cx)?,
        has_people,
        demo_people: if demo { demo_people() } else { Vec::new() },
        data_dir: ws.data_dir().display().to_string(),
    })
}

fn start_session(cx: &Ctx, person: &Person) {
    cx.console().set_session(Some(Session {
        person_id: person.id,
        name: person.name.clone(),
        signed_in_at_ms: cx.now_ms,
        last_active_ms: cx.now_ms,
        program: None,
    }));
}

/// A stamp for an operation whose actor is the person it signs in or creates.
fn stamp_as(a: &Allowed, cx: &Ctx, person: &Person, request_sha256: String) -> Stamp {
    Stamp {
        at_ms: cx.now_ms,
        user_id: Some(person.id),
        actor: person.name.clone(),
        action: a.op.name(),
        program: String::new(),
        request_sha256,
    }
}

/// Records the people a change touched (their resulting state) in the operation's one audit entry.
pub fn record_people(
    tx: &Transaction<'_>,
    stamp: &Stamp,
    entity_id: &str,
    ids: &[i64],
    mut detail: serde_json::Value,
) -> Result<(), PeopleError> {
    let people = ids
        .iter()
        .map(|id| users::recorded_state(tx, *id))
        .collect::<Result<Vec<_>, _>>()?;
    detail["people"] = serde_json::Value::Array(people);
    stamp.record(tx, "person", entity_id, &detail)?;
    Ok(())
}

/// Signs in; every wrong case gets the same refusal after the same (growing) delay.
pub fn sign_in(cx: &Ctx, req: SignInRequest) -> Result<SessionStatus, ApiError> {
    let a = cx.allow(Op::SignIn)?;
    let store = cx.workspace().store();
    let pause = |d| cx.console().pause(d);
    let person = sign_in::check(store, &req.name, &req.passphrase, cx.now_ms, &pause)?;
    let digest = digest_redacted(&req);
    store.write(|tx| -> Result<(), PeopleError> {
        sign_in::record_attempt(tx, &req.name, person.is_some(), cx.now_ms)?;
        if let Some(p) = &person {
            stamp_as(&a, cx, p, digest.clone()).record(
                tx,
                "person",
                &p.name,
                &serde_json::json!({}),
            )?;
        }
        Ok(())
    })?;
    let person = person.ok_or(PeopleError::SignInFailed)?;
    start_session(cx, &person);
    session_status(&cx.console().ctx())
}

/// Ends the session (the UI's lock does the same: the next action asks for the passphrase).
pub fn sign_out(cx: &Ctx) -> Result<SessionStatus, ApiError> {
    cx.allow(Op::SignOut)?;
    cx.console().set_session(None);
    session_status(&cx.console().ctx())
}

/// A new person, their passphrase hashed and signing key sealed (slow, so before the transaction).
fn new_person(
    name: &str,
    display: &str,
    roles: &[Role],
    passphrase: &str,
) -> Result<NewPerson, PeopleError> {
    Ok(NewPerson {
        name: users::normalize_name(name)?,
        display_name: users::check_display_name(display)?,
        roles: users::check_roles(roles)?,
        passphrase_phc: secret::hash_passphrase(passphrase)?,
        key: secret::new_signing_key(passphrase)?,
    })
}

/// Creates a new workspace's owner and signs them in.
pub fn create_workspace(cx: &Ctx, req: CreateWorkspaceRequest) -> Result<SessionStatus, ApiError> {
    let a = cx.allow(Op::CreateWorkspace)?;
    let p = new_person(
        &req.name,
        &req.display_name,
        &[Role::Owner],
        &req.passphrase,
    )?;
    let digest = digest_redacted(&req);
    let person = cx
        .workspace()
        .store()
        .write(|tx| -> Result<Person, PeopleError> {
            let id = users::insert(tx, &p, cx.now_ms)?;
            users::ensure_an_owner(tx)?;
            let person = users::by_id(tx, id)?
                .ok_or_else(|| PeopleError::NotFound("the new owner".into()))?;
            // Everyone already in the store (people from before sign-in existed) is recorded too.
            let all: Vec<i64> = users::list(tx)?.iter().map(|p| p.id).collect();
            record_people(
                tx,
                &stamp_as(&a, cx, &person, digest.clone()),
                &person.name,
                &all,
                serde_json::json!({"owner": person.name}),
            )?;
            Ok(person)
        })?;
    start_session(cx, &person);
    session_status(&cx.console().ctx())
}

/// Creates the demo's people in an empty workspace, inside the caller's transaction; returns their ids.
pub fn create_demo_people(
    tx: &Transaction<'_>,
    prepared: &[NewPerson],
    now_ms: i64,
) -> Result<Vec<i64>, PeopleError> {
    let mut ids = Vec::new();
    for p in prepared {
        ids.push(users::insert(tx, p, now_ms)?);
    }
    users::ensure_an_owner(tx)?;
    let mut all: Vec<i64> = users::list(tx)?.iter().map(|p| p.id).collect();
    all.sort_unstable();
    Ok(all)
}

/// The demo's people, secrets derived (slow: call outside any transaction; tests derive them once).
pub fn prepare_demo_people() -> Result<Vec<NewPerson>, PeopleError> {
    demo_people()
        .iter()
        .map(|d| new_person(&d.name, &d.display_name, &d.roles, &d.passphrase))
        .collect()
}

pub fn list_people(cx: &Ctx) -> Result<Vec<Person>, ApiError> {
    cx.allow(Op::ListPeople)?;
    Ok(cx.workspace().store().read(users::list)?)
}

pub fn add_person(cx: &Ctx, req: AddPersonRequest) -> Result<Person, ApiError> {
    let a = cx.allow_request(
        Op::AddPerson,
        &redacted(serde_json::to_value(&req).unwrap_or_default()),
    )?;
    let p = new_person(&req.name, &req.display_name, &req.roles, &req.passphrase)?;
    let stamp = a.stamp()?;
    Ok(cx
        .workspace()
        .store()
        .write(|tx| -> Result<Person, PeopleError> {
            let id = users::insert(tx, &p, cx.now_ms)?;
            record_people(tx, stamp, &p.name, &[id], serde_json::json!({}))?;
            users::by_id(tx, id)?.ok_or_else(|| PeopleError::NotFound(p.name.clone()))
        })?)
}

pub fn update_person(cx: &Ctx, req: PersonChange) -> Result<Person, ApiError> {
    let a = cx.allow_request(Op::UpdatePerson, &req)?;
    let display = req
        .display_name
        .as_deref()
        .map(users::check_display_name)
        .transpose()?;
    let roles = req.roles.as_deref().map(users::check_roles).transpose()?;
    let stamp = a.stamp()?;
    Ok(cx
        .workspace()
        .store()
        .write(|tx| -> Result<Person, PeopleError> {
            let p = users::require(tx, &req.name)?;
            if let Some(d) = &display {
                users::set_display_name(tx, p.id, d)?;
            }
            if let Some(r) = &roles {
                users::set_roles(tx, p.id, r)?;
            }
            if let Some(active) = req.active {
                users::set_active(tx, p.id, active)?;
            }
            users::ensure_an_owner(tx)?;
            record_people(tx, stamp, &p.name, &[p.id], serde_json::json!({}))?;
            users::by_id(tx, p.id)?.ok_or_else(|| PeopleError::NotFound(p.name.clone()))
        })?)
}

/// The owner sets a new passphrase for someone; a new signing key replaces theirs (the old one, sealed with the
/// lost passphrase, can no longer be opened; what it signed still verifies against its public half).
pub fn reset_passphrase(cx: &Ctx, req: ResetPassphraseRequest) -> Result<Person, ApiError> {
    let a = cx.allow_request(
        Op::ResetPassphrase,
        &redacted(serde_json::to_value(&req).unwrap_or_default()),
    )?;
    let phc = secret::hash_passphrase(&req.passphrase).map_err(PeopleError::from)?;
    let key = secret::new_signing_key(&req.passphrase).map_err(PeopleError::from)?;
    let stamp = a.stamp()?;
    Ok(cx
        .workspace()
        .store()
        .write(|tx| -> Result<Person, PeopleError> {
            let p = users::require(tx, &req.name)?;
            users::set_passphrase(tx, p.id, &phc, &key, cx.now_ms)?;
            users::ensure_an_owner(tx)?;
            record_people(
                tx,
                stamp,
                &p.name,
                &[p.id],
                serde_json::json!({"new_key": true}),
            )?;
            users::by_id(tx, p.id)?.ok_or_else(|| PeopleError::NotFound(p.name.clone()))
        })?)
}

/// Changes one's own passphrase; the signing key stays the same (resealed).
pub fn change_passphrase(cx: &Ctx, req: ChangePassphraseRequest) -> Result<Person, ApiError> {
    let a = cx.allow_request(
        Op::ChangePassphrase,
        &redacted(serde_json::to_value(&req).unwrap_or_default()),
    )?;
    let me = a
        .person
        .clone()
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated, "Sign in first."))?;
    let store = cx.workspace().store();
    let (phc_now, key_now) = store.read(|c| -> Result<_, PeopleError> {
        Ok((
            users::by_name(c, &me.name)?.and_then(|p| p.1),
            users::current_key(c, me.id)?,
        ))
    })?;
    if !phc_now.is_some_and(|h| secret::verify_passphrase(&h, &req.current)) {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            "Current passphrase: that is not your passphrase",
        ));
    }
    let phc = secret::hash_passphrase(&req.new).map_err(PeopleError::from)?;
    let key = match key_now {
        Some(k) => secret::reseal(&k, &req.current, &req.new),
        None => secret::new_signing_key(&req.new),
    }
    .map_err(PeopleError::from)?;
    let stamp = a.stamp()?;
    Ok(store.write(|tx| -> Result<Person, PeopleError> {
        users::set_passphrase(tx, me.id, &phc, &key, cx.now_ms)?;
        record_people(tx, stamp, &me.name, &[me.id], serde_json::json!({}))?;
        users::by_id(tx, me.id)?.ok_or_else(|| PeopleError::NotFound(me.name.clone()))
    })?)
}

pub fn workspace_settings(cx: &Ctx) -> Result<WorkspaceSettings, ApiError> {
    cx.allow(Op::WorkspaceSettings)?;
    Ok(cx.workspace().store().read(settings::load)?)
}

pub fn save_workspace_settings(
    cx: &Ctx,
    req: WorkspaceSettings,
) -> Result<WorkspaceSettings, ApiError> {
    let a = cx.allow_request(Op::SaveWorkspaceSettings, &req)?;
    settings::check(&req)?;
    let stamp = a.stamp()?;
    cx.workspace()
        .store()
        .write(|tx| -> Result<(), PeopleError> {
            settings::save(tx, &req, cx.now_ms)?;
            stamp.record(
                tx,
                "settings",
                "workspace",
                &serde_json::to_value(&req).unwrap_or_default(),
            )?;
            Ok(())
        })?;
    Ok(req)
}
