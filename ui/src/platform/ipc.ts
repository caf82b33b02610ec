// The one module that talks to Tauri. Everything else calls these typed functions, which makes the
// screens testable without a webview and keeps the IPC surface in one readable place.
import { invoke } from '@tauri-apps/api/core';
import type { AppError, AppInfo, ErrorCode } from '../generated/bindings';

const ERROR_CODES: readonly ErrorCode[] = [
  'invalid_input',
  'not_found',
  'io',
  'keychain',
  'auth',
  'network',
  'rate_limited',
  'conflict',
  'cancelled',
  'internal',
];

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

export const commands = {
  appInfo: (): Promise<AppInfo> => call<AppInfo>('app_info'),
};
