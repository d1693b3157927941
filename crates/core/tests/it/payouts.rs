//! Payouts through the front door, on the demo workspace: the held-out flow end to end (compute → approve lines →
//! close → payee details, four-eyes → a run needing two approvers → one approval in the app, one by a signed file
//! from a second copy of the workspace → SEPA files valid against the XSD, the same bytes again → paid → a late
//! chargeback becomes a clawback on the next statement; a bank return is owed again), M5 (approval files crossing
//! copies: duplicates, edits, truncation, another workspace, a stale run, a non-finance key) and M7 (no ledger
//! entry in two live runs).

use crate::front_door::{demo_workspace, signed_in_as};
use affops_core::api::*;
use affops_core::ops::{self, Ctx};
use affops_core::payouts::approvals;
use affops_core::payouts::sepa::Version;
use affops_core::people::{secret, users};
use affops_core::workspace::Workspace;
use std::path::Path;

/// 2026-12-04 12:00 UTC: after the demo's October, past its lines' hold.
const NOW: i64 = 1_796_385_600_000;
const OCT: &str = "2026-10";

struct World {
    _dir: tempfile::TempDir,
    ws: Workspace,
}

impl World {
    fn as_(&self, name: &str) -> Ctx {
        signed_in_as(&self.ws, name, NOW)
    }
}

/// The demo workspace with its people, plus `frank`, a third finance person (so a run can need two approvers
/// besides its preparer); payee details are paid at once, and runs from 100 EUR need two approvers.
fn demo() -> World {
    let (dir, ws) = demo_workspace(NOW);
    let owner = signed_in_as(&ws, "olivia", NOW);
    ops::people::add_person(
        &owner,
        AddPersonRequest {
            name: "frank".into(),
            display_name: "Frank Finance".into(),
            roles: vec![Role::Finance],
            passphrase: "frank-demo-pass".into(),
        },
    )
    .unwrap();
    ops::people::save_workspace_settings(
        &owner,
        WorkspaceSettings {
            idle_lock_minutes: 15,
            two_approvals_from: "100".into(),
            payee_hold_days: 0,
        },
    )
    .unwrap();
    World { _dir: dir, ws }
}

fn lines(
    cx: &Ctx,
    affiliate: &str,
    approve: bool,
    reason: &str,
) -> Result<LinesDecision, ApiError> {
    ops::payouts::statement_lines(
        cx,
        StatementLinesRequest {
            affiliate: affiliate.into(),
            period: OCT.into(),
            line_key: None,
            approve,
            reason: reason.into(),
        },
    )
}

fn sepa(holder: &str, iban: &str) -> RawPayeeDetails {
    RawPayeeDetails::Sepa {
        holder: holder.into(),
        iban: iban.into(),
        bic: None,
    }
}

fn propose(cx: &Ctx, affiliate: &str, details: RawPayeeDetails) -> Result<PayeesPage, ApiError> {
    ops::payouts::propose_payee(
        cx,
        ProposePayeeRequest {
            affiliate: affiliate.into(),
            details,
            currency: "EUR".into(),
            note: String::new(),
        },
    )
}

fn review(cx: &Ctx, version_id: i64, approve: bool) -> Result<PayeesPage, ApiError> {
    ops::payouts::review_payee(
        cx,
        ReviewPayeeRequest {
            version_id,
            approve,
            reason: if approve {
                String::new()
            } else {
                "wrong holder".into()
            },
        },
    )
}

fn prepare(cx: &Ctx) -> Result<PayoutRunView, ApiError> {
    ops::payouts::prepare_payout_run(
        cx,
        PrepareRunRequest {
            period: OCT.into(),
            execution_date: "2026-12-09".into(),
        },
    )
}

fn approve(cx: &Ctx, run_id: i64, passphrase: &str) -> Result<ApprovalOutcome, ApiError> {
    ops::payouts::approve_payout_run(
        cx,
        ApproveRunRequest {
            run_id,
            passphrase: passphrase.into(),
        },
    )
}

fn statement(cx: &Ctx, affiliate: &str, period: &str) -> Statement {
    ops::commission::statement(
        cx,
        StatementRequest {
            affiliate: affiliate.into(),
            period: period.into(),
        },
    )
    .unwrap()
}

fn count(ws: &Workspace, table: &str) -> i64 {
    ws.store()
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
        })
        .unwrap()
}

/// Approved lines and approved SEPA details for affiliates 1-3, October closed, the paying account set: what a
/// run needs.
fn ready_to_pay(w: &World) {
    let fiona = w.as_("fiona");
    let felix = w.as_("felix");
    for a in ["1", "2", "3"] {
        let d = lines(&fiona, a, true, "").unwrap();
        assert!(d.entries_changed > 0, "affiliate {a}: {d:?}");
    }
    ops::commission::close_period(&fiona, OCT.into()).unwrap();
    let ibans = [
        "DE89370400440532013000",
        "FR1420041010050500013M02606",
        "NL91ABNA0417164300",
    ];
    for (a, iban) in ["1", "2", "3"].iter().zip(ibans) {
        let page = propose(&fiona, a, sepa(&format!("Affiliate {a} Ltd"), iban)).unwrap();
        let v = page
            .versions
            .iter()
            .find(|v| v.affiliate_id == *a && v.status == "pending")
            .unwrap()
            .id;
        review(&felix, v, true).unwrap();
    }
    ops::payouts::set_payer(
        &fiona,
        PayerRequest {
            name: "Demo Casino Ltd".into(),
            iban: "MT84MALT011000012345MTLCAST001S".into(),
            bic: "MALTMTMTXXX".into(),
        },
    )
    .unwrap();
}

/// A second copy of the workspace (another machine): a verified backup opened on its own.
fn copy_of(w: &World) -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let backup = w.as_("fiona");
    let b = ops::payouts::backup_workspace(
        &backup,
        dir.path().join("copy.sqlite").display().to_string(),
    )
    .unwrap();
    assert_eq!(b.integrity, "ok");
    let copy_dir = dir.path().join("copy");
    std::fs::create_dir_all(&copy_dir).unwrap();
    std::fs::copy(&b.path, copy_dir.join(affops_core::store::DB_FILE)).unwrap();
    let ws = Workspace::open(&copy_dir).unwrap();
    (dir, ws)
}

fn export_request(cx: &Ctx, run_id: i64, dir: &Path) -> String {
    ops::payouts::export_approval_request(
        cx,
        RunRequest {
            run_id,
            text: dir
                .join(format!("run-{run_id}.request.json"))
                .display()
                .to_string(),
        },
    )
    .unwrap()
}

fn sign(cx: &Ctx, request: &str, out: &Path, passphrase: &str) -> Result<String, ApiError> {
    ops::payouts::sign_approval_request(
        cx,
        SignApprovalRequest {
            path: request.into(),
            out: out.display().to_string(),
            passphrase: passphrase.into(),
        },
    )
}

/// The held-out flow, end to end through the front door.
#[test]
fn statement_to_payment_file_to_clawback() {
    let w = demo();
    let (fiona, felix, frank, vera) = (
        w.as_("fiona"),
        w.as_("felix"),
        w.as_("frank"),
        w.as_("vera"),
    );
    let files = tempfile::tempdir().unwrap();

    // Lines: a viewer may not approve; a rejection needs a reason and voids by a new entry.
    assert_eq!(
        lines(&vera, "1", true, "").unwrap_err().code,
        ErrorCode::Forbidden
    );
    let e = lines(&fiona, "4", false, " ").unwrap_err();
    assert!(e.message.contains("eason"), "{}", e.message);
    let entries = count(&w.ws, "ledger_entries");
    let rejected = lines(&fiona, "4", false, "incentivised traffic").unwrap();
    assert!(rejected.entries_changed > 0);
    assert!(
        count(&w.ws, "ledger_entries") > entries,
        "a void is a new entry"
    );
    assert!(statement(&fiona, "4", OCT)
        .lines
        .iter()
        .all(|l| l.status == "void"));
    ready_to_pay(&w);
    assert!(statement(&fiona, "1", OCT)
        .lines
        .iter()
        .all(|l| l.status == "approved"));

    // Payee details: the proposer cannot review their own; a bad IBAN names the field and writes nothing.
    let versions = count(&w.ws, "payee_versions");
    let e = propose(&fiona, "1", sepa("X", "DE89370400440532013001")).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.to_lowercase().contains("iban"), "{}", e.message);
    assert_eq!(count(&w.ws, "payee_versions"), versions);
    let page = propose(&fiona, "5", sepa("Five", "BE68539007547034")).unwrap();
    let mine = page
        .versions
        .iter()
        .find(|v| v.affiliate_id == "5")
        .unwrap()
        .id;
    let e = review(&fiona, mine, true).unwrap_err();
    assert!(e.message.contains("four-eyes"), "{}", e.message);

    // The run: prepared by frank; two approvers needed (over 100 EUR); the preparer may not approve.
    let run = prepare(&frank).unwrap();
    assert_eq!(run.status, "awaiting_approval");
    assert_eq!(run.approvals_required, 2);
    let paying: Vec<&PayoutItemView> = run.items.iter().filter(|i| i.state == "pay").collect();
    assert_eq!(paying.len(), 3, "{:?}", run.items);
    for i in &paying {
        assert!(i.payee_details_sha256.len() == 64 && !i.statements.is_empty());
        let s = statement(&fiona, &i.affiliate_id, OCT);
        assert_eq!(
            i.amount, s.payable,
            "affiliate {} is paid its statement",
            i.affiliate_id
        );
        assert!(i.statements.iter().any(|x| x.contains(&s.statement_hash)));
    }
    assert_eq!(
        approve(&frank, run.id, "frank-demo-pass")
            .unwrap_err()
            .message,
        format!(
            "four-eyes: frank prepared run {}, so someone else must approve it",
            run.id
        )
    );
    let e = approve(&fiona, run.id, "not-her-passphrase").unwrap_err();
    assert!(e.message.starts_with("Passphrase"), "{}", e.message);
    let first = approve(&fiona, run.id, "fiona-demo-pass").unwrap();
    assert!(first.applied && first.status == "awaiting_approval" && first.approvals == 1);
    let again = approve(&fiona, run.id, "fiona-demo-pass").unwrap();
    assert!(
        !again.applied && again.approvals == 1,
        "approving twice changes nothing"
    );
    let e = ops::payouts::export_payment_files(
        &frank,
        ExportFilesRequest {
            run_id: run.id,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        e.message.contains("approv"),
        "no file before approval: {}",
        e.message
    );

    // The second approval comes as a file from felix's copy of the workspace, signed offline there.
    let request = export_request(&frank, run.id, files.path());
    let (_copy_dir, copy) = copy_of(&w);
    let felix_there = signed_in_as(&copy, "felix", NOW);
    let signed = sign(
        &felix_there,
        &request,
        &files.path().join("felix.json"),
        "felix-demo-pass",
    )
    .unwrap();
    let o = ops::payouts::import_approval(&frank, signed.clone()).unwrap();
    assert!(
        o.applied && o.status == "approved" && o.approvals == 2,
        "{o:?}"
    );
    let o = ops::payouts::import_approval(&felix, signed).unwrap();
    assert!(
        !o.applied && o.status == "approved",
        "the same file again: one effect"
    );
    let shown = ops::payouts::payout_run(&vera, run.id).unwrap();
    let vias: Vec<(&str, &str)> = shown
        .approvals
        .iter()
        .map(|a| (a.approver.as_str(), a.via.as_str()))
        .collect();
    assert_eq!(vias, [("fiona", "app"), ("felix", "file")]);

    // Payment files: valid against the XSD, recorded with their hash, the same bytes when exported again.
    let export = |dir: &str| {
        ops::payouts::export_payment_files(
            &frank,
            ExportFilesRequest {
                run_id: run.id,
                sepa_format: SepaFormat::Pain00100109,
                dir: files.path().join(dir).display().to_string(),
            },
        )
        .unwrap()
    };
    let written = export("a");
    assert_eq!(written.len(), 1, "{written:?}");
    let xml = std::fs::read_to_string(&written[0].path).unwrap();
    assert_eq!(written[0].payments, 3);
    for i in &paying {
        assert!(
            xml.contains(&format!("statement {} {OCT}", i.affiliate_id)),
            "remittance of {}",
            i.affiliate_id
        );
    }
    if let Some(xsd) = crate::sepa_xsd::schema(Version::Pain00100109) {
        crate::sepa_xsd::xmllint(&xsd, files.path(), "run.xml", &xml).unwrap();
    }
    let again = export("b");
    assert_eq!(again[0].sha256, written[0].sha256);
    assert_eq!(std::fs::read(&again[0].path).unwrap(), xml.as_bytes());
    assert_eq!(
        ops::payouts::payout_run(&vera, run.id).unwrap().status,
        "exported"
    );

    // Paid: statements say so; nothing can be paid twice.
    let paid = ops::payouts::mark_payout_paid(
        &frank,
        MarkPaidRequest {
            run_id: run.id,
            bank_reference: "BANK-77".into(),
            paid_on: "2026-12-09".into(),
        },
    )
    .unwrap();
    assert_eq!(paid.status, "paid");
    assert!(statement(&vera, "1", OCT)
        .lines
        .iter()
        .all(|l| l.payout == format!("paid (run {})", run.id)));
    let e = prepare(&frank).unwrap_err();
    assert!(e.message.starts_with("nothing to pay"), "M7: {}", e.message);

    // A late chargeback of an October day (imported in November) lowers affiliate 1's October revenue share:
    // November's statement claws the difference back; October's paid lines are untouched.
    let october_before = statement(&vera, "1", OCT);
    w.ws.store()
        .write::<_, affops_core::store::StoreError>(|tx| {
            let (player, day): (i64, String) = tx.query_row(
                "SELECT a.player_id, a.day FROM player_activity_daily a JOIN players p ON p.id = a.player_id
                 JOIN affiliates f ON f.id = p.affiliate_id
                 WHERE f.external_id = '1' AND a.day LIKE '2026-10-%' ORDER BY a.bets_micros - a.wins_micros DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            tx.execute(
                "UPDATE player_activity_daily SET chargebacks_micros = chargebacks_micros + 200000000 WHERE player_id = ?1 AND day = ?2",
                rusqlite::params![player, day],
            )?;
            Ok(())
        })
        .unwrap();
    let nov = ops::commission::compute_period(&fiona, "2026-11".into()).unwrap();
    assert!(nov.late_corrections > 0, "{nov:?}");
    let s = statement(&vera, "1", "2026-11");
    let claw = s
        .lines
        .iter()
        .find(|l| l.label == "Clawback of Revenue share")
        .unwrap_or_else(|| panic!("no clawback line: {:?}", s.lines));
    assert_eq!(claw.origin_period, OCT);
    assert!(claw.amount_micros.starts_with('-'), "{claw:?}");
    assert_eq!(
        statement(&vera, "1", OCT),
        october_before,
        "a paid statement is never edited"
    );

    // A payment that came back is owed again, as a new entry in the next open period.
    let r = ops::payouts::record_bank_return(
        &frank,
        BankReturnRequest {
            run_id: run.id,
            affiliate: "2".into(),
            outcome: BankOutcome::Returned,
            reason: "AC04 account closed".into(),
        },
    )
    .unwrap();
    assert_eq!(
        r.items
            .iter()
            .find(|i| i.affiliate_id == "2")
            .unwrap()
            .outcome,
        "returned"
    );
    // Computing November again leaves the returned payment owed (the engine never computes that line).
    ops::commission::compute_period(&fiona, "2026-11".into()).unwrap();
    let back = statement(&vera, "2", "2026-11");
    let line = back
        .lines
        .iter()
        .find(|l| l.line_key == "returned_payment")
        .expect("a returned payment survives the next computation");
    assert_eq!(
        line.amount,
        paying
            .iter()
            .find(|i| i.affiliate_id == "2")
            .unwrap()
            .amount
    );
    let e = ops::payouts::record_bank_return(
        &frank,
        BankReturnRequest {
            run_id: run.id,
            affiliate: "9999".into(),
            outcome: BankOutcome::Failed,
            reason: "x".into(),
        },
    )
    .unwrap_err();
    assert!(
        e.message.contains("9999"),
        "an unknown payment is named: {}",
        e.message
    );

    // Every step is in the audit log under its person, and the chain holds.
    let report = ops::audit::audit_verify(&vera).unwrap();
    assert!(report.broken.is_none(), "{report:?}");
    let page = ops::audit::audit_list(
        &vera,
        AuditFilter {
            actor: Some("felix".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(page.rows.iter().any(|r| r.action == "review_payee"));
}

/// M5: approval files crossing two copies — edited, truncated, for another workspace, for a run that changed,
/// signed by a key that is not a finance person's — are refused naming why, and nothing is written.
#[test]
fn approval_files_are_refused_naming_why() {
    let w = demo();
    ready_to_pay(&w);
    let files = tempfile::tempdir().unwrap();
    let (frank, vera) = (w.as_("frank"), w.as_("vera"));
    let run = prepare(&frank).unwrap();
    let request = export_request(&frank, run.id, files.path());
    let (_copy_dir, copy) = copy_of(&w);
    let signed = sign(
        &signed_in_as(&copy, "felix", NOW),
        &request,
        &files.path().join("felix.json"),
        "felix-demo-pass",
    )
    .unwrap();
    let text = std::fs::read_to_string(&signed).unwrap();
    let before = count(&w.ws, "payout_run_approvals");
    let refused = |name: &str, body: &str| -> String {
        let p = files.path().join(name);
        std::fs::write(&p, body).unwrap();
        let e = ops::payouts::import_approval(&frank, p.display().to_string()).unwrap_err();
        assert_eq!(
            count(&w.ws, "payout_run_approvals"),
            before,
            "{name}: nothing written"
        );
        e.message
    };
    // Edited: an amount changed in the content.
    let paying = run.items.iter().find(|i| i.state == "pay").unwrap();
    let edited = text.replacen(
        &format!("\"amount\":\"{}\"", paying.amount),
        "\"amount\":\"99999.00\"",
        1,
    );
    assert_ne!(edited, text, "the amount is in the file");
    assert!(refused("edited.json", &edited).contains("was edited"));
    // Truncated.
    assert!(refused("cut.json", &text[..text.len() / 2]).contains("not a complete signed approval"));
    // Another workspace: the same run signed in a workspace created on its own.
    let other = signed_text_from_other_workspace(&w, run.id, files.path());
    assert!(refused("other.json", &other).contains("not this one"));
    // A non-finance key: vera's own key over the right content (she cannot sign in the app: forbidden).
    assert_eq!(
        sign(
            &signed_in_as(&copy, "vera", NOW),
            &request,
            &files.path().join("v.json"),
            "vera-demo-pass"
        )
        .unwrap_err()
        .code,
        ErrorCode::Forbidden
    );
    let vera_key =
        w.ws.store()
            .read::<_, affops_core::people::PeopleError>(|c| {
                let (p, _) = users::by_name(c, "vera")?.unwrap();
                Ok(users::current_key(c, p.id)?.unwrap())
            })
            .unwrap();
    let key = secret::unseal(&vera_key, "vera-demo-pass").unwrap();
    let ws_id =
        w.ws.store()
            .read(affops_core::people::settings::workspace_id)
            .unwrap();
    let forged = approvals::sign_request(
        approvals::parse_request(&std::fs::read_to_string(&request).unwrap()).unwrap(),
        &ws_id,
        "vera",
        &key,
        NOW,
    )
    .unwrap();
    let m = refused("vera.json", &serde_json::to_string(&forged).unwrap());
    assert!(m.contains("vera, who may not approve payouts"), "{m}");
    // A run that changed since it was signed: cancelled and prepared again, the old file no longer applies.
    ops::payouts::cancel_payout_run(
        &frank,
        RunRequest {
            run_id: run.id,
            text: "wrong execution date".into(),
        },
    )
    .unwrap();
    assert!(refused("stale.json", &text).contains("cancelled"));
    let again = prepare(&frank).unwrap();
    assert_ne!(again.id, run.id);
    assert_eq!(
        again.items.iter().filter(|i| i.state == "pay").count(),
        3,
        "a cancelled run's lines go in the next run"
    );
    assert_eq!(
        ops::payouts::payout_run(&vera, run.id).unwrap().status,
        "cancelled"
    );
}

/// M5: two copies taken before a run was prepared each prepare "run 1" differently; an approval of the copy's
/// run 1 is refused by the original because the run it signed is not this run.
#[test]
fn an_approval_of_a_different_run_with_the_same_number_is_refused() {
    let w = demo();
    ready_to_pay(&w);
    let files = tempfile::tempdir().unwrap();
    let (_d, copy) = copy_of(&w);
    let here = prepare(&w.as_("frank")).unwrap();
    let frank_there = signed_in_as(&copy, "frank", NOW);
    let there = ops::payouts::prepare_payout_run(
        &frank_there,
        PrepareRunRequest {
            period: OCT.into(),
            execution_date: "2026-12-10".into(),
        },
    )
    .unwrap();
    assert_eq!(here.id, there.id);
    assert_ne!(here.content_hash, there.content_hash);
    let request = export_request(&frank_there, there.id, files.path());
    let signed = sign(
        &signed_in_as(&copy, "felix", NOW),
        &request,
        &files.path().join("f.json"),
        "felix-demo-pass",
    )
    .unwrap();
    let e = ops::payouts::import_approval(&w.as_("frank"), signed).unwrap_err();
    assert!(
        e.message.contains("changed since it was signed"),
        "{}",
        e.message
    );
    assert_eq!(count(&w.ws, "payout_run_approvals"), 0);
}

/// A signed file for run `run_id` from an unrelated workspace (its own workspace id).
fn signed_text_from_other_workspace(w: &World, run_id: i64, dir: &Path) -> String {
    let request = std::fs::read_to_string(export_request(&w.as_("frank"), run_id, dir)).unwrap();
    let other = tempfile::tempdir().unwrap();
    let ows = Workspace::open(other.path()).unwrap();
    let other_id = ows
        .store()
        .read(affops_core::people::settings::workspace_id)
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&request).unwrap();
    // Re-hash the content with the other workspace's id, as that workspace would have made it.
    let content = v["content"].to_string();
    let ws_id =
        w.ws.store()
            .read(affops_core::people::settings::workspace_id)
            .unwrap();
    let content = content.replace(&ws_id, &other_id);
    v["content"] = serde_json::from_str(&content).unwrap();
    v["content_hash"] = affops_core::payouts::runs::content_hash(&content).into();
    let req = approvals::parse_request(&v.to_string()).unwrap();
    let key = secret::unseal(
        &w.ws
            .store()
            .read::<_, affops_core::people::PeopleError>(|c| {
                let (p, _) = users::by_name(c, "felix")?.unwrap();
                Ok(users::current_key(c, p.id)?.unwrap())
            })
            .unwrap(),
        "felix-demo-pass",
    )
    .unwrap();
    let signed = approvals::sign_request(req, &other_id, "felix", &key, NOW).unwrap();
    serde_json::to_string(&signed).unwrap()
}

/// Two copies each approve the same run through crossing files, in both orders and repeated: one approval per
/// approver, the same end state on both.
#[test]
fn crossing_files_end_in_one_effect_per_approver() {
    let w = demo();
    ready_to_pay(&w);
    let files = tempfile::tempdir().unwrap();
    let frank = w.as_("frank");
    let run = prepare(&frank).unwrap();
    let request = export_request(&frank, run.id, files.path());
    let (_d, copy) = copy_of(&w);
    let by_fiona = sign(
        &w.as_("fiona"),
        &request,
        &files.path().join("fiona.json"),
        "fiona-demo-pass",
    )
    .unwrap();
    let by_felix = sign(
        &signed_in_as(&copy, "felix", NOW),
        &request,
        &files.path().join("felix.json"),
        "felix-demo-pass",
    )
    .unwrap();
    let frank_there = signed_in_as(&copy, "frank", NOW);
    for (cx, order) in [
        (&frank, [&by_felix, &by_fiona, &by_felix]),
        (&frank_there, [&by_fiona, &by_felix, &by_fiona]),
    ] {
        for f in order {
            ops::payouts::import_approval(cx, f.to_string()).unwrap();
        }
        for f in [&by_fiona, &by_felix] {
            assert!(
                !ops::payouts::import_approval(cx, f.to_string())
                    .unwrap()
                    .applied
            );
        }
    }
    for ws in [&w.ws, &copy] {
        assert_eq!(count(ws, "payout_run_approvals"), 2);
        let status: String = ws
            .store()
            .read::<_, affops_core::store::StoreError>(|c| {
                Ok(c.query_row(
                    "SELECT status FROM payout_runs WHERE id = ?1",
                    [run.id],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        assert_eq!(status, "approved");
    }
}
