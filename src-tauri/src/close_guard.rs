//! Closing the window while a batch runs: the close is held and the window is asked what to do
//! (stop safely and close, or keep running). Quitting at once would leave the people under way
//! halfway until the next resume; the window stops the run first, then closes for good.

use std::sync::Mutex;

use tauri::ipc::Channel;
use tauri::{Manager, Runtime, WindowEvent};

use crate::Shell;

/// The window listening for held closes (none until it subscribes: then a close is never held,
/// so a window whose page did not load can always be closed).
#[derive(Default)]
pub struct CloseGuard {
    channel: Mutex<Option<Channel<String>>>,
}

impl CloseGuard {
    pub fn subscribe(&self, channel: Channel<String>) {
        *self.channel.lock().unwrap_or_else(|e| e.into_inner()) = Some(channel);
    }

    /// Tells the window a close was held for `batch_id`; whether anyone was listening.
    fn ask(&self, batch_id: String) -> bool {
        self.channel
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .is_some_and(|channel| channel.send(batch_id).is_ok())
    }
}

/// For the builder's `on_window_event`.
pub fn on_window_event<R: Runtime>(window: &tauri::Window<R>, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    let app = window.app_handle();
    let Some(batch_id) = app.state::<Shell>().service.active_run() else {
        return;
    };
    if app.state::<CloseGuard>().ask(batch_id.clone()) {
        tracing::info!(batch = %batch_id, "close held: a batch is running");
        api.prevent_close();
    }
}
