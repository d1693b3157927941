//! Disputes (DOMAIN.md §7): an affiliate's claim worked from intake to an outcome. A case is opened from a
//! reconciliation discrepancy, a flag, a statement line, a player, a conversion, a claim of the affiliate's own
//! file, or by hand; it has an owner, a due date from its program's SLA, comments, attachments and an evidence
//! pack that assembles itself from the store. Every transition is a person's, checked against the state machine
//! ([`State::next`]) and recorded in the case's append-only history; resolving it moves money only through a new
//! ledger entry in the next open period.

pub mod cases;
pub mod claims;
pub mod evidence;
pub mod intake;
pub mod list;
pub mod pack;
pub mod sla;
pub mod types;
pub mod view;
pub mod zip;

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum DisputeError {
    /// The request is wrong; the message names the field.
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    /// Not allowed from where the case stands; the message names what is.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for DisputeError {
    fn from(e: rusqlite::Error) -> Self {
        DisputeError::Store(e.into())
    }
}

impl From<crate::commission::CommissionError> for DisputeError {
    fn from(e: crate::commission::CommissionError) -> Self {
        use crate::commission::CommissionError as C;
        match e {
            C::BadInput(m) => DisputeError::Invalid(m),
            C::NotFound(m) => DisputeError::NotFound(m),
            C::Store(s) => DisputeError::Store(s),
            other => DisputeError::Refused(other.to_string()),
        }
    }
}

impl From<crate::attribution::AttributionError> for DisputeError {
    fn from(e: crate::attribution::AttributionError) -> Self {
        use crate::attribution::AttributionError as A;
        match e {
            A::NotFound(m) => DisputeError::NotFound(m),
            A::Store(s) => DisputeError::Store(s),
            other => DisputeError::Invalid(other.to_string()),
        }
    }
}

impl From<crate::payouts::PayoutError> for DisputeError {
    fn from(e: crate::payouts::PayoutError) -> Self {
        use crate::payouts::PayoutError as P;
        match e {
            P::Invalid(m) => DisputeError::Invalid(m),
            P::NotFound(m) => DisputeError::NotFound(m),
            P::Refused(m) | P::Conflict(m) => DisputeError::Refused(m),
            P::Store(s) => DisputeError::Store(s),
        }
    }
}

pub type DisputeResult<T> = Result<T, DisputeError>;

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Open,
    Investigating,
    AwaitingOperator,
    Accepted,
    PartlyAccepted,
    Rejected,
}

impl State {
    pub const ALL: [State; 6] = [
        State::Open,
        State::Investigating,
        State::AwaitingOperator,
        State::Accepted,
        State::PartlyAccepted,
        State::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Investigating => "investigating",
            State::AwaitingOperator => "awaiting_operator",
            State::Accepted => "accepted",
            State::PartlyAccepted => "partly_accepted",
            State::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    /// A decision has been taken (the SLA clock stops; only a reopen moves it).
    pub fn is_resolved(self) -> bool {
        matches!(
            self,
            State::Accepted | State::PartlyAccepted | State::Rejected
        )
    }

    /// The states a case may move to from here (a resolved case only reopens, to `investigating`).
    pub fn next(self) -> &'static [State] {
        use State::*;
        match self {
            Open => &[
                Investigating,
                AwaitingOperator,
                Accepted,
                PartlyAccepted,
                Rejected,
            ],
            Investigating => &[AwaitingOperator, Accepted, PartlyAccepted, Rejected],
            AwaitingOperator => &[Investigating, Accepted, PartlyAccepted, Rejected],
            Accepted | PartlyAccepted | Rejected => &[Investigating],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::State;

    #[test]
    fn every_state_round_trips_and_resolved_ones_only_reopen() {
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Some(s));
            if s.is_resolved() {
                assert_eq!(s.next(), &[State::Investigating]);
            } else {
                assert!(!s.next().contains(&s), "{s:?} does not move to itself");
                assert!(s.next().iter().any(|n| n.is_resolved()));
            }
        }
        assert_eq!(State::parse("closed"), None);
    }
}
