//! Integration tests for affops-sandbox, built as one binary. Index:
//! - `world`:  generated worlds are deterministic, internally consistent, plausible, and their ground truth adds up.
//! - `paging`: every stream paged over HTTP yields each record exactly once; auth and parameter validation.
//! - `faults`: each injected fault kind looks to a client the way a connector will meet it in the wild.

mod common;
mod faults;
mod paging;
mod world;
