//! The desktop shell: a window, and thin commands that call the engine.

mod commands;

use invite_desk_engine::paths::AppPaths;

/// State every command may read: resolved once at start-up.
pub struct Shell {
    pub paths: AppPaths,
}

pub fn run() {
    let paths = match AppPaths::resolve(None).and_then(|p| p.ensure().map(|()| p)) {
        Ok(paths) => paths,
        Err(err) => {
            eprintln!("Invite Desk cannot start: {}", err.message);
            std::process::exit(1);
        }
    };
    // Keep the guard for the life of the process so buffered log lines are flushed on exit.
    let _log = match invite_desk_engine::logging::init(
        &paths.log_dir,
        "invite-desk",
        cfg!(debug_assertions),
    ) {
        Ok(guard) => Some(guard),
        Err(err) => {
            eprintln!("Invite Desk runs without a log file: {}", err.message);
            None
        }
    };
    tracing::info!(
        version = invite_desk_engine::about::VERSION,
        "desktop app starting"
    );

    let result = tauri::Builder::default()
        .manage(Shell { paths })
        .invoke_handler(tauri::generate_handler![commands::app_info])
        .run(tauri::generate_context!());
    if let Err(err) = result {
        tracing::error!(error = %err, "desktop app failed");
        eprintln!("Invite Desk stopped: {err}");
        std::process::exit(1);
    }
}
