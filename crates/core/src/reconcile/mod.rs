//! Reconciliation (DOMAIN.md §6): the tracker's conversions against the operator's FTDs for one period, joined
//! on click id, order (deposit) id and player id, every disagreement given a reason code and the payout at
//! stake. Results are stored (`recon_discrepancies`) so a row can become a dispute case (`crate::disputes`).
//!
//! - [`matching`]: loading both sides and classifying (the reason codes); `keys` hashes the join keys once.
//! - [`report`]: storing a run (only what changed), totals per affiliate, filters, CSV export.
//! - `timezone`: the operator's days against ours (the `timezone_shift` reason).

mod keys;
pub mod matching;
pub mod report;
mod timezone;
pub mod types;

use chrono::{Datelike, NaiveDate};

use crate::ingest::types::Progress;

pub use matching::{Discrepancy, Reason};

#[derive(Debug, thiserror::Error)]
pub enum ReconError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl From<rusqlite::Error> for ReconError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store(crate::store::StoreError::Sqlite(e))
    }
}

/// The steps of a reconciliation run, in order, for a progress bar: at 10 M clicks a month has 150,000 FTDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Reading,
    Matching,
    Unmatched,
    Timezones,
    Storing,
    Report,
}

impl Step {
    /// How many steps: the last one's number, plus one.
    const COUNT: u32 = Self::Report as u32 + 1;

    /// The step's name and what it does, in words.
    fn describe(self) -> (&'static str, &'static str) {
        match self {
            Self::Reading => ("reading", "Reading the month's FTDs and the conversions"),
            Self::Matching => ("matching", "Matching FTDs to conversions"),
            Self::Unmatched => ("unmatched", "Checking the conversions no FTD matched"),
            Self::Timezones => ("timezones", "Checking the operator's days against ours"),
            Self::Storing => ("storing", "Storing the findings"),
            Self::Report => ("report", "Reading the report"),
        }
    }
}

/// A reconciliation run's progress: the step (its message in words), and within it `done` of `total` (the FTDs
/// being matched).
pub fn step(s: Step, done: u32, total: Option<u32>) -> Progress {
    let (name, words) = s.describe();
    Progress {
        done,
        total,
        ..Progress::step(name, s as u32, Step::COUNT, words.to_string())
    }
}

/// Tolerances of reconciliation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReconSettings {
    /// Post-click window: an FTD later than this after its click earns nothing (DOMAIN §3).
    pub window_days: i64,
    /// Status lag: an approval at least this long after the conversion (by the tracker's update time, or a
    /// pending → approved change seen this long apart in the history). A day: trackers approve a clean FTD
    /// at once or within its day; an approval on a later day is what an affiliate sees as late.
    pub status_lag_hours: i64,
    /// An FTD younger than this is not yet reported as a missing postback (trackers deliver within minutes).
    pub postback_grace_minutes: i64,
}

impl Default for ReconSettings {
    fn default() -> Self {
        Self {
            window_days: 30,
            status_lag_hours: 24,
            postback_grace_minutes: 60,
        }
    }
}

/// A reporting month: its first and last day (`YYYY-MM-DD`, inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    pub label: String,
    pub first: String,
    pub last: String,
}

pub fn parse_period(text: &str) -> Result<Month, ReconError> {
    let bad = || ReconError::Invalid(format!("period must be YYYY-MM, got '{text}'"));
    let first =
        NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d").map_err(|_| bad())?;
    if text.trim().len() != 7 {
        return Err(bad());
    }
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
    .ok_or_else(bad)?;
    let last = next.pred_opt().ok_or_else(bad)?;
    Ok(Month {
        label: text.trim().to_string(),
        first: first.to_string(),
        last: last.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_whole_months() {
        let m = parse_period("2024-02").unwrap();
        assert_eq!(
            (m.first.as_str(), m.last.as_str()),
            ("2024-02-01", "2024-02-29")
        );
        assert_eq!(parse_period("2026-12").unwrap().last, "2026-12-31");
        for bad in ["2026-13", "2026-1", "202612", "2026-10-01", ""] {
            assert!(parse_period(bad).is_err(), "{bad}");
        }
    }
}
