// The one module that talks to Tauri. Everything else calls these typed functions, which makes the
// screens testable without a webview and keeps the IPC surface in one readable place.
import { Channel, convertFileSrc, invoke } from '@tauri-apps/api/core';
import type {
  AppError,
  AppInfo,
  BatchFile,
  BatchSummary,
  Draft,
  DraftSummary,
  DroppedList,
  EditableRow,
  LinkCopy,
  ListText,
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
  SecretKind,
  Settings,
  SourceFormat,
  TenantReport,
} from '../generated/bindings';
import { ERROR_CODES, PREVIEW_SCHEME } from '../generated/bindings';


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

export type Folder = 'data' | 'logs' | 'exports';

export const commands = {
  appInfo: (): Promise<AppInfo> => call('app_info'),
  profiles: (): Promise<ProfileView[]> => call('profiles_list'),
  saveProfile: (profile: Profile, secrets: NewSecrets): Promise<ProfileView> =>
    call('profile_save', { profile, secrets }),
  forgetSecret: (name: string, kind: SecretKind): Promise<ProfileView> =>
    call('profile_forget_secret', { name, kind }),
  deleteProfile: (name: string): Promise<null> => call('profile_delete', { name }),
  checkTenant: (profile: string): Promise<TenantReport> => call('tenant_check', { profile }),
  readList: (text: string, mapping: MappingOverride | null): Promise<RosterReport> =>
    call('list_read', { text, mapping }),
  openList: (): Promise<ListText | null> => call('list_open'),
  /** Files dragged from the desktop onto the window, read by the engine (the latest subscriber hears them). */
  listDrops: (onDrop: (message: DroppedList) => void): Promise<null> => {
    const channel = new Channel<DroppedList>();
    channel.onmessage = onDrop;
    return call('list_drops', { onDrop: channel });
  },
  listRow: (text: string, format: SourceFormat, line: number): Promise<EditableRow> =>
    call('list_row', { text, format, line }),
  setListRow: (text: string, format: SourceFormat, line: number, cells: string[]): Promise<string> =>
    call('list_set_row', { text, format, line, cells }),
  preview: (batch: BatchFile, line: number | null): Promise<PreviewMessage> =>
    call('preview', { batch, line }),
  /** Where the preview frame loads a preview's HTML from: its own page, under its own content policy. */
  previewPageUrl: (page: string): string => convertFileSrc(page, PREVIEW_SCHEME),
  sendTest: (profile: string | null, batch: BatchFile, to: string): Promise<string> =>
    call('send_test', { profile, batch, to }),
  plan: (profile: string | null, batch: BatchFile): Promise<Plan> => call('plan', { profile, batch }),
  /** What a run checks before its first write; with no profile only what can be checked offline. */
  preflight: (profile: string | null, batch: BatchFile): Promise<Preflight> =>
    call('preflight', { profile, batch }),
  drafts: (): Promise<DraftSummary[]> => call('drafts_list'),
  newDraft: (profile: string | null): Promise<Draft> => call('draft_new', { profile }),
  saveDraft: (draft: Draft): Promise<DraftSummary> => call('draft_save', { draft }),
  loadDraft: (id: string): Promise<Draft> => call('draft_load', { id }),
  deleteDraft: (id: string): Promise<null> => call('draft_delete', { id }),
  exportBatch: (batch: BatchFile): Promise<string> => call('batch_export', { batch }),
  openBatch: (): Promise<Draft | null> => call('batch_open'),
  startRun: (
    profile: string,
    batch: BatchFile,
    confirmedProduction: boolean,
    onEvents: (events: RunEvent[]) => void,
  ): Promise<RunSummary> =>
    call('run_start', { profile, batch, confirmedProduction, onEvent: eventChannel(onEvents) }),
  resumeRun: (batchId: string, retry: RetryChoice, onEvents: (events: RunEvent[]) => void): Promise<RunSummary> =>
    withGoAhead((confirmedProduction) =>
      call('run_resume', { batchId, retry, confirmedProduction, onEvent: eventChannel(onEvents) }),
    ),
  controlRun: (batchId: string, action: RunAction): Promise<null> =>
    call('run_control', { batchId, action }),
  activeRun: (): Promise<string | null> => call('run_active'),
  history: (): Promise<BatchSummary[]> => call('history'),
  results: (batchId: string): Promise<PersonResult[]> => call('batch_results', { batchId }),
  exportResults: (batchId: string): Promise<string> => call('results_export', { batchId }),
  lookup: (profile: string | null, email: string): Promise<Lookup> => call('lookup', { profile, email }),
  resend: (email: string, onEvents: (events: RunEvent[]) => void): Promise<RunSummary> =>
    withGoAhead((confirmedProduction) =>
      call('resend', { email, confirmedProduction, onEvent: eventChannel(onEvents) }),
    ),
  copyLink: (email: string): Promise<LinkCopy> =>
    withGoAhead((confirmedProduction) => call('copy_link', { email, confirmedProduction })),
  settings: (): Promise<Settings> => call('settings_get'),
  saveSettings: (settings: Settings): Promise<Settings> => call('settings_save', { settings }),
  openFolder: (folder: Folder): Promise<null> => call('open_folder', { folder }),
};
