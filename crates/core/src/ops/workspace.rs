//! The workspace: its status, the demo (started once per console, its people created in an empty workspace),
//! syncing every source, and the programs with the session's choice among them.

use super::catalog::Op;
use super::context::off_thread;
use super::context::Ctx;
use super::people::{create_demo_people, prepare_demo_people, record_people};
use crate::api::{
    ApiError, DemoScale, EditProgramRequest, ErrorCode, OpenDemoRequest, ProgramSettings,
    ProgramSummary, SyncRequest, SyncSummary, WorkspaceStatus,
};
use crate::ingest::ProgressFn;
use crate::people::PeopleError;
use crate::workspace::DemoEndpoint;

/// A blocking front-door call from an async operation, on the blocking pool.
async fn blocking<T: Send + 'static>(
    cx: &Ctx,
    f: impl FnOnce(&Ctx) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let cx = cx.clone();
    off_thread(move || f(&cx)).await
}

pub fn workspace_status(cx: &Ctx) -> Result<WorkspaceStatus, ApiError> {
    cx.allow(Op::WorkspaceStatus)?;
    Ok(cx.workspace().status()?)
}

/// The console's demo world (started on first use, kept for the console's life) and the instant it ends.
#[cfg(feature = "demo")]
async fn demo_world(
    cx: &Ctx,
    seed: Option<u64>,
    scale: DemoScale,
) -> Result<(DemoEndpoint, i64), ApiError> {
    let mut guard = cx.console().inner_demo().lock().await;
    match guard.take() {
        Some(d) if d.scale == scale => {
            let out = (d.endpoint.clone(), d.end_ms);
            *guard = Some(d);
            return Ok(out);
        }
        // Another scale was asked for: that world stops, this one starts.
        Some(d) => d.server.shutdown().await,
        None => {}
    }
    let running =
        super::demo_host::start(seed.unwrap_or_else(super::demo_host::default_seed), scale).await?;
    let out = (running.endpoint.clone(), running.end_ms);
    *guard = Some(running);
    Ok(out)
}

#[cfg(not(feature = "demo"))]
async fn demo_world(
    _: &Ctx,
    _: Option<u64>,
    _: DemoScale,
) -> Result<(DemoEndpoint, i64), ApiError> {
    Err(ApiError::new(
        ErrorCode::InvalidInput,
        "this build has no demo world",
    ))
}

/// Stops the demo world, if one runs (the CLI does before it exits).
pub async fn close_demo(cx: &Ctx) {
    #[cfg(feature = "demo")]
    if let Some(d) = cx.console().inner_demo().lock().await.take() {
        d.server.shutdown().await;
    }
    #[cfg(not(feature = "demo"))]
    let _ = cx;
}

/// Starts the demo world on loopback and syncs it with the real connectors; attribution, detection and the demo's
/// commission follow. In an empty workspace it also creates the demo's people (one per role), in the same
/// transaction as the operation's audit entry.
pub async fn open_demo_workspace(
    cx: &Ctx,
    req: OpenDemoRequest,
    progress: ProgressFn,
) -> Result<SyncSummary, ApiError> {
    let OpenDemoRequest { seed, scale } = req;
    let a = blocking(cx, |cx| cx.allow(Op::OpenDemoWorkspace)).await?;
    let people = if a.person.is_none() {
        Some(off_thread(|| prepare_demo_people().map_err(ApiError::from)).await?)
    } else {
        None
    };
    let (endpoint, end_ms) = demo_world(cx, seed, scale).await?;
    // The demo world is complete at its last day; a clock set earlier must not cut it short.
    let now_ms = cx.now_ms.max(end_ms);
    let summary = cx
        .workspace()
        .open_demo(&endpoint, now_ms, progress)
        .await?;
    let (stamp, detail) = (
        a.stamp()?.clone(),
        serde_json::json!({"seed": seed, "scale": scale.as_str(), "streams": summary.streams.len()}),
    );
    let ws = cx.workspace().clone();
    off_thread(move || {
        ws.store().write(|tx| -> Result<(), PeopleError> {
            crate::workspace::record_demo_scale(tx, scale.as_str(), stamp.at_ms)?;
            match &people {
                Some(people) => {
                    let ids = create_demo_people(tx, people, stamp.at_ms)?;
                    record_people(tx, &stamp, "demo", &ids, detail.clone())
                }
                None => Ok(stamp.record(tx, "workspace", "demo", &detail).map(|_| ())?),
            }
        })
    })
    .await?;
    Ok(summary)
}

/// Syncs every enabled source from its checkpoint (the demo's world restarted first when the demo is set up).
pub async fn sync_now(
    cx: &Ctx,
    req: SyncRequest,
    progress: ProgressFn,
) -> Result<SyncSummary, ApiError> {
    let r = req.clone();
    let a = blocking(cx, move |cx| cx.allow_request(Op::SyncNow, &r)).await?;
    let ws = cx.workspace().clone();
    let demo = if off_thread(move || ws.has_demo_sources()).await? {
        let ws = cx.workspace().clone();
        let scale = off_thread(move || ws.demo_scale()).await?;
        Some(demo_world(cx, None, scale).await?)
    } else {
        None
    };
    let now_ms = demo
        .as_ref()
        .map_or(cx.now_ms, |(_, end)| cx.now_ms.max(*end));
    let secrets = cx.console().credentials().clone();
    let result = cx
        .workspace()
        .sync_now(
            demo.as_ref().map(|(d, _)| d),
            secrets,
            req.full,
            now_ms,
            progress,
        )
        .await;
    let stamp = a.stamp()?.clone();
    let detail = match &result {
        Ok(s) => {
            serde_json::json!({"ok": true, "streams": s.streams.iter().map(|x| serde_json::json!({"source": x.source, "stream": x.stream, "rows": x.rows_fetched, "new": x.rows_inserted})).collect::<Vec<_>>()})
        }
        Err(e) => serde_json::json!({"ok": false, "error": e.to_string()}),
    };
    let ws = cx.workspace().clone();
    off_thread(move || {
        ws.store()
            .write(|tx| stamp.record(tx, "workspace", "sync", &detail))
    })
    .await?;
    Ok(result?)
}

pub fn list_programs(cx: &Ctx) -> Result<Vec<ProgramSummary>, ApiError> {
    cx.allow(Op::ListPrograms)?;
    Ok(crate::programs::list(cx.workspace())?)
}

/// Chooses the program the session acts on (none: the default program); an unknown name is refused listing the
/// known ones.
pub fn select_program(cx: &Ctx, program: Option<String>) -> Result<ProgramSummary, ApiError> {
    cx.allow(Op::SelectProgram)?;
    let name = program
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty());
    let chosen = crate::programs::resolve(cx.workspace().store(), name.as_deref())?;
    cx.console().set_program(name);
    crate::programs::list(cx.workspace())?
        .into_iter()
        .find(|p| p.name == chosen.name)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                format!("Program: {} vanished", chosen.name),
            )
        })
}

/// Creates a program; the session then acts on it (the app opens it, the CLI's next command names it anyway).
pub fn add_program(cx: &Ctx, settings: ProgramSettings) -> Result<ProgramSummary, ApiError> {
    let a = cx.allow_request(Op::AddProgram, &settings)?;
    let stamp = a.stamp()?;
    let name = cx
        .workspace()
        .store()
        .write(|tx| -> Result<String, ApiError> {
            let id = crate::programs::manage::create(tx, &settings, stamp.at_ms)?;
            let name = settings.name.trim().to_string();
            stamp.record(
                tx,
                "program",
                &id.to_string(),
                &serde_json::json!({"created": name}),
            )?;
            Ok(name)
        })?;
    cx.console().set_program(Some(name.clone()));
    Ok(crate::programs::manage::summary(cx.workspace(), &name)?)
}

/// Changes the program named in the request; its vertical, currency and time zone only while it holds no data.
pub fn edit_program(cx: &Ctx, req: EditProgramRequest) -> Result<ProgramSummary, ApiError> {
    let a = cx.allow_request(Op::EditProgram, &req)?;
    let stamp = a.stamp()?;
    let store = cx.workspace().store();
    let program = crate::programs::resolve(store, Some(&req.program))?;
    let renamed = store.write(|tx| -> Result<String, ApiError> {
        crate::programs::manage::edit(tx, &program, &req.settings)?;
        let name = req.settings.name.trim().to_string();
        stamp.record(
            tx,
            "program",
            &program.id.to_string(),
            &serde_json::json!({"was": program.name, "now": name}),
        )?;
        Ok(name)
    })?;
    // A session on the renamed program follows it.
    if cx.session().and_then(|s| s.program.clone()) == Some(program.name.clone()) {
        cx.console().set_program(Some(renamed.clone()));
    }
    Ok(crate::programs::manage::summary(cx.workspace(), &renamed)?)
}

/// Replaces the workspace's database in `data_dir` with a verified backup, keeping the one it replaces beside it;
/// run with the app closed. Needs no sign-in: the database being replaced may be the one that cannot be opened.
/// The restore is recorded in the restored database's audit log. Returns the kept database's path.
pub fn restore_backup(
    data_dir: &std::path::Path,
    from: &std::path::Path,
    now_ms: i64,
) -> Result<String, ApiError> {
    let kept = crate::workspace::backup::restore(data_dir, from, now_ms)?;
    let ws = crate::workspace::Workspace::open(data_dir)?;
    let detail =
        serde_json::json!({"from": from.display().to_string(), "kept": kept.display().to_string()});
    ws.store().write(|tx| {
        crate::audit::Stamp::tool("cli", "restore_backup", now_ms).record(
            tx,
            "workspace",
            "restore",
            &detail,
        )
    })?;
    Ok(kept.display().to_string())
}
