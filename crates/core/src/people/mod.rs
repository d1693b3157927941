//! People: who may act in a workspace. A person has a sign-in name, one or more [`Role`]s, a passphrase (argon2id)
//! and an Ed25519 signing key sealed with it ([`secret`]). [`users`] keeps them in the store, [`sign_in`] checks a
//! passphrase with a delay that grows with repeated failures, [`settings`] holds the workspace's idle lock.
//! Nobody is ever deleted (deactivated instead), and a workspace always keeps an active owner.

pub mod roles;
pub mod secret;
pub mod settings;
pub mod sign_in;
pub mod users;

pub use roles::{grants, permissions_of, roles_with, Permission, Role};
pub use users::{NewPerson, Person, PersonChange};

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum PeopleError {
    /// A field of the request is wrong; the message names it.
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    /// The one answer to every failed sign-in: it never says which part was wrong.
    #[error("Sign-in failed: that name and passphrase do not match an active person.")]
    SignInFailed,
    #[error("A workspace must keep at least one active owner with a passphrase: make someone else owner first.")]
    LastOwner,
    #[error("{0}")]
    Secret(#[from] secret::SecretError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for PeopleError {
    fn from(e: rusqlite::Error) -> Self {
        PeopleError::Store(StoreError::Sqlite(e))
    }
}

pub type PeopleResult<T> = Result<T, PeopleError>;
