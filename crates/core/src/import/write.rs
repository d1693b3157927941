//! Writing one chunk of validated rows, its raw bytes, its quarantined rows and the run's checkpoint, all in one
//! transaction: after a crash either the whole chunk and its checkpoint are there, or neither is.
//!
//! Inserts are idempotent on natural keys (`ON CONFLICT DO NOTHING` on click id, player id, deposit id; activity
//! is upserted on (player, day) only when a value changed), so a chunk written twice changes nothing.

use super::rows::{ActivityRow, AffiliateFileRow, ClaimRow, MoneyRow, PlayerRow, Row};
use super::write_forex::{self, DealTickets};
use crate::ingest::raw::{self, RawPayload};
use crate::ingest::records::{DepositRecord, PlayerRecord};
use crate::ingest::upsert::{self, PageContext};
use crate::store::{StoreError, StoreResult};
use crate::time::{day_of, day_start_ms};
use chrono_tz::Tz;
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::HashMap;

/// A row the parser refused, located in the file.
#[derive(Debug, Clone)]
pub struct BadRow {
    pub row: u64,
    /// Byte range of the row in the file.
    pub start: u64,
    pub end: u64,
    pub column: Option<String>,
    pub reason: String,
    /// The row's bytes to keep instead of the file's, when they had to be redacted (emails: see
    /// [`super::parse`]).
    pub redacted: Option<Vec<u8>>,
}

/// Consecutive rows of the file, parsed, with their exact bytes.
#[derive(Debug, Default)]
pub struct Chunk {
    pub start_offset: u64,
    pub end_offset: u64,
    pub first_row: u64,
    /// The row number the next chunk starts at.
    pub next_row: u64,
    pub rows: Vec<(u64, Row)>,
    pub bad: Vec<BadRow>,
    /// The chunk's bytes as in the file; kept only while quarantined rows need slicing out of them.
    pub raw: Vec<u8>,
    /// The chunk's bytes hashed and compressed for the raw archive (by the parse thread).
    pub archived: Option<RawPayload>,
    /// The fields detection needs seen filled so far in the run's rows, this chunk's included
    /// ([`super::signals::FilledFields`]).
    pub filled: u64,
    /// Signal values the chunk's rows ignored ([`super::clean`]); added to the run's in the chunk's transaction.
    pub ignored: super::clean::IgnoredCounts,
}

impl Chunk {
    /// The file rows the chunk covers, good and bad.
    pub fn row_count(&self) -> u64 {
        self.next_row - self.first_row
    }
}

/// What a chunk write did.
#[derive(Debug, Default, Clone, Copy)]
pub struct ChunkOutcome {
    pub ok: u64,
    pub quarantined: u64,
}

/// The reporting day of an instant, recomputed only when the instant leaves the day last seen: a click file is
/// mostly sorted by time, so nearly every row hits the cache.
pub struct DayCache {
    tz: Tz,
    start_ms: i64,
    end_ms: i64,
    day: String,
}

impl DayCache {
    pub fn new(tz: Tz) -> Self {
        Self {
            tz,
            start_ms: 0,
            end_ms: 0,
            day: String::new(),
        }
    }

    pub fn day(&mut self, ms: i64) -> StoreResult<&str> {
        if !(self.start_ms..self.end_ms).contains(&ms) {
            let day = day_of(ms, self.tz).map_err(|e| StoreError::Invalid(e.to_string()))?;
            let date =
                crate::time::parse_day(&day).map_err(|e| StoreError::Invalid(e.to_string()))?;
            self.start_ms = day_start_ms(date, self.tz);
            self.end_ms = date
                .succ_opt()
                .map(|d| day_start_ms(d, self.tz))
                .unwrap_or(self.start_ms + 1);
            self.day = day;
        }
        Ok(&self.day)
    }
}

/// FNV-1a: affiliate ids are short strings looked up once per row; SipHash's DoS resistance buys nothing here
/// (the keys come from the file being imported) and costs a measurable share of the import.
#[derive(Default)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A refusal that names the row's player (activity, deposits and claims point at a player the store lacks).
fn on_player(reason: String) -> write_forex::Refusal {
    (Some("player_id".into()), reason)
}

type FastMap<V> = HashMap<String, V, std::hash::BuildHasherDefault<Fnv>>;

/// State a writer keeps across the chunks of one run.
pub struct ChunkWriter {
    pub source_id: i64,
    pub program_id: i64,
    pub program_currency: String,
    pub run_id: i64,
    pub stream: String,
    pub now_ms: i64,
    pub tz: Tz,
    days: DayCache,
    affiliates: FastMap<i64>,
    /// Affiliates created by the transaction in flight: forgotten if it rolls back.
    created: Vec<String>,
    /// Deal ids of this run, to refuse one listed twice.
    deals: DealTickets,
    /// The file's name: where a GeoIP range or an affiliate's identifier came from.
    pub file_name: String,
}

impl ChunkWriter {
    pub fn new(
        source_id: i64,
        program_id: i64,
        program_currency: String,
        run_id: i64,
        stream: String,
        now_ms: i64,
        tz: Tz,
    ) -> Self {
        Self {
            source_id,
            program_id,
            program_currency,
            run_id,
            stream,
            now_ms,
            tz,
            days: DayCache::new(tz),
            affiliates: FastMap::default(),
            created: Vec::new(),
            deals: DealTickets::default(),
            file_name: String::new(),
        }
    }

    /// Call at the start of every transaction attempt: affiliates created by an attempt that rolled back are
    /// forgotten (they were never committed).
    pub fn begin(&mut self) {
        for name in self.created.drain(..) {
            self.affiliates.remove(&name);
        }
        self.deals.begin();
    }

    /// Call after the transaction committed: the affiliates it created are now real.
    pub fn committed(&mut self) {
        self.created.clear();
        self.deals.committed();
    }

    /// Writes the chunk inside `tx` (the caller's `Store::write`, opened with [`ChunkWriter::begin`]); several
    /// chunks may share one transaction.
    pub fn write(&mut self, tx: &Transaction<'_>, chunk: &Chunk) -> StoreResult<ChunkOutcome> {
        let stream = self.stream.clone();
        let page = PageContext::new(
            self.source_id,
            self.program_id,
            self.tz,
            self.now_ms,
            &stream,
        );
        let last_row = chunk.next_row.saturating_sub(1);
        let locator = format!(
            "bytes {}-{} rows {}-{}",
            chunk.start_offset, chunk.end_offset, chunk.first_row, last_row
        );
        let raw_id = match &chunk.archived {
            Some(payload) => raw::archive(tx, &page, &locator, payload)?,
            None => raw::archive_bytes(tx, &page, &locator, &chunk.raw)?,
        };
        let mut out = ChunkOutcome::default();
        let mut late_bad: Vec<(u64, Option<String>, String)> = Vec::new();
        let mut ranges = 0u64;
        if matches!(chunk.rows.first(), Some((_, Row::Click(_)))) {
            out.ok = self.clicks(tx, raw_id, chunk)?;
        }
        for (row, r) in &chunk.rows {
            let refused = match r {
                // Written above, all at once.
                Row::Click(_) => continue,
                Row::Player(p) => {
                    self.player(tx, &page, raw_id, p)?;
                    None
                }
                Row::Activity(a) => self.activity(tx, raw_id, a)?.map(on_player),
                Row::Money(m) => self.money(tx, &page, raw_id, m)?,
                Row::IpRange(r) => {
                    let origin = super::ipgeo::RangeOrigin {
                        run_id: self.run_id,
                        row: *row,
                        file_name: &self.file_name,
                    };
                    let refused = super::ipgeo::insert_range(tx, r, &origin)?;
                    if refused.is_none() {
                        ranges += 1;
                    }
                    refused.map(|reason| (Some("ip_from".to_string()), reason))
                }
                Row::Claim(c) => self.claim(tx, raw_id, c)?.map(on_player),
                Row::Affiliate(a) => self
                    .affiliate_row(tx, a)?
                    .map(|r| (Some("parent_id".into()), r)),
                Row::Symbol(s) => write_forex::symbol(tx, &page, s)?,
                Row::Account(a) => write_forex::account(tx, &page, raw_id, a)?,
                Row::Deal(d) => write_forex::deal(tx, &page, raw_id, &mut self.deals, *row, d)?,
                Row::Conversion(c) => {
                    write_forex::conversion(tx, &page, raw_id, &self.program_currency, c)?
                }
                Row::Deposit(d) => {
                    let rec = DepositRecord {
                        external_id: d.deposit_id.clone(),
                        player_external_id: d.player_id.clone(),
                        amount_micros: d.amount_micros,
                        currency: d.currency.clone(),
                        occurred_at_ms: d.occurred_at_ms,
                        is_ftd: d.is_ftd,
                        payment_hash: d.payment_hash.clone(),
                    };
                    match upsert::upsert_deposit(tx, &page, raw_id, &rec)? {
                        Ok(_) => None,
                        Err(u) => Some(on_player(u.reason.replace(
                            "sync the operator's players first",
                            "import the registrations first",
                        ))),
                    }
                }
            };
            match refused {
                None => out.ok += 1,
                Some((column, reason)) => late_bad.push((*row, column, reason)),
            }
        }
        for b in &chunk.bad {
            let bytes = match &b.redacted {
                Some(r) => r.as_slice(),
                None => slice(chunk, b.start, b.end),
            };
            self.quarantine(
                tx,
                &page,
                raw_id,
                b.row,
                b.column.as_deref(),
                &b.reason,
                bytes,
            )?;
        }
        for (row, column, reason) in &late_bad {
            self.quarantine(tx, &page, raw_id, *row, column.as_deref(), reason, b"")?;
        }
        out.quarantined = (chunk.bad.len() + late_bad.len()) as u64;
        if ranges > 0 {
            // Players already known get their IP's country from the new ranges (see `ipgeo`).
            super::ipgeo::fill_ip_countries(tx, None)?;
        }
        if !chunk.ignored.is_empty() {
            let stored: String = tx
                .prepare_cached("SELECT ignored_json FROM import_runs WHERE id = ?1")?
                .query_row([self.run_id], |r| r.get(0))?;
            let mut all = super::clean::IgnoredCounts::from_json(&stored);
            all.merge(&chunk.ignored);
            tx.prepare_cached("UPDATE import_runs SET ignored_json = ?2 WHERE id = ?1")?
                .execute(params![self.run_id, all.to_json()])?;
        }
        tx.prepare_cached(
            "UPDATE import_runs SET checkpoint_offset = ?2, checkpoint_row = ?3, rows_ok = rows_ok + ?4,
                    rows_quarantined = rows_quarantined + ?5 WHERE id = ?1",
        )?
        .execute(params![self.run_id, chunk.end_offset as i64, chunk.next_row as i64, out.ok as i64, out.quarantined as i64])?;
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn quarantine(
        &self,
        tx: &Transaction<'_>,
        page: &PageContext<'_>,
        raw_id: i64,
        row: u64,
        column: Option<&str>,
        reason: &str,
        bytes: &[u8],
    ) -> StoreResult<()> {
        upsert::quarantine(
            tx,
            page,
            &format!("row {row}"),
            column,
            reason,
            bytes,
            Some(raw_id),
        )?;
        tx.prepare_cached(
            "INSERT INTO import_quarantine (quarantine_id, run_id, row_number) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![tx.last_insert_rowid(), self.run_id, row as i64])?;
        Ok(())
    }

    fn unattributed_players(&self, tx: &Transaction<'_>) -> StoreResult<bool> {
        Ok(tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM players WHERE program_id = ?1 AND affiliate_id IS NULL AND click_id IS NOT NULL)")?
            .query_row([self.program_id], |r| r.get(0))?)
    }

    fn affiliate(&mut self, tx: &Transaction<'_>, external_id: &str) -> StoreResult<i64> {
        if let Some(id) = self.affiliates.get(external_id) {
            return Ok(*id);
        }
        let found: Option<i64> = tx
            .prepare_cached("SELECT id FROM affiliates WHERE program_id = ?1 AND external_id = ?2")?
            .query_row(params![self.program_id, external_id], |r| r.get(0))
            .optional()?;
        let id = match found {
            Some(id) => id,
            None => {
                // Created on the fly like the sync does: the id is the name until an affiliates list renames it.
                tx.prepare_cached(
                    "INSERT INTO affiliates (program_id, external_id, name, status, created_at_ms) VALUES (?1, ?2, ?2, 'active', ?3)",
                )?
                .execute(params![self.program_id, external_id, self.now_ms])?;
                self.created.push(external_id.to_string());
                tx.last_insert_rowid()
            }
        };
        self.affiliates.insert(external_id.to_string(), id);
        Ok(id)
    }

    /// All the clicks of a chunk, with the statements prepared once: this is the path the B1 benchmark times.
    fn clicks(&mut self, tx: &Transaction<'_>, raw_id: i64, chunk: &Chunk) -> StoreResult<u64> {
        let attribute_players = self.unattributed_players(tx)?;
        let mut insert = tx.prepare_cached(
            "INSERT INTO clicks (program_id, click_id, affiliate_id, clicked_at_ms, day, sub1, sub2, sub3, sub4, sub5,
                                 ip, user_agent, country, landing_url, raw_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
             ON CONFLICT (program_id, click_id) DO NOTHING",
        )?;
        let mut attribute = tx.prepare_cached(
            "UPDATE players SET affiliate_id = ?3 WHERE program_id = ?1 AND click_id = ?2 AND affiliate_id IS NULL",
        )?;
        let mut n = 0;
        let mut days: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        let mut settled: Vec<String> = Vec::new();
        for (_, row) in &chunk.rows {
            let Row::Click(c) = row else { continue };
            let affiliate_id = self.affiliate(tx, &c.affiliate)?;
            let day = if c.day.is_empty() {
                self.days.day(c.clicked_at_ms)?
            } else {
                &c.day
            };
            let t = &c.texts;
            let inserted = insert.execute(params![
                self.program_id,
                c.click_id,
                affiliate_id,
                c.clicked_at_ms,
                day,
                t[0],
                t[1],
                t[2],
                t[3],
                t[4],
                t[5],
                t[6],
                t[7],
                t[8],
                raw_id
            ])?;
            if inserted > 0 {
                if !days.contains(day) {
                    days.insert(day.to_string());
                }
                // A player who registered before their click was imported was left unattributed; the click
                // settles it.
                if attribute_players
                    && attribute.execute(params![self.program_id, c.click_id, affiliate_id])? > 0
                {
                    settled.push(c.click_id.clone());
                }
            }
            n += 1;
        }
        drop((insert, attribute));
        // The rollups of every day this chunk touched are recomputed (see `rollups`).
        for day in &days {
            crate::rollups::mark_dirty(tx, self.program_id, day)?;
        }
        for click_id in settled {
            let ids: Vec<i64> = tx
                .prepare_cached("SELECT id FROM players WHERE program_id = ?1 AND click_id = ?2")?
                .query_map(params![self.program_id, click_id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for id in ids {
                crate::rollups::mark_player_days(tx, self.program_id, id)?;
            }
        }
        Ok(n)
    }

    /// An affiliate added or brought up to date (name, parent, email hash, country, manager). A parent must be known
    /// in the program already — an earlier row or file — and may not make a cycle; either refusal names the chain.
    fn affiliate_row(
        &mut self,
        tx: &Transaction<'_>,
        a: &AffiliateFileRow,
    ) -> StoreResult<Option<String>> {
        let id_of = |external: &str| -> StoreResult<Option<i64>> {
            Ok(tx
                .prepare_cached(
                    "SELECT id FROM affiliates WHERE program_id = ?1 AND external_id = ?2",
                )?
                .query_row(params![self.program_id, external], |r| r.get(0))
                .optional()?)
        };
        let parent_id = match a.parent.as_str() {
            "" => None,
            p if p == a.id => {
                return Ok(Some(format!("affiliate '{}' is named as its own parent", a.id)));
            }
            p => match id_of(p)? {
                None => {
                    return Ok(Some(format!(
                        "parent '{p}' is unknown in this program: list parents before their sub-affiliates (or import them first)"
                    )))
                }
                Some(pid) => {
                    // Walk up from the parent: meeting this affiliate again would close a cycle.
                    let mut chain = vec![a.id.clone(), p.to_string()];
                    let mut at = pid;
                    while let Some((up, ext)) = tx
                        .prepare_cached(
                            "SELECT p.id, p.external_id FROM affiliates a JOIN affiliates p ON p.id = a.parent_id WHERE a.id = ?1",
                        )?
                        .query_row([at], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
                        .optional()?
                    {
                        chain.push(ext.clone());
                        if ext == a.id {
                            return Ok(Some(format!("parent '{p}' would make a cycle: {}", chain.join(" → "))));
                        }
                        if chain.len() > 64 {
                            break;
                        }
                        at = up;
                    }
                    Some(pid)
                }
            },
        };
        tx.prepare_cached(
            "INSERT INTO affiliates (program_id, external_id, name, parent_id, email_hash, country, manager, created_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (program_id, external_id) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id,
                 email_hash = COALESCE(excluded.email_hash, affiliates.email_hash),
                 country = CASE WHEN excluded.country = '' THEN affiliates.country ELSE excluded.country END,
                 manager = CASE WHEN excluded.manager = '' THEN affiliates.manager ELSE excluded.manager END",
        )?
        .execute(params![self.program_id, a.id, a.name, parent_id, a.email_hash, a.country, a.manager, self.now_ms])?;
        let affiliate_id: i64 = tx
            .prepare_cached("SELECT id FROM affiliates WHERE program_id = ?1 AND external_id = ?2")?
            .query_row(params![self.program_id, a.id], |r| r.get(0))?;
        let mut ids: Vec<(&str, &str, &str)> = Vec::new();
        if let Some(h) = &a.email_hash {
            ids.push(("email_hash", h, &a.email_hint));
        }
        for ip in &a.office_ips {
            ids.push(("ip", ip, ip));
        }
        if let Some((v, hint)) = &a.payout {
            ids.push(("payment_hash", v, hint));
        }
        for (kind, value, hint) in ids {
            crate::attribution::identifiers::insert(
                tx,
                affiliate_id,
                kind,
                value,
                hint,
                ("file", &self.file_name),
                self.now_ms,
            )?;
        }
        Ok(None)
    }

    /// A registration: the player upserted as the connectors do; the file's identifiers (IP, device, email hash)
    /// fill in what is not known yet, never replacing what another source said; the IP's country, given or found
    /// in the GeoIP ranges, is recorded for the geo rule.
    fn player(
        &mut self,
        tx: &Transaction<'_>,
        page: &PageContext<'_>,
        raw_id: i64,
        p: &PlayerRow,
    ) -> StoreResult<()> {
        let rec = PlayerRecord {
            external_id: p.player_id.clone(),
            brand: String::new(),
            currency: p
                .currency
                .clone()
                .unwrap_or_else(|| self.program_currency.clone()),
            registered_at_ms: p.registered_at_ms,
            country: p.country.clone(),
            click_id: p.click_id.clone(),
            btag: p.btag.clone(),
            promo_code: p.promo_code.clone(),
            // Filled in below, only where nothing is known yet.
            ip: String::new(),
            ip_country: String::new(),
            device_id: String::new(),
            email_hash: None,
        };
        upsert::upsert_player(tx, page, raw_id, &rec)?;
        if !p.ip.is_empty() || !p.device_id.is_empty() || p.email_hash.is_some() {
            tx.prepare_cached(
                "UPDATE players SET ip = CASE WHEN ip = '' THEN ?3 ELSE ip END,
                        device_id = CASE WHEN device_id = '' THEN ?4 ELSE device_id END,
                        email_hash = COALESCE(email_hash, ?5)
                 WHERE program_id = ?1 AND external_id = ?2
                   AND ((ip = '' AND ?3 <> '') OR (device_id = '' AND ?4 <> '') OR (email_hash IS NULL AND ?5 IS NOT NULL))",
            )?
            .execute(params![self.program_id, p.player_id, p.ip, p.device_id, p.email_hash])?;
        }
        if !p.ip.is_empty() {
            if p.ip_country.is_empty() {
                super::ipgeo::fill_ip_countries(tx, Some(std::slice::from_ref(&p.ip)))?;
            } else {
                super::ipgeo::record_ip_country(tx, &p.ip, &p.ip_country)?;
            }
        }
        Ok(())
    }

    /// A withdrawal or a bonus grant of a known player; the same id again may only fill in a withdrawal's payment
    /// hash, and an id already used by another kind of movement is refused (the operator's id spaces collided).
    fn money(
        &mut self,
        tx: &Transaction<'_>,
        page: &PageContext<'_>,
        raw_id: i64,
        m: &MoneyRow,
    ) -> StoreResult<Option<write_forex::Refusal>> {
        let player: Option<i64> = tx
            .prepare_cached("SELECT id FROM players WHERE program_id = ?1 AND external_id = ?2")?
            .query_row(params![self.program_id, m.player_id], |r| r.get(0))
            .optional()?;
        let Some(player_id) = player else {
            return Ok(Some(on_player(format!(
                "player '{}' is unknown; import the registrations first",
                m.player_id
            ))));
        };
        let inserted = tx
            .prepare_cached(
                "INSERT INTO money_movements (program_id, external_id, player_id, kind, amount_micros, currency,
                                              occurred_at_ms, day, is_ftd, raw_id, payment_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?10)
                 ON CONFLICT (program_id, external_id) DO NOTHING",
            )?
            .execute(params![self.program_id, m.id, player_id, m.kind, m.amount_micros, m.currency,
                             m.occurred_at_ms, page.day(m.occurred_at_ms)?, raw_id, m.payment_hash])?;
        if inserted > 0 {
            return Ok(None);
        }
        let (kind, hash): (String, Option<String>) = tx
            .prepare_cached(
                "SELECT kind, payment_hash FROM money_movements WHERE program_id = ?1 AND external_id = ?2",
            )?
            .query_row(params![self.program_id, m.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let id_field = if m.kind == "bonus" {
            "bonus_id"
        } else {
            "withdrawal_id"
        };
        if kind != m.kind {
            return Ok(Some((
                Some(id_field.to_string()),
                format!(
                    "id '{}' is already a {kind} of this program; the {} is left out",
                    m.id, m.kind
                ),
            )));
        }
        if m.payment_hash.is_some() && hash != m.payment_hash {
            tx.prepare_cached(
                "UPDATE money_movements SET payment_hash = ?3 WHERE program_id = ?1 AND external_id = ?2",
            )?
            .execute(params![self.program_id, m.id, m.payment_hash])?;
        }
        Ok(None)
    }

    /// A claim of a known affiliate; the same claim id again changes nothing (claims are kept as sent).
    fn claim(
        &mut self,
        tx: &Transaction<'_>,
        raw_id: i64,
        c: &ClaimRow,
    ) -> StoreResult<Option<String>> {
        let affiliate: Option<i64> = tx
            .prepare_cached("SELECT id FROM affiliates WHERE program_id = ?1 AND external_id = ?2")?
            .query_row(params![self.program_id, c.affiliate], |r| r.get(0))
            .optional()?;
        let Some(affiliate_id) = affiliate else {
            return Ok(Some(format!(
                "affiliate '{}' is unknown in this program; a claim is made by one of its affiliates",
                c.affiliate
            )));
        };
        let added = tx
            .prepare_cached(
                "INSERT INTO claims (program_id, affiliate_id, claim_key, player_ref, click_ref, registered_day, ftd_day,
                     ftd_amount_micros, currency, raw_id, imported_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (program_id, affiliate_id, claim_key) DO NOTHING",
            )?
            .execute(params![self.program_id, affiliate_id, c.claim_id, c.player_id, c.click_id, c.registration_day,
                             c.ftd_day, c.ftd_amount_micros, c.currency, raw_id, self.now_ms])?;
        if added == 0 {
            return Ok(Some(format!(
                "claim '{}' of affiliate '{}' is already recorded (an earlier row or file): the first one is kept",
                c.claim_id, c.affiliate
            )));
        }
        Ok(None)
    }

    fn activity(
        &mut self,
        tx: &Transaction<'_>,
        raw_id: i64,
        a: &ActivityRow,
    ) -> StoreResult<Option<String>> {
        let player: Option<i64> = tx
            .prepare_cached("SELECT id FROM players WHERE program_id = ?1 AND external_id = ?2")?
            .query_row(params![self.program_id, a.player_id], |r| r.get(0))
            .optional()?;
        let Some(player_id) = player else {
            return Ok(Some(format!(
                "player '{}' is unknown; import the registrations first",
                a.player_id
            )));
        };
        let m = &a.amounts;
        tx.prepare_cached(
            "INSERT INTO player_activity_daily (player_id, day, currency, deposits_micros, withdrawals_micros, bets_micros,
                 wins_micros, bonuses_micros, chargebacks_micros, fees_micros, raw_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (player_id, day) DO UPDATE SET currency = ?3, deposits_micros = ?4, withdrawals_micros = ?5,
                 bets_micros = ?6, wins_micros = ?7, bonuses_micros = ?8, chargebacks_micros = ?9, fees_micros = ?10, raw_id = ?11
             WHERE (currency, deposits_micros, withdrawals_micros, bets_micros, wins_micros, bonuses_micros, chargebacks_micros, fees_micros)
                   IS NOT (?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![player_id, a.day, a.currency, m[0], m[1], m[2], m[3], m[4], m[5], m[6], raw_id])?;
        // Deposits and NGR per day and the cohort months are rolled up from activity (see `rollups`).
        crate::rollups::mark_dirty(tx, self.program_id, &a.day)?;
        Ok(None)
    }
}

fn slice(chunk: &Chunk, start: u64, end: u64) -> &[u8] {
    let s = (start.saturating_sub(chunk.start_offset) as usize).min(chunk.raw.len());
    let e = (end.saturating_sub(chunk.start_offset) as usize).clamp(s, chunk.raw.len());
    // The parser ends a record at its terminator's first byte, so a row's range can start with the `\n` of a
    // CRLF before it; the quarantined bytes are the row itself.
    let row = &chunk.raw[s..e];
    let skip = row
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count();
    &row[skip..]
}
