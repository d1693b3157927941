//! The test rig of the postback listener: a store with known clicks, configured sources, in-memory secrets,
//! a listener on loopback with a fixed clock, and a client.

use affops_core::api::{PostbackLogFilter, PostbackSourceConfig};
use affops_core::postback::auth::sign;
use affops_core::postback::{
    self, configure_source, AckMode, ListenerHandle, ListenerOptions, MemorySecrets,
    PostbackCredentials,
};
use affops_core::store::Store;
use rusqlite::params;
use std::sync::Arc;

pub const NOW_MS: i64 = 1_760_000_000_000;
pub const TOKEN: &str = "tok-0123456789abcdef";
pub const SECRET: &str = "whsec-current-0123456789";
pub const OLD_SECRET: &str = "whsec-previous-9876543210";

pub struct Rig {
    pub _dir: tempfile::TempDir,
    pub store: Arc<Store>,
    pub secrets: Arc<MemorySecrets>,
    pub handle: Option<ListenerHandle>,
    pub base: String,
    pub http: reqwest::Client,
}

/// A store with one program, one affiliate and clicks `c0`..`c{clicks}`.
pub fn seeded_store(clicks: usize) -> (tempfile::TempDir, Arc<Store>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    store
        .write::<_, affops_core::store::StoreError>(|tx| {
            tx.execute("INSERT INTO programs (name, vertical, currency, timezone, created_at_ms) VALUES ('casino', 'igaming', 'EUR', 'Europe/Malta', 0)", [])?;
            tx.execute("INSERT INTO affiliates (program_id, external_id, name, created_at_ms) VALUES (1, '42', 'Aff 42', 0)", [])?;
            let mut ins = tx.prepare("INSERT INTO clicks (program_id, click_id, affiliate_id, clicked_at_ms, day) VALUES (1, ?1, 1, ?2, '2025-10-09')")?;
            for i in 0..clicks {
                ins.execute(params![format!("c{i}"), NOW_MS - 60_000])?;
            }
            Ok(())
        })
        .unwrap();
    (dir, store)
}

pub fn source(name: &str, dialect: &str) -> PostbackSourceConfig {
    PostbackSourceConfig {
        name: name.into(),
        program: "casino".into(),
        dialect: affops_core::api::Dialect::parse(dialect).unwrap(),
        allow_ips: vec!["127.0.0.1".into()],
        allow_any_ip: false,
        hmac_required: false,
        default_currency: "EUR".into(),
    }
}

impl Rig {
    pub async fn start(sources: &[PostbackSourceConfig], clicks: usize) -> Self {
        let (dir, store) = seeded_store(clicks);
        let secrets = Arc::new(MemorySecrets::default());
        for s in sources {
            configure_source(
                &store,
                s,
                &affops_core::audit::Stamp::tool("test", "postback_save_source", NOW_MS),
            )
            .unwrap();
            secrets.set(
                &s.name,
                PostbackCredentials {
                    token: Some(TOKEN.into()),
                    hmac_current: Some(SECRET.into()),
                    hmac_previous: None,
                },
            );
        }
        let mut opts = ListenerOptions::new(0);
        opts.clock = Arc::new(|| NOW_MS);
        opts.ack = AckMode::Committed;
        let handle = postback::start(store.clone(), secrets.clone(), opts)
            .await
            .unwrap();
        let base = format!("http://{}", handle.local_addr());
        Self {
            _dir: dir,
            store,
            secrets,
            handle: Some(handle),
            base,
            http: reqwest::Client::new(),
        }
    }

    /// GET with the token in the query; returns (status, outcome, reason, conversion id).
    pub async fn get(&self, path_query: &str) -> (u16, String, String, Option<i64>) {
        self.send(self.http.get(format!("{}{path_query}", self.base)))
            .await
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> (u16, String, String, Option<i64>) {
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let v: serde_json::Value = resp.json().await.unwrap();
        (
            status,
            v["outcome"].as_str().unwrap_or_default().to_string(),
            v["reason"].as_str().unwrap_or_default().to_string(),
            v["conversion_id"].as_i64(),
        )
    }

    /// A GET signed with `secret` at `t_secs`.
    pub fn signed_get(
        &self,
        path_query: &str,
        secret: &str,
        t_secs: i64,
    ) -> reqwest::RequestBuilder {
        let (path, query) = path_query.split_once('?').unwrap_or((path_query, ""));
        let v1 = sign(secret, t_secs, format!("{path}?{query}").as_bytes());
        self.http
            .get(format!("{}{path_query}", self.base))
            .header("X-Affops-Signature", format!("t={t_secs},v1={v1}"))
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.store
            .read::<_, affops_core::store::StoreError>(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
            .unwrap()
    }

    /// Stops the listener, so every queued log row is committed.
    pub async fn stop(&mut self) {
        if let Some(h) = self.handle.take() {
            h.stop().await.unwrap();
        }
    }

    pub fn log(&self) -> Vec<affops_core::api::PostbackLogRow> {
        let f = PostbackLogFilter {
            page_size: 500,
            ..Default::default()
        };
        let mut rows = postback::list_log(&self.store, &f).unwrap().rows;
        rows.reverse();
        rows
    }
}
