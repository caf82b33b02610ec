import { useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { ExistingPolicy, InvitationSettings, InviteMode, TenantReport } from '../../generated/bindings';
import { commands } from '../../platform/ipc';
import { useAction } from '../../state/useAsync';

interface InvitationStepProps {
  profile: string | null;
  invitation: InvitationSettings;
  onChange: (invitation: InvitationSettings) => void;
}

const DAY = 86400;

export function InvitationStep({ profile, invitation, onChange }: InvitationStepProps) {
  const [tenant, setTenant] = useState<TenantReport | null>(null);
  const [metadataText, setMetadataText] = useState(JSON.stringify(invitation.app_metadata, null, 2));
  const [metadataError, setMetadataError] = useState<string | null>(null);
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
          type="number"
          min={1}
          max={invitation.mode === 'organization' ? 30 : 365}
          value={Math.round((invitation.ttl_secs / DAY) * 100) / 100}
          onChange={(e) => set('ttl_secs', Math.max(1, Math.round(Number(e.target.value) * DAY)))}
        />
      </label>
      {invitation.mode !== 'organization' && (
        <>
          <label>
            After setting their password, people go to (result URL)
            <input
              name="result_url"
              placeholder="https://app.example.com/welcome"
              value={invitation.result_url ?? ''}
              onChange={(e) => onChange({ ...invitation, result_url: e.target.value || null, client_id: e.target.value ? null : invitation.client_id })}
            />
          </label>
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
          value={metadataText}
          onChange={(e) => {
            setMetadataText(e.target.value);
            try {
              const parsed: unknown = JSON.parse(e.target.value || '{}');
              if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
              setMetadataError(null);
              set('app_metadata', parsed as Record<string, unknown>);
            } catch {
              setMetadataError('This is not a JSON object yet, e.g. {"plan": "gold"}; the last valid value is kept.');
            }
          }}
        />
      </label>
      {metadataError && <p className="warn">{metadataError}</p>}
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
