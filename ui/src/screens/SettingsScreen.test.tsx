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
    ipc.saveSettings.mockRejectedValueOnce({ code: 'invalid_input', message: '"forever" is not a duration' });
    const user = userEvent.setup();
    render(<SettingsScreen />);
    const ttl = await screen.findByLabelText(/Link lifetime/);
    await user.clear(ttl);
    await user.type(ttl, 'forever');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('"forever" is not a duration');
    expect(alert).toHaveTextContent('invalid_input');
    ipc.saveSettings.mockImplementation(async (s: Settings) => s);
    await user.clear(ttl);
    await user.type(ttl, '48h');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(ipc.saveSettings).toHaveBeenLastCalledWith(expect.objectContaining({ ttl: '48h' }));
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
