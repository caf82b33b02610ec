import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { EmptyState } from '../components/EmptyState';
import { ErrorNotice } from '../components/ErrorNotice';
import type { AppError, DeliveredAs, PersonState, RetryChoice } from '../generated/bindings';
import { FINAL_STATES } from '../generated/bindings';
import { commands } from '../platform/ipc';
import { personChoice } from '../state/findPerson';
import { followUpChoice } from '../state/followUp';
import { useNavigate } from '../state/nav';
import { type KnownBatch, type PersonRow, runStore } from '../state/runStore';
import { countsInWords, stateWords } from '../words';

type Filter = 'all' | 'failed' | 'working' | 'done';


function matches(row: PersonRow, filter: Filter, search: string): boolean {
  if (search && !row.email.toLowerCase().includes(search) && !row.name.toLowerCase().includes(search)) return false;
  switch (filter) {
    case 'all':
      return true;
    case 'failed':
      return row.state === 'failed' || row.state === 'unconfirmed';
    case 'working':
      return !FINAL_STATES.includes(row.state);
    case 'done':
      return FINAL_STATES.includes(row.state) && row.state !== 'failed';
  }
}

function eta(secs: number | null): string {
  if (secs === null) return '—';
  if (secs < 90) return `${Math.ceil(secs)} s`;
  return `${Math.ceil(secs / 60)} min`;
}

const ROW_HEIGHT = 32;

/** What the run did with the messages, and where they are: only `sent` left the machine. */
function deliveredWhere(deliveredAs: DeliveredAs | null): string | null {
  switch (deliveredAs) {
    case 'sent':
      return 'Each message counted as sent was accepted by the mail server.';
    case 'written_to_outbox':
      return 'Nothing was sent: each message is an .eml file in the outbox folder, for you to send from your mail program.';
    case 'link_exported':
      return 'Nothing was sent: each link is in the link export, for you to hand over.';
    case 'sent_by_auth0':
      return 'Auth0 sends each organization invitation itself.';
    default:
      return null;
  }
}

function PeopleTable({
  rows,
  deliveredAs,
  onOpen,
}: {
  rows: readonly PersonRow[];
  deliveredAs: DeliveredAs | null;
  onOpen: (row: PersonRow) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  // The virtualizer is mutable by design; this component re-renders on every run update anyway.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 800, height: 480 },
  });
  return (
    <div className="vtable" role="table" aria-label="People" aria-rowcount={rows.length}>
      <div className="vtable__head" role="row">
        <span role="columnheader">Email</span>
        <span role="columnheader">Name</span>
        <span role="columnheader">Result</span>
        <span role="columnheader">Problem / user id</span>
        <span role="columnheader">Line</span>
      </div>
      <div ref={scroller} className="vtable__body" data-testid="people-table">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <div
                key={row.line}
                role="row"
                tabIndex={0}
                aria-rowindex={item.index + 1}
                aria-label={`${row.email}: ${stateWords(row.state, deliveredAs)}. Open their timeline`}
                data-state={row.state}
                className={`vtable__row vtable__row--link state-${row.state}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => onOpen(row)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') onOpen(row);
                }}
              >
                <span role="cell" title={row.email}>
                  {row.email}
                </span>
                <span role="cell" title={row.name}>
                  {row.name}
                </span>
                <span role="cell" className="state">
                  {stateWords(row.state, deliveredAs)}
                </span>
                <span
                  role="cell"
                  title={row.error_message ? `${row.error_message} (${row.error_code ?? 'error'})` : (row.user_id ?? undefined)}
                >
                  {row.error_message ? `${row.error_message} (${row.error_code ?? 'error'})` : (row.user_id ?? '')}
                </span>
                <span role="cell">{row.line}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

export function RunScreen() {
  const navigate = useNavigate();
  const run = useSyncExternalStore(runStore.subscribe, runStore.getSnapshot);
  const [filter, setFilter] = useState<Filter>('all');
  const [search, setSearch] = useState('');
  // An export's answer belongs to the batch it was for: the next batch's screen does not show it.
  const [exportAnswer, setExportAnswer] = useState<{
    batchId: string;
    saved: string | null;
    error: AppError | null;
  } | null>(null);
  const [folderError, setFolderError] = useState<AppError | null>(null);
  // Cancel asks first, in the window (a slip of the mouse stops nothing), for the batch it was for.
  const [confirmingCancel, setConfirmingCancel] = useState<string | null>(null);
  const forThisBatch = exportAnswer && exportAnswer.batchId === run.batchId ? exportAnswer : null;
  const exported = forThisBatch?.saved ?? null;
  const exportError = forThisBatch?.error ?? null;
  const [resendUnconfirmed, setResendUnconfirmed] = useState(false);
  const rows = useMemo(
    () => run.rows.filter((r) => matches(r, filter, search.trim().toLowerCase())),
    [run.rows, filter, search],
  );

  if (!run.batchId && !run.running) {
    return (
      <EmptyState title="Nothing is running">
        <p>When a batch runs, its progress and each person&apos;s result appear here. Start one from New batch.</p>
      </EmptyState>
    );
  }

  const p = run.progress;
  const done = p?.done ?? run.rows.filter((r) => FINAL_STATES.includes(r.state)).length;
  const total = run.total || run.rows.length;
  const percent = total > 0 ? Math.round((done / total) * 100) : 0;
  const counts = p?.counts ?? countStates(run.rows);
  const failedCount = counts.failed ?? 0;
  const unconfirmedCount = counts.unconfirmed ?? 0;
  const openFolder = (open: () => Promise<unknown>) => {
    setFolderError(null);
    open().catch((reason: unknown) => setFolderError(reason as AppError));
  };
  // What a resume from here already knows of the batch, said from its first row.
  const knownRun: KnownBatch = { name: run.name, deliveredAs: run.deliveredAs, profile: run.profile };
  const openTimeline = (row: PersonRow) => {
    personChoice.choose({ email: row.email, profile: run.profile });
    navigate('find-person');
  };

  return (
    <section aria-label="Run" className="stack run">
      <p className="run__title">
        <strong data-testid="batch-name">{run.name ?? 'Unnamed batch'}</strong>{' '}
        <code className="muted" data-testid="batch-id">
          {run.batchId ?? 'starting…'}
        </code>{' '}
        <span data-testid="run-status">
          {run.running
            ? !run.started
              ? 'starting'
              : run.paused
                ? 'paused'
                : 'running'
            : (run.summary?.status ?? 'finished')}
        </span>
      </p>
      <div
        className="progress"
        role="progressbar"
        aria-label="People done"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
      >
        <div className="progress__bar" style={{ width: `${percent}%` }} />
      </div>
      <p data-testid="progress-text">
        {done} of {total} done ({percent}%) · {p ? `${p.people_per_sec.toFixed(1)} people/s` : ''} · ETA{' '}
        {eta(p?.eta_secs ?? null)}
      </p>
      {p?.api_limit != null && (
        <div className="gauge" aria-label="Rate limit">
          <span>API rate limit</span>
          <meter min={0} max={p.api_limit} value={p.api_remaining ?? p.api_limit} />
          <span>
            {p.api_remaining ?? '?'} of {p.api_limit} left · {p.api_requests} requests
            {p.rate_limited > 0 && <> · {p.rate_limited} throttled</>}
          </span>
        </div>
      )}
      <ul className="chips" aria-label="Counts by state">
        {(Object.entries(counts) as [PersonState, number][]).map(([state, n]) => (
          <li key={state} className={`chip state-${state}`} data-count={state}>
            {stateWords(state, run.deliveredAs)}: {n}
          </li>
        ))}
      </ul>
      {run.running && (
        // Until the engine has taken the run up (its tenant reached, the batch locked) there is
        // nothing to pause or cancel: a click then would be refused, so the buttons wait.
        <div className="actions">
          {/* One button of one width: Cancel beside it does not move when it turns to Resume (a
              click aimed at Cancel as the run paused landed on Resume). */}
          {run.paused ? (
            <button type="button" className="run__toggle" onClick={() => runStore.control('resume')}>
              Resume
            </button>
          ) : (
            <button type="button" className="run__toggle" disabled={!run.started} onClick={() => runStore.control('pause')}>
              Pause
            </button>
          )}
          <button
            type="button"
            className="danger"
            disabled={!run.started}
            onClick={() => setConfirmingCancel(run.batchId)}
          >
            Cancel
          </button>
        </div>
      )}
      {run.running && confirmingCancel !== null && confirmingCancel === run.batchId && (
        <div role="alertdialog" aria-labelledby="cancel-title" className="panel confirm" data-testid="cancel-confirm">
          <h3 id="cancel-title">Stop this run?</h3>
          <p>
            The steps under way finish and are recorded; nobody is left half-done. Those not reached yet stay not
            started, and Resume continues the batch later without inviting anyone twice.
          </p>
          <div className="actions">
            <button
              type="button"
              className="danger"
              onClick={() => {
                setConfirmingCancel(null);
                void runStore.control('cancel');
              }}
            >
              Stop the run
            </button>
            <button type="button" autoFocus onClick={() => setConfirmingCancel(null)}>
              Keep running
            </button>
          </div>
        </div>
      )}
      {run.error && <ErrorNotice error={run.error} />}
      {run.summary && (
        <div className="panel" data-testid="run-summary" aria-live="polite">
          <h2>{run.summary.status === 'finished' ? 'Finished' : 'Stopped before the end'}</h2>
          <p data-testid="summary-counts">
            {countsInWords(countStates(run.rows), run.summary.delivered_as)} in {run.summary.elapsed_secs.toFixed(1)} s
          </p>
          {(counts.delivered ?? 0) > 0 && deliveredWhere(run.summary.delivered_as) && (
            <p data-testid="delivered-where">
              {deliveredWhere(run.summary.delivered_as)}{' '}
              {run.summary.outbox_dir && (
                <>
                  <code data-testid="outbox-dir">{run.summary.outbox_dir}</code>{' '}
                </>
              )}
              {run.summary.delivered_as === 'written_to_outbox' && (
                <button
                  type="button"
                  className="small"
                  onClick={() => openFolder(() => commands.openDeliveryFolder(run.summary?.batch_id ?? ''))}
                >
                  Open the outbox folder
                </button>
              )}
            </p>
          )}
          {run.summary.stopped_by && (
            <p className="warn" data-testid="stopped-by">
              The run stopped itself: several people in a row failed the same way ({run.summary.stopped_by.message}).
              No one new was started. Fix the cause, then Resume.
            </p>
          )}
          {run.summary.links_file && (
            <p>
              Links written to <code>{run.summary.links_file}</code> (bearer secrets: share each only with its owner){' '}
              <button
                type="button"
                className="small"
                onClick={() => openFolder(() => commands.openDeliveryFolder(run.summary?.batch_id ?? ''))}
              >
                Open folder
              </button>
            </p>
          )}
          {(run.summary.outcomes.invited ?? 0) > 0 && (
            <button
              type="button"
              onClick={() => {
                followUpChoice.choose(run.summary?.batch_id ?? null);
                navigate('follow-up');
              }}
            >
              Follow up: who accepted
            </button>
          )}
        </div>
      )}
      {!run.running && run.batchId && (
        <div className="actions">
          <button
            type="button"
            onClick={async () => {
              const batchId = run.batchId ?? '';
              setExportAnswer(null);
              try {
                setExportAnswer({ batchId, saved: await commands.exportResults(batchId), error: null });
              } catch (reason) {
                setExportAnswer({ batchId, saved: null, error: reason as AppError });
              }
            }}
          >
            Export results
          </button>
          {unconfirmedCount > 0 && (
            <label>
              <input
                type="checkbox"
                name="resend-unconfirmed"
                checked={resendUnconfirmed}
                onChange={(e) => setResendUnconfirmed(e.target.checked)}
              />
              Also send new links to the {unconfirmedCount} whose invitation may have been sent
            </label>
          )}
          {(failedCount > 0 || (unconfirmedCount > 0 && resendUnconfirmed)) && (
            <button
              type="button"
              onClick={() =>
                runStore.resume(
                  run.batchId ?? '',
                  { failed: failedCount > 0, unconfirmed: resendUnconfirmed },
                  knownRun,
                )
              }
            >
              {failedCount > 0 ? 'Retry failed' : 'Send new links'}
            </button>
          )}
          {(run.summary?.status === 'cancelled' || run.summary?.status === 'interrupted') && (
            <button
              type="button"
              onClick={() =>
                runStore.resume(run.batchId ?? '', NOTHING_AGAIN, knownRun)
              }
            >
              Resume
            </button>
          )}
        </div>
      )}
      {exported && (
        <p className="ok" data-testid="exported">
          Results saved to <code>{exported}</code>{' '}
          <button type="button" className="small" onClick={() => openFolder(() => commands.openSavedFolder(exported))}>
            Open folder
          </button>
        </p>
      )}
      {exportError && <ErrorNotice error={exportError} />}
      {folderError && <ErrorNotice error={folderError} />}
      <div className="toolbar">
        <label>
          Show
          <select name="filter" value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
            <option value="all">Everyone</option>
            <option value="failed">Failed or unconfirmed</option>
            <option value="working">In progress</option>
            <option value="done">Done</option>
          </select>
        </label>
        <label>
          Find
          <input type="search" name="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        <span className="muted">{rows.length} shown</span>
      </div>
      <PeopleTable rows={rows} deliveredAs={run.deliveredAs} onOpen={openTimeline} />
    </section>
  );
}

/** A plain resume: only the people the batch had not finished. */
const NOTHING_AGAIN: RetryChoice = { failed: false, unconfirmed: false };

function countStates(rows: readonly PersonRow[]): Partial<Record<PersonState, number>> {
  const out: Partial<Record<PersonState, number>> = {};
  for (const r of rows) out[r.state] = (out[r.state] ?? 0) + 1;
  return out;
}
