//! The front door: every operation the desktop shell and the CLI perform is one function here, taking a request
//! context ([`Ctx`]: who is asking, when) and a typed request, and returning a typed result or the boundary's
//! one error. Each starts with [`Ctx::allow`] (signed in? may they? which program?), calls the domain, records
//! one audit entry for anything that changes state (in the same transaction), and maps domain results and errors
//! to the types of [`crate::api`]. One module per screen family; [`catalog`] is the list of operations.
//!
//! The shell's commands and the CLI's subcommands are adapters of a few lines over these functions.

pub mod attribution;
pub mod audit;
pub mod catalog;
pub mod commission;
mod context;
#[cfg(feature = "demo")]
mod demo_host;
pub mod detect;
pub mod disputes;
pub mod exports;
pub mod fx;
pub mod imports;
pub mod payouts;
pub mod people;
pub mod reconcile;
pub mod reports;
pub mod sources;
pub mod workspace;

pub use catalog::{Access, Effect, Op};
pub use context::{request_digest, Allowed, Clock, Console, Ctx, Pause, Session};
