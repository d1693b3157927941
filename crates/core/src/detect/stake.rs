//! The commission a flag (or a backtest finding) holds: what the engine pays for its players in the open
//! periods, from [`crate::commission::stake::StakeBook`] (computed with and without them), replacing the
//! tracker payout the first version used. One book per program, loaded on first use and shared by every flag of
//! a list.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;

use super::exclusion::players_of_items;
use super::ItemKind;
use crate::commission::stake::StakeBook;
use crate::commission::CommissionError;
use crate::store::{StoreError, StoreResult};

/// Books per program, loaded when first asked for and only for the affiliate trees asked about: a book covers the
/// players it was loaded for (all the flags of a list, when declared with [`Stakes::for_players`]); asked about
/// others, it is loaded again for both.
#[derive(Default)]
pub struct Stakes {
    books: BTreeMap<i64, (BTreeSet<i64>, StakeBook)>,
    declared: BTreeMap<i64, BTreeSet<i64>>,
}

impl Stakes {
    /// Stakes for a list whose flags name `players` (per program): one book per program, for all of them.
    pub fn for_players(declared: BTreeMap<i64, BTreeSet<i64>>) -> Self {
        Self {
            books: BTreeMap::new(),
            declared,
        }
    }

    fn book(
        &mut self,
        conn: &Connection,
        program_id: i64,
        players: &BTreeSet<i64>,
    ) -> StoreResult<&StakeBook> {
        let covered = self
            .books
            .get(&program_id)
            .is_some_and(|(scope, _)| players.is_subset(scope));
        if !covered {
            let mut scope = self.declared.get(&program_id).cloned().unwrap_or_default();
            if let Some((before, _)) = self.books.remove(&program_id) {
                scope.extend(before);
            }
            scope.extend(players.iter().copied());
            let book =
                StakeBook::load_for(conn, program_id, Some(&scope)).map_err(|e| match e {
                    CommissionError::Store(s) => s,
                    other => StoreError::Invalid(other.to_string()),
                })?;
            self.books.insert(program_id, (scope, book));
        }
        Ok(&self.books[&program_id].1)
    }

    /// The commission `players` hold, in micros, with its currency.
    pub fn amount_of_players(
        &mut self,
        conn: &Connection,
        program_id: i64,
        players: &BTreeSet<i64>,
    ) -> StoreResult<(i64, String)> {
        Ok(self.book(conn, program_id, players)?.total(players))
    }

    /// The commission at stake behind `items`, in micros, with its currency.
    pub fn amount(
        &mut self,
        conn: &Connection,
        program_id: i64,
        items: &[(ItemKind, String)],
    ) -> StoreResult<(i64, String)> {
        let players = players_of_items(conn, program_id, items)?;
        Ok(self.book(conn, program_id, &players)?.total(&players))
    }

    /// Per affiliate (affiliates.id) and currency, what `items` hold.
    pub fn per_affiliate(
        &mut self,
        conn: &Connection,
        program_id: i64,
        items: &[(ItemKind, String)],
    ) -> StoreResult<crate::commission::stake::Held> {
        let players = players_of_items(conn, program_id, items)?;
        Ok(self.book(conn, program_id, &players)?.held(&players))
    }
}
