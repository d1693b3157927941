//! Rule-body validation (every problem named by field, for the form and the CLI) and btag reading.

use super::rules::default_rules;

#[test]
fn default_rules_are_valid_and_round_trip() {
    let body = serde_json::to_value(default_rules()).unwrap();
    assert_eq!(super::rules::validate(&body).unwrap(), default_rules());
}

/// Every problem is reported, each naming its field, so the form can show it beside the input.
#[test]
fn validation_messages_name_the_field() {
    let body = serde_json::json!({
        "click_id": "yes", "btag": true, "promo_code": true, "priority": "promo_first",
        "post_click_window_days": 0, "click_selection": "last", "ip_ua_window_hours": 9999,
        "colour": "red"
    });
    let errors = super::rules::validate(&body).unwrap_err();
    let got: Vec<(String, String)> = errors.into_iter().map(|e| (e.field, e.message)).collect();
    let expect = [
        ("colour", "is not a rule field (known: click_id, btag, promo_code, priority, post_click_window_days, click_selection, ip_ua_window_hours, keep_first_referrer)"),
        ("click_id", "must be true or false, not \"yes\""),
        ("priority", "must be one of click_wins, promo_wins, promo_wins_except_sub_affiliate, not \"promo_first\""),
        ("post_click_window_days", "must be a whole number of days from 1 to 365, not 0"),
        ("ip_ua_window_hours", "must be a whole number of hours from 0 to 720, not 9999"),
        ("keep_first_referrer", "is missing"),
    ];
    assert_eq!(
        got,
        expect.map(|(f, m)| (f.to_owned(), m.to_owned())).to_vec()
    );
    let mut none = serde_json::to_value(default_rules()).unwrap();
    for k in ["click_id", "btag", "promo_code"] {
        none[k] = false.into();
    }
    let errors = super::rules::validate(&none).unwrap_err();
    assert_eq!(errors[0].field, "click_id");
    assert!(errors[0].message.contains("every player would be organic"));
    assert_eq!(
        super::rules::validate(&serde_json::json!([1])).unwrap_err()[0].field,
        "(body)"
    );
}

#[test]
fn btag_parsing() {
    use super::decide::btag_affiliate;
    assert_eq!(btag_affiliate("a502-b1-p0-cIE"), Some("502"));
    assert_eq!(btag_affiliate("A7"), Some("7"));
    assert_eq!(btag_affiliate("b502-a1"), None);
    assert_eq!(btag_affiliate("a-b1"), None);
    assert_eq!(btag_affiliate("a5x-b1"), None);
}
