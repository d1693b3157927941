use super::*;

fn sepa(holder: &str, iban: &str, bic: Option<&str>) -> RawPayeeDetails {
    RawPayeeDetails::Sepa {
        holder: holder.into(),
        iban: iban.into(),
        bic: bic.map(String::from),
    }
}

fn valid(raw: &RawPayeeDetails) -> PayeeDetails {
    raw.validate().unwrap_or_else(|e| panic!("{raw:?}: {e}"))
}

#[test]
fn sepa_details_validate_to_canonical_values() {
    let d = valid(&sepa(
        "  Zoë  Müller ",
        "de89 3704 0044 0532 0130 00",
        Some("cobadeff xxx"),
    ));
    assert_eq!(
        d,
        PayeeDetails::Sepa {
            holder: Name::parse("Zoë Müller").unwrap_or_else(|e| panic!("{e}")),
            iban: Iban::parse("DE89370400440532013000").unwrap_or_else(|e| panic!("{e}")),
            bic: Some(Bic::parse("COBADEFFXXX").unwrap_or_else(|e| panic!("{e}"))),
        }
    );
    assert_eq!(d.method(), "sepa");
    assert_eq!(d.mask(), "DE89 •••• 3000");
    assert_eq!(d.check_bank_country(), Ok(()));
    // An empty BIC is IBAN-only SEPA, not an error.
    let no_bic = valid(&sepa("Zoë", "DE89370400440532013000", Some("  ")));
    assert!(matches!(no_bic, PayeeDetails::Sepa { bic: None, .. }));
}

/// The hash printed on statements must never change for the same details: pinned here, and computed
/// independently (`printf '%s' '<json>' | sha256sum`).
#[test]
fn canonical_json_and_hash_are_pinned() {
    let d = valid(&sepa(
        "Zoë Müller",
        "DE89370400440532013000",
        Some("COBADEFFXXX"),
    ));
    assert_eq!(
        d.canonical_json(),
        r#"{"bic":"COBADEFFXXX","holder":"Zoë Müller","iban":"DE89370400440532013000","method":"sepa","v":1}"#
    );
    assert_eq!(
        d.details_sha256(),
        "ac622d8e235919f111435e3edcc9e82d6be0b13d0af054ee3b54fde0d47a3bf5"
    );
    let none = valid(&sepa(
        "A \"quoted\" \\ name",
        "DE89370400440532013000",
        None,
    ));
    assert_eq!(
        none.canonical_json(),
        r#"{"bic":null,"holder":"A \"quoted\" \\ name","iban":"DE89370400440532013000","method":"sepa","v":1}"#
    );
}

#[test]
fn canonical_json_of_the_other_methods_is_pinned() {
    let wire = valid(&RawPayeeDetails::Wire {
        holder: "Acme Ltd".into(),
        account_number: "1234 5678 9012".into(),
        bank_name: "Bank of Example".into(),
        bic: "citius33".into(),
        bank_country: "us".into(),
    });
    assert_eq!(
        wire.canonical_json(),
        r#"{"account_number":"123456789012","bank_country":"US","bank_name":"Bank of Example","bic":"CITIUS33","holder":"Acme Ltd","method":"wire","v":1}"#
    );
    let paypal = valid(&RawPayeeDetails::Paypal {
        email: "Jane@Example.com".into(),
    });
    assert_eq!(
        paypal.canonical_json(),
        r#"{"email":"Jane@example.com","method":"paypal","v":1}"#
    );
    let crypto = valid(&RawPayeeDetails::Crypto {
        network: "TRC20".into(),
        address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t".into(),
    });
    assert_eq!(
        crypto.canonical_json(),
        r#"{"address":"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t","method":"crypto","network":"tron-trc20","v":1}"#
    );
}

#[test]
fn hash_ignores_typing_differences_and_sees_real_changes() {
    let a = valid(&sepa(
        "Zoë Müller",
        "DE89370400440532013000",
        Some("COBADEFFXXX"),
    ));
    let b = valid(&sepa(
        " Zoë   Müller",
        "de89 3704 0044 0532 0130 00",
        Some("cobadeffxxx"),
    ));
    let c = valid(&sepa(
        "Zoë Müller",
        "GB82WEST12345698765432",
        Some("COBADEFFXXX"),
    ));
    assert_eq!(a.details_sha256(), b.details_sha256());
    assert_ne!(a.details_sha256(), c.details_sha256());
    assert_eq!(a.details_sha256().len(), 64);
}

#[test]
fn canonical_json_is_json_with_sorted_keys_for_every_method() {
    for raw in [
        sepa("Zoë", "DE89370400440532013000", None),
        RawPayeeDetails::Wire {
            holder: "Acme Ltd".into(),
            account_number: "1234 5678 9012".into(),
            bank_name: "Bank of Example".into(),
            bic: "CITIUS33".into(),
            bank_country: "us".into(),
        },
        RawPayeeDetails::Paypal {
            email: "Jane@Example.com".into(),
        },
        RawPayeeDetails::Crypto {
            network: "TRC20".into(),
            address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t".into(),
        },
    ] {
        let d = valid(&raw);
        let json = d.canonical_json();
        let parsed: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
        // Key order is read from the text itself (a parsed map would sort the keys whatever the text said).
        let mut keys: Vec<&String> = parsed.keys().collect();
        keys.sort();
        let at: Vec<usize> = keys
            .iter()
            .filter_map(|k| json.find(&format!("\"{k}\":")))
            .collect();
        assert_eq!(at.len(), keys.len(), "{json}");
        assert!(
            at.windows(2).all(|w| w[0] < w[1]),
            "keys in byte order: {json}"
        );
        assert_eq!(
            parsed.get("method").and_then(|m| m.as_str()),
            Some(d.method())
        );
        // Serialised details deserialise (through validation) to the same value.
        let ser = serde_json::to_string(&d).unwrap_or_else(|e| panic!("{e}"));
        let back: PayeeDetails =
            serde_json::from_str(&ser).unwrap_or_else(|e| panic!("{ser}: {e}"));
        assert_eq!(back, d);
    }
}

#[test]
fn every_bad_field_is_reported_with_its_name() {
    let raw = RawPayeeDetails::Wire {
        holder: " ".into(),
        account_number: "12-34".into(),
        bank_name: "Bank".into(),
        bic: "BANKXX22".into(),
        bank_country: "UK".into(),
    };
    let errs = raw
        .validate()
        .err()
        .unwrap_or_else(|| panic!("must fail"))
        .0;
    let keys: Vec<&str> = errs.iter().map(|e| e.field.key()).collect();
    assert_eq!(keys, ["holder", "account_number", "bic", "bank_country"]);
    let msgs: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert_eq!(
        msgs,
        [
            "The account holder name is not valid. It is empty.",
            "The account number is not valid. It contains '-'; only letters A–Z and digits are allowed.",
            "The BIC (SWIFT code) is not valid. Characters 5 and 6 of a BIC are the bank's country, but 'XX' is \
             not an ISO 3166 country code.",
            "The bank country is not valid. 'UK' is not an ISO 3166 country code; enter two letters such as DE, \
             FR or GB.",
        ]
    );
}

#[test]
fn sepa_refusals() {
    let check = |raw: RawPayeeDetails, field: PayeeField, reason: FieldError| {
        let errs = raw.validate().err().map(|e| e.0).unwrap_or_default();
        assert_eq!(errs, vec![PayeeError { field, reason }]);
    };
    check(
        sepa("Zoë", "DE89370400440532013001", None),
        PayeeField::Iban,
        IbanError::Checksum.into(),
    );
    check(
        sepa("Zoë", "BR1800360305000010009795493C1", None),
        PayeeField::Iban,
        FieldError::NotSepa("BR".into()),
    );
    check(
        sepa("Zoë", "DE89370400440532013000", Some("DEUT")),
        PayeeField::Bic,
        BicError::Length(4).into(),
    );
    let msg = sepa("Zoë", "DE89370400440532013001", None)
        .validate()
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        msg.as_deref(),
        Some(
            "The IBAN is not valid. The IBAN checksum does not match, so a character is probably mistyped or two \
             are swapped."
        )
    );
}

#[test]
fn paypal_and_crypto() {
    let p = valid(&RawPayeeDetails::Paypal {
        email: " Jane.Doe@Example.COM ".into(),
    });
    assert_eq!(p.mask(), "J•••@example.com");
    assert!(
        matches!(&p, PayeeDetails::Paypal { email } if email.as_str() == "Jane.Doe@example.com")
    );
    let c = valid(&RawPayeeDetails::Crypto {
        network: "ethereum".into(),
        address: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed".into(),
    });
    assert_eq!(c.mask(), "0x5aae •••• eaed");
    let bad = RawPayeeDetails::Crypto {
        network: "dogecoin".into(),
        address: "D123".into(),
    };
    let errs = bad.validate().err().map(|e| e.0).unwrap_or_default();
    assert_eq!(
        errs.len(),
        1,
        "an unknown network is reported once, the address is not checked against it"
    );
    assert_eq!(errs[0].field, PayeeField::Network);
}

#[test]
fn bank_country_warning_is_separate_from_validation() {
    let d = valid(&sepa("Zoë", "DE89370400440532013000", Some("BNPAFRPP")));
    assert_eq!(
        d.check_bank_country(),
        Err(CountryMismatch {
            bic_country: "FR".into(),
            account_country: "DE".into()
        })
    );
}

#[test]
fn deserialising_invalid_details_fails_with_the_sentences() {
    let json = r#"{"method":"sepa","holder":"Zoë","iban":"DE89370400440532013001","bic":null}"#;
    let err = serde_json::from_str::<PayeeDetails>(json)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("The IBAN checksum does not match"), "{err}");
}
