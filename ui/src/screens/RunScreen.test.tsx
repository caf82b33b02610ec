import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeliveredAs, PersonResult, PersonState, RunEvent, RunSummary } from '../generated/bindings';
import { commands } from '../platform/ipc';
import { personChoice } from '../state/findPerson';
import { NavContext } from '../state/nav';
import { runStore } from '../state/runStore';
import { mockCommands } from '../test/ipcMock';
import { RunScreen } from './RunScreen';

vi.mock('../platform/ipc', async () => ({ commands: (await import('../test/ipcMock')).mockCommands() }));
const ipc = vi.mocked(commands);

const person = (line: number, state: string, error: string | null = null): RunEvent => ({
  event: 'person',
  batch_id: 'b-7',
  line,
  email: `p${line}@example.com`,
  state: state as never,
  user_id: state === 'failed' ? null : `auth0|${line}`,
  error_code: error ? 'conflict' : null,
  error_message: error,
});

/** A batch to start: its people's names are what the table shows beside the addresses. */
const batch = (id: string, name: string | null = null) =>
  ({
    id,
    name,
    people: [2, 3, 4].map((line) => ({ line, given_name: `Given${line}`, family_name: `Family${line}`, name: null })),
  }) as never;

const started = (id: string, total: number, deliveredAs: DeliveredAs = 'sent'): RunEvent => ({
  event: 'started',
  batch_id: id,
  name: null,
  total,
  creation: 'individual',
  resumed: false,
  delivered_as: deliveredAs,
});

const result = (line: number, state: PersonState, error: string | null = null): PersonResult => ({
  email: `p${line}@example.com`,
  status: state === 'delivered' ? 'invited' : 'failed',
  user_id: state === 'failed' ? null : `auth0|${line}`,
  error,
  error_code: error ? 'conflict' : null,
  line,
  state,
  link_expires_at: null,
  result: '',
  external_id: null,
  given_name: `Given${line}`,
  family_name: `Family${line}`,
  name: null,
});

// jsdom does no layout: give elements the size the table's scroller has in the app (420 px).
const sizes = ['offsetHeight', 'offsetWidth', 'clientHeight', 'clientWidth'] as const;
const saved = sizes.map((k) => Object.getOwnPropertyDescriptor(HTMLElement.prototype, k));
beforeAll(() => {
  for (const k of sizes) {
    Object.defineProperty(HTMLElement.prototype, k, { configurable: true, get: () => (k.endsWith('Height') ? 420 : 800) });
  }
});
afterAll(() => {
  sizes.forEach((k, i) => {
    const d = saved[i];
    if (d) Object.defineProperty(HTMLElement.prototype, k, d);
  });
});

describe('RunScreen', () => {
  let emit: (events: RunEvent[]) => void = () => {};
  let finish: (summary: RunSummary) => void = () => {};

  beforeEach(() => {
    Object.assign(ipc, mockCommands());
    ipc.startRun.mockImplementation((_p, _b, _c, onEvents) => {
      emit = onEvents;
      return new Promise<RunSummary>((resolve) => {
        finish = resolve;
      });
    });
  });

  it('says nothing is running before a run', () => {
    render(<RunScreen />);
    expect(screen.getByRole('heading', { name: 'Nothing is running' })).toBeInTheDocument();
  });

  it('streams progress, counts and rows; pauses, filters, finishes and exports', async () => {
    const user = userEvent.setup();
    const navigate = vi.fn();
    render(
      <NavContext.Provider value={navigate}>
        <RunScreen />
      </NavContext.Provider>,
    );
    await act(async () => {
      void runStore.start('Sandbox', batch('b-7', 'Wave 1: Sales'), false);
    });
    expect(screen.getByTestId('batch-name')).toHaveTextContent('Wave 1: Sales');
    // Before the engine names the batch, a pause or cancel would have nothing to act on.
    expect(screen.getByTestId('run-status')).toHaveTextContent('starting');
    expect(screen.getByRole('button', { name: 'Pause' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeDisabled();
    await act(async () => {
      emit([
        started('b-7', 3, 'written_to_outbox'),
        person(2, 'delivered'),
        person(3, 'failed', 'the user exists in another connection'),
        person(4, 'created'),
        {
          event: 'progress',
          batch_id: 'b-7',
          total: 3,
          done: 2,
          counts: { delivered: 1, failed: 1, created: 1 },
          people_per_sec: 4.5,
          eta_secs: 12,
          api_limit: 50,
          api_remaining: 41,
          api_requests: 9,
          rate_limited: 0,
          paused: false,
        },
      ]);
    });
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '2');
    expect(screen.getByTestId('progress-text')).toHaveTextContent('2 of 3 done (67%) · 4.5 people/s · ETA 12 s');
    // An outbox batch's delivered people were written, not sent.
    const chips = screen.getByLabelText('Counts by state');
    expect(chips).toHaveTextContent('written to outbox: 1');
    expect(chips).toHaveTextContent('failed: 1');
    expect(chips).toHaveTextContent('account created: 1');
    expect(chips).not.toHaveTextContent('delivered');
    expect(within(screen.getByRole('table', { name: 'People' })).getAllByRole('row')).toHaveLength(4);
    // Email and name first; a click opens the person's timeline in Find person.
    const first = within(screen.getByTestId('people-table')).getAllByRole('row')[0] as HTMLElement;
    const cells = within(first).getAllByRole('cell');
    expect(cells[0]).toHaveTextContent('p2@example.com');
    expect(cells[1]).toHaveTextContent('Given2 Family2');
    expect(cells[2]).toHaveTextContent('written to outbox');
    await user.click(first);
    expect(personChoice.getSnapshot()).toEqual({ email: 'p2@example.com', profile: 'Sandbox' });
    expect(navigate).toHaveBeenCalledWith('find-person');

    expect(screen.getByTestId('run-status')).toHaveTextContent('running');
    ipc.controlRun.mockResolvedValue(null);
    await user.click(screen.getByRole('button', { name: 'Pause' }));
    expect(ipc.controlRun).toHaveBeenCalledWith('b-7', 'pause');
    expect(screen.getByTestId('run-status')).toHaveTextContent('paused');
    await user.click(screen.getByRole('button', { name: 'Resume' }));
    expect(ipc.controlRun).toHaveBeenLastCalledWith('b-7', 'resume');
    // Cancel asks first: a slip of the mouse stops nothing.
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    const asked = screen.getByRole('alertdialog', { name: 'Stop this run?' });
    expect(asked).toHaveTextContent('Those not reached yet stay not started');
    await user.click(within(asked).getByRole('button', { name: 'Keep running' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(ipc.controlRun).toHaveBeenLastCalledWith('b-7', 'resume');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    await user.click(screen.getByRole('button', { name: 'Stop the run' }));
    expect(ipc.controlRun).toHaveBeenLastCalledWith('b-7', 'cancel');

    await user.selectOptions(screen.getByLabelText('Show'), 'failed');
    const rows = within(screen.getByTestId('people-table')).getAllByRole('row');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent('the user exists in another connection (conflict)');

    ipc.results.mockResolvedValue([
      result(2, 'delivered'),
      result(3, 'failed', 'the user exists'),
      result(4, 'delivered'),
    ]);
    await act(async () => {
      finish({
        batch_id: 'b-7',
        status: 'finished',
        outcomes: { invited: 2, failed: 1 },
        elapsed_secs: 3.2,
        links_file: null,
        outbox_dir: '/home/a/Invite Desk/outbox',
        not_finished: 0,
        stopped_by: null,
        delivered_as: 'written_to_outbox',
        delivery: null,
      });
    });
    expect(await screen.findByTestId('summary-counts')).toHaveTextContent('2 written to outbox, 1 failed in 3.2 s');
    expect(screen.getByTestId('delivered-where')).toHaveTextContent('Nothing was sent');
    expect(screen.getByTestId('outbox-dir')).toHaveTextContent('/home/a/Invite Desk/outbox');
    await user.click(screen.getByRole('button', { name: 'Open the outbox folder' }));
    expect(ipc.openDeliveryFolder).toHaveBeenCalledWith('b-7');
    // A folder that cannot be written: the engine's words, and no "saved" or Open folder.
    ipc.exportResults.mockRejectedValueOnce({ code: 'io', message: 'cannot write /media/cd/results-b-7.csv: read-only file system' });
    await user.click(screen.getByRole('button', { name: 'Export results' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('cannot write /media/cd/results-b-7.csv: read-only file system');
    expect(screen.queryByTestId('exported')).toBeNull();
    // Closing the dialog saves nothing and says nothing.
    ipc.exportResults.mockResolvedValueOnce(null);
    await user.click(screen.getByRole('button', { name: 'Export results' }));
    expect(screen.queryByTestId('exported')).toBeNull();
    ipc.exportResults.mockResolvedValue('/home/a/Downloads/results-b-7.csv');
    await user.click(screen.getByRole('button', { name: 'Export results' }));
    expect(await screen.findByTestId('exported')).toHaveTextContent('/home/a/Downloads/results-b-7.csv');
    expect(screen.queryByRole('alert')).toBeNull();
    await user.click(within(screen.getByTestId('exported')).getByRole('button', { name: 'Open folder' }));
    expect(ipc.openSavedFolder).toHaveBeenCalledWith('/home/a/Downloads/results-b-7.csv');

    ipc.resumeRun.mockReturnValue(new Promise(() => {}));
    await user.click(screen.getByRole('button', { name: 'Retry failed' }));
    expect(ipc.resumeRun).toHaveBeenCalledWith('b-7', { failed: true, unconfirmed: false }, expect.any(Function));
  });

  it("names people from the list's one name column when a past batch is opened", async () => {
    ipc.results.mockResolvedValue([{ ...result(2, 'delivered'), given_name: null, family_name: null, name: 'Ann Lee' }]);
    render(<RunScreen />);
    await act(async () => {
      await runStore.loadResults('b-4', true, { name: 'Wave 4', deliveredAs: 'sent', profile: 'Sandbox' });
    });
    const row = within(screen.getByTestId('people-table')).getAllByRole('row')[0] as HTMLElement;
    expect(within(row).getAllByRole('cell')[1]).toHaveTextContent('Ann Lee');
  });

  it("does not show an earlier batch's saved results on the next batch's screen", async () => {
    const user = userEvent.setup();
    render(<RunScreen />);
    const summary = (id: string): RunSummary => ({
      batch_id: id, status: 'finished', outcomes: { invited: 1 }, elapsed_secs: 1, links_file: null, outbox_dir: null, not_finished: 0, stopped_by: null, delivered_as: 'sent', delivery: null,
    });
    await act(async () => {
      void runStore.start('Sandbox', batch('b-1'), false);
    });
    await act(async () => {
      emit([started('b-1', 1)]);
      finish(summary('b-1'));
    });
    ipc.exportResults.mockResolvedValue('/home/a/Downloads/results-b-1.csv');
    await user.click(await screen.findByRole('button', { name: 'Export results' }));
    expect(await screen.findByTestId('exported')).toHaveTextContent('results-b-1.csv');
    await act(async () => {
      void runStore.start('Sandbox', batch('b-2'), false);
    });
    await act(async () => {
      emit([started('b-2', 1)]);
      finish(summary('b-2'));
    });
    expect(await screen.findByTestId('run-summary')).toBeInTheDocument();
    expect(screen.queryByTestId('exported')).toBeNull();
  });

  it('says when the run stopped itself, why, and offers Resume', async () => {
    const user = userEvent.setup();
    render(<RunScreen />);
    await act(async () => {
      void runStore.start('Sandbox', batch('b-9'), false);
    });
    ipc.results.mockResolvedValue([result(2, 'delivered'), result(3, 'pending'), result(4, 'ticketed')]);
    await act(async () => {
      finish({
        batch_id: 'b-9',
        status: 'interrupted',
        outcomes: { invited: 1 },
        not_finished: 2,
        elapsed_secs: 2,
        links_file: null, outbox_dir: null,
        stopped_by: { code: 'network', message: '127.0.0.1:2525 refused the connection' },
        delivered_as: 'sent',
        delivery: null,
      });
    });
    // Those the run never got to are not failed: not started, or halfway (a link issued).
    expect(await screen.findByTestId('summary-counts')).toHaveTextContent('1 not started, 1 link issued, 1 sent in 2.0 s');
    expect(screen.getByTestId('summary-counts')).not.toHaveTextContent('failed');
    expect(await screen.findByTestId('stopped-by')).toHaveTextContent(
      'The run stopped itself: several people in a row failed the same way (127.0.0.1:2525 refused the connection)',
    );
    ipc.resumeRun.mockReturnValue(new Promise(() => {}));
    await user.click(screen.getByRole('button', { name: 'Resume' }));
    expect(ipc.resumeRun).toHaveBeenCalledWith('b-9', { failed: false, unconfirmed: false }, expect.any(Function));
  });

  it('keeps a 100k-person run to a window of rendered rows', async () => {
    render(<RunScreen />);
    await act(async () => {
      void runStore.start('Sandbox', batch('b-8'), false);
    });
    const events: RunEvent[] = [];
    for (let line = 2; line < 100_002; line += 1) events.push(person(line, 'pending'));
    await act(async () => emit(events));
    const table = screen.getByRole('table', { name: 'People' });
    expect(table).toHaveAttribute('aria-rowcount', '100000');
    const rendered = within(screen.getByTestId('people-table')).getAllByRole('row').length;
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(60);
  });
});
