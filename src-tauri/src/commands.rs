//! Tauri commands: deserialize, call one engine function, map the error. No logic lives here.
//! Every error crosses as the engine's `{ code, message }`. Each command is declared once, in the
//! `webview_commands!` block below (see `webview_commands` for what is made from it). Every command is
//! async, so none runs on the main thread, which paints the window; work that blocks (disk, keychain,
//! parsing) goes to the blocking pool (`Shell::blocking`, `off_main_thread`).

use std::time::Duration;

use invite_desk_engine::batch::{BatchFile, Plan};
use invite_desk_engine::followup::{FollowUpKind, FollowUpReport};
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
    Destinations, Draft, DraftSummary, DroppedList, DueBatch, Folder, LinkCopy, NewSecrets,
    PreviewMessage, ProfileView, RetryChoice, RunAction, RunRequest, RunSummary, SavedTemplate,
    Selection, Settings, TenantReport,
};
use invite_desk_engine::support::Lookup;
use invite_desk_engine::template::{
    MessageKind, Style, Template, TemplateFile, TemplateSet, Wording,
};
use invite_desk_engine::{AppError, about};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_plugin_opener::OpenerExt;

use crate::close_guard::CloseGuard;
use crate::dialogs;
use crate::drops::DropListener;
use crate::opened_file::OpenedAtStart;
use crate::webview_commands::webview_commands;
use crate::{Shell, off_main_thread};

type Answer<T> = Result<T, AppError>;

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

webview_commands! {
    fn app_info[shell: State<'_, Shell>]() -> about::AppInfo {
        Ok(about::app_info(shell.service.paths()))
    }

    fn profiles_list[shell: State<'_, Shell>]() -> Vec<ProfileView> {
        shell.blocking(|service| service.profiles()).await
    }

    fn profile_save[shell: State<'_, Shell>](profile: Profile, secrets: NewSecrets) -> ProfileView {
        shell
            .blocking(move |service| service.save_profile(profile, secrets))
            .await
    }

    fn sandbox_plan_choose[shell: State<'_, Shell>](name: String, plan: String) -> ProfileView {
        shell.service.choose_builtin_plan(&name, &plan).await
    }

    fn profile_forget_secret[shell: State<'_, Shell>](
        name: String,
        kind: SecretKind,
    ) -> ProfileView {
        shell
            .blocking(move |service| service.forget_secret(&name, kind))
            .await
    }

    fn profile_delete[shell: State<'_, Shell>](name: String) -> () {
        shell
            .blocking(move |service| service.delete_profile(&name))
            .await
    }

    fn tenant_check[shell: State<'_, Shell>](profile: String) -> TenantReport {
        let target = shell.service.profile_target(&profile)?;
        shell.service.check_tenant(&target, None).await
    }

    fn list_read[](text: String, mapping: Option<MappingOverride>) -> RosterReport {
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

    fn list_open[app: AppHandle, shell: State<'_, Shell>]() -> Option<ListText> {
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
    fn list_drops[drops: State<'_, DropListener>](on_drop: Channel<DroppedList>) -> () {
        drops.subscribe(on_drop);
        Ok(())
    }

    /// The window subscribes here to be asked before it closes while a batch runs (the batch's id
    /// comes through the channel; see `close_guard`).
    fn window_close_requests[guard: State<'_, CloseGuard>](on_request: Channel<String>) -> () {
        guard.subscribe(on_request);
        Ok(())
    }

    /// Closes the window for good (after the admin chose to stop the run, or when nothing runs).
    fn window_close[window: tauri::WebviewWindow]() -> () {
        window
            .destroy()
            .map_err(|e| AppError::internal(format!("the window could not close: {e}")))
    }

    fn list_row[](text: String, format: SourceFormat, line: u64) -> EditableRow {
        off_main_thread(move || edit::row(&text, format, line)).await
    }

    fn list_set_row[](text: String, format: SourceFormat, line: u64, cells: Vec<String>) -> String {
        off_main_thread(move || edit::set_row(&text, format, line, &cells)).await
    }

    /// The text with the row on `line` blanked out (every other line keeps its number).
    fn list_remove_row[](text: String, format: SourceFormat, line: u64) -> String {
        off_main_thread(move || edit::remove_row(&text, format, line)).await
    }

    fn preview[shell: State<'_, Shell>](
        batch: BatchFile,
        line: Option<u64>,
        kind: Option<MessageKind>,
        language: Option<String>,
    ) -> PreviewMessage {
        shell
            .blocking(move |service| service.preview(&batch, line, kind, language.as_deref()))
            .await
    }

    fn send_test[shell: State<'_, Shell>](
        profile: Option<String>,
        batch: BatchFile,
        to: String,
        kind: Option<MessageKind>,
        language: Option<String>,
    ) -> String {
        shell
            .service
            .send_test(profile.as_deref(), &batch, &to, kind, language.as_deref())
            .await
    }

    /// "2 people have a language the message is not written in: …", or `None` when everyone's has
    /// wording (or the message does not compile yet: the Email step says why).
    fn language_notice[](batch: BatchFile) -> Option<String> {
        off_main_thread(move || {
            Ok(batch.compiled_templates().ok().and_then(|templates| {
                invite_desk_engine::languages::without_wording(&batch.people, &templates)
            }))
        })
        .await
    }

    /// The wording `batch` uses for `kind`: its own, or the built-in one for its mode and names.
    fn template_of[](batch: BatchFile, kind: MessageKind) -> Template {
        Ok(batch.template_of(kind))
    }

    /// A language's wording as the markup it is laid out into, for the advanced editor to start from.
    fn wording_as_markup[](wording: Wording, language: String, style: Style) -> TemplateSet {
        Ok(invite_desk_engine::template::wording::layout(&wording, &language, &style))
    }

    fn templates_list[shell: State<'_, Shell>]() -> Vec<SavedTemplate> {
        shell.blocking(move |service| service.saved_templates()).await
    }

    fn template_load[shell: State<'_, Shell>](name: String) -> TemplateFile {
        shell.blocking(move |service| service.saved_template(&name)).await
    }

    fn template_save[shell: State<'_, Shell>](
        name: String,
        message: MessageKind,
        template: Template,
    ) -> SavedTemplate {
        shell
            .blocking(move |service| service.save_template(&name, message, &template))
            .await
    }

    fn template_delete[shell: State<'_, Shell>](name: String) -> () {
        shell.blocking(move |service| service.delete_template(&name)).await
    }

    fn template_set_default[shell: State<'_, Shell>](profile: String, name: Option<String>) -> () {
        shell
            .blocking(move |service| service.set_default_template(&profile, name.as_deref()))
            .await
    }

    /// Saves a template file the user picks; `None` when they close the dialog.
    fn template_import[app: AppHandle, shell: State<'_, Shell>]() -> Option<SavedTemplate> {
        match dialogs::pick_file(&app, "Import a template", ("Templates", &["toml"][..])).await? {
            Some(path) => shell
                .blocking(move |service| service.import_template(&path))
                .await
                .map(Some),
            None => Ok(None),
        }
    }

    /// Writes a saved template where the user chooses; the path, or `None` when they close the dialog.
    fn template_export[app: AppHandle, shell: State<'_, Shell>](name: String) -> Option<String> {
        let suggested = format!("{}.toml", name.replace(['/', '\\', ':'], "-"));
        match dialogs::save_file(&app, "Export the template", &suggested, ("Templates", &["toml"][..])).await? {
            Some(path) => {
                let shown = path.to_string_lossy().into_owned();
                shell
                    .blocking(move |service| service.export_template(&name, &path))
                    .await
                    .map(|()| Some(shown))
            }
            None => Ok(None),
        }
    }

    fn plan[shell: State<'_, Shell>](profile: Option<String>, batch: BatchFile) -> Plan {
        let target = optional_target(&shell, profile)?;
        shell
            .service
            .plan(target.as_ref(), &batch, &Default::default())
            .await
    }

    /// The Review step's checklist: what a run would check before its first write.
    fn preflight[shell: State<'_, Shell>](profile: Option<String>, batch: BatchFile) -> Preflight {
        let target = optional_target(&shell, profile)?;
        shell.service.preflight(target.as_ref(), &batch, None).await
    }

    fn drafts_list[shell: State<'_, Shell>]() -> Vec<DraftSummary> {
        shell.blocking(|service| service.drafts()).await
    }

    fn draft_new[shell: State<'_, Shell>](profile: Option<String>) -> Draft {
        shell
            .blocking(move |service| service.new_draft(profile.as_deref()))
            .await
    }

    fn draft_save[shell: State<'_, Shell>](draft: Draft) -> DraftSummary {
        shell
            .blocking(move |service| service.save_draft(draft))
            .await
    }

    fn draft_load[shell: State<'_, Shell>](id: String) -> Draft {
        shell.blocking(move |service| service.draft(&id)).await
    }

    fn draft_delete[shell: State<'_, Shell>](id: String) -> () {
        shell
            .blocking(move |service| service.delete_draft(&id))
            .await
    }

    fn batch_export[shell: State<'_, Shell>](batch: BatchFile) -> String {
        shell
            .blocking(move |service| service.export_batch(&batch))
            .await
    }

    fn batch_open[app: AppHandle, shell: State<'_, Shell>]() -> Option<Draft> {
        match dialogs::pick_file(&app, "Open a batch file", ("Batch files", &["json"][..])).await? {
            Some(path) => shell
                .blocking(move |service| service.open_batch_file(&path))
                .await
                .map(Some),
            None => Ok(None),
        }
    }

    /// The batch file the app was started with, once (`None` when there was none).
    fn batch_opened_at_start[shell: State<'_, Shell>, opened: State<'_, OpenedAtStart>]() -> Option<Draft> {
        match opened.take() {
            Some(path) => shell
                .blocking(move |service| service.open_batch_file(&path))
                .await
                .map(Some),
            None => Ok(None),
        }
    }

    /// Where a batch sends things, beside the profile it would run under (shown before a batch
    /// from a file runs).
    fn batch_destinations[shell: State<'_, Shell>](profile: String, batch: BatchFile) -> Destinations {
        let target = shell.service.profile_target(&profile)?;
        shell
            .blocking(move |service| service.destinations(&target, &batch))
            .await
    }

    /// A new signing key for a profile's invitation tokens: kept in the keychain and shown this
    /// once, for the admin to give to the application that checks the tokens.
    fn signing_key_generate[shell: State<'_, Shell>](name: String) -> String {
        use invite_desk_engine::ExposeSecret;
        shell
            .blocking(move |service| service.generate_signing_key(&name))
            .await
            .map(|key| key.expose_secret().to_owned())
    }

    fn run_start[shell: State<'_, Shell>](
        profile: String,
        batch: BatchFile,
        confirmed_production: bool,
        on_event: Channel<Vec<RunEvent>>,
    ) -> RunSummary {
        let target = shell.service.profile_target(&profile)?;
        let (sink, coalescer) = channel_sink(on_event);
        let result = shell
            .service
            .start_run(&target, batch, RunRequest::app(confirmed_production), sink)
            .await;
        coalescer.flush();
        result
    }

    fn run_resume[shell: State<'_, Shell>](
        batch_id: String,
        retry: RetryChoice,
        confirmed_production: bool,
        on_event: Channel<Vec<RunEvent>>,
    ) -> RunSummary {
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

    fn run_control[shell: State<'_, Shell>](batch_id: String, action: RunAction) -> () {
        shell.service.control_run(&batch_id, action)
    }

    fn run_active[shell: State<'_, Shell>]() -> Option<String> {
        Ok(shell.service.active_run())
    }

    fn history[shell: State<'_, Shell>]() -> Vec<BatchSummary> {
        shell.blocking(|service| service.history()).await
    }

    fn batch_results[shell: State<'_, Shell>](batch_id: String) -> Vec<PersonResult> {
        shell
            .blocking(move |service| service.results(&batch_id))
            .await
    }

    /// Writes the batch's results where the user chooses (the export folder first); the path, or
    /// `None` when they close the dialog.
    fn results_export[app: AppHandle, shell: State<'_, Shell>, saved: State<'_, dialogs::SavedFiles>](
        batch_id: String,
    ) -> Option<String> {
        let id = batch_id.clone();
        let suggested = shell.blocking(move |service| service.results_export_path(&id)).await?;
        let Some(path) =
            dialogs::save_file_at(&app, "Export the results", &suggested, ("CSV", &["csv"][..])).await?
        else {
            return Ok(None);
        };
        let to = path.clone();
        let written = shell
            .blocking(move |service| service.export_results(&batch_id, Some(&to)))
            .await?;
        saved.remember(path);
        Ok(Some(written))
    }

    /// Shows the folder of a file saved through a dialog in this session (never any other path).
    fn open_saved_folder[app: AppHandle, saved: State<'_, dialogs::SavedFiles>](path: String) -> () {
        let path = std::path::PathBuf::from(path);
        let folder = saved.folder_of(&path).ok_or_else(|| {
            AppError::invalid_input(format!("{} was not saved from this window", path.display()))
        })?;
        open_in_file_manager(&app, &folder)
    }

    /// Shows where a batch delivered: its outbox folder, or the folder of its link export.
    fn open_delivery_folder[app: AppHandle, shell: State<'_, Shell>](batch_id: String) -> () {
        let folder = shell
            .blocking(move |service| service.delivery_folder(&batch_id))
            .await?;
        open_in_file_manager(&app, &folder)
    }

    fn lookup[shell: State<'_, Shell>](profile: Option<String>, email: String) -> Lookup {
        let target = optional_target(&shell, profile)?;
        shell.service.lookup(target.as_ref(), &email).await
    }

    fn resend[shell: State<'_, Shell>](
        email: String,
        confirmed_production: bool,
        on_event: Channel<Vec<RunEvent>>,
    ) -> RunSummary {
        let (sink, coalescer) = channel_sink(on_event);
        let result = shell
            .service
            .resend(&email, None, RunRequest::app(confirmed_production), sink)
            .await;
        coalescer.flush();
        result
    }

    /// A new link for one person, put on the system clipboard from here (the webview has no
    /// clipboard permission) and shown once.
    fn copy_link[app: AppHandle, shell: State<'_, Shell>](email: String, confirmed_production: bool) -> LinkCopy {
        let mut link = shell
            .service
            .copy_link(&email, None, RunRequest::app(confirmed_production))
            .await?;
        match app.clipboard().write_text(link.url.clone()) {
            Ok(()) => link.copied = true,
            // The link is still shown, selected for Ctrl+C; the screen says it was not copied.
            Err(e) => tracing::warn!(error = %e, "could not put the link on the clipboard"),
        }
        Ok(link)
    }

    /// A batch's follow-up as the journal knows it (the last check): no tenant is asked.
    fn follow_up_view[shell: State<'_, Shell>](batch_id: String) -> FollowUpReport {
        shell
            .blocking(move |service| service.follow_up_offline(&batch_id))
            .await
    }

    /// Asks the tenant where everyone in the batch stands (journaled).
    fn follow_up_check[shell: State<'_, Shell>](batch_id: String) -> FollowUpReport {
        // A check only reads without a go-ahead: write-back on a production tenant waits for a
        // Remind or Send new links, which ask.
        shell.service.check_follow_up(&batch_id, None, false, false).await
    }

    /// Reminders (kind `reminder`) or new links (`reissue`) to `emails`, or to everyone they may go
    /// to when `None`; the check after the wave, with what it did in `actions`.
    fn follow_up_send[shell: State<'_, Shell>](
        batch_id: String,
        kind: FollowUpKind,
        emails: Option<Vec<String>>,
        confirmed_production: bool,
        on_event: Channel<Vec<RunEvent>>,
    ) -> FollowUpReport {
        let selection = match emails {
            Some(emails) => Selection::Only(emails),
            None => Selection::Everyone,
        };
        let (sink, coalescer) = channel_sink(on_event);
        let action = shell
            .service
            .follow_up(
                &batch_id,
                kind,
                &selection,
                None,
                RunRequest::app(confirmed_production),
                sink,
            )
            .await;
        coalescer.flush();
        let action = action?;
        // What was sent stays said even when the check after it fails: the journal's view then.
        let mut report = match shell
            .service
            .check_follow_up(&batch_id, None, false, confirmed_production)
            .await
        {
            Ok(report) => report,
            Err(e) => {
                tracing::warn!(batch = %batch_id, error = %e.message, "the check after a follow-up wave failed");
                shell.service.follow_up_offline(&batch_id)?
            }
        };
        report.actions = vec![action];
        Ok(report)
    }

    /// Every batch whose cadence has something due, from the journal (the launch's "reminders are due").
    fn follow_up_due[shell: State<'_, Shell>]() -> Vec<DueBatch> {
        shell.blocking(|service| service.due_follow_ups()).await
    }

    fn follow_up_export[shell: State<'_, Shell>](batch_id: String) -> String {
        shell
            .blocking(move |service| service.export_follow_up(&batch_id))
            .await
    }

    fn settings_get[shell: State<'_, Shell>]() -> Settings {
        shell.blocking(|service| service.settings()).await
    }

    fn settings_save[shell: State<'_, Shell>](settings: Settings) -> Settings {
        shell
            .blocking(move |service| service.save_settings(&settings))
            .await
    }

    fn open_folder[app: AppHandle, shell: State<'_, Shell>](folder: Folder) -> () {
        let path = shell.blocking(move |service| service.folder(folder)).await?;
        open_in_file_manager(&app, &path)
    }
}

fn open_in_file_manager(app: &AppHandle, folder: &std::path::Path) -> Answer<()> {
    app.opener()
        .open_path(folder.to_string_lossy(), None::<&str>)
        .map_err(|e| AppError::io("open", folder, &std::io::Error::other(e.to_string())))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::webview_commands::{capability, typescript};

    /// The files generated from the command list, next to the committed ones.
    fn generated() -> [(&'static str, String); 2] {
        let signatures = super::signatures();
        [
            ("ui/src/generated/commands.ts", typescript(&signatures)),
            (
                "src-tauri/capabilities/main-window.json",
                capability(&signatures),
            ),
        ]
    }

    #[test]
    fn command_bindings_and_capability_match_the_committed_files() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        for (path, expected) in generated() {
            let path = root.join(path);
            if std::env::var_os("UPDATE_BINDINGS").is_some() {
                std::fs::write(&path, &expected).expect("write a generated file");
                continue;
            }
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                committed == expected,
                "{} is out of date with src-tauri/src/commands.rs: run \
                 `UPDATE_BINDINGS=1 cargo test -p invite-desk-app bindings` and commit the result",
                path.display()
            );
        }
    }
}
