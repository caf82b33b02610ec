//! Native file dialogs (rfd through tauri-plugin-dialog), awaited without blocking a worker.

use std::path::PathBuf;

use invite_desk_engine::AppError;
use tauri_plugin_dialog::DialogExt;

/// The file the user picked, or `None` when they closed the dialog.
pub async fn pick_file(
    app: &tauri::AppHandle,
    title: &str,
    filter: (&str, &[&str]),
) -> Result<Option<PathBuf>, AppError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .add_filter(filter.0, filter.1)
        .pick_file(move |picked| {
            let _ = tx.send(picked);
        });
    let picked = rx
        .await
        .map_err(|_| AppError::internal("the file dialog closed without an answer"))?;
    picked
        .map(|p| {
            p.into_path()
                .map_err(|e| AppError::invalid_input(format!("that file cannot be opened: {e}")))
        })
        .transpose()
}

/// Where the user chose to save a file, or `None` when they closed the dialog.
pub async fn save_file(
    app: &tauri::AppHandle,
    title: &str,
    suggested: &str,
    filter: (&str, &[&str]),
) -> Result<Option<PathBuf>, AppError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .set_file_name(suggested)
        .add_filter(filter.0, filter.1)
        .save_file(move |picked| {
            let _ = tx.send(picked);
        });
    let picked = rx
        .await
        .map_err(|_| AppError::internal("the file dialog closed without an answer"))?;
    picked
        .map(|p| {
            p.into_path()
                .map_err(|e| AppError::invalid_input(format!("that file cannot be written: {e}")))
        })
        .transpose()
}
