//! Property tests of the operator-side item parsers (RELIABILITY.md I9): starting from a valid item, any field
//! replaced by an odd value, dropped, or joined by a stray key gives a record or an error that names why — never
//! a panic. Records that do come out keep their invariants (positive amounts, whole contract sizes, ...).

use super::stream::{Record, StreamKind};
use proptest::prelude::*;
use serde_json::value::RawValue;

/// A valid item of each new stream, as the sandbox sends it.
const BASES: [(StreamKind, &str); 6] = [
    (
        StreamKind::Withdrawals,
        r#"{"withdrawal_id":"W1","player_id":"P1","amount":"40.00","currency":"EUR","occurred_at":"2026-10-03T15:01:00Z","payment_hash":"ph1"}"#,
    ),
    (
        StreamKind::Activity,
        r#"{"player_id":"P1","day":"2026-10-03","currency":"EUR","deposits":"20.00","withdrawals":"0.00","bets":"55.10","wins":"31.00","bonuses":"5.00","chargebacks":"0.00","fees":"1.10"}"#,
    ),
    (
        StreamKind::Ibs,
        r#"{"ib_id":3,"name":"IB Partner 003","parent_ib_id":1,"email":"ib3@fx-partners.example","rebate_per_lot":"4.00"}"#,
    ),
    (
        StreamKind::Accounts,
        r#"{"login":5000001,"ib_id":2,"currency":"USD","is_cent":false,"separate_commission":true,"registered_at":"2026-10-02T10:00:00Z","country":"DE"}"#,
    ),
    (
        StreamKind::Symbols,
        r#"{"symbol":"EURUSDc","contract_size":"1000","digits":5,"is_cent":true}"#,
    ),
    (
        StreamKind::Deals,
        r#"{"ticket":1000001,"login":5000001,"type":"BUY","entry":"IN","symbol":"EURUSD","volume":"1.25","price":"1.08000","commission":"-4.37","swap":"0.00","profit":"0.00","position_id":7000001,"time":"2026-10-02T11:00:00Z"}"#,
    ),
];

fn odd_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("null".to_string()),
        Just(r#""""#.to_string()),
        Just("true".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("-1".to_string()),
        Just("0".to_string()),
        Just("1e400".to_string()),
        Just("18446744073709551616".to_string()),
        Just(r#""9223372036854775807""#.to_string()),
        Just(r#""0.0000001""#.to_string()),
        Just(r#""\u0000""#.to_string()),
        Just(r#""{login}""#.to_string()),
        "-?[0-9]{1,20}(\\.[0-9]{1,9})?",
        "[a-zA-Z0-9 :.,+/_-]{0,16}".prop_map(|s| format!("\"{s}\"")),
    ]
}

fn check(record: &Record) -> Result<(), TestCaseError> {
    match record {
        Record::Withdrawal(w) => prop_assert!(w.amount_micros > 0),
        Record::Activity(a) => prop_assert_eq!(a.day.len(), 10),
        Record::Ib(i) => prop_assert!(
            !i.external_id.is_empty() && i.parent_external_id.as_ref() != Some(&i.external_id)
        ),
        Record::Account(a) => prop_assert!(!a.login.is_empty() && a.currency.len() == 3),
        Record::Symbol(s) => prop_assert!(s.contract_size > 0),
        Record::Deal(d) => {
            prop_assert!(d.lots_micros >= 0 && !d.ticket.is_empty() && !d.login.is_empty());
            prop_assert!(d.lots_micros == 0 || !d.symbol.is_empty());
        }
        _ => prop_assert!(false, "a stream gave another stream's record"),
    }
    Ok(())
}

proptest! {
    #[test]
    fn new_item_parsers_give_a_record_or_a_reason(
        k in 0usize..BASES.len(),
        edits in proptest::collection::vec((0usize..16, odd_value(), 0u8..3), 1..5),
    ) {
        let (stream, base) = BASES[k];
        let mut obj: serde_json::Map<String, serde_json::Value> = serde_json::from_str(base).unwrap();
        let keys: Vec<String> = obj.keys().cloned().collect();
        let mut extra = Vec::new();
        for (i, value, how) in edits {
            let key = keys[i % keys.len()].clone();
            match how {
                0 => { obj.remove(&key); }
                1 => extra.push((key, value)),
                _ => extra.push((format!("x_{key}"), value)),
            }
        }
        // Build the text by hand so odd number literals (1e400, 2^64) reach the parser unchanged.
        let mut parts: Vec<String> = obj
            .iter()
            .filter(|(k, _)| !extra.iter().any(|(e, _)| e == *k))
            .map(|(k, v)| format!("{}:{}", serde_json::Value::from(k.as_str()), v))
            .collect();
        parts.extend(extra.iter().map(|(k, v)| format!("\"{k}\":{v}")));
        let text = format!("{{{}}}", parts.join(","));
        if let Ok(raw) = RawValue::from_string(text) {
            match stream.parse_item(&raw) {
                Ok(record) => check(&record)?,
                Err(e) => prop_assert!(!e.reason.is_empty()),
            }
        }
    }
}
