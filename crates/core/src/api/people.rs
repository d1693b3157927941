//! Boundary types of people, sessions and the audit log.

use crate::people::{Permission, Person, Role};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A name and a passphrase.
#[derive(Clone, Default, Serialize, Deserialize, TS)]
pub struct SignInRequest {
    pub name: String,
    pub passphrase: String,
}

/// The first person of a new workspace: its owner.
#[derive(Clone, Default, Serialize, Deserialize, TS)]
pub struct CreateWorkspaceRequest {
    pub name: String,
    pub display_name: String,
    pub passphrase: String,
}

/// A person to add, with their first passphrase (they change it after signing in).
#[derive(Clone, Default, Serialize, Deserialize, TS)]
pub struct AddPersonRequest {
    pub name: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub passphrase: String,
}

/// A new passphrase for someone who lost theirs.
#[derive(Clone, Default, Serialize, Deserialize, TS)]
pub struct ResetPassphraseRequest {
    pub name: String,
    pub passphrase: String,
}

/// One's own passphrase, changed.
#[derive(Clone, Default, Serialize, Deserialize, TS)]
pub struct ChangePassphraseRequest {
    pub current: String,
    pub new: String,
}

/// A person of the demo workspace and their passphrase (printed on the welcome screen and in the README).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DemoPerson {
    pub name: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub passphrase: String,
}

/// The signed-in person and what they may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SignedIn {
    pub person: Person,
    pub permissions: Vec<Permission>,
    /// The program the session acts on (none: the default program).
    pub program: Option<String>,
    #[ts(type = "number")]
    pub signed_in_at_ms: i64,
    /// The UI locks itself after this many minutes without input.
    pub idle_lock_minutes: u32,
}

/// What the sign-in screen needs to know, and who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SessionStatus {
    pub signed_in: Option<SignedIn>,
    /// Whether anyone can sign in yet (no: the welcome screen offers to create the workspace or open the demo).
    pub has_people: bool,
    /// The demo's people and passphrases, when this is the demo workspace.
    pub demo_people: Vec<DemoPerson>,
    pub data_dir: String,
}

/// Where an export went and what pins it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditExportResult {
    pub path: String,
    pub rows: u32,
    pub head_hash: String,
}
