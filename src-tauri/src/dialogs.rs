//! Native file dialogs (rfd through tauri-plugin-dialog), awaited without blocking a worker.

use std::path::PathBuf;

use invite_desk_engine::AppError;
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder, FilePath};

/// The file the user picked, or `None` when they closed the dialog.
pub async fn pick_file(
    app: &tauri::AppHandle,
    title: &str,
    filter: (&str, &[&str]),
) -> Result<Option<PathBuf>, AppError> {
    let dialog = app
        .dialog()
        .file()
        .set_title(title)
        .add_filter(filter.0, filter.1);
    answer(dialog, FileDialogBuilder::pick_file, "opened").await
}

/// Where the user chose to save a file, or `None` when they closed the dialog.
pub async fn save_file(
    app: &tauri::AppHandle,
    title: &str,
    suggested: &str,
    filter: (&str, &[&str]),
) -> Result<Option<PathBuf>, AppError> {
    let dialog = app
        .dialog()
        .file()
        .set_title(title)
        .set_file_name(suggested)
        .add_filter(filter.0, filter.1);
    answer(dialog, FileDialogBuilder::save_file, "written").await
}

/// What the dialog calls with the user's answer.
type Answered = Box<dyn FnOnce(Option<FilePath>) + Send + 'static>;

/// Shows the dialog (`show`: pick or save) and waits for its answer off the main thread.
async fn answer<R: tauri::Runtime>(
    dialog: FileDialogBuilder<R>,
    show: fn(FileDialogBuilder<R>, Answered),
    done: &str,
) -> Result<Option<PathBuf>, AppError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    show(
        dialog,
        Box::new(move |picked| {
            let _ = tx.send(picked);
        }),
    );
    let picked = rx
        .await
        .map_err(|_| AppError::internal("the file dialog closed without an answer"))?;
    picked
        .map(|p| {
            p.into_path()
                .map_err(|e| AppError::invalid_input(format!("that file cannot be {done}: {e}")))
        })
        .transpose()
}
