//! The commission a flag (or a backtest finding) holds: what the engine pays for its players in the open
//! periods, from [`crate::commission::stake::StakeBook`] (computed with and without them), replacing the
//! tracker payout the first version used. One book per program, loaded on first use and shared by every flag of
//! a list.

use std::collections::BTreeMap;

use rusqlite::Connection;

use super::exclusion::players_of_items;
use super::ItemKind;
use crate::commission::stake::StakeBook;
use crate::commission::CommissionError;
use crate::store::{StoreError, StoreResult};

/// Books per program, loaded when first asked for.
#[derive(Default)]
pub struct Stakes {
    books: BTreeMap<i64, StakeBook>,
}

impl Stakes {
    fn book(&mut self, conn: &Connection, program_id: i64) -> StoreResult<&StakeBook> {
        match self.books.entry(program_id) {
            std::collections::btree_map::Entry::Occupied(e) => Ok(e.into_mut()),
            std::collections::btree_map::Entry::Vacant(v) => {
                let book = StakeBook::load(conn, program_id).map_err(|e| match e {
                    CommissionError::Store(s) => s,
                    other => StoreError::Invalid(other.to_string()),
                })?;
                Ok(v.insert(book))
            }
        }
    }

    /// The commission at stake behind `items`, in micros, with its currency.
    pub fn amount(
        &mut self,
        conn: &Connection,
        program_id: i64,
        items: &[(ItemKind, String)],
    ) -> StoreResult<(i64, String)> {
        let players = players_of_items(conn, program_id, items)?;
        let book = self.book(conn, program_id)?;
        Ok(book.total(&players))
    }

    /// Per affiliate (affiliates.id) and currency, what `items` hold.
    pub fn per_affiliate(
        &mut self,
        conn: &Connection,
        program_id: i64,
        items: &[(ItemKind, String)],
    ) -> StoreResult<crate::commission::stake::Held> {
        let players = players_of_items(conn, program_id, items)?;
        Ok(self.book(conn, program_id)?.held(&players))
    }
}
