import { useEffect, useState } from 'react';
import type { BatchSummary } from '../generated/bindings';
import { FINAL_STATES } from '../generated/bindings';
import { commands } from '../platform/ipc';
import { useNavigate } from '../state/nav';
import { knownOf, runStore } from '../state/runStore';

/** When the app opens: the newest batch a closed window (or a crash) left unfinished, with Resume. */
export function InterruptedNotice() {
  const navigate = useNavigate();
  const [batch, setBatch] = useState<BatchSummary | null>(null);
  const [others, setOthers] = useState(0);
  useEffect(() => {
    // History marks a batch nobody runs any more `interrupted`; a journal that cannot be read says
    // so on its own screens.
    commands.history().then(
      (batches) => {
        const interrupted = batches.filter((b) => b.status === 'interrupted');
        setBatch(interrupted[0] ?? null);
        setOthers(Math.max(interrupted.length - 1, 0));
      },
      () => setBatch(null),
    );
  }, []);
  if (!batch) return null;
  const done = Object.entries(batch.counts)
    .filter(([state]) => FINAL_STATES.includes(state as never))
    .reduce((n, [, count]) => n + (count ?? 0), 0);
  return (
    <div className="panel due-notice" role="status" data-testid="interrupted-notice">
      <p>
        “{batch.name ?? 'Unnamed batch'}” stopped before the end: {done} of {batch.total} people are done. Resume
        finishes the rest, without inviting anyone twice.
        {others > 0 && ` ${others} other batch${others === 1 ? ' is' : 'es are'} in History.`}
      </p>
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={() => {
            void runStore.resume(
              batch.id,
              { failed: false, unconfirmed: false },
              knownOf(batch),
            );
            setBatch(null);
            navigate('run');
          }}
        >
          Resume
        </button>
        <button type="button" onClick={() => setBatch(null)}>
          Later
        </button>
      </div>
    </div>
  );
}
