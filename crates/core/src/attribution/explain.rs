//! The readable form of an [`Explanation`]: one line per fact, stable wording (snapshot-tested), e.g.
//!
//! ```text
//! Player P000042 → affiliate 7 via click 3f2a…
//! Rule: click priority (default rules)
//! ✓ click 3f2a… → affiliate 7: click priority
//! ✗ promo code SPIN50-A3 → affiliate 12 rejected: click priority
//! Analysis only (last click): 1 touch → affiliate 7
//! ```

use std::fmt::Write as _;

use rusqlite::{Connection, OptionalExtension};

use super::AttributionError;
use crate::attribution::types::{
    CandidateOutcome, ClickSelection, Explanation, KeyCandidate, KeyKind, PlayerExplanation,
};

/// Long click ids (only those) are shortened to their first 8 characters (the full id is in the JSON form).
fn short(value: &str) -> String {
    if value.chars().count() > 12 {
        format!("{}…", value.chars().take(8).collect::<String>())
    } else {
        value.to_owned()
    }
}

fn key_text(c: &KeyCandidate) -> String {
    let target = match &c.affiliate {
        Some(a) => format!(" → affiliate {a}"),
        None => String::new(),
    };
    let value = if c.kind == KeyKind::ClickId {
        short(&c.value)
    } else {
        c.value.clone()
    };
    format!("{} {}{}", c.kind.label(), value, target)
}

/// Renders the explanation as text.
pub fn text(e: &Explanation) -> String {
    let mut out = String::new();
    if let Some(by) = &e.overridden_by {
        let _ = writeln!(
            out,
            "Player {} → {}: overridden by {by}",
            e.player,
            e.affiliate
                .as_deref()
                .map_or("organic".to_string(), |a| format!("affiliate {a}"))
        );
        let _ = writeln!(out, "Before the override the rules decided:");
    }
    match (&e.affiliate, e.matched_kind, &e.matched_value) {
        (Some(a), Some(kind), Some(value)) => {
            let _ = writeln!(
                out,
                "Player {} → affiliate {a} via {} {}",
                e.player,
                kind.label(),
                short(value)
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "Player {} is organic: no valid key, earns nothing",
                e.player
            );
        }
    }
    let version = match (&e.rule_version_id, &e.rules_effective_from) {
        (Some(id), Some(from)) => format!("rules version {id}, effective {from}"),
        _ => "default rules".to_owned(),
    };
    let _ = writeln!(out, "Rule: {} ({version})", e.rule);
    for c in &e.candidates {
        let line = match c.outcome {
            CandidateOutcome::Won => format!("✓ {}: {}", key_text(c), c.reason),
            CandidateOutcome::Agrees => format!("= {} agrees: {}", key_text(c), c.reason),
            CandidateOutcome::Rejected => format!("✗ {} rejected: {}", key_text(c), c.reason),
        };
        let _ = writeln!(out, "{line}");
    }
    let a = &e.analysis;
    let selection = match a.selection {
        ClickSelection::First => "first click",
        ClickSelection::Last => "last click",
    };
    match &a.selected_affiliate {
        Some(aff) => {
            let n = a.touches.len();
            let plural = if n == 1 { "touch" } else { "touches" };
            let _ = write!(
                out,
                "Analysis only ({selection}): {n} {plural} → affiliate {aff}"
            );
        }
        None => {
            let _ = write!(out, "Analysis only ({selection}): no touches");
        }
    }
    out
}

/// The stored decision of a player (by external id) with its text form.
pub fn player(
    conn: &Connection,
    program_id: i64,
    external_id: &str,
) -> Result<PlayerExplanation, AttributionError> {
    let row: Option<(String, i64, Option<i64>)> = conn
        .query_row(
            "SELECT a.explanation_json, a.decided_at_ms, a.locked_at_ms
               FROM players p JOIN player_attribution a ON a.player_id = p.id
              WHERE p.program_id = ?1 AND p.external_id = ?2",
            rusqlite::params![program_id, external_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((json, decided_at_ms, locked_at_ms)) = row else {
        let exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM players WHERE program_id = ?1 AND external_id = ?2)",
            rusqlite::params![program_id, external_id],
            |r| r.get(0),
        )?;
        return Err(AttributionError::NotFound(if exists {
            format!("player {external_id} has no attribution decision yet: run `affops-cli attribution run`")
        } else {
            format!("no player {external_id} in this program")
        }));
    };
    let explanation: Explanation = serde_json::from_str(&json).map_err(|e| {
        AttributionError::Invalid(format!("stored explanation of player {external_id}: {e}"))
    })?;
    Ok(PlayerExplanation {
        text: text(&explanation),
        explanation,
        decided_at_ms,
        locked_at_ms,
    })
}
