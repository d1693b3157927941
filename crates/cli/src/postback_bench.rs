//! Benchmark B3: postbacks/s and latency of the listener with HMAC on, against a do-nothing axum handler
//! measured in the same run with the same client (the peer: what the HTTP stack alone costs here). The client is a
//! minimal keep-alive HTTP/1.1 loop in the same process, so most of the 2 cores go to the server under test.
//!
//! `cargo run --release -p affops-cli --bin affops-postback-bench -- --requests 200000 --clients 32`
//!
//! Every request is unique (its own txid), signed in advance so the client's signing is not timed, and sent
//! over keep-alive connections. Each run starts from an empty store with 10,000 known clicks.

use affops_core::api::{Dialect, PostbackSourceConfig};
use affops_core::audit::Stamp;
use affops_core::postback::{
    self, auth::sign, AckMode, ListenerOptions, MemorySecrets, PostbackCredentials,
};
use affops_core::workspace::{ProgramSpec, Workspace};
use anyhow::{ensure, Context, Result};
use clap::Parser;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLICKS: usize = 10_000;
const TOKEN: &str = "bench-token-0123456789";
const SECRET: &str = "bench-secret-0123456789";
const WARMUP: usize = 2_000;

#[derive(Parser)]
#[command(about = "B3: postback listener throughput and latency vs a trivial axum handler")]
struct Args {
    /// Signed postbacks per measured run.
    #[arg(long, default_value_t = 200_000)]
    requests: usize,
    /// Concurrent keep-alive clients.
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// Also measure with an fsync per batch (`synchronous=FULL`).
    #[arg(long)]
    synced: bool,
}

struct Run {
    label: String,
    secs: f64,
    latencies_us: Vec<u32>,
    non_200: usize,
}

impl Run {
    fn rps(&self) -> f64 {
        self.latencies_us.len() as f64 / self.secs
    }
    fn pct(&self, p: f64) -> f64 {
        let i = ((self.latencies_us.len() as f64 - 1.0) * p).round() as usize;
        f64::from(self.latencies_us[i]) / 1000.0
    }
    fn print(&self) {
        println!(
            "{:<28} {:>9.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  max {:>7.2} ms  non-200 {}",
            self.label,
            self.rps(),
            self.pct(0.50),
            self.pct(0.99),
            f64::from(*self.latencies_us.last().unwrap_or(&0)) / 1000.0,
            self.non_200
        );
    }
}

/// The signed requests: (path and query, signature header).
fn requests(from: usize, n: usize) -> Vec<(String, String)> {
    let t = chrono::Utc::now().timestamp();
    (from..from + n)
        .map(|i| {
            let pq = format!(
                "/postback/bench?subid=c{}&status=sale&payout=12.50&currency=EUR&tid=tx-{i}&token={TOKEN}",
                i % CLICKS
            );
            let (path, query) = pq.split_once('?').unwrap_or((&pq, ""));
            let v1 = sign(SECRET, t, format!("{path}?{query}").as_bytes());
            (pq, format!("t={t},v1={v1}"))
        })
        .collect()
}

/// One keep-alive HTTP/1.1 connection that sends a GET and reads its answer, nothing more: the load generator
/// shares the 2 cores with the listener, so it is kept as lean as `wrk`-style tools are (no URL parsing, pool or
/// header map per request), leaving the cores to the server under test. Peer and ours use the same client.
struct Connection {
    stream: tokio::net::TcpStream,
    buf: Vec<u8>,
    host: String,
}

impl Connection {
    async fn open(addr: &str) -> Result<Self> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Self {
            stream,
            buf: Vec::with_capacity(4096),
            host: addr.to_string(),
        })
    }

    /// Sends `GET pq` with the signature header; returns the status code once the whole answer is read.
    async fn get(&mut self, pq: &str, sig: &str) -> Result<u16> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let request = format!(
            "GET {pq} HTTP/1.1\r\nHost: {}\r\nX-Affops-Signature: {sig}\r\n\r\n",
            self.host
        );
        self.stream.write_all(request.as_bytes()).await?;
        self.buf.clear();
        let head_end = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 4096];
            let n = self.stream.read(&mut chunk).await?;
            ensure!(n > 0, "the server closed the connection mid-answer");
            self.buf.extend_from_slice(&chunk[..n]);
        };
        let head =
            std::str::from_utf8(&self.buf[..head_end]).context("answer head is not UTF-8")?;
        let status: u16 = head
            .get(9..12)
            .and_then(|c| c.parse().ok())
            .with_context(|| format!("no status in {head:?}"))?;
        let length: usize = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })
            .with_context(|| format!("no content-length in {head:?}"))?;
        let mut have = self.buf.len() - head_end;
        while have < length {
            let mut chunk = [0u8; 4096];
            let n = self.stream.read(&mut chunk).await?;
            ensure!(n > 0, "the server closed the connection mid-body");
            have += n;
        }
        Ok(status)
    }
}

async fn load(
    addr: &str,
    reqs: Arc<Vec<(String, String)>>,
    clients: usize,
    label: &str,
) -> Result<Run> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (next, reqs, addr) = (next.clone(), reqs.clone(), addr.to_string());
        tasks.spawn(async move {
            let mut conn = Connection::open(&addr).await?;
            let mut lat = Vec::with_capacity(reqs.len() / clients + 1);
            let mut non_200 = 0;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((pq, sig)) = reqs.get(i) else { break };
                let t0 = Instant::now();
                let status = conn.get(pq, sig).await?;
                lat.push(u32::try_from(t0.elapsed().as_micros()).unwrap_or(u32::MAX));
                non_200 += usize::from(status != 200);
            }
            anyhow::Ok((lat, non_200))
        });
    }
    let mut latencies_us = Vec::with_capacity(reqs.len());
    let mut non_200 = 0;
    while let Some(r) = tasks.join_next().await {
        let (l, n) = r??;
        latencies_us.extend(l);
        non_200 += n;
    }
    let secs = started.elapsed().as_secs_f64();
    latencies_us.sort_unstable();
    Ok(Run {
        label: label.to_string(),
        secs,
        latencies_us,
        non_200,
    })
}

async fn ours(args: &Args, ack: AckMode, label: &str) -> Result<Run> {
    let dir = tempfile::tempdir()?;
    let ws = Workspace::open(dir.path())?;
    let now = chrono::Utc::now().timestamp_millis();
    let spec = ProgramSpec {
        name: "bench".into(),
        vertical: affops_core::programs::Vertical::Igaming,
        currency: "EUR".into(),
        timezone: "UTC".into(),
    };
    ws.ensure_program(&spec, now)?;
    ws.store().write::<_, affops_core::store::StoreError>(|tx| {
        tx.execute("INSERT INTO affiliates (program_id, external_id, name, created_at_ms) VALUES (1, '1', 'a', 0)", ())?;
        let mut ins = tx.prepare("INSERT INTO clicks (program_id, click_id, affiliate_id, clicked_at_ms, day) VALUES (1, ?1, 1, ?2, '2025-01-01')")?;
        for i in 0..CLICKS {
            ins.execute((format!("c{i}"), now))?;
        }
        Ok(())
    })?;
    let cfg = PostbackSourceConfig {
        name: "bench".into(),
        program: "bench".into(),
        dialect: Dialect::Keitaro,
        allow_ips: vec!["127.0.0.1".into()],
        allow_any_ip: false,
        hmac_required: true,
        default_currency: "EUR".into(),
    };
    postback::configure_source(
        ws.store(),
        &cfg,
        &Stamp::tool("affops-postback-bench", "postback_save_source", now),
    )?;
    let secrets = Arc::new(MemorySecrets::default());
    let creds = PostbackCredentials {
        token: Some(TOKEN.into()),
        hmac_current: Some(SECRET.into()),
        hmac_previous: None,
    };
    secrets.set("bench", creds);
    let mut opts = ListenerOptions::new(0);
    opts.ack = ack;
    let handle = postback::start(ws.store().clone(), secrets, opts).await?;
    let base = handle.local_addr().to_string();
    load(
        &base,
        Arc::new(requests(10_000_000, WARMUP)),
        args.clients,
        "warm-up",
    )
    .await?;
    let run = load(
        &base,
        Arc::new(requests(0, args.requests)),
        args.clients,
        label,
    )
    .await?;
    let status = handle.stop().await?;
    let stored: i64 = ws.store().read::<_, affops_core::store::StoreError>(|c| {
        Ok(c.query_row("SELECT COUNT(*) FROM conversions", [], |r| r.get(0))?)
    })?;
    ensure!(
        stored as usize == args.requests + WARMUP,
        "{stored} conversions stored, expected {}",
        args.requests + WARMUP
    );
    ensure!(
        status.overloaded == 0,
        "{} requests were refused as overload",
        status.overloaded
    );
    Ok(run)
}

async fn peer(args: &Args) -> Result<Run> {
    let router =
        axum::Router::new().route("/postback/{source}", axum::routing::get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = listener.local_addr()?.to_string();
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    load(
        &base,
        Arc::new(requests(10_000_000, WARMUP)),
        args.clients,
        "warm-up",
    )
    .await?;
    let run = load(
        &base,
        Arc::new(requests(0, args.requests)),
        args.clients,
        "peer: trivial axum 200",
    )
    .await?;
    server.abort();
    Ok(run)
}

fn main() -> Result<()> {
    let args = Args::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("runtime")?;
    rt.block_on(async {
        println!(
            "B3: {} signed postbacks (HMAC-SHA256 + token + allow-list), {} keep-alive clients, {} cores, client and server in one process",
            args.requests,
            args.clients,
            std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
        );
        let committed = ours(&args, AckMode::Committed, "ours: ack after commit").await?;
        committed.print();
        let synced = if args.synced {
            let s = ours(&args, AckMode::Synced, "ours: ack after fsync").await?;
            s.print();
            Some(s)
        } else {
            None
        };
        let p = peer(&args).await?;
        p.print();
        println!("ratio ours/peer throughput: {:.2}", committed.rps() / p.rps());
        if let Some(s) = synced {
            println!("ratio synced/peer throughput: {:.2}", s.rps() / p.rps());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        ensure!(
            committed.non_200 + p.non_200 == 0,
            "requests were answered with other than 200"
        );
        Ok(())
    })
}
