import type { BatchFile, Plan } from '../../generated/bindings';

const MODE_WORDS: Record<BatchFile['invitation']['mode'], string> = {
  'password-change': 'an account each, and a link to choose a password',
  'email-verification': 'an account each, and a link to confirm the address',
  organization: 'an organization invitation each (Auth0 makes the account when it is accepted)',
};

const EXISTING_WORDS: Record<BatchFile['invitation']['existing'], string> = {
  skip: 'left alone (skipped)',
  reinvite: 'sent a new invitation',
  grant: 'given the roles and metadata, no invitation',
};

function lifetime(secs: number): string {
  const days = secs / 86_400;
  if (Number.isInteger(days)) return `${days} day${days === 1 ? '' : 's'}`;
  const hours = secs / 3600;
  return Number.isInteger(hours) ? `${hours} hour${hours === 1 ? '' : 's'}` : `${Math.round(secs / 60)} minutes`;
}

function deliveryWords(delivery: BatchFile['delivery']): string {
  switch (delivery.kind) {
    case 'smtp':
      return `sent through ${delivery.url} from ${delivery.from}`;
    case 'outbox':
      return `written as .eml files to ${delivery.dir}: nothing is sent, you send them from your mail program`;
    case 'export-links':
      return `each link written to ${delivery.file} (bearer secrets): nothing is sent`;
    case 'auth0':
      return 'sent by Auth0 itself';
  }
}

function estimate(secs: number): string {
  if (secs < 90) return `about ${Math.max(1, Math.ceil(secs))} s`;
  if (secs < 5400) return `about ${Math.ceil(secs / 60)} min`;
  return `about ${(secs / 3600).toFixed(1)} h`;
}

/** Everything the run will do, read before it starts. */
export function ReviewSummary({
  batch,
  profile,
  production,
  leftOut,
  plan,
  onShowPeople,
}: {
  batch: BatchFile;
  profile: string | null;
  production: boolean;
  /** Rows of the list left out (errors): not in the batch. */
  leftOut: number;
  plan: Plan | null;
  onShowPeople: () => void;
}) {
  const inv = batch.invitation;
  const personKeys = [...new Set(batch.people.flatMap((p) => Object.keys(p.app_metadata)))];
  const batchKeys = Object.keys(inv.app_metadata);
  const personRoles = [...new Set(batch.people.flatMap((p) => p.roles))];
  return (
    <dl className="facts" data-testid="review-summary" aria-label="What will happen">
      <dt>Tenant</dt>
      <dd>
        <strong>{profile ?? 'none chosen'}</strong>{' '}
        {production ? (
          <span className="badge badge--danger">Production: real people get real accounts</span>
        ) : (
          <span className="muted">not production</span>
        )}
      </dd>
      <dt>People</dt>
      <dd data-testid="review-people">
        {batch.people.length} {batch.people.length === 1 ? 'person' : 'people'}
        {leftOut > 0 && (
          <>
            {' '}
            · <span className="warn">{leftOut} row{leftOut === 1 ? '' : 's'} of the list left out</span>{' '}
            <button type="button" className="link" onClick={onShowPeople}>
              See why in People
            </button>
          </>
        )}
      </dd>
      <dt>Each gets</dt>
      <dd>{MODE_WORDS[inv.mode]}</dd>
      <dt>Link works for</dt>
      <dd>{lifetime(inv.ttl_secs)}</dd>
      <dt>After the link</dt>
      <dd>
        {inv.result_url ? (
          <code>{inv.result_url}</code>
        ) : inv.client_id ? (
          <>the application {inv.client_id}&apos;s login</>
        ) : (
          "Auth0's default page"
        )}
      </dd>
      <dt>Roles</dt>
      <dd>
        {inv.roles.length === 0 && personRoles.length === 0
          ? 'none'
          : [inv.roles.length > 0 ? `${inv.roles.join(', ')} for everyone` : null, personRoles.length > 0 ? `${personRoles.join(', ')} from the list` : null]
              .filter(Boolean)
              .join('; ')}
      </dd>
      <dt>app_metadata</dt>
      <dd>
        {batchKeys.length === 0 && personKeys.length === 0
          ? 'none'
          : [batchKeys.length > 0 ? `${batchKeys.join(', ')} for everyone` : null, personKeys.length > 0 ? `${personKeys.join(', ')} from the list` : null]
              .filter(Boolean)
              .join('; ')}
      </dd>
      <dt>Already in the tenant</dt>
      <dd>{EXISTING_WORDS[inv.existing]}</dd>
      <dt>Delivery</dt>
      <dd data-testid="review-delivery">{deliveryWords(batch.delivery)}</dd>
      <dt>Estimate</dt>
      <dd data-testid="review-estimate">
        {plan
          ? `${plan.api_calls} API calls, ${estimate(plan.estimated_secs)} at ${plan.rate.plan} rate limits`
          : 'working it out…'}
      </dd>
    </dl>
  );
}
