//! affops-sandbox: a seeded, deterministic small online casino that Affops can talk to over loopback HTTP, and
//! that knows the right answers.
//!
//! The parts, in the order data flows:
//! - [`world`]: [`WorldConfig`] → [`generate`] → [`World`]. Affiliates (some sub-affiliates), their clicks, the
//!   players who registered from those clicks (plus organic and promo-code players), deposits, withdrawals,
//!   daily activity and the tracker's FTD conversions; [`click_stream`] streams the clicks alone. Pure and
//!   deterministic (ChaCha8 seeded from the config); money is `Decimal` cents, never f64.
//! - [`truth`]: [`World::ground_truth`] counts, per affiliate, what a perfect connector should end up with.
//! - [`http`]: [`serve`] exposes the world as an Everflow-shaped tracker API (`X-Eflow-API-Key`, page/page_size)
//!   and an operator API (bearer token, cursor/limit), plus `/sandbox/ground-truth` and `/sandbox/faults`.
//! - [`faults`]: [`Faults`] rules make a chosen page of a chosen stream fail (truncated JSON, 500, 429 with
//!   seconds or an HTTP-date, 503, stall, trickle, truncated body, reset, duplicate page, drifting page) so
//!   retry and resume logic can be tested against a peer that misbehaves on cue.
//! - [`files`]: daily operator CSVs with optional quirks, and a streamed 10 M-row `clicks.csv`.
//! - [`channels`]: [`split_channels`] takes a world's non-API conversions out and delivers them as the demo
//!   does: S2S postbacks and pixel hits (each with its instant) and one batch file.
//! - [`postback`]: [`fire_postbacks`] replays the world's conversions as S2S postbacks (Everflow, Voluum,
//!   Keitaro, Affise dialects) at a listener: duplicated, shuffled, concurrent, optionally signed or broken.
//!
//! Beyond v0's casino, a world can carry a Forex broker (`WorldConfig::forex`), planted fraud
//! (`WorldConfig::fraud`) and integration faults (`WorldConfig::faults_injected`); [`World::injected`] lists
//! each planted item and [`write_ground_truth`] writes counts plus that answer key as `ground_truth.json`.

pub mod channels;
pub mod faults;
pub mod files;
pub mod http;
pub mod postback;
pub mod truth;
pub mod world;

pub use channels::{channel, split_channels, Channel, ChannelDeliveries, Delivery};
pub use faults::{FaultKind, FaultRule, Faults, Stream};
pub use files::claims::{claims_affiliate, claims_file, ClaimsFile};
pub use files::{write_clicks_csv, write_operator_csvs, CsvQuirks, FilesWritten};
pub use http::{serve, SandboxServer};
pub use postback::{fire_postbacks, Dialect, PostbackOptions, PostbackReport};
pub use truth::{
    write_ground_truth, AffiliateTruth, GroundTruth, GroundTruthFile, TrapUnits, TruthKey,
};
pub use world::{
    click_stream, generate, ActivityDay, Affiliate, Click, Conversion, ConversionStatus, Deposit,
    ForexWorld, FraudConfig, Injected, IntegrationFaults, Pattern, Player, Program, Trap,
    TrapConfig, TrapKind, Withdrawal, World, WorldConfig, CLICKS_MAX,
};
