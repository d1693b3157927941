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
