//! `attribution::run`: (re)decides every unlocked player of a program from the stored facts, writes only the
//! decisions that changed (so a repeated run writes nothing and keeps `decided_at_ms`), locks a decision at the
//! player's FTD, and keeps `players.affiliate_id` equal to the decision for every player, locked or not (ingest
//! may fill `players.affiliate_id` from a late click; the decision wins). Rollup days of players whose affiliate
//! changed are marked dirty in the same transaction.
//!
//! Incremental: locked players are never read again; unlocked ones are re-decided because any late fact (a
//! click the tracker reports after the registration, a new promo code) may change them until their FTD.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension, Transaction};

use super::decide::{self, AffiliateRef, BtagFact, ClickFact, PlayerFacts};
use super::promo;
use super::rules::RuleVersion;
use super::versions;
use crate::attribution::types::{AttributionRunSummary, KeyKind};
use crate::store::{Store, StoreResult};

/// Most IP + user-agent touches kept per player (analysis only).
const IP_UA_TOUCHES_MAX: i64 = 20;

struct Row {
    id: i64,
    facts_base: (String, i64, String),
    click_id: Option<String>,
    btag: Option<String>,
    promo: Option<String>,
    ip: String,
    ftd_at: Option<i64>,
    stored: Option<Stored>,
}

struct Stored {
    affiliate_id: Option<i64>,
    key_kind: Option<String>,
    key_value: Option<String>,
    rule_version_id: Option<i64>,
    explanation_json: String,
    decided_at_ms: i64,
}

/// Runs attribution for one program as of `now_ms` in one write transaction.
pub fn run(store: &Store, program_id: i64, now_ms: i64) -> StoreResult<AttributionRunSummary> {
    store.write(|tx| run_in(tx, program_id, now_ms))
}

/// The program's affiliates by id.
pub fn affiliates(
    tx: &rusqlite::Connection,
    program_id: i64,
) -> StoreResult<HashMap<i64, AffiliateRef>> {
    let mut stmt =
        tx.prepare("SELECT id, external_id, parent_id FROM affiliates WHERE program_id = ?1")?;
    let rows = stmt
        .query_map([program_id], |r| {
            Ok(AffiliateRef {
                id: r.get(0)?,
                external_id: r.get(1)?,
                parent_id: r.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows.into_iter().map(|a| (a.id, a)).collect())
}

fn load_rows(tx: &Transaction<'_>, program_id: i64) -> StoreResult<Vec<Row>> {
    let mut stmt = tx.prepare(
        "SELECT p.id, p.external_id, p.registered_at_ms, p.day, p.click_id, p.btag, p.promo_code, p.ip,
                (SELECT MIN(m.occurred_at_ms) FROM money_movements m WHERE m.player_id = p.id AND m.is_ftd = 1),
                a.player_id, a.affiliate_id, a.key_kind, a.key_value, a.rule_version_id, a.explanation_json,
                a.decided_at_ms
           FROM players p LEFT JOIN player_attribution a ON a.player_id = p.id
          WHERE p.program_id = ?1 AND a.locked_at_ms IS NULL
            AND NOT EXISTS (SELECT 1 FROM attribution_overrides o WHERE o.player_id = p.id)
          ORDER BY p.id",
    )?;
    let rows = stmt
        .query_map([program_id], |r| {
            let stored = match r.get::<_, Option<i64>>(9)? {
                Some(_) => Some(Stored {
                    affiliate_id: r.get(10)?,
                    key_kind: r.get(11)?,
                    key_value: r.get(12)?,
                    rule_version_id: r.get(13)?,
                    explanation_json: r.get(14)?,
                    decided_at_ms: r.get(15)?,
                }),
                None => None,
            };
            Ok(Row {
                id: r.get(0)?,
                facts_base: (r.get(1)?, r.get(2)?, r.get(3)?),
                click_id: r
                    .get::<_, Option<String>>(4)?
                    .filter(|s| !s.trim().is_empty()),
                btag: r
                    .get::<_, Option<String>>(5)?
                    .filter(|s| !s.trim().is_empty()),
                promo: r
                    .get::<_, Option<String>>(6)?
                    .filter(|s| !s.trim().is_empty()),
                ip: r.get(7)?,
                ftd_at: r.get(8)?,
                stored,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub fn run_in(
    tx: &Transaction<'_>,
    program_id: i64,
    now_ms: i64,
) -> StoreResult<AttributionRunSummary> {
    let mut summary = AttributionRunSummary {
        promo_codes_learned: promo::learn_from_conversions(tx, program_id, now_ms)?,
        ..Default::default()
    };
    let affs = affiliates(tx, program_id)?;
    let by_external: HashMap<&str, &AffiliateRef> =
        affs.values().map(|a| (a.external_id.as_str(), a)).collect();
    let promos = promo::load(tx, program_id, &affs)?;
    let timeline = versions::timeline(tx, program_id)?;
    let builtin = RuleVersion::builtin();
    let mut click_stmt = tx.prepare_cached(
        "SELECT affiliate_id, clicked_at_ms, user_agent FROM clicks WHERE program_id = ?1 AND click_id = ?2",
    )?;
    let mut ip_stmt = tx.prepare_cached(
        "SELECT click_id, affiliate_id, clicked_at_ms FROM clicks
          WHERE program_id = ?1 AND ip = ?2 AND clicked_at_ms BETWEEN ?3 AND ?4 AND (?5 IS NULL OR user_agent = ?5)
          ORDER BY clicked_at_ms, click_id LIMIT ?6",
    )?;
    let mut upsert = tx.prepare_cached(
        "INSERT INTO player_attribution (player_id, program_id, affiliate_id, key_kind, key_value, rule_version_id,
                                         decided_at_ms, locked_at_ms, explanation_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (player_id) DO UPDATE SET affiliate_id = excluded.affiliate_id, key_kind = excluded.key_kind,
              key_value = excluded.key_value, rule_version_id = excluded.rule_version_id,
              decided_at_ms = excluded.decided_at_ms, locked_at_ms = excluded.locked_at_ms,
              explanation_json = excluded.explanation_json",
    )?;
    for row in load_rows(tx, program_id)? {
        summary.examined += 1;
        let (external_id, registered_at_ms, day) = row.facts_base;
        let version = versions::for_day(&timeline, &day, &builtin);
        let mut carried_ua = None;
        let click = match &row.click_id {
            Some(id) => {
                let found: Option<(i64, i64, String)> = click_stmt
                    .query_row(params![program_id, id], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })
                    .optional()?;
                let fact = found.and_then(|(aff, at, ua)| {
                    carried_ua = Some(ua).filter(|u| !u.is_empty());
                    affs.get(&aff).map(|a| ClickFact {
                        click_id: id.clone(),
                        affiliate: a.clone(),
                        clicked_at_ms: at,
                    })
                });
                Some((id.clone(), fact))
            }
            None => None,
        };
        let btag = row.btag.as_ref().map(|b| {
            let fact = match decide::btag_affiliate(b) {
                None => BtagFact::Unparsable,
                Some(ext) => match by_external.get(ext) {
                    Some(a) => BtagFact::Known((*a).clone()),
                    None => BtagFact::UnknownAffiliate(ext.to_owned()),
                },
            };
            (b.clone(), fact)
        });
        let promo = row.promo.as_ref().map(|code| {
            (
                code.trim().to_owned(),
                promos.get(&decide::normalize_promo(code)).cloned(),
            )
        });
        let window_hours = i64::from(version.rules.ip_ua_window_hours);
        let mut ip_ua_clicks = Vec::new();
        if window_hours > 0 && !row.ip.is_empty() {
            let from = registered_at_ms - window_hours * 3_600_000;
            let mut rows = ip_stmt.query(params![
                program_id,
                row.ip,
                from,
                registered_at_ms,
                carried_ua,
                IP_UA_TOUCHES_MAX
            ])?;
            while let Some(r) = rows.next()? {
                if let Some(a) = affs.get(&r.get::<_, i64>(1)?) {
                    ip_ua_clicks.push(ClickFact {
                        click_id: r.get(0)?,
                        affiliate: a.clone(),
                        clicked_at_ms: r.get(2)?,
                    });
                }
            }
        }
        let previous = row.stored.as_ref().and_then(|s| {
            let aff = affs.get(&s.affiliate_id?)?;
            let kind = KeyKind::parse(s.key_kind.as_deref()?)?;
            Some((aff.clone(), kind, s.key_value.clone().unwrap_or_default()))
        });
        let facts = PlayerFacts {
            external_id,
            registered_at_ms,
            day,
            click,
            btag,
            promo,
            ip_ua_clicks,
            previous,
        };
        let decision = decide::decide(&facts, version);
        let json = serde_json::to_string(&decision.explanation).expect("explanation serializes");
        let affiliate_id = decision.affiliate.as_ref().map(|a| a.id);
        let (kind, value) = match &decision.key {
            Some((k, v)) => (Some(k.as_str()), Some(v.as_str())),
            None => (None, None),
        };
        match affiliate_id {
            Some(_) => summary.attributed += 1,
            None => summary.organic += 1,
        }
        let same = row.stored.as_ref().is_some_and(|s| {
            s.affiliate_id == affiliate_id
                && s.key_kind.as_deref() == kind
                && s.key_value.as_deref() == value
                && s.rule_version_id == version.id
                && s.explanation_json == json
        });
        if same && row.ftd_at.is_none() {
            continue;
        }
        let decided_at = match (&row.stored, same) {
            (Some(s), true) => s.decided_at_ms,
            _ => now_ms,
        };
        if !same {
            summary.changed += 1;
        }
        if row.ftd_at.is_some() {
            summary.locked += 1;
        }
        upsert.execute(params![
            row.id,
            program_id,
            affiliate_id,
            kind,
            value,
            version.id,
            decided_at,
            row.ftd_at,
            json
        ])?;
    }
    sync_players(tx, program_id)?;
    Ok(summary)
}

/// Makes `players.affiliate_id` equal to the decision wherever a decision exists; marks rollup days dirty.
pub(crate) fn sync_players(tx: &Transaction<'_>, program_id: i64) -> StoreResult<()> {
    let differing: Vec<(i64, Option<i64>)> = tx
        .prepare(
            "SELECT p.id, a.affiliate_id FROM players p JOIN player_attribution a ON a.player_id = p.id
              WHERE p.program_id = ?1 AND p.affiliate_id IS NOT a.affiliate_id",
        )?
        .query_map([program_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut update = tx.prepare_cached("UPDATE players SET affiliate_id = ?2 WHERE id = ?1")?;
    for (player_id, affiliate_id) in differing {
        // Days of both the old and the new affiliate: the rollup recomputes whole days from the raw rows.
        crate::rollups::mark_player_days(tx, program_id, player_id)?;
        update.execute(params![player_id, affiliate_id])?;
    }
    Ok(())
}
