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
    std::fs::write(&target, bytes).map_err(|e| {
        bad(format!(
            "Export file: cannot write {}: {e}",
            target.display()
        ))
    })?;
    Ok(target.display().to_string())
}
