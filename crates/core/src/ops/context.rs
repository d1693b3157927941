//! The front door's state and its one check. A [`Console`] is an open workspace with what lives beside it for as
//! long as a window or a CLI run lasts: the signed-in [`Session`], the postback listener, the demo world, the
//! credential store and the clock. Every request gets a [`Ctx`] — who is asking and when — and every operation
//! starts with [`Ctx::allow`], which answers the front door's questions in order: is someone signed in (and not
//! idle past the lock), are they still active, may they (the operation's permission against their roles as the
//! store holds them *now*), and for which program (resolved once, into one [`Program`]). For an operation that
//! changes state it hands back the [`Stamp`] of its one audit entry.

use super::catalog::{Access, Effect, Op};
use crate::api::{ApiError, ErrorCode};
use crate::audit::Stamp;
use crate::credentials::CredentialStore;
use crate::people::{self, permissions_of, roles_with, Permission, Person};
use crate::postback::keychain::KeychainSecrets;
use crate::postback::server::ListenerHandle;
use crate::programs::{self, Program};
use crate::workspace::Workspace;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Milliseconds since the Unix epoch, read at the edge (the shell and the CLI pass the wall clock; tests their own).
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;
/// Sleeps for the sign-in delay (tests record it instead).
pub type Pause = Arc<dyn Fn(Duration) + Send + Sync>;

/// Who is signed in to this console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub person_id: i64,
    pub name: String,
    pub signed_in_at_ms: i64,
    pub last_active_ms: i64,
    /// The program the person chose to act on (none: the default program).
    pub program: Option<String>,
}

struct Inner {
    ws: Workspace,
    credentials: Arc<CredentialStore>,
    postback_secrets: Arc<KeychainSecrets>,
    session: Mutex<Option<Session>>,
    clock: Clock,
    pause: Pause,
    pub(super) listener: tokio::sync::Mutex<Option<ListenerHandle>>,
    #[cfg(feature = "demo")]
    pub(super) demo: tokio::sync::Mutex<Option<super::demo_host::RunningDemo>>,
}

/// An open workspace behind the front door. Cheap to clone (shared inside).
#[derive(Clone)]
pub struct Console(Arc<Inner>);

impl std::fmt::Debug for Console {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Console")
            .field("data_dir", &self.0.ws.data_dir())
            .finish()
    }
}

/// The console is an edge: it reads the wall clock once per request and hands the time to the domain.
#[allow(clippy::disallowed_methods)]
fn wall_clock() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Console {
    /// Opens the workspace in `data_dir` with the OS keychain (or its explicit file fallback) for secrets.
    pub fn open(data_dir: &Path) -> Result<Console, ApiError> {
        let credentials = Arc::new(CredentialStore::open(data_dir));
        Self::with(Workspace::open(data_dir)?, credentials)
    }

    /// A console over an open workspace and a credential store, with the wall clock.
    pub fn with(ws: Workspace, credentials: Arc<CredentialStore>) -> Result<Console, ApiError> {
        Ok(Self::build(
            ws,
            credentials,
            Arc::new(wall_clock),
            Arc::new(std::thread::sleep),
        ))
    }

    /// A console with its own clock and sign-in pause (tests pass a fixed clock and record the pauses).
    pub fn build(
        ws: Workspace,
        credentials: Arc<CredentialStore>,
        clock: Clock,
        pause: Pause,
    ) -> Console {
        Console(Arc::new(Inner {
            postback_secrets: Arc::new(KeychainSecrets::new(credentials.clone())),
            ws,
            credentials,
            session: Mutex::new(None),
            clock,
            pause,
            listener: tokio::sync::Mutex::new(None),
            #[cfg(feature = "demo")]
            demo: tokio::sync::Mutex::new(None),
        }))
    }

    pub fn workspace(&self) -> &Workspace {
        &self.0.ws
    }

    pub fn credentials(&self) -> &Arc<CredentialStore> {
        &self.0.credentials
    }

    pub fn postback_secrets(&self) -> &Arc<KeychainSecrets> {
        &self.0.postback_secrets
    }

    pub(super) fn inner_listener(&self) -> &tokio::sync::Mutex<Option<ListenerHandle>> {
        &self.0.listener
    }

    #[cfg(feature = "demo")]
    pub(super) fn inner_demo(&self) -> &tokio::sync::Mutex<Option<super::demo_host::RunningDemo>> {
        &self.0.demo
    }

    pub fn now_ms(&self) -> i64 {
        (self.0.clock)()
    }

    pub(super) fn pause(&self, d: Duration) {
        (self.0.pause)(d);
    }

    /// The current session, if any (a snapshot).
    pub fn session(&self) -> Option<Session> {
        self.0
            .session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub(super) fn set_session(&self, s: Option<Session>) {
        *self.0.session.lock().unwrap_or_else(|p| p.into_inner()) = s;
    }

    /// Sets the session's program (the CLI's `--program`, the desktop's switcher).
    pub(super) fn set_program(&self, program: Option<String>) {
        self.update_session(|s| s.program = program);
    }

    fn update_session(&self, f: impl FnOnce(&mut Session)) {
        if let Some(s) = self
            .0
            .session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_mut()
        {
            f(s);
        }
    }

    /// A request's context: the session as it is now and the time.
    pub fn ctx(&self) -> Ctx {
        Ctx {
            console: self.clone(),
            session: self.session(),
            now_ms: self.now_ms(),
        }
    }

    /// Runs a blocking operation on the blocking pool with a fresh [`Ctx`] (the shell's adapters use this).
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Ctx) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let cx = self.ctx();
        tokio::task::spawn_blocking(move || f(&cx))
            .await
            .map_err(|e| {
                ApiError::new(
                    ErrorCode::Internal,
                    format!("a background task failed: {e}"),
                )
            })?
    }
}

/// One request: the console, who is asking (the session as the shell or the CLI holds it — never anything the
/// caller's payload says), and when.
#[derive(Clone)]
pub struct Ctx {
    console: Console,
    session: Option<Session>,
    pub now_ms: i64,
}

/// What [`Ctx::allow`] established for an operation.
#[derive(Debug, Clone)]
pub struct Allowed {
    pub op: Op,
    /// The person acting (none only for public and first-person operations).
    pub person: Option<Person>,
    program: Option<Program>,
    stamp: Option<Stamp>,
}

impl Allowed {
    /// The program the operation acts on (resolved once, by [`Ctx::allow`]).
    pub fn program(&self) -> Result<&Program, ApiError> {
        self.program.as_ref().ok_or_else(|| {
            ApiError::new(
                ErrorCode::Internal,
                format!("{} is not program-scoped", self.op.name()),
            )
        })
    }

    /// The audit stamp of a state-changing operation.
    pub fn stamp(&self) -> Result<&Stamp, ApiError> {
        self.stamp.as_ref().ok_or_else(|| {
            ApiError::new(
                ErrorCode::Internal,
                format!("{} is not a state-changing operation", self.op.name()),
            )
        })
    }

    /// The day `now_ms` falls on in the program's reporting zone.
    pub fn today(&self, now_ms: i64) -> Result<String, ApiError> {
        let tz = crate::time::parse_zone(&self.program()?.timezone)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        crate::time::day_of(now_ms, tz)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
    }

    /// The acting person's sign-in name ("" before anyone exists).
    pub fn actor(&self) -> &str {
        self.person.as_ref().map_or("", |p| p.name.as_str())
    }
}

fn unauthenticated(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::Unauthenticated, message)
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        ApiError::new(ErrorCode::Storage, e.to_string())
    }
}

impl From<crate::error::CoreError> for ApiError {
    fn from(e: crate::error::CoreError) -> Self {
        use crate::error::CoreError;
        match e {
            CoreError::Invalid(m) => ApiError::new(ErrorCode::InvalidInput, m),
            CoreError::NotFound(m) => ApiError::new(ErrorCode::NotFound, m),
            CoreError::SourceFailed(m) => ApiError::new(ErrorCode::SourceFailed, m),
            CoreError::Internal(m) => ApiError::new(ErrorCode::Internal, m),
            CoreError::Store(s) => s.into(),
        }
    }
}

/// Runs blocking front-door work on the blocking pool, so an async operation never stalls its runtime.
pub async fn off_thread<T, E>(
    job: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    E: Into<ApiError> + Send + 'static,
{
    tokio::task::spawn_blocking(job)
        .await
        .map_err(|e| {
            ApiError::new(
                ErrorCode::Internal,
                format!("a background task failed: {e}"),
            )
        })?
        .map_err(Into::into)
}

/// SHA-256 (hex) of a request as JSON: what the audit entry records of it.
pub fn request_digest<R: Serialize>(request: &R) -> String {
    let bytes = serde_json::to_vec(request).unwrap_or_default();
    hex::encode(Sha256::digest(&bytes))
}

fn role_list(roles: &[people::Role]) -> String {
    roles
        .iter()
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Ctx {
    pub fn console(&self) -> &Console {
        &self.console
    }

    pub fn workspace(&self) -> &Workspace {
        self.console.workspace()
    }

    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// Checks a read (or an operation without a request worth hashing).
    pub fn allow(&self, op: Op) -> Result<Allowed, ApiError> {
        self.allow_request(op, &())
    }

    /// Checks `op` for this request; for a state-changing operation the stamp carries the request's digest.
    pub fn allow_request<R: Serialize>(&self, op: Op, request: &R) -> Result<Allowed, ApiError> {
        let store = self.workspace().store();
        let person = match op.access() {
            Access::Public => self.signed_in_person().ok(),
            Access::Bootstrap => {
                if self.has_people()? {
                    return Err(ApiError::new(
                        ErrorCode::Forbidden,
                        format!(
                            "{}: this workspace already has an owner; sign in instead",
                            op.name()
                        ),
                    ));
                }
                None
            }
            Access::BootstrapOr(p) => {
                if self.has_people()? {
                    Some(self.permitted(op, p)?)
                } else {
                    None
                }
            }
            Access::SignedIn => Some(self.signed_in_person()?),
            Access::Needs(p) => Some(self.permitted(op, p)?),
        };
        let program = if op.program_scoped() {
            let choice = self.session.as_ref().and_then(|s| s.program.clone());
            Some(programs::resolve(store, choice.as_deref())?)
        } else {
            None
        };
        let stamp = (op.effect() == Effect::Write).then(|| Stamp {
            at_ms: self.now_ms,
            user_id: person.as_ref().map(|p| p.id),
            actor: person.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
            action: op.name(),
            program: program.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
            request_sha256: request_digest(request),
        });
        Ok(Allowed {
            op,
            person,
            program,
            stamp,
        })
    }

    fn has_people(&self) -> Result<bool, ApiError> {
        let n = self
            .workspace()
            .store()
            .read(people::users::count_with_passphrase)?;
        Ok(n > 0)
    }

    /// The signed-in person as the store holds them now; locks an idle session and ends one whose person was
    /// deactivated.
    fn signed_in_person(&self) -> Result<Person, ApiError> {
        let Some(s) = &self.session else {
            return Err(unauthenticated("Sign in first."));
        };
        let store = self.workspace().store();
        let (person, settings) = store.read(|c| -> Result<_, people::PeopleError> {
            Ok((
                people::users::by_id(c, s.person_id)?,
                people::settings::load(c)?,
            ))
        })?;
        let idle_ms = i64::from(settings.idle_lock_minutes) * 60_000;
        if self.now_ms - s.last_active_ms > idle_ms {
            self.console.set_session(None);
            return Err(unauthenticated(format!(
                "The console locked after {} minutes without activity: sign in again.",
                settings.idle_lock_minutes
            )));
        }
        let person = match person {
            Some(p) if p.active => p,
            _ => {
                self.console.set_session(None);
                return Err(unauthenticated(
                    "You were signed out: this person is no longer active.",
                ));
            }
        };
        let now = self.now_ms;
        self.console.update_session(|s| s.last_active_ms = now);
        Ok(person)
    }

    fn permitted(&self, op: Op, p: Permission) -> Result<Person, ApiError> {
        let person = self.signed_in_person()?;
        let roles: BTreeSet<_> = person.roles.iter().copied().collect();
        if !permissions_of(&roles).contains(&p) {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                format!(
                    "Not allowed: {} needs the permission '{}' ({}), which {} hold; {} is {}.",
                    op.name(),
                    p.as_str(),
                    p.describe(),
                    role_list(&roles_with(p)),
                    person.name,
                    role_list(&person.roles),
                ),
            ));
        }
        Ok(person)
    }
}
