import { useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { ExistingPolicy, InvitationSettings, InviteMode, TenantReport } from '../../generated/bindings';
import { commands } from '../../platform/ipc';
import { useAction } from '../../state/useAsync';
import {
  type FieldProblem,
  type RawFields,
  fieldProblems,
  maxDays,
  metadataFromText,
  resultUrlProblem,
  ttlFromDays,
} from './invitationFields';

interface InvitationStepProps {
  profile: string | null;
  invitation: InvitationSettings;
  onChange: (invitation: InvitationSettings) => void;
  /** The fields as typed (kept by the wizard, so a wrong value survives leaving the step). */
  raw: RawFields;
  onRaw: (raw: RawFields) => void;
}

const DAY = 86400;

/** A field's problem in plain words beside it, the engine's wording in a details line. */
function Problem({ id, problem }: { id: string; problem: FieldProblem | undefined }) {
  if (!problem) return null;
  return (
    <div className="field-problem" id={id} role="alert">
      <span className="warn">{problem.message}</span>
      <details>
        <summary>Details</summary>
        <code>{problem.detail}</code>
      </details>
    </div>
  );
}

export function InvitationStep({ profile, invitation, onChange, raw, onRaw }: InvitationStepProps) {
  const [tenant, setTenant] = useState<TenantReport | null>(null);
  const organization = invitation.mode === 'organization';
  const problems = fieldProblems(raw, organization);
  const metadataText = raw.metadata ?? JSON.stringify(invitation.app_metadata, null, 2);
  const load = useAction(commands.checkTenant);
  const set = <K extends keyof InvitationSettings>(key: K, value: InvitationSettings[K]) =>
    onChange({ ...invitation, [key]: value });

  const loadTenant = async () => {
    if (!profile) return;
    const report = await load.run(profile);
    if (report) setTenant(report);
  };

  const toggleRole = (name: string) =>
    set(
      'roles',
      invitation.roles.includes(name) ? invitation.roles.filter((r) => r !== name) : [...invitation.roles, name],
    );

  return (
    <div className="form">
      <fieldset>
        <legend>How people are invited</legend>
        {(
          [
            ['password-change', 'Create the account and send a set-your-password link (recommended)'],
            ['email-verification', 'Create the account and send an activate-your-account link'],
            ['organization', 'Organization invitation (the account is created when they accept)'],
          ] as [InviteMode, string][]
        ).map(([mode, label]) => (
          <label key={mode} className="inline">
            <input type="radio" name="mode" checked={invitation.mode === mode} onChange={() => set('mode', mode)} />
            {label}
          </label>
        ))}
      </fieldset>
      {invitation.mode === 'organization' && (
        <label>
          Organization
          <select
            value={invitation.organization_id ?? ''}
            onChange={(e) => set('organization_id', e.target.value || null)}
          >
            <option value="">Choose…</option>
            {tenant?.organizations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.description ?? o.name}
              </option>
            ))}
            {invitation.organization_id && !tenant && (
              <option value={invitation.organization_id}>{invitation.organization_id}</option>
            )}
          </select>
        </label>
      )}
      <label>
        Database connection
        <input
          name="connection"
          list="connections"
          value={invitation.connection}
          onChange={(e) => set('connection', e.target.value)}
        />
        <datalist id="connections">
          {tenant?.connections.map((c) => <option key={c.name} value={c.name} />)}
        </datalist>
      </label>
      <label>
        The link stays valid for (days)
        <input
          name="ttl_days"
          inputMode="decimal"
          aria-invalid={problems.ttl_days ? true : undefined}
          aria-describedby="ttl-problem"
          value={raw.ttlDays ?? String(Math.round((invitation.ttl_secs / DAY) * 100) / 100)}
          onChange={(e) => {
            onRaw({ ...raw, ttlDays: e.target.value });
            const ttl = ttlFromDays(e.target.value, organization);
            if ('secs' in ttl) set('ttl_secs', ttl.secs);
          }}
        />
        <small className="muted">1 to {maxDays(organization)} days.</small>
      </label>
      <Problem id="ttl-problem" problem={problems.ttl_days} />
      {invitation.mode !== 'organization' && (
        <>
          <label>
            After setting their password, people go to (result URL)
            <input
              name="result_url"
              placeholder="https://app.example.com/welcome"
              aria-invalid={problems.result_url ? true : undefined}
              aria-describedby="result-url-problem"
              value={raw.resultUrl ?? invitation.result_url ?? ''}
              onChange={(e) => {
                const text = e.target.value;
                onRaw({ ...raw, resultUrl: text });
                if (!resultUrlProblem(text)) {
                  onChange({ ...invitation, result_url: text.trim() || null, client_id: text.trim() ? null : invitation.client_id });
                }
              }}
            />
            <small className="muted">For example https://app.example.com/welcome</small>
          </label>
          <Problem id="result-url-problem" problem={problems.result_url} />
          <label>
            …or to this application&apos;s login (client id)
            <input
              name="app_client_id"
              value={invitation.client_id ?? ''}
              disabled={!!invitation.result_url}
              onChange={(e) => set('client_id', e.target.value || null)}
            />
          </label>
          <label className="inline">
            <input
              type="checkbox"
              checked={invitation.mark_email_as_verified}
              onChange={(e) => set('mark_email_as_verified', e.target.checked)}
            />
            Mark the address verified when the link is used
          </label>
          <label className="inline">
            <input
              type="checkbox"
              checked={invitation.sign_result_url}
              disabled={!invitation.result_url}
              onChange={(e) => set('sign_result_url', e.target.checked)}
            />
            Add a signed invitation token to the result URL (needs the profile&apos;s signing key)
          </label>
        </>
      )}
      <fieldset>
        <legend>Roles granted to everyone</legend>
        <button type="button" onClick={loadTenant} disabled={!profile || load.busy}>
          Load roles and connections from the tenant
        </button>
        {load.error && <ErrorNotice error={load.error} />}
        {tenant && tenant.roles.length === 0 && <p className="muted">The tenant has no roles.</p>}
        <div className="checks" data-testid="roles">
          {(tenant?.roles.map((r) => r.name) ?? invitation.roles).map((name) => (
            <label key={name} className="inline">
              <input type="checkbox" checked={invitation.roles.includes(name)} onChange={() => toggleRole(name)} />
              {name}
            </label>
          ))}
        </div>
      </fieldset>
      <label>
        app_metadata stamped on every user (JSON object)
        <textarea
          rows={3}
          name="app_metadata"
          aria-invalid={problems.app_metadata ? true : undefined}
          aria-describedby="metadata-problem"
          value={metadataText}
          onChange={(e) => {
            onRaw({ ...raw, metadata: e.target.value });
            const metadata = metadataFromText(e.target.value);
            if ('value' in metadata) set('app_metadata', metadata.value);
          }}
        />
      </label>
      <Problem id="metadata-problem" problem={problems.app_metadata} />
      <fieldset>
        <legend>People who already have an account</legend>
        {(
          [
            ['skip', 'Skip them'],
            ['reinvite', 'Invite them again (new link)'],
            ['grant', 'Only grant roles and metadata, no mail'],
          ] as [ExistingPolicy, string][]
        ).map(([policy, label]) => (
          <label key={policy} className="inline">
            <input
              type="radio"
              name="existing"
              checked={invitation.existing === policy}
              onChange={() => set('existing', policy)}
            />
            {label}
          </label>
        ))}
      </fieldset>
    </div>
  );
}
