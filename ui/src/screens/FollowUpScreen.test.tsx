import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { FollowUpReport, PersonFollowUp } from '../generated/bindings';
import { commands } from '../platform/ipc';
import { followUpChoice } from '../state/followUp';
import { mockCommands } from '../test/ipcMock';
import { FollowUpScreen } from './FollowUpScreen';
import { localTime } from '../format';

vi.mock('../platform/ipc', async () => ({ commands: (await import('../test/ipcMock')).mockCommands() }));
const ipc = vi.mocked(commands);

const person = (email: string, status: PersonFollowUp['status'], extra: Partial<PersonFollowUp> = {}): PersonFollowUp => ({
  email,
  status,
  invited_at: status === 'not_invited' ? null : '2026-12-01T10:00:05.120Z',
  link_expires_at: status === 'not_invited' ? null : '2026-12-08T10:00:00Z',
  accepted_at: null,
  last_login: null,
  reminders: 0,
  reissues: 0,
  ...extra,
});

const report = (overrides: Partial<FollowUpReport> = {}): FollowUpReport => ({
  batch_id: 'b-1',
  batch_name: 'Seats',
  checked_at: null,
  source: 'journal',
  counts: { accepted: 1, pending: 2, expired: 1, not_invited: 1, signed_in: 1 },
  people: [
    person('ann@x.com', 'accepted', { accepted_at: '2026-12-02T08:00:00.000Z', last_login: '2026-12-02T08:01:00.000Z' }),
    person('bob@x.com', 'pending'),
    person('cat@x.com', 'pending', { reminders: 1 }),
    person('dan@x.com', 'expired'),
    person('eve@x.com', 'not_invited'),
  ],
  actions: [],
  due: { reminders: ['bob@x.com'], reissues: [] },
  ...overrides,
});

describe('FollowUpScreen', () => {
  beforeEach(() => {
    Object.assign(ipc, mockCommands());
    followUpChoice.choose(null);
    ipc.history.mockResolvedValue([
      { id: 'b-1', created_at: '2026-12-01T10:00:00Z', status: 'finished', name: 'Seats', total: 5, counts: { delivered: 4, failed: 1 }, delivered_as: 'sent', profile: 'Sandbox', follow_up: null },
    ]);
  });

  it('shows the funnel and every person from the journal, then checks the tenant when asked', async () => {
    ipc.followUpView.mockResolvedValue(report());
    ipc.followUpCheck.mockResolvedValue(
      report({ checked_at: '2026-12-03T09:00:00Z', source: 'logs', counts: { accepted: 2, pending: 1, expired: 1, not_invited: 1, signed_in: 1 } }),
    );
    const user = userEvent.setup();
    render(<FollowUpScreen />);
    expect(await screen.findByTestId('checked')).toHaveTextContent('Not checked yet');
    expect(ipc.followUpView).toHaveBeenCalledWith('b-1');
    expect(screen.getByTestId('funnel')).toHaveAccessibleName(
      '4 invited, 1 accepted, 1 signed in, 2 pending, 1 expired, 1 not invited',
    );
    expect(screen.getByTestId('due')).toHaveTextContent('1 reminder and 0 new links are due');
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getByTestId('status').textContent)).toEqual([
      'accepted',
      'pending',
      'pending',
      'expired',
      'not invited',
    ]);
    expect(within(rows[0] as HTMLElement).getByText(localTime('2026-12-02T08:00:00.000Z'))).toBeInTheDocument();
    // Only the pending and the expired can be chosen for a reminder or a new link.
    expect(within(rows[0] as HTMLElement).getByRole('checkbox')).toBeDisabled();
    expect(within(rows[4] as HTMLElement).getByRole('checkbox')).toBeDisabled();

    await user.selectOptions(screen.getByLabelText(/Show/), 'pending');
    expect(screen.getAllByRole('row')).toHaveLength(3);

    await user.click(screen.getByRole('button', { name: 'Check now' }));
    expect(await screen.findByText(`Checked ${localTime('2026-12-03T09:00:00Z')} from the tenant's logs.`)).toBeInTheDocument();
    expect(ipc.followUpCheck).toHaveBeenCalledWith('b-1');
  });

  it('reminds the selected pending (or all of them) and says what happened', async () => {
    ipc.followUpView.mockResolvedValue(report());
    ipc.followUpSend.mockResolvedValue(
      report({
        checked_at: '2026-12-03T09:00:00Z',
        source: 'logs',
        actions: [
          { kind: 'reminder', batch_id: 'b-2', delivered: 1, delivered_as: 'written_to_outbox', accepted_meanwhile: 1, unconfirmed: 0, failed: 0, not_started: 0, resumed: false },
        ],
      }),
    );
    const user = userEvent.setup();
    render(<FollowUpScreen />);
    expect(await screen.findByRole('button', { name: 'Remind all pending (2)' })).toBeEnabled();
    await user.click(screen.getByRole('checkbox', { name: 'Select bob@x.com' }));
    await user.click(screen.getByRole('button', { name: 'Remind 1 selected' }));
    expect(ipc.followUpSend).toHaveBeenCalledWith('b-1', 'reminder', ['bob@x.com'], expect.any(Function));
    expect(await screen.findByTestId('followup-done')).toHaveTextContent(
      '1 reminder written to outbox, 1 had accepted meanwhile (nothing sent).',
    );
    await user.click(screen.getByRole('button', { name: 'Send new links to all expired (1)' }));
    expect(ipc.followUpSend).toHaveBeenLastCalledWith('b-1', 'reissue', null, expect.any(Function));
  });

  it('exports the follow-up and shows where it went', async () => {
    ipc.followUpView.mockResolvedValue(report());
    ipc.followUpExport.mockResolvedValue('/x/follow-up-b-1.csv');
    const user = userEvent.setup();
    render(<FollowUpScreen />);
    await user.click(await screen.findByRole('button', { name: 'Export' }));
    expect(await screen.findByTestId('followup-exported')).toHaveTextContent('/x/follow-up-b-1.csv');
  });

  it('says what it is for before any batch exists', async () => {
    ipc.history.mockResolvedValue([]);
    render(<FollowUpScreen />);
    expect(await screen.findByRole('heading', { name: 'Nothing to follow up yet' })).toBeInTheDocument();
  });
});
