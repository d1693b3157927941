use super::*;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::io::Write;
use std::process::{Command, Stdio};
use std::str::FromStr;

fn iban(s: &str) -> Iban {
    Iban::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}
fn bic(s: &str) -> Bic {
    Bic::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}
fn cur(s: &str) -> Currency {
    Currency::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn payment(
    e2e: &str,
    name: &str,
    creditor_iban: &str,
    creditor_bic: Option<&str>,
    micros: i64,
) -> Payment {
    Payment {
        end_to_end_id: e2e.into(),
        creditor_name: name.into(),
        creditor_iban: iban(creditor_iban),
        creditor_bic: creditor_bic.map(bic),
        amount_micros: micros,
        currency: cur("EUR"),
        remittance: remittance_for_statement("A-1042", "2026-03"),
    }
}

fn file(payments: Vec<Payment>) -> PaymentFile {
    let day = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or_default();
    PaymentFile {
        message_id: "RUN-2026-03-EUR".into(),
        created_at: day.and_hms_opt(9, 30, 0).unwrap_or_default().and_utc(),
        initiating_party_name: "Affops Demo GmbH".into(),
        debtor: Debtor {
            name: "Affops Demo GmbH".into(),
            iban: iban("DE89370400440532013000"),
            bic: bic("COBADEFFXXX"),
        },
        requested_execution_date: NaiveDate::from_ymd_opt(2026, 4, 2).unwrap_or_default(),
        payments,
    }
}

fn one() -> PaymentFile {
    file(vec![payment(
        "A-1042-2026-03",
        "Zoë O'Brien & Søn",
        "FR1420041010050500013M02606",
        Some("BNPAFRPP"),
        1_234_567_890_000,
    )])
}

fn render_ok(f: &PaymentFile, v: Version) -> String {
    render(f, v).unwrap_or_else(|e| panic!("{e}"))
}

/// The whole file, pinned: element names and order follow the pain.001.001.09 XSD (checked against the XSD
/// itself by the `sepa_xsd` integration test); names are transliterated and escaped.
#[test]
fn golden_pain_001_001_09() {
    let want = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">
  <CstmrCdtTrfInitn>
    <GrpHdr>
      <MsgId>RUN-2026-03-EUR</MsgId>
      <CreDtTm>2026-04-01T09:30:00Z</CreDtTm>
      <NbOfTxs>1</NbOfTxs>
      <CtrlSum>1234567.89</CtrlSum>
      <InitgPty>
        <Nm>Affops Demo GmbH</Nm>
      </InitgPty>
    </GrpHdr>
    <PmtInf>
      <PmtInfId>RUN-2026-03-EUR</PmtInfId>
      <PmtMtd>TRF</PmtMtd>
      <BtchBookg>true</BtchBookg>
      <NbOfTxs>1</NbOfTxs>
      <CtrlSum>1234567.89</CtrlSum>
      <PmtTpInf>
        <SvcLvl>
          <Cd>SEPA</Cd>
        </SvcLvl>
      </PmtTpInf>
      <ReqdExctnDt>
        <Dt>2026-04-02</Dt>
      </ReqdExctnDt>
      <Dbtr>
        <Nm>Affops Demo GmbH</Nm>
      </Dbtr>
      <DbtrAcct>
        <Id>
          <IBAN>DE89370400440532013000</IBAN>
        </Id>
      </DbtrAcct>
      <DbtrAgt>
        <FinInstnId>
          <BICFI>COBADEFFXXX</BICFI>
        </FinInstnId>
      </DbtrAgt>
      <ChrgBr>SLEV</ChrgBr>
      <CdtTrfTxInf>
        <PmtId>
          <EndToEndId>A-1042-2026-03</EndToEndId>
        </PmtId>
        <Amt>
          <InstdAmt Ccy="EUR">1234567.89</InstdAmt>
        </Amt>
        <CdtrAgt>
          <FinInstnId>
            <BICFI>BNPAFRPP</BICFI>
          </FinInstnId>
        </CdtrAgt>
        <Cdtr>
          <Nm>Zoe O&apos;Brien + Son</Nm>
        </Cdtr>
        <CdtrAcct>
          <Id>
            <IBAN>FR1420041010050500013M02606</IBAN>
          </Id>
        </CdtrAcct>
        <RmtInf>
          <Ustrd>statement A-1042 2026-03</Ustrd>
        </RmtInf>
      </CdtTrfTxInf>
    </PmtInf>
  </CstmrCdtTrfInitn>
</Document>
"#;
    assert_eq!(render_ok(&one(), Version::Pain00100109), want);
}

#[test]
fn pain_001_001_03_differs_only_in_namespace_bic_and_date() {
    let v03 = render_ok(&one(), Version::Pain00100103);
    let v09 = render_ok(&one(), Version::Pain00100109);
    assert!(v03.contains("<ReqdExctnDt>2026-04-02</ReqdExctnDt>\n"));
    assert!(v03.contains("<BIC>COBADEFFXXX</BIC>") && !v03.contains("BICFI"));
    let upgraded = v03
        .replace("pain.001.001.03", "pain.001.001.09")
        .replace("<BIC>", "<BICFI>")
        .replace("</BIC>", "</BICFI>")
        .replace(
            "<ReqdExctnDt>2026-04-02</ReqdExctnDt>\n",
            "<ReqdExctnDt>\n        <Dt>2026-04-02</Dt>\n      </ReqdExctnDt>\n",
        );
    assert_eq!(upgraded, v09);
}

#[test]
fn same_input_same_bytes() {
    for v in Version::ALL {
        assert_eq!(render_ok(&one(), v), render_ok(&one().clone(), v));
    }
}

#[test]
fn amounts_are_exact_in_minor_units_and_sums_are_exact() {
    let f = file(vec![
        payment("E1", "A", "NL91ABNA0417164300", None, 10_000),
        payment("E2", "B", "BE68539007547034", None, 1_234_567_890_000),
        payment("E3", "C", "GB82WEST12345698765432", None, 1_000_000),
        payment("E4", "D", "AT611904300234573201", None, 200_000),
    ]);
    let xml = render_ok(&f, Version::Pain00100109);
    for amt in ["0.01", "1234567.89", "1.00", "0.20"] {
        assert!(
            xml.contains(&format!("<InstdAmt Ccy=\"EUR\">{amt}</InstdAmt>")),
            "{amt}"
        );
    }
    assert_eq!(
        xml.matches("<CtrlSum>1234569.10</CtrlSum>").count(),
        2,
        "group header and payment block"
    );
    assert_eq!(xml.matches("<NbOfTxs>4</NbOfTxs>").count(), 2);
    assert!(
        !xml.contains("<CdtrAgt>"),
        "no creditor BIC given, none written (IBAN-only)"
    );
}

#[test]
fn refusals() {
    let with = |edit: &dyn Fn(&mut PaymentFile)| {
        let mut f = one();
        edit(&mut f);
        render(&f, Version::Pain00100109)
            .err()
            .unwrap_or_else(|| panic!("must be refused"))
    };
    let at1 = |reason| SepaError::Payment {
        position: 1,
        end_to_end_id: "A-1042-2026-03".into(),
        reason,
    };
    assert_eq!(with(&|f| f.payments.clear()), SepaError::NoPayments);
    assert_eq!(
        with(&|f| f.payments[0].amount_micros = 1_000),
        at1(PaymentError::NotMinorUnits(NotMinorUnits {
            amount: "0.001".into(),
            currency: "EUR".into(),
            minor_units: 2
        }))
    );
    assert_eq!(
        with(&|f| f.payments[0].amount_micros = 1_005_000),
        at1(PaymentError::NotMinorUnits(NotMinorUnits {
            amount: "1.005".into(),
            currency: "EUR".into(),
            minor_units: 2
        }))
    );
    assert_eq!(
        with(&|f| f.payments[0].amount_micros = 0),
        at1(PaymentError::AmountOutOfRange("0".into()))
    );
    assert_eq!(
        with(&|f| f.payments[0].amount_micros = -10_000),
        at1(PaymentError::AmountOutOfRange("-0.01".into()))
    );
    assert_eq!(
        with(&|f| f.payments[0].amount_micros = MAX_AMOUNT_MICROS + 10_000),
        at1(PaymentError::AmountOutOfRange("1000000000".into()))
    );
    assert_eq!(
        with(&|f| f.payments[0].currency = cur("USD")),
        SepaError::NotEuro("USD".into())
    );
    assert_eq!(
        with(&|f| f.payments[0].currency = cur("JPY")),
        SepaError::NotEuro("JPY".into())
    );
    assert_eq!(
        with(&|f| {
            let mut usd = f.payments[0].clone();
            usd.currency = cur("USD");
            usd.end_to_end_id = "X".into();
            f.payments.push(usd);
        }),
        SepaError::MixedCurrencies {
            first: "EUR".into(),
            other: "USD".into()
        }
    );
    assert_eq!(
        with(&|f| f.payments.push(f.payments[0].clone())),
        SepaError::DuplicateEndToEndId("A-1042-2026-03".into())
    );
    assert_eq!(
        with(&|f| f.payments[0].creditor_iban = iban("BR1800360305000010009795493C1")),
        at1(PaymentError::CreditorNotSepa("BR".into()))
    );
    assert_eq!(
        with(&|f| f.payments[0].creditor_name = "Иван".into()),
        at1(PaymentError::Text(SepaTextError::Unsupported {
            field: "creditor name",
            ch: 'И'
        }))
    );
    assert_eq!(
        with(&|f| f.payments[0].remittance = "x".repeat(141)),
        at1(PaymentError::Text(SepaTextError::TooLong {
            field: "remittance text",
            max: 140,
            got: 141
        }))
    );
    assert_eq!(
        with(&|f| f.message_id = "M".repeat(36)),
        SepaError::Text(SepaTextError::TooLong {
            field: "message id",
            max: 35,
            got: 36
        })
    );
    assert_eq!(
        with(&|f| f.debtor.iban = iban("BR1800360305000010009795493C1")),
        SepaError::DebtorNotSepa("BR1800360305000010009795493C1".into())
    );
}

#[test]
fn refusal_messages_are_sentences() {
    let mut f = one();
    f.payments[0].amount_micros = 1_000;
    assert_eq!(
        render(&f, Version::Pain00100103).err().map(|e| e.to_string()).unwrap_or_default(),
        "Payment 1 ('A-1042-2026-03'): The amount 0.001 EUR has more decimals than the currency's 2; it is never \
         rounded here, so round it on the statement first."
    );
    f.payments[0].amount_micros = 10_000;
    f.payments[0].currency = cur("JPY");
    assert_eq!(
        render(&f, Version::Pain00100103).err().map(|e| e.to_string()).unwrap_or_default(),
        "SEPA credit transfers are in euro only, but these payments are in JPY; pay them by wire or in a \
         bulk-payment file instead."
    );
}

/// Well-formedness through xmllint when it is installed (the XSD check itself is the integration test's job).
fn xmllint_well_formed(xml: &str) -> Option<bool> {
    let mut child = Command::new("xmllint")
        .args(["--noout", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(xml.as_bytes()).ok()?;
    Some(child.wait().ok()?.success())
}

fn element_values<'a>(xml: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    xml.split(open)
        .skip(1)
        .filter_map(|rest| rest.split(close).next())
        .collect()
}

const IBANS: [&str; 5] = [
    "FR1420041010050500013M02606",
    "NL91ABNA0417164300",
    "BE68539007547034",
    "GB82WEST12345698765432",
    "AT611904300234573201",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// For any valid payment list: NbOfTxs is the count, CtrlSum is the exact sum of the written amounts and of
    /// the inputs, in both versions, and the XML is well-formed.
    #[test]
    fn control_sum_is_the_exact_sum(
        rows in prop::collection::vec((1i64..=99_999_999_999, 0usize..IBANS.len(), any::<bool>()), 1..40)
    ) {
        let payments: Vec<Payment> = rows.iter().enumerate().map(|(i, (cents, k, with_bic))| {
            let b = with_bic.then_some("GEBABEBB");
            payment(&format!("E2E-{i}"), &format!("Payee {i} Zoë & Co"), IBANS[*k], b, cents * 10_000)
        }).collect();
        let total_cents: i64 = rows.iter().map(|r| r.0).sum();
        let want = format!("{}.{:02}", total_cents / 100, total_cents % 100);
        for v in Version::ALL {
            let xml = render_ok(&file(payments.clone()), v);
            prop_assert_eq!(element_values(&xml, "<CtrlSum>", "</CtrlSum>"), vec![want.as_str(); 2]);
            let n = rows.len().to_string();
            prop_assert_eq!(element_values(&xml, "<NbOfTxs>", "</NbOfTxs>"), vec![n.as_str(); 2]);
            let written: Decimal = element_values(&xml, "<InstdAmt Ccy=\"EUR\">", "</InstdAmt>")
                .iter()
                .map(|a| Decimal::from_str(a).unwrap_or(Decimal::MIN))
                .sum();
            prop_assert_eq!(written.to_string(), want.clone());
            if let Some(ok) = xmllint_well_formed(&xml) {
                prop_assert!(ok, "xmllint says not well-formed:\n{}", xml);
            }
        }
    }
}
