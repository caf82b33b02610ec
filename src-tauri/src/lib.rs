//! The desktop shell: a window, native dialogs, and thin commands that call the engine's `Service`.

mod close_guard;
mod commands;
mod dialogs;
mod drops;
mod opened_file;
mod preview_protocol;
mod sandbox_tenant;
mod webview_commands;
mod window_state;

use invite_desk_engine::AppError;
use invite_desk_engine::paths::AppPaths;
use invite_desk_engine::service::{Keychain, PREVIEW_SCHEME, Service};
use std::sync::Arc;
use tauri::Manager;

/// State every command may read: resolved once at start-up.
pub struct Shell {
    pub service: Arc<Service>,
}

impl Shell {
    /// `off_main_thread` for work on the service.
    pub async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Service) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let service = Arc::clone(&self.service);
        off_main_thread(move || work(&service)).await
    }
}

/// Runs work that reads the disk, the journal or the keychain, or parses a list, on the blocking
/// pool. A plain (non-async) command runs on the main thread, which also paints the window: any wait
/// there (a journal busy with a run, a keychain prompt, a slow query) froze the app.
pub async fn off_main_thread<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| AppError::internal(format!("a background task stopped: {e}")))?
}

/// The plugin finds the first instance through the session bus on Linux and panics without one; a
/// desktop session always has it, a bare X server may not.
fn single_instance_possible() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        || std::env::var_os("XDG_RUNTIME_DIR")
            .is_some_and(|dir| std::path::Path::new(&dir).join("bus").exists())
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
    let service = match Service::open(paths, Arc::new(Keychain)) {
        Ok(service) => {
            let sandbox = sandbox_tenant::SandboxTenant::kept_in(&service.paths().data_dir);
            service.with_builtin(Arc::new(sandbox))
        }
        Err(err) => {
            tracing::error!(code = err.code.as_str(), message = %err.message, "cannot open the data folder");
            eprintln!("Invite Desk cannot start: {}", err.message);
            std::process::exit(1);
        }
    };

    let mut builder = tauri::Builder::default();
    if single_instance_possible() {
        // First, as the plugin asks: a second launch only focuses this window, then exits.
        builder = builder.plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tracing::info!("a second launch: focusing this window");
            // The second instance waits on this callback over D-Bus, and window calls from this
            // thread wait on the main thread: only schedule the focus there, never wait for it
            // (waiting could hold both apps, as seen once under WebDriver).
            let handle = app.clone();
            let _ = app.run_on_main_thread(move || {
                if let Some(window) = handle.get_webview_window("main") {
                    let _ = window.unminimize();
                    let _ = window.show();
                    let _ = window.set_focus();
                }
            });
        }));
    } else {
        tracing::warn!("no D-Bus session bus: a second Invite Desk could start beside this one");
    }
    let result = builder
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .manage(Shell {
            service: Arc::new(service),
        })
        .manage(window_state::PendingSave::default())
        .manage(drops::DropListener::default())
        .manage(dialogs::SavedFiles::default())
        .manage(close_guard::CloseGuard::default())
        .manage(opened_file::OpenedAtStart::from_args(std::env::args()))
        .on_window_event(|window, event| {
            window_state::on_window_event(window, event);
            drops::on_window_event(window, event);
            close_guard::on_window_event(window, event);
        })
        .register_uri_scheme_protocol(PREVIEW_SCHEME, |ctx, request| {
            preview_protocol::respond(
                &ctx.app_handle().state::<Shell>().service,
                request.uri().path(),
            )
        })
        .invoke_handler(commands::handler())
        .build(tauri::generate_context!());
    let app = match result {
        Ok(app) => app,
        Err(err) => {
            tracing::error!(error = %err, "desktop app failed");
            eprintln!("Invite Desk stopped: {err}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        // The process ends right after this without running destructors: the Sandbox's tenant
        // would lose what changed in its last fraction of a second (a user just created).
        if let tauri::RunEvent::Exit = event {
            handle.state::<Shell>().service.stop_builtin();
            tracing::info!("desktop app exiting");
        }
    });
}
