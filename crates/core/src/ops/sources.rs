//! Sources and postbacks: tracker and operator sources (keys in the OS keychain), connection tests, postback
//! sources with their secrets, the postback listener and its request log.

use super::catalog::Op;
use super::context::off_thread;
use super::context::Ctx;
use crate::api::{
    ApiError, ConnectionTest, ListenerStatus, PostbackLogFilter, PostbackLogPage,
    PostbackSourceConfig, PostbackSourceRequest, SourceSettings, SourceView, SourcesOverview,
};
use crate::postback::{config, keychain, server, MemorySecrets};
use std::sync::Arc;

pub fn list_sources(cx: &Ctx) -> Result<SourcesOverview, ApiError> {
    cx.allow(Op::ListSources)?;
    Ok(crate::sources::list(
        cx.workspace(),
        cx.console().credentials(),
    )?)
}

/// Adds or updates the source named in the settings; its API key goes to the OS keychain, never the database.
pub fn save_source(cx: &Ctx, settings: SourceSettings) -> Result<SourceView, ApiError> {
    let redacted = SourceSettings {
        api_key: settings.api_key.as_ref().map(|_| "[redacted]".into()),
        ..settings.clone()
    };
    let a = cx.allow_request(Op::SaveSource, &redacted)?;
    Ok(crate::sources::save(
        cx.workspace(),
        cx.console().credentials(),
        a.program()?.id,
        &settings,
        a.stamp()?,
    )?)
}

/// One request for the first page of the source's first stream.
pub async fn test_source(cx: &Ctx, name: String) -> Result<ConnectionTest, ApiError> {
    let c = cx.clone();
    off_thread(move || c.allow(Op::TestSource)).await?;
    Ok(crate::sources::test_connection(
        cx.workspace(),
        cx.console().credentials(),
        name.trim(),
        cx.now_ms,
    )
    .await?)
}

pub fn postback_log(cx: &Ctx, filter: PostbackLogFilter) -> Result<PostbackLogPage, ApiError> {
    cx.allow(Op::PostbackLog)?;
    Ok(config::list_log(cx.workspace().store(), &filter)?)
}

pub fn postback_sources(cx: &Ctx) -> Result<Vec<PostbackSourceConfig>, ApiError> {
    cx.allow(Op::PostbackSources)?;
    Ok(config::list_sources(cx.workspace().store())?)
}

async fn allowed(cx: &Ctx, op: Op, request: serde_json::Value) -> Result<super::Allowed, ApiError> {
    let c = cx.clone();
    off_thread(move || c.allow_request(op, &request)).await
}

/// Adds or updates a postback source (in the session's program unless it names one); its token and HMAC secrets
/// go to the keychain, never the database. A running listener picks the change up at once.
pub async fn postback_save_source(
    cx: &Ctx,
    req: PostbackSourceRequest,
) -> Result<ListenerStatus, ApiError> {
    let a = allowed(
        cx,
        Op::PostbackSaveSource,
        serde_json::to_value(&req.config).unwrap_or_default(),
    )
    .await?;
    let mut cfg = req.config.clone();
    if cfg.program.trim().is_empty() {
        cfg.program = a.program()?.name.clone();
    }
    let (store, stamp) = (cx.workspace().store().clone(), a.stamp()?.clone());
    off_thread(move || config::configure_source(&store, &cfg, &stamp)).await?;
    cx.console()
        .postback_secrets()
        .set(&req.config.name, &req.secrets)?;
    if let Some(l) = cx.console().inner_listener().lock().await.as_ref() {
        l.reload_sources().await?;
    }
    status(cx).await
}

async fn status(cx: &Ctx) -> Result<ListenerStatus, ApiError> {
    if let Some(l) = cx.console().inner_listener().lock().await.as_ref() {
        return Ok(l.status());
    }
    let (store, secrets) = (
        cx.workspace().store().clone(),
        cx.console().postback_secrets().clone(),
    );
    off_thread(move || keychain::idle_status(&store, &secrets)).await
}

pub async fn postback_listener_status(cx: &Ctx) -> Result<ListenerStatus, ApiError> {
    let c = cx.clone();
    off_thread(move || c.allow(Op::PostbackListenerStatus)).await?;
    status(cx).await
}

async fn record(cx: &Ctx, a: &super::Allowed, detail: serde_json::Value) -> Result<(), ApiError> {
    let (store, stamp) = (cx.workspace().store().clone(), a.stamp()?.clone());
    off_thread(move || store.write(|tx| stamp.record(tx, "listener", "postbacks", &detail)))
        .await?;
    Ok(())
}

/// Starts the listener on 127.0.0.1:`port` (0: any free port). Off until someone starts it.
pub async fn postback_listener_start(cx: &Ctx, port: u16) -> Result<ListenerStatus, ApiError> {
    let a = allowed(
        cx,
        Op::PostbackListenerStart,
        serde_json::json!({ "port": port }),
    )
    .await?;
    let mut guard = cx.console().inner_listener().lock().await;
    if let Some(l) = guard.as_ref() {
        return Ok(l.status());
    }
    let handle = server::start(
        cx.workspace().store().clone(),
        cx.console().postback_secrets().clone(),
        server::ListenerOptions::new(port),
    )
    .await?;
    let status = handle.status();
    *guard = Some(handle);
    drop(guard);
    record(cx, &a, serde_json::json!({"started": status.address})).await?;
    Ok(status)
}

pub async fn postback_listener_stop(cx: &Ctx) -> Result<ListenerStatus, ApiError> {
    let a = allowed(cx, Op::PostbackListenerStop, serde_json::Value::Null).await?;
    let handle = cx.console().inner_listener().lock().await.take();
    if let Some(h) = handle {
        h.stop().await?;
        record(cx, &a, serde_json::json!({"stopped": true})).await?;
    }
    status(cx).await
}

/// The CLI's foreground listener: configures each source (one audited save each, in the session's program) and
/// starts a listener with the given secrets (kept in that process's memory) and options. The caller stops it.
pub async fn serve_postbacks(
    cx: &Ctx,
    sources: Vec<PostbackSourceConfig>,
    secrets: Arc<MemorySecrets>,
    opts: server::ListenerOptions,
) -> Result<server::ListenerHandle, ApiError> {
    for mut cfg in sources {
        let a = allowed(
            cx,
            Op::PostbackSaveSource,
            serde_json::to_value(&cfg).unwrap_or_default(),
        )
        .await?;
        if cfg.program.trim().is_empty() {
            cfg.program = a.program()?.name.clone();
        }
        let (store, stamp) = (cx.workspace().store().clone(), a.stamp()?.clone());
        off_thread(move || config::configure_source(&store, &cfg, &stamp)).await?;
    }
    let port = opts.port;
    let a = allowed(
        cx,
        Op::PostbackListenerStart,
        serde_json::json!({ "port": port }),
    )
    .await?;
    let handle = server::start(cx.workspace().store().clone(), secrets, opts).await?;
    record(
        cx,
        &a,
        serde_json::json!({"started": handle.local_addr().to_string(), "foreground": true}),
    )
    .await?;
    Ok(handle)
}
