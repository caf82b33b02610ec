//! Native file dialogs (rfd through tauri-plugin-dialog), awaited without blocking a worker.

use std::path::{Path, PathBuf};

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

/// [`save_file`] opening in `suggested`'s folder with its name filled in.
pub async fn save_file_at(
    app: &tauri::AppHandle,
    title: &str,
    suggested: &Path,
    filter: (&str, &[&str]),
) -> Result<Option<PathBuf>, AppError> {
    let mut dialog = app
        .dialog()
        .file()
        .set_title(title)
        .add_filter(filter.0, filter.1);
    if let Some(dir) = suggested.parent() {
        dialog = dialog.set_directory(dir);
    }
    if let Some(name) = suggested.file_name() {
        dialog = dialog.set_file_name(name.to_string_lossy());
    }
    answer(dialog, FileDialogBuilder::save_file, "written").await
}

/// Files the user saved through a dialog in this session: the only ones whose folder the webview
/// may ask to open by path (it names no other path to the file manager).
#[derive(Default)]
pub struct SavedFiles(std::sync::Mutex<std::collections::HashSet<PathBuf>>);

impl SavedFiles {
    pub fn remember(&self, path: PathBuf) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(path);
    }

    /// The folder of `path`, if it is a file saved this session.
    pub fn folder_of(&self, path: &Path) -> Option<PathBuf> {
        let saved = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        saved
            .contains(path)
            .then(|| path.parent().map(Path::to_path_buf))
            .flatten()
    }
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
