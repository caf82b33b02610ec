//! Tauri commands: deserialize, call one engine function, map the error. No logic lives here.
//! Every error crosses as the engine's `{ code, message }`. Only commands that answer from memory
//! (or only store a channel) stay synchronous: the others run off the main thread, which paints the
//! window (`Shell::blocking`, `off_main_thread`).

use std::path::PathBuf;
use std::time::Duration;

use invite_desk_engine::batch::{BatchFile, Plan};
use invite_desk_engine::journal::BatchSummary;
use invite_desk_engine::profiles::Profile;
use invite_desk_engine::roster::edit::{self, EditableRow};
use invite_desk_engine::roster::{
    self, ListText, MappingOverride, ReadOptions, RosterReport, SourceFormat,
};
use invite_desk_engine::run::preflight::Preflight;
use invite_desk_engine::run::results::PersonResult;
use invite_desk_engine::run::stream::Coalescer;
use invite_desk_engine::run::{EventSink, RunEvent};
use invite_desk_engine::secrets::SecretKind;
use invite_desk_engine::service::{
    Draft, DraftSummary, DroppedList, LinkCopy, NewSecrets, PreviewMessage, ProfileView,
    RetryChoice, RunAction, RunRequest, RunSummary, Settings, TenantReport,
};
use invite_desk_engine::support::Lookup;
use invite_desk_engine::{AppError, about};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use crate::dialogs;
use crate::drops::DropListener;
use crate::{Shell, off_main_thread};

type Answer<T> = Result<T, AppError>;

// The handler below registers these; the test at the end checks the capability against them.
#[cfg(test)]
include!("command_names.rs");

pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        app_info,
        profiles_list,
        profile_save,
        profile_forget_secret,
        profile_delete,
        tenant_check,
        list_read,
        list_open,
        list_drops,
        list_row,
        list_set_row,
        preview,
        send_test,
        plan,
        preflight,
        drafts_list,
        draft_new,
        draft_save,
        draft_load,
        draft_delete,
        batch_export,
        batch_open,
        run_start,
        run_resume,
        run_control,
        run_active,
        history,
        batch_results,
        results_export,
        lookup,
        resend,
        copy_link,
        settings_get,
        settings_save,
        open_folder,
    ]
}

/// Run events reach the webview in groups, about ten a second, however fast the run goes.
fn channel_sink(channel: Channel<Vec<RunEvent>>) -> (EventSink, std::sync::Arc<Coalescer>) {
    let coalescer = Coalescer::new(Duration::from_millis(100), move |events| {
        // A closed window is no reason to stop the run: the journal has every state.
        let _ = channel.send(events);
    });
    (coalescer.sink(), coalescer)
}

/// The tenant of a profile the screen may or may not have chosen.
fn optional_target(
    shell: &Shell,
    profile: Option<String>,
) -> Answer<Option<invite_desk_engine::run::RunTarget>> {
    profile
        .map(|p| shell.service.profile_target(&p))
        .transpose()
}

#[tauri::command]
pub fn app_info(shell: State<'_, Shell>) -> Answer<about::AppInfo> {
    Ok(about::app_info(shell.service.paths()))
}

#[tauri::command]
pub async fn profiles_list(shell: State<'_, Shell>) -> Answer<Vec<ProfileView>> {
    shell.blocking(|service| service.profiles()).await
}

#[tauri::command]
pub async fn profile_save(
    shell: State<'_, Shell>,
    profile: Profile,
    secrets: NewSecrets,
) -> Answer<ProfileView> {
    shell
        .blocking(move |service| service.save_profile(profile, secrets))
        .await
}

#[tauri::command]
pub async fn profile_forget_secret(
    shell: State<'_, Shell>,
    name: String,
    kind: SecretKind,
) -> Answer<ProfileView> {
    shell
        .blocking(move |service| service.forget_secret(&name, kind))
        .await
}

#[tauri::command]
pub async fn profile_delete(shell: State<'_, Shell>, name: String) -> Answer<()> {
    shell
        .blocking(move |service| service.delete_profile(&name))
        .await
}

#[tauri::command]
pub async fn tenant_check(shell: State<'_, Shell>, profile: String) -> Answer<TenantReport> {
    let target = shell.service.profile_target(&profile)?;
    shell.service.check_tenant(&target, None).await
}

#[tauri::command]
pub async fn list_read(text: String, mapping: Option<MappingOverride>) -> Answer<RosterReport> {
    off_main_thread(move || {
        roster::read_text(
            &text,
            &ReadOptions {
                sheet: None,
                mapping,
            },
        )
    })
    .await
}

#[tauri::command]
pub async fn list_open(app: AppHandle, shell: State<'_, Shell>) -> Answer<Option<ListText>> {
    let filter = (
        "People lists",
        &["csv", "tsv", "txt", "xlsx", "xls", "ods"][..],
    );
    match dialogs::pick_file(&app, "Open a people list", filter).await? {
        Some(path) => shell
            .blocking(move |service| service.list_from_file(&path))
            .await
            .map(Some),
        None => Ok(None),
    }
}

/// The People step subscribes here for files dragged onto the window (see `drops`).
#[tauri::command]
pub fn list_drops(drops: State<'_, DropListener>, on_drop: Channel<DroppedList>) -> Answer<()> {
    drops.subscribe(on_drop);
    Ok(())
}

#[tauri::command]
pub async fn list_row(text: String, format: SourceFormat, line: u64) -> Answer<EditableRow> {
    off_main_thread(move || edit::row(&text, format, line)).await
}

#[tauri::command]
pub async fn list_set_row(
    text: String,
    format: SourceFormat,
    line: u64,
    cells: Vec<String>,
) -> Answer<String> {
    off_main_thread(move || edit::set_row(&text, format, line, &cells)).await
}

#[tauri::command]
pub async fn preview(
    shell: State<'_, Shell>,
    batch: BatchFile,
    line: Option<u64>,
) -> Answer<PreviewMessage> {
    shell
        .blocking(move |service| service.preview(&batch, line))
        .await
}

#[tauri::command]
pub async fn send_test(
    shell: State<'_, Shell>,
    profile: Option<String>,
    batch: BatchFile,
    to: String,
) -> Answer<String> {
    shell
        .service
        .send_test(profile.as_deref(), &batch, &to)
        .await
}

#[tauri::command]
pub async fn plan(
    shell: State<'_, Shell>,
    profile: Option<String>,
    batch: BatchFile,
) -> Answer<Plan> {
    let target = optional_target(&shell, profile)?;
    shell.service.plan(target.as_ref(), &batch).await
}

/// The Review step's checklist: what a run would check before its first write.
#[tauri::command]
pub async fn preflight(
    shell: State<'_, Shell>,
    profile: Option<String>,
    batch: BatchFile,
) -> Answer<Preflight> {
    let target = optional_target(&shell, profile)?;
    shell.service.preflight(target.as_ref(), &batch, None).await
}

#[tauri::command]
pub async fn drafts_list(shell: State<'_, Shell>) -> Answer<Vec<DraftSummary>> {
    shell.blocking(|service| service.drafts()).await
}

#[tauri::command]
pub async fn draft_new(shell: State<'_, Shell>, profile: Option<String>) -> Answer<Draft> {
    shell
        .blocking(move |service| service.new_draft(profile.as_deref()))
        .await
}

#[tauri::command]
pub async fn draft_save(shell: State<'_, Shell>, draft: Draft) -> Answer<DraftSummary> {
    shell
        .blocking(move |service| service.save_draft(draft))
        .await
}

#[tauri::command]
pub async fn draft_load(shell: State<'_, Shell>, id: String) -> Answer<Draft> {
    shell.blocking(move |service| service.draft(&id)).await
}

#[tauri::command]
pub async fn draft_delete(shell: State<'_, Shell>, id: String) -> Answer<()> {
    shell
        .blocking(move |service| service.delete_draft(&id))
        .await
}

#[tauri::command]
pub async fn batch_export(shell: State<'_, Shell>, batch: BatchFile) -> Answer<String> {
    shell
        .blocking(move |service| service.export_batch(&batch))
        .await
}

#[tauri::command]
pub async fn batch_open(app: AppHandle, shell: State<'_, Shell>) -> Answer<Option<Draft>> {
    match dialogs::pick_file(&app, "Open a batch file", ("Batch files", &["json"][..])).await? {
        Some(path) => shell
            .blocking(move |service| service.open_batch_file(&path))
            .await
            .map(Some),
        None => Ok(None),
    }
}

#[tauri::command]
pub async fn run_start(
    shell: State<'_, Shell>,
    profile: String,
    batch: BatchFile,
    confirmed_production: bool,
    on_event: Channel<Vec<RunEvent>>,
) -> Answer<RunSummary> {
    let target = shell.service.profile_target(&profile)?;
    let (sink, coalescer) = channel_sink(on_event);
    let result = shell
        .service
        .start_run(&target, batch, RunRequest::app(confirmed_production), sink)
        .await;
    coalescer.flush();
    result
}

#[tauri::command]
pub async fn run_resume(
    shell: State<'_, Shell>,
    batch_id: String,
    retry: RetryChoice,
    confirmed_production: bool,
    on_event: Channel<Vec<RunEvent>>,
) -> Answer<RunSummary> {
    let (sink, coalescer) = channel_sink(on_event);
    let result = shell
        .service
        .resume_run(
            &batch_id,
            retry,
            RunRequest::app(confirmed_production),
            sink,
        )
        .await;
    coalescer.flush();
    result
}

#[tauri::command]
pub fn run_control(shell: State<'_, Shell>, batch_id: String, action: RunAction) -> Answer<()> {
    shell.service.control_run(&batch_id, action)
}

#[tauri::command]
pub fn run_active(shell: State<'_, Shell>) -> Answer<Option<String>> {
    Ok(shell.service.active_run())
}

#[tauri::command]
pub async fn history(shell: State<'_, Shell>) -> Answer<Vec<BatchSummary>> {
    shell.blocking(|service| service.history()).await
}

#[tauri::command]
pub async fn batch_results(shell: State<'_, Shell>, batch_id: String) -> Answer<Vec<PersonResult>> {
    shell
        .blocking(move |service| service.results(&batch_id))
        .await
}

#[tauri::command]
pub async fn results_export(shell: State<'_, Shell>, batch_id: String) -> Answer<String> {
    shell
        .blocking(move |service| service.export_results(&batch_id))
        .await
}

#[tauri::command]
pub async fn lookup(
    shell: State<'_, Shell>,
    profile: Option<String>,
    email: String,
) -> Answer<Lookup> {
    let target = optional_target(&shell, profile)?;
    shell.service.lookup(target.as_ref(), &email).await
}

#[tauri::command]
pub async fn resend(
    shell: State<'_, Shell>,
    email: String,
    confirmed_production: bool,
    on_event: Channel<Vec<RunEvent>>,
) -> Answer<RunSummary> {
    let (sink, coalescer) = channel_sink(on_event);
    let result = shell
        .service
        .resend(&email, None, RunRequest::app(confirmed_production), sink)
        .await;
    coalescer.flush();
    result
}

#[tauri::command]
pub async fn copy_link(
    shell: State<'_, Shell>,
    email: String,
    confirmed_production: bool,
) -> Answer<LinkCopy> {
    shell
        .service
        .copy_link(&email, None, RunRequest::app(confirmed_production))
        .await
}

#[tauri::command]
pub async fn settings_get(shell: State<'_, Shell>) -> Answer<Settings> {
    shell.blocking(|service| service.settings()).await
}

#[tauri::command]
pub async fn settings_save(shell: State<'_, Shell>, settings: Settings) -> Answer<Settings> {
    shell
        .blocking(move |service| service.save_settings(&settings))
        .await
}

/// Which folder the system file manager should show: never a path from the webview.
#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Folder {
    Data,
    Logs,
    Exports,
}

#[tauri::command]
pub async fn open_folder(app: AppHandle, shell: State<'_, Shell>, folder: Folder) -> Answer<()> {
    let path: PathBuf = match folder {
        Folder::Data => shell.service.paths().data_dir.clone(),
        Folder::Logs => shell.service.paths().log_dir.clone(),
        Folder::Exports => shell.blocking(|service| service.export_dir()).await?,
    };
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| AppError::io("open", &path, &std::io::Error::other(e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::COMMANDS;

    #[test]
    fn the_capability_grants_exactly_the_registered_commands() {
        let text = include_str!("../capabilities/main-window.json");
        let capability: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
        let mut granted: Vec<String> = capability["permissions"]
            .as_array()
            .expect("a permission list")
            .iter()
            .map(|p| p.as_str().unwrap_or_default().to_owned())
            .collect();
        let mut expected: Vec<String> = COMMANDS
            .iter()
            .map(|c| format!("allow-{}", c.replace('_', "-")))
            .collect();
        granted.sort();
        expected.sort();
        assert_eq!(granted, expected);
    }
}
