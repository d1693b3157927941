//! The shell's commands, one per operation of `affops_core::ops::catalog`, grouped like the screens. Each takes
//! at most one argument, `request` (plus a progress channel for long jobs), calls one front-door function with the
//! console's session, and returns its result or the boundary's `{code, message}` error.

pub mod attribution;
pub mod commission;
pub mod detect;
pub mod disputes;
pub mod payouts;
pub mod people;
pub mod sources;
pub mod workspace;

use affops_core::api::Progress;
use affops_core::ingest::ProgressFn;
use std::sync::Arc;
use tauri::ipc::Channel;

/// Progress of a long job, forwarded to the window. A closed window drops the channel; the job goes on and its
/// result is in the store.
pub(crate) fn forward(channel: Channel<Progress>) -> ProgressFn {
    Arc::new(move |p| drop(channel.send(p)))
}
