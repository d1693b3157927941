//! Where exported files go: the path the person gave, or — when it is relative — the workspace's `exports/`
//! folder. Folders are created; every failure names the path.

use super::context::Ctx;
use crate::api::{ApiError, ErrorCode};
use std::path::{Path, PathBuf};

/// The workspace folder that takes relative export paths.
pub const EXPORTS_DIR: &str = "exports";

fn bad(message: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, message)
}

/// The absolute path an export goes to; an empty path takes `default_name` in the exports folder.
pub fn resolve(cx: &Ctx, path: &str, default_name: &str) -> Result<PathBuf, ApiError> {
    let given = PathBuf::from(match path.trim() {
        "" => default_name,
        p => p,
    });
    Ok(if given.is_absolute() {
        given
    } else {
        cx.workspace().data_dir().join(EXPORTS_DIR).join(given)
    })
}

/// Creates (or truncates) the file, creating its folder.
pub fn create(path: &Path) -> Result<std::fs::File, ApiError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| {
            bad(format!(
                "Export file: cannot create {}: {e}",
                parent.display()
            ))
        })?;
    }
    std::fs::File::create(path).map_err(|e| {
        bad(format!(
            "Export file: cannot create {}: {e}",
            path.display()
        ))
    })
}

/// Writes `bytes` to the resolved path; returns it as text.
pub fn write(cx: &Ctx, path: &str, default_name: &str, bytes: &[u8]) -> Result<String, ApiError> {
    let target = resolve(cx, path, default_name)?;
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| {
            bad(format!(
                "Export file: cannot create {}: {e}",
                parent.display()
            ))
        })?;
    }
    // Written beside the target, synced, then renamed: a crash or a full disk never leaves a cut-short file under
    // the final name (a bank must never receive half a payment file).
    let partial = target.with_file_name(format!(
        ".{}.partial",
        target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    let written = (|| {
        use std::io::Write;
        let mut f = std::fs::File::create(&partial)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&partial, &target)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        if e.kind() == std::io::ErrorKind::StorageFull {
            return Err(ApiError::new(
                ErrorCode::Storage,
                format!(
                    "The disk is full: {} was not written. Free some space and try again.",
                    target.display()
                ),
            ));
        }
        return Err(bad(format!(
            "Export file: cannot write {}: {e}",
            target.display()
        )));
    }
    Ok(target.display().to_string())
}
