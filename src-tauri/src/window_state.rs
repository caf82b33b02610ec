//! Remembering the window's size and place. tauri-plugin-window-state restores them at start and
//! writes them at a clean exit only; a killed app (a crash, a forced quit, a session that ends) would
//! forget every change since the last clean exit. So they are also written shortly after the window
//! stops moving or resizing.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// A drag or a resize sends a burst of events: write once it is over.
const QUIET: Duration = Duration::from_millis(400);

#[derive(Default)]
pub struct PendingSave {
    latest: Arc<AtomicU64>,
}

/// For the builder's `on_window_event`: schedules a write after moves and resizes.
pub fn on_window_event<R: Runtime>(window: &tauri::Window<R>, event: &WindowEvent) {
    if matches!(event, WindowEvent::Moved(_) | WindowEvent::Resized(_)) {
        save_soon(window.app_handle());
    }
}

fn save_soon<R: Runtime>(app: &AppHandle<R>) {
    let Some(pending) = app.try_state::<PendingSave>() else {
        return;
    };
    let latest = pending.latest.clone();
    let this = latest.fetch_add(1, Ordering::SeqCst) + 1;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(QUIET).await;
        // A later event has its own write coming.
        if latest.load(Ordering::SeqCst) != this {
            return;
        }
        if let Err(err) = app.save_window_state(StateFlags::all()) {
            tracing::warn!(error = %err, "could not remember the window's size and place");
        }
    });
}
