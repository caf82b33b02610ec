import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BatchFile, Draft, DroppedList, Preflight, RosterReport } from '../generated/bindings';
import { commands } from '../platform/ipc';
import { mockCommands } from '../test/ipcMock';
import { NewBatchScreen } from './NewBatchScreen';
import { localTime } from '../format';

vi.mock('../platform/ipc', async () => ({ commands: (await import('../test/ipcMock')).mockCommands() }));
const ipc = vi.mocked(commands);

const batch: BatchFile = {
  format: 'invite-desk-batch',
  version: 1,
  id: 'b-1',
  created_at: '2026-11-22T10:00:00Z',
  name: null,
  people: [],
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
  message: { app_name: 'Portal', organization: 'Acme', support_contact: 'it@acme.example', date_format: 'iso', language: 'en' },
  template: null,
  delivery: { kind: 'outbox', dir: '/tmp/outbox', from: null },
  purpose: 'invitation',
  follow_up: {
    remind_after_days: [],
    reissue_expired: false,
    max_reminders: 2,
    mark_accepted: false,
    reminder_template: null,
    reissue_template: null,
  },
  follows: null,
};

const draft = (profile = 'Sandbox'): Draft => ({
  id: 'd-1',
  saved_at: '',
  step: 'people',
  profile,
  source_text: '',
  mapping: null,
  opened_from: null,
  batch,
  typed: { ttl_days: null, result_url: null, app_metadata: null, remind_after_days: null },
});

const person = (line: number, email: string) => ({
  line,
  email,
  given_name: null,
  family_name: null,
  name: null,
  roles: [],
  app_metadata: {},
  user_metadata: {},
  locale: null,
  external_id: null,
});

function report(bad: boolean): RosterReport {
  return {
    summary: { rows: 2, valid: bad ? 1 : 2, errors: bad ? 1 : 0, warnings: 0 },
    people: bad ? [person(2, 'ann@example.com')] : [person(2, 'ann@example.com'), person(3, 'bob@example.com')],
    problems: bad
      ? [{ line: 3, severity: 'error', field: 'email', message: '"bob(at)example.com" is not an email address' }]
      : [],
    source: {
      format: 'delimited',
      encoding: null,
      delimiter: 'comma',
      sheet: null,
      sheets: [],
      has_header: true,
      columns: [{ index: 0, header: 'email', role: { role: 'email' }, sample: 'ann@example.com' }],
    },
  };
}

describe('NewBatchScreen', () => {
  beforeEach(() => {
    Object.assign(ipc, mockCommands());
    ipc.newDraft.mockResolvedValue(draft());
  });

  it('reads a pasted list, lists problems by line, and fixes a row in place', async () => {
    const bad = 'email\nann@example.com\nbob(at)example.com\n';
    const fixed = 'email\nann@example.com\nbob@example.com\n';
    ipc.readList.mockImplementation(async (text: string) => report(text === bad));
    ipc.listRow.mockResolvedValue({ line: 3, cells: ['bob(at)example.com'] });
    ipc.setListRow.mockResolvedValue(fixed);
    const user = userEvent.setup();
    render(<NewBatchScreen />);
    await user.click(await screen.findByRole('button', { name: 'Start a new batch' }));
    const box = screen.getByLabelText(/Paste the list/);
    await user.click(box);
    await user.paste(bad);
    expect(await screen.findByTestId('roster-summary')).toHaveTextContent('1 of 2 rows ready, 1 left out');
    const problems = screen.getByLabelText('Problems');
    expect(problems).toHaveTextContent('Line 3: "bob(at)example.com" is not an email address');

    await user.click(within(problems).getByRole('button', { name: 'Line 3' }));
    expect(document.activeElement).toBe(box);
    const area = box as HTMLTextAreaElement;
    expect(bad.slice(area.selectionStart, area.selectionEnd)).toBe('bob(at)example.com');

    await user.click(within(problems).getByRole('button', { name: 'Fix' }));
    const fix = await screen.findByRole('form', { name: 'Fix line 3' });
    // In place, under its problem, with the bad cell focused and marked.
    expect(fix.closest('li')).toHaveTextContent('Line 3: "bob(at)example.com" is not an email address');
    const cell = within(fix).getByLabelText('email');
    expect(document.activeElement).toBe(cell);
    expect(cell).toHaveAttribute('aria-invalid', 'true');
    await user.clear(cell);
    await user.type(cell, 'bob@example.com');
    await user.click(within(fix).getByRole('button', { name: 'Apply fix' }));
    expect(ipc.setListRow).toHaveBeenCalledWith(bad, 'delimited', 3, ['bob@example.com']);
    await waitFor(() => expect(screen.getByTestId('roster-summary')).toHaveTextContent('2 of 2 rows ready'));
    expect(screen.queryByLabelText('Problems')).toBeNull();
  });

  it('removes a duplicate row from its problem, leaving every other line where it was', async () => {
    const text = 'email\nann@example.com\nann@example.com\n';
    const blanked = 'email\nann@example.com\n\n';
    const duplicate: RosterReport = {
      ...report(false),
      summary: { rows: 2, valid: 1, errors: 1, warnings: 0 },
      people: [person(2, 'ann@example.com')],
      problems: [{ line: 3, severity: 'error', field: 'email', message: 'duplicate of line 2' }],
    };
    ipc.readList.mockImplementation(async (t: string) => (t === text ? duplicate : { ...report(false), people: [person(2, 'ann@example.com')], summary: { rows: 1, valid: 1, errors: 0, warnings: 0 } }));
    ipc.listRow.mockResolvedValue({ line: 3, cells: ['ann@example.com'] });
    ipc.removeListRow.mockResolvedValue(blanked);
    const user = userEvent.setup();
    render(<NewBatchScreen />);
    await user.click(await screen.findByRole('button', { name: 'Start a new batch' }));
    await user.click(screen.getByLabelText(/Paste the list/));
    await user.paste(text);
    const problems = await screen.findByLabelText('Problems');
    await user.click(within(problems).getByRole('button', { name: 'Fix' }));
    const fix = await screen.findByRole('form', { name: 'Fix line 3' });
    await user.click(within(fix).getByRole('button', { name: 'Remove row' }));
    expect(ipc.removeListRow).toHaveBeenCalledWith(text, 'delimited', 3);
    await waitFor(() => expect(screen.getByTestId('roster-summary')).toHaveTextContent('1 of 1 rows ready'));
    expect(screen.queryByLabelText('Problems')).toBeNull();
  });

  it('maps any column to app_metadata under its own name, renamed if wished, and shows the people as read', async () => {
    const withDepartment: RosterReport = {
      ...report(false),
      people: [{ ...person(2, 'ann@example.com'), given_name: 'Ann', family_name: 'Lee', external_id: 'P-1', app_metadata: { department: 'Vertrieb' } }],
      summary: { rows: 1, valid: 1, errors: 0, warnings: 0 },
      source: {
        ...report(false).source,
        columns: [
          { index: 0, header: 'email', role: { role: 'email' }, sample: 'ann@example.com' },
          { index: 1, header: 'Abteilung', role: { role: 'ignore' }, sample: 'Vertrieb' },
          { index: 2, header: 'Personalnummer', role: { role: 'external_id' }, sample: 'P-1' },
        ],
      },
    };
    // The list is read with the mapping chosen, as the engine does.
    ipc.readList.mockImplementation(async (_text, mapping) => ({
      ...withDepartment,
      source: {
        ...withDepartment.source,
        columns: withDepartment.source.columns.map((c, i) => ({ ...c, role: mapping?.roles?.[i] ?? c.role })),
      },
    }));
    const user = userEvent.setup();
    render(<NewBatchScreen />);
    await user.click(await screen.findByRole('button', { name: 'Start a new batch' }));
    await user.click(screen.getByLabelText(/Paste the list/));
    await user.paste('email,Abteilung,Personalnummer\nann@example.com,Vertrieb,P-1\n');
    const column = await screen.findByLabelText(/Abteilung/);
    expect(within(column).getByRole('option', { name: 'app_metadata: Abteilung' })).toBeInTheDocument();
    expect(within(column).getByRole('option', { name: 'user_metadata: Abteilung' })).toBeInTheDocument();
    expect(screen.getByLabelText(/Personalnummer/)).toHaveDisplayValue('External id (kept for the results)');
    await user.selectOptions(column, 'app_metadata: Abteilung');
    await waitFor(() =>
      expect(ipc.readList).toHaveBeenLastCalledWith(
        expect.any(String),
        expect.objectContaining({
          roles: [{ role: 'email' }, { role: 'app_metadata', key: 'Abteilung' }, { role: 'external_id' }],
        }),
      ),
    );
    const key = await screen.findByLabelText('app_metadata key for Abteilung');
    await user.clear(key);
    await user.type(key, 'department{Enter}');
    await waitFor(() =>
      expect(ipc.readList).toHaveBeenLastCalledWith(
        expect.any(String),
        expect.objectContaining({
          roles: [{ role: 'email' }, { role: 'app_metadata', key: 'department' }, { role: 'external_id' }],
        }),
      ),
    );
    const people = screen.getByRole('table', { name: 'People as read' });
    expect(people).toHaveTextContent('Ann');
    expect(people).toHaveTextContent('Lee');
    expect(people).toHaveTextContent('P-1');
    expect(people).toHaveTextContent('app_metadata.department');
    expect(people).toHaveTextContent('Vertrieb');
  });

  it('reviews as a summary of what will happen, with the left-out rows and the way back to them', async () => {
    ipc.readList.mockImplementation(async () => report(true));
    ipc.plan.mockResolvedValue({
      to_create: 1,
      existing: 0,
      skipped: 0,
      messages: 1,
      api_calls: 3,
      estimated_secs: 2,
      rate: { plan: 'Enterprise', plan_detected: false, summary: '' },
      people: [],
    } as never);
    const user = userEvent.setup();
    render(<NewBatchScreen />);
    await user.click(await screen.findByRole('button', { name: 'Start a new batch' }));
    await user.click(screen.getByLabelText(/Paste the list/));
    await user.paste('email\nann@example.com\nbob(at)example.com\n');
    await screen.findByTestId('roster-summary');
    await user.click(screen.getByRole('tab', { name: '4. Review' }));
    const summary = await screen.findByTestId('review-summary');
    expect(summary).toHaveTextContent('Sandbox');
    expect(summary).toHaveTextContent('not production');
    expect(screen.getByTestId('review-people')).toHaveTextContent('1 person · 1 row of the list left out');
    expect(summary).toHaveTextContent('Link works for7 days');
    expect(screen.getByTestId('review-delivery')).toHaveTextContent('written as .eml files to /tmp/outbox: nothing is sent');
    expect(await screen.findByTestId('review-estimate')).toHaveTextContent('3 API calls, about 2 s at Enterprise rate limits');
    expect(ipc.plan).toHaveBeenCalledWith(null, expect.anything());
    await user.click(screen.getByRole('button', { name: 'See why in People' }));
    expect(await screen.findByLabelText('Problems')).toHaveTextContent('bob(at)example.com');
  });

  it('checks the invitation fields as they are typed, keeps what was typed, and Review refuses until fixed', async () => {
    ipc.readList.mockImplementation(async () => report(false));
    const user = userEvent.setup();
    render(<NewBatchScreen />);
    await user.click(await screen.findByRole('button', { name: 'Start a new batch' }));
    await user.click(screen.getByLabelText(/Paste the list/));
    await user.paste('email\nann@example.com\nbob@example.com\n');
    await screen.findByTestId('roster-summary');
    await user.click(screen.getByRole('tab', { name: '2. Invitation' }));

    const url = screen.getByLabelText(/go to \(result URL\)/);
    await user.type(url, 'app.example.com/welcome');
    expect(url).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText(/Write the whole address, starting with https:\/\//)).toBeInTheDocument();
    expect(screen.getByText(/invalid_input: result_url "app.example.com\/welcome" is not a URL/)).toBeInTheDocument();

    const days = screen.getByLabelText(/The link stays valid for/);
    await user.clear(days);
    await user.type(days, '400');
    expect(screen.getByText("A link can stay valid 365 days at most (Auth0's limit).")).toBeInTheDocument();

    const metadata = screen.getByLabelText(/app_metadata stamped/);
    await user.clear(metadata);
    await user.paste('{"plan": ');
    expect(screen.getByText(/This is not valid JSON yet/)).toBeInTheDocument();

    await user.type(screen.getByLabelText(/Remind those who have not accepted/), '6, 3');

    // Review lists all four and does not run; what was typed is still there on the way back.
    await user.click(screen.getByRole('tab', { name: '4. Review' }));
    const blockers = await screen.findByTestId('review-blockers');
    expect(within(blockers).getAllByRole('listitem')).toHaveLength(4);
    expect(blockers).toHaveTextContent('Reminder days: Give growing whole days from 1 to 365');
    expect(screen.getByRole('button', { name: 'Run now' })).toBeDisabled();
    // Nothing is checked for a batch that would not run as typed.
    expect(screen.getByTestId('review-checks')).toHaveTextContent('Checked once the fields listed above are fixed.');
    expect(ipc.preflight).not.toHaveBeenCalled();
    await user.click(within(blockers).getByRole('button', { name: 'Go to Invitation' }));
    expect(screen.getByLabelText(/go to \(result URL\)/)).toHaveValue('app.example.com/welcome');

    await user.clear(screen.getByLabelText(/go to \(result URL\)/));
    await user.type(screen.getByLabelText(/go to \(result URL\)/), 'https://app.example.com/welcome');
    await user.clear(screen.getByLabelText(/The link stays valid for/));
    await user.type(screen.getByLabelText(/The link stays valid for/), '14');
    await user.clear(screen.getByLabelText(/app_metadata stamped/));
    await user.paste('{"plan": "gold"}');
    await user.clear(screen.getByLabelText(/Remind those who have not accepted/));
    await user.type(screen.getByLabelText(/Remind those who have not accepted/), '3, 6');
    expect(screen.queryByRole('alert')).toBeNull();
    await user.click(screen.getByRole('tab', { name: '4. Review' }));
    expect(screen.queryByTestId('review-blockers')).toBeNull();
    expect(await screen.findByTestId('review-summary')).toHaveTextContent('Link works for14 days');
    expect(screen.getByTestId('review-summary')).toHaveTextContent('https://app.example.com/welcome');
    expect(screen.getByTestId('review-summary')).toHaveTextContent('plan for everyone');
    // Fixed, it is checked on entering Review, with the values as fixed.
    await waitFor(() => expect(ipc.preflight).toHaveBeenCalledTimes(1));
    expect(ipc.preflight.mock.calls[0]?.[1].invitation.ttl_secs).toBe(14 * 86400);
  });

  it('waits in Review for a delivery the Email step left without a sender, and leads back there', async () => {
    ipc.newDraft.mockResolvedValue({
      ...draft(),
      step: 'review',
      batch: {
        ...batch,
        people: [person(2, 'ann@example.com')],
        delivery: { kind: 'smtp', url: 'smtp://mail.acme.example:587', from: '', reply_to: null },
      },
    });
    const user = userEvent.setup();
    render(<NewBatchScreen />);
    await user.click(await screen.findByRole('button', { name: 'Start a new batch' }));
    const blockers = await screen.findByTestId('review-blockers');
    expect(blockers).toHaveTextContent('Email: Sender: Write who the messages are from.');
    expect(screen.getByRole('button', { name: 'Run now' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Save batch file' })).toBeDisabled();
    expect(ipc.preflight).not.toHaveBeenCalled();
    expect(within(blockers).queryByRole('button', { name: 'Go to Invitation' })).toBeNull();
    await user.click(within(blockers).getByRole('button', { name: 'Go to Email' }));
    expect(screen.getByRole('tab', { name: '3. Email' })).toHaveAttribute('aria-selected', 'true');
    await user.type(screen.getByRole('textbox', { name: 'Sender' }), 'IT <it@acme.example>');
    await user.click(screen.getByRole('tab', { name: '4. Review' }));
    expect(screen.queryByTestId('review-blockers')).toBeNull();
    expect(screen.getByRole('button', { name: 'Run now' })).toBeEnabled();
  });

  it('saves wrongly typed fields as typed, and the reopened draft still waits for them', async () => {
    ipc.newDraft.mockResolvedValue({ ...draft(), step: 'invitation', batch: { ...batch, people: [person(2, 'ann@example.com')] } });
    ipc.saveDraft.mockResolvedValue({ id: 'd-1', saved_at: '2026-12-02T08:00:00Z', name: null, step: 'invitation', people: 1 });
    const user = userEvent.setup();
    const first = render(<NewBatchScreen />);
    await user.click(await screen.findByRole('button', { name: 'Start a new batch' }));
    await user.type(screen.getByLabelText(/go to \(result URL\)/), 'app.example.com/welcome');
    const days = screen.getByLabelText(/The link stays valid for/);
    await user.clear(days);
    await user.type(days, '400');
    await user.click(screen.getByRole('button', { name: 'Save draft' }));
    const saved = ipc.saveDraft.mock.calls.at(-1)?.[0] as Draft;
    expect(saved.typed).toEqual({ ttl_days: '400', result_url: 'app.example.com/welcome', app_metadata: null, remind_after_days: null });
    // The batch holds only values that read, never the wrong ones (40 days was read on the way
    // to 400); the typed fields decide what the reopened draft shows and waits for.
    expect(saved.batch.invitation.result_url).toBeNull();
    expect(saved.batch.invitation.ttl_secs).toBe(40 * 86400);
    first.unmount();

    // Opened again later: what was typed is back, said wrong, and Review waits.
    ipc.drafts.mockResolvedValue([{ id: 'd-1', saved_at: '2026-12-02T08:00:00Z', name: 'Wave 3', step: 'invitation', people: 1 }]);
    ipc.loadDraft.mockResolvedValue(saved);
    render(<NewBatchScreen />);
    await user.click(await screen.findByRole('button', { name: 'Wave 3' }));
    expect(await screen.findByLabelText(/go to \(result URL\)/)).toHaveValue('app.example.com/welcome');
    expect(screen.getByText(/Write the whole address, starting with https:\/\//)).toBeInTheDocument();
    expect(screen.getByLabelText(/The link stays valid for/)).toHaveValue('400');
    await user.click(screen.getByRole('tab', { name: '4. Review' }));
    expect(await screen.findByTestId('review-blockers')).toHaveTextContent('Result URL');
    expect(screen.getByRole('button', { name: 'Run now' })).toBeDisabled();
  });

  it('says while the list is made who will read the batch language instead of their own', async () => {
    ipc.readList.mockResolvedValue(report(false));
    ipc.languageNotice.mockResolvedValue(
      "1 person has a language the message is not written in: Swedish (sv) ×1; they get the batch's language, English",
    );
    const user = userEvent.setup();
    render(<NewBatchScreen />);
    await user.click(await screen.findByRole('button', { name: 'Start a new batch' }));
    await user.click(screen.getByLabelText(/Paste the list/));
    await user.paste('email,language\nann@example.com,sv\n');
    expect(await screen.findByTestId('language-notice', {}, { timeout: 2000 })).toHaveTextContent('Swedish (sv) ×1');
    await waitFor(() =>
      expect(ipc.languageNotice).toHaveBeenLastCalledWith(expect.objectContaining({ people: report(false).people })),
    );
  });

  it('opens a file through the native dialog and shows how it was decoded', async () => {
    ipc.openList.mockResolvedValue({ file_name: 'staff.csv', text: 'email\nann@example.com\n', encoding: 'windows-1252', sheet: null, sheets: [] });
    ipc.readList.mockResolvedValue(report(false));
    const user = userEvent.setup();
    render(<NewBatchScreen />);
    await user.click(await screen.findByRole('button', { name: 'Start a new batch' }));
    await user.click(screen.getByRole('button', { name: 'Open file…' }));
    expect(await screen.findByTestId('file-note')).toHaveTextContent('staff.csv · decoded from windows-1252');
    expect(screen.getByLabelText(/Paste the list/)).toHaveValue('email\nann@example.com\n');
  });

  it('shows a file dropped on the window, as the engine read it, and why one could not be read', async () => {
    let deliver: ((message: DroppedList) => void) | undefined;
    ipc.listDrops.mockImplementation((onDrop) => {
      deliver = onDrop;
      return Promise.resolve(null);
    });
    ipc.readList.mockResolvedValue(report(false));
    const user = userEvent.setup();
    render(<NewBatchScreen />);
    await user.click(await screen.findByRole('button', { name: 'Start a new batch' }));
    await waitFor(() => expect(deliver).toBeDefined());
    const zone = screen.getByTestId('dropzone');
    act(() => deliver?.({ kind: 'over' }));
    expect(zone).toHaveClass('dropzone--over');
    act(() => deliver?.({ kind: 'left' }));
    expect(zone).not.toHaveClass('dropzone--over');
    act(() =>
      deliver?.({
        kind: 'read',
        list: { file_name: 'dropped.txt', text: 'email\nzoe@example.com\n', encoding: 'UTF-16LE', sheet: null, sheets: [] },
      }),
    );
    expect(await screen.findByTestId('file-note')).toHaveTextContent('dropped.txt · decoded from UTF-16LE');
    expect(screen.getByLabelText(/Paste the list/)).toHaveValue('email\nzoe@example.com\n');
    act(() => deliver?.({ kind: 'failed', error: { code: 'io', message: 'could not read /x: is a directory' } }));
    expect(await screen.findByText(/is a directory/)).toBeInTheDocument();
  });

  it('saves the draft at any step and walks the steps', async () => {
    ipc.saveDraft.mockResolvedValue({ id: 'd-1', saved_at: '2026-11-22T10:01:00Z', name: null, step: 'invitation', people: 0 });
    const user = userEvent.setup();
    render(<NewBatchScreen />);
    await user.click(await screen.findByRole('button', { name: 'Start a new batch' }));
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(screen.getByRole('tab', { name: '2. Invitation' })).toHaveAttribute('aria-selected', 'true');
    await user.click(screen.getByLabelText('Invite them again (new link)'));
    await user.click(screen.getByRole('button', { name: 'Save draft' }));
    expect(ipc.saveDraft).toHaveBeenCalledWith(
      expect.objectContaining({ step: 'invitation', batch: expect.objectContaining({ invitation: expect.objectContaining({ existing: 'reinvite' }) }) }),
    );
    expect(await screen.findByTestId('draft-saved')).toHaveTextContent(`Saved ${localTime('2026-11-22T10:01:00Z')}`);
    expect(screen.getByTestId('draft-saved').querySelector('time')).toHaveAttribute('dateTime', '2026-11-22T10:01:00Z');
  });

  it('shows a live preview in a sandboxed frame', async () => {
    ipc.newDraft.mockResolvedValue({ ...draft(), step: 'email', batch: { ...batch, people: [person(2, 'ann@example.com')] } });
    ipc.preview.mockResolvedValue({ line: 2, to: 'ann@example.com', from: 'Acme <it@acme.example>', subject: 'Welcome', page: 'p7', text: 'Hi Ann', remote_resources: [], language: 'en', language_name: 'English', person_language: null, person_language_has_wording: true, warnings: [] });
    const user = userEvent.setup();
    render(<NewBatchScreen />);
    await user.click(await screen.findByRole('button', { name: 'Start a new batch' }));
    expect(await screen.findByTestId('preview-subject', {}, { timeout: 2000 })).toHaveTextContent('Welcome');
    expect(screen.getByText('The message loads nothing from the internet.')).toBeInTheDocument();
    const frame = screen.getByTitle('HTML preview');
    expect(frame).toHaveAttribute('sandbox', '');
    expect(frame).toHaveAttribute('src', 'invite-preview://localhost/p7');
    expect(ipc.previewPageUrl).toHaveBeenCalledWith('p7');
    await user.clear(screen.getByLabelText('Subject'));
    await user.type(screen.getByLabelText('Subject'), 'Hello there');
    await act(() => new Promise((r) => setTimeout(r, 300)));
    expect(ipc.preview).toHaveBeenLastCalledWith(
      expect.objectContaining({
        template: expect.objectContaining({ languages: { en: expect.objectContaining({ subject: 'Hello there' }) } }),
      }),
      2,
      'invitation',
      null,
    );
  });

  it('lists what the message would load from the internet', async () => {
    ipc.newDraft.mockResolvedValue({ ...draft(), step: 'email', batch: { ...batch, people: [person(2, 'ann@example.com')] } });
    ipc.preview.mockResolvedValue({
      line: 2, to: 'ann@example.com', from: 'Acme <it@acme.example>', subject: 'Welcome', page: 'p7', text: 'Hi Ann',
      remote_resources: ['https://track.example/pixel.gif'],
      language: 'en',
      language_name: 'English',
      person_language: null,
      person_language_has_wording: true,
      warnings: [],
    });
    const user = userEvent.setup();
    render(<NewBatchScreen />);
    await user.click(await screen.findByRole('button', { name: 'Start a new batch' }));
    const notice = await screen.findByTestId('preview-remote', {}, { timeout: 2000 });
    expect(notice).toHaveTextContent('loads a file from the internet');
    expect(notice).toHaveTextContent('https://track.example/pixel.gif');
  });

  it('takes the chosen tenant\'s connection and delivery', async () => {
    ipc.newDraft.mockImplementation(async (profile: string | null) =>
      profile === 'acme-prod'
        ? {
            ...draft('acme-prod'),
            batch: {
              ...batch,
              invitation: { ...batch.invitation, connection: 'Staff' },
              delivery: { kind: 'smtp', url: 'smtp://mail.acme.example:587', from: 'Acme IT <it@acme.example>', reply_to: null },
            },
          }
        : draft(),
    );
    ipc.saveDraft.mockResolvedValue({ id: 'd-1', saved_at: 'now', name: null, step: 'people', people: 0 });
    const user = userEvent.setup();
    render(<NewBatchScreen />);
    await user.click(await screen.findByRole('button', { name: 'Start a new batch' }));
    await screen.findByRole('option', { name: 'acme-prod (production)' });
    await user.selectOptions(screen.getByLabelText('Tenant'), 'acme-prod');
    await user.click(screen.getByRole('button', { name: 'Save draft' }));
    expect(ipc.saveDraft).toHaveBeenLastCalledWith(
      expect.objectContaining({
        profile: 'acme-prod',
        batch: expect.objectContaining({
          delivery: expect.objectContaining({ kind: 'smtp', url: 'smtp://mail.acme.example:587' }),
          invitation: expect.objectContaining({ connection: 'Staff' }),
        }),
      }),
    );
  });

  it('asks before running against a production tenant', async () => {
    ipc.newDraft.mockResolvedValue({ ...draft('acme-prod'), step: 'review', batch: { ...batch, people: [person(2, 'ann@example.com')] } });
    ipc.startRun.mockReturnValue(new Promise(() => {}));
    const user = userEvent.setup();
    render(<NewBatchScreen />);
    await user.click(await screen.findByRole('button', { name: 'Start a new batch' }));
    await screen.findByRole('option', { name: 'acme-prod (production)' });
    await user.click(screen.getByRole('button', { name: 'Run now' }));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog).toHaveTextContent('Run against the production tenant?');
    expect(ipc.startRun).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('button', { name: 'Yes, run against production' }));
    expect(ipc.startRun).toHaveBeenCalledWith('acme-prod', expect.objectContaining({ id: 'b-1' }), true, expect.any(Function));
    // The run has its own screen now; the wizard is back at its start, ready for the next batch.
    expect(await screen.findByRole('button', { name: 'Start a new batch' })).toBeInTheDocument();
  });

  it('opens the batch file the app was started with at its Review, and asks about what differs', async () => {
    ipc.batchOpenedAtStart.mockResolvedValue({
      ...draft('Sandbox'),
      step: 'review',
      opened_from: 'travelled.json',
      batch: { ...batch, people: [person(2, 'ann@example.com')] },
    });
    ipc.destinations.mockResolvedValue({
      needs_confirmation: true,
      items: [
        { what: 'tenant', value: 'sandbox (profile Sandbox)', profile_value: null, attention: false, why: null },
        {
          what: 'mail_server',
          value: 'mail.attacker.example:587',
          profile_value: 'smtp.acme.example:587',
          attention: true,
          why: 'every invitation link goes through this server, not the profile\'s',
        },
      ],
    });
    ipc.startRun.mockReturnValue(new Promise(() => {}));
    const user = userEvent.setup();
    render(<NewBatchScreen />);
    const list = await screen.findByTestId('destinations');
    expect(list).toHaveTextContent('Where travelled.json sends things');
    expect(list).toHaveTextContent('Mail server');
    expect(list).toHaveTextContent('mail.attacker.example:587');
    expect(list).toHaveTextContent("The profile's: smtp.acme.example:587");
    expect(ipc.destinations).toHaveBeenCalledWith('Sandbox', expect.objectContaining({ id: 'b-1' }));
    const runNow = screen.getByRole('button', { name: 'Run now' });
    expect(runNow).toBeDisabled();
    await user.click(screen.getByLabelText(/I have checked the lines marked !/));
    expect(runNow).toBeEnabled();
    await user.click(runNow);
    expect(ipc.startRun).toHaveBeenCalled();
  });

  it('drops the production question when the tenant changes, so a batch file is never run unconfirmed', async () => {
    ipc.batchOpenedAtStart.mockResolvedValue({
      ...draft('acme-prod'),
      step: 'review',
      opened_from: 'travelled.json',
      batch: { ...batch, people: [person(2, 'ann@example.com')] },
    });
    ipc.destinations.mockResolvedValue({
      needs_confirmation: true,
      items: [{ what: 'result_url', value: 'https://x.example', profile_value: null, attention: true, why: 'invitees land here' }],
    });
    const user = userEvent.setup();
    render(<NewBatchScreen />);
    await screen.findByTestId('destinations');
    await user.click(screen.getByLabelText(/I have checked the lines marked !/));
    await user.click(screen.getByRole('button', { name: 'Run now' }));
    expect(screen.getByRole('alertdialog')).toHaveTextContent('Run against the production tenant?');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Tenant' }), 'Sandbox');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await screen.findByTestId('destinations');
    expect(screen.getByLabelText(/I have checked the lines marked !/)).not.toBeChecked();
    expect(screen.getByRole('button', { name: 'Run now' })).toBeDisabled();
    expect(ipc.startRun).not.toHaveBeenCalled();
  });

  it('shows the checks a run makes before its first write, each with what was seen', async () => {
    ipc.newDraft.mockResolvedValue({ ...draft('acme-prod'), step: 'review', batch: { ...batch, people: [person(2, 'ann@example.com')] } });
    let answer: (value: Preflight) => void = () => {};
    ipc.preflight.mockReturnValueOnce(new Promise<Preflight>((resolve) => (answer = resolve)));
    const preflight: Preflight = {
      checks: [
        { item: 'credentials', status: 'passed', detail: 'the tenant gave the client a token', code: null },
        { item: 'delivery', status: 'failed', detail: 'the mail server mail.acme.example:587 refused: 535 bad login', code: 'auth' },
        { item: 'roles', status: 'skipped', detail: 'the batch grants no roles', code: null },
      ],
    };
    const user = userEvent.setup();
    render(<NewBatchScreen />);
    await user.click(await screen.findByRole('button', { name: 'Start a new batch' }));
    // Review checks a batch made here on its own, once, and says so while it does.
    expect(await screen.findByTestId('preflight-checking')).toHaveTextContent('Checking the tenant');
    expect(screen.getByRole('button', { name: 'Check before running' })).toBeDisabled();
    await act(async () => answer(preflight));
    const list = await screen.findByTestId('preflight');
    expect(screen.queryByTestId('preflight-checking')).toBeNull();
    expect(ipc.preflight).toHaveBeenCalledTimes(1);
    expect(ipc.preflight).toHaveBeenCalledWith('acme-prod', expect.objectContaining({ id: 'b-1' }));
    const items = within(list).getAllByRole('listitem');
    expect(items.map((li) => li.dataset.status)).toEqual(['passed', 'failed', 'skipped']);
    expect(items[0]).toHaveTextContent('Tenant credentials: the tenant gave the client a token');
    expect(items[1]).toHaveTextContent('Delivery: the mail server mail.acme.example:587 refused: 535 bad login');
    // Typing the name does not check again; the button does, and its answer replaces the list.
    await user.type(screen.getByRole('textbox', { name: 'Batch name' }), 'Wave 2');
    expect(ipc.preflight).toHaveBeenCalledTimes(1);
    ipc.preflight.mockRejectedValueOnce({ code: 'network', message: 'the tenant acme.eu.auth0.com did not answer' });
    await user.click(screen.getByRole('button', { name: 'Check again' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('the tenant acme.eu.auth0.com did not answer');
    expect(screen.queryByTestId('preflight')).toBeNull();
    expect(ipc.preflight).toHaveBeenCalledTimes(2);
  });

  it('checks again when the list read lands after Review opened, and keeps only the newest answer', async () => {
    ipc.newDraft.mockResolvedValue({
      ...draft(),
      step: 'review',
      source_text: 'email\nann@example.com\nbob@example.com\n',
      batch: { ...batch, people: [person(2, 'ann@example.com')] },
    });
    let answerRead: (r: RosterReport) => void = () => {};
    ipc.readList.mockReturnValue(new Promise<RosterReport>((resolve) => (answerRead = resolve)));
    const answers: ((value: Preflight) => void)[] = [];
    ipc.preflight.mockImplementation(() => new Promise<Preflight>((resolve) => answers.push(resolve)));
    const said = (detail: string): Preflight => ({ checks: [{ item: 'credentials', status: 'passed', detail, code: null }] });
    const user = userEvent.setup();
    render(<NewBatchScreen />);
    await user.click(await screen.findByRole('button', { name: 'Start a new batch' }));
    await waitFor(() => expect(ipc.preflight).toHaveBeenCalledTimes(1));
    // The list is read: two people now, so what was checked for one no longer holds.
    await act(async () => answerRead(report(false)));
    await waitFor(() => expect(ipc.preflight).toHaveBeenCalledTimes(2));
    expect(ipc.preflight.mock.calls[1]?.[1].people).toHaveLength(2);
    await act(async () => answers[1]?.(said('checked for two')));
    expect(await screen.findByTestId('preflight')).toHaveTextContent('checked for two');
    // The first answer, late, does not replace it.
    await act(async () => answers[0]?.(said('checked for one')));
    expect(screen.getByTestId('preflight')).toHaveTextContent('checked for two');
  });

  it('checks a saved draft opened at Review once, though its list is read again', async () => {
    ipc.newDraft.mockResolvedValue({
      ...draft(),
      step: 'review',
      source_text: 'email\nann@example.com\nbob@example.com\n',
      batch: { ...batch, people: report(false).people },
    });
    ipc.readList.mockResolvedValue(report(false));
    ipc.preflight.mockResolvedValue({ checks: [{ item: 'credentials', status: 'passed', detail: 'a token', code: null }] });
    const user = userEvent.setup();
    render(<NewBatchScreen />);
    await user.click(await screen.findByRole('button', { name: 'Start a new batch' }));
    await waitFor(() => expect(ipc.readList).toHaveBeenCalled());
    expect(await screen.findByTestId('preflight')).toHaveTextContent('a token');
    await new Promise((r) => setTimeout(r, 400));
    expect(ipc.preflight).toHaveBeenCalledTimes(1);
  });

  it('checks a batch file only when asked', async () => {
    ipc.batchOpenedAtStart.mockResolvedValue({
      ...draft('acme-prod'),
      step: 'review',
      opened_from: 'travelled.json',
      batch: { ...batch, people: [person(2, 'ann@example.com')] },
    });
    ipc.destinations.mockResolvedValue({ needs_confirmation: false, items: [] });
    ipc.preflight.mockResolvedValue({
      checks: [{ item: 'credentials', status: 'passed', detail: 'the tenant gave the client a token', code: null }],
    });
    const user = userEvent.setup();
    render(<NewBatchScreen />);
    await screen.findByTestId('destinations');
    expect(screen.getByTestId('review-checks')).toHaveTextContent('A batch file is checked when you ask');
    expect(ipc.preflight).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Check before running' }));
    expect(await screen.findByTestId('preflight')).toHaveTextContent('Tenant credentials');
    expect(ipc.preflight).toHaveBeenCalledTimes(1);
  });
});
