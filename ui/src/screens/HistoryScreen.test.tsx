import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { commands } from '../platform/ipc';
import { mockCommands } from '../test/ipcMock';
import { HistoryScreen } from './HistoryScreen';
import { localTime } from '../format';

vi.mock('../platform/ipc', async () => ({ commands: (await import('../test/ipcMock')).mockCommands() }));
const ipc = vi.mocked(commands);

describe('HistoryScreen', () => {
  beforeEach(() => {
    Object.assign(ipc, mockCommands());
  });

  it('says so when there is no batch', async () => {
    render(<HistoryScreen />);
    expect(await screen.findByRole('heading', { name: 'No batches yet' })).toBeInTheDocument();
  });

  it('lists batches with their outcome; resumes an interrupted one; exports', async () => {
    ipc.history.mockResolvedValue([
      { id: 'b-2', created_at: '2026-11-22T09:00:00Z', status: 'interrupted', name: 'Spring hires', total: 40, counts: { delivered: 12, pending: 28 }, delivered_as: 'written_to_outbox', profile: 'Sandbox', follow_up: null },
      { id: 'b-1', created_at: '2026-11-21T09:00:00Z', status: 'finished', name: null, total: 2, counts: { delivered: 2 }, delivered_as: 'sent', profile: null, follow_up: { checked_at: '2026-11-23T08:00:00Z', accepted: 1, pending: 1, expired: 0, not_invited: 0, signed_in: 0 } },
    ]);
    ipc.resumeRun.mockReturnValue(new Promise(() => {}));
    ipc.exportResults.mockResolvedValue('/x/results-b-1.csv');
    const user = userEvent.setup();
    render(<HistoryScreen />);
    const interrupted = (await screen.findByText('Spring hires')).closest('tr') as HTMLElement;
    // The same words as the CLI and the export: an outbox batch wrote, nobody the run did not
    // reach "failed".
    expect(within(interrupted).getByTestId('outcome')).toHaveTextContent('28 not started, 12 written to outbox');
    const finished = screen.getByText('b-1').closest('tr') as HTMLElement;
    expect(finished).toHaveTextContent('Unnamed batch');
    expect(within(finished).getByTestId('outcome')).toHaveTextContent('2 sent');
    expect(within(finished).queryByRole('button', { name: 'Resume' })).toBeNull();
    await user.click(within(interrupted).getByRole('button', { name: 'Resume' }));
    await waitFor(() =>
      expect(ipc.resumeRun).toHaveBeenCalledWith('b-2', { failed: false, unconfirmed: false }, expect.any(Function)),
    );
    expect(within(finished).getByTestId('follow-up')).toHaveTextContent(
      `1 accepted (0 signed in), 1 pending, 0 expired · checked ${localTime('2026-11-23T08:00:00Z')}`,
    );
    expect(within(interrupted).getByTestId('follow-up')).toHaveTextContent('—');
    await user.click(within(finished).getByRole('button', { name: 'Export' }));
    expect(await screen.findByTestId('exported')).toHaveTextContent('/x/results-b-1.csv');
    await user.click(screen.getByRole('button', { name: 'Open folder' }));
    expect(ipc.openSavedFolder).toHaveBeenCalledWith('/x/results-b-1.csv');
  });
});
