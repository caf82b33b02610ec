import { useEffect, useState } from 'react';
import type { AppError, ProfileView } from '../generated/bindings';
import { commands } from '../platform/ipc';

// Screens stay mounted, so the ones that list profiles reload when the Tenants screen changes them.
const listeners = new Set<() => void>();

export function profilesChanged() {
  for (const listener of listeners) listener();
}

export function useProfiles(): { profiles: ProfileView[]; error: AppError | null } {
  const [profiles, setProfiles] = useState<ProfileView[]>([]);
  const [error, setError] = useState<AppError | null>(null);
  useEffect(() => {
    const load = () => {
      commands.profiles().then(
        (list) => {
          setProfiles(list);
          setError(null);
        },
        (e: AppError) => setError(e),
      );
    };
    load();
    listeners.add(load);
    return () => {
      listeners.delete(load);
    };
  }, []);
  return { profiles, error };
}
