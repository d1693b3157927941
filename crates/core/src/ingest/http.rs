//! Fetching one page over HTTP with explicit timeouts, capped full-jitter backoff and a retry budget.
//!
//! A page is only returned once its body has been read in full *and* parsed: a truncated or malformed body is
//! retried like a 5xx, and after the budget the caller gets an error that says which page and why.

use rand::Rng;
use reqwest::{RequestBuilder, StatusCode};
use std::time::{Duration, SystemTime};

/// Limits on one remote source. Every wait is bounded.
#[derive(Debug, Clone)]
pub struct HttpPolicy {
    pub connect_timeout: Duration,
    /// Longest silence while reading a response (a stalled or trickling server trips it).
    pub read_timeout: Duration,
    /// Longest time for one request, start to last byte.
    pub total_timeout: Duration,
    /// Attempts per page, the first included.
    pub attempts_max: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// A Retry-After longer than this fails the page instead of waiting.
    pub retry_after_max: Duration,
}

impl Default for HttpPolicy {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(20),
            total_timeout: Duration::from_secs(60),
            attempts_max: 4,
            backoff_base: Duration::from_millis(250),
            backoff_max: Duration::from_secs(10),
            retry_after_max: Duration::from_secs(120),
        }
    }
}

impl HttpPolicy {
    /// A policy for tests: small timeouts and quick retries.
    pub fn fast() -> Self {
        Self {
            connect_timeout: Duration::from_secs(2),
            read_timeout: Duration::from_millis(800),
            total_timeout: Duration::from_secs(5),
            attempts_max: 3,
            backoff_base: Duration::from_millis(5),
            backoff_max: Duration::from_millis(50),
            retry_after_max: Duration::from_secs(5),
        }
    }

    pub fn client(&self) -> reqwest::Result<reqwest::Client> {
        reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .read_timeout(self.read_timeout)
            .timeout(self.total_timeout)
            .user_agent(concat!("affops/", env!("CARGO_PKG_VERSION")))
            .build()
    }

    /// Capped full jitter: a uniform wait in [0, min(max, base * 2^retry)].
    fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .backoff_base
            .saturating_mul(1u32.checked_shl(retry.min(20)).unwrap_or(u32::MAX))
            .min(self.backoff_max);
        let ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::rng().random_range(0..=ms))
    }
}

/// Why a page could not be had, after every attempt the budget allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason} (after {attempts} attempt{})", if *attempts == 1 { "" } else { "s" })]
pub struct FetchError {
    pub attempts: u32,
    pub reason: String,
    /// The last body received, when there was one (kept in quarantine so nothing is lost).
    pub last_body: Option<Vec<u8>>,
    /// The HTTP status of the last response, when there was one.
    pub last_status: Option<u16>,
}

enum Failure {
    /// Worth another attempt, after at least this long.
    Retry(String, Option<Duration>),
    /// Another attempt would fail the same way (401, 404, 400).
    Fatal(String),
}

/// The body of the attempt at hand, if one was read.
type LastBody = Option<Vec<u8>>;

/// Parses `Retry-After`: delta-seconds or an HTTP-date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let when = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(when.timestamp()).ok()?);
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Sends the request `build()` makes until its body parses, within the policy's budget.
pub async fn fetch_page<T>(
    policy: &HttpPolicy,
    build: impl Fn() -> RequestBuilder,
    parse: impl Fn(&[u8]) -> Result<T, String>,
) -> Result<(Vec<u8>, T), FetchError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut last_body: LastBody = None;
        let mut last_status = None;
        let failure = match build().send().await {
            Err(e) => Failure::Retry(describe(e), None),
            Ok(resp) => {
                let status = resp.status();
                last_status = Some(status.as_u16());
                // An HTTP-date Retry-After is relative to the wall clock at the moment the answer arrives.
                #[allow(clippy::disallowed_methods)]
                let arrived = SystemTime::now();
                let retry_after = resp
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| parse_retry_after(v, arrived));
                match resp.bytes().await {
                    Err(e) => Failure::Retry(describe(e), None),
                    Ok(body) => {
                        last_body = Some(body.to_vec());
                        if status.is_success() {
                            match parse(&body) {
                                Ok(t) => return Ok((body.to_vec(), t)),
                                Err(why) => {
                                    Failure::Retry(format!("malformed response: {why}"), None)
                                }
                            }
                        } else {
                            classify(status, &body, retry_after)
                        }
                    }
                }
            }
        };
        match failure {
            Failure::Fatal(reason) => {
                return Err(FetchError {
                    attempts: attempt,
                    reason,
                    last_body,
                    last_status,
                })
            }
            Failure::Retry(reason, _) if attempt >= policy.attempts_max => {
                return Err(FetchError {
                    attempts: attempt,
                    reason,
                    last_body,
                    last_status,
                });
            }
            Failure::Retry(reason, Some(wait)) if wait > policy.retry_after_max => {
                return Err(FetchError {
                    attempts: attempt,
                    last_body,
                    last_status,
                    reason: format!(
                        "{reason}; the server asked to wait {}s, more than the {}s allowed",
                        wait.as_secs(),
                        policy.retry_after_max.as_secs()
                    ),
                });
            }
            Failure::Retry(_, wait) => {
                let jitter = policy.backoff(attempt - 1);
                tokio::time::sleep(wait.map_or(jitter, |w| w.max(jitter))).await;
            }
        }
    }
}

fn classify(status: StatusCode, body: &[u8], retry_after: Option<Duration>) -> Failure {
    let snippet: String = String::from_utf8_lossy(&body[..body.len().min(200)])
        .trim()
        .to_string();
    let reason = if snippet.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {status}: {snippet}")
    };
    match status {
        StatusCode::TOO_MANY_REQUESTS | StatusCode::REQUEST_TIMEOUT => {
            Failure::Retry(reason, retry_after)
        }
        s if s.is_server_error() => Failure::Retry(reason, retry_after),
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Failure::Fatal(format!(
            "{reason} (the API key was refused; check the source's credentials)"
        )),
        _ => Failure::Fatal(reason),
    }
}

/// What went wrong, without the request's URL: a key may travel in the query (TUNE's `api_key`).
fn describe(e: reqwest::Error) -> String {
    let e = e.without_url();
    if e.is_timeout() {
        "timed out (the server stalled or answered too slowly)".to_string()
    } else if e.is_connect() {
        "could not connect".to_string()
    } else if e.is_body() || e.is_decode() {
        "the connection broke while reading the response".to_string()
    } else {
        let mut s = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(inner) = src {
            s.push_str(": ");
            s.push_str(&inner.to_string());
            src = inner.source();
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470); // Wed, 21 Oct 2015 07:27:50 GMT
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn backoff_is_capped() {
        let p = HttpPolicy::default();
        for retry in 0..40 {
            assert!(p.backoff(retry) <= p.backoff_max);
        }
    }
}
