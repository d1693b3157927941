//! The programs of a workspace as the program switcher shows them, and the trading figures a Forex program's
//! dashboard shows in place of the FTD funnel.

use super::Period;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One program (an iGaming operator's brand or a Forex broker) with what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProgramSummary {
    /// Unique in the workspace; what every program-scoped command takes as `program`.
    pub name: String,
    /// igaming or forex.
    pub vertical: crate::programs::Vertical,
    /// ISO 4217 currency of its money.
    pub currency: String,
    /// IANA zone of its reporting days.
    pub timezone: String,
    pub affiliates: u32,
    pub players: u32,
    /// Trading accounts (Forex; 0 for iGaming).
    pub accounts: u32,
    /// The days that hold its data, if any.
    pub data_range: Option<Period>,
    /// True for the program commands act on when none is named (the first iGaming program, else the first).
    pub is_default: bool,
    /// Its brands' names (an operator's casinos or sportsbooks; a broker's labels), by name.
    pub brands: Vec<String>,
    /// Whether it holds data: its vertical, currency and time zone can no longer change.
    pub settings_fixed: bool,
}

/// What a person sets when creating or changing a program.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProgramSettings {
    /// 1 to 80 characters, unique in the workspace.
    pub name: String,
    pub vertical: crate::programs::Vertical,
    /// ISO 4217 code (e.g. EUR): the program's money.
    pub currency: String,
    /// IANA zone (e.g. Europe/Malta) in which its reporting days start and end.
    pub timezone: String,
    /// Brand names to add (at most 50; existing ones stay).
    #[serde(default)]
    pub brands: Vec<String>,
}

/// Change the program named `program` to `settings`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EditProgramRequest {
    pub program: String,
    pub settings: ProgramSettings,
}

/// A Forex program's trading over the dashboard's period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TradingSummary {
    /// Accounts opened in the period (their client's registration day).
    pub accounts_opened: u32,
    /// Accounts that opened at least one trade in the period.
    pub active_accounts: u32,
    /// Opening trades (BUY/SELL deals entering a position).
    pub trades: u32,
    /// Lots traded (volume / contract size; cent accounts 1/100), exact decimal, 2 places half-up.
    pub lots: String,
    /// Per IB: accounts opened, active accounts, trades and lots, sorted by lots (largest first).
    pub rows: Vec<TradingRow>,
}

/// One IB's trading over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TradingRow {
    pub affiliate_id: String,
    pub affiliate_name: String,
    pub accounts_opened: u32,
    pub active_accounts: u32,
    pub trades: u32,
    pub lots: String,
}
