//! One request, from raw HTTP parts to a validated record, in the documented order: limits, source, IP
//! allow-list, token, signature, parameters, dialect. Also what the log keeps of a request: secrets redacted,
//! sizes capped. Pure: no I/O, no clock (the arrival time is passed in).

use super::auth::{check_ip, check_signature, check_token};
use super::config::SourceRuntime;
use super::dialect::{validate, PostbackRecord};
use super::params::{parse_json, parse_query};
use super::writer::LogEntry;
use super::{PostbackCredentials, Rejection, BODY_MAX_BYTES, LOG_BODY_MAX_BYTES, QUERY_LEN_MAX};
use axum::body::Bytes;
use axum::http::{HeaderMap, Method};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

/// Parameter names whose values never reach the log or the raw archive.
const REDACTED_PARAMS: &[&str] = &["token", "verification_token", "signature", "sig", "secret"];
const TOKEN_HEADER: &str = "x-affops-token";
const SIGNATURE_HEADER: &str = "x-affops-signature";
/// Longest source name kept in the log (an unknown one is whatever the sender put in the path).
const LOG_SOURCE_MAX_BYTES: usize = 128;

/// The parts of an HTTP request the listener looks at. `body` is `None` when it exceeded [`BODY_MAX_BYTES`].
pub struct Request<'a> {
    pub peer: IpAddr,
    pub method: &'a Method,
    pub path: &'a str,
    pub query: &'a str,
    pub headers: &'a HeaderMap,
    pub body: Option<&'a Bytes>,
    pub received_at_ms: i64,
}

fn secrets_of(creds: &PostbackCredentials) -> Vec<&str> {
    [&creds.token, &creds.hmac_current, &creds.hmac_previous]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect()
}

/// Replaces the values of secret-bearing parameters in a query or form text, and any literal occurrence of
/// the source's secrets (a sender may have put them somewhere unexpected).
fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if REDACTED_PARAMS.contains(&k.to_ascii_lowercase().as_str()) => {
                format!("{k}=REDACTED")
            }
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&");
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        out = out.replace(s, "REDACTED");
    }
    out
}

fn cap(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push_str("…[truncated]");
    }
    s
}

/// What the log (and the raw archive) keeps of a request.
pub fn log_entry(
    req: &Request<'_>,
    source: &str,
    creds: &PostbackCredentials,
    started: Instant,
) -> LogEntry {
    let secrets = secrets_of(creds);
    LogEntry {
        received_at_ms: req.received_at_ms,
        started,
        source: cap(source.to_string(), LOG_SOURCE_MAX_BYTES),
        remote_ip: req.peer.to_string(),
        method: req.method.as_str().to_string(),
        path_query: cap(
            format!("{}?{}", req.path, redact(req.query, &secrets)),
            LOG_BODY_MAX_BYTES,
        ),
        body: req
            .body
            .map(|b| {
                cap(
                    redact(&String::from_utf8_lossy(b), &secrets),
                    LOG_BODY_MAX_BYTES,
                )
            })
            .unwrap_or_default(),
    }
}

/// The value of one parameter, found without parsing the rest (which may be malformed, and is reported
/// only after authentication).
fn raw_param(query: &str, key: &str) -> Option<String> {
    let pair = query
        .split('&')
        .find(|p| p.split_once('=').map(|(k, _)| k) == Some(key))?;
    parse_query(pair).ok()?.get(key).map(str::to_string)
}

/// Runs every check in order; the first failure is the answer.
pub fn check(
    req: &Request<'_>,
    src: Option<Arc<SourceRuntime>>,
    source: &str,
    creds: &PostbackCredentials,
) -> Result<(Arc<SourceRuntime>, PostbackRecord), Rejection> {
    if req.query.len() > QUERY_LEN_MAX {
        return Err(Rejection::bad(format!(
            "the query is longer than {QUERY_LEN_MAX} bytes"
        )));
    }
    let body = req
        .body
        .ok_or_else(|| Rejection::bad(format!("the body is larger than {BODY_MAX_BYTES} bytes")))?;
    let src = src.ok_or_else(|| {
        Rejection::not_found(format!(
            "unknown source '{}'",
            cap(source.to_string(), LOG_SOURCE_MAX_BYTES)
        ))
    })?;
    check_ip(&src.rules, src.allow_any_ip, req.peer)?;
    let has_secret = creds.hmac_current.is_some() || creds.hmac_previous.is_some();
    if creds.token.is_none() && !has_secret {
        return Err(Rejection::unauthorized(
            "no token or HMAC secret is configured for this source",
        ));
    }
    let presented = req
        .headers
        .get(TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| raw_param(req.query, "token"))
        .or_else(|| raw_param(req.query, "verification_token"));
    check_token(creds.token.as_deref(), presented.as_deref())?;
    let signature = req
        .headers
        .get(SIGNATURE_HEADER)
        .map(|v| v.to_str().unwrap_or("<not text>"));
    if src.hmac_required && !has_secret {
        return Err(Rejection::unauthorized(
            "HMAC is required but no secret is configured",
        ));
    }
    // A signature that is present is always checked, required or not: a bad one never passes silently.
    if src.hmac_required || (signature.is_some() && has_secret) {
        let signed = if req.method == Method::POST {
            body.to_vec()
        } else {
            format!("{}?{}", req.path, req.query).into_bytes()
        };
        check_signature(
            signature,
            &signed,
            req.received_at_ms,
            [
                creds.hmac_current.as_deref(),
                creds.hmac_previous.as_deref(),
            ],
        )?;
    }
    let params = if req.method == Method::POST {
        let is_json = req
            .headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.contains("json"));
        if is_json {
            parse_json(body)?
        } else {
            let text = std::str::from_utf8(body)
                .map_err(|_| Rejection::bad("the form body is not UTF-8"))?;
            parse_query(text)?
        }
    } else {
        parse_query(req.query)?
    };
    let record = validate(src.dialect, &params, &src.default_currency)?;
    Ok((src, record))
}

/// A pixel hit (`GET /pixel/{source}.gif`), fired by the player's browser: it may come from any address (no IP
/// allow-list) and cannot be signed (no HMAC), so it needs the source's token in its query — a source that takes
/// signed postbacks only refuses pixels. Its parameters are the dialect's, checked as a postback's (sizes,
/// repeats, unreplaced macros).
pub fn check_pixel(
    req: &Request<'_>,
    src: Option<Arc<SourceRuntime>>,
    source: &str,
    creds: &PostbackCredentials,
) -> Result<(Arc<SourceRuntime>, PostbackRecord), Rejection> {
    if req.query.len() > QUERY_LEN_MAX {
        return Err(Rejection::bad(format!(
            "the query is longer than {QUERY_LEN_MAX} bytes"
        )));
    }
    let src = src.ok_or_else(|| {
        Rejection::not_found(format!(
            "unknown source '{}'",
            cap(source.to_string(), LOG_SOURCE_MAX_BYTES)
        ))
    })?;
    let Some(token) = creds.token.as_deref() else {
        return Err(Rejection::unauthorized(
            "pixels need the source's token in the query (a browser cannot sign); this source has none",
        ));
    };
    let presented =
        raw_param(req.query, "token").or_else(|| raw_param(req.query, "verification_token"));
    check_token(Some(token), presented.as_deref())?;
    let params = parse_query(req.query)?;
    let record = validate(src.dialect, &params, &src.default_currency)?;
    Ok((src, record))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_covers_named_parameters_and_literal_secrets() {
        let r = redact(
            "a=1&token=abc&Signature=x&b=s3cr3t-value",
            &["s3cr3t-value"],
        );
        assert_eq!(r, "a=1&token=REDACTED&Signature=REDACTED&b=REDACTED");
        assert_eq!(cap("ééé".into(), 3), "é…[truncated]");
    }
}
