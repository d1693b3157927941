//! Replaying entries: balances and statuses rebuilt from the entries alone, in posting order. The property tests
//! compare this against what the store sums, and against a model of the operations.

use super::{Entry, EntryKind, EntryStatus};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replayed {
    /// (affiliate, currency) → balance in micros.
    pub balances: BTreeMap<(i64, String), i64>,
    /// entry id → its status after every transition.
    pub status: BTreeMap<i64, EntryStatus>,
}

pub fn replay(entries: &[Entry]) -> Replayed {
    let mut r = Replayed::default();
    for e in entries {
        *r.balances
            .entry((e.affiliate_id, e.currency.clone()))
            .or_default() += e.amount_micros;
        if e.kind == EntryKind::Status {
            if let Some(target) = e.corrects_entry_id {
                r.status.insert(target, e.status);
            }
        } else {
            r.status.insert(e.id, e.status);
        }
    }
    r.balances.retain(|_, v| *v != 0);
    r
}
