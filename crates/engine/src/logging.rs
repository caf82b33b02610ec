//! Logging: `tracing` into a daily-rotated file in the log folder (and stderr when asked).
//!
//! What is logged must never include a secret: secrets travel in types whose `Debug`/`Display`
//! redact them, so a stray `?value` cannot leak one.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::prelude::*;
use tracing_subscriber::{EnvFilter, fmt};

use crate::AppError;

/// Environment variable with a `tracing` filter (e.g. `debug`, `invite_desk_engine=trace`).
pub const LOG_FILTER_ENV: &str = "INVITE_DESK_LOG";

/// How many daily files are kept.
const KEPT_LOG_FILES: usize = 14;

/// Keeps the background log writer alive; drop it last so buffered lines reach the file.
#[must_use = "dropping the guard stops file logging"]
pub struct LogGuard {
    _file: WorkerGuard,
}

/// Install the global subscriber. `to_stderr` mirrors the log to stderr (development, `--verbose`).
pub fn init(log_dir: &Path, file_prefix: &str, to_stderr: bool) -> Result<LogGuard, AppError> {
    crate::files::create_private_dir(log_dir)?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(file_prefix)
        .filename_suffix("log")
        .max_log_files(KEPT_LOG_FILES)
        .build(log_dir)
        .map_err(|e| AppError::internal(format!("could not open the log file: {e}")))?;
    let (writer, guard) = tracing_appender::non_blocking(appender);

    let filter =
        || EnvFilter::try_from_env(LOG_FILTER_ENV).unwrap_or_else(|_| EnvFilter::new("info"));
    let file_layer = fmt::layer()
        .with_writer(writer)
        .with_ansi(false)
        .with_filter(filter());
    let stderr_layer = to_stderr.then(|| {
        fmt::layer()
            .with_writer(std::io::stderr)
            .with_filter(filter())
    });
    tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr_layer)
        .try_init()
        .map_err(|e| AppError::internal(format!("logging was already set up: {e}")))?;
    log_panics();
    Ok(LogGuard { _file: guard })
}

/// Panics go to the log as well as to stderr: a Windows release build has no console, and a panic
/// in a run's task would otherwise leave no trace but a stopped batch.
fn log_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".to_owned());
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(%location, %message, "panic: a bug in Invite Desk stopped this task");
        default(info);
    }));
}
