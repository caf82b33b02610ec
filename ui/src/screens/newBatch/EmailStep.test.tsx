import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BatchFile } from '../../generated/bindings';
import { commands } from '../../platform/ipc';
import { mockCommands } from '../../test/ipcMock';
import { EmailStep } from './EmailStep';

vi.mock('../../platform/ipc', async () => ({ commands: (await import('../../test/ipcMock')).mockCommands() }));
const ipc = vi.mocked(commands);

const batch: BatchFile = {
  format: 'invite-desk-batch',
  version: 1,
  id: 'b-1',
  created_at: '2026-12-01T10:00:00Z',
  name: null,
  people: [
    { line: 2, email: 'ann@x.com', given_name: null, family_name: null, name: null, roles: [], app_metadata: {}, user_metadata: {} },
  ],
  invitation: {
    mode: 'password-change',
    connection: 'Username-Password-Authentication',
    ttl_secs: 604800,
    result_url: null,
    client_id: null,
    organization_id: null,
    mark_email_as_verified: true,
    hash_params: null,
    roles: [],
    app_metadata: {},
    existing: 'skip',
    sign_result_url: false,
  },
  message: { app_name: 'Portal', organization: 'Acme', support_contact: 'it@acme.example', date_format: 'iso' },
  template: { subject: 'Welcome', html: '<p>{{ link }}</p>', text: '{{ link }}' },
  delivery: { kind: 'outbox', dir: '/tmp/outbox', from: null },
  purpose: 'invitation',
  follow_up: {
    remind_after_days: [3],
    reissue_expired: false,
    max_reminders: 2,
    mark_accepted: false,
    reminder_template: { subject: 'Reminder: Portal', html: '<p>again {{ link }}</p>', text: 'again {{ link }}' },
    reissue_template: { subject: 'A new link', html: '<p>new {{ link }}</p>', text: 'new {{ link }}' },
  },
  follows: null,
};

function Harness({ seen }: { seen: (b: BatchFile) => void }) {
  const [current, setCurrent] = useState(batch);
  return (
    <EmailStep
      profile="Sandbox"
      batch={current}
      onChange={(b) => {
        seen(b);
        setCurrent(b);
      }}
    />
  );
}

describe('EmailStep', () => {
  beforeEach(() => {
    Object.assign(ipc, mockCommands());
    ipc.preview.mockResolvedValue({
      to: 'ann@x.com',
      from: 'it@acme.example',
      subject: 'x',
      text: 'x',
      page: 'p',
      remote_resources: [],
    } as never);
  });

  it('edits and previews the reminder and the new-link wording beside the invitation', async () => {
    const seen = vi.fn();
    const user = userEvent.setup();
    render(<Harness seen={seen} />);
    const subject = screen.getByRole('textbox', { name: 'Subject' });
    expect(subject).toHaveValue('Welcome');
    await user.click(screen.getByRole('radio', { name: 'Reminder (follow-up)' }));
    expect(subject).toHaveValue('Reminder: Portal');
    expect(screen.getByTestId('wording-note')).toHaveTextContent('people who have not accepted');
    await waitFor(() =>
      expect(ipc.preview).toHaveBeenLastCalledWith(
        expect.objectContaining({ template: batch.follow_up.reminder_template }),
        2,
      ),
    );
    await user.type(subject, '!');
    const last = seen.mock.calls.at(-1)?.[0] as BatchFile;
    expect(last.follow_up.reminder_template?.subject).toBe('Reminder: Portal!');
    expect(last.template.subject).toBe('Welcome'); // the invitation is untouched
    await user.click(screen.getByRole('radio', { name: 'New link after an expiry (follow-up)' }));
    expect(subject).toHaveValue('A new link');
    await user.click(screen.getByRole('radio', { name: 'Invitation' }));
    expect(subject).toHaveValue('Welcome');
  });
});
