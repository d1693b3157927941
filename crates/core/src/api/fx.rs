//! Requests of the FX screen (the records it shows are `crate::fx::types`).
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An ECB reference-rate file to import (`eurofxref-hist.csv` or the one-day `eurofxref.csv`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FxImportRequest {
    pub path: String,
}

/// A rate entered by hand: 1 `from` = `rate` `to` on `day`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FxSetRequest {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub from: String,
    pub to: String,
    /// A positive exact decimal, e.g. `1.0823`.
    pub rate: String,
}

/// Which rates to list: days from/to (inclusive) and a pair (`EUR/USD`, either way round).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FxListQuery {
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pair: Option<String>,
}
