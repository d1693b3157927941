//! Fault injection: make a given page of a given stream misbehave, so connectors can be tested against the
//! failures real trackers produce (truncated bodies, 5xx, rate limits, hung requests).
//!
//! Rules are matched per (stream, page) in insertion order; the first live rule wins and its `times` counts down.
//! Two kinds change *which* rows a page holds rather than how it is delivered ([`FaultKind::DuplicatePage`],
//! [`FaultKind::PageDrift`]); [`FaultKind::rows_back`] says by how much, and the handlers apply it.

use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

/// Which paged endpoint a rule targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stream {
    Affiliates,
    Clicks,
    Conversions,
    Players,
    Deposits,
    Withdrawals,
    Activity,
    Ibs,
    Accounts,
    Symbols,
    Deals,
    /// Affise `GET /3.0/stats/conversions`.
    AffiseConversions,
    /// TUNE (HasOffers) `GET /Apiv3/json?Target=Conversion&Method=findAll`.
    TuneConversions,
    /// Everflow-style `POST /v1/networks/reporting/conversions/changes`.
    ConversionChanges,
}

/// How the targeted page fails. In JSON: `{"type":"http429","retry_after_secs":2}`, `{"type":"stall"}`, …
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum FaultKind {
    /// 200 with a JSON content type and the real body cut in half.
    MalformedJson,
    /// 500 with a JSON error body.
    Http500,
    /// The request is accepted and never answered, until the server shuts down.
    Stall,
    /// 429 with a `Retry-After` header.
    Http429 { retry_after_secs: u32 },
    /// 429 with `Retry-After` as an HTTP-date (`Sun, 06 Nov 1994 08:49:37 GMT`), now + the given seconds.
    Http429Date { retry_after_secs: u32 },
    /// 503 with a JSON error body and no Retry-After.
    Http503,
    /// 200 and the real body, one byte at a time at this rate (clamped to 1..=[`TRICKLE_BYTES_PER_SEC_MAX`]).
    Trickle { bytes_per_sec: u32 },
    /// 200, `Content-Length` of the whole body, then half of it and the connection closes.
    Truncated,
    /// Page N answers with page N−1's rows (page 1 is served normally); the next cursor is still page N+1's.
    DuplicatePage,
    /// Rows shift by one, as if a row was inserted at the head while the client was paging: the page starts
    /// with the previous page's last row.
    PageDrift,
    /// The connection is dropped without a complete response.
    ConnectionReset,
}

/// Trickle faster than this is not a trickle; the cap also keeps a mistyped rule from being a no-op.
pub const TRICKLE_BYTES_PER_SEC_MAX: u32 = 1_000;

impl FaultKind {
    /// How many rows earlier than requested this fault makes a page of `page_size` rows start.
    pub(crate) fn rows_back(kind: Option<FaultKind>, page: u32, page_size: usize) -> usize {
        match kind {
            Some(FaultKind::DuplicatePage) if page > 1 => page_size,
            Some(FaultKind::PageDrift) if page > 1 => 1,
            _ => 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    pub stream: Stream,
    /// 1-based page number of that stream (for cursor streams: 1 for the first page, 2 for the next, …).
    pub page: u32,
    pub kind: FaultKind,
    /// `None` = every time; `Some(n)` = the first n requests of that page, then normal.
    #[serde(default)]
    pub times: Option<u32>,
}

/// A shared, cheaply cloned handle on the server's fault rules.
#[derive(Debug, Clone, Default)]
pub struct Faults(Arc<Mutex<Vec<FaultRule>>>);

impl Faults {
    pub fn push(&self, rule: FaultRule) {
        self.rules().push(rule);
    }

    pub fn clear(&self) {
        self.rules().clear();
    }

    /// Replaces every rule at once (what `POST /sandbox/faults` does).
    pub fn replace(&self, rules: Vec<FaultRule>) {
        *self.rules() = rules;
    }

    /// The fault to apply to this request, if any, consuming one use of the matching rule.
    pub(crate) fn take(&self, stream: Stream, page: u32) -> Option<FaultKind> {
        let mut rules = self.rules();
        let index = rules
            .iter()
            .position(|r| r.stream == stream && r.page == page && r.times != Some(0))?;
        let rule = &mut rules[index];
        let kind = rule.kind;
        if let Some(times) = rule.times.as_mut() {
            *times -= 1;
            if *times == 0 {
                rules.remove(index);
            }
        }
        Some(kind)
    }

    fn rules(&self) -> MutexGuard<'_, Vec<FaultRule>> {
        // A panic while holding this lock cannot leave the Vec inconsistent, so poisoning is safe to ignore.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(times: Option<u32>) -> FaultRule {
        FaultRule {
            stream: Stream::Clicks,
            page: 2,
            kind: FaultKind::Http500,
            times,
        }
    }

    #[test]
    fn counted_rule_fires_exactly_that_many_times() {
        // A connector's retry test depends on "fails n times, then serves": an off-by-one makes it flaky or vacuous.
        let faults = Faults::default();
        faults.push(rule(Some(2)));
        assert_eq!(faults.take(Stream::Clicks, 2), Some(FaultKind::Http500));
        assert_eq!(faults.take(Stream::Clicks, 2), Some(FaultKind::Http500));
        assert_eq!(faults.take(Stream::Clicks, 2), None);
    }

    #[test]
    fn rule_only_hits_its_stream_and_page() {
        let faults = Faults::default();
        faults.push(rule(None));
        assert_eq!(faults.take(Stream::Clicks, 1), None);
        assert_eq!(faults.take(Stream::Conversions, 2), None);
        assert_eq!(faults.take(Stream::Clicks, 2), Some(FaultKind::Http500));
        assert_eq!(faults.take(Stream::Clicks, 2), Some(FaultKind::Http500));
        faults.clear();
        assert_eq!(faults.take(Stream::Clicks, 2), None);
    }

    #[test]
    fn rules_round_trip_through_json_in_snake_case() {
        // Tools post rules as JSON; pin the wire shape so they do not silently stop matching.
        let json = r#"[{"stream":"clicks","page":3,"kind":{"type":"http429","retry_after_secs":2},"times":1},
                       {"stream":"players","page":1,"kind":{"type":"malformed_json"}}]"#;
        let rules: Vec<FaultRule> = serde_json::from_str(json).unwrap();
        assert_eq!(
            rules[0].kind,
            FaultKind::Http429 {
                retry_after_secs: 2
            }
        );
        assert_eq!(rules[1].stream, Stream::Players);
        assert_eq!(rules[1].times, None);
    }
}
