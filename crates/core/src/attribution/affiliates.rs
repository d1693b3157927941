//! Affiliate profiles for the Affiliates screen: identity and hierarchy, promo codes, players attributed (from
//! the stored decisions) and performance over a period (from the daily rollups, which follow
//! `players.affiliate_id`, itself kept equal to the decisions).

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};

use super::{promo, AttributionError};
use crate::attribution::types::{
    AffiliateDetail, AffiliateProfile, AffiliatesPage, AttributedPlayer, KeyKind,
    PlanAssignmentView,
};
use crate::money::format_amount;
use crate::time::Period;

/// Most players listed in an affiliate's detail.
pub const PLAYERS_MAX: u32 = 500;

struct Base {
    id: i64,
    external_id: String,
    name: String,
    parent: Option<String>,
    status: String,
}

fn bases(conn: &Connection, program_id: i64) -> rusqlite::Result<Vec<Base>> {
    conn.prepare(
        "SELECT a.id, a.external_id, a.name, p.external_id, a.status
           FROM affiliates a LEFT JOIN affiliates p ON p.id = a.parent_id
          WHERE a.program_id = ?1 ORDER BY a.id",
    )?
    .query_map([program_id], |r| {
        Ok(Base {
            id: r.get(0)?,
            external_id: r.get(1)?,
            name: r.get(2)?,
            parent: r.get(3)?,
            status: r.get(4)?,
        })
    })?
    .collect()
}

fn profiles(
    conn: &Connection,
    program_id: i64,
    period: &Period,
) -> Result<Vec<(i64, AffiliateProfile)>, AttributionError> {
    let currency: String = conn.query_row(
        "SELECT currency FROM programs WHERE id = ?1",
        [program_id],
        |r| r.get(0),
    )?;
    let attributed: HashMap<i64, u32> = conn
        .prepare("SELECT affiliate_id, COUNT(*) FROM player_attribution WHERE program_id = ?1 AND affiliate_id IS NOT NULL GROUP BY 1")?
        .query_map([program_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let perf: HashMap<i64, (u32, u32, u32, i64)> = conn
        .prepare(
            "SELECT affiliate_id, SUM(registrations), SUM(ftds), SUM(approved_conversions), SUM(ftd_amount_micros)
               FROM rollup_affiliate_daily WHERE program_id = ?1 AND day BETWEEN ?2 AND ?3 GROUP BY 1",
        )?
        .query_map(params![program_id, period.from, period.to], |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        })?
        .collect::<Result<_, _>>()?;
    let bases = bases(conn, program_id)?;
    let mut subs: HashMap<String, Vec<String>> = HashMap::new();
    for b in &bases {
        if let Some(p) = &b.parent {
            subs.entry(p.clone())
                .or_default()
                .push(b.external_id.clone());
        }
    }
    let mut out = Vec::with_capacity(bases.len());
    for b in bases {
        let (registrations, ftds, approved, amount) = perf.get(&b.id).copied().unwrap_or_default();
        out.push((
            b.id,
            AffiliateProfile {
                sub_affiliates: subs.remove(&b.external_id).unwrap_or_default(),
                promo_codes: promo::codes_of(conn, b.id)?,
                attributed_players: attributed.get(&b.id).copied().unwrap_or(0),
                registrations,
                ftds,
                approved_conversions: approved,
                ftd_amount: format_amount(amount, &currency),
                external_id: b.external_id,
                name: b.name,
                parent: b.parent,
                status: b.status,
            },
        ));
    }
    Ok(out)
}

/// Every affiliate of the program with its performance over `period`.
pub fn list(
    conn: &Connection,
    program_id: i64,
    period: &Period,
) -> Result<AffiliatesPage, AttributionError> {
    if crate::rollups::has_dirty(conn)? {
        return Err(AttributionError::Invalid(
            "rollups are being refreshed; try again".into(),
        ));
    }
    Ok(AffiliatesPage {
        period: period.clone(),
        rows: profiles(conn, program_id, period)?
            .into_iter()
            .map(|(_, p)| p)
            .collect(),
    })
}

/// One affiliate's profile and most recent attributed players.
pub fn detail(
    conn: &Connection,
    program_id: i64,
    external_id: &str,
    period: &Period,
) -> Result<AffiliateDetail, AttributionError> {
    let id: i64 = conn
        .query_row(
            "SELECT id FROM affiliates WHERE program_id = ?1 AND external_id = ?2",
            params![program_id, external_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| {
            AttributionError::NotFound(format!("no affiliate {external_id} in this program"))
        })?;
    let profile = profiles(conn, program_id, period)?
        .into_iter()
        .find(|(i, _)| *i == id)
        .map(|(_, p)| p)
        .expect("the affiliate exists");
    let players = conn
        .prepare(
            "SELECT p.external_id, p.day, a.key_kind, a.key_value, a.locked_at_ms IS NOT NULL
               FROM player_attribution a JOIN players p ON p.id = a.player_id
              WHERE a.affiliate_id = ?1 ORDER BY p.registered_at_ms DESC, p.id DESC LIMIT ?2",
        )?
        .query_map(params![id, PLAYERS_MAX], |r| {
            let kind: String = r.get(2)?;
            Ok(AttributedPlayer {
                external_id: r.get(0)?,
                registered_day: r.get(1)?,
                key_kind: KeyKind::parse(&kind).unwrap_or(KeyKind::ClickId),
                key_value: r.get(3)?,
                locked: r.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let plan_history = conn
        .prepare(
            "SELECT p.name, a.effective_from, a.affiliate_id IS NULL, a.created_by, a.created_at_ms
               FROM plan_assignments a JOIN plans p ON p.id = a.plan_id
              WHERE a.program_id = ?1 AND (a.affiliate_id = ?2 OR a.affiliate_id IS NULL)
              ORDER BY a.effective_from, a.id",
        )?
        .query_map(params![program_id, id], |r| {
            Ok(PlanAssignmentView {
                plan: r.get(0)?,
                effective_from: r.get(1)?,
                program_default: r.get(2)?,
                assigned_by: r.get(3)?,
                assigned_at_ms: r.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(AffiliateDetail {
        players_total: profile.attributed_players,
        profile,
        players,
        plan_history,
        identifiers: super::identifiers::list(conn, id)?,
    })
}
