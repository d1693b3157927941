//! A store with one iGaming program and rows inserted directly, for the detection and reconciliation tests:
//! each test writes exactly the records its case needs.

use affops_core::detect::{self, When};
use affops_core::store::Store;
use rusqlite::params;

pub const HOUR: i64 = 3_600_000;
pub const DAY: i64 = 24 * HOUR;
/// 2026-10-01T00:00:00Z
pub const T0: i64 = 1_790_812_800_000;
/// The "now" of the detection tests: a month after T0.
pub const NOW: i64 = T0 + 30 * DAY;

pub struct Fx {
    _dir: tempfile::TempDir,
    pub store: Store,
    pub program: i64,
}

pub fn day(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .date_naive()
        .to_string()
}

impl Fx {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let program = store
            .write::<_, affops_core::store::StoreError>(|tx| {
                tx.execute("INSERT INTO programs (name, vertical, currency, timezone, created_at_ms) VALUES ('P', 'igaming', 'EUR', 'UTC', 0)", [])?;
                let p = tx.last_insert_rowid();
                tx.execute("INSERT INTO users (name, display_name, created_at_ms) VALUES ('ana', 'Ana', 0)", [])?;
                tx.execute("INSERT INTO sources (program_id, name, kind, created_at_ms) VALUES (?1, 'tracker', 'everflow', 0)", [p])?;
                Ok(p)
            })
            .unwrap();
        Self {
            _dir: dir,
            store,
            program,
        }
    }

    pub fn sql(&self, sql: &str, p: impl rusqlite::Params + Clone) {
        self.store
            .write::<_, affops_core::store::StoreError>(|tx| {
                Ok(tx.execute(sql, p.clone()).map(|_| ())?)
            })
            .unwrap();
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.store
            .read::<_, affops_core::store::StoreError>(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
            .unwrap()
    }

    /// An affiliate (external id = `ext`); returns its internal id.
    pub fn affiliate(&self, ext: &str) -> i64 {
        self.store
            .write::<_, affops_core::store::StoreError>(|tx| {
                tx.execute("INSERT INTO affiliates (program_id, external_id, name, created_at_ms) VALUES (?1, ?2, ?3, 0)", params![self.program, ext, format!("Aff {ext}")])?;
                Ok(tx.last_insert_rowid())
            })
            .unwrap()
    }

    #[allow(clippy::too_many_arguments)]
    pub fn click(
        &self,
        id: &str,
        aff: i64,
        at: i64,
        ip: &str,
        sub1: &str,
        country: &str,
        url: &str,
    ) {
        self.sql(
            "INSERT INTO clicks (program_id, click_id, affiliate_id, clicked_at_ms, day, sub1, ip, country, landing_url) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![self.program, id, aff, at, day(at), sub1, ip, country, url],
        );
    }

    /// A player; returns its internal id.
    #[allow(clippy::too_many_arguments)]
    pub fn player(
        &self,
        ext: &str,
        aff: Option<i64>,
        at: i64,
        click: Option<&str>,
        country: &str,
        ip: &str,
        device: &str,
        email_hash: Option<&str>,
    ) -> i64 {
        self.store
            .write::<_, affops_core::store::StoreError>(|tx| {
                tx.execute(
                    "INSERT INTO players (program_id, external_id, currency, registered_at_ms, day, country, click_id, ip, device_id, email_hash, affiliate_id)
                     VALUES (?1, ?2, 'EUR', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    params![self.program, ext, at, day(at), country, click, ip, device, email_hash, aff],
                )?;
                Ok(tx.last_insert_rowid())
            })
            .unwrap()
    }

    #[allow(clippy::too_many_arguments)]
    pub fn money(
        &self,
        ext: &str,
        player: i64,
        kind: &str,
        micros: i64,
        at: i64,
        ftd: bool,
        payment: Option<&str>,
    ) {
        self.money_in(ext, player, kind, micros, "EUR", at, ftd, payment);
    }

    #[allow(clippy::too_many_arguments)]
    pub fn money_in(
        &self,
        ext: &str,
        player: i64,
        kind: &str,
        micros: i64,
        currency: &str,
        at: i64,
        ftd: bool,
        payment: Option<&str>,
    ) {
        self.sql(
            "INSERT INTO money_movements (program_id, external_id, player_id, kind, amount_micros, currency, occurred_at_ms, day, is_ftd, payment_hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![self.program, ext, player, kind, micros, currency, at, day(at), ftd, payment],
        );
    }

    pub fn activity(&self, player: i64, day: &str, deposits: i64, bets: i64) {
        self.sql(
            "INSERT INTO player_activity_daily (player_id, day, currency, deposits_micros, bets_micros) VALUES (?1, ?2, 'EUR', ?3, ?4)",
            params![player, day, deposits, bets],
        );
    }

    /// A tracker conversion; returns its internal id.
    #[allow(clippy::too_many_arguments)]
    pub fn conversion(
        &self,
        ext: &str,
        aff: i64,
        txn: &str,
        player: &str,
        order: &str,
        status: &str,
        payout: i64,
        sale: i64,
        currency: &str,
        at: i64,
        clicked: Option<i64>,
    ) -> i64 {
        self.store
            .write::<_, affops_core::store::StoreError>(|tx| {
                tx.execute(
                    "INSERT INTO conversions (source_id, program_id, external_id, transaction_id, affiliate_id, player_ref, order_ref, status, payout_micros,
                         sale_amount_micros, currency, converted_at_ms, day, clicked_at_ms, arrival, first_seen_at_ms, updated_at_ms)
                     VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'api', ?11, ?11)",
                    params![self.program, ext, txn, aff, player, order, status, payout, sale, currency, at, day(at), clicked],
                )?;
                Ok(tx.last_insert_rowid())
            })
            .unwrap()
    }
}

/// Runs one rule over all history and returns the flagged player/click/account refs of its findings.
pub fn flagged(fx: &Fx, rule: &str) -> Vec<String> {
    let r = detect::rule(rule).unwrap();
    let report = detect::run_rules(&fx.store, fx.program, NOW, When::Always, &[r]).unwrap();
    assert!(
        report.rules[0].failure.is_none(),
        "{:?}",
        report.rules[0].failure
    );
    fx.store
        .read::<_, affops_core::store::StoreError>(|c| {
            let mut s = c.prepare("SELECT i.ref FROM flags f JOIN flag_items i ON i.flag_id = f.id WHERE f.rule = ?1 AND i.kind IN ('player', 'account') ORDER BY 1")?;
            let v = s.query_map([rule], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            Ok(v)
        })
        .unwrap()
}

pub fn flag_count(fx: &Fx, rule: &str) -> i64 {
    fx.count(&format!("SELECT COUNT(*) FROM flags WHERE rule = '{rule}'"))
}

pub fn forex_account(fx: &Fx, login: &str, player: i64) -> i64 {
    fx.store.write::<_, affops_core::store::StoreError>(|tx| {
        tx.execute("INSERT INTO forex_accounts (program_id, login, player_id, currency) VALUES (?1, ?2, ?3, 'USD')", rusqlite::params![fx.program, login, player])?;
        Ok(tx.last_insert_rowid())
    }).unwrap()
}

pub fn deal(fx: &Fx, ticket: &str, account: i64, side: &str, entry: &str, position: &str, at: i64) {
    fx.sql(
        "INSERT INTO deals (program_id, ticket, account_id, deal_type, entry, symbol, volume_micros, currency, position_id, executed_at_ms, day)
         VALUES (?1, ?2, ?3, ?4, ?5, 'EURUSD', 100000000000, 'USD', ?6, ?7, ?8)",
        rusqlite::params![fx.program, ticket, account, side, entry, position, at, day(at)],
    );
}
