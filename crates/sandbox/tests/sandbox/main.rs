//! Integration tests for affops-sandbox, built as one binary. Index:
//! - `world`:  generated worlds are deterministic, internally consistent, plausible, and their ground truth adds up.
//! - `paging`: every stream paged over HTTP yields each record exactly once; auth and parameter validation.
//! - `faults`: each injected fault kind looks to a client the way a connector will meet it in the wild.
//! - `injection`: v1 generators are deterministic; the answer key of planted fraud and faults matches the records.
//! - `endpoints`: the v1 endpoints (activity, withdrawals, Forex, Affise, changes feed) page every record once.
//! - `delivery`: the v1 fault kinds (HTTP-date 429, 503, trickle, truncated, reset, duplicate page, drift).
//! - `files`: daily CSVs parse back, quirks appear only when asked, the big clicks file streams.
//! - `tune`: the TUNE (HasOffers) endpoint: the envelope, paging, the datetime window, HTTP-200 refusals, faults.
//! - `postbacks`: fired postbacks reach a listener with the dialect's parameters and valid signatures.
//! - `traps`: legit look-alikes of fraud are off by default, disjoint from the fraud answer key and really look
//!   like fraud; jittered fraud varies in shape.

mod common;
mod delivery;
mod endpoints;
mod faults;
mod files;
mod injection;
mod paging;
mod postbacks;
mod traps;
mod tune;
mod world;
