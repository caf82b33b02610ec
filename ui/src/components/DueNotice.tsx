import { useEffect, useState } from 'react';
import type { DueBatch } from '../generated/bindings';
import { commands } from '../platform/ipc';
import { followUpChoice } from '../state/followUp';
import { useNavigate } from '../state/nav';

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** When the app opens: what the batches' cadences have due ("4 reminders are due"), with the way there. */
export function DueNotice() {
  const navigate = useNavigate();
  const [due, setDue] = useState<DueBatch[]>([]);
  const [dismissed, setDismissed] = useState(false);
  useEffect(() => {
    // A journal that cannot be read says so on its own screens; this notice only offers work.
    commands.followUpDue().then(setDue, () => setDue([]));
  }, []);
  if (dismissed || due.length === 0) return null;
  const reminders = due.reduce((n, b) => n + b.due.reminders.length, 0);
  const reissues = due.reduce((n, b) => n + b.due.reissues.length, 0);
  const parts = [
    reminders > 0 ? count(reminders, 'reminder', 'reminders') : null,
    reissues > 0 ? count(reissues, 'new link', 'new links') : null,
  ].filter(Boolean);
  const first = due[0];
  return (
    <div className="panel due-notice" role="status" data-testid="due-notice">
      <p>
        {parts.join(' and ')} {reminders + reissues === 1 ? 'is' : 'are'} due
        {due.length === 1 && first ? ` in "${first.batch_name ?? first.batch_id}"` : ` in ${due.length} batches`}.
      </p>
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={() => {
            if (first) followUpChoice.choose(first.batch_id);
            setDismissed(true);
            navigate('follow-up');
          }}
        >
          Review
        </button>
        <button type="button" onClick={() => setDismissed(true)}>
          Later
        </button>
      </div>
    </div>
  );
}
