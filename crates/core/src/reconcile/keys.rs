//! The join keys of reconciliation, read once per run. Matching asks, for every FTD of the period, which
//! conversions share its deposit id, click id or player id, and, for every conversion of the period, whether some
//! FTD explains it. Asked of SQLite one at a time, each question scanned the program's conversions (an OR across
//! three columns uses no index), so a month of 60,000 FTDs meant 60,000 scans. Here the keys are hashed once and
//! every question is a lookup; the answers are the same as the SQL's, in the same order.

use super::matching::Conv;
use rusqlite::Connection;
use std::collections::HashMap;

/// Every conversion of a program, with hash indexes on its three join keys.
pub(super) struct ConversionKeys {
    pub convs: Vec<Conv>,
    by_order: HashMap<String, Vec<usize>>,
    by_transaction: HashMap<String, Vec<usize>>,
    by_player: HashMap<String, Vec<usize>>,
    typical: HashMap<Option<i64>, i64>,
}

impl ConversionKeys {
    pub fn new(convs: Vec<Conv>) -> Self {
        let mut by_order: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_transaction: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_player: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in convs.iter().enumerate() {
            by_order.entry(c.order_ref.clone()).or_default().push(i);
            by_transaction
                .entry(c.transaction_id.clone())
                .or_default()
                .push(i);
            by_player.entry(c.player_ref.clone()).or_default().push(i);
        }
        Self {
            typical: typical_payouts(&convs),
            convs,
            by_order,
            by_transaction,
            by_player,
        }
    }

    /// The conversions with `order_ref = deposit`, or `transaction_id = click_id` (a non-empty click id), or
    /// `player_ref = player`, each once, ordered by conversion time, then id.
    pub fn candidates(&self, deposit: &str, click_id: &str, player: &str) -> Vec<&Conv> {
        let mut hits: Vec<usize> = Vec::new();
        let mut take = |list: Option<&Vec<usize>>| hits.extend(list.into_iter().flatten());
        take(self.by_order.get(deposit));
        if !click_id.is_empty() {
            take(self.by_transaction.get(click_id));
        }
        take(self.by_player.get(player));
        hits.sort_unstable();
        hits.dedup();
        let mut out: Vec<&Conv> = hits.into_iter().map(|i| &self.convs[i]).collect();
        out.sort_by_key(|c| (c.converted_at_ms, c.id));
        out
    }

    /// The affiliate's most common live payout (ties: the larger), 0 when it has none: the estimate of what a
    /// missing postback would have paid.
    pub fn typical_payout(&self, affiliate_id: Option<i64>) -> i64 {
        self.typical.get(&affiliate_id).copied().unwrap_or(0)
    }
}

/// Every affiliate's most common live payout (ties: the larger), counted in one pass over the conversions.
fn typical_payouts(convs: &[Conv]) -> HashMap<Option<i64>, i64> {
    let mut counts: HashMap<Option<i64>, HashMap<i64, u64>> = HashMap::new();
    for c in convs.iter().filter(|c| super::matching::live(&c.status)) {
        *counts
            .entry(c.affiliate_id)
            .or_default()
            .entry(c.payout)
            .or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(affiliate, payouts)| {
            let payout = payouts
                .into_iter()
                .max_by_key(|(payout, n)| (*n, *payout))
                .map_or(0, |(payout, _)| payout);
            (affiliate, payout)
        })
        .collect()
}

/// Whether some FTD of a program, in any period, explains a conversion. Asked only for the period's live
/// conversions no FTD of the period matched (a few in a hundred), so each question is three indexed lookups rather
/// than every FTD of the program hashed first.
pub(super) struct FtdLookup<'c> {
    conn: &'c Connection,
    program_id: i64,
}

impl<'c> FtdLookup<'c> {
    pub fn new(conn: &'c Connection, program_id: i64) -> Self {
        Self { conn, program_id }
    }

    /// Whether an FTD has `order_ref` as its deposit id, or `transaction_id` (non-empty) as its player's click id,
    /// or `player_ref` as its player's id.
    pub fn explains(
        &self,
        order_ref: &str,
        transaction_id: &str,
        player_ref: &str,
    ) -> rusqlite::Result<bool> {
        let ask = |sql: &str, key: &str| -> rusqlite::Result<bool> {
            self.conn
                .prepare_cached(sql)?
                .exists(rusqlite::params![self.program_id, key])
        };
        Ok(ask(
            "SELECT 1 FROM money_movements WHERE program_id = ?1 AND external_id = ?2 AND kind = 'deposit' AND is_ftd = 1",
            order_ref,
        )? || (!transaction_id.is_empty()
            && ask(
                "SELECT 1 FROM players p JOIN money_movements m ON m.player_id = p.id
                 WHERE p.click_id = ?2 AND p.program_id = ?1 AND m.kind = 'deposit' AND m.is_ftd = 1",
                transaction_id,
            )?)
            || ask(
                "SELECT 1 FROM players p JOIN money_movements m ON m.player_id = p.id
                 WHERE p.program_id = ?1 AND p.external_id = ?2 AND m.kind = 'deposit' AND m.is_ftd = 1",
                player_ref,
            )?)
    }
}
