//! Files dragged from the desktop onto the window. The OS drop reaches Rust (Tauri's native drag and
//! drop: WebKitGTK hands a page a dropped file only as a `file://` link, never as a file), the file is
//! read here, and the People step gets the text through the channel it subscribed with. No path ever
//! comes from the webview.

use std::path::PathBuf;
use std::sync::Mutex;

use invite_desk_engine::service::DroppedList;
use tauri::ipc::Channel;
use tauri::{DragDropEvent, Manager, Runtime, WindowEvent};

use crate::Shell;

/// The People step listening for dropped files (the latest subscriber; none until one subscribes).
#[derive(Default)]
pub struct DropListener {
    channel: Mutex<Option<Channel<DroppedList>>>,
}

impl DropListener {
    pub fn subscribe(&self, channel: Channel<DroppedList>) {
        *self.channel.lock().unwrap_or_else(|e| e.into_inner()) = Some(channel);
    }

    fn send(&self, message: DroppedList) {
        if let Some(channel) = self
            .channel
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            // A window that stopped listening is no reason to fail.
            let _ = channel.send(message);
        }
    }
}

/// For the builder's `on_window_event`.
pub fn on_window_event<R: Runtime>(window: &tauri::Window<R>, event: &WindowEvent) {
    let WindowEvent::DragDrop(drop) = event else {
        return;
    };
    let app = window.app_handle().clone();
    match drop {
        // Once per entry: `Over` comes with every pointer move and would say nothing new.
        DragDropEvent::Enter { .. } => app.state::<DropListener>().send(DroppedList::Over),
        DragDropEvent::Leave => app.state::<DropListener>().send(DroppedList::Left),
        DragDropEvent::Drop { paths, .. } => {
            let Some(path) = paths.first().cloned() else {
                return;
            };
            tauri::async_runtime::spawn(async move { read_dropped(app, path).await });
        }
        _ => {}
    }
}

async fn read_dropped<R: Runtime>(app: tauri::AppHandle<R>, path: PathBuf) {
    let shell = app.state::<Shell>();
    let message = match shell
        .blocking(move |service| service.list_from_file(&path))
        .await
    {
        Ok(list) => DroppedList::Read { list },
        Err(error) => DroppedList::Failed { error },
    };
    app.state::<DropListener>().send(message);
}
