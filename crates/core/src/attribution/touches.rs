//! The touches the analysis considers (never payout): the carried click when it is inside the post-click
//! window, plus clicks from the player's IP and user agent before registration; first or last is selected per
//! the rules. The multi-touch report reads these touches back from the stored explanation.

use crate::attribution::types::{AttributionRules, ClickSelection, TouchAnalysis, TouchView};

use super::facts::{ClickFact, PlayerFacts, DAY_MS};

pub(super) fn analysis(facts: &PlayerFacts, rules: &AttributionRules) -> TouchAnalysis {
    let window_ms = i64::from(rules.post_click_window_days) * DAY_MS;
    let mut touches: Vec<TouchView> = Vec::new();
    if let Some((_, Some(c))) = &facts.click {
        let age = facts.registered_at_ms - c.clicked_at_ms;
        if (0..=window_ms).contains(&age) {
            touches.push(touch(c, "carried"));
        }
    }
    for c in &facts.ip_ua_clicks {
        if !touches.iter().any(|t| t.click_id == c.click_id) {
            touches.push(touch(c, "ip_ua"));
        }
    }
    touches.sort_by(|a, b| (a.clicked_at_ms, &a.click_id).cmp(&(b.clicked_at_ms, &b.click_id)));
    let selected = match rules.click_selection {
        ClickSelection::First => touches.first(),
        ClickSelection::Last => touches.last(),
    };
    TouchAnalysis {
        selection: rules.click_selection,
        selected_affiliate: selected.map(|t| t.affiliate.clone()),
        touches,
    }
}

fn touch(c: &ClickFact, matched_by: &str) -> TouchView {
    TouchView {
        click_id: c.click_id.clone(),
        affiliate: c.affiliate.external_id.clone(),
        clicked_at_ms: c.clicked_at_ms,
        matched_by: matched_by.to_owned(),
    }
}
