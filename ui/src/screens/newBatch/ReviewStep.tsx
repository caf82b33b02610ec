import { useEffect, useRef, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import type {
  AppError,
  BatchFile,
  CheckItem,
  CheckStatus,
  DestinationKind,
  Destinations,
  Plan,
  Preflight,
} from '../../generated/bindings';
import { commands } from '../../platform/ipc';
import { useAction } from '../../state/useAsync';
import { ReviewSummary } from './ReviewSummary';

/** A field of an earlier step the batch cannot run with, and that step. */
export interface Blocker {
  text: string;
  step: 'invitation' | 'email';
}

const STEP_TITLES: Record<Blocker['step'], string> = { invitation: 'Invitation', email: 'Email' };

interface ReviewStepProps {
  profile: string | null;
  production: boolean;
  batch: BatchFile;
  /** The batch file this batch came from, if any: then where it sends things is shown and confirmed. */
  openedFrom: string | null;
  onName: (name: string | null) => void;
  onRun: (confirmedProduction: boolean) => void;
  /** Rows of the list left out (errors), and the way back to them. */
  leftOut: number;
  onShowPeople: () => void;
  /** Fields wrong or missing in an earlier step ("Result URL: …"): the run waits until they are fixed. */
  blockers: Blocker[];
  onShowStep: (step: Blocker['step']) => void;
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

/** What a preflight answer holds for: the profile, and the parts of the batch it looks at. */
interface Checked {
  basis: {
    profile: string | null;
    parts: readonly unknown[];
  };
  value: Preflight | AppError;
}

function checkBasis(profile: string | null, batch: BatchFile): Checked['basis'] {
  return { profile, parts: [batch.people, batch.invitation, batch.delivery, batch.template, batch.message] };
}

function sameBasis(a: Checked['basis'], b: Checked['basis']): boolean {
  return a.profile === b.profile && a.parts.length === b.parts.length && a.parts.every((part, i) => part === b.parts[i]);
}

function PreflightList({ preflight }: { preflight: Preflight }) {
  return (
    <ul className="checklist" data-testid="preflight" aria-label="Checks before the first write">
      {preflight.checks.map((c, i) => (
        // One item may have several rows (the message: its warnings, then whether it renders).
        <li key={`${c.item}-${i}`} className={`check check--${c.status}`} data-status={c.status}>
          <span aria-hidden="true">{CHECK_MARKS[c.status]}</span> <strong>{CHECK_NAMES[c.item]}</strong>: {c.detail}
        </li>
      ))}
    </ul>
  );
}

const DESTINATION_NAMES: Record<DestinationKind, string> = {
  tenant: 'Tenant',
  connection: 'Connection',
  mode: 'Invitation',
  mail_server: 'Mail server',
  from: 'From',
  reply_to: 'Reply-To',
  result_url: 'After the password',
  result_app: 'Application',
  hash_parameters: 'Link parameters',
  roles: 'Roles',
  metadata_keys: 'Metadata',
  outbox_folder: 'Outbox folder',
  links_file: 'Links file',
  remote_resource: 'Loads from the internet',
};

/** Where a batch from a file sends things; what differs from the profile is marked and explained. */
function DestinationList({ destinations, file }: { destinations: Destinations; file: string }) {
  return (
    <div className="panel" data-testid="destinations">
      <h3>Where {file} sends things</h3>
      <table className="table">
        <tbody>
          {destinations.items.map((d, i) => (
            <tr key={i} data-attention={d.attention} className={d.attention ? 'attention' : undefined}>
              <th scope="row">
                {d.attention && <span aria-label="differs">! </span>}
                {DESTINATION_NAMES[d.what]}
              </th>
              <td>
                <code>{d.value}</code>
                {d.profile_value && (
                  <div className="muted">
                    The profile's: <code>{d.profile_value}</code>
                  </div>
                )}
                {d.why && <div className="muted">{d.why}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function duration(secs: number): string {
  if (secs < 90) return `${Math.ceil(secs)} s`;
  if (secs < 5400) return `${Math.ceil(secs / 60)} min`;
  return `${(secs / 3600).toFixed(1)} h`;
}

export function ReviewStep({
  profile,
  production,
  batch,
  openedFrom,
  onName,
  onRun,
  leftOut,
  onShowPeople,
  blockers,
  onShowStep,
}: ReviewStepProps) {
  const [lookUp, setLookUp] = useState(false);
  // The answer and the confirmation hold for the profile and batch they were given for only: any
  // change asks again.
  type ForThis<T> = { profile: string; batch: BatchFile; value: T };
  const [answer, setAnswer] = useState<ForThis<Destinations | AppError> | null>(null);
  const [confirmed, setConfirmed] = useState<ForThis<true> | null>(null);
  useEffect(() => {
    if (!openedFrom || !profile) return;
    let current = true;
    commands.destinations(profile, batch).then(
      (value) => current && setAnswer({ profile, batch, value }),
      (value: AppError) => current && setAnswer({ profile, batch, value }),
    );
    return () => {
      current = false;
    };
  }, [openedFrom, profile, batch]);
  const forThis = <T,>(held: ForThis<T> | null): T | null =>
    held && held.profile === profile && held.batch === batch ? held.value : null;
  const answered = forThis(answer);
  const destinations = answered && 'items' in answered ? answered : null;
  const destinationsError = answered && 'code' in answered ? answered : null;
  const checkedDestinations = forThis(confirmed) === true;
  const setCheckedDestinations = (checked: boolean) =>
    setConfirmed(checked && profile ? { profile, batch, value: true } : null);
  const mustConfirm = Boolean(openedFrom) && (destinations === null || destinations.needs_confirmation);
  const [plan, setPlan] = useState<Plan | null>(null);
  // The estimate for the summary: the engine's plan without asking the tenant (no network), for
  // the batch as it is now.
  const [estimated, setEstimated] = useState<{ batch: BatchFile; plan: Plan } | null>(null);
  useEffect(() => {
    let current = true;
    commands.plan(null, batch).then(
      (made) => current && setEstimated({ batch, plan: made }),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [batch]);
  const [savedTo, setSavedTo] = useState<string | null>(null);
  // The production question holds for the profile it was asked about only.
  const [confirmingFor, setConfirmingFor] = useState<string | null>(null);
  const confirming = confirmingFor !== null && confirmingFor === profile;
  const setConfirming = (open: boolean) => setConfirmingFor(open ? profile : null);
  // The checks before the first write, for the profile and the batch they were made for (its name
  // aside). A batch made here is checked on entering Review (all read-only: a token, the tenant's
  // connection and roles, a hello to the mail server), and again if its people or settings change
  // meanwhile (a list read that lands late). A batch file is checked only when asked: until its
  // destinations are read and confirmed, nothing it names is contacted on its own.
  const [checked, setChecked] = useState<Checked | null>(null);
  const [checkingNow, setCheckingNow] = useState<Checked['basis'] | null>(null);
  // Only the newest request's answer is kept: an older one arriving late never replaces it.
  const newestCheck = useRef(0);
  const basis = checkBasis(profile, batch);
  const checksOnEntry = !openedFrom && profile !== null && blockers.length === 0 && batch.people.length > 0;
  const askedOnEntry = useRef<Checked['basis'] | null>(null);
  const askChecks = (forProfile: string, forBatch: BatchFile, onEnd?: () => void) => {
    const request = ++newestCheck.current;
    const forBasis = checkBasis(forProfile, forBatch);
    const keep = (value: Preflight | AppError) => {
      if (request === newestCheck.current) setChecked({ basis: forBasis, value });
    };
    return commands
      .preflight(forProfile, forBatch)
      .then(keep, keep)
      .finally(() => onEnd?.());
  };
  useEffect(() => {
    if (!checksOnEntry || profile === null) return;
    if (askedOnEntry.current && sameBasis(askedOnEntry.current, basis)) return;
    askedOnEntry.current = basis;
    void askChecks(profile, batch);
    // The basis's parts are what matter, not the batch object (a new one for each letter of its name).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [checksOnEntry, profile, batch.people, batch.invitation, batch.delivery, batch.template, batch.message]);
  const checks = checked && sameBasis(checked.basis, basis) ? checked.value : null;
  const checkNow = () => {
    if (profile === null) return;
    setCheckingNow(basis);
    void askChecks(profile, batch, () => setCheckingNow(null));
  };
  const checking =
    (checkingNow !== null && sameBasis(checkingNow, basis)) || (checksOnEntry && checks === null);
  const notChecked = openedFrom
    ? 'A batch file is checked when you ask: Check before running.'
    : blockers.length > 0
      ? 'Checked once the fields listed above are fixed.'
      : profile === null
        ? 'Choose the tenant profile to check it.'
        : 'Nobody on the list is ready yet: there is nothing to check for.';
  const makePlan = useAction(commands.plan);
  const save = useAction(commands.exportBatch);

  return (
    <div className="stack">
      <label>
        Batch name
        <input name="batch_name" value={batch.name ?? ''} onChange={(e) => onName(e.target.value || null)} />
      </label>
      {blockers.length > 0 && (
        <div className="notice--warning" role="alert" data-testid="review-blockers">
          <strong>Fix these first; the batch would not run as it is:</strong>
          <ul>
            {blockers.map((b) => (
              <li key={b.text}>
                {STEP_TITLES[b.step]}: {b.text}
              </li>
            ))}
          </ul>
          <div className="actions">
            {(['invitation', 'email'] as const)
              .filter((step) => blockers.some((b) => b.step === step))
              .map((step) => (
                <button key={step} type="button" onClick={() => onShowStep(step)}>
                  Go to {STEP_TITLES[step]}
                </button>
              ))}
          </div>
        </div>
      )}
      <ReviewSummary
        batch={batch}
        profile={profile}
        production={production}
        leftOut={leftOut}
        plan={estimated?.batch === batch ? estimated.plan : null}
        onShowPeople={onShowPeople}
      />
      <section className="review-checks" aria-labelledby="review-checks-title" data-testid="review-checks">
        <h3 id="review-checks-title">Checks before the first write</h3>
        {checking && (
          <p className="muted" role="status" data-testid="preflight-checking">
            Checking the tenant, the connection, the roles and the delivery…
          </p>
        )}
        {!checking && checks === null && <p className="muted">{notChecked}</p>}
        {checks && 'checks' in checks && <PreflightList preflight={checks} />}
        {checks && 'code' in checks && <ErrorNotice error={checks} />}
      </section>
      {openedFrom && !profile && <p className="muted">Choose the tenant profile to see where this batch file sends things.</p>}
      {destinationsError && <ErrorNotice error={destinationsError} />}
      {openedFrom && destinations && <DestinationList destinations={destinations} file={openedFrom} />}
      {openedFrom && destinations?.needs_confirmation && (
        <label className="inline">
          <input
            type="checkbox"
            name="destinations_checked"
            checked={checkedDestinations}
            onChange={(e) => setCheckedDestinations(e.target.checked)}
          />
          I have checked the lines marked ! (this file sends things elsewhere than the profile)
        </label>
      )}
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
        <button type="button" disabled={checking || profile === null} onClick={() => void checkNow()}>
          {checks === null ? 'Check before running' : 'Check again'}
        </button>
        <button
          type="button"
          disabled={save.busy || blockers.length > 0}
          onClick={async () => setSavedTo((await save.run(batch)) ?? null)}
        >
          Save batch file
        </button>
        <button
          type="button"
          className="primary"
          disabled={!profile || batch.people.length === 0 || blockers.length > 0 || (mustConfirm && !checkedDestinations)}
          onClick={() => (production ? setConfirming(true) : onRun(false))}
        >
          Run now
        </button>
      </div>
      {makePlan.error && <ErrorNotice error={makePlan.error} />}
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
            <button
              type="button"
              className="danger"
              disabled={mustConfirm && !checkedDestinations}
              onClick={() => onRun(true)}
            >
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
          <p data-testid="rate-estimate">
            {plan.rate.plan_detected
              ? `${plan.rate.plan} rate limits, as the tenant reports them: `
              : `${plan.rate.plan} rate limits assumed (no tenant was asked): `}
            {plan.rate.summary}
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
