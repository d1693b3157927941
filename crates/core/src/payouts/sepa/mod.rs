//! ISO 20022 SEPA credit transfer initiation files (`pain.001.001.03` and `pain.001.001.09`) as XML text.
//!
//! Why a hand-written, pure generator: the file is the payment. It must validate against the official XSD, be
//! byte-identical for the same input (its SHA-256 is recorded with the payout run and checked on other
//! machines), and refuse rather than guess: amounts finer than a cent, mixed currencies, non-euro payments,
//! text the SEPA character set cannot carry (see [`text`] for the transliteration policy), over-long ids.
//! "Now" is never read here: the creation time is an input.
//!
//! Layout: one group header, one payment information block (debtor, requested execution date, batch booking on,
//! service level SEPA, charges shared `SLEV`), then one credit transfer per payment. The versions differ only in
//! the BIC element (`BIC` / `BICFI`) and in `ReqdExctnDt` (a date / a `<Dt>` choice). The `PmtInfId` is the
//! message id (one block per file). `CreDtTm` is written in UTC with a `Z`, to the second.

mod text;

pub use text::{is_sepa_char, sepa_id, sepa_text, xml_escape, SepaTextError};

use crate::money::micros_to_decimal;
use crate::payouts::amount::{minor_units_text, NotMinorUnits};
use crate::payouts::payee::{Bic, Currency, Iban};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashSet;

/// EPC limits: identifiers (Max35Text), party names (70 characters in the EPC guidelines, though the XSD allows
/// 140), unstructured remittance (Max140Text).
pub const MAX_ID_CHARS: usize = 35;
pub const MAX_NAME_CHARS: usize = 70;
pub const MAX_REMITTANCE_CHARS: usize = 140;
/// Payments in one file: banks cap file sizes; past this, split the run.
pub const MAX_PAYMENTS_PER_FILE: usize = 100_000;
/// The only currency of SEPA credit transfers.
pub const SEPA_CURRENCY: &str = "EUR";
/// SEPA amount range per transaction: 0.01 to 999,999,999.99 EUR (EPC rulebook), in micros.
pub const MIN_AMOUNT_MICROS: i64 = 10_000;
pub const MAX_AMOUNT_MICROS: i64 = 999_999_999_990_000;
const INDENT: &str = "  ";

/// Which pain.001 message to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// `pain.001.001.03`: the 2009 message that many banks still ask for.
    Pain00100103,
    /// `pain.001.001.09`: the 2019 message of the current EPC rulebooks.
    Pain00100109,
}

impl Version {
    pub const ALL: [Version; 2] = [Version::Pain00100103, Version::Pain00100109];

    /// "pain.001.001.03" or "pain.001.001.09" (also the XSD's file name without ".xsd").
    pub fn name(self) -> &'static str {
        match self {
            Self::Pain00100103 => "pain.001.001.03",
            Self::Pain00100109 => "pain.001.001.09",
        }
    }

    /// The XML namespace of the message.
    pub fn namespace(self) -> String {
        format!("urn:iso:std:iso:20022:tech:xsd:{}", self.name())
    }

    fn bic_element(self) -> &'static str {
        match self {
            Self::Pain00100103 => "BIC",
            Self::Pain00100109 => "BICFI",
        }
    }
}

/// The paying account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Debtor {
    pub name: String,
    pub iban: Iban,
    pub bic: Bic,
}

/// One credit transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// Our reference, returned by the bank with the payment status; unique in the file.
    pub end_to_end_id: String,
    pub creditor_name: String,
    pub creditor_iban: Iban,
    /// Optional in SEPA (IBAN-only); written when known.
    pub creditor_bic: Option<Bic>,
    pub amount_micros: i64,
    pub currency: Currency,
    /// The unstructured remittance line; see [`remittance_for_statement`].
    pub remittance: String,
}

/// Everything a pain.001 file says. Nothing is read from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentFile {
    pub message_id: String,
    pub created_at: DateTime<Utc>,
    pub initiating_party_name: String,
    pub debtor: Debtor,
    pub requested_execution_date: NaiveDate,
    pub payments: Vec<Payment>,
}

/// Why a file was not written. Messages are sentences for the finance person preparing the run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SepaError {
    #[error("A payment file needs at least one payment.")]
    NoPayments,
    #[error("A payment file may hold at most {max} payments, but this one has {got}; split the run into several files.")]
    TooManyPayments { max: usize, got: usize },
    #[error(transparent)]
    Text(#[from] SepaTextError),
    #[error("The debtor account {0} is outside SEPA, so it cannot send SEPA credit transfers.")]
    DebtorNotSepa(String),
    #[error("The payments are in {first} and {other}; a payment file holds one currency, so make one file per currency.")]
    MixedCurrencies { first: String, other: String },
    #[error("SEPA credit transfers are in euro only, but these payments are in {0}; pay them by wire or in a bulk-payment file instead.")]
    NotEuro(String),
    #[error("The end-to-end id '{0}' is used by more than one payment; each payment needs its own, or the bank may reject the file or pay twice.")]
    DuplicateEndToEndId(String),
    #[error("The total of the payments is too large to be written.")]
    TotalOverflow,
    #[error("Payment {position} ('{end_to_end_id}'): {reason}")]
    Payment {
        position: usize,
        end_to_end_id: String,
        reason: PaymentError,
    },
}

/// Why one payment was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    #[error(transparent)]
    Text(#[from] SepaTextError),
    #[error("The creditor's IBAN is in {0}, which is outside SEPA; pay this payee by international wire instead.")]
    CreditorNotSepa(String),
    #[error("The amount {0} EUR is outside what one SEPA transfer can carry (0.01 to 999999999.99 EUR).")]
    AmountOutOfRange(String),
    #[error(transparent)]
    NotMinorUnits(#[from] NotMinorUnits),
}

/// The remittance line callers put on statement payouts: "statement <affiliate> <period>".
pub fn remittance_for_statement(affiliate: &str, period: &str) -> String {
    format!("statement {affiliate} {period}")
}

/// A payment checked and converted for writing.
struct Row<'a> {
    end_to_end_id: String,
    name: String,
    iban: &'a Iban,
    bic: Option<&'a Bic>,
    amount: String,
    remittance: String,
}

/// Writes the file. Pure: the same input gives the same bytes.
pub fn render(file: &PaymentFile, version: Version) -> Result<String, SepaError> {
    let n = file.payments.len();
    if n == 0 {
        return Err(SepaError::NoPayments);
    }
    if n > MAX_PAYMENTS_PER_FILE {
        return Err(SepaError::TooManyPayments {
            max: MAX_PAYMENTS_PER_FILE,
            got: n,
        });
    }
    let message_id = sepa_id("message id", &file.message_id, MAX_ID_CHARS)?;
    let initiator = sepa_text(
        "initiating party name",
        &file.initiating_party_name,
        MAX_NAME_CHARS,
    )?;
    let debtor_name = sepa_text("debtor name", &file.debtor.name, MAX_NAME_CHARS)?;
    if !file.debtor.iban.is_sepa() {
        return Err(SepaError::DebtorNotSepa(file.debtor.iban.to_string()));
    }
    let currency = file.payments[0].currency.as_str();
    if let Some(other) = file
        .payments
        .iter()
        .find(|p| p.currency.as_str() != currency)
    {
        return Err(SepaError::MixedCurrencies {
            first: currency.to_string(),
            other: other.currency.to_string(),
        });
    }
    if currency != SEPA_CURRENCY {
        return Err(SepaError::NotEuro(currency.to_string()));
    }
    let mut seen = HashSet::with_capacity(n);
    let mut total_micros: i64 = 0;
    let mut rows = Vec::with_capacity(n);
    for (i, p) in file.payments.iter().enumerate() {
        let fail = |reason: PaymentError| SepaError::Payment {
            position: i + 1,
            end_to_end_id: p.end_to_end_id.clone(),
            reason,
        };
        let end_to_end_id =
            sepa_id("end-to-end id", &p.end_to_end_id, MAX_ID_CHARS).map_err(|e| fail(e.into()))?;
        if !seen.insert(end_to_end_id.clone()) {
            return Err(SepaError::DuplicateEndToEndId(end_to_end_id));
        }
        let name = sepa_text("creditor name", &p.creditor_name, MAX_NAME_CHARS)
            .map_err(|e| fail(e.into()))?;
        if !p.creditor_iban.is_sepa() {
            return Err(fail(PaymentError::CreditorNotSepa(
                p.creditor_iban.country().to_string(),
            )));
        }
        // Finer than a cent is named as such even when also below the minimum: it is the more useful reason.
        let amount = minor_units_text(p.amount_micros, &p.currency).map_err(|e| fail(e.into()))?;
        if !(MIN_AMOUNT_MICROS..=MAX_AMOUNT_MICROS).contains(&p.amount_micros) {
            let amount = micros_to_decimal(p.amount_micros).normalize().to_string();
            return Err(fail(PaymentError::AmountOutOfRange(amount)));
        }
        let remittance = sepa_text("remittance text", &p.remittance, MAX_REMITTANCE_CHARS)
            .map_err(|e| fail(e.into()))?;
        total_micros = total_micros
            .checked_add(p.amount_micros)
            .ok_or(SepaError::TotalOverflow)?;
        rows.push(Row {
            end_to_end_id,
            name,
            iban: &p.creditor_iban,
            bic: p.creditor_bic.as_ref(),
            amount,
            remittance,
        });
    }
    // A sum of whole cents is whole cents, so this is never refused; the error arm only keeps the code total.
    let control_sum = minor_units_text(total_micros, &file.payments[0].currency)
        .map_err(|_| SepaError::TotalOverflow)?;
    let count = n.to_string();
    let bic = version.bic_element();

    let mut x = Xml::default();
    x.out
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.open_with(&format!("Document xmlns=\"{}\"", version.namespace()));
    x.open("CstmrCdtTrfInitn");
    x.open("GrpHdr");
    x.leaf("MsgId", &message_id);
    x.leaf(
        "CreDtTm",
        &file.created_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    );
    x.leaf("NbOfTxs", &count);
    x.leaf("CtrlSum", &control_sum);
    x.open("InitgPty");
    x.leaf("Nm", &initiator);
    x.close("InitgPty");
    x.close("GrpHdr");
    x.open("PmtInf");
    x.leaf("PmtInfId", &message_id);
    x.leaf("PmtMtd", "TRF");
    x.leaf("BtchBookg", "true");
    x.leaf("NbOfTxs", &count);
    x.leaf("CtrlSum", &control_sum);
    x.open("PmtTpInf");
    x.open("SvcLvl");
    x.leaf("Cd", "SEPA");
    x.close("SvcLvl");
    x.close("PmtTpInf");
    let date = file.requested_execution_date.format("%Y-%m-%d").to_string();
    match version {
        Version::Pain00100103 => x.leaf("ReqdExctnDt", &date),
        Version::Pain00100109 => {
            x.open("ReqdExctnDt");
            x.leaf("Dt", &date);
            x.close("ReqdExctnDt");
        }
    }
    x.open("Dbtr");
    x.leaf("Nm", &debtor_name);
    x.close("Dbtr");
    x.account("DbtrAcct", &file.debtor.iban);
    x.agent("DbtrAgt", bic, &file.debtor.bic);
    x.leaf("ChrgBr", "SLEV");
    for r in &rows {
        x.open("CdtTrfTxInf");
        x.open("PmtId");
        x.leaf("EndToEndId", &r.end_to_end_id);
        x.close("PmtId");
        x.open("Amt");
        x.indent();
        x.out.push_str(&format!(
            "<InstdAmt Ccy=\"{}\">{}</InstdAmt>\n",
            xml_escape(SEPA_CURRENCY),
            r.amount
        ));
        x.close("Amt");
        if let Some(b) = r.bic {
            x.agent("CdtrAgt", bic, b);
        }
        x.open("Cdtr");
        x.leaf("Nm", &r.name);
        x.close("Cdtr");
        x.account("CdtrAcct", r.iban);
        x.open("RmtInf");
        x.leaf("Ustrd", &r.remittance);
        x.close("RmtInf");
        x.close("CdtTrfTxInf");
    }
    x.close("PmtInf");
    x.close("CstmrCdtTrfInitn");
    x.close("Document");
    Ok(x.out)
}

/// A tiny indenting XML writer; every text goes through [`xml_escape`].
#[derive(Default)]
struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str(INDENT);
        }
    }
    fn open_with(&mut self, start: &str) {
        self.indent();
        self.out.push_str(&format!("<{start}>\n"));
        self.depth += 1;
    }
    fn open(&mut self, name: &str) {
        self.open_with(name);
    }
    fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.push_str(&format!("</{name}>\n"));
    }
    fn leaf(&mut self, name: &str, text: &str) {
        self.indent();
        self.out
            .push_str(&format!("<{name}>{}</{name}>\n", xml_escape(text)));
    }
    fn account(&mut self, name: &str, iban: &Iban) {
        self.open(name);
        self.open("Id");
        self.leaf("IBAN", iban.as_str());
        self.close("Id");
        self.close(name);
    }
    fn agent(&mut self, name: &str, bic_element: &str, bic: &Bic) {
        self.open(name);
        self.open("FinInstnId");
        self.leaf(bic_element, bic.as_str());
        self.close("FinInstnId");
        self.close(name);
    }
}

#[cfg(test)]
mod tests;
