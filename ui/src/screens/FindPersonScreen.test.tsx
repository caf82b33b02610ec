import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { commands } from '../platform/ipc';
import { mockCommands } from '../test/ipcMock';
import { FindPersonScreen } from './FindPersonScreen';
import { localTime } from '../format';
import { personChoice } from '../state/findPerson';

vi.mock('../platform/ipc', async () => ({ commands: (await import('../test/ipcMock')).mockCommands() }));
const ipc = vi.mocked(commands);

const record = {
  line: 3,
  email: 'bob@example.com',
  state: 'delivered' as const,
  user_id: 'auth0|b',
  link_expires_at: '2026-11-29T10:00:00Z',
  error_code: null,
  error_message: null,
  open_intent: null,
};

describe('FindPersonScreen', () => {
  beforeEach(() => {
    Object.assign(ipc, mockCommands());
    ipc.lookup.mockResolvedValue({
      email: 'bob@example.com',
      tenant: [
        {
          user_id: 'auth0|b',
          connections: ['Username-Password-Authentication'],
          created_at: '2026-11-22T10:00:00Z',
          email_verified: false,
          logins_count: 0,
          last_login: null,
          blocked: null,
          name: 'Bob Stone',
          roles: ['viewer'],
          app_metadata: { department: 'Vertrieb', invitation: { status: 'accepted' } },
          user_metadata: {},
          invitation: null,
        },
      ],
      history: [
        {
          batch_id: 'resend-1',
          batch_created_at: '2026-11-23T10:00:00Z',
          batch_name: 'Resend to bob@example.com (from b-1)',
          purpose: 'resend',
          delivered_as: 'written_to_outbox',
          record,
          events: [],
        },
        {
          batch_id: 'b-1',
          batch_created_at: '2026-11-22T10:00:00Z',
          batch_name: 'Wave 1',
          purpose: 'invitation',
          delivered_as: 'sent',
          record,
          events: [
            ['2026-11-22T10:00:02.000Z', 'intent', 'send_mail'],
            ['2026-11-22T10:00:03.000Z', 'delivery', 'accepted by the mail server: 250 2.0.0 OK queued as 7'],
            ['2026-11-22T10:00:03.100Z', 'transition', 'ticketed -> delivered'],
          ],
        },
      ],
      follow_up: {
        email: 'bob@example.com',
        status: 'pending',
        invited_at: '2026-11-22T10:00:05Z',
        link_expires_at: '2026-11-29T10:00:00Z',
        accepted_at: null,
        last_login: null,
        reminders: 1,
        reissues: 0,
      },
      follow_up_batch: 'b-1',
    });
  });

  it('looks a person up in the chosen tenant and shows where they stand', async () => {
    const user = userEvent.setup();
    render(<FindPersonScreen />);
    await screen.findByRole('option', { name: 'acme-prod' });
    await user.type(screen.getByLabelText('Email'), 'Bob@example.com');
    await user.click(screen.getByRole('button', { name: 'Look up' }));
    expect(ipc.lookup).toHaveBeenCalledWith('Sandbox', 'Bob@example.com');
    expect(await screen.findByTestId('account')).toHaveTextContent('auth0|b');
    // What support checks: the name, the roles and the metadata the invitation applied.
    expect(screen.getByTestId('account-name')).toHaveTextContent('Bob Stone');
    expect(screen.getByTestId('account-roles')).toHaveTextContent('viewer');
    expect(screen.getByTestId('account')).toHaveTextContent('department: Vertrieb');
    expect(screen.getByTestId('verified')).toHaveTextContent('no');
    // The timeline names batches and says what delivering was: a resend to the outbox wrote.
    const [resend, invitation] = screen.getAllByRole('listitem');
    expect(resend).toHaveTextContent('Resent by support, written to outbox resend-1');
    expect(invitation).toHaveTextContent('Invitation, sent in “Wave 1” b-1');
    // Sent, with its time: what the mail server said, not the state machine's steps.
    const events = within(invitation as HTMLElement).getByTestId('events');
    expect(events).toHaveTextContent(`${localTime('2026-11-22T10:00:03.000Z')}: accepted by the mail server: 250 2.0.0 OK queued as 7`);
    expect(events).not.toHaveTextContent('send_mail');
    expect(events).not.toHaveTextContent('ticketed -> delivered');
    expect(screen.getByTestId('person-follow-up')).toHaveTextContent(
      `Follow-up: pending · link works until ${localTime('2026-11-29T10:00:00Z')} · 1 reminder sent for “Wave 1” b-1`,
    );
  });

  it('says reminders written to the outbox as written, not sent', async () => {
    const looked = await ipc.lookup(null, 'bob@example.com');
    ipc.lookup.mockResolvedValue({
      ...looked,
      // Wave 1 wrote to the outbox (and so did its reminders); another batch's reminder was sent.
      history: [
        {
          batch_id: 'r-9',
          batch_created_at: '2026-11-26T10:00:00Z',
          batch_name: 'Reminder for Wave 2',
          purpose: 'reminder',
          delivered_as: 'sent',
          record,
          events: [],
        },
        ...looked.history.map((h) => (h.batch_id === 'b-1' ? { ...h, delivered_as: 'written_to_outbox' as const } : h)),
      ],
      follow_up: looked.follow_up && { ...looked.follow_up, reminders: 2 },
    });
    const user = userEvent.setup();
    render(<FindPersonScreen />);
    await screen.findByRole('option', { name: 'acme-prod' });
    await user.type(screen.getByLabelText('Email'), 'bob@example.com');
    await user.click(screen.getByRole('button', { name: 'Look up' }));
    const said = await screen.findByTestId('person-follow-up');
    expect(said).toHaveTextContent('2 reminders written to outbox for “Wave 1”');
    expect(said).not.toHaveTextContent(/\bsent\b/);
  });

  it('resends, and copies a new link only when asked', async () => {
    ipc.resend.mockResolvedValue({ batch_id: 'resend-1', status: 'finished', outcomes: { invited: 1 }, elapsed_secs: 0.2, links_file: null, outbox_dir: null, not_finished: 0, stopped_by: null, delivered_as: 'sent', delivery: { at: '2026-12-01T09:12:03.120Z', detail: 'accepted by the mail server: 250 2.0.0 OK queued as 3' } });
    ipc.copyLink.mockResolvedValue({ email: 'bob@example.com', url: 'https://t/u/reset?ticket=abc', expires_at: '2026-11-29', batch_id: 'resend-2', copied: true });
    const user = userEvent.setup();
    render(<FindPersonScreen />);
    await screen.findByRole('option', { name: 'acme-prod' });
    await user.type(screen.getByLabelText('Email'), 'bob@example.com');
    await user.click(screen.getByRole('button', { name: 'Look up' }));
    expect(screen.queryByTestId('link')).toBeNull();
    await user.click(await screen.findByRole('button', { name: 'Resend invitation' }));
    expect(await screen.findByTestId('resent')).toHaveTextContent(
      `Sent again: accepted by the mail server: 250 2.0.0 OK queued as 3 at ${localTime('2026-12-01T09:12:03.120Z')}.`,
    );
    await user.click(screen.getByRole('button', { name: 'Copy a new link' }));
    // Shown whole, with its expiry.
    expect(await screen.findByTestId('link')).toHaveTextContent('https://t/u/reset?ticket=abc');
    expect(screen.getByText(/valid until/)).toHaveTextContent(`New link for bob@example.com, valid until ${localTime('2026-11-29')}`);
    expect(screen.getByTestId('link-copied')).toHaveTextContent('Copied to the clipboard.');
    // The engine's word decides: a link the shell could not copy is not called copied.
    ipc.copyLink.mockResolvedValue({ email: 'bob@example.com', url: 'https://t/u/reset?ticket=def', expires_at: '2026-11-29', batch_id: 'resend-3', copied: false });
    await user.click(screen.getByRole('button', { name: 'Copy a new link' }));
    expect(await screen.findByTestId('link')).toHaveTextContent('https://t/u/reset?ticket=def');
    expect(screen.getByTestId('link-copied')).toHaveTextContent('Not copied');
  });

  it("looks up at once the person chosen in the Run table, in their batch's tenant, while the screen is mounted", async () => {
    render(<FindPersonScreen />);
    await screen.findByRole('option', { name: 'acme-prod' });
    // Not the first profile (Sandbox): the one the batch ran on.
    act(() => personChoice.choose({ email: 'bob@example.com', profile: 'acme-prod' }));
    expect(await screen.findByTestId('account-name')).toHaveTextContent('Bob Stone');
    expect(ipc.lookup).toHaveBeenCalledWith('acme-prod', 'bob@example.com');
    expect(screen.getByLabelText('Email')).toHaveValue('bob@example.com');
    expect(screen.getByRole('combobox', { name: 'Tenant' })).toHaveValue('acme-prod');
    expect(personChoice.getSnapshot()).toBeNull();
  });

  it("looks a person up in this machine's history when their batch's profile is gone", async () => {
    // Chosen before the profiles are read: the look-up waits for them.
    personChoice.choose({ email: 'bob@example.com', profile: 'old-staging' });
    render(<FindPersonScreen />);
    expect(await screen.findByTestId('profile-gone')).toHaveTextContent(
      'The tenant profile “old-staging” this batch ran on is no longer on this machine',
    );
    await waitFor(() => expect(ipc.lookup).toHaveBeenCalledWith(null, 'bob@example.com'));
    expect(ipc.lookup).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('combobox', { name: 'Tenant' })).toHaveValue('');
    // A look-up typed afterwards is not that batch's: the notice goes.
    const user = userEvent.setup();
    await user.clear(screen.getByLabelText('Email'));
    await user.type(screen.getByLabelText('Email'), 'ann@example.com');
    await user.click(screen.getByRole('button', { name: 'Look up' }));
    await waitFor(() => expect(ipc.lookup).toHaveBeenLastCalledWith(null, 'ann@example.com'));
    expect(screen.queryByTestId('profile-gone')).toBeNull();
  });

  it('does not call a profile deleted when the list of profiles could not be read', async () => {
    ipc.profiles.mockRejectedValue({ code: 'keychain', message: 'the keychain is locked' });
    personChoice.choose({ email: 'bob@example.com', profile: 'acme-prod' });
    render(<FindPersonScreen />);
    expect(await screen.findByText(/the keychain is locked/)).toBeInTheDocument();
    await waitFor(() => expect(ipc.lookup).toHaveBeenCalledWith('acme-prod', 'bob@example.com'));
    expect(screen.queryByTestId('profile-gone')).toBeNull();
  });

  it('says a batch run without a saved profile is looked up here only, and asks the tenant when one is chosen', async () => {
    render(<FindPersonScreen />);
    await screen.findByRole('option', { name: 'acme-prod' });
    act(() => personChoice.choose({ email: 'bob@example.com', profile: null }));
    expect(await screen.findByTestId('profile-gone')).toHaveTextContent('This batch ran without a saved tenant profile');
    await waitFor(() => expect(ipc.lookup).toHaveBeenCalledWith(null, 'bob@example.com'));
    const user = userEvent.setup();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Tenant' }), 'acme-prod');
    expect(screen.queryByTestId('profile-gone')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Look up' }));
    expect(ipc.lookup).toHaveBeenLastCalledWith('acme-prod', 'bob@example.com');
  });

  it('says a resend to the outbox wrote a file, not that it sent', async () => {
    ipc.resend.mockResolvedValue({ batch_id: 'resend-1', status: 'finished', outcomes: { invited: 1 }, elapsed_secs: 0.2, links_file: null, outbox_dir: null, not_finished: 0, stopped_by: null, delivered_as: 'written_to_outbox', delivery: null });
    const user = userEvent.setup();
    render(<FindPersonScreen />);
    await screen.findByRole('option', { name: 'acme-prod' });
    await user.type(screen.getByLabelText('Email'), 'bob@example.com');
    await user.click(screen.getByRole('button', { name: 'Look up' }));
    await user.click(await screen.findByRole('button', { name: 'Resend invitation' }));
    const said = await screen.findByTestId('resent');
    expect(said).toHaveTextContent('New invitation written to outbox.');
    expect(said).not.toHaveTextContent(/sent again|resent/i);
  });

  it('keeps the error code when the look-up fails', async () => {
    ipc.lookup.mockRejectedValue({ code: 'auth', message: 'no client secret is stored for the profile "acme-prod"' });
    const user = userEvent.setup();
    render(<FindPersonScreen />);
    await screen.findByRole('option', { name: 'acme-prod' });
    await user.type(screen.getByLabelText('Email'), 'x@example.com');
    await user.click(screen.getByRole('button', { name: 'Look up' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('no client secret is stored');
    expect(alert).toHaveTextContent('auth');
  });
});
