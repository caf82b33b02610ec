import { useEffect, useSyncExternalStore } from 'react';
import type { AppError, ProfileView } from '../generated/bindings';
import { commands } from '../platform/ipc';

// Every screen stays mounted and several list profiles; listing reads the keychain (a locked one may
// ask for a password), so all screens share one list, read once and again only when it changes.
interface ProfilesState {
  profiles: ProfileView[];
  error: AppError | null;
  /** An answer came (the list, or why it could not be read): an empty list then means none. */
  read: boolean;
}

let state: ProfilesState = { profiles: [], error: null, read: false };
let loaded = false;
const listeners = new Set<() => void>();

function set(next: ProfilesState) {
  state = next;
  for (const listener of listeners) listener();
}

/** Reads the list again (after Tenants saved or deleted a profile) and updates every screen. */
export function profilesChanged(): Promise<void> {
  loaded = true;
  return commands.profiles().then(
    (profiles) => {
      set({ profiles, error: null, read: true });
      // User timing for the start-up benchmark (scripts/bench-desktop.sh reads the first one).
      performance.mark('invite-desk:profiles-listed');
    },
    (error: AppError) => set({ ...state, error, read: true }),
  );
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function useProfiles(): ProfilesState {
  useEffect(() => {
    if (!loaded) void profilesChanged();
  }, []);
  return useSyncExternalStore(subscribe, () => state);
}

/** For tests: forget the shared list. */
export function resetProfilesForTests() {
  state = { profiles: [], error: null, read: false };
  loaded = false;
}
