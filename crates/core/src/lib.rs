//! Affops core: everything the desktop app and the CLI do, without Tauri.
pub mod api;
