// The one module that talks to Tauri. Everything else calls these typed functions, which makes the
// screens testable without a webview and keeps the IPC surface in one readable place.
import { Channel, convertFileSrc, invoke } from '@tauri-apps/api/core';
import type {
  AppError,
  AppInfo,
  BatchFile,
  BatchSummary,
  Destinations,
  Draft,
  DraftSummary,
  DroppedList,
  DueBatch,
  EditableRow,
  Folder,
  FollowUpKind,
  FollowUpReport,
  LinkCopy,
  ListText,
  MessageKind,
  Lookup,
  MappingOverride,
  NewSecrets,
  PersonResult,
  Plan,
  Preflight,
  PreviewMessage,
  Profile,
  ProfileView,
  RetryChoice,
  RosterReport,
  RunAction,
  RunEvent,
  RunSummary,
  SavedTemplate,
  SecretKind,
  Settings,
  SourceFormat,
  Style,
  Template,
  TemplateFile,
  TemplateSet,
  TenantReport,
  Wording,
} from '../generated/bindings';
import { ERROR_CODES, PREVIEW_SCHEME } from '../generated/bindings';
import { webviewCommands } from '../generated/commands';


function isAppError(value: unknown): value is AppError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.message === 'string' &&
    typeof candidate.code === 'string' &&
    (ERROR_CODES as readonly string[]).includes(candidate.code)
  );
}

/** Every rejection becomes an AppError, so screens only ever handle `{ code, message }`. */
export function toAppError(reason: unknown): AppError {
  if (isAppError(reason)) return reason;
  if (typeof reason === 'string') return { code: 'internal', message: reason };
  const message = (reason as { message?: unknown } | null)?.message;
  return { code: 'internal', message: typeof message === 'string' ? message : 'unknown failure' };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toAppError(reason);
  }
}

/**
 * Runs an action that a production tenant needs the person's go-ahead for: the engine refuses it
 * with `needs_confirmation` (having done nothing), the person is asked with the engine's own words,
 * and a yes calls it again confirmed.
 */
async function withGoAhead<T>(action: (confirmedProduction: boolean) => Promise<T>): Promise<T> {
  try {
    return await action(false);
  } catch (reason) {
    const error = toAppError(reason);
    if (error.code !== 'needs_confirmation' || !window.confirm(`${error.message}. Go ahead?`)) throw error;
    return action(true);
  }
}

/** A per-call channel for run events; the Rust side sends them in groups about ten times a second. */
function eventChannel(onEvents: (events: RunEvent[]) => void): Channel<RunEvent[]> {
  const channel = new Channel<RunEvent[]>();
  channel.onmessage = onEvents;
  return channel;
}

/** The typed command functions generated from the Rust commands, over the error-mapping `call`. */
const rust = webviewCommands(call);

export const commands = {
  appInfo: (): Promise<AppInfo> => rust.appInfo(),
  profiles: (): Promise<ProfileView[]> => rust.profilesList(),
  saveProfile: (profile: Profile, secrets: NewSecrets): Promise<ProfileView> => rust.profileSave(profile, secrets),
  forgetSecret: (name: string, kind: SecretKind): Promise<ProfileView> => rust.profileForgetSecret(name, kind),
  /** The built-in Sandbox behaves as another Auth0 plan from now on (its users start over). */
  chooseSandboxPlan: (name: string, plan: string): Promise<ProfileView> => rust.sandboxPlanChoose(name, plan),
  deleteProfile: (name: string): Promise<null> => rust.profileDelete(name),
  checkTenant: (profile: string): Promise<TenantReport> => rust.tenantCheck(profile),
  /** A new signing key for a profile: stored in the keychain, and given back this once. */
  generateSigningKey: (name: string): Promise<string> => rust.signingKeyGenerate(name),
  readList: (text: string, mapping: MappingOverride | null): Promise<RosterReport> => rust.listRead(text, mapping),
  openList: (): Promise<ListText | null> => rust.listOpen(),
  /** Files dragged from the desktop onto the window, read by the engine (the latest subscriber hears them). */
  listDrops: (onDrop: (message: DroppedList) => void): Promise<null> => {
    const channel = new Channel<DroppedList>();
    channel.onmessage = onDrop;
    return rust.listDrops(channel);
  },
  /** Closes of the window held while a batch runs (the batch's id), for the window to ask first. */
  closeRequests: (onRequest: (batchId: string) => void): Promise<null> => {
    const channel = new Channel<string>();
    channel.onmessage = onRequest;
    return rust.windowCloseRequests(channel);
  },
  /** Closes the window for good. */
  closeWindow: (): Promise<null> => rust.windowClose(),
  listRow: (text: string, format: SourceFormat, line: number): Promise<EditableRow> => rust.listRow(text, format, line),
  /** The text with the row on `line` blanked out (every other line keeps its number). */
  removeListRow: (text: string, format: SourceFormat, line: number): Promise<string> =>
    rust.listRemoveRow(text, format, line),
  setListRow: (text: string, format: SourceFormat, line: number, cells: string[]): Promise<string> =>
    rust.listSetRow(text, format, line, cells),
  /** What one person gets: the batch's message (or its reminder / new link), in their language or in `language`. */
  preview: (
    batch: BatchFile,
    line: number | null,
    kind: MessageKind | null = null,
    language: string | null = null,
  ): Promise<PreviewMessage> => rust.preview(batch, line, kind, language),
  /** Where the preview frame loads a preview's HTML from: its own page, under its own content policy. */
  previewPageUrl: (page: string): string => convertFileSrc(page, PREVIEW_SCHEME),
  sendTest: (
    profile: string | null,
    batch: BatchFile,
    to: string,
    kind: MessageKind | null = null,
    language: string | null = null,
  ): Promise<string> => rust.sendTest(profile, batch, to, kind, language),
  /** Who has a language the batch's message is not written in, in one sentence (`null`: nobody). */
  languageNotice: (batch: BatchFile): Promise<string | null> => rust.languageNotice(batch),
  /** The wording the batch uses for a message: its own, or the built-in one for its mode. */
  templateOf: (batch: BatchFile, kind: MessageKind): Promise<Template> => rust.templateOf(batch, kind),
  wordingAsMarkup: (wording: Wording, language: string, style: Style): Promise<TemplateSet> =>
    rust.wordingAsMarkup(wording, language, style),
  templates: (): Promise<SavedTemplate[]> => rust.templatesList(),
  loadTemplate: (name: string): Promise<TemplateFile> => rust.templateLoad(name),
  saveTemplate: (name: string, message: MessageKind, template: Template): Promise<SavedTemplate> =>
    rust.templateSave(name, message, template),
  deleteTemplate: (name: string): Promise<null> => rust.templateDelete(name),
  setDefaultTemplate: (profile: string, name: string | null): Promise<null> => rust.templateSetDefault(profile, name),
  importTemplate: (): Promise<SavedTemplate | null> => rust.templateImport(),
  exportTemplate: (name: string): Promise<string | null> => rust.templateExport(name),
  plan: (profile: string | null, batch: BatchFile): Promise<Plan> => rust.plan(profile, batch),
  /** What a run checks before its first write; with no profile only what can be checked offline. */
  preflight: (profile: string | null, batch: BatchFile): Promise<Preflight> => rust.preflight(profile, batch),
  drafts: (): Promise<DraftSummary[]> => rust.draftsList(),
  newDraft: (profile: string | null): Promise<Draft> => rust.draftNew(profile),
  saveDraft: (draft: Draft): Promise<DraftSummary> => rust.draftSave(draft),
  loadDraft: (id: string): Promise<Draft> => rust.draftLoad(id),
  deleteDraft: (id: string): Promise<null> => rust.draftDelete(id),
  exportBatch: (batch: BatchFile): Promise<string> => rust.batchExport(batch),
  openBatch: (): Promise<Draft | null> => rust.batchOpen(),
  /** The batch file the app was started with (`invite-desk-app file.json`), once. */
  batchOpenedAtStart: (): Promise<Draft | null> => rust.batchOpenedAtStart(),
  /** Where a batch sends things, beside the profile it would run under. */
  destinations: (profile: string, batch: BatchFile): Promise<Destinations> => rust.batchDestinations(profile, batch),
  startRun: (
    profile: string,
    batch: BatchFile,
    confirmedProduction: boolean,
    onEvents: (events: RunEvent[]) => void,
  ): Promise<RunSummary> => rust.runStart(profile, batch, confirmedProduction, eventChannel(onEvents)),
  resumeRun: (batchId: string, retry: RetryChoice, onEvents: (events: RunEvent[]) => void): Promise<RunSummary> =>
    withGoAhead((confirmedProduction) => rust.runResume(batchId, retry, confirmedProduction, eventChannel(onEvents))),
  controlRun: (batchId: string, action: RunAction): Promise<null> => rust.runControl(batchId, action),
  activeRun: (): Promise<string | null> => rust.runActive(),
  history: (): Promise<BatchSummary[]> => rust.history(),
  results: (batchId: string): Promise<PersonResult[]> => rust.batchResults(batchId),
  /** The results saved where the user chose (a native dialog); null when they closed it. */
  exportResults: (batchId: string): Promise<string | null> => rust.resultsExport(batchId),
  lookup: (profile: string | null, email: string): Promise<Lookup> => rust.lookup(profile, email),
  resend: (email: string, onEvents: (events: RunEvent[]) => void): Promise<RunSummary> =>
    withGoAhead((confirmedProduction) => rust.resend(email, confirmedProduction, eventChannel(onEvents))),
  copyLink: (email: string): Promise<LinkCopy> =>
    withGoAhead((confirmedProduction) => rust.copyLink(email, confirmedProduction)),
  /** A batch's follow-up as this machine knows it (the last check); the tenant is not asked. */
  followUpView: (batchId: string): Promise<FollowUpReport> => rust.followUpView(batchId),
  /** Asks the tenant where everyone in the batch stands (and keeps what it saw). */
  followUpCheck: (batchId: string): Promise<FollowUpReport> => rust.followUpCheck(batchId),
  /** Reminders or new links to `emails` (everyone they may go to when null); the check after. */
  followUpSend: (
    batchId: string,
    kind: FollowUpKind,
    emails: string[] | null,
    onEvents: (events: RunEvent[]) => void,
  ): Promise<FollowUpReport> =>
    withGoAhead((confirmedProduction) =>
      rust.followUpSend(batchId, kind, emails, confirmedProduction, eventChannel(onEvents)),
    ),
  /** Batches whose saved cadence has reminders or new links due now (no tenant asked). */
  followUpDue: (): Promise<DueBatch[]> => rust.followUpDue(),
  followUpExport: (batchId: string): Promise<string> => rust.followUpExport(batchId),
  settings: (): Promise<Settings> => rust.settingsGet(),
  saveSettings: (settings: Settings): Promise<Settings> => rust.settingsSave(settings),
  openFolder: (folder: Folder): Promise<null> => rust.openFolder(folder),
  /** The folder of a file saved from this window (an export). */
  openSavedFolder: (path: string): Promise<null> => rust.openSavedFolder(path),
  /** Where a batch delivered: its outbox, or its link export's folder. */
  openDeliveryFolder: (batchId: string): Promise<null> => rust.openDeliveryFolder(batchId),
};
