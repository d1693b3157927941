//! Re-attributing a player by decision (a dispute accepted): an override names the affiliate the player belongs to
//! from now on (or none), the case and the reason. The player's decision says it was overridden, keeps what the
//! rules saw, and is locked; the attribution run leaves the player alone from then on; `players.affiliate_id`
//! follows, so the next computation of each open period pays the new affiliate (closed periods: as corrections in
//! the next open one).

use super::types::Explanation;
use super::AttributionError;
use crate::audit::Stamp;
use rusqlite::{params, OptionalExtension, Transaction};

/// What an override changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub player: String,
    /// External affiliate ids; empty: organic.
    pub from: String,
    pub to: String,
}

/// Re-attributes player `player` (external id) to affiliate `to` (external id; `None`: organic).
pub fn apply(
    tx: &Transaction<'_>,
    program_id: i64,
    player: &str,
    to: Option<&str>,
    case_id: Option<i64>,
    reason: &str,
    stamp: &Stamp,
) -> Result<Applied, AttributionError> {
    let by = stamp
        .user_id
        .ok_or_else(|| AttributionError::Invalid("an override needs a signed-in person".into()))?;
    if reason.trim().is_empty() {
        return Err(AttributionError::Invalid(
            "Reason: say why the player is re-attributed".into(),
        ));
    }
    let (player_id, current, explanation_json, locked): (i64, Option<i64>, Option<String>, Option<i64>) = tx
        .query_row(
            "SELECT p.id, p.affiliate_id, a.explanation_json, a.locked_at_ms FROM players p
             LEFT JOIN player_attribution a ON a.player_id = p.id WHERE p.program_id = ?1 AND p.external_id = ?2",
            params![program_id, player.trim()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
        .ok_or_else(|| AttributionError::NotFound(format!("Player: no player '{}' in this program", player.trim())))?;
    let to_id: Option<i64> = match to.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(ext) => Some(
            tx.query_row(
                "SELECT id FROM affiliates WHERE program_id = ?1 AND external_id = ?2",
                params![program_id, ext],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| {
                AttributionError::NotFound(format!("Affiliate: no affiliate '{ext}'"))
            })?,
        ),
    };
    let ext = |id: Option<i64>| -> Result<String, AttributionError> {
        Ok(match id {
            Some(i) => tx.query_row(
                "SELECT external_id FROM affiliates WHERE id = ?1",
                [i],
                |r| r.get(0),
            )?,
            None => String::new(),
        })
    };
    let applied = Applied {
        player: player.trim().to_string(),
        from: ext(current)?,
        to: ext(to_id)?,
    };
    tx.execute(
        "INSERT INTO attribution_overrides (program_id, player_id, from_affiliate_id, to_affiliate_id, case_id, reason, created_by, created_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![program_id, player_id, current, to_id, case_id, reason.trim(), by, stamp.at_ms],
    )?;
    let json = explanation_json.ok_or_else(|| {
        AttributionError::Invalid(format!(
            "player {} has no attribution decision yet: run attribution first",
            player.trim()
        ))
    })?;
    let mut e: Explanation = serde_json::from_str(&json).map_err(|err| {
        AttributionError::Invalid(format!("stored explanation of player {player}: {err}"))
    })?;
    let who = match case_id {
        Some(c) => format!("dispute case #{c}: {} (by {})", reason.trim(), stamp.actor),
        None => format!("{} (by {})", reason.trim(), stamp.actor),
    };
    e.overridden_by = Some(who);
    e.affiliate = (!applied.to.is_empty()).then(|| applied.to.clone());
    let json =
        serde_json::to_string(&e).map_err(|err| AttributionError::Invalid(err.to_string()))?;
    tx.execute(
        "INSERT INTO player_attribution (player_id, program_id, affiliate_id, key_kind, key_value, rule_version_id,
                                         decided_at_ms, locked_at_ms, explanation_json)
         VALUES (?1, ?2, ?3, 'override', ?4, NULL, ?5, ?6, ?7)
         ON CONFLICT (player_id) DO UPDATE SET affiliate_id = excluded.affiliate_id, key_kind = 'override',
              key_value = excluded.key_value, decided_at_ms = excluded.decided_at_ms,
              locked_at_ms = excluded.locked_at_ms, explanation_json = excluded.explanation_json",
        params![player_id, program_id, to_id, case_id.map(|c| format!("case:{c}")).unwrap_or_default(), stamp.at_ms,
                locked.unwrap_or(stamp.at_ms), json],
    )?;
    super::run::sync_players(tx, program_id)?;
    Ok(applied)
}
