import { useEffect, useState } from 'react';
import { commands } from '../platform/ipc';
import { useNavigate } from '../state/nav';
import { useProfiles } from '../state/profiles';
import { SAMPLE_LIST, sampleChoice } from '../state/sample';

/**
 * The first thing a new admin sees: what the Sandbox is, and a batch tried on it in three steps
 * with a sample list. Shown until a batch has run or a tenant of their own is added.
 */
export function FirstRunCard() {
  const navigate = useNavigate();
  const { profiles } = useProfiles();
  const [ranBefore, setRanBefore] = useState<boolean | null>(null);
  const [dismissed, setDismissed] = useState(false);
  useEffect(() => {
    commands.history().then(
      (batches) => setRanBefore(batches.length > 0),
      () => setRanBefore(true),
    );
  }, []);
  const onlySandbox = profiles.length > 0 && profiles.every((p) => p.builtin);
  if (dismissed || ranBefore !== false || !onlySandbox) return null;
  return (
    <section className="panel first-run" aria-labelledby="first-run-title" data-testid="first-run">
      <h2 id="first-run-title">Try a batch on the Sandbox first</h2>
      <p>
        The <strong>Sandbox</strong> is a simulated Auth0 tenant inside Invite Desk: it answers as a real tenant does
        (its limits and delays included), but no real account is made and no mail leaves this computer. Its messages
        are written to an outbox folder you can open.
      </p>
      <ol>
        <li>Open the sample list (five people, as an HR export saves them) in New batch.</li>
        <li>Look at the columns, the invitation and each person&apos;s email in their language.</li>
        <li>Run it on the Sandbox, then open the outbox and History to see what happened.</li>
      </ol>
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={() => {
            sampleChoice.choose(SAMPLE_LIST);
            navigate('new-batch');
          }}
        >
          Try it with the sample list
        </button>
        <button type="button" onClick={() => setDismissed(true)}>
          Not now
        </button>
      </div>
    </section>
  );
}
