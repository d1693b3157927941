//! affops-sandbox: a seeded, deterministic small online casino that Affops can talk to over loopback HTTP, and
//! that knows the right answers.
//!
//! The parts, in the order data flows:
//! - [`world`]: [`WorldConfig`] → [`generate`] → [`World`]. Affiliates, their clicks, the players who registered
//!   from those clicks (plus organic players), deposits (first-time and repeat) and the tracker's FTD
//!   conversions. Pure and deterministic (ChaCha8 seeded from the config); money is `Decimal` cents, never f64.
//! - [`truth`]: [`World::ground_truth`] counts, per affiliate, what a perfect connector should end up with.
//! - [`http`]: [`serve`] exposes the world as an Everflow-shaped tracker API (`X-Eflow-API-Key`, page/page_size)
//!   and an operator API (bearer token, cursor/limit), plus `/sandbox/ground-truth` and `/sandbox/faults`.
//! - [`faults`]: [`Faults`] rules make a chosen page of a chosen stream fail (truncated JSON, 500, 429, stall)
//!   so retry and resume logic can be tested against a peer that misbehaves on cue.

pub mod faults;
pub mod http;
pub mod truth;
pub mod world;

pub use faults::{FaultKind, FaultRule, Faults, Stream};
pub use http::{serve, SandboxServer};
pub use truth::{write_ground_truth, AffiliateTruth, GroundTruth, GroundTruthFile};
pub use world::{
    click_stream, generate, ActivityDay, Affiliate, Click, Conversion, ConversionStatus, Deposit,
    ForexWorld, FraudConfig, Injected, IntegrationFaults, Pattern, Player, Program, Withdrawal,
    World, WorldConfig, CLICKS_MAX,
};
