import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BatchFile, Template } from '../../generated/bindings';
import { commands } from '../../platform/ipc';
import { mockCommands } from '../../test/ipcMock';
import { EmailStep } from './EmailStep';

vi.mock('../../platform/ipc', async () => ({ commands: (await import('../../test/ipcMock')).mockCommands() }));
const ipc = vi.mocked(commands);

const wording = (subject: string, paragraph: string) => ({
  subject,
  greeting: 'Hello {{ greeting_name }},',
  paragraphs: [paragraph, 'Open the link below.'],
  button: 'Set my password',
  notes: ['The link expires {{ expires_in }}.'],
  sign_off: 'Acme',
  link_hint: 'Copy this address:',
});

const builtinInvitation: Template = {
  languages: {
    en: wording('Your Portal account is ready', 'Acme has created an account for you.'),
    de: wording('Ihr Portal-Konto ist bereit', 'Acme hat für Sie ein Konto angelegt.'),
  },
  style: { accent: '#3b5bdb', logo: null },
};
const builtinReminder: Template = {
  languages: { en: wording('Reminder: your invitation is waiting', 'A few days ago…') },
  style: { accent: '#3b5bdb', logo: null },
};

const batch: BatchFile = {
  format: 'invite-desk-batch',
  version: 2,
  id: 'b-1',
  created_at: '2026-12-01T10:00:00Z',
  name: null,
  people: [
    { line: 2, email: 'ann@x.com', given_name: null, family_name: null, name: null, roles: [], app_metadata: {}, user_metadata: {}, locale: 'de-AT', external_id: null },
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
  message: { app_name: 'Portal', organization: 'Acme', support_contact: 'it@acme.example', date_format: 'written', language: 'en' },
  template: null,
  delivery: { kind: 'outbox', dir: '/tmp/outbox', from: null },
  purpose: 'invitation',
  follow_up: {
    remind_after_days: [3],
    reissue_expired: false,
    max_reminders: 2,
    mark_accepted: false,
    reminder_template: null,
    reissue_template: null,
  },
  follows: null,
};

function Harness({ seen, start = batch }: { seen: (b: BatchFile) => void; start?: BatchFile }) {
  const [current, setCurrent] = useState(start);
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

const previewed = {
  line: 2,
  to: 'ann@x.com',
  from: 'it@acme.example',
  subject: 'Ihr Portal-Konto ist bereit',
  text: 'x',
  page: 'p',
  remote_resources: [],
  language: 'de',
  language_name: 'German',
  person_language: 'de-AT',
  person_language_has_wording: true,
  warnings: [],
};

describe('EmailStep', () => {
  beforeEach(() => {
    Object.assign(ipc, mockCommands());
    ipc.preview.mockResolvedValue(previewed);
    ipc.templateOf.mockImplementation(async (_b: BatchFile, kind: string) =>
      kind === 'reminder' ? builtinReminder : builtinInvitation,
    );
  });

  it('edits the built-in wording per language, and keeps the other languages', async () => {
    const seen = vi.fn();
    const user = userEvent.setup();
    render(<Harness seen={seen} />);
    expect(await screen.findByTestId('wording-origin')).toHaveTextContent('Built-in wording');
    const subject = await screen.findByRole('textbox', { name: 'Subject' });
    expect(subject).toHaveValue('Your Portal account is ready');
    await user.type(subject, '!');
    const last = seen.mock.calls.at(-1)?.[0] as BatchFile;
    const english = last.template?.languages.en as { subject: string };
    expect(english.subject).toBe('Your Portal account is ready!');
    expect(last.template?.languages.de).toEqual(builtinInvitation.languages.de);
    expect(screen.getByTestId('wording-origin')).toHaveTextContent('This batch’s own wording');

    await user.click(screen.getByRole('button', { name: 'German', pressed: false }));
    expect(screen.getByRole('textbox', { name: 'Subject' })).toHaveValue('Ihr Portal-Konto ist bereit');
    await user.click(screen.getByRole('button', { name: 'Back to the built-in wording' }));
    expect((seen.mock.calls.at(-1)?.[0] as BatchFile).template).toBeNull();
  });

  it('edits the reminder apart from the invitation and previews it in the chosen language', async () => {
    const seen = vi.fn();
    const user = userEvent.setup();
    render(<Harness seen={seen} />);
    await screen.findByRole('textbox', { name: 'Subject' });
    await user.click(screen.getByRole('radio', { name: 'Reminder (follow-up)' }));
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Subject' })).toHaveValue('Reminder: your invitation is waiting'));
    expect(screen.getByTestId('wording-note')).toHaveTextContent('people who have not accepted');
    await waitFor(() => expect(ipc.preview).toHaveBeenLastCalledWith(expect.anything(), 2, 'reminder', null));
    await user.type(screen.getByRole('textbox', { name: 'Subject' }), '!');
    const last = seen.mock.calls.at(-1)?.[0] as BatchFile;
    expect((last.follow_up.reminder_template?.languages.en as { subject: string }).subject).toBe(
      'Reminder: your invitation is waiting!',
    );
    expect(last.template).toBeNull(); // the invitation is untouched

    // The languages offered are the reminder's own now: English only.
    await user.selectOptions(screen.getByRole('combobox', { name: 'In' }), 'en');
    await waitFor(() => expect(ipc.preview).toHaveBeenLastCalledWith(expect.anything(), 2, 'reminder', 'en'));
  });

  it('says which language the person reads and shows the engine’s warnings', async () => {
    ipc.preview.mockResolvedValue({
      ...previewed,
      language: 'en',
      language_name: 'English',
      person_language: 'sv',
      person_language_has_wording: false,
      warnings: ['French (fr): its words read as English: people whose language is fr would get them'],
    });
    render(<Harness seen={vi.fn()} />);
    expect(await screen.findByTestId('preview-language')).toHaveTextContent('English (en)');
    expect(screen.getByTestId('preview-language')).toHaveTextContent('their language, Swedish, has no wording here');
    expect(screen.getByTestId('preview-warnings')).toHaveTextContent('its words read as English');
  });

  it('marks a wording error at its field in its language', async () => {
    ipc.preview.mockRejectedValue({
      code: 'invalid_input',
      message: 'German (de): paragraph 2, column 22: unknown variable `person.frist_name`; known: person, link',
    });
    const user = userEvent.setup();
    render(<Harness seen={vi.fn()} />);
    await screen.findByRole('textbox', { name: 'Subject' });
    await user.click(screen.getByRole('button', { name: 'German', pressed: false }));
    const paragraph = await screen.findByRole('textbox', { name: /Paragraph 2/ });
    await waitFor(() => expect(paragraph).toHaveAttribute('aria-invalid', 'true'));
    expect(document.getElementById('de-paragraphs.1-error')).toHaveTextContent('unknown variable `person.frist_name`');
  });

  it('inserts a variable where the cursor is', async () => {
    const seen = vi.fn();
    const user = userEvent.setup();
    render(<Harness seen={seen} />);
    const greeting = await screen.findByRole('textbox', { name: 'Greeting' });
    await user.click(greeting);
    await user.selectOptions(screen.getByRole('combobox', { name: 'Variable (en)' }), 'person.email');
    await user.click(screen.getByRole('button', { name: 'Insert where the cursor is' }));
    const last = seen.mock.calls.at(-1)?.[0] as BatchFile;
    expect((last.template?.languages.en as { greeting: string }).greeting).toContain('{{ person.email }}');
  });

  it('checks the mail server and the sender as they are typed, with an example under the URL', async () => {
    const seen = vi.fn();
    const user = userEvent.setup();
    render(<Harness seen={seen} />);
    await user.click(screen.getByRole('radio', { name: 'Send by SMTP' }));
    const url = screen.getByRole('textbox', { name: 'SMTP server URL' });
    expect(screen.getByText(/For example smtp:\/\/it@mail\.example\.com:587/)).toBeInTheDocument();
    // Nothing is said wrong before anything is typed.
    expect(screen.queryByRole('alert')).toBeNull();
    await user.type(url, 'https://mail.acme.example');
    expect(url).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('smtp_url-problem')).toHaveTextContent('A mail server URL starts with smtp:// or smtps://, not https://.');
    await user.clear(url);
    await user.type(url, 'smtp://it:secret@mail.acme.example:587');
    expect(screen.getByTestId('smtp_url-problem')).toHaveTextContent('Leave the password out of the URL');
    await user.clear(url);
    await user.type(url, 'smtp://it@mail.acme.example:587');
    expect(url).not.toHaveAttribute('aria-invalid');
    const from = screen.getByRole('textbox', { name: 'Sender' });
    await user.type(from, 'IT department');
    expect(screen.getByTestId('from-problem')).toHaveTextContent('Write an address, or a name and an address');
    await user.type(from, ' <it@acme.example>');
    expect(screen.queryByRole('alert')).toBeNull();
    // What was typed is what the batch holds.
    expect(seen).toHaveBeenLastCalledWith(
      expect.objectContaining({ delivery: expect.objectContaining({ url: 'smtp://it@mail.acme.example:587', from: 'IT department <it@acme.example>' }) }),
    );
  });

  it('sends the test in the chosen language', async () => {
    ipc.sendTest.mockResolvedValue('sent to me@x.com in German: the server answered 250 OK');
    const user = userEvent.setup();
    render(
      <Harness
        seen={vi.fn()}
        start={{ ...batch, delivery: { kind: 'smtp', url: 'smtp://localhost:2525', from: 'it@x.com', reply_to: null } }}
      />,
    );
    await user.type(screen.getByRole('textbox', { name: 'Send a test to' }), 'me@x.com');
    await user.selectOptions(screen.getByRole('combobox', { name: 'in' }), 'de');
    await user.click(screen.getByRole('button', { name: 'Send test' }));
    expect(ipc.sendTest).toHaveBeenCalledWith('Sandbox', expect.anything(), 'me@x.com', 'invitation', 'de');
    expect(await screen.findByTestId('test-result')).toHaveTextContent('in German');
  });
});
