//! `serve-postbacks` (run the listener until Ctrl-C, one line per request) and `postback-log` (page through the
//! request log). Secrets given on the command line stay in this process's memory ([`MemorySecrets`]); the
//! desktop app keeps them in the OS keychain instead.

use affops_core::api::{
    ApiError, Dialect, ErrorCode, PostbackLogFilter, PostbackLogRow, PostbackOutcome,
    PostbackSourceConfig,
};
use affops_core::ops::{self, Ctx};
use affops_core::postback::{AckMode, ListenerOptions, MemorySecrets, PostbackCredentials};
use clap::Args;
use std::sync::Arc;

#[derive(Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0 picks a free one and prints it).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// A source and its dialect, e.g. `keitaro-main=keitaro` (everflow, voluum, keitaro, affise, binom,
    /// prosper202). Repeat for several; they share the options below.
    #[arg(long = "source", value_name = "NAME=DIALECT", required = true)]
    sources: Vec<String>,
    /// Token the tracker must send (`token=` or header X-Affops-Token).
    #[arg(long)]
    token: Option<String>,
    /// HMAC-SHA256 secret; when given, every request must carry a valid X-Affops-Signature.
    #[arg(long)]
    secret: Option<String>,
    /// The secret being rotated out, still accepted.
    #[arg(long)]
    previous_secret: Option<String>,
    /// Addresses or CIDR blocks allowed to post. Without any (and without --allow-any-ip) everyone is denied.
    #[arg(long = "allow-ip", value_name = "IP")]
    allow_ips: Vec<String>,
    /// Accept every address (the token and signature still apply).
    #[arg(long, conflicts_with = "allow_ips")]
    allow_any_ip: bool,
    /// Currency of postbacks that name none.
    #[arg(long, default_value = "EUR")]
    currency: String,
    /// fsync every batch before answering 200 (survives power loss; slower).
    #[arg(long)]
    synced: bool,
}

#[derive(Args)]
pub struct LogArgs {
    #[arg(long)]
    source: Option<String>,
    /// recorded, updated, duplicate, stale or rejected.
    #[arg(long)]
    outcome: Option<String>,
    /// Text to find in the request, body or reason.
    #[arg(long)]
    text: Option<String>,
    #[arg(long, default_value_t = 1)]
    page: u32,
    #[arg(long, default_value_t = 50)]
    page_size: u32,
    /// Print the page as JSON.
    #[arg(long)]
    pub json: bool,
}

fn invalid(msg: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, msg)
}

fn line(r: &PostbackLogRow) -> String {
    let at = chrono::DateTime::from_timestamp_millis(r.received_at_ms)
        .map(|t| t.format("%H:%M:%S%.3f").to_string())
        .unwrap_or_default();
    let conv = r
        .conversion_id
        .map(|c| format!(" conversion {c}"))
        .unwrap_or_default();
    format!(
        "{at} {:<15} {:<16} {} {:<9} {:>6}µs{conv} {}",
        r.remote_ip,
        r.source,
        r.status_code,
        r.outcome.as_str(),
        r.latency_us,
        r.reason
    )
}

pub async fn serve(cx: &Ctx, args: ServeArgs) -> Result<(), ApiError> {
    let secrets = Arc::new(MemorySecrets::default());
    let mut sources = Vec::new();
    for spec in &args.sources {
        let (name, dialect) = spec
            .split_once('=')
            .ok_or_else(|| invalid(format!("--source {spec}: expected NAME=DIALECT")))?;
        let dialect = Dialect::parse(dialect)
            .ok_or_else(|| invalid(format!("--source {spec}: unknown dialect '{dialect}'")))?;
        sources.push(PostbackSourceConfig {
            name: name.to_string(),
            program: String::new(), // the session's program
            dialect,
            allow_ips: args.allow_ips.clone(),
            allow_any_ip: args.allow_any_ip,
            hmac_required: args.secret.is_some(),
            default_currency: args.currency.clone(),
        });
        secrets.set(
            name,
            PostbackCredentials {
                token: args.token.clone(),
                hmac_current: args.secret.clone(),
                hmac_previous: args.previous_secret.clone(),
            },
        );
    }
    let mut opts = ListenerOptions::new(args.port);
    opts.ack = if args.synced {
        AckMode::Synced
    } else {
        AckMode::Committed
    };
    opts.observer = Some(Arc::new(|r: &PostbackLogRow| println!("{}", line(r))));
    let handle = ops::sources::serve_postbacks(cx, sources, secrets, opts).await?;
    let addr = handle.local_addr();
    for spec in &args.sources {
        let (name, _) = spec.split_once('=').unwrap_or((spec, ""));
        println!("listening: http://{addr}/postback/{name}");
        if args.token.is_some() {
            println!("  pixel:   http://{addr}/pixel/{name}.gif?token=… (browser pixels: recorded as arrival pixel)");
        }
    }
    if args.allow_ips.is_empty() && !args.allow_any_ip {
        println!("warning: no --allow-ip given: every request will be refused with 403 (use --allow-ip 127.0.0.1 or --allow-any-ip)");
    }
    if args.token.is_none() && args.secret.is_none() {
        println!(
            "warning: neither --token nor --secret given: every request will be refused with 401"
        );
    }
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("cannot wait for Ctrl-C: {e}")))?;
    let s = handle.stop().await?;
    println!(
        "stopped: {} recorded, {} updated, {} duplicates, {} stale, {} rejected, {} overloaded",
        s.recorded, s.updated, s.duplicates, s.stale, s.rejected, s.overloaded
    );
    Ok(())
}

pub fn log(cx: &Ctx, args: LogArgs) -> Result<(), ApiError> {
    let outcome = match args.outcome.as_deref() {
        None => None,
        Some(o) => Some(
            PostbackOutcome::parse(o).ok_or_else(|| invalid(format!("unknown outcome '{o}'")))?,
        ),
    };
    let filter = PostbackLogFilter {
        source: args.source,
        outcome,
        text: args.text,
        page: args.page,
        page_size: args.page_size,
    };
    let page = ops::sources::postback_log(cx, filter)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&page)
                .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?
        );
        return Ok(());
    }
    for r in &page.rows {
        println!("{}  {} {}", line(r), r.method, r.path_query);
    }
    println!(
        "page {} of {} rows ({} per page)",
        page.page, page.total, page.page_size
    );
    Ok(())
}
