//! A reader that stops reading early (`affops-cli dashboard --json | head`, `… | grep -q`) closes our stdout.
//! Rust ignores SIGPIPE, so the next `println!` panics with "failed printing to stdout: Broken pipe" and a
//! backtrace. A command-line tool should end the way `cat` does instead: quietly, with the shell's SIGPIPE
//! status 141. Everything the command wrote to the store is already committed or rolled back by SQLite, so
//! stopping here loses nothing.

/// The exit status a shell reports for a process ended by SIGPIPE (128 + 13).
pub const BROKEN_PIPE_EXIT: i32 = 141;

/// Installs a panic hook that turns a broken stdout into a quiet exit with [`BROKEN_PIPE_EXIT`]; every other
/// panic still reaches the default hook with its message and backtrace.
pub fn exit_quietly_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if is_broken_stdout(info.payload_as_str().unwrap_or_default()) {
            std::process::exit(BROKEN_PIPE_EXIT);
        }
        default(info);
    }));
}

fn is_broken_stdout(message: &str) -> bool {
    message.starts_with("failed printing to stdout") && message.contains("Broken pipe")
}

#[cfg(test)]
mod tests {
    use super::is_broken_stdout;

    #[test]
    fn only_a_broken_stdout_is_quiet() {
        assert!(is_broken_stdout(
            "failed printing to stdout: Broken pipe (os error 32)"
        ));
        assert!(!is_broken_stdout(
            "failed printing to stdout: No space left on device (os error 28)"
        ));
        assert!(!is_broken_stdout("index out of bounds: the len is 0"));
    }
}
