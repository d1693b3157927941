//! Who the CLI acts as: the workspace folder, the person (`--user` or `$AFFOPS_USER`) and their passphrase
//! (`$AFFOPS_PASSPHRASE`, else a prompt on the terminal), signed in through the front door like the desktop's
//! sign-in screen, with the same growing delay after failures.

use affops_core::api::{ApiError, ErrorCode, SignInRequest};
use affops_core::ops::{self, Console, Ctx};
use affops_core::workspace::DATA_DIR_ENV;
use std::path::PathBuf;

/// The environment variable that holds the signed-in person's passphrase (scripts and CI use it).
pub const PASSPHRASE_ENV: &str = "AFFOPS_PASSPHRASE";
/// The environment variable with a new passphrase (`people add`, `people reset-passphrase`, `people passphrase`).
pub const NEW_PASSPHRASE_ENV: &str = "AFFOPS_NEW_PASSPHRASE";

/// The desktop app's data folder: `$XDG_DATA_HOME/dev.affops.console` or `~/.local/share/dev.affops.console`.
fn default_data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV) {
        return Some(PathBuf::from(dir));
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("dev.affops.console"))
}

/// The workspace folder: `--data-dir`, else the desktop app's.
pub fn data_dir(dir: Option<PathBuf>) -> Result<PathBuf, ApiError> {
    dir.or_else(default_data_dir).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidInput,
            format!("no data folder: pass --data-dir or set {DATA_DIR_ENV}"),
        )
    })
}

pub fn open(dir: Option<PathBuf>) -> Result<Console, ApiError> {
    Console::open(&data_dir(dir)?)
}

/// A secret from the environment variable, else typed at a prompt on the terminal (not echoed).
pub fn secret(env: &str, prompt: &str) -> Result<String, ApiError> {
    if let Ok(v) = std::env::var(env) {
        return Ok(v);
    }
    rpassword::prompt_password(prompt).map_err(|e| {
        ApiError::new(
            ErrorCode::Unauthenticated,
            format!("{prompt} cannot be read ({e}): set {env} when no terminal is attached"),
        )
    })
}

/// Signs in as `user` and chooses `program`; every command after this runs as that person.
pub fn sign_in(
    console: &Console,
    user: Option<String>,
    program: Option<String>,
) -> Result<Ctx, ApiError> {
    let name = user.filter(|u| !u.trim().is_empty()).ok_or_else(|| {
        ApiError::new(
            ErrorCode::Unauthenticated,
            "Sign in first: pass --user NAME (or set AFFOPS_USER) and the passphrase in AFFOPS_PASSPHRASE",
        )
    })?;
    let passphrase = secret(PASSPHRASE_ENV, &format!("Passphrase for {}: ", name.trim()))?;
    ops::people::sign_in(&console.ctx(), SignInRequest { name, passphrase })?;
    if program.is_some() {
        ops::workspace::select_program(&console.ctx(), program)?;
    }
    Ok(console.ctx())
}
