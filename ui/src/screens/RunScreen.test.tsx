import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent, RunSummary } from '../generated/bindings';
import { commands } from '../platform/ipc';
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
    render(<RunScreen />);
    await act(async () => {
      void runStore.start('Sandbox', { id: 'b-7' } as never, false);
    });
    await act(async () => {
      emit([
        { event: 'started', batch_id: 'b-7', total: 3, creation: 'individual', resumed: false },
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
    expect(screen.getByLabelText('Counts by state')).toHaveTextContent('failed: 1');
    expect(within(screen.getByRole('table', { name: 'People' })).getAllByRole('row')).toHaveLength(4);

    ipc.controlRun.mockResolvedValue(null);
    await user.click(screen.getByRole('button', { name: 'Pause' }));
    expect(ipc.controlRun).toHaveBeenCalledWith('b-7', 'pause');
    expect(screen.getByTestId('run-status')).toHaveTextContent('paused');
    await user.click(screen.getByRole('button', { name: 'Resume' }));
    expect(ipc.controlRun).toHaveBeenLastCalledWith('b-7', 'resume');
    // Cancel asks first: a slip of the mouse stops nothing.
    const confirm = vi.spyOn(window, 'confirm').mockReturnValueOnce(false);
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining('Stop this run?'));
    expect(ipc.controlRun).toHaveBeenLastCalledWith('b-7', 'resume');
    confirm.mockReturnValueOnce(true);
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(ipc.controlRun).toHaveBeenLastCalledWith('b-7', 'cancel');
    confirm.mockRestore();

    await user.selectOptions(screen.getByLabelText('Show'), 'failed');
    const rows = within(screen.getByTestId('people-table')).getAllByRole('row');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent('the user exists in another connection (conflict)');

    ipc.results.mockResolvedValue([
      { email: 'p2@example.com', status: 'invited', user_id: 'auth0|2', error: null, error_code: null, line: 2, state: 'delivered', link_expires_at: null },
      { email: 'p3@example.com', status: 'failed', user_id: null, error: 'the user exists', error_code: 'conflict', line: 3, state: 'failed', link_expires_at: null },
      { email: 'p4@example.com', status: 'invited', user_id: 'auth0|4', error: null, error_code: null, line: 4, state: 'delivered', link_expires_at: null },
    ]);
    await act(async () => {
      finish({ batch_id: 'b-7', status: 'finished', outcomes: { invited: 2, failed: 1 }, elapsed_secs: 3.2, links_file: null, not_finished: 0, stopped_by: null, delivery: null });
    });
    expect(await screen.findByTestId('run-summary')).toHaveTextContent('2 invited, 1 failed in 3.2 s');
    ipc.exportResults.mockResolvedValue('/home/a/Downloads/results-b-7.csv');
    await user.click(screen.getByRole('button', { name: 'Export results' }));
    expect(await screen.findByTestId('exported')).toHaveTextContent('/home/a/Downloads/results-b-7.csv');

    ipc.resumeRun.mockReturnValue(new Promise(() => {}));
    await user.click(screen.getByRole('button', { name: 'Retry failed' }));
    expect(ipc.resumeRun).toHaveBeenCalledWith('b-7', { failed: true, unconfirmed: false }, expect.any(Function));
  });

  it("does not show an earlier batch's saved results on the next batch's screen", async () => {
    const user = userEvent.setup();
    render(<RunScreen />);
    const summary = (id: string): RunSummary => ({
      batch_id: id, status: 'finished', outcomes: { invited: 1 }, elapsed_secs: 1, links_file: null, not_finished: 0, stopped_by: null, delivery: null,
    });
    await act(async () => {
      void runStore.start('Sandbox', { id: 'b-1' } as never, false);
    });
    await act(async () => {
      emit([{ event: 'started', batch_id: 'b-1', total: 1, creation: 'individual', resumed: false }]);
      finish(summary('b-1'));
    });
    ipc.exportResults.mockResolvedValue('/home/a/Downloads/results-b-1.csv');
    await user.click(await screen.findByRole('button', { name: 'Export results' }));
    expect(await screen.findByTestId('exported')).toHaveTextContent('results-b-1.csv');
    await act(async () => {
      void runStore.start('Sandbox', { id: 'b-2' } as never, false);
    });
    await act(async () => {
      emit([{ event: 'started', batch_id: 'b-2', total: 1, creation: 'individual', resumed: false }]);
      finish(summary('b-2'));
    });
    expect(await screen.findByTestId('run-summary')).toBeInTheDocument();
    expect(screen.queryByTestId('exported')).toBeNull();
  });

  it('says when the run stopped itself, why, and offers Resume', async () => {
    const user = userEvent.setup();
    render(<RunScreen />);
    await act(async () => {
      void runStore.start('Sandbox', { id: 'b-9' } as never, false);
    });
    ipc.results.mockResolvedValue([]);
    await act(async () => {
      finish({
        batch_id: 'b-9',
        status: 'interrupted',
        outcomes: { invited: 5 },
        not_finished: 7,
        elapsed_secs: 2,
        links_file: null,
        stopped_by: { code: 'network', message: '127.0.0.1:2525 refused the connection' },
        delivery: null,
      });
    });
    // Those the run never got to are not failed.
    expect(screen.getByTestId('run-summary')).toHaveTextContent('5 invited, 7 not finished in 2.0 s');
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
      void runStore.start('Sandbox', { id: 'b-8' } as never, false);
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
