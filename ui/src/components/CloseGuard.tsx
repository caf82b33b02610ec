import { useEffect, useState, useSyncExternalStore } from 'react';
import type { AppError } from '../generated/bindings';
import { commands } from '../platform/ipc';
import { runStore } from '../state/runStore';
import { ErrorNotice } from './ErrorNotice';

/**
 * Asked when the window is closed while a batch runs (the close is held in Rust). There is no tray
 * to keep running in, so the choice is to stop safely (the steps under way finish and are
 * recorded; Resume continues later) and close, or to keep the window and the run.
 */
export function CloseGuard() {
  const [asked, setAsked] = useState<string | null>(null);
  const [closing, setClosing] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const run = useSyncExternalStore(runStore.subscribe, runStore.getSnapshot);

  useEffect(() => {
    commands.closeRequests((batchId) => setAsked(batchId)).catch(setError);
  }, []);

  // Once the stopped run has ended (its steps under way recorded), the window closes.
  useEffect(() => {
    if (closing && !run.running) {
      commands.closeWindow().catch(setError);
    }
  }, [closing, run.running]);

  if (!asked) return error ? <ErrorNotice error={error} /> : null;
  return (
    <div className="modal" role="alertdialog" aria-modal="true" aria-labelledby="close-guard-title" data-testid="close-guard">
      <div className="panel modal__body">
        <h2 id="close-guard-title">A batch is still running</h2>
        {closing ? (
          <p aria-busy="true">Stopping safely: the steps under way finish and are recorded, then the window closes…</p>
        ) : (
          <>
            <p>
              Closing now would leave the people under way halfway. Stop safely and close: the steps under way finish and
              are recorded, and the next time Invite Desk opens it offers to resume the batch, without inviting anyone
              twice.
            </p>
            <div className="actions">
              <button
                type="button"
                className="danger"
                onClick={() => {
                  setClosing(true);
                  // Left `interrupted`, not cancelled: the next launch offers to resume it.
                  void runStore.control('interrupt');
                }}
              >
                Stop safely and close
              </button>
              <button type="button" className="primary" onClick={() => setAsked(null)}>
                Keep running
              </button>
            </div>
          </>
        )}
        {error && <ErrorNotice error={error} />}
      </div>
    </div>
  );
}
