//! Disputes through the front door on the demo: a case opened from a reconciliation row is worked to accepted with
//! an adjustment that the next open statement shows (October is closed, so it lands in November, and the case said
//! so before); another is rejected; illegal moves name the allowed ones; the evidence pack verifies with
//! `sha256sum -c`; the SLA counts business days; overdue cases are found; every step is audited.

use crate::front_door::{demo_workspace, signed_in_as};
use affops_core::api::*;
use affops_core::ops::{self, Ctx};
use affops_core::workspace::Workspace;
use std::process::Command;

/// 2026-12-04 12:00 UTC (a Friday).
const NOW: i64 = 1_796_385_600_000;
const DAY: i64 = 86_400_000;

/// Reconciles October, checking what its progress bar hears: each step once, in order, and the matching's
/// count of FTDs out of the month's operator FTDs.
fn reconcile(ana: &Ctx) -> ReconReport {
    let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Progress>::new()));
    let h = heard.clone();
    let report = ops::reconcile::reconcile_period(
        ana,
        ReconQuery {
            period: "2026-10".into(),
            ..Default::default()
        },
        std::sync::Arc::new(move |p| h.lock().unwrap().push(p)),
    )
    .unwrap();
    let heard = heard.lock().unwrap();
    let mut steps: Vec<(&str, u32, u32)> = heard
        .iter()
        .map(|p| (p.step.as_str(), p.steps_done, p.steps_total))
        .collect();
    steps.dedup();
    assert_eq!(
        steps,
        [
            ("reading", 0, 6),
            ("matching", 1, 6),
            ("unmatched", 2, 6),
            ("timezones", 3, 6),
            ("storing", 4, 6),
            ("report", 5, 6)
        ]
    );
    let ftds: u32 = report.totals.iter().map(|t| t.operator_ftds).sum();
    let matching: Vec<&Progress> = heard.iter().filter(|p| p.step == "matching").collect();
    assert!(ftds > 0);
    assert!(matching
        .iter()
        .all(|p| p.total == Some(ftds) && p.done < ftds));
    assert!(matching.windows(2).all(|w| w[0].done < w[1].done));
    report
}

fn open_from(cx: &Ctx, from: OpenedFrom, reference: &str) -> Result<DisputeView, ApiError> {
    ops::disputes::dispute_open(
        cx,
        DisputeOpenRequest {
            from,
            reference: reference.into(),
            ..Default::default()
        },
    )
}

fn mv(cx: &Ctx, case_id: i64, to: &str, reason: &str) -> Result<DisputeView, ApiError> {
    ops::disputes::dispute_move(
        cx,
        DisputeMoveRequest {
            case_id,
            to: to.into(),
            reason: reason.into(),
        },
    )
}

fn resolve(
    cx: &Ctx,
    case_id: i64,
    decision: &str,
    amount: &str,
    reason: &str,
) -> Result<DisputeView, ApiError> {
    ops::disputes::dispute_resolve(
        cx,
        DisputeResolveRequest {
            case_id,
            decision: decision.into(),
            amount: amount.into(),
            reason: reason.into(),
            reattribute: false,
        },
    )
}

fn count(ws: &Workspace, sql: &str) -> i64 {
    ws.store()
        .read::<_, affops_core::store::StoreError>(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
        .unwrap()
}

#[test]
fn a_missing_postback_claim_worked_to_an_adjustment_on_the_next_statement() {
    let (_d, ws) = demo_workspace(NOW);
    let (ana, vera, fiona) = (
        signed_in_as(&ws, "ana", NOW),
        signed_in_as(&ws, "vera", NOW),
        signed_in_as(&ws, "fiona", NOW),
    );
    let report = reconcile(&ana);
    let row = report
        .rows
        .iter()
        .find(|r| r.reason == "missing_postback")
        .expect("the demo plants a missing postback");

    // A viewer may read cases, never open one.
    assert_eq!(
        open_from(&vera, OpenedFrom::Discrepancy, &row.id.to_string())
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    let case = open_from(&ana, OpenedFrom::Discrepancy, &row.id.to_string()).unwrap();
    let id = case.case.id;
    assert_eq!(
        (case.case.state.as_str(), case.case.affiliate_id.as_str()),
        ("open", row.affiliate_id.as_str())
    );
    assert_eq!(case.case.amount_claimed, row.impact.trim_start_matches('-'));
    assert_eq!(case.case.period, "2026-10");
    assert!(case
        .subjects
        .iter()
        .any(|s| s == &format!("discrepancy:{}", row.id)));
    assert_eq!(
        case.allowed,
        [
            "investigating",
            "awaiting_operator",
            "accepted",
            "partly_accepted",
            "rejected"
        ]
    );
    let again = open_from(&ana, OpenedFrom::Discrepancy, &row.id.to_string()).unwrap_err();
    assert!(
        again.message.contains("already has dispute case"),
        "{}",
        again.message
    );

    // Evidence assembled by itself: the operator's player and deposit, the reconciliation row, raw records whose
    // hashes are the store's own.
    let kinds: Vec<&str> = case.evidence.iter().map(|e| e.kind.as_str()).collect();
    for k in ["player", "deposit", "discrepancy", "attribution", "raw"] {
        assert!(kinds.contains(&k), "evidence has {k}: {kinds:?}");
    }
    for raw in case.evidence.iter().filter(|e| e.kind == "raw") {
        assert_eq!(
            count(
                &ws,
                &format!(
                    "SELECT COUNT(*) FROM raw_records WHERE sha256 = '{}'",
                    raw.sha256
                )
            ),
            1,
            "{}",
            raw.title
        );
    }

    // Owner, comment, attachment; the owner must be someone who works disputes.
    let e = ops::disputes::dispute_assign(
        &ana,
        DisputeAssignRequest {
            case_id: id,
            owner: "vera".into(),
        },
    )
    .unwrap_err();
    assert!(
        e.message.contains("vera may not work disputes"),
        "{}",
        e.message
    );
    let v = ops::disputes::dispute_assign(
        &ana,
        DisputeAssignRequest {
            case_id: id,
            owner: "ana".into(),
        },
    )
    .unwrap();
    assert_eq!(v.case.owner, "ana");
    ops::disputes::dispute_comment(
        &ana,
        DisputeNoteRequest {
            case_id: id,
            text: "Operator confirms the FTD; checking the postback log.".into(),
            path: String::new(),
        },
    )
    .unwrap();
    let files = tempfile::tempdir().unwrap();
    let note = files.path().join("affiliate-email.txt");
    std::fs::write(
        &note,
        "Hi, player P000073 deposited on Oct 3 and we were not paid.",
    )
    .unwrap();
    let v = ops::disputes::dispute_attach(
        &ana,
        DisputeNoteRequest {
            case_id: id,
            text: String::new(),
            path: note.display().to_string(),
        },
    )
    .unwrap();
    assert_eq!(v.attachments.len(), 1);
    assert_eq!(
        v.attachments[0].sha256,
        affops_core::commission::statement::sha256_hex(&std::fs::read(&note).unwrap())
    );
    let big = files.path().join("big.bin");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(21 << 20)
        .unwrap();
    let e = ops::disputes::dispute_attach(
        &ana,
        DisputeNoteRequest {
            case_id: id,
            text: String::new(),
            path: big.display().to_string(),
        },
    )
    .unwrap_err();
    assert!(e.message.contains("up to 20 MiB"), "{}", e.message);
    assert_eq!(
        count(
            &ws,
            &format!("SELECT COUNT(*) FROM dispute_attachments WHERE case_id = {id}")
        ),
        1
    );

    // The state machine: illegal moves name the allowed ones, decisions are resolutions with a reason.
    mv(&ana, id, "awaiting_operator", "").unwrap();
    let e = mv(&ana, id, "open", "").unwrap_err();
    assert!(
        e.message.contains(
            "awaiting_operator: it may move to investigating, accepted, partly_accepted, rejected"
        ),
        "{}",
        e.message
    );
    assert!(mv(&ana, id, "accepted", "")
        .unwrap_err()
        .message
        .contains("resolve"));
    assert!(resolve(&ana, id, "accepted", "", " ")
        .unwrap_err()
        .message
        .starts_with("Reason"));
    assert!(mv(&ana, id, "reopen", "x")
        .unwrap_err()
        .message
        .contains("only a resolved case reopens"));

    // October is closed before the decision: the adjustment lands in November, and the case says so first.
    ops::commission::close_period(&fiona, "2026-10".into()).unwrap();
    let v = ops::disputes::dispute_show(&ana, id).unwrap();
    assert_eq!(v.adjustment_period, "2026-11");
    let entries = count(&ws, "SELECT COUNT(*) FROM ledger_entries");
    let v = resolve(
        &ana,
        id,
        "accepted",
        "",
        "The operator's FTD D000060 is genuine; the postback was lost.",
    )
    .unwrap();
    assert_eq!(v.case.state, "accepted");
    assert_eq!(v.case.granted, v.case.amount_claimed);
    assert_eq!(v.outcomes[0].booked_period, "2026-11");
    assert_eq!(
        count(&ws, "SELECT COUNT(*) FROM ledger_entries"),
        entries + 1,
        "one new entry, nothing edited"
    );
    let nov = ops::commission::statement(
        &vera,
        StatementRequest {
            affiliate: row.affiliate_id.clone(),
            period: "2026-11".into(),
        },
    )
    .unwrap();
    let line = nov
        .lines
        .iter()
        .find(|l| l.label == "Dispute adjustment")
        .expect("the adjustment is on the November statement");
    assert_eq!(line.amount, v.case.granted);
    assert!(line.rule.contains(&format!("dispute case #{id}")));
    assert_eq!(line.status, "pending", "finance approves it like any line");
    // Computing November again leaves the decision's line as it is (the engine never computes it).
    ops::commission::compute_period(&fiona, "2026-11".into()).unwrap();
    let nov = ops::commission::statement(
        &vera,
        StatementRequest {
            affiliate: row.affiliate_id.clone(),
            period: "2026-11".into(),
        },
    )
    .unwrap();
    assert_eq!(
        nov.lines
            .iter()
            .find(|l| l.label == "Dispute adjustment")
            .map(|l| l.amount.as_str()),
        Some(v.case.granted.as_str())
    );

    // Reopened and partly accepted: the difference is booked, again as a new entry.
    assert!(mv(&ana, id, "reopen", " ")
        .unwrap_err()
        .message
        .starts_with("Reason"));
    mv(
        &ana,
        id,
        "reopen",
        "The operator now says half the deposit was charged back.",
    )
    .unwrap();
    let claimed = v.case.amount_claimed.clone();
    assert!(resolve(&ana, id, "partly_accepted", &claimed, "x")
        .unwrap_err()
        .message
        .contains("less than"));
    let v = resolve(
        &ana,
        id,
        "partly_accepted",
        "10",
        "Half charged back: 10.00 stands.",
    )
    .unwrap();
    assert_eq!(v.case.granted, "10.00");
    let nov = ops::commission::statement(
        &vera,
        StatementRequest {
            affiliate: row.affiliate_id.clone(),
            period: "2026-11".into(),
        },
    )
    .unwrap();
    assert_eq!(
        nov.lines
            .iter()
            .find(|l| l.label == "Dispute adjustment")
            .unwrap()
            .amount,
        "10.00"
    );

    // The evidence pack verifies with standard tools; its hash is recorded on the case.
    let out = files.path().join("pack");
    let pack = ops::disputes::dispute_evidence(
        &ana,
        DisputeEvidenceRequest {
            case_id: id,
            dir: out.display().to_string(),
        },
    )
    .unwrap();
    assert!(pack.items > 5);
    let zip = pack.files.iter().find(|f| f.ends_with(".zip")).unwrap();
    assert_eq!(
        pack.sha256,
        affops_core::commission::statement::sha256_hex(&std::fs::read(zip).unwrap())
    );
    let unzipped = files.path().join("unzipped");
    let st = Command::new("unzip")
        .arg("-q")
        .arg(zip)
        .arg("-d")
        .arg(&unzipped)
        .status()
        .expect("unzip (Debian package unzip, installed by .ci/setup)");
    assert!(st.success());
    let check = Command::new("sha256sum")
        .args(["-c", "--strict", "manifest.sha256"])
        .current_dir(&unzipped)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let listed = String::from_utf8_lossy(&check.stdout)
        .lines()
        .filter(|l| l.ends_with(": OK"))
        .count();
    assert_eq!(
        listed as u32,
        pack.items + 3,
        "every item plus the case, the HTML and the PDF"
    );
    let v = ops::disputes::dispute_show(&vera, id).unwrap();
    assert_eq!(v.packs[0].sha256, pack.sha256);

    // The outcome statement for the affiliate.
    let outcome = ops::disputes::dispute_outcome_statement(
        &vera,
        DisputeEvidenceRequest {
            case_id: id,
            dir: out.display().to_string(),
        },
    )
    .unwrap();
    let html =
        std::fs::read_to_string(outcome.files.iter().find(|f| f.ends_with(".html")).unwrap())
            .unwrap();
    assert!(
        html.contains("partly accepted")
            && html.contains("Half charged back")
            && html.contains("2026-11"),
        "{html}"
    );

    // The timeline and the audit log hold every step, under the person.
    let events: Vec<&str> = v.events.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(
        events,
        [
            "opened", "assigned", "comment", "attached", "moved", "resolved", "reopened",
            "resolved", "evidence"
        ]
    );
    assert!(ops::audit::audit_verify(&vera).unwrap().broken.is_none());
    assert_eq!(
        count(
            &ws,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'dispute_resolve' AND actor = 'ana'"
        ),
        2
    );
}

#[test]
fn rejected_by_hand_sla_in_business_days_and_overdue_cases() {
    let (_d, ws) = demo_workspace(NOW);
    let (ana, olivia, fiona) = (
        signed_in_as(&ws, "ana", NOW),
        signed_in_as(&ws, "olivia", NOW),
        signed_in_as(&ws, "fiona", NOW),
    );
    let sla = DisputeSla {
        days: 10,
        business_days: true,
    };
    assert_eq!(
        ops::disputes::set_dispute_sla(&fiona, sla.clone())
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    assert!(ops::disputes::set_dispute_sla(
        &olivia,
        DisputeSla {
            days: 0,
            business_days: false
        }
    )
    .unwrap_err()
    .message
    .starts_with("Days"));
    ops::disputes::set_dispute_sla(&olivia, sla).unwrap();

    // By hand: the affiliate and a title are required.
    let e = ops::disputes::dispute_open(
        &ana,
        DisputeOpenRequest {
            title: "March is short".into(),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(e.message.starts_with("Affiliate"), "{}", e.message);
    let manual = ops::disputes::dispute_open(
        &ana,
        DisputeOpenRequest {
            affiliate: "2".into(),
            period: "2026-10".into(),
            title: "October is short by 400 EUR".into(),
            amount: "400".into(),
            ..Default::default()
        },
    )
    .unwrap();
    // Friday 2026-12-04 + 10 business days: Friday 2026-12-18, end of day (UTC programs).
    let due = chrono::DateTime::from_timestamp_millis(manual.case.due_at_ms).unwrap();
    assert_eq!(due.format("%Y-%m-%d %H:%M").to_string(), "2026-12-18 23:59");
    assert_eq!(manual.case.due, "on_time");
    let entries = count(&ws, "SELECT COUNT(*) FROM ledger_entries");
    let v = resolve(
        &ana,
        manual.case.id,
        "rejected",
        "",
        "Every October FTD of affiliate 2 is paid; see the statement.",
    )
    .unwrap();
    assert_eq!(
        (v.case.state.as_str(), v.case.granted.as_str()),
        ("rejected", "0.00")
    );
    assert_eq!(
        count(&ws, "SELECT COUNT(*) FROM ledger_entries"),
        entries,
        "a rejection posts nothing"
    );
    assert_eq!(v.allowed, ["reopen"]);

    // From a player and a conversion; unknown references are named.
    let e = open_from(&ana, OpenedFrom::Player, "NOPE").unwrap_err();
    assert!(e.message.starts_with("Affiliate"), "{}", e.message);
    let e = ops::disputes::dispute_open(
        &ana,
        DisputeOpenRequest {
            from: OpenedFrom::Player,
            reference: "NOPE".into(),
            affiliate: "3".into(),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(e.message.contains("no player 'NOPE'"), "{}", e.message);
    let player = ops::disputes::dispute_open(
        &ana,
        DisputeOpenRequest {
            from: OpenedFrom::Player,
            reference: "P000015".into(),
            affiliate: "3".into(),
            amount: "25".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(player.evidence.iter().any(|e| e.kind == "attribution"));
    assert!(player.evidence.iter().any(|e| e.kind == "qualification"));

    // A second player's claim accepted by re-attributing the player: an audited override shown in the player's
    // explanation, kept by later attribution runs; October (open, computed) is recomputed so commission follows.
    let before = ops::attribution::explain_player(&ana, "P000036".into()).unwrap();
    let was = before.explanation.affiliate.clone().unwrap();
    let to = if was == "5" { "6" } else { "5" };
    let claim = ops::disputes::dispute_open(
        &ana,
        DisputeOpenRequest {
            from: OpenedFrom::Player,
            reference: "P000036".into(),
            affiliate: to.into(),
            ..Default::default()
        },
    )
    .unwrap();
    let statement_of = |aff: &str| {
        ops::commission::statement(
            &ana,
            StatementRequest {
                affiliate: aff.into(),
                period: "2026-10".into(),
            },
        )
        .unwrap()
    };
    let names_player = |s: &Statement| {
        s.lines
            .iter()
            .any(|l| l.drilldown.iter().any(|d| d.subject == "P000036"))
    };
    assert!(names_player(&statement_of(&was)) && !names_player(&statement_of(to)));
    let entries = count(&ws, "SELECT COUNT(*) FROM ledger_entries");
    let v = ops::disputes::dispute_resolve(
        &ana,
        DisputeResolveRequest {
            case_id: claim.case.id,
            decision: "accepted".into(),
            amount: String::new(),
            reason:
                "The player's first click was the claimant's landing page (server logs attached)."
                    .into(),
            reattribute: true,
        },
    )
    .unwrap();
    assert_eq!(
        (v.case.state.as_str(), v.case.granted.as_str()),
        ("accepted", "0.00"),
        "no adjustment: commission follows the player"
    );
    let after = ops::attribution::explain_player(&ana, "P000036".into()).unwrap();
    assert_eq!(after.explanation.affiliate.as_deref(), Some(to));
    assert!(
        after
            .text
            .contains(&format!("overridden by dispute case #{}", claim.case.id)),
        "{}",
        after.text
    );
    assert!(
        count(&ws, "SELECT COUNT(*) FROM ledger_entries") > entries,
        "October recomputed: the lines moved"
    );
    assert!(names_player(&statement_of(to)) && !names_player(&statement_of(&was)));
    ops::attribution::run_attribution(&signed_in_as(&ws, "max", NOW)).unwrap();
    let again = ops::attribution::explain_player(&ana, "P000036".into()).unwrap();
    assert_eq!(
        again.explanation.affiliate.as_deref(),
        Some(to),
        "a later attribution run keeps the override"
    );
    assert_eq!(count(&ws, "SELECT COUNT(*) FROM attribution_overrides"), 1);

    // Thirty days on, the open cases are overdue; the resolved one is not.
    let later = signed_in_as(&ws, "ana", NOW + 30 * DAY);
    let page = ops::disputes::disputes_list(
        &later,
        DisputeFilter {
            overdue: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        page.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        [player.case.id]
    );
    assert_eq!((page.open, page.overdue), (1, 1));
    assert_eq!(page.sla, "10 business days");
    let all = ops::disputes::disputes_list(&later, DisputeFilter::default()).unwrap();
    assert_eq!(
        all.rows.len(),
        3,
        "manual (rejected), player (open), re-attribution (accepted)"
    );
    assert!(ops::disputes::disputes_list(
        &later,
        DisputeFilter {
            state: Some("closed".into()),
            ..Default::default()
        }
    )
    .unwrap_err()
    .message
    .starts_with("State"));

    // The raw records behind a conversion, as received, with its status history.
    let conv: String = ws
        .store()
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.query_row(
                "SELECT external_id FROM conversions WHERE raw_id IS NOT NULL ORDER BY id LIMIT 1",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let raw = ops::disputes::raw_record(
        &ana,
        RawRequest {
            kind: "conversion".into(),
            reference: conv.clone(),
        },
    )
    .unwrap();
    assert!(
        raw.iter().any(|i| i.kind == "conversion")
            && raw.iter().any(|i| i.kind == "raw")
            && raw.iter().any(|i| i.kind == "status_history"),
        "{raw:?}"
    );
    assert!(
        raw.iter()
            .any(|i| i.kind == "raw" && i.body.contains(&conv)),
        "the page it came in"
    );
}

/// The third leg: the sandbox writes an affiliate's claims file for the demo month with planted outcomes and an
/// answer key; imported (three bad rows quarantined with their reasons) and matched, every claim gets the key's
/// reason; every unmatched one becomes a case in one action, and only once.
#[test]
fn an_affiliates_claims_file_matched_three_ways_against_its_answer_key() {
    let (_d, ws) = demo_workspace(NOW);
    let ana = signed_in_as(&ws, "ana", NOW);
    let world = affops_sandbox::generate(&affops_sandbox::WorldConfig::demo_workspace(
        affops_sandbox::WorldConfig::demo().seed,
    ));
    let aff =
        affops_sandbox::claims_affiliate(&world, "2026-10").expect("a missing postback in October");
    let file = affops_sandbox::claims_file(&world, aff, "2026-10");
    let reasons: std::collections::BTreeSet<&str> = file.key.values().map(String::as_str).collect();
    for r in [
        "confirmed",
        "amount_mismatch",
        "missing_postback",
        "other_affiliate",
        "unknown",
        "no_deposit",
        "outside_window",
        "quarantined",
    ] {
        assert!(reasons.contains(r), "the file plants {r}: {:?}", file.key);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("claims.csv");
    std::fs::write(&path, &file.csv).unwrap();
    let mut columns: Vec<ColumnMap> = affops_core::import::fields_of(ImportPreset::Claims)
        .into_iter()
        .filter(|f| f != "affiliate_id")
        .map(|f| ColumnMap {
            column: f.clone(),
            field: f,
        })
        .collect();
    columns.push(ColumnMap {
        column: format!("@const:{aff}"),
        field: "affiliate_id".into(),
    });
    let rt = tokio::runtime::Runtime::new().unwrap();
    let run = rt
        .block_on(ops::imports::import_run(
            &ana,
            ImportRunRequest {
                path: path.display().to_string(),
                source: "claims".into(),
                mapping: ColumnMapping {
                    preset: ImportPreset::Claims,
                    columns,
                    ..Default::default()
                },
                chunk_rows: None,
                tx_rows: None,
            },
            std::sync::Arc::new(|_| {}),
        ))
        .unwrap();
    let planted_bad = file.key.values().filter(|r| *r == "quarantined").count() as i64;
    assert_eq!(
        run.rows_quarantined,
        planted_bad + 1,
        "the two bad rows and the repeated claim id"
    );
    let q = ops::imports::import_quarantine(
        &ana,
        QuarantineRequest {
            run_id: run.id,
            limit: 50,
            ..Default::default()
        },
    )
    .unwrap();
    let why: Vec<&str> = q.rows.iter().map(|r| r.reason.as_str()).collect();
    assert!(
        why.iter()
            .any(|w| w.contains("neither a player nor a click")),
        "{why:?}"
    );
    assert!(
        why.iter().any(|w| w.contains("already recorded")),
        "{why:?}"
    );

    let report = ops::disputes::claims_reconcile(
        &ana,
        ClaimsQuery {
            period: "2026-10".into(),
            affiliate: Some(aff.to_string()),
            reason: None,
        },
    )
    .unwrap();
    let mut wrong = Vec::new();
    for row in &report.rows {
        let expected = file.key.get(&row.claim).map(String::as_str).unwrap_or("?");
        if expected != row.reason {
            wrong.push(format!(
                "{} expected {expected}, got {} ({})",
                row.claim, row.reason, row.detail
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}\n{}", file.csv);
    let planted = file.key.values().filter(|r| *r != "quarantined").count();
    assert_eq!(report.rows.len(), planted, "every planted claim matched");
    assert!(
        report
            .rows
            .iter()
            .filter(|r| r.reason == "missing_postback")
            .all(|r| r.impact != "0.00"),
        "a missing postback is worth the usual CPA"
    );

    // One action opens a case per unmatched claim; again, none.
    let cases = ops::disputes::claims_open_cases(
        &ana,
        ClaimCasesRequest {
            period: "2026-10".into(),
            affiliate: Some(aff.to_string()),
            claims: vec![],
        },
    )
    .unwrap();
    let unmatched = report
        .rows
        .iter()
        .filter(|r| r.reason != "confirmed")
        .count();
    assert_eq!(cases.len(), unmatched);
    assert!(ops::disputes::claims_open_cases(
        &ana,
        ClaimCasesRequest {
            period: "2026-10".into(),
            affiliate: Some(aff.to_string()),
            claims: vec![]
        }
    )
    .unwrap()
    .is_empty());
    let confirmed = report
        .rows
        .iter()
        .find(|r| r.reason == "confirmed")
        .unwrap();
    let e = ops::disputes::claims_open_cases(
        &ana,
        ClaimCasesRequest {
            period: "2026-10".into(),
            affiliate: None,
            claims: vec![confirmed.id],
        },
    )
    .unwrap_err();
    assert!(e.message.contains("confirmed"), "{}", e.message);
    let case = ops::disputes::dispute_show(&ana, cases[0]).unwrap();
    assert_eq!(case.case.opened_from, "claim");
    assert!(case.subjects.iter().any(|s| s.starts_with("claim:")));
    let listed = ops::disputes::claims_report(
        &ana,
        ClaimsQuery {
            period: "2026-10".into(),
            affiliate: None,
            reason: Some("missing_postback".into()),
        },
    )
    .unwrap();
    assert!(listed
        .rows
        .iter()
        .all(|r| r.case_id.is_some() && r.reason == "missing_postback"));
}

/// A page of the program's cases as the list asks for it.
fn list(cx: &Ctx, f: DisputeFilter) -> Result<DisputesPage, ApiError> {
    ops::disputes::disputes_list(cx, f)
}

fn ids(page: &DisputesPage) -> Vec<i64> {
    page.rows.iter().map(|r| r.id).collect()
}

fn sorted(cx: &Ctx, key: &str, descending: bool) -> Vec<i64> {
    ids(&list(
        cx,
        DisputeFilter {
            sort: Some(key.into()),
            descending: Some(descending),
            ..Default::default()
        },
    )
    .unwrap())
}

/// Four cases opened by hand on the demo (an SLA of 10 calendar days), each on its own day and worked its own
/// way, so that every column orders them differently; their ids in the order they were opened.
fn four_cases(ws: &Workspace) -> [i64; 4] {
    ops::disputes::set_dispute_sla(
        &signed_in_as(ws, "olivia", NOW),
        DisputeSla {
            days: 10,
            business_days: false,
        },
    )
    .unwrap();
    let open = |at: i64, affiliate: &str, period: &str, title: &str, amount: &str| {
        ops::disputes::dispute_open(
            &signed_in_as(ws, "ana", at),
            DisputeOpenRequest {
                affiliate: affiliate.into(),
                period: period.into(),
                title: title.into(),
                amount: amount.into(),
                ..Default::default()
            },
        )
        .unwrap()
        .case
        .id
    };
    // Affiliates 4 Jackpot Junction, 2 Nordic Spin Reviews, 1 Slots Hub Media.
    let c1 = open(NOW - 3 * DAY, "4", "2026-09", "Zeta: missing FTD", "75");
    let c2 = open(NOW - DAY, "2", "2026-10", "alpha short by 400", "400");
    let c3 = open(NOW - 2 * DAY, "1", "2026-11", "Beta clicks lost", "9.5");
    let c4 = open(NOW, "2", "2026-08", "gamma duplicate", "120");
    let at = |h: i64| signed_in_as(ws, "ana", NOW + h * 3_600_000);
    let assign = |cx: &Ctx, case_id: i64| {
        ops::disputes::dispute_assign(
            cx,
            DisputeAssignRequest {
                case_id,
                owner: "ana".into(),
            },
        )
        .unwrap()
    };
    let (h1, h2) = (at(1), at(2));
    assign(&h1, c4);
    mv(&h1, c4, "investigating", "").unwrap();
    assign(&h2, c2);
    mv(&h2, c2, "awaiting_operator", "").unwrap();
    resolve(&at(3), c1, "accepted", "30", "Two FTDs were missed.").unwrap();
    [c1, c2, c3, c4]
}

#[test]
fn the_case_list_orders_by_every_column_in_the_query() {
    let (_d, ws) = demo_workspace(NOW);
    let [c1, c2, c3, c4] = four_cases(&ws);
    let ana = signed_in_as(&ws, "ana", NOW + 4 * 3_600_000);
    let all = list(&ana, DisputeFilter::default()).unwrap();
    let row = |id: i64| all.rows.iter().find(|r| r.id == id).unwrap();
    assert_eq!(
        [c1, c2, c3, c4].map(|c| (row(c).state.clone(), row(c).owner.clone())),
        [
            ("accepted".to_string(), String::new()),
            ("awaiting_operator".into(), "ana".into()),
            ("open".into(), String::new()),
            ("investigating".into(), "ana".into()),
        ]
    );
    assert_eq!(
        [c1, c2, c3, c4].map(|c| (row(c).amount_claimed.clone(), row(c).granted.clone())),
        [
            ("75.00".to_string(), "30.00".to_string()),
            ("400.00".into(), "0.00".into()),
            ("9.50".into(), "0.00".into()),
            ("120.00".into(), "0.00".into()),
        ]
    );
    // The default: working cases soonest due first, resolved ones last.
    assert_eq!(ids(&all), [c3, c2, c4, c1]);
    let cases: [(&str, [i64; 4]); 10] = [
        ("id", [c1, c2, c3, c4]),
        // Any case: "alpha" before "Beta" before "gamma" before "Zeta".
        ("title", [c2, c3, c4, c1]),
        // As a case moves: open, investigating, awaiting the operator, then the decisions.
        ("state", [c3, c4, c2, c1]),
        // By name: Jackpot Junction, Nordic Spin Reviews (twice: by case id), Slots Hub Media.
        ("affiliate", [c1, c2, c4, c3]),
        // Unowned first, then by name; ties by case id.
        ("owner", [c1, c3, c2, c4]),
        ("due", [c3, c2, c4, c1]),
        // By the micros: 9.50 < 75.00 < 120.00 < 400.00 (as text, "120.00" would come first).
        ("claimed", [c3, c1, c4, c2]),
        ("granted", [c2, c3, c4, c1]),
        ("period", [c4, c1, c2, c3]),
        ("updated", [c3, c4, c2, c1]),
    ];
    for (key, ascending) in cases {
        assert_eq!(sorted(&ana, key, false), ascending, "{key} ascending");
        // Descending reverses the key; ties stay by case id, oldest first.
        let mut descending = ascending;
        descending.reverse();
        match key {
            "affiliate" => descending = [c3, c2, c4, c1],
            "owner" => descending = [c2, c4, c1, c3],
            "granted" => descending = [c1, c2, c3, c4],
            _ => {}
        }
        assert_eq!(sorted(&ana, key, true), descending, "{key} descending");
    }
    // Without a direction: numbers and dates largest first, the rest A to Z.
    let default_dir = |key: &str| {
        ids(&list(
            &ana,
            DisputeFilter {
                sort: Some(key.into()),
                ..Default::default()
            },
        )
        .unwrap())
    };
    assert_eq!(default_dir("claimed"), [c2, c4, c1, c3]);
    assert_eq!(default_dir("title"), [c2, c3, c4, c1]);

    let e = list(
        &ana,
        DisputeFilter {
            sort: Some("amount".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert_eq!(
        e.message,
        "Sort: 'amount' is not a column (id, title, state, affiliate, owner, due, claimed, granted, period, updated)"
    );
}

#[test]
fn the_case_list_pages_searches_and_finds_overdue_cases_in_the_query() {
    let (_d, ws) = demo_workspace(NOW);
    let [c1, c2, c3, c4] = four_cases(&ws);
    let ana = signed_in_as(&ws, "ana", NOW + 4 * 3_600_000);
    let by_claimed = |offset: Option<u32>, limit: Option<u32>| {
        list(
            &ana,
            DisputeFilter {
                sort: Some("claimed".into()),
                descending: Some(false),
                offset,
                limit,
                ..Default::default()
            },
        )
    };

    // Pages: `limit` rows from `offset`, with the total; the pages put together are the whole order.
    let first = by_claimed(None, Some(3)).unwrap();
    assert_eq!(
        (ids(&first), first.total, first.offset),
        (vec![c3, c1, c4], 4, 0)
    );
    let second = by_claimed(Some(3), Some(3)).unwrap();
    assert_eq!(
        (ids(&second), second.total, second.offset),
        (vec![c2], 4, 3)
    );
    let counts = by_claimed(None, Some(0)).unwrap();
    assert_eq!((counts.rows.len(), counts.total, counts.open), (0, 4, 3));
    let e = by_claimed(Some(4), None).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert_eq!(
        e.message,
        "Offset: 4 is past the last of the 4 matching cases"
    );
    let e = by_claimed(None, Some(1001)).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert_eq!(
        e.message,
        "Limit: 1001 is more than a page holds (0 to 1000 cases)"
    );
    assert_eq!(by_claimed(None, Some(1000)).unwrap().rows.len(), 4);

    // The search: any case, in the title, the affiliate's name or id, the owner, the reason, the period, or the
    // case's number; `%` and `_` are themselves.
    let search = |text: &str| {
        let page = list(
            &ana,
            DisputeFilter {
                text: Some(text.into()),
                sort: Some("id".into()),
                descending: Some(false),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(page.total as usize, page.rows.len(), "{text}");
        ids(&page)
    };
    assert_eq!(search("ALPHA"), [c2]);
    assert_eq!(search("  jackpot "), [c1]);
    assert_eq!(search("Ana"), [c2, c4]);
    assert_eq!(search("2026-11"), [c3]);
    assert_eq!(search(&format!("#{c3}")), [c3]);
    assert_eq!(search("manual"), [c1, c2, c3, c4]);
    assert_eq!(search("%"), Vec::<i64>::new());
    assert_eq!(search("_"), Vec::<i64>::new());
    let page = list(
        &ana,
        DisputeFilter {
            text: Some("a".into()),
            state: Some("awaiting_operator".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!((ids(&page), page.total), (vec![c2], 1), "with the filters");

    // Overdue is the query's: the total counts every overdue case, not the page's.
    let due = |id: i64| {
        list(&ana, DisputeFilter::default())
            .unwrap()
            .rows
            .into_iter()
            .find(|r| r.id == id)
            .unwrap()
            .due_at_ms
    };
    let later = signed_in_as(&ws, "ana", due(c2) + 1);
    assert!(due(c3) < due(c2) && due(c2) < due(c4));
    let overdue = list(
        &later,
        DisputeFilter {
            overdue: true,
            limit: Some(1),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!((ids(&overdue), overdue.total), (vec![c3], 2));
    assert_eq!((overdue.open, overdue.overdue), (3, 2));
    assert!(overdue.rows.iter().all(|r| r.due == "overdue"));
    let next = list(
        &later,
        DisputeFilter {
            overdue: true,
            offset: Some(1),
            limit: Some(1),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!((ids(&next), next.total), (vec![c2], 2));

    // Whatever the filter: every affiliate with a case, its open and overdue ones (the dashboard's counts), and
    // the reasons and owners (the filter's choices).
    let counts: Vec<_> = overdue
        .affiliates
        .iter()
        .map(|a| {
            (
                a.affiliate_id.as_str(),
                a.affiliate_name.as_str(),
                a.cases,
                a.open,
                a.overdue,
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("4", "Jackpot Junction", 1, 0, 0),
            ("2", "Nordic Spin Reviews", 2, 2, 1),
            ("1", "Slots Hub Media", 1, 1, 1),
        ]
    );
    assert_eq!(overdue.reasons, ["manual"]);
    assert_eq!(overdue.owners, ["ana"]);
}
