//! A case's evidence, assembled from the store: for its players, conversions, clicks, deposits, flags,
//! discrepancies and statement lines — the clicks, the postback log entries with their requests, the tracker
//! conversion with its status history, the operator's player and deposits, the attribution explanation, the
//! qualification checklist, fraud flags with their decisions, reconciliation rows, the statement lines concerned,
//! and the raw records they were stored from. Each item carries its source and the SHA-256 of its canonical JSON
//! (of the bytes as received, for raw records: the same hash the store keeps).

use super::types::EvidenceItem;
use super::DisputeResult;
use crate::programs::Program;
use rusqlite::types::Value as Sql;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// At most this many rows of one kind per subject (a flag can name thousands of clicks).
pub const ROWS_PER_KIND_MAX: usize = 200;

struct Gather<'a> {
    conn: &'a Connection,
    program: &'a Program,
    items: Vec<EvidenceItem>,
    seen: BTreeSet<(String, String)>,
    raws: BTreeSet<i64>,
}

fn sql_json(v: Sql) -> Value {
    match v {
        Sql::Null => Value::Null,
        Sql::Integer(i) => Value::from(i),
        Sql::Real(f) => Value::from(f),
        Sql::Text(t) => Value::from(t),
        Sql::Blob(b) => Value::from(hex::encode(b)),
    }
}

/// Rows of `sql` as JSON objects keyed by column name.
fn rows(
    conn: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
) -> DisputeResult<Vec<Map<String, Value>>> {
    let mut stmt = conn.prepare(sql)?;
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    let mut q = stmt.query(p)?;
    while let Some(r) = q.next()? {
        let mut m = Map::new();
        for (i, n) in names.iter().enumerate() {
            m.insert(n.clone(), sql_json(r.get::<_, Sql>(i)?));
        }
        out.push(m);
        if out.len() >= ROWS_PER_KIND_MAX {
            break;
        }
    }
    Ok(out)
}

/// The canonical form of a record: compact JSON with sorted keys (what the hash covers and the pack stores).
pub fn canonical(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

impl<'a> Gather<'a> {
    fn source_of(&self, row: &Map<String, Value>) -> DisputeResult<String> {
        let Some(raw) = row.get("raw_id").and_then(Value::as_i64) else {
            return Ok("entered in Affops".into());
        };
        let src: Option<(String, String, String)> = self
            .conn
            .query_row(
                "SELECT s.name, r.stream, r.locator FROM raw_records r JOIN sources s ON s.id = r.source_id WHERE r.id = ?1",
                [raw],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(match src {
            Some((s, stream, loc)) if stream.starts_with("import:") => {
                format!(
                    "file {} ({s}) at {loc}, raw record {raw}",
                    stream.trim_start_matches("import:")
                )
            }
            Some((s, stream, loc)) => format!("{s}/{stream} {loc}, raw record {raw}"),
            None => format!("raw record {raw}"),
        })
    }

    fn push(&mut self, kind: &str, key: &str, title: String, source: String, v: Value) {
        if !self.seen.insert((kind.to_string(), key.to_string())) {
            return;
        }
        let text = canonical(&v);
        self.items.push(EvidenceItem {
            kind: kind.into(),
            title,
            source,
            sha256: crate::commission::statement::sha256_hex(text.as_bytes()),
            body: serde_json::to_string_pretty(&v).unwrap_or_default(),
        });
    }

    fn push_rows(
        &mut self,
        kind: &str,
        key_col: &str,
        title: impl Fn(&Map<String, Value>) -> String,
        rows: Vec<Map<String, Value>>,
    ) -> DisputeResult<()> {
        for r in rows {
            let key = r.get(key_col).map(|v| v.to_string()).unwrap_or_default();
            let source = self.source_of(&r)?;
            if let Some(raw) = r.get("raw_id").and_then(Value::as_i64) {
                self.raws.insert(raw);
            }
            self.push(kind, &key, title(&r), source, Value::Object(r));
        }
        Ok(())
    }

    fn click(&mut self, click_id: &str) -> DisputeResult<()> {
        let r = rows(self.conn, "SELECT k.*, a.external_id AS affiliate FROM clicks k JOIN affiliates a ON a.id = k.affiliate_id WHERE k.program_id = ?1 AND k.click_id = ?2", params![self.program.id, click_id])?;
        self.push_rows(
            "click",
            "id",
            |r| {
                format!(
                    "Click {} by affiliate {}",
                    s(r, "click_id"),
                    s(r, "affiliate")
                )
            },
            r,
        )
    }

    fn conversion_rows(&mut self, where_sql: &str, arg: &str) -> DisputeResult<()> {
        let convs = rows(
            self.conn,
            &format!("SELECT c.*, COALESCE(a.external_id, '') AS affiliate FROM conversions c LEFT JOIN affiliates a ON a.id = c.affiliate_id WHERE c.program_id = ?1 AND {where_sql}"),
            params![self.program.id, arg],
        )?;
        for c in convs {
            let id = c.get("id").and_then(Value::as_i64).unwrap_or_default();
            let ext = s(&c, "external_id");
            let txn = s(&c, "transaction_id");
            self.push_rows(
                "conversion",
                "id",
                |r| {
                    format!(
                        "Tracker conversion {} ({}, {} via {})",
                        s(r, "external_id"),
                        s(r, "status"),
                        s(r, "event"),
                        s(r, "arrival")
                    )
                },
                vec![c],
            )?;
            let history = rows(
                self.conn,
                "SELECT * FROM conversion_status_history WHERE conversion_id = ?1 ORDER BY id",
                [id],
            )?;
            let ext2 = ext.clone();
            self.push_rows(
                "status_history",
                "id",
                move |r| {
                    format!(
                        "Conversion {ext2} status {} at {}",
                        s(r, "status"),
                        s(r, "observed_at_ms")
                    )
                },
                history,
            )?;
            let posts = rows(
                self.conn,
                "SELECT * FROM postback_log WHERE conversion_id = ?1 ORDER BY id",
                [id],
            )?;
            for p in posts {
                let pid = p.get("id").and_then(Value::as_i64).unwrap_or_default();
                let title = format!(
                    "Postback #{pid} {} {} → {} ({})",
                    s(&p, "method"),
                    s(&p, "path_query"),
                    s(&p, "status_code"),
                    s(&p, "outcome")
                );
                self.push(
                    "postback",
                    &pid.to_string(),
                    title,
                    format!("postback listener, request #{pid}"),
                    Value::Object(p),
                );
            }
            if !txn.is_empty() {
                self.click(&txn)?;
            }
        }
        Ok(())
    }

    fn player(&mut self, period: &str, player: &str) -> DisputeResult<()> {
        let p = rows(self.conn, "SELECT p.*, COALESCE(a.external_id, '') AS affiliate FROM players p LEFT JOIN affiliates a ON a.id = p.affiliate_id WHERE p.program_id = ?1 AND p.external_id = ?2", params![self.program.id, player])?;
        let Some(row) = p.first().cloned() else {
            return Ok(());
        };
        let pid = row.get("id").and_then(Value::as_i64).unwrap_or_default();
        let click = s(&row, "click_id");
        let day = s(&row, "day");
        self.push_rows(
            "player",
            "id",
            |r| {
                format!(
                    "Operator player {} (registered {}, affiliate {})",
                    s(r, "external_id"),
                    s(r, "day"),
                    or_organic(&s(r, "affiliate"))
                )
            },
            p,
        )?;
        let deposits = rows(
            self.conn,
            "SELECT * FROM money_movements WHERE player_id = ?1 ORDER BY occurred_at_ms, id",
            [pid],
        )?;
        self.push_rows(
            "deposit",
            "id",
            |r| {
                format!(
                    "{} {} {} on {}{}",
                    s(r, "kind"),
                    s(r, "amount_micros"),
                    s(r, "currency"),
                    s(r, "day"),
                    if s(r, "is_ftd") == "1" {
                        " (first deposit)"
                    } else {
                        ""
                    }
                )
            },
            deposits,
        )?;
        if !click.is_empty() {
            self.click(&click)?;
        }
        self.conversion_rows("c.player_ref = ?2", player)?;
        if let Ok(e) = crate::attribution::explain::player(self.conn, self.program.id, player) {
            let v = serde_json::to_value(&e).unwrap_or_default();
            self.push(
                "attribution",
                player,
                format!("Attribution of player {player}"),
                "Affops attribution, as decided".into(),
                v,
            );
        }
        let as_of = match period {
            "" => day.clone(),
            p => crate::commission::period::month_bounds(p)
                .map(|(_, last)| last)
                .unwrap_or(day.clone()),
        };
        if let Ok(c) =
            crate::commission::qualify::checklist(self.conn, self.program, player, &as_of)
        {
            let v = serde_json::to_value(&c).unwrap_or_default();
            self.push(
                "qualification",
                player,
                format!("CPA qualification of player {player} as of {as_of}"),
                "Affops commission, recomputed".into(),
                v,
            );
        }
        let flags: Vec<i64> = {
            let mut stmt = self.conn.prepare("SELECT DISTINCT flag_id FROM flag_items WHERE kind = 'player' AND ref = ?1 LIMIT 50")?;
            let ids = stmt.query_map([player], |r| r.get(0))?;
            ids.collect::<Result<_, _>>()?
        };
        for f in flags {
            self.flag(f)?;
        }
        let recon = rows(
            self.conn,
            "SELECT * FROM recon_discrepancies WHERE program_id = ?1 AND player_ref = ?2",
            params![self.program.id, player],
        )?;
        self.push_rows(
            "discrepancy",
            "id",
            |r| {
                format!(
                    "Reconciliation {} {}: {}",
                    s(r, "period"),
                    s(r, "reason"),
                    s(r, "detail")
                )
            },
            recon,
        )
    }

    fn flag(&mut self, id: i64) -> DisputeResult<()> {
        // The flag as it stands (its latest revision), then every revision: the evidence as it was at each step.
        let f = rows(self.conn, "SELECT f.id, f.program_id, c.affiliate_id, f.rule, f.pattern, f.subject_key, c.severity, c.score,
                                        c.summary, c.evidence_json, c.revision, c.state AS revision_state, c.reason AS revision_reason,
                                        f.created_at_ms, COALESCE(a.external_id, '') AS affiliate
                                 FROM flags f JOIN flag_current c ON c.flag_id = f.id LEFT JOIN affiliates a ON a.id = c.affiliate_id
                                 WHERE f.id = ?1 AND f.program_id = ?2", params![id, self.program.id])?;
        self.push_rows(
            "flag",
            "id",
            |r| {
                format!(
                    "Fraud flag {} ({}, {}): {}",
                    s(r, "id"),
                    s(r, "rule"),
                    s(r, "severity"),
                    s(r, "summary")
                )
            },
            f,
        )?;
        let revisions = rows(self.conn, "SELECT id, flag_id, revision, state, severity, score, summary, evidence_json, reason, at_ms FROM flag_revisions WHERE flag_id = ?1 ORDER BY revision", [id])?;
        self.push_rows(
            "flag_revision",
            "id",
            |r| {
                format!(
                    "Flag {} revision {} ({}): {}",
                    s(r, "flag_id"),
                    s(r, "revision"),
                    s(r, "state"),
                    s(r, "summary")
                )
            },
            revisions,
        )?;
        let d = rows(self.conn, "SELECT d.id, d.flag_id, d.decision, d.comment, u.name AS decided_by, d.decided_at_ms, d.revision FROM flag_decisions d JOIN users u ON u.id = d.user_id WHERE d.flag_id = ?1 ORDER BY d.id", [id])?;
        self.push_rows(
            "flag_decision",
            "id",
            |r| {
                format!(
                    "Flag {} {} by {} on revision {}: {}",
                    s(r, "flag_id"),
                    s(r, "decision"),
                    s(r, "decided_by"),
                    s(r, "revision"),
                    s(r, "comment")
                )
            },
            d,
        )
    }

    fn statement_lines(
        &mut self,
        affiliate: &str,
        period: &str,
        line_key: Option<&str>,
    ) -> DisputeResult<()> {
        let r = rows(
            self.conn,
            "SELECT e.id, e.kind, e.line_key, e.status, e.amount_micros, e.currency, e.rule, e.reason, e.approvable_from_day,
                    substr(p.start_day, 1, 7) AS period, e.created_at_ms
             FROM ledger_entries e JOIN periods p ON p.id = e.period_id JOIN affiliates a ON a.id = e.affiliate_id
             WHERE e.program_id = ?1 AND a.external_id = ?2 AND substr(p.start_day, 1, 7) = ?3 AND e.kind <> 'status'
               AND (?4 IS NULL OR e.line_key = ?4) ORDER BY e.id",
            params![self.program.id, affiliate, period, line_key],
        )?;
        self.push_rows(
            "statement_line",
            "id",
            |r| {
                format!(
                    "Ledger entry {} {} {} {} ({})",
                    s(r, "id"),
                    s(r, "period"),
                    s(r, "line_key"),
                    s(r, "amount_micros"),
                    s(r, "status")
                )
            },
            r,
        )
    }

    fn raw_items(&mut self) -> DisputeResult<()> {
        for raw in std::mem::take(&mut self.raws) {
            let Some(bytes) = crate::ingest::raw::read(self.conn, raw)? else {
                continue;
            };
            let (stream, locator): (String, String) = self.conn.query_row(
                "SELECT stream, locator FROM raw_records WHERE id = ?1",
                [raw],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let sha = crate::commission::statement::sha256_hex(&bytes);
            self.items.push(EvidenceItem {
                kind: "raw".into(),
                title: format!(
                    "Raw record {raw}: {stream} {locator} ({} bytes as received)",
                    bytes.len()
                ),
                source: format!("{stream} {locator}"),
                sha256: sha,
                body: String::from_utf8_lossy(&bytes).into_owned(),
            });
        }
        Ok(())
    }
}

fn s(r: &Map<String, Value>, k: &str) -> String {
    match r.get(k) {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

fn or_organic(a: &str) -> &str {
    if a.is_empty() {
        "organic"
    } else {
        a
    }
}

/// The evidence of a case about `subjects` (`kind`, `ref`), for its affiliate and period when known.
pub fn gather(
    conn: &Connection,
    program: &Program,
    period: &str,
    affiliate: Option<&str>,
    subjects: &[(String, String)],
) -> DisputeResult<Vec<EvidenceItem>> {
    let mut g = Gather {
        conn,
        program,
        items: Vec::new(),
        seen: BTreeSet::new(),
        raws: BTreeSet::new(),
    };
    for (kind, r) in subjects {
        match kind.as_str() {
            "player" => g.player(period, r)?,
            "conversion" => g.conversion_rows("c.external_id = ?2", r)?,
            "click" => {
                g.click(r)?;
                g.conversion_rows("c.transaction_id = ?2", r)?;
            }
            "deposit" => {
                let d = rows(conn, "SELECT m.*, p.external_id AS player FROM money_movements m JOIN players p ON p.id = m.player_id WHERE m.program_id = ?1 AND m.external_id = ?2", params![program.id, r])?;
                let players: Vec<String> = d.iter().map(|x| s(x, "player")).collect();
                g.push_rows(
                    "deposit",
                    "id",
                    |x| {
                        format!(
                            "{} {} {} on {} by player {}",
                            s(x, "kind"),
                            s(x, "amount_micros"),
                            s(x, "currency"),
                            s(x, "day"),
                            s(x, "player")
                        )
                    },
                    d,
                )?;
                for p in players {
                    g.player(period, &p)?;
                }
            }
            "discrepancy" => {
                let d = rows(
                    conn,
                    "SELECT * FROM recon_discrepancies WHERE id = ?1 AND program_id = ?2",
                    params![r.parse::<i64>().unwrap_or(-1), program.id],
                )?;
                g.push_rows(
                    "discrepancy",
                    "id",
                    |x| {
                        format!(
                            "Reconciliation {} {}: {}",
                            s(x, "period"),
                            s(x, "reason"),
                            s(x, "detail")
                        )
                    },
                    d,
                )?;
            }
            "flag" => g.flag(r.parse::<i64>().unwrap_or(-1))?,
            "statement_line" => {
                let mut parts = r.splitn(3, ':');
                if let (Some(a), Some(p), Some(k)) = (parts.next(), parts.next(), parts.next()) {
                    g.statement_lines(a, p, Some(k))?;
                }
            }
            _ => {}
        }
    }
    if let (Some(a), false) = (affiliate, period.is_empty()) {
        g.statement_lines(a, period, None)?;
    }
    g.raw_items()?;
    Ok(g.items)
}
