import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { EmptyState } from '../components/EmptyState';
import { ErrorNotice } from '../components/ErrorNotice';
import type { AppError, BatchSummary } from '../generated/bindings';
import { RESUMABLE_STATUSES } from '../generated/bindings';
import { commands } from '../platform/ipc';
import { useNavigate } from '../state/nav';
import { followUpChoice } from '../state/followUp';
import { knownOf, runStore } from '../state/runStore';
import { localTime } from '../format';
import { LocalTime } from '../components/LocalTime';
import { countsInWords } from '../words';

export function HistoryScreen() {
  const navigate = useNavigate();
  const [batches, setBatches] = useState<BatchSummary[] | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [exported, setExported] = useState<string | null>(null);

  const reload = useCallback(() => {
    commands.history().then(setBatches, setError);
  }, []);
  // A run that ends (or starts) changes the list.
  const run = useSyncExternalStore(runStore.subscribe, runStore.getSnapshot);
  useEffect(reload, [reload, run.running, run.summary]);

  if (batches && batches.length === 0) {
    return (
      <EmptyState title="No batches yet">
        <p>Batches that have run, or were interrupted, are listed here with their outcome.</p>
      </EmptyState>
    );
  }

  return (
    <section aria-label="History" className="stack">
      {error && <ErrorNotice error={error} />}
      {exported && (
        <p className="ok" data-testid="exported">
          Results saved to <code>{exported}</code>{' '}
          <button
            type="button"
            className="small"
            onClick={() => commands.openSavedFolder(exported).catch((reason: unknown) => setError(reason as AppError))}
          >
            Open folder
          </button>
        </p>
      )}
      <table className="table" aria-label="Batches">
        <thead>
          <tr>
            <th>Started</th>
            <th>Name</th>
            <th>Status</th>
            <th>People</th>
            <th>Outcome</th>
            <th>Follow-up</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {batches?.map((b) => (
            <tr key={b.id} data-batch={b.id}>
              <td>
                <LocalTime at={b.created_at} />
              </td>
              <td>
                {b.name ?? 'Unnamed batch'}
                <br />
                <code className="muted small-text">{b.id}</code>
              </td>
              <td>{b.status.replaceAll('_', ' ')}</td>
              <td>{b.total}</td>
              <td data-testid="outcome">{countsInWords(b.counts, b.delivered_as)}</td>
              <td data-testid="follow-up">
                {b.follow_up
                  ? `${b.follow_up.accepted} accepted (${b.follow_up.signed_in} signed in), ${b.follow_up.pending} pending, ${b.follow_up.expired} expired · checked ${localTime(b.follow_up.checked_at)}`
                  : '—'}
              </td>
              <td className="actions">
                <button
                  type="button"
                  className="small"
                  onClick={() => {
                    void runStore.loadResults(b.id, true, knownOf(b));
                    navigate('run');
                  }}
                >
                  Open
                </button>
                {RESUMABLE_STATUSES.includes(b.status) && (
                  <button
                    type="button"
                    className="small"
                    onClick={() => {
                      void runStore.resume(
                        b.id,
                        { failed: false, unconfirmed: false },
                        knownOf(b),
                      );
                      navigate('run');
                    }}
                  >
                    Resume
                  </button>
                )}
                {(b.counts.delivered ?? 0) + (b.counts.unconfirmed ?? 0) > 0 && (
                  <button
                    type="button"
                    className="small"
                    onClick={() => {
                      followUpChoice.choose(b.id);
                      navigate('follow-up');
                    }}
                  >
                    Follow up
                  </button>
                )}
                <button
                  type="button"
                  className="small"
                  onClick={async () => {
                    setError(null);
                    try {
                      const saved = await commands.exportResults(b.id);
                      if (saved) setExported(saved);
                    } catch (reason) {
                      setError(reason as AppError);
                    }
                  }}
                >
                  Export
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
