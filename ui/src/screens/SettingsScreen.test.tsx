import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Settings } from '../generated/bindings';
import { commands } from '../platform/ipc';
import { mockCommands } from '../test/ipcMock';
import { SettingsScreen } from './SettingsScreen';

vi.mock('../platform/ipc', async () => ({ commands: (await import('../test/ipcMock')).mockCommands() }));
const ipc = vi.mocked(commands);

const defaults: Settings = {
  default_profile: null,
  ttl: '7d',
  existing: 'skip',
  message: { app_name: '', organization: '', support_contact: '', date_format: 'written', language: 'en' },
  export_dir: null,
  default_template: {},
  delivery: 'profile_mail_server',
  outbox_dir: null,
};

describe('SettingsScreen', () => {
  beforeEach(() => {
    Object.assign(ipc, mockCommands());
    ipc.settings.mockResolvedValue(defaults);
    ipc.appInfo.mockResolvedValue({
      name: 'Invite Desk',
      version: '1.2.3',
      data_dir: '/home/a/.local/share/invite-desk',
      log_dir: '/home/a/.local/state/invite-desk/logs',
    });
  });

  it('shows what the engine reports and opens the log folder', async () => {
    const user = userEvent.setup();
    render(<SettingsScreen />);
    expect(await screen.findByTestId('app-version')).toHaveTextContent('Invite Desk 1.2.3');
    expect(screen.getByTestId('data-dir')).toHaveTextContent('/home/a/.local/share/invite-desk');
    expect(screen.getByTestId('log-dir')).toHaveTextContent('/home/a/.local/state/invite-desk/logs');
    ipc.openFolder.mockResolvedValue(null);
    await user.click(screen.getByRole('button', { name: 'Open logs' }));
    expect(ipc.openFolder).toHaveBeenCalledWith('logs');
  });

  it('saves the defaults, and shows the engine refusing a bad one with its code', async () => {
    ipc.saveSettings.mockRejectedValueOnce({ code: 'io', message: 'could not write settings.json: disk full' });
    const user = userEvent.setup();
    render(<SettingsScreen />);
    // In days, as in New batch.
    const ttl = await screen.findByLabelText(/The link stays valid for \(days\)/);
    expect(ttl).toHaveValue('7');
    await user.clear(ttl);
    await user.type(ttl, '400');
    expect(screen.getByRole('alert')).toHaveTextContent("A link can stay valid 365 days at most (Auth0's limit).");
    expect(screen.getByRole('button', { name: 'Save settings' })).toBeDisabled();
    await user.clear(ttl);
    await user.type(ttl, '2');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('disk full');
    expect(alert).toHaveTextContent('io');
    ipc.saveSettings.mockImplementation(async (s: Settings) => s);
    await user.selectOptions(screen.getByLabelText('New batches deliver'), 'outbox');
    await user.type(screen.getByLabelText(/Outbox folder/), '/srv/invitations');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(ipc.saveSettings).toHaveBeenLastCalledWith(
      expect.objectContaining({ ttl: '2d', delivery: 'outbox', outbox_dir: '/srv/invitations' }),
    );
    expect(await screen.findByText('Saved.')).toBeInTheDocument();
  });

  it('keeps the language and support contact new batches start with', async () => {
    ipc.saveSettings.mockImplementation(async (s: Settings) => s);
    const user = userEvent.setup();
    render(<SettingsScreen />);
    await user.selectOptions(await screen.findByRole('combobox', { name: /Language of new batches/ }), 'de');
    await user.type(screen.getByRole('textbox', { name: 'Who to ask for a new link' }), 'it@acme.example');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(ipc.saveSettings).toHaveBeenLastCalledWith(
      expect.objectContaining({ message: expect.objectContaining({ language: 'de', support_contact: 'it@acme.example' }) }),
    );
  });

  it('shows the error message with its code when the engine fails', async () => {
    ipc.appInfo.mockRejectedValue({ code: 'io', message: 'could not create folder /x: denied' });
    render(<SettingsScreen />);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('could not create folder /x: denied');
    expect(alert).toHaveTextContent('io');
  });
});
