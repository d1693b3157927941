//! The pain.001 files we write are valid against the official ISO 20022 XSDs, checked with `xmllint --schema`.
//!
//! The XSDs are not in the repository: `.ci/setup` fetches them from the PyPI package `sepaxml` into
//! `target/xsd/` and installs xmllint (Debian `libxml2-utils`). When either is missing these tests FAIL and say
//! so, because a payment file the bank rejects is found too late otherwise; `AFFOPS_SKIP_XSD=1` skips them for
//! quick local runs. `AFFOPS_XSD_DIR` points at another folder of XSDs.

use affops_core::payouts::payee::{Bic, Currency, Iban};
use affops_core::payouts::sepa::{self, Debtor, Payment, PaymentFile, SepaError, Version};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::process::Command;

const SKIP_ENV: &str = "AFFOPS_SKIP_XSD";

fn xsd_dir() -> PathBuf {
    std::env::var_os("AFFOPS_XSD_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/xsd"))
}

/// The XSD of `version`, or `None` when the check is skipped on purpose. Panics with the fix when the XSD or
/// xmllint is missing.
pub fn schema(version: Version) -> Option<PathBuf> {
    if std::env::var(SKIP_ENV).as_deref() == Ok("1") {
        println!("SKIPPED: {SKIP_ENV}=1, the pain.001 files are not checked against the XSDs");
        return None;
    }
    let xsd = xsd_dir().join(format!("{}.xsd", version.name()));
    assert!(
        xsd.is_file(),
        "{} is missing: run `bash .ci/setup` (it fetches the pain.001 XSDs into target/xsd), or set {SKIP_ENV}=1",
        xsd.display()
    );
    let xmllint = Command::new("xmllint").arg("--version").output();
    assert!(
        xmllint.is_ok_and(|o| o.status.success()),
        "xmllint is not installed: run `bash .ci/setup` (Debian package libxml2-utils), or set {SKIP_ENV}=1"
    );
    Some(xsd)
}

/// Runs `xmllint --noout --schema <xsd> <file>`; Err holds xmllint's complaint.
pub fn xmllint(xsd: &Path, dir: &Path, name: &str, xml: &str) -> Result<(), String> {
    let file = dir.join(name);
    std::fs::write(&file, xml).map_err(|e| e.to_string())?;
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(xsd)
        .arg(&file)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn iban(s: &str) -> Iban {
    Iban::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}
fn bic(s: &str) -> Bic {
    Bic::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

const CREDITORS: [(&str, Option<&str>); 5] = [
    ("FR1420041010050500013M02606", Some("BNPAFRPP")),
    ("NL91ABNA0417164300", Some("ABNANL2A")),
    ("BE68539007547034", None),
    ("GB82WEST12345698765432", Some("NWBKGB2L")),
    ("AT611904300234573201", None),
];

fn payment(i: usize, name: &str, micros: i64) -> Payment {
    let (creditor_iban, creditor_bic) = CREDITORS[i % CREDITORS.len()];
    Payment {
        end_to_end_id: format!("RUN7-A{i:05}"),
        creditor_name: name.to_string(),
        creditor_iban: iban(creditor_iban),
        creditor_bic: creditor_bic.map(bic),
        amount_micros: micros,
        currency: Currency::parse("EUR").unwrap_or_else(|e| panic!("{e}")),
        remittance: sepa::remittance_for_statement(&format!("A-{i}"), "2026-03"),
    }
}

fn file(initiator: &str, payments: Vec<Payment>) -> PaymentFile {
    let day = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or_default();
    PaymentFile {
        message_id: "RUN7-2026-03-EUR".into(),
        created_at: day.and_hms_opt(23, 59, 59).unwrap_or_default().and_utc(),
        initiating_party_name: initiator.into(),
        debtor: Debtor {
            name: initiator.into(),
            iban: iban("DE89370400440532013000"),
            bic: bic("COBADEFFXXX"),
        },
        requested_execution_date: NaiveDate::from_ymd_opt(2026, 4, 2).unwrap_or_default(),
        payments,
    }
}

/// The files of the check: one payment; many payments with and without BICs; names with XML-special
/// characters and accents; the smallest, a typical and the largest amount.
fn cases() -> Vec<(&'static str, PaymentFile)> {
    let many = (0..250)
        .map(|i| payment(i, &format!("Affiliate {i}"), (i as i64 + 1) * 1_234_560_000))
        .collect();
    vec![
        (
            "one",
            file(
                "Affops Demo GmbH",
                vec![payment(0, "Jane Doe", 100_000_000)],
            ),
        ),
        ("many", file("Affops Demo GmbH", many)),
        (
            "special",
            file(
                "Smith & Wesson's <Media> \"Ltd\""
                    .replace(['<', '>'], "")
                    .as_str(),
                vec![
                    payment(0, "Zoë O'Brien & Søn", 10_000),
                    payment(1, "Łukasz Żółć – “Müller” Straße", 1_234_567_890_000),
                    payment(2, "Renée  Ñúñez\tÆrø", 999_999_999_990_000),
                ],
            ),
        ),
    ]
}

#[test]
fn generated_files_validate_against_the_official_xsds() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for version in Version::ALL {
        let Some(xsd) = schema(version) else { return };
        for (name, f) in cases() {
            let xml = sepa::render(&f, version).unwrap_or_else(|e| panic!("{name}: {e}"));
            let file_name = format!("{name}.{}.xml", version.name());
            if let Err(complaint) = xmllint(&xsd, dir.path(), &file_name, &xml) {
                panic!(
                    "{file_name} is not valid against {}:\n{complaint}\n{xml}",
                    xsd.display()
                );
            }
        }
    }
}

/// The check is not vacuous: a file with the other version's BIC element is refused by the schema.
#[test]
fn the_schema_check_catches_a_wrong_element() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let Some(xsd) = schema(Version::Pain00100109) else {
        return;
    };
    let (_, f) = cases().remove(0);
    let xml = sepa::render(&f, Version::Pain00100109).unwrap_or_else(|e| panic!("{e}"));
    let broken = xml.replace("BICFI>", "BIC>");
    assert!(
        xmllint(&xsd, dir.path(), "broken.xml", &broken).is_err(),
        "BIC in a .09 file must fail the XSD"
    );
}

/// SEPA is euro-only: JPY (no minor unit) or any other currency is refused with a clear reason, not written.
#[test]
fn other_currencies_are_refused_not_written() {
    let (_, mut f) = cases().remove(0);
    f.payments[0].currency = Currency::parse("JPY").unwrap_or_else(|e| panic!("{e}"));
    let err = sepa::render(&f, Version::Pain00100109).err();
    assert_eq!(err, Some(SepaError::NotEuro("JPY".into())));
}
