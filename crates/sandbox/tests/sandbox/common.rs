//! Shared helpers: start a sandbox on a free loopback port and talk to it.

use std::sync::Arc;

use affops_sandbox::{generate, serve, SandboxServer, World, WorldConfig};

pub const KEY: &str = "test-key";

pub async fn start(seed: u64) -> (Arc<World>, SandboxServer) {
    let world = Arc::new(generate(&WorldConfig::small(seed)));
    let server = serve(
        world.clone(),
        "127.0.0.1:0".parse().unwrap(),
        KEY.to_owned(),
    )
    .await
    .unwrap();
    (world, server)
}

/// The whole world as a reporting window: "YYYY-MM-DD hh:mm:ss" bounds, inclusive.
pub fn whole_window(world: &World) -> serde_json::Value {
    let fmt = "%Y-%m-%d %H:%M:%S";
    let last = world.config.end_instant() - chrono::Duration::seconds(1);
    serde_json::json!({
        "from": world.config.start_instant().format(fmt).to_string(),
        "to": last.format(fmt).to_string(),
        "timezone_id": 67,
    })
}

pub fn tracker_post(
    client: &reqwest::Client,
    server: &SandboxServer,
    path: &str,
    query: &str,
    body: &serde_json::Value,
) -> reqwest::RequestBuilder {
    client
        .post(format!("{}{path}?{query}", server.base_url()))
        .header("X-Eflow-API-Key", KEY)
        .json(body)
}

pub fn operator_get(
    client: &reqwest::Client,
    server: &SandboxServer,
    path: &str,
    query: &str,
) -> reqwest::RequestBuilder {
    client
        .get(format!("{}{path}?{query}", server.base_url()))
        .bearer_auth(KEY)
}

pub async fn start_with(cfg: &affops_sandbox::WorldConfig) -> (Arc<World>, SandboxServer) {
    let world = Arc::new(generate(cfg));
    let server = serve(
        world.clone(),
        "127.0.0.1:0".parse().unwrap(),
        KEY.to_owned(),
    )
    .await
    .unwrap();
    (world, server)
}

/// Pages an operator cursor stream to the end with `limit`, returning every item.
pub async fn drain_cursor(
    client: &reqwest::Client,
    server: &SandboxServer,
    path: &str,
    limit: usize,
) -> Vec<serde_json::Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(c) => format!("limit={limit}&cursor={c}"),
            None => format!("limit={limit}"),
        };
        let page: serde_json::Value = operator_get(client, server, path, &query)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        items.extend(page["data"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}
