//! The analyst queue: flags with their status (the latest decision), filtered; decisions by a named user, stored
//! as new rows and written to the audit log; the investigation view of one flag.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, Connection, OptionalExtension};

use super::exclusion::players_of_items;
use super::stake::Stakes;
use super::{ctit_chart, DetectError, ItemKind};
use crate::audit::Stamp;
use crate::detect::types::{
    Decision, FlagDecisionInput, FlagDecisionRow, FlagFilter, FlagPage, FlagRevisionRow, FlagRow,
    GeoRow, Investigation, SharedIdentifier, TimelineEvent,
};
use crate::money::format_amount;
use crate::store::{Durability, Store, StoreResult};

/// A flag's status: its latest decision (decisions survive revisions), else `superseded` when its latest
/// revision says so, else `open`.
pub(super) const STATUS_SQL: &str =
    "COALESCE((SELECT d.decision FROM flag_decisions d WHERE d.flag_id = f.id ORDER BY d.id DESC LIMIT 1),
              (SELECT CASE r.state WHEN 'superseded' THEN 'superseded' ELSE 'open' END FROM flag_revisions r
                WHERE r.flag_id = f.id ORDER BY r.id DESC LIMIT 1),
              'open')";
pub(super) const STATUSES: [&str; 4] = ["open", "confirmed", "dismissed", "superseded"];
/// Timeline events shown at most (the newest flags of a flood name hundreds of clicks).
const TIMELINE_MAX: usize = 500;

/// Refuses a severity or status the queue does not know, naming it.
pub(super) fn validate_filter(filter: &FlagFilter) -> Result<(), DetectError> {
    if let Some(s) = &filter.severity {
        if !["low", "medium", "high"].contains(&s.as_str()) {
            return Err(DetectError::Invalid(format!(
                "severity must be low, medium or high, got '{s}'"
            )));
        }
    }
    if let Some(s) = &filter.status {
        if !STATUSES.contains(&s.as_str()) {
            return Err(DetectError::Invalid(format!(
                "status must be open, confirmed, dismissed or superseded, got '{s}'"
            )));
        }
    }
    Ok(())
}

/// Every program's flags matching the filter, highest score first.
pub fn list(store: &Store, filter: &FlagFilter) -> Result<Vec<FlagRow>, DetectError> {
    Ok(page_in(store, None, filter)?.rows)
}

/// The flags matching the filter, of one program (or of all with `None`), highest score first.
pub fn list_in(
    store: &Store,
    program_id: Option<i64>,
    filter: &FlagFilter,
) -> Result<Vec<FlagRow>, DetectError> {
    Ok(page_in(store, program_id, filter)?.rows)
}

/// How the flat list can be ordered: the SQL of each key (ties by flag id); `amount` is computed, not stored.
fn order_sql(sort: &str) -> Result<Option<String>, DetectError> {
    Ok(Some(match sort {
        "affiliate" => "COALESCE(a.name, '') COLLATE NOCASE {dir}, COALESCE(a.external_id, '') {dir}".to_string(),
        "pattern" => "f.pattern {dir}".to_string(),
        "severity" => "CASE c.severity WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END {dir}"
            .to_string(),
        "score" => "c.score {dir}".to_string(),
        "status" => format!("{STATUS_SQL} {{dir}}"),
        "created" => "f.created_at_ms {dir}".to_string(),
        "amount" => return Ok(None),
        other => {
            return Err(DetectError::Invalid(format!(
                "sort must be affiliate, pattern, severity, score, status, amount or created, got '{other}'"
            )))
        }
    }))
}

/// One page of the flags matching the filter (see [`FlagFilter`]), of one program (or of all with `None`). The
/// filter, the text search, the order and the page are the query's; the commission at stake is computed for the
/// page's flags only, except when the list is ordered by it.
pub fn page_in(
    store: &Store,
    program_id: Option<i64>,
    filter: &FlagFilter,
) -> Result<FlagPage, DetectError> {
    validate_filter(filter)?;
    let sort = filter
        .sort
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("score");
    let descending = filter
        .descending
        .unwrap_or(!matches!(sort, "affiliate" | "pattern" | "status"));
    let dir = if descending { "DESC" } else { "ASC" };
    let order = order_sql(sort)?.map(|o| o.replace("{dir}", dir));
    let text = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            format!(
                "%{}%",
                t.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
    let offset = filter.offset.unwrap_or(0) as usize;
    Ok(store.read(|conn| -> StoreResult<FlagPage> {
        let sql = format!(
            "SELECT f.id, f.program_id FROM flags f JOIN flag_current c ON c.flag_id = f.id
                    LEFT JOIN affiliates a ON a.id = c.affiliate_id
             WHERE (?1 IS NULL OR a.external_id = ?1) AND (?2 IS NULL OR f.pattern = ?2 OR f.rule = ?2)
               AND (?3 IS NULL OR c.severity = ?3) AND (?4 IS NULL OR {STATUS_SQL} = ?4)
               AND (?5 IS NULL OR f.program_id = ?5)
               AND (?6 IS NULL OR COALESCE(a.name, '') LIKE ?6 ESCAPE '\\' OR COALESCE(a.external_id, '') LIKE ?6 ESCAPE '\\'
                    OR c.summary LIKE ?6 ESCAPE '\\')
             ORDER BY {}, f.id",
            order.as_deref().unwrap_or("c.score DESC")
        );
        let mut ids = conn
            .prepare(&sql)?
            .query_map(
                params![filter.affiliate, filter.pattern, filter.severity, filter.status, program_id, text],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
            )?
            .collect::<Result<Vec<_>, _>>()?;
        let total = ids.len();
        let page = |len: usize| {
            let from = offset.min(len);
            from..filter.limit.map_or(len, |l| from.saturating_add(l as usize).min(len))
        };
        if order.is_some() {
            let range = page(ids.len());
            ids = ids.drain(range).collect();
        }
        // Each flag's players first, so the commission they hold is computed from one book per program that
        // covers the affiliate trees of all of them, read by player (not from every player of the program).
        let mut declared: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
        let mut listed = Vec::with_capacity(ids.len());
        for (id, program_id) in ids {
            let players = players_of_items(conn, program_id, &flag_items(conn, id)?)?;
            declared
                .entry(program_id)
                .or_default()
                .extend(players.iter().copied());
            listed.push((id, players));
        }
        let mut stakes = Stakes::for_players(declared);
        let mut keyed = Vec::with_capacity(listed.len());
        for (id, players) in listed {
            keyed.push(flag_row_of(conn, id, Some(players), &mut stakes)?);
        }
        if order.is_none() {
            // By the commission at stake: every matching flag's amount is needed before the page can be cut.
            keyed.sort_by(|(a, ra), (b, rb)| {
                let by = if descending { b.cmp(a) } else { a.cmp(b) };
                by.then(ra.id.cmp(&rb.id))
            });
            let range = page(keyed.len());
            keyed = keyed.drain(range).collect();
        }
        let rows = keyed.into_iter().map(|(_, r)| r).collect();
        let patterns = conn
            .prepare("SELECT DISTINCT pattern FROM flags WHERE ?1 IS NULL OR program_id = ?1 ORDER BY pattern")?
            .query_map([program_id], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(FlagPage {
            rows,
            total: u32::try_from(total).unwrap_or(u32::MAX),
            offset: u32::try_from(offset.min(total)).unwrap_or(u32::MAX),
            patterns,
        })
    })?)
}

fn flag_row(conn: &Connection, id: i64, stakes: &mut Stakes) -> StoreResult<FlagRow> {
    Ok(flag_row_of(conn, id, None, stakes)?.1)
}

/// One flag's row and the commission at stake in micros; `players` are its items' players when the caller has
/// them already.
fn flag_row_of(
    conn: &Connection,
    id: i64,
    players: Option<BTreeSet<i64>>,
    stakes: &mut Stakes,
) -> StoreResult<(i64, FlagRow)> {
    let sql = format!(
        "SELECT f.id, pr.name, COALESCE(a.external_id, ''), COALESCE(a.name, ''), f.rule, f.pattern, c.severity,
                c.score, {STATUS_SQL}, c.summary, f.created_at_ms, c.evidence_json, pr.currency, f.program_id,
                c.revision, c.state, c.reason, c.at_ms,
                (SELECT d.revision FROM flag_decisions d WHERE d.flag_id = f.id ORDER BY d.id DESC LIMIT 1)
         FROM flags f JOIN flag_current c ON c.flag_id = f.id JOIN programs pr ON pr.id = f.program_id
              LEFT JOIN affiliates a ON a.id = c.affiliate_id
         WHERE f.id = ?1"
    );
    let (mut row, program_id) = conn.query_row(&sql, [id], |r| {
        Ok((
            FlagRow {
                id: r.get(0)?,
                program: r.get(1)?,
                affiliate_id: r.get(2)?,
                affiliate_name: r.get(3)?,
                rule: r.get(4)?,
                pattern: r.get(5)?,
                severity: r.get(6)?,
                score: r.get(7)?,
                status: r.get(8)?,
                summary: r.get(9)?,
                created_at_ms: r.get(10)?,
                evidence_json: r.get(11)?,
                items: 0,
                amount_at_stake: String::new(),
                currency: r.get(12)?,
                revision: r.get(14)?,
                revision_state: r.get(15)?,
                revision_reason: r.get(16)?,
                revised_at_ms: r.get(17)?,
                decided_revision: r.get(18)?,
            },
            r.get::<_, i64>(13)?,
        ))
    })?;
    let items = flag_items(conn, id)?;
    row.items = items.len() as u32;
    let players = match players {
        Some(p) => p,
        None => players_of_items(conn, program_id, &items)?,
    };
    let (at_stake, currency) = stakes.amount_of_players(conn, program_id, &players)?;
    row.amount_at_stake = format_amount(at_stake, &currency);
    row.currency = currency;
    Ok((at_stake, row))
}

pub fn flag_items(conn: &Connection, flag_id: i64) -> StoreResult<Vec<(ItemKind, String)>> {
    let mut stmt = conn
        .prepare_cached("SELECT kind, ref FROM flag_items WHERE flag_id = ?1 ORDER BY kind, ref")?;
    let rows = stmt
        .query_map([flag_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(k, r)| Some((ItemKind::parse(&k)?, r)))
        .collect())
}

/// Records an analyst's decision: a new row (the evidence is never touched) and, on confirm, the exclusion of the
/// flag's players with the recomputation of their affiliates' open periods — one transaction, one audit entry
/// naming the decision and what moved. The decider is the stamp's person, never a name from the request.
pub fn decide(
    store: &Store,
    input: &FlagDecisionInput,
    stamp: &Stamp,
) -> Result<FlagRow, DetectError> {
    decide_in(store, None, input, stamp)
}

/// [`decide`] for a flag of `program_id` only (the session's program; `None`: any).
pub fn decide_in(
    store: &Store,
    program_id: Option<i64>,
    input: &FlagDecisionInput,
    stamp: &Stamp,
) -> Result<FlagRow, DetectError> {
    let (decision, comment, user_id) = decision_parts(input.decision, &input.comment, stamp)?;
    // A decision can move money (the exclusion recomputes commission): committed like any ledger posting.
    store.write_with(Durability::Full, |tx| -> Result<(), DetectError> {
        let d = record_decision(tx, input.flag_id, program_id, decision, comment, user_id, stamp)?;
        let moved = match &d.excluded {
            Some(affiliates) => super::exclusion::recompute(tx, d.program_id, affiliates, stamp.at_ms)?,
            None => Vec::new(),
        };
        stamp.record(tx, "flag", &input.flag_id.to_string(), &serde_json::json!({
            "decision": decision, "pattern": d.pattern, "previous_status": d.previous, "revision": d.revision,
            "comment": comment, "moved": moved_json(&moved),
        }))?;
        Ok(())
    })?;
    Ok(store.read(|conn| flag_row(conn, input.flag_id, &mut Stakes::default()))?)
}

/// The decision as stored, its trimmed comment (required) and the deciding person (required).
pub(super) fn decision_parts<'c>(
    decision: Decision,
    comment: &'c str,
    stamp: &Stamp,
) -> Result<(&'static str, &'c str, i64), DetectError> {
    let decision = match decision {
        Decision::Confirm => "confirmed",
        Decision::Dismiss => "dismissed",
    };
    let comment = comment.trim();
    if comment.is_empty() {
        return Err(DetectError::Invalid(
            "a decision needs a comment saying why".into(),
        ));
    }
    let user_id = stamp
        .user_id
        .ok_or_else(|| DetectError::Invalid("a decision needs a signed-in person".into()))?;
    Ok((decision, comment, user_id))
}

/// One flag's decision, recorded inside the caller's transaction.
pub(super) struct Recorded {
    pub program_id: i64,
    pub pattern: String,
    pub previous: String,
    pub revision: i64,
    /// The affiliates whose commission the exclusions changed (None: the decision changed no exclusion).
    pub excluded: Option<std::collections::BTreeSet<i64>>,
}

/// The decision row (naming the revision it was taken against) and the exclusion rows it implies: confirming
/// excludes the flag's players, dismissing a confirmed flag lifts that. The caller recomputes the periods.
/// `program_id`: refuse a flag of another program.
pub(super) fn record_decision(
    tx: &rusqlite::Transaction<'_>,
    flag_id: i64,
    program_id: Option<i64>,
    decision: &str,
    comment: &str,
    user_id: i64,
    stamp: &Stamp,
) -> Result<Recorded, DetectError> {
    let flag: Option<(i64, String, String, i64)> = tx
        .query_row(
            &format!("SELECT f.program_id, f.pattern, {STATUS_SQL}, c.revision FROM flags f JOIN flag_current c ON c.flag_id = f.id WHERE f.id = ?1"),
            [flag_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let (flag_program, pattern, previous, revision) = flag
        .filter(|(p, ..)| program_id.is_none_or(|want| *p == want))
        .ok_or_else(|| DetectError::NotFound(format!("no flag {flag_id} in this program")))?;
    tx.execute(
        "INSERT INTO flag_decisions (flag_id, decision, comment, user_id, decided_at_ms, revision) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![flag_id, decision, comment, user_id, stamp.at_ms, revision],
    )?;
    let excluded = if decision == "confirmed" && previous != "confirmed" {
        Some(super::exclusion::record(tx, flag_id, true, &stamp.actor, stamp.at_ms)?.1)
    } else if decision == "dismissed" && previous == "confirmed" {
        Some(super::exclusion::record(tx, flag_id, false, &stamp.actor, stamp.at_ms)?.1)
    } else {
        None
    };
    Ok(Recorded {
        program_id: flag_program,
        pattern,
        previous,
        revision,
        excluded,
    })
}

/// What moved, as the audit entry records it.
pub(super) fn moved_json(moved: &[crate::commission::exclusions::Moved]) -> Vec<serde_json::Value> {
    moved
        .iter()
        .map(|m| {
            serde_json::json!({
                "period": m.period, "currency": m.currency, "amount_micros": m.amount_micros,
                "amount": crate::money::format_amount(m.amount_micros, &m.currency),
            })
        })
        .collect()
}

/// Everything the investigation screen shows for one flag.
pub fn investigate(store: &Store, flag_id: i64) -> Result<Investigation, DetectError> {
    investigate_in(store, None, flag_id)
}

/// [`investigate`] for a flag of `program_id` only (the session's program; `None`: any).
pub fn investigate_in(
    store: &Store,
    program_id: Option<i64>,
    flag_id: i64,
) -> Result<Investigation, DetectError> {
    store.read(|conn| {
        let exists: Option<i64> = conn
            .query_row(
                "SELECT id FROM flags WHERE id = ?1 AND (?2 IS NULL OR program_id = ?2)",
                params![flag_id, program_id],
                |r| r.get(0),
            )
            .optional()?;
        if exists.is_none() {
            return Err(crate::store::StoreError::Invalid(format!("no flag {flag_id} in this program")));
        }
        let flag = flag_row(conn, flag_id, &mut Stakes::default())?;
        let (program_id, affiliate_id): (i64, Option<i64>) = conn.query_row(
            "SELECT f.program_id, c.affiliate_id FROM flags f JOIN flag_current c ON c.flag_id = f.id WHERE f.id = ?1",
            [flag_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let decisions = conn
            .prepare("SELECT d.decision, d.comment, u.name, d.decided_at_ms, d.revision FROM flag_decisions d JOIN users u ON u.id = d.user_id WHERE d.flag_id = ?1 ORDER BY d.id")?
            .query_map([flag_id], |r| Ok(FlagDecisionRow { decision: r.get(0)?, comment: r.get(1)?, user: r.get(2)?, decided_at_ms: r.get(3)?, revision: r.get(4)? }))?
            .collect::<Result<Vec<_>, _>>()?;
        let revisions = revisions(conn, flag_id)?;
        let items = flag_items(conn, flag_id)?;
        let players: Vec<String> = items.iter().filter(|(k, _)| *k == ItemKind::Player).map(|(_, r)| r.clone()).collect();
        let clicks: Vec<String> = items.iter().filter(|(k, _)| *k == ItemKind::Click).map(|(_, r)| r.clone()).collect();
        let timeline = timeline(conn, program_id, &players, &clicks)?;
        let shared = shared_identifiers(conn, program_id, &players)?;
        let ctit_secs = conn
            .prepare("SELECT (p.registered_at_ms - c.clicked_at_ms) / 1000 FROM players p JOIN clicks c ON c.program_id = p.program_id AND c.click_id = p.click_id WHERE p.program_id = ?1 AND p.affiliate_id IS ?2")?
            .query_map(params![program_id, affiliate_id], |r| r.get::<_, i64>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        let ctit = ctit_chart::bucketize(ctit_secs);
        let geo = conn
            .prepare("SELECT c.country, p.country, COALESCE(g.country, ''), COUNT(*) FROM players p JOIN clicks c ON c.program_id = p.program_id AND c.click_id = p.click_id LEFT JOIN ip_countries g ON g.ip = p.ip WHERE p.program_id = ?1 AND p.affiliate_id IS ?2 GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 50")?
            .query_map(params![program_id, affiliate_id], |r| Ok(GeoRow { click_country: r.get(0)?, registration_country: r.get(1)?, ip_country: r.get(2)?, players: r.get(3)? }))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Investigation { flag, decisions, revisions, timeline, shared, ctit_svg: ctit_chart::render(&ctit), ctit, geo })
    })
    .map_err(|e| match e {
        crate::store::StoreError::Invalid(m) => DetectError::NotFound(m),
        other => DetectError::Store(other),
    })
}

/// A flag's revisions, first first.
fn revisions(conn: &Connection, flag_id: i64) -> StoreResult<Vec<FlagRevisionRow>> {
    let mut stmt = conn.prepare(
        "SELECT revision, state, severity, score, summary, evidence_json, json_array_length(items_json), reason, at_ms
         FROM flag_revisions WHERE flag_id = ?1 ORDER BY revision",
    )?;
    let rows = stmt.query_map([flag_id], |r| {
        Ok(FlagRevisionRow {
            revision: r.get(0)?,
            state: r.get(1)?,
            severity: r.get(2)?,
            score: r.get(3)?,
            summary: r.get(4)?,
            evidence_json: r.get(5)?,
            items: r.get(6)?,
            reason: r.get(7)?,
            at_ms: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn timeline(
    conn: &Connection,
    program_id: i64,
    players: &[String],
    clicks: &[String],
) -> StoreResult<Vec<TimelineEvent>> {
    let mut out = Vec::new();
    let mut click_ids: BTreeSet<String> = clicks.iter().take(TIMELINE_MAX).cloned().collect();
    // The players found and their click ids: their conversions are read in one pass below.
    let (mut found, mut player_clicks) = (Vec::new(), Vec::new());
    for p in players {
        let row: Option<(i64, i64, Option<String>, String)> = conn
            .query_row("SELECT id, registered_at_ms, click_id, country FROM players WHERE program_id = ?1 AND external_id = ?2", params![program_id, p], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?;
        let Some((pid, at, click, country)) = row else {
            continue;
        };
        out.push(TimelineEvent {
            at_ms: at,
            kind: "registration".into(),
            reference: p.clone(),
            detail: format!("country {country}"),
        });
        found.push(p.as_str());
        if let Some(c) = click.filter(|c| !c.is_empty()) {
            player_clicks.push(c.clone());
            click_ids.insert(c);
        }
        let mut mm = conn.prepare_cached("SELECT external_id, kind, amount_micros, currency, occurred_at_ms, is_ftd FROM money_movements WHERE player_id = ?1 ORDER BY occurred_at_ms LIMIT 100")?;
        for r in mm.query_map([pid], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, bool>(5)?,
            ))
        })? {
            let (id, kind, amount, cur, at, ftd) = r?;
            out.push(TimelineEvent {
                at_ms: at,
                kind,
                reference: id,
                detail: format!(
                    "{} {cur}{}",
                    format_amount(amount, &cur),
                    if ftd { " (FTD)" } else { "" }
                ),
            });
        }
        let mut deals = conn.prepare_cached("SELECT d.ticket, d.deal_type, d.entry, d.symbol, d.executed_at_ms FROM deals d JOIN forex_accounts a ON a.id = d.account_id WHERE a.player_id = ?1 ORDER BY d.executed_at_ms LIMIT 100")?;
        for r in deals.query_map([pid], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })? {
            let (t, ty, entry, sym, at) = r?;
            out.push(TimelineEvent {
                at_ms: at,
                kind: "trade".into(),
                reference: t,
                detail: format!("{ty} {entry} {sym}"),
            });
        }
    }
    out.extend(conversions_of(conn, program_id, &found, &player_clicks)?);
    let mut stmt = conn.prepare_cached("SELECT clicked_at_ms, ip, sub1, country FROM clicks WHERE program_id = ?1 AND click_id = ?2")?;
    for c in &click_ids {
        if let Some((at, ip, sub1, country)) = stmt
            .query_row(params![program_id, c], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .optional()?
        {
            out.push(TimelineEvent {
                at_ms: at,
                kind: "click".into(),
                reference: c.clone(),
                detail: format!("IP {ip}, sub1 {sub1}, {country}"),
            });
        }
    }
    out.sort_by(|a, b| (a.at_ms, &a.kind, &a.reference).cmp(&(b.at_ms, &b.kind, &b.reference)));
    out.truncate(TIMELINE_MAX);
    Ok(out)
}

/// The conversions of the given players: by player reference, or by one of their click ids as transaction id.
/// Conversions have no index on either column (each would slow every sync's inserts), so this is one pass over
/// the program's conversions for the whole list, never one per player.
fn conversions_of(
    conn: &Connection,
    program_id: i64,
    players: &[&str],
    clicks: &[String],
) -> StoreResult<Vec<TimelineEvent>> {
    if players.is_empty() {
        return Ok(Vec::new());
    }
    let mut conv = conn.prepare_cached(
        "SELECT external_id, converted_at_ms, status, payout_micros, currency FROM conversions
         WHERE program_id = ?1
           AND (player_ref IN (SELECT value FROM json_each(?2)) OR transaction_id IN (SELECT value FROM json_each(?3)))",
    )?;
    let rows = conv.query_map(
        params![program_id, json_list(players), json_list(clicks)],
        |r| {
            let (status, payout, cur): (String, i64, String) = (r.get(2)?, r.get(3)?, r.get(4)?);
            Ok(TimelineEvent {
                at_ms: r.get(1)?,
                kind: "conversion".into(),
                reference: r.get(0)?,
                detail: format!("{status}, payout {} {cur}", format_amount(payout, &cur)),
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A list as a JSON array, for `json_each` (serializing strings cannot fail).
fn json_list<T: serde::Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

fn shared_identifiers(
    conn: &Connection,
    program_id: i64,
    players: &[String],
) -> StoreResult<Vec<SharedIdentifier>> {
    let mut ids: BTreeSet<(&'static str, String)> = BTreeSet::new();
    for p in players {
        let row: Option<(i64, String, String, String)> = conn
            .query_row("SELECT id, ip, device_id, COALESCE(email_hash, '') FROM players WHERE program_id = ?1 AND external_id = ?2", params![program_id, p], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?;
        let Some((pid, ip, device, email)) = row else {
            continue;
        };
        for (k, v) in [("ip", ip), ("device", device), ("email", email)] {
            if !v.is_empty() {
                ids.insert((k, v));
            }
        }
        let mut pay = conn.prepare_cached("SELECT DISTINCT payment_hash FROM money_movements WHERE player_id = ?1 AND payment_hash IS NOT NULL AND payment_hash <> ''")?;
        for h in pay.query_map([pid], |r| r.get::<_, String>(0))? {
            ids.insert(("payment", h?));
        }
    }
    let mut out = Vec::new();
    for (kind, value) in ids {
        let sql = match kind {
            "ip" => "SELECT external_id FROM players WHERE program_id = ?1 AND ip = ?2 ORDER BY 1 LIMIT 50",
            "device" => "SELECT external_id FROM players WHERE program_id = ?1 AND device_id = ?2 ORDER BY 1 LIMIT 50",
            "email" => "SELECT external_id FROM players WHERE program_id = ?1 AND email_hash = ?2 ORDER BY 1 LIMIT 50",
            _ => "SELECT DISTINCT p.external_id FROM money_movements m JOIN players p ON p.id = m.player_id WHERE m.program_id = ?1 AND m.payment_hash = ?2 ORDER BY 1 LIMIT 50",
        };
        let who = conn
            .prepare_cached(sql)?
            .query_map(params![program_id, value], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        if who.len() > 1 {
            out.push(SharedIdentifier {
                kind: kind.to_string(),
                value,
                players: who,
            });
        }
    }
    Ok(out)
}
