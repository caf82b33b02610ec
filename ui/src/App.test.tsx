import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { commands } from './platform/ipc';
import { followUpChoice } from './state/followUp';
import { profilesChanged } from './state/profiles';
import { mockCommands, sandboxProfile } from './test/ipcMock';
import { App } from './App';
import { SCREENS } from './screens';

vi.mock('./platform/ipc', async () => ({ commands: (await import('./test/ipcMock')).mockCommands() }));

describe('App frame', () => {
  it('lists every screen of the design in the navigation', () => {
    render(<App />);
    const nav = screen.getByRole('navigation', { name: 'Main' });
    const labels = within(nav)
      .getAllByRole('button')
      .map((b) => b.textContent);
    expect(labels).toEqual(['Tenants', 'New batch', 'Run', 'History', 'Follow-up', 'Find person', 'Settings']);
  });

  it('opens on Tenants and marks it as the current page', () => {
    render(<App />);
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Tenants');
    expect(screen.getByRole('button', { name: 'Tenants' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('button', { name: 'Add a profile' })).toBeVisible();
  });

  it('switches screens from the navigation and shows only the current one', async () => {
    const user = userEvent.setup();
    const { container } = render(<App />);
    const nav = screen.getByRole('navigation', { name: 'Main' });
    for (const entry of SCREENS) {
      await user.click(within(nav).getByRole('button', { name: entry.title }));
      const panels = container.querySelectorAll('[data-screen-panel]:not([hidden])');
      expect(panels).toHaveLength(1);
      expect(panels[0]).toHaveAttribute('data-screen-panel', entry.id);
      expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(entry.title);
      expect(within(nav).getByRole('button', { name: entry.title })).toHaveAttribute('aria-current', 'page');
    }
  });

  it('says at launch what the cadences have due, and Review opens that batch\'s follow-up', async () => {
    vi.mocked(commands).followUpDue.mockResolvedValueOnce([
      { batch_id: 'b-7', batch_name: 'Seats', due: { reminders: ['a@x.com', 'b@x.com', 'c@x.com', 'd@x.com'], reissues: [] } },
    ]);
    vi.mocked(commands).history.mockResolvedValue([]);
    const user = userEvent.setup();
    render(<App />);
    expect(await screen.findByTestId('due-notice')).toHaveTextContent('4 reminders are due in "Seats".');
    await user.click(screen.getByRole('button', { name: 'Review' }));
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Follow-up');
    expect(screen.queryByTestId('due-notice')).toBeNull();
    followUpChoice.choose(null);
  });

  it('offers a first run on the Sandbox with a sample list, which New batch opens', async () => {
    const ipc = vi.mocked(commands);
    ipc.profiles.mockResolvedValue([sandboxProfile]);
    ipc.history.mockResolvedValue([]);
    await profilesChanged();
    ipc.newDraft.mockImplementation(async () => ({
      id: 'd-1',
      saved_at: '',
      step: 'people',
      profile: 'Sandbox',
      source_text: '',
      mapping: null,
      opened_from: null,
      typed: { ttl_days: null, result_url: null, app_metadata: null, remind_after_days: null },
      batch: { id: 'b-1', name: null, people: [], invitation: { mode: 'password-change' } } as never,
    }));
    ipc.readList.mockReturnValue(new Promise(() => {}));
    const user = userEvent.setup();
    render(<App />);
    const card = await screen.findByTestId('first-run');
    expect(card).toHaveTextContent('simulated Auth0 tenant');
    expect(within(card).getAllByRole('listitem')).toHaveLength(3);
    await user.click(within(card).getByRole('button', { name: 'Try it with the sample list' }));
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('New batch');
    const box = (await screen.findByLabelText(/Paste the list/)) as HTMLTextAreaElement;
    expect(box.value).toMatch(/^E-Mail;Vorname;Nachname;Abteilung;Personalnummer;Sprache\n/);
    expect(ipc.newDraft).toHaveBeenCalledWith('Sandbox');
    Object.assign(ipc, mockCommands());
    await profilesChanged();
  });

  it('offers at launch to resume a batch the app was closed during', async () => {
    const ipc = vi.mocked(commands);
    ipc.history.mockResolvedValue([
      { id: 'b-3', created_at: '2026-12-01T10:00:00Z', status: 'interrupted', name: 'Wave 2', total: 40, counts: { delivered: 12, ticketed: 2, pending: 26 }, delivered_as: 'written_to_outbox', profile: 'Sandbox', follow_up: null },
    ]);
    ipc.results.mockResolvedValue([]);
    ipc.resumeRun.mockReturnValue(new Promise(() => {}));
    ipc.followUpView.mockReturnValue(new Promise(() => {}));
    const user = userEvent.setup();
    render(<App />);
    const notice = await screen.findByTestId('interrupted-notice');
    expect(notice).toHaveTextContent('“Wave 2” stopped before the end: 12 of 40 people are done.');
    await user.click(within(notice).getByRole('button', { name: 'Resume' }));
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Run');
    await vi.waitFor(() => expect(ipc.resumeRun).toHaveBeenCalledWith('b-3', { failed: false, unconfirmed: false }, expect.any(Function)));
    Object.assign(ipc, mockCommands());
  });

  it('asks before the window closes during a run, and stops the run safely before closing', async () => {
    const ipc = vi.mocked(commands);
    let ask: (batchId: string) => void = () => {};
    ipc.closeRequests.mockImplementation(async (onRequest) => {
      ask = onRequest;
      return null;
    });
    // A follow-up wave, say: not the Run screen's run. The batch is the one Rust names.
    let running: string | null = 'wave-5';
    ipc.activeRun.mockImplementation(async () => running);
    ipc.controlRun.mockResolvedValue(null);
    ipc.followUpView.mockReturnValue(new Promise(() => {}));
    const user = userEvent.setup();
    render(<App />);
    await vi.waitFor(() => expect(ipc.closeRequests).toHaveBeenCalled());
    act(() => ask('wave-5'));
    const guard = await screen.findByTestId('close-guard');
    expect(guard).toHaveTextContent('A batch is still running');
    await user.click(within(guard).getByRole('button', { name: 'Keep running' }));
    expect(screen.queryByTestId('close-guard')).toBeNull();
    expect(ipc.controlRun).not.toHaveBeenCalled();
    act(() => ask('wave-5'));
    await user.click(within(await screen.findByTestId('close-guard')).getByRole('button', { name: 'Stop safely and close' }));
    expect(ipc.controlRun).toHaveBeenCalledWith('wave-5', 'interrupt');
    // While it stops, the window stays, with a way out that does not wait.
    await new Promise((r) => setTimeout(r, 600));
    expect(ipc.closeWindow).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Close now without waiting' })).toBeInTheDocument();
    running = null;
    await vi.waitFor(() => expect(ipc.closeWindow).toHaveBeenCalled());
    Object.assign(ipc, mockCommands());
  });

  it('says why a safe stop could not be asked for, and the window can still close', async () => {
    const ipc = vi.mocked(commands);
    let ask: (batchId: string) => void = () => {};
    ipc.closeRequests.mockImplementation(async (onRequest) => {
      ask = onRequest;
      return null;
    });
    // The run ended on its own between the close and the click: there is nothing left to stop.
    ipc.activeRun.mockResolvedValue('b-9');
    ipc.controlRun.mockRejectedValue({ code: 'not_found', message: 'batch b-9 is not running' });
    ipc.followUpView.mockReturnValue(new Promise(() => {}));
    const user = userEvent.setup();
    render(<App />);
    await vi.waitFor(() => expect(ipc.closeRequests).toHaveBeenCalled());
    act(() => ask('b-9'));
    await user.click(within(await screen.findByTestId('close-guard')).getByRole('button', { name: 'Stop safely and close' }));
    const guard = screen.getByTestId('close-guard');
    expect(await within(guard).findByRole('alert')).toHaveTextContent('batch b-9 is not running');
    expect(ipc.closeWindow).not.toHaveBeenCalled();
    await user.click(within(guard).getByRole('button', { name: 'Close now without waiting' }));
    expect(ipc.closeWindow).toHaveBeenCalledTimes(1);
    Object.assign(ipc, mockCommands());
  });

  it('stays quiet at launch when the journal cannot be read, and History says why', async () => {
    const ipc = vi.mocked(commands);
    ipc.profiles.mockResolvedValue([sandboxProfile]);
    ipc.history.mockRejectedValue({ code: 'io', message: 'cannot open the journal: permission denied' });
    await profilesChanged();
    const user = userEvent.setup();
    render(<App />);
    await vi.waitFor(() => expect(ipc.history.mock.calls.length).toBeGreaterThanOrEqual(2));
    await act(async () => {});
    // Neither "try the Sandbox" (maybe batches ran) nor "resume" (nothing is known to resume).
    expect(screen.queryByTestId('first-run')).toBeNull();
    expect(screen.queryByTestId('interrupted-notice')).toBeNull();
    await user.click(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('button', { name: 'History' }));
    const history = document.querySelector('[data-screen-panel="history"]') as HTMLElement;
    expect(await within(history).findByRole('alert')).toHaveTextContent('cannot open the journal: permission denied');
    Object.assign(ipc, mockCommands());
    await profilesChanged();
  });

  it('can be driven from the keyboard', async () => {
    const user = userEvent.setup();
    render(<App />);
    await user.tab();
    await user.tab();
    expect(screen.getByRole('button', { name: 'New batch' })).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('New batch');
  });
});
