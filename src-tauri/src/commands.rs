//! Tauri commands: deserialize, call one engine function, map the error. No logic lives here.

use invite_desk_engine::{AppError, about};

use crate::Shell;

#[tauri::command]
pub fn app_info(shell: tauri::State<'_, Shell>) -> Result<about::AppInfo, AppError> {
    Ok(about::app_info(&shell.paths))
}
