//! Postback firing: the world's conversions replayed as S2S postbacks (HTTP GET) to `{target}/postback/{dialect}`
//! in one of four tracker dialects, so Affops' listener can be tested against what trackers really send —
//! duplicates (1–5×), shuffled order, concurrency, an optional token, optional HMAC-SHA256 signing, and the
//! "unreplaced macro" failure where a literal like `{subacc4}` arrives instead of a value.
//!
//! A conversion whose status changed late is sent twice in dialects that carry a status (first pending, then
//! approved), as the tracker would. The firing order is a seeded shuffle, so a failing run can be replayed.
//! Signature: header `X-Affops-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<path?query>">`.

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use hmac::{Hmac, Mac};
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::world::{Conversion, ConversionStatus, World};

/// Each conversion is delivered at most this many times.
pub const DUPLICATES_MAX: u8 = 5;
/// In-flight requests at most.
pub const CONCURRENCY_MAX: usize = 64;
/// Per-request budget: a listener slower than this counts as a failure, the run goes on.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
pub const SIGNATURE_HEADER: &str = "X-Affops-Signature";
/// Everflow's network id sent as `nid`.
const EVERFLOW_NID: &str = "1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dialect {
    Everflow,
    Voluum,
    Keitaro,
    Affise,
}

impl Dialect {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Everflow => "everflow",
            Self::Voluum => "voluum",
            Self::Keitaro => "keitaro",
            Self::Affise => "affise",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Everflow, Self::Voluum, Self::Keitaro, Self::Affise]
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The parameter an unreplaced-macro delivery spoils, and the literal it carries instead.
    fn macro_victim(self) -> (&'static str, &'static str) {
        match self {
            Self::Everflow => ("adv4", "{subacc4}"),
            Self::Voluum => ("payout", "{payout}"),
            Self::Keitaro => ("subid", "{subid}"),
            Self::Affise => ("sub4", "{sub4}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostbackOptions {
    /// Deliveries per conversion, clamped to 1..=[`DUPLICATES_MAX`].
    pub duplicates: u8,
    /// Fire in a seeded random order instead of conversion-time order.
    pub shuffle: bool,
    pub shuffle_seed: u64,
    /// In-flight requests, clamped to 1..=[`CONCURRENCY_MAX`].
    pub concurrency: usize,
    /// Sent as `token=` (Everflow: `verification_token=`).
    pub token: Option<String>,
    /// Signs every request with HMAC-SHA256 under this secret.
    pub secret: Option<String>,
    /// This many deliveries (the first ones fired) carry an unreplaced macro literal.
    pub unreplaced_macros: u32,
}

impl Default for PostbackOptions {
    fn default() -> Self {
        Self {
            duplicates: 1,
            shuffle: false,
            shuffle_seed: 0,
            concurrency: 8,
            token: None,
            secret: None,
            unreplaced_macros: 0,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PostbackReport {
    /// Requests that got an HTTP answer (any status).
    pub sent: u64,
    /// Requests that got none (connection error, timeout).
    pub failed: u64,
    /// HTTP status → count.
    pub by_status: BTreeMap<u16, u64>,
}

/// `application/x-www-form-urlencoded`-style escaping of everything but RFC 3986 unreserved characters.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn amount(value: rust_decimal::Decimal) -> String {
    crate::truth::format_amount(value)
}

/// The query parameters one delivery of `c` carries in `dialect`, with `status` as reported at that moment.
pub(crate) fn params(
    world: &World,
    c: &Conversion,
    status: ConversionStatus,
    dialect: Dialect,
    token: Option<&str>,
) -> Vec<(&'static str, String)> {
    let currency = world.program.currency.clone();
    let promo = c.coupon_code.clone();
    let mut p: Vec<(&'static str, String)> = match dialect {
        Dialect::Everflow => vec![
            ("nid", EVERFLOW_NID.to_owned()),
            ("transaction_id", c.transaction_id.clone()),
            ("amount", amount(c.sale_amount)),
            ("adv1", c.player_id.clone()),
            ("adv2", c.deposit_id.clone()),
            ("adv3", c.conversion_id.clone()),
            ("adv4", String::new()),
            ("adv5", String::new()),
            ("coupon_code", promo),
            ("verification_token", token.unwrap_or_default().to_owned()),
        ],
        Dialect::Voluum => vec![
            ("cid", c.transaction_id.clone()),
            ("payout", amount(c.payout)),
            ("txid", c.deposit_id.clone()),
            ("currency", currency),
            ("et", "ftd".to_owned()),
        ],
        Dialect::Keitaro => vec![
            ("subid", c.transaction_id.clone()),
            (
                "status",
                match status {
                    ConversionStatus::Approved => "sale",
                    ConversionStatus::Pending => "lead",
                    ConversionStatus::Rejected => "rejected",
                }
                .to_owned(),
            ),
            ("payout", amount(c.payout)),
            ("currency", currency),
            ("tid", c.deposit_id.clone()),
        ],
        Dialect::Affise => vec![
            ("clickid", c.transaction_id.clone()),
            ("status", status.affise_code().to_string()),
            ("sum", amount(c.sale_amount)),
            ("currency", currency),
            ("transactionid", c.deposit_id.clone()),
            ("sub1", c.sub1.clone()),
            ("sub2", c.sub2.clone()),
            ("sub3", c.sub3.clone()),
            ("sub4", c.sub4.clone()),
            ("sub5", c.sub5.clone()),
            ("promo_code", promo),
            ("ip", c.conversion_user_ip.clone()),
            ("goal", "ftd".to_owned()),
        ],
    };
    if dialect != Dialect::Everflow {
        if let Some(token) = token {
            p.push(("token", token.to_owned()));
        }
    }
    p
}

/// `k=v&…`, each value percent-encoded.
pub(crate) fn query(params: &[(&'static str, String)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `path?query` for one delivery; a spoiled delivery carries the macro literal raw, as trackers send it.
fn path_and_query(dialect: Dialect, params: &[(&'static str, String)], spoil: bool) -> String {
    let (victim, literal) = dialect.macro_victim();
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| {
            if spoil && *k == victim {
                format!("{k}={literal}")
            } else {
                format!("{k}={}", encode(v))
            }
        })
        .collect();
    format!("/postback/{}?{}", dialect.as_str(), query.join("&"))
}

/// The `X-Affops-Signature` value for `path_and_query` at unix time `t`.
pub fn signature(secret: &str, t: i64, path_and_query: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail; an empty MAC would only make verification fail.
    let hex = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map(|mut mac| {
            mac.update(format!("{t}.{path_and_query}").as_bytes());
            hex::encode(mac.finalize().into_bytes())
        })
        .unwrap_or_default();
    format!("t={t},v1={hex}")
}

/// Every delivery's `path?query`, in firing order.
pub fn deliveries(world: &World, dialect: Dialect, options: &PostbackOptions) -> Vec<String> {
    let copies = options.duplicates.clamp(1, DUPLICATES_MAX);
    let carries_status = matches!(dialect, Dialect::Keitaro | Dialect::Affise);
    let token = options.token.as_deref();
    let mut list: Vec<Vec<(&'static str, String)>> = Vec::new();
    for c in &world.conversions {
        let mut statuses = vec![c.status];
        if carries_status && c.initial_status != c.status {
            statuses.insert(0, c.initial_status);
        }
        for status in statuses {
            for _ in 0..copies {
                list.push(params(world, c, status, dialect, token));
            }
        }
    }
    if options.shuffle {
        let mut rng =
            <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(options.shuffle_seed);
        list.shuffle(&mut rng);
    }
    list.iter()
        .enumerate()
        .map(|(i, p)| {
            path_and_query(
                dialect,
                p,
                (i as u64) < u64::from(options.unreplaced_macros),
            )
        })
        .collect()
}

/// Fires every delivery at `{target_base_url}/postback/{dialect}` and counts the answers. Never panics on a bad
/// listener: errors are counted as `failed`.
pub async fn fire_postbacks(
    world: &World,
    target_base_url: &str,
    dialect: Dialect,
    options: &PostbackOptions,
) -> PostbackReport {
    let client = match reqwest::Client::builder().timeout(REQUEST_TIMEOUT).build() {
        Ok(client) => client,
        Err(_) => return PostbackReport::default(),
    };
    let base = target_base_url.trim_end_matches('/').to_owned();
    let concurrency = options.concurrency.clamp(1, CONCURRENCY_MAX);
    let results: Vec<Option<u16>> = stream::iter(deliveries(world, dialect, options))
        .map(|pq| {
            let mut request = client.get(format!("{base}{pq}"));
            if let Some(secret) = &options.secret {
                let t = chrono::Utc::now().timestamp();
                request = request.header(SIGNATURE_HEADER, signature(secret, t, &pq));
            }
            async move { request.send().await.ok().map(|r| r.status().as_u16()) }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let mut report = PostbackReport::default();
    for result in results {
        match result {
            Some(status) => {
                report.sent += 1;
                *report.by_status.entry(status).or_default() += 1;
            }
            None => report.failed += 1,
        }
    }
    report
}
