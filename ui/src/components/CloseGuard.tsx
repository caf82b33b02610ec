import { useEffect, useState } from 'react';
import type { AppError } from '../generated/bindings';
import { commands } from '../platform/ipc';
import { ErrorNotice } from './ErrorNotice';

/** How often the window asks whether the stopped run has ended. */
const POLL_MS = 250;

/**
 * Asked when the window is closed while a batch runs (the close is held in Rust). There is no tray
 * to keep running in, so the choice is to stop safely (the steps under way finish and are
 * recorded; Resume continues later) and close, or to keep the window and the run. The batch is
 * the one Rust names, whichever screen started it (a run, a follow-up wave, a resend).
 */
export function CloseGuard() {
  const [asked, setAsked] = useState<string | null>(null);
  const [closing, setClosing] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  useEffect(() => {
    commands.closeRequests((batchId) => setAsked(batchId)).catch(setError);
  }, []);

  // Once the stopped run has ended (its steps under way recorded), the window closes.
  useEffect(() => {
    if (!closing) return;
    let live = true;
    const timer = setInterval(() => {
      commands.activeRun().then(
        (running) => {
          if (live && running === null) {
            live = false;
            clearInterval(timer);
            commands.closeWindow().catch(setError);
          }
        },
        (reason: AppError) => setError(reason),
      );
    }, POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [closing]);

  if (!asked) return error ? <ErrorNotice error={error} /> : null;
  return (
    <div className="modal" role="alertdialog" aria-modal="true" aria-labelledby="close-guard-title" data-testid="close-guard">
      <div className="panel modal__body">
        <h2 id="close-guard-title">A batch is still running</h2>
        {closing ? (
          <>
            <p aria-busy="true">Stopping safely: the steps under way finish and are recorded, then the window closes…</p>
            <div className="actions">
              {/* Never a window that cannot close: quitting now leaves the steps under way to the
                  next resume, which finds out what happened before doing anything again. */}
              <button type="button" onClick={() => commands.closeWindow().catch(setError)}>
                Close now without waiting
              </button>
            </div>
          </>
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
                  commands.controlRun(asked, 'interrupt').catch(setError);
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
