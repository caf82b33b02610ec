import { render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { commands } from '../platform/ipc';
import { SettingsScreen } from './SettingsScreen';

vi.mock('../platform/ipc', () => ({ commands: { appInfo: vi.fn() } }));
const appInfo = vi.mocked(commands.appInfo);

describe('SettingsScreen', () => {
  beforeEach(() => {
    appInfo.mockReset();
  });

  it('shows what the engine reports', async () => {
    appInfo.mockResolvedValue({
      name: 'Invite Desk',
      version: '1.2.3',
      data_dir: '/home/a/.local/share/invite-desk',
      log_dir: '/home/a/.local/state/invite-desk/logs',
    });
    render(<SettingsScreen />);
    expect(await screen.findByTestId('app-version')).toHaveTextContent('Invite Desk 1.2.3');
    expect(screen.getByTestId('data-dir')).toHaveTextContent('/home/a/.local/share/invite-desk');
    expect(screen.getByTestId('log-dir')).toHaveTextContent('/home/a/.local/state/invite-desk/logs');
  });

  it('shows the error message with its code when the engine fails', async () => {
    appInfo.mockRejectedValue({ code: 'io', message: 'could not create folder /x: denied' });
    render(<SettingsScreen />);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('could not create folder /x: denied');
    expect(alert).toHaveTextContent('io');
  });
});
