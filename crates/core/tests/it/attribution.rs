//! `attribution::run` on a real store: the FTD lock, the first referrer, late clicks, idempotence, the
//! `players.affiliate_id` contract the commission engine reads, effective-dated rule versions with their audit
//! trail and stored explanations. The fixture is shared with `attribution_report`.

use affops_core::api::KeyKind;
use affops_core::attribution::{self, explain, promo, versions};
use affops_core::workspace::{ProgramSpec, Workspace};
use rusqlite::params;

pub(crate) const NOW: i64 = 1_790_000_000_000;
pub(crate) const HOUR: i64 = 3_600_000;
pub(crate) const DAY: i64 = 24 * HOUR;
/// 2026-09-21T12:00:00Z-ish: registrations happen around here.
pub(crate) const REG: i64 = NOW - 10 * DAY;

pub(crate) struct Fx {
    _dir: tempfile::TempDir,
    pub(crate) ws: Workspace,
    pub(crate) program: i64,
}

pub(crate) fn fixture() -> Fx {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    let spec = ProgramSpec {
        name: "Casino".into(),
        vertical: affops_core::programs::Vertical::Igaming,
        currency: "EUR".into(),
        timezone: "UTC".into(),
    };
    let program = ws.ensure_program(&spec, NOW).unwrap();
    ws.store()
        .write::<_, affops_core::store::StoreError>(|tx| {
            tx.execute(
                "INSERT INTO sources (id, program_id, name, kind, created_at_ms) VALUES (1, ?1, 'ef', 'everflow', 0)",
                [program],
            )?;
            // 1 and 2 are masters; 3 is a sub-affiliate of 1.
            for (id, parent) in [(1, None), (2, None), (3, Some(1))] {
                tx.execute(
                    "INSERT INTO affiliates (id, program_id, external_id, name, parent_id, created_at_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, 0)",
                    params![id, program, id.to_string(), format!("Affiliate {id}"), parent],
                )?;
            }
            Ok(())
        })
        .unwrap();
    Fx {
        _dir: dir,
        ws,
        program,
    }
}

pub(crate) fn day(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .date_naive()
        .to_string()
}

impl Fx {
    pub(crate) fn sql(&self, sql: &str, p: &[&dyn rusqlite::ToSql]) {
        self.ws
            .store()
            .write::<_, affops_core::store::StoreError>(|tx| Ok(tx.execute(sql, p)?))
            .unwrap();
    }

    pub(crate) fn click(&self, click_id: &str, affiliate: i64, at: i64, ip: &str) {
        let (program, click_id, ip, d) =
            (self.program, click_id.to_owned(), ip.to_owned(), day(at));
        self.ws.store().write::<_, affops_core::store::StoreError>(|tx| {
            Ok(tx.execute(
                "INSERT INTO clicks (program_id, click_id, affiliate_id, clicked_at_ms, day, ip, user_agent)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'UA')",
                params![program, click_id, affiliate, at, d, ip],
            )?)
        }).unwrap();
    }

    pub(crate) fn player(
        &self,
        ext: &str,
        at: i64,
        click: Option<&str>,
        btag: Option<&str>,
        promo: Option<&str>,
    ) -> i64 {
        let (program, d) = (self.program, day(at));
        self.ws.store().write::<_, affops_core::store::StoreError>(|tx| {
            tx.execute(
                "INSERT INTO players (program_id, external_id, currency, registered_at_ms, day, click_id, btag, promo_code, ip)
                 VALUES (?1, ?2, 'EUR', ?3, ?4, ?5, ?6, ?7, '10.0.0.1')",
                params![program, ext, at, d, click, btag, promo],
            )?;
            Ok(tx.last_insert_rowid())
        }).unwrap()
    }

    pub(crate) fn ftd(&self, player: i64, at: i64, micros: i64) {
        let (program, d) = (self.program, day(at));
        self.ws.store().write::<_, affops_core::store::StoreError>(|tx| {
            Ok(tx.execute(
                "INSERT INTO money_movements (program_id, external_id, player_id, kind, amount_micros, currency, occurred_at_ms, day, is_ftd)
                 VALUES (?1, ?2, ?3, 'deposit', ?4, 'EUR', ?5, ?6, 1)",
                params![program, format!("D{player}"), player, micros, at, d],
            )?)
        }).unwrap();
    }

    pub(crate) fn run(&self) -> affops_core::api::AttributionRunSummary {
        attribution::run(self.ws.store(), self.program, NOW).unwrap()
    }

    /// (affiliate external id, key kind, locked) of a player's decision; checks the players.affiliate_id contract.
    pub(crate) fn decision(&self, ext: &str) -> (Option<String>, Option<KeyKind>, bool) {
        self.ws.store().read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.query_row(
                "SELECT af.external_id, pa.key_kind, pa.locked_at_ms IS NOT NULL, p.affiliate_id IS pa.affiliate_id
                   FROM players p JOIN player_attribution pa ON pa.player_id = p.id
                   LEFT JOIN affiliates af ON af.id = pa.affiliate_id WHERE p.external_id = ?1",
                [ext],
                |r| {
                    assert!(r.get::<_, bool>(3)?, "players.affiliate_id equals the decision");
                    let kind: Option<String> = r.get(1)?;
                    Ok((r.get(0)?, kind.and_then(|k| KeyKind::parse(&k)), r.get(2)?))
                },
            )?)
        }).unwrap()
    }

    pub(crate) fn set_promo(&self, code: &str, affiliate: &str, to: Option<&str>) {
        self.ws
            .store()
            .write(|tx| {
                promo::set(tx, self.program, code, affiliate, None, to, NOW)
                    .map_err(|e| affops_core::store::StoreError::Invalid(e.to_string()))
            })
            .unwrap();
    }
}

#[test]
fn run_is_idempotent_and_keeps_the_affiliate_column_equal_to_the_decision() {
    let fx = fixture();
    fx.click("c1", 1, REG - HOUR, "");
    fx.player("P1", REG, Some("c1"), None, None);
    fx.player("P2", REG, None, None, None);
    let first = fx.run();
    assert_eq!(
        (
            first.examined,
            first.changed,
            first.attributed,
            first.organic
        ),
        (2, 2, 1, 1)
    );
    let decided_at = |fx: &Fx| -> Vec<i64> {
        fx.ws
            .store()
            .read::<_, affops_core::store::StoreError>(|c| {
                Ok(
                    c.prepare("SELECT decided_at_ms FROM player_attribution ORDER BY player_id")?
                        .query_map([], |r| r.get(0))?
                        .collect::<Result<_, _>>()?,
                )
            })
            .unwrap()
    };
    let before = decided_at(&fx);
    let second = attribution::run(fx.ws.store(), fx.program, NOW + DAY).unwrap();
    assert_eq!(second.changed, 0, "a repeated run writes nothing");
    assert_eq!(decided_at(&fx), before, "and keeps decided_at");
    assert_eq!(
        fx.decision("P1"),
        (Some("1".into()), Some(KeyKind::ClickId), false)
    );
    assert_eq!(fx.decision("P2"), (None, None, false));
    // Ingest filling players.affiliate_id behind the engine's back is put right by the next run.
    fx.sql(
        "UPDATE players SET affiliate_id = 2 WHERE external_id = 'P2'",
        &[],
    );
    fx.run();
    assert_eq!(fx.decision("P2").0, None);
}

#[test]
fn a_late_click_attributes_an_organic_player_until_the_ftd_locks_it() {
    let fx = fixture();
    let p = fx.player("P1", REG, Some("late"), None, None);
    fx.run();
    assert_eq!(
        fx.decision("P1").0,
        None,
        "the tracker has not reported the click yet"
    );
    fx.click("late", 2, REG - HOUR, "");
    assert_eq!(fx.run().changed, 1);
    assert_eq!(
        fx.decision("P1"),
        (Some("2".into()), Some(KeyKind::ClickId), false)
    );
    fx.ftd(p, REG + HOUR, 50_000_000);
    let locked = fx.run();
    assert_eq!(locked.locked, 1);
    assert_eq!(
        fx.decision("P1"),
        (Some("2".into()), Some(KeyKind::ClickId), true)
    );
    // No re-attribution after the FTD: a data change (the operator re-points the click, a promo code appears)
    // and even a stray write to players.affiliate_id do not move the player.
    fx.click("other", 1, REG - HOUR, "");
    fx.set_promo("SPIN-A1", "1", None);
    fx.sql("UPDATE players SET click_id = 'other', promo_code = 'SPIN-A1', affiliate_id = 1 WHERE external_id = 'P1'", &[]);
    let after = fx.run();
    assert_eq!(after.examined, 0, "locked players are not re-read");
    assert_eq!(
        fx.decision("P1"),
        (Some("2".into()), Some(KeyKind::ClickId), true)
    );
}

#[test]
fn the_first_referrer_is_kept_when_later_data_names_another_affiliate() {
    let fx = fixture();
    fx.set_promo("spin-a1", "1", None);
    fx.player("P1", REG, None, None, Some(" Spin-A1 "));
    fx.run();
    assert_eq!(
        fx.decision("P1"),
        (Some("1".into()), Some(KeyKind::PromoCode), false)
    );
    fx.click("c2", 2, REG - HOUR, "");
    fx.sql(
        "UPDATE players SET click_id = 'c2' WHERE external_id = 'P1'",
        &[],
    );
    fx.run();
    assert_eq!(
        fx.decision("P1"),
        (Some("1".into()), Some(KeyKind::PromoCode), false)
    );
    let e = fx
        .ws
        .store()
        .read(|c| {
            explain::player(c, fx.program, "P1")
                .map_err(|e| affops_core::store::StoreError::Invalid(e.to_string()))
        })
        .unwrap();
    assert!(e.explanation.first_referrer_kept);
    assert!(
        e.text
            .contains("✗ click c2 → affiliate 2 rejected: first referrer kept (affiliate 1)"),
        "{}",
        e.text
    );
}

#[test]
fn rule_versions_are_effective_dated_validated_and_audited() {
    let fx = fixture();
    fx.set_promo("SPIN-A2", "2", None);
    fx.click("c1", 1, REG - HOUR, "");
    fx.click("c3", 1, REG + 5 * DAY - HOUR, "");
    fx.player("EARLY", REG, Some("c1"), None, Some("SPIN-A2"));
    fx.player("LATE", REG + 5 * DAY, Some("c3"), None, Some("SPIN-A2"));
    fx.run();
    assert_eq!(
        fx.decision("EARLY").0.as_deref(),
        Some("1"),
        "default: click wins"
    );
    assert_eq!(fx.decision("LATE").0.as_deref(), Some("1"));

    let mut body = serde_json::to_value(attribution::rules::default_rules()).unwrap();
    body["priority"] = "promo_wins".into();
    body["keep_first_referrer"] = false.into();
    let rules: affops_core::api::AttributionRules = serde_json::from_value(body).unwrap();
    let ann = affops_core::audit::Stamp::tool("ann", "save_attribution_rules", NOW);
    let bad = versions::save_rules(fx.ws.store(), fx.program, "2026-13-01", &rules, &ann).unwrap();
    assert!(bad.saved.is_none());
    assert_eq!(bad.errors[0].field, "effective_from");
    let from = day(REG + 3 * DAY);
    let ok = versions::save_rules(fx.ws.store(), fx.program, &from, &rules, &ann).unwrap();
    let saved = ok.saved.expect("stored");
    assert!(ok.errors.is_empty());
    fx.run();
    assert_eq!(
        fx.decision("EARLY").0.as_deref(),
        Some("1"),
        "registered before the version: default rules"
    );
    assert_eq!(
        fx.decision("LATE").0.as_deref(),
        Some("2"),
        "registered after: promo wins"
    );
    let view = fx
        .ws
        .store()
        .read(|c| versions::view(c, fx.program))
        .unwrap();
    assert_eq!(view.current.id, saved.id);
    assert_eq!(view.current.created_by, "ann");
    let audit: (String, String, String) = fx.ws.store().read::<_, affops_core::store::StoreError>(|c| Ok(c.query_row(
        "SELECT actor, entity_id, detail FROM audit_log WHERE action = 'save_attribution_rules'", [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?)).unwrap();
    assert_eq!(
        (audit.0.as_str(), audit.1.clone()),
        ("ann", saved.id.unwrap().to_string())
    );
    assert!(audit.2.contains("promo_wins"), "{}", audit.2);
}

#[test]
fn explain_reports_a_missing_player_or_decision_by_name() {
    let fx = fixture();
    fx.player("P1", REG, None, Some("a999-b1"), None);
    let err = |ext: &str| {
        fx.ws
            .store()
            .read::<_, affops_core::store::StoreError>(|c| {
                Ok(explain::player(c, fx.program, ext).unwrap_err().to_string())
            })
            .unwrap()
    };
    assert!(err("P1").contains("has no attribution decision yet"));
    assert!(err("NOPE").contains("no player NOPE"));
    fx.run();
    let e = fx
        .ws
        .store()
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(explain::player(c, fx.program, "P1").unwrap())
        })
        .unwrap();
    assert!(
        e.text
            .contains("✗ btag a999-b1 rejected: unknown affiliate 999"),
        "{}",
        e.text
    );
}
