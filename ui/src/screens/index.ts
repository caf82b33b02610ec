export type ScreenId = 'tenants' | 'new-batch' | 'run' | 'history' | 'follow-up' | 'find-person' | 'settings';

export interface ScreenEntry {
  id: ScreenId;
  title: string;
}

/** The screens of the product, in navigation order. */
export const SCREENS: readonly ScreenEntry[] = [
  { id: 'tenants', title: 'Tenants' },
  { id: 'new-batch', title: 'New batch' },
  { id: 'run', title: 'Run' },
  { id: 'history', title: 'History' },
  { id: 'follow-up', title: 'Follow-up' },
  { id: 'find-person', title: 'Find person' },
  { id: 'settings', title: 'Settings' },
];
