//! The answer key for planted trouble: every fraud pattern and integration fault the generator injected, with the
//! ids of the records involved, so a detector's findings can be scored item by item.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    ClickFlooding,
    ClickInjection,
    MultiAccounting,
    SelfReferral,
    BonusAbuse,
    GeoMismatch,
    ForexChurning,
    MissingPostback,
    DuplicatePostback,
    LateStatusChange,
    WrongAmount,
    TimezoneShift,
}

/// One injected item. Id lists name records of the world (`World::clicks`, `players`, …, `forex.deals`); a
/// removed record (the conversion of a missing postback) is named in `note` only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Injected {
    pub pattern: Pattern,
    /// The affiliate (iGaming) the item is charged to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affiliate_id: Option<u32>,
    /// The IB (Forex) the item is charged to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ib_id: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clicks: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub players: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deposits: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withdrawals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conversions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub logins: Vec<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deals: Vec<u64>,
    /// What makes it suspicious, in words and numbers.
    pub note: String,
}

impl Injected {
    pub(super) fn new(pattern: Pattern, note: impl Into<String>) -> Self {
        Self {
            pattern,
            affiliate_id: None,
            ib_id: None,
            clicks: Vec::new(),
            players: Vec::new(),
            deposits: Vec::new(),
            withdrawals: Vec::new(),
            conversions: Vec::new(),
            logins: Vec::new(),
            deals: Vec::new(),
            note: note.into(),
        }
    }
}
