import { useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { BatchFile, CheckItem, CheckStatus, Plan, Preflight } from '../../generated/bindings';
import { commands } from '../../platform/ipc';
import { useAction } from '../../state/useAsync';

interface ReviewStepProps {
  profile: string | null;
  production: boolean;
  batch: BatchFile;
  onName: (name: string | null) => void;
  onRun: (confirmedProduction: boolean) => void;
}

const CHECK_NAMES: Record<CheckItem, string> = {
  credentials: 'Tenant credentials',
  scopes: 'Scopes',
  connection: 'Connection',
  roles: 'Roles',
  organization: 'Organization',
  delivery: 'Delivery',
  signing_key: 'Signing key',
  template: 'Message',
};

const CHECK_MARKS: Record<CheckStatus, string> = { passed: '✓', warning: '!', failed: '✗', skipped: '–' };

function PreflightList({ preflight }: { preflight: Preflight }) {
  return (
    <ul className="checklist" data-testid="preflight" aria-label="Checks before the first write">
      {preflight.checks.map((c) => (
        <li key={c.item} className={`check check--${c.status}`} data-status={c.status}>
          <span aria-hidden="true">{CHECK_MARKS[c.status]}</span> <strong>{CHECK_NAMES[c.item]}</strong>: {c.detail}
        </li>
      ))}
    </ul>
  );
}

function duration(secs: number): string {
  if (secs < 90) return `${Math.ceil(secs)} s`;
  if (secs < 5400) return `${Math.ceil(secs / 60)} min`;
  return `${(secs / 3600).toFixed(1)} h`;
}

export function ReviewStep({ profile, production, batch, onName, onRun }: ReviewStepProps) {
  const [lookUp, setLookUp] = useState(false);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [savedTo, setSavedTo] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [checks, setChecks] = useState<Preflight | null>(null);
  const makePlan = useAction(commands.plan);
  const check = useAction(commands.preflight);
  const save = useAction(commands.exportBatch);

  return (
    <div className="stack">
      <label>
        Batch name
        <input name="batch_name" value={batch.name ?? ''} onChange={(e) => onName(e.target.value || null)} />
      </label>
      <p>
        {batch.people.length} people · tenant profile <strong>{profile ?? 'none'}</strong>
        {production && <span className="badge badge--danger">Production</span>}
      </p>
      <label className="inline">
        <input type="checkbox" checked={lookUp} onChange={(e) => setLookUp(e.target.checked)} />
        Look everyone up in the tenant first (read-only; says who already has an account)
      </label>
      <div className="actions">
        <button
          type="button"
          disabled={makePlan.busy}
          onClick={async () => setPlan((await makePlan.run(lookUp ? profile : null, batch)) ?? null)}
        >
          Dry run
        </button>
        <button
          type="button"
          disabled={check.busy}
          onClick={async () => setChecks((await check.run(profile, batch)) ?? null)}
        >
          Check before running
        </button>
        <button
          type="button"
          disabled={save.busy}
          onClick={async () => setSavedTo((await save.run(batch)) ?? null)}
        >
          Save batch file
        </button>
        <button
          type="button"
          className="primary"
          disabled={!profile || batch.people.length === 0}
          onClick={() => (production ? setConfirming(true) : onRun(false))}
        >
          Run now
        </button>
      </div>
      {makePlan.error && <ErrorNotice error={makePlan.error} />}
      {check.error && <ErrorNotice error={check.error} />}
      {checks && <PreflightList preflight={checks} />}
      {save.error && <ErrorNotice error={save.error} />}
      {savedTo && (
        <p className="ok" data-testid="saved-batch">
          Saved to <code>{savedTo}</code>
        </p>
      )}
      {confirming && (
        <div role="alertdialog" aria-labelledby="confirm-title" className="panel confirm">
          <h3 id="confirm-title">Run against the production tenant?</h3>
          <p>
            {batch.people.length} people in <strong>{profile}</strong> will get accounts and invitations.
          </p>
          <div className="actions">
            <button type="button" className="danger" onClick={() => onRun(true)}>
              Yes, run against production
            </button>
            <button type="button" autoFocus onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {plan && (
        <div data-testid="plan">
          <p>
            {plan.to_create} to create, {plan.existing} already there ({plan.skipped} skipped), {plan.messages}{' '}
            invitations, {plan.api_calls} API calls, about {duration(plan.estimated_secs)}.
          </p>
          <table className="table">
            <thead>
              <tr>
                <th>Line</th>
                <th>Email</th>
                <th>Steps</th>
              </tr>
            </thead>
            <tbody>
              {plan.people.slice(0, 200).map((p) => (
                <tr key={p.line}>
                  <td>{p.line}</td>
                  <td>{p.email}</td>
                  <td>{p.steps.join(' → ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {plan.people.length > 200 && <p className="muted">…and {plan.people.length - 200} more.</p>}
        </div>
      )}
    </div>
  );
}
