//! The single writer: one thread owns every postback write. Requests reach it through a bounded queue; it takes
//! whatever is waiting (up to [`BATCH_MAX`]) and writes it in one `BEGIN IMMEDIATE` transaction (group commit:
//! no timer, so an idle listener answers at once and a busy one amortizes each commit over many requests).
//! Replies are sent only after the commit, so a 200 always means "in the database".
//!
//! Dedupe and ordering happen here, in arrival order at the writer, which makes concurrent deliveries of one
//! conversion race-free: (source, txid) is looked up in a small in-memory map of recent states first, then in
//! `conversions`; an identical replay is `duplicate`, a lower status is `stale` (see [`status_rank`]).

use super::config::SourceRuntime;
use super::dialect::{status_rank, PostbackRecord};
use super::{BATCH_MAX, CLICK_CACHE_MAX, DEDUPE_CACHE_MAX};
use crate::ingest::raw::{self, RawPayload};
use crate::ingest::records::{AffiliateRecord, Arrival, ConversionRecord, ConversionStatus};
use crate::ingest::upsert::{upsert_conversion, Outcome, PageContext};
use crate::postback::types::{PostbackLogRow, PostbackOutcome};
use crate::store::{Durability, Store, StoreResult};
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::HashMap;
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::oneshot;

/// The `stream` of postbacks in `raw_records`.
const RAW_STREAM: &str = "postback";

/// What the listener answers, decided by the writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub status_code: u16,
    pub outcome: PostbackOutcome,
    pub reason: String,
    pub conversion_id: Option<i64>,
}

/// One log row before it has an id.
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub received_at_ms: i64,
    pub started: Instant,
    pub source: String,
    pub remote_ip: String,
    pub method: String,
    pub path_query: String,
    pub body: String,
}

/// A validated postback on its way to the store.
pub struct Delivery {
    pub source: Arc<SourceRuntime>,
    pub record: PostbackRecord,
    /// The request as archived in `raw_records`, one JSON line (redacted like the log: secrets never reach the
    /// database).
    pub raw: Vec<u8>,
    pub log: LogEntry,
    /// How it came: a server-to-server postback, or a pixel fired by the player's browser (less trusted).
    pub arrival: Arrival,
    pub reply: oneshot::Sender<Decision>,
}

pub enum Job {
    Deliver(Box<Delivery>),
    /// A request refused before it reached the writer: only its log row is written.
    Log(LogEntry, Decision),
}

/// Called with every log row once it is committed (the CLI prints one line per request).
pub type Observer = Arc<dyn Fn(&PostbackLogRow) + Send + Sync>;

/// The stored state of one (source, txid), as far as dedupe and ordering need it.
#[derive(Debug, Clone, Copy)]
struct Known {
    conversion_id: i64,
    status: ConversionStatus,
    payout_micros: i64,
}

/// A map that forgets everything when full: cheaper than an LRU, and a miss only costs one indexed read.
struct Bounded<K, V> {
    map: HashMap<K, V>,
    max: usize,
}

impl<K: std::hash::Hash + Eq, V> Bounded<K, V> {
    fn new(max: usize) -> Self {
        Self {
            map: HashMap::new(),
            max,
        }
    }
    fn insert(&mut self, k: K, v: V) {
        if self.map.len() >= self.max {
            self.map.clear();
        }
        self.map.insert(k, v);
    }
}

#[derive(Debug, Clone)]
struct Click {
    affiliate: AffiliateRecord,
    clicked_at_ms: i64,
}

struct State {
    known: Bounded<(i64, String), Known>,
    clicks: Bounded<(i64, String), Click>,
}

/// Runs until every sender is dropped, then flushes what is queued and returns.
pub fn run(
    store: Arc<Store>,
    rx: Receiver<Job>,
    durability: Durability,
    observer: Option<Observer>,
) {
    let mut state = State {
        known: Bounded::new(DEDUPE_CACHE_MAX),
        clicks: Bounded::new(CLICK_CACHE_MAX),
    };
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < BATCH_MAX {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        write_batch(&store, &mut state, batch, durability, observer.as_ref());
    }
}

fn write_batch(
    store: &Store,
    state: &mut State,
    batch: Vec<Job>,
    durability: Durability,
    observer: Option<&Observer>,
) {
    match write_jobs(store, state, &batch, durability) {
        Ok(rows) => finish(batch, rows, observer),
        Err(_) if batch.len() > 1 => {
            // One bad job must not fail its neighbours: retry each in its own transaction.
            for job in batch {
                write_batch(store, state, vec![job], durability, observer);
            }
        }
        Err(e) => {
            let decision = Decision {
                status_code: 500,
                outcome: PostbackOutcome::Rejected,
                reason: format!("storage error: {e}"),
                conversion_id: None,
            };
            for job in batch {
                if let Job::Deliver(d) = job {
                    let _ = d.reply.send(decision.clone());
                }
            }
        }
    }
}

/// The requests of one batch, per source, as one raw record each (newline-separated JSON lines), the way a sync
/// archives a page of items: one archive row and one random SHA-256 key per batch instead of per request, which
/// was most of what a commit wrote. Built and hashed before the transaction; archived when a delivery of the
/// source first needs its `raw_id`.
struct BatchRaw {
    payloads: HashMap<i64, (String, RawPayload)>,
    ids: HashMap<i64, i64>,
}

impl BatchRaw {
    fn new(batch: &[Job]) -> Self {
        let mut lines: HashMap<i64, (i64, i64, usize, Vec<u8>)> = HashMap::new();
        for job in batch {
            if let Job::Deliver(d) = job {
                let at = d.log.received_at_ms;
                let e = lines.entry(d.source.id).or_insert((at, at, 0, Vec::new()));
                e.0 = e.0.min(at);
                e.1 = e.1.max(at);
                e.2 += 1;
                if !e.3.is_empty() {
                    e.3.push(b'\n');
                }
                e.3.extend_from_slice(&d.raw);
            }
        }
        let payloads = lines
            .into_iter()
            .map(|(source, (first, last, n, bytes))| {
                let locator = format!(
                    "{n} request{} received {first}..{last}",
                    if n == 1 { "" } else { "s" }
                );
                (source, (locator, RawPayload::prepare(&bytes)))
            })
            .collect();
        Self {
            payloads,
            ids: HashMap::new(),
        }
    }

    /// The raw record of the batch's requests of `ctx`'s source, archived on first use in this transaction.
    fn id(&mut self, tx: &Transaction<'_>, ctx: &PageContext<'_>) -> StoreResult<Option<i64>> {
        if let Some(id) = self.ids.get(&ctx.source_id) {
            return Ok(Some(*id));
        }
        let Some((locator, payload)) = self.payloads.get(&ctx.source_id) else {
            return Ok(None);
        };
        let id = raw::archive(tx, ctx, locator, payload)?;
        self.ids.insert(ctx.source_id, id);
        Ok(Some(id))
    }
}

fn write_jobs(
    store: &Store,
    state: &mut State,
    batch: &[Job],
    durability: Durability,
) -> StoreResult<Vec<PostbackLogRow>> {
    let mut raws = BatchRaw::new(batch);
    let mut attempt = 0;
    let result = store.write_with(durability, |tx| {
        attempt += 1;
        // A rolled-back attempt archived nothing, and what its contexts resolved is gone.
        raws.ids.clear();
        let mut contexts = HashMap::new();
        if attempt > 1 {
            // The caches may hold states of the rolled-back attempt.
            state.known.map.clear();
        }
        batch
            .iter()
            .map(|job| match job {
                Job::Deliver(d) => {
                    let decision = deliver(tx, state, &mut raws, &mut contexts, d)?;
                    insert_log(tx, &d.log, decision)
                }
                Job::Log(entry, decision) => insert_log(tx, entry, decision.clone()),
            })
            .collect()
    });
    if result.is_err() {
        state.known.map.clear();
    }
    result
}

fn finish(batch: Vec<Job>, rows: Vec<PostbackLogRow>, observer: Option<&Observer>) {
    for (job, row) in batch.into_iter().zip(rows) {
        if let Some(obs) = observer {
            obs(&row);
        }
        if let Job::Deliver(d) = job {
            // The sender may have gone (client disconnected): the row is stored all the same.
            let _ = d.reply.send(Decision {
                status_code: row.status_code,
                outcome: row.outcome,
                reason: row.reason,
                conversion_id: row.conversion_id,
            });
        }
    }
}

fn decided(
    status_code: u16,
    outcome: PostbackOutcome,
    reason: String,
    id: Option<i64>,
) -> Decision {
    Decision {
        status_code,
        outcome,
        reason,
        conversion_id: id,
    }
}

/// A transaction's write context per source: the affiliates it resolved and the days it marked dirty are shared by
/// the batch's deliveries (one lookup of the affiliate and one dirty mark per batch, not per request).
type Contexts = HashMap<i64, PageContext<'static>>;

fn deliver(
    tx: &Transaction<'_>,
    state: &mut State,
    raws: &mut BatchRaw,
    contexts: &mut Contexts,
    d: &Delivery,
) -> StoreResult<Decision> {
    let src = &d.source;
    let rec = &d.record;
    // An empty txid never dedupes (Prosper202: a blank txid means "count every call"): such deliveries each
    // get a conversion of their own, keyed by a random id.
    let key = (!rec.txid.is_empty()).then(|| (src.id, rec.txid.clone()));
    let known = match &key {
        None => None,
        Some(k) => match state.known.map.get(k) {
            Some(known) => Some(*known),
            None => lookup_conversion(tx, src.id, &rec.txid)?,
        },
    };
    if let Some(k) = known {
        if let Some(decision) = replay_decision(k, rec) {
            return Ok(decision);
        }
    }
    let Some(click) = lookup_click(tx, state, src.program_id, &rec.click_id)? else {
        return Ok(decided(
            404,
            PostbackOutcome::Rejected,
            format!("unknown click '{}'", rec.click_id),
            None,
        ));
    };
    let ctx = contexts.entry(src.id).or_insert_with(|| {
        PageContext::new(
            src.id,
            src.program_id,
            src.tz,
            d.log.received_at_ms,
            RAW_STREAM,
        )
    });
    // Each request's own arrival is its conversion's first-seen and history time.
    ctx.now_ms = d.log.received_at_ms;
    let ctx = &*ctx;
    let raw_id = match raws.id(tx, ctx)? {
        Some(id) => id,
        // Not part of the batch this transaction was built for (cannot happen): archived on its own.
        None => raw::archive_bytes(tx, ctx, "postback", &d.raw)?,
    };
    let conversion = ConversionRecord {
        external_id: match &key {
            Some((_, txid)) => format!("tx:{txid}"),
            None => format!("auto:{:016x}", rand::random::<u64>()),
        },
        transaction_id: rec.click_id.clone(),
        affiliate: click.affiliate,
        status: rec.status,
        payout_micros: rec.payout_micros,
        revenue_micros: 0,
        sale_amount_micros: 0,
        currency: rec.currency.clone(),
        converted_at_ms: d.log.received_at_ms,
        clicked_at_ms: Some(click.clicked_at_ms),
        subs: rec.subs.clone(),
        player_ref: String::new(),
        order_ref: rec.txid.clone(),
        event: rec.event.clone(),
        coupon_code: rec.coupon_code.clone(),
        country: String::new(),
        ip: rec.ip.clone(),
        is_scrub: false,
        arrival: d.arrival,
        source_updated_at_ms: None,
    };
    let (id, outcome) = upsert_conversion(tx, ctx, raw_id, &conversion)?;
    if let Some(k) = key {
        state.known.insert(
            k,
            Known {
                conversion_id: id,
                status: rec.status,
                payout_micros: rec.payout_micros,
            },
        );
    }
    Ok(match outcome {
        Outcome::Inserted => decided(200, PostbackOutcome::Recorded, String::new(), Some(id)),
        Outcome::Updated => decided(
            200,
            PostbackOutcome::Updated,
            format!("status {}", rec.status.as_str()),
            Some(id),
        ),
        Outcome::Unchanged => decided(200, PostbackOutcome::Duplicate, String::new(), Some(id)),
    })
}

/// What a delivery for an already stored (source, txid) means, if it changes nothing.
fn replay_decision(k: Known, rec: &PostbackRecord) -> Option<Decision> {
    if k.status == rec.status && k.payout_micros == rec.payout_micros {
        return Some(decided(
            200,
            PostbackOutcome::Duplicate,
            format!("replay of transaction '{}'", rec.txid),
            Some(k.conversion_id),
        ));
    }
    if status_rank(rec.status) < status_rank(k.status) {
        return Some(decided(
            200,
            PostbackOutcome::Stale,
            format!(
                "status '{}' arrived after '{}'; '{}' is kept (pending < hold < approved < invalid < rejected)",
                rec.status.as_str(),
                k.status.as_str(),
                k.status.as_str()
            ),
            Some(k.conversion_id),
        ));
    }
    // Same status with another payout (a correction) or a higher status: applied.
    None
}

fn lookup_conversion(
    tx: &Transaction<'_>,
    source_id: i64,
    txid: &str,
) -> StoreResult<Option<Known>> {
    let row: Option<(i64, String, i64)> = tx
        .prepare_cached(
            "SELECT id, status, payout_micros FROM conversions WHERE source_id = ?1 AND external_id = ?2",
        )?
        .query_row(params![source_id, format!("tx:{txid}")], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    Ok(row.and_then(|(id, status, payout)| {
        ConversionStatus::parse(&status).ok().map(|status| Known {
            conversion_id: id,
            status,
            payout_micros: payout,
        })
    }))
}

fn lookup_click(
    tx: &Transaction<'_>,
    state: &mut State,
    program_id: i64,
    click_id: &str,
) -> StoreResult<Option<Click>> {
    let key = (program_id, click_id.to_string());
    if let Some(c) = state.clicks.map.get(&key) {
        return Ok(Some(c.clone()));
    }
    let found = tx
        .prepare_cached(
            "SELECT a.external_id, a.name, a.status, c.clicked_at_ms
             FROM clicks c JOIN affiliates a ON a.id = c.affiliate_id
             WHERE c.program_id = ?1 AND c.click_id = ?2",
        )?
        .query_row(params![program_id, click_id], |r| {
            Ok(Click {
                affiliate: AffiliateRecord {
                    external_id: r.get(0)?,
                    name: r.get(1)?,
                    status: r.get(2)?,
                    parent_external_id: None,
                    email_hash: None,
                },
                clicked_at_ms: r.get(3)?,
            })
        })
        .optional()?;
    // Only hits are cached: a click unknown now may be synced a minute later.
    if let Some(c) = &found {
        state.clicks.insert(key, c.clone());
    }
    Ok(found)
}

fn insert_log(tx: &Transaction<'_>, e: &LogEntry, d: Decision) -> StoreResult<PostbackLogRow> {
    let latency_us = i64::try_from(e.started.elapsed().as_micros()).unwrap_or(i64::MAX);
    tx.prepare_cached(
        "INSERT INTO postback_log (received_at_ms, source, remote_ip, method, path_query, body, status_code,
                                   outcome, reason, conversion_id, latency_us)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        e.received_at_ms, e.source, e.remote_ip, e.method, e.path_query, e.body, d.status_code,
        d.outcome.as_str(), d.reason, d.conversion_id, latency_us
    ])?;
    Ok(PostbackLogRow {
        id: tx.last_insert_rowid(),
        received_at_ms: e.received_at_ms,
        source: e.source.clone(),
        remote_ip: e.remote_ip.clone(),
        method: e.method.clone(),
        path_query: e.path_query.clone(),
        body: e.body.clone(),
        status_code: d.status_code,
        outcome: d.outcome,
        reason: d.reason,
        conversion_id: d.conversion_id,
        latency_us,
    })
}
