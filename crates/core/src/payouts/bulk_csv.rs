//! The bulk-payment CSV: one row per payment, for banks, wallets and payout providers that take a spreadsheet
//! instead of a pain.001 file.
//!
//! Why it looks like this: the receiving system needs the *full* account details (never masked: this file is
//! the payment instruction), amounts exact in the currency's minor units (never rounded, see [`super::amount`]),
//! and one currency per file like the SEPA file. Finance people open these files in spreadsheets, so every
//! user-supplied cell goes through [`spreadsheet_safe`]: a payee named `=HYPERLINK(…)` cannot run a formula.
//! The price of that safety: a value that itself starts with `=`, `+`, `-` or `@` (possible for a PayPal
//! address such as `+jane@example.com`) is written with a leading `'`, visibly, for the person importing it.
//! Bytes are deterministic: fixed columns, CRLF line ends (RFC 4180), quotes only where needed, input order.

use crate::import::quarantine::spreadsheet_safe;
use crate::payouts::amount::{minor_units_text, NotMinorUnits};
use crate::payouts::payee::{Currency, PayeeDetails};

/// The header row, fixed: columns are never reordered (importers map them by position).
pub const BULK_CSV_COLUMNS: [&str; 10] = [
    "payee_name",
    "method",
    "account",
    "bic",
    "bank_name",
    "bank_country",
    "network",
    "amount",
    "currency",
    "reference",
];
/// Rows in one file: past this, split the run (payout providers cap uploads).
pub const MAX_BULK_ROWS: usize = 100_000;
/// Longest reference: the SEPA remittance limit, which payout providers share in practice.
pub const MAX_REFERENCE_CHARS: usize = 140;

/// One payment to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkRow {
    pub payee_name: String,
    pub details: PayeeDetails,
    pub amount_micros: i64,
    pub currency: Currency,
    /// What the payee sees, e.g. "statement A-1042 2026-03".
    pub reference: String,
}

/// Why the file was not written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BulkCsvError {
    #[error("A bulk-payment file needs at least one payment.")]
    NoPayments,
    #[error("A bulk-payment file may hold at most {max} payments, but this one has {got}; split the run.")]
    TooManyPayments { max: usize, got: usize },
    #[error("The payments are in {first} and {other}; a payment file holds one currency, so make one file per currency.")]
    MixedCurrencies { first: String, other: String },
    #[error("Row {row}: the amount must be more than zero, but it is {amount}.")]
    NotPositive { row: usize, amount: String },
    #[error("Row {row}: {source}")]
    Amount { row: usize, source: NotMinorUnits },
    #[error("Row {row}: the reference has {got} characters; the most allowed is {max}.")]
    ReferenceTooLong { row: usize, max: usize, got: usize },
    #[error("Row {row}: the payee name is empty.")]
    EmptyName { row: usize },
    #[error("The file could not be written: {0}.")]
    Write(String),
}

/// The cells of one row, in [`BULK_CSV_COLUMNS`] order, before spreadsheet neutralisation.
fn cells(r: &BulkRow, amount: String) -> [String; 10] {
    let (account, bic, bank_name, bank_country, network) = match &r.details {
        PayeeDetails::Sepa { iban, bic, .. } => (
            iban.to_string(),
            bic.as_ref().map(ToString::to_string).unwrap_or_default(),
            "",
            "",
            "",
        ),
        PayeeDetails::Wire {
            account_number,
            bic,
            bank_name,
            bank_country,
            ..
        } => (
            account_number.to_string(),
            bic.to_string(),
            bank_name.as_str(),
            bank_country.as_str(),
            "",
        ),
        PayeeDetails::Paypal { email } => (email.to_string(), String::new(), "", "", ""),
        PayeeDetails::Crypto { network, address } => {
            (address.to_string(), String::new(), "", "", network.key())
        }
    };
    [
        r.payee_name.trim().to_string(),
        r.details.method().to_string(),
        account,
        bic,
        bank_name.to_string(),
        bank_country.to_string(),
        network.to_string(),
        amount,
        r.currency.to_string(),
        r.reference.trim().to_string(),
    ]
}

/// Writes the file: the header, then one row per payment in input order.
pub fn render(rows: &[BulkRow]) -> Result<Vec<u8>, BulkCsvError> {
    let first = rows.first().ok_or(BulkCsvError::NoPayments)?;
    if rows.len() > MAX_BULK_ROWS {
        return Err(BulkCsvError::TooManyPayments {
            max: MAX_BULK_ROWS,
            got: rows.len(),
        });
    }
    if let Some(other) = rows.iter().find(|r| r.currency != first.currency) {
        return Err(BulkCsvError::MixedCurrencies {
            first: first.currency.to_string(),
            other: other.currency.to_string(),
        });
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    let write_err = |e: csv::Error| BulkCsvError::Write(e.to_string());
    w.write_record(BULK_CSV_COLUMNS).map_err(write_err)?;
    for (i, r) in rows.iter().enumerate() {
        let row = i + 1;
        if r.payee_name.trim().is_empty() {
            return Err(BulkCsvError::EmptyName { row });
        }
        let amount = minor_units_text(r.amount_micros, &r.currency)
            .map_err(|source| BulkCsvError::Amount { row, source })?;
        if r.amount_micros <= 0 {
            return Err(BulkCsvError::NotPositive { row, amount });
        }
        let got = r.reference.trim().chars().count();
        if got > MAX_REFERENCE_CHARS {
            return Err(BulkCsvError::ReferenceTooLong {
                row,
                max: MAX_REFERENCE_CHARS,
                got,
            });
        }
        let safe: Vec<String> = cells(r, amount)
            .iter()
            .map(|c| spreadsheet_safe(c))
            .collect();
        w.write_record(&safe).map_err(write_err)?;
    }
    w.into_inner()
        .map_err(|e| BulkCsvError::Write(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payouts::payee::RawPayeeDetails;

    fn details(raw: RawPayeeDetails) -> PayeeDetails {
        raw.validate().unwrap_or_else(|e| panic!("{e}"))
    }
    fn row(name: &str, d: PayeeDetails, micros: i64, currency: &str) -> BulkRow {
        BulkRow {
            payee_name: name.into(),
            details: d,
            amount_micros: micros,
            currency: Currency::parse(currency).unwrap_or_else(|e| panic!("{e}")),
            reference: "statement A-1042 2026-03".into(),
        }
    }
    fn sepa() -> PayeeDetails {
        details(RawPayeeDetails::Sepa {
            holder: "Zoë".into(),
            iban: "DE89 3704 0044 0532 0130 00".into(),
            bic: Some("COBADEFFXXX".into()),
        })
    }

    #[test]
    fn every_method_full_details_exact_amounts() {
        let wire = details(RawPayeeDetails::Wire {
            holder: "Acme, Inc.".into(),
            account_number: "000123456789".into(),
            bank_name: "Citibank N.A.".into(),
            bic: "CITIUS33".into(),
            bank_country: "US".into(),
        });
        let paypal = details(RawPayeeDetails::Paypal {
            email: "jane@example.com".into(),
        });
        let crypto = details(RawPayeeDetails::Crypto {
            network: "trc20".into(),
            address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t".into(),
        });
        let rows = [
            row("Zoë Müller", sepa(), 10_000, "USD"),
            row("Acme, Inc.", wire, 1_234_567_890_000, "USD"),
            row("Jane \"JD\" Doe", paypal, 1_000_000, "USD"),
            row("Satoshi", crypto, 2_500_000, "USD"),
        ];
        let out = String::from_utf8(render(&rows).unwrap_or_default()).unwrap_or_default();
        assert_eq!(
            out,
            "payee_name,method,account,bic,bank_name,bank_country,network,amount,currency,reference\r\n\
             Zoë Müller,sepa,DE89370400440532013000,COBADEFFXXX,,,,0.01,USD,statement A-1042 2026-03\r\n\
             \"Acme, Inc.\",wire,000123456789,CITIUS33,Citibank N.A.,US,,1234567.89,USD,statement A-1042 2026-03\r\n\
             \"Jane \"\"JD\"\" Doe\",paypal,jane@example.com,,,,,1.00,USD,statement A-1042 2026-03\r\n\
             Satoshi,crypto,TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t,,,,tron-trc20,2.50,USD,statement A-1042 2026-03\r\n"
        );
        assert_eq!(
            render(&rows),
            render(&rows.clone()),
            "same input, same bytes"
        );
    }

    #[test]
    fn formula_starters_are_neutralised_in_user_cells() {
        let mut r = row("=HYPERLINK(\"http://x\")", sepa(), 10_000, "EUR");
        r.reference = "@SUM(A1)".into();
        let plus = details(RawPayeeDetails::Paypal {
            email: "+jane@example.com".into(),
        });
        let out =
            String::from_utf8(render(&[r, row("-minus", plus, 10_000, "EUR")]).unwrap_or_default());
        let out = out.unwrap_or_default();
        let lines: Vec<&str> = out.split("\r\n").collect();
        assert_eq!(lines[1], "\"'=HYPERLINK(\"\"http://x\"\")\",sepa,DE89370400440532013000,COBADEFFXXX,,,,0.01,EUR,'@SUM(A1)");
        assert_eq!(
            lines[2],
            "'-minus,paypal,'+jane@example.com,,,,,0.01,EUR,statement A-1042 2026-03"
        );
    }

    #[test]
    fn refusals() {
        let eur = |micros| row("Zoë", sepa(), micros, "EUR");
        assert_eq!(render(&[]), Err(BulkCsvError::NoPayments));
        assert_eq!(
            render(&[eur(10_000), row("B", sepa(), 10_000, "USD")]),
            Err(BulkCsvError::MixedCurrencies {
                first: "EUR".into(),
                other: "USD".into()
            })
        );
        assert!(matches!(
            render(&[eur(10_000), eur(1_000)]),
            Err(BulkCsvError::Amount { row: 2, .. })
        ));
        assert!(matches!(
            render(&[row("Y", sepa(), 1_500_000, "JPY")]),
            Err(BulkCsvError::Amount { row: 1, .. })
        ));
        assert_eq!(
            render(&[eur(0)]),
            Err(BulkCsvError::NotPositive {
                row: 1,
                amount: "0.00".into()
            })
        );
        assert_eq!(
            render(&[eur(-10_000)]),
            Err(BulkCsvError::NotPositive {
                row: 1,
                amount: "-0.01".into()
            })
        );
        let mut long = eur(10_000);
        long.reference = "x".repeat(MAX_REFERENCE_CHARS + 1);
        assert_eq!(
            render(&[long]),
            Err(BulkCsvError::ReferenceTooLong {
                row: 1,
                max: 140,
                got: 141
            })
        );
        assert_eq!(
            render(&[row(" ", sepa(), 10_000, "EUR")]),
            Err(BulkCsvError::EmptyName { row: 1 })
        );
        let msg = render(&[eur(10_000), eur(1_000)])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert_eq!(
            msg,
            "Row 2: The amount 0.001 EUR has more decimals than the currency's 2; it is never rounded here, so \
             round it on the statement first."
        );
    }

    #[test]
    fn zero_and_three_decimal_currencies() {
        let out = render(&[row("A", sepa(), 1_500_000_000, "JPY")]).unwrap_or_default();
        assert!(String::from_utf8_lossy(&out).contains(",1500,JPY,"));
        let out = render(&[row("A", sepa(), 1_250_000, "KWD")]).unwrap_or_default();
        assert!(String::from_utf8_lossy(&out).contains(",1.250,KWD,"));
    }
}
