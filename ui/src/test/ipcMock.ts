// A typed stand-in for the platform layer: every command is a vi.fn the test programs.
import { vi } from 'vitest';
import type { ProfileView } from '../generated/bindings';

export const sandboxProfile: ProfileView = {
  profile: {
    name: 'Sandbox',
    domain: 'sandbox (a simulated tenant inside this app)',
    client_id: 'sandbox-client',
    connection: 'Username-Password-Authentication',
    smtp_url: null,
    from: null,
    production: false,
  },
  builtin: true,
  stored: ['client-secret'],
  plan: {
    current: 'enterprise',
    options: [
      { name: 'free', label: 'Free (Auth0\'s rate limits)' },
      { name: 'essentials', label: 'Essentials/Professional (Auth0\'s rate limits)' },
      { name: 'enterprise', label: 'Enterprise (Auth0\'s rate limits)' },
      { name: 'unlimited', label: 'Unlimited (one bucket of 50 a second)' },
    ],
  },
};

export const productionProfile: ProfileView = {
  profile: {
    name: 'acme-prod',
    domain: 'acme.eu.auth0.com',
    client_id: 'abc',
    connection: 'Username-Password-Authentication',
    smtp_url: 'smtp://mail.acme.example:587',
    from: 'Acme IT <it@acme.example>',
    production: true,
  },
  builtin: false,
  stored: ['client-secret', 'smtp-password'],
  plan: null,
};

export function mockCommands() {
  return {
    appInfo: vi.fn().mockResolvedValue({ name: 'Invite Desk', version: '9.9.9', data_dir: '/data', log_dir: '/data/logs' }),
    profiles: vi.fn().mockResolvedValue([sandboxProfile, productionProfile]),
    saveProfile: vi.fn(),
    forgetSecret: vi.fn(),
    chooseSandboxPlan: vi.fn(),
    deleteProfile: vi.fn(),
    previewPageUrl: vi.fn((page: string) => `invite-preview://localhost/${page}`),
    checkTenant: vi.fn(),
    generateSigningKey: vi.fn(),
    readList: vi.fn(),
    openList: vi.fn(),
    listDrops: vi.fn().mockResolvedValue(null),
    listRow: vi.fn(),
    setListRow: vi.fn(),
    preview: vi.fn(),
    sendTest: vi.fn(),
    plan: vi.fn(),
    preflight: vi.fn(),
    drafts: vi.fn().mockResolvedValue([]),
    newDraft: vi.fn(),
    saveDraft: vi.fn(),
    loadDraft: vi.fn(),
    deleteDraft: vi.fn(),
    exportBatch: vi.fn(),
    openBatch: vi.fn(),
    batchOpenedAtStart: vi.fn().mockResolvedValue(null),
    destinations: vi.fn(),
    startRun: vi.fn(),
    resumeRun: vi.fn(),
    controlRun: vi.fn(),
    activeRun: vi.fn().mockResolvedValue(null),
    history: vi.fn().mockResolvedValue([]),
    results: vi.fn().mockResolvedValue([]),
    exportResults: vi.fn(),
    lookup: vi.fn(),
    resend: vi.fn(),
    copyLink: vi.fn(),
    followUpView: vi.fn(),
    followUpCheck: vi.fn(),
    followUpSend: vi.fn(),
    followUpDue: vi.fn().mockResolvedValue([]),
    followUpExport: vi.fn(),
    settings: vi.fn().mockResolvedValue({
      default_profile: null,
      ttl: '7d',
      existing: 'skip',
      message: { app_name: 'our application', organization: 'Your administrator', support_contact: 'your administrator', date_format: 'iso' },
      export_dir: null,
    }),
    saveSettings: vi.fn(),
    openFolder: vi.fn(),
  };
}
