// Generated from src-tauri/src/commands.rs by src-tauri/src/webview_commands.rs. Do not edit by
// hand: run `UPDATE_BINDINGS=1 cargo test -p invite-desk-app bindings` after changing a command.
import type { Channel } from '@tauri-apps/api/core';
import type { AppInfo, BatchFile, BatchSummary, Destinations, Draft, DraftSummary, DroppedList, DueBatch, EditableRow, Folder, FollowUpKind, FollowUpReport, LinkCopy, ListText, Lookup, MappingOverride, MessageKind, NewSecrets, PersonResult, Plan, Preflight, PreviewMessage, Profile, ProfileView, RetryChoice, RosterReport, RunAction, RunEvent, RunSummary, SavedTemplate, SecretKind, Settings, SourceFormat, Style, Template, TemplateFile, TemplateSet, TenantReport, Wording } from './bindings';

/** How the functions reach Rust: `invoke`, or a wrapper of it that maps rejections. */
export type Invoke = <T>(command: string, args?: Record<string, unknown>) => Promise<T>;

/** Every command the webview may call, with the argument and answer types Rust declares. */
export function webviewCommands(invoke: Invoke) {
  return {
    appInfo: (): Promise<AppInfo> => invoke('app_info'),
    profilesList: (): Promise<Array<ProfileView>> => invoke('profiles_list'),
    profileSave: (profile: Profile, secrets: NewSecrets): Promise<ProfileView> => invoke('profile_save', { profile, secrets }),
    sandboxPlanChoose: (name: string, plan: string): Promise<ProfileView> => invoke('sandbox_plan_choose', { name, plan }),
    profileForgetSecret: (name: string, kind: SecretKind): Promise<ProfileView> => invoke('profile_forget_secret', { name, kind }),
    profileDelete: (name: string): Promise<null> => invoke('profile_delete', { name }),
    tenantCheck: (profile: string): Promise<TenantReport> => invoke('tenant_check', { profile }),
    listRead: (text: string, mapping: MappingOverride | null): Promise<RosterReport> => invoke('list_read', { text, mapping }),
    listOpen: (): Promise<ListText | null> => invoke('list_open'),
    /**
     * The People step subscribes here for files dragged onto the window (see `drops`).
     */
    listDrops: (onDrop: Channel<DroppedList>): Promise<null> => invoke('list_drops', { onDrop }),
    /**
     * The window subscribes here to be asked before it closes while a batch runs (the batch's id
     * comes through the channel; see `close_guard`).
     */
    windowCloseRequests: (onRequest: Channel<string>): Promise<null> => invoke('window_close_requests', { onRequest }),
    /**
     * Closes the window for good (after the admin chose to stop the run, or when nothing runs).
     */
    windowClose: (): Promise<null> => invoke('window_close'),
    listRow: (text: string, format: SourceFormat, line: number): Promise<EditableRow> => invoke('list_row', { text, format, line }),
    listSetRow: (text: string, format: SourceFormat, line: number, cells: Array<string>): Promise<string> => invoke('list_set_row', { text, format, line, cells }),
    /**
     * The text with the row on `line` blanked out (every other line keeps its number).
     */
    listRemoveRow: (text: string, format: SourceFormat, line: number): Promise<string> => invoke('list_remove_row', { text, format, line }),
    preview: (batch: BatchFile, line: number | null, kind: MessageKind | null, language: string | null): Promise<PreviewMessage> => invoke('preview', { batch, line, kind, language }),
    sendTest: (profile: string | null, batch: BatchFile, to: string, kind: MessageKind | null, language: string | null): Promise<string> => invoke('send_test', { profile, batch, to, kind, language }),
    /**
     * "2 people have a language the message is not written in: …", or `None` when everyone's has
     * wording (or the message does not compile yet: the Email step says why).
     */
    languageNotice: (batch: BatchFile): Promise<string | null> => invoke('language_notice', { batch }),
    /**
     * The wording `batch` uses for `kind`: its own, or the built-in one for its mode and names.
     */
    templateOf: (batch: BatchFile, kind: MessageKind): Promise<Template> => invoke('template_of', { batch, kind }),
    /**
     * A language's wording as the markup it is laid out into, for the advanced editor to start from.
     */
    wordingAsMarkup: (wording: Wording, language: string, style: Style): Promise<TemplateSet> => invoke('wording_as_markup', { wording, language, style }),
    templatesList: (): Promise<Array<SavedTemplate>> => invoke('templates_list'),
    templateLoad: (name: string): Promise<TemplateFile> => invoke('template_load', { name }),
    templateSave: (name: string, message: MessageKind, template: Template): Promise<SavedTemplate> => invoke('template_save', { name, message, template }),
    templateDelete: (name: string): Promise<null> => invoke('template_delete', { name }),
    templateSetDefault: (profile: string, name: string | null): Promise<null> => invoke('template_set_default', { profile, name }),
    /**
     * Saves a template file the user picks; `None` when they close the dialog.
     */
    templateImport: (): Promise<SavedTemplate | null> => invoke('template_import'),
    /**
     * Writes a saved template where the user chooses; the path, or `None` when they close the dialog.
     */
    templateExport: (name: string): Promise<string | null> => invoke('template_export', { name }),
    plan: (profile: string | null, batch: BatchFile): Promise<Plan> => invoke('plan', { profile, batch }),
    /**
     * The Review step's checklist: what a run would check before its first write.
     */
    preflight: (profile: string | null, batch: BatchFile): Promise<Preflight> => invoke('preflight', { profile, batch }),
    draftsList: (): Promise<Array<DraftSummary>> => invoke('drafts_list'),
    draftNew: (profile: string | null): Promise<Draft> => invoke('draft_new', { profile }),
    draftSave: (draft: Draft): Promise<DraftSummary> => invoke('draft_save', { draft }),
    draftLoad: (id: string): Promise<Draft> => invoke('draft_load', { id }),
    draftDelete: (id: string): Promise<null> => invoke('draft_delete', { id }),
    batchExport: (batch: BatchFile): Promise<string> => invoke('batch_export', { batch }),
    batchOpen: (): Promise<Draft | null> => invoke('batch_open'),
    /**
     * The batch file the app was started with, once (`None` when there was none).
     */
    batchOpenedAtStart: (): Promise<Draft | null> => invoke('batch_opened_at_start'),
    /**
     * Where a batch sends things, beside the profile it would run under (shown before a batch
     * from a file runs).
     */
    batchDestinations: (profile: string, batch: BatchFile): Promise<Destinations> => invoke('batch_destinations', { profile, batch }),
    /**
     * A new signing key for a profile's invitation tokens: kept in the keychain and shown this
     * once, for the admin to give to the application that checks the tokens.
     */
    signingKeyGenerate: (name: string): Promise<string> => invoke('signing_key_generate', { name }),
    runStart: (profile: string, batch: BatchFile, confirmedProduction: boolean, onEvent: Channel<Array<RunEvent>>): Promise<RunSummary> => invoke('run_start', { profile, batch, confirmedProduction, onEvent }),
    runResume: (batchId: string, retry: RetryChoice, confirmedProduction: boolean, onEvent: Channel<Array<RunEvent>>): Promise<RunSummary> => invoke('run_resume', { batchId, retry, confirmedProduction, onEvent }),
    runControl: (batchId: string, action: RunAction): Promise<null> => invoke('run_control', { batchId, action }),
    runActive: (): Promise<string | null> => invoke('run_active'),
    history: (): Promise<Array<BatchSummary>> => invoke('history'),
    batchResults: (batchId: string): Promise<Array<PersonResult>> => invoke('batch_results', { batchId }),
    /**
     * Writes the batch's results where the user chooses (the export folder first); the path, or
     * `None` when they close the dialog.
     */
    resultsExport: (batchId: string): Promise<string | null> => invoke('results_export', { batchId }),
    /**
     * Shows the folder of a file saved through a dialog in this session (never any other path).
     */
    openSavedFolder: (path: string): Promise<null> => invoke('open_saved_folder', { path }),
    /**
     * Shows where a batch delivered: its outbox folder, or the folder of its link export.
     */
    openDeliveryFolder: (batchId: string): Promise<null> => invoke('open_delivery_folder', { batchId }),
    lookup: (profile: string | null, email: string): Promise<Lookup> => invoke('lookup', { profile, email }),
    resend: (email: string, confirmedProduction: boolean, onEvent: Channel<Array<RunEvent>>): Promise<RunSummary> => invoke('resend', { email, confirmedProduction, onEvent }),
    /**
     * A new link for one person, put on the system clipboard from here (the webview has no
     * clipboard permission) and shown once.
     */
    copyLink: (email: string, confirmedProduction: boolean): Promise<LinkCopy> => invoke('copy_link', { email, confirmedProduction }),
    /**
     * A batch's follow-up as the journal knows it (the last check): no tenant is asked.
     */
    followUpView: (batchId: string): Promise<FollowUpReport> => invoke('follow_up_view', { batchId }),
    /**
     * Asks the tenant where everyone in the batch stands (journaled).
     */
    followUpCheck: (batchId: string): Promise<FollowUpReport> => invoke('follow_up_check', { batchId }),
    /**
     * Reminders (kind `reminder`) or new links (`reissue`) to `emails`, or to everyone they may go
     * to when `None`; the check after the wave, with what it did in `actions`.
     */
    followUpSend: (batchId: string, kind: FollowUpKind, emails: Array<string> | null, confirmedProduction: boolean, onEvent: Channel<Array<RunEvent>>): Promise<FollowUpReport> => invoke('follow_up_send', { batchId, kind, emails, confirmedProduction, onEvent }),
    /**
     * Every batch whose cadence has something due, from the journal (the launch's "reminders are due").
     */
    followUpDue: (): Promise<Array<DueBatch>> => invoke('follow_up_due'),
    followUpExport: (batchId: string): Promise<string> => invoke('follow_up_export', { batchId }),
    settingsGet: (): Promise<Settings> => invoke('settings_get'),
    settingsSave: (settings: Settings): Promise<Settings> => invoke('settings_save', { settings }),
    openFolder: (folder: Folder): Promise<null> => invoke('open_folder', { folder }),
  };
}
