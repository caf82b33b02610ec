import { useState, type FormEvent } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import type { Profile, Readiness, SecretKind, TenantReport } from '../generated/bindings';
import { commands } from '../platform/ipc';
import { profilesChanged, useProfiles } from '../state/profiles';
import { useAction } from '../state/useAsync';
import { type CheckedField, profileFieldProblem } from './profileFields';

const CHECKED: readonly string[] = ['domain', 'smtp_url', 'from'] satisfies CheckedField[];

const SECRET_LABEL: Record<SecretKind, string> = {
  'client-secret': 'client secret',
  'smtp-password': 'SMTP password',
  'signing-key': 'signing key',
};

const BLANK: Profile = {
  name: '',
  domain: '',
  client_id: '',
  connection: 'Username-Password-Authentication',
  smtp_url: null,
  from: null,
  production: false,
};

interface SecretFields {
  client_secret: string;
  smtp_password: string;
  signing_key: string;
}

const NO_SECRETS: SecretFields = { client_secret: '', smtp_password: '', signing_key: '' };

type TextKey = 'name' | 'domain' | 'client_id' | 'connection' | 'smtp_url' | 'from';

/** The profile form, in the order an admin fills it in; secrets go to the keychain, the rest to the profile. */
const FORM_FIELDS: (
  | { secret: false; name: TextKey; label: string; required?: boolean; placeholder?: string }
  | { secret: true; name: keyof SecretFields; label: string }
)[] = [
  { secret: false, name: 'name', label: 'Name', required: true },
  { secret: false, name: 'domain', label: 'Tenant domain', required: true, placeholder: 'acme.eu.auth0.com' },
  { secret: false, name: 'client_id', label: 'Client id (machine-to-machine application)', required: true },
  { secret: true, name: 'client_secret', label: 'Client secret' },
  { secret: false, name: 'connection', label: 'Database connection' },
  {
    secret: false,
    name: 'smtp_url',
    label: 'SMTP server URL',
    placeholder: 'smtp://user@mail.example.com:587?tls=required',
  },
  { secret: true, name: 'smtp_password', label: 'SMTP password' },
  { secret: false, name: 'from', label: 'Sender', placeholder: 'Acme IT <it@acme.example>' },
  { secret: true, name: 'signing_key', label: 'Invitation token signing key (optional)' },
];

const READINESS: Record<Readiness, string> = {
  ready: 'Ready for a batch.',
  usable_with_warnings: 'Usable, with warnings:',
  not_usable: 'Not usable yet:',
};

function ConnectionReport({ report }: { report: TenantReport }) {
  return (
    <div className="report" data-testid="tenant-report" aria-live="polite">
      <p>
        Reached <code>{report.tenant}</code>
        {report.rate_limit !== null && (
          <>
            {' '}
            · rate-limit bucket of <strong data-testid="rate-limit">{report.rate_limit}</strong> requests
            {report.rate_remaining !== null && <> ({report.rate_remaining} left)</>}
          </>
        )}
      </p>
      <h4>Scopes</h4>
      {report.granted === null ? (
        <p>The token does not say which scopes it grants.</p>
      ) : report.missing.length === 0 ? (
        <p className="ok" data-testid="scopes-ok">
          All {report.needed.length} scopes Invite Desk needs are granted.
        </p>
      ) : (
        <p className="warn" data-testid="scopes-missing">
          Missing: {report.missing.join(', ')}
        </p>
      )}
      <ul className="scopes">
        {report.needed.map((s) => (
          <li key={s} className={report.missing.includes(s) ? 'warn' : 'ok'}>
            {report.missing.includes(s) ? '✗' : '✓'} {s}
          </li>
        ))}
      </ul>
      <h4>Database connections</h4>
      <ul data-testid="connections">
        {report.connections.map((c) => (
          <li key={c.name}>
            <strong>{c.name}</strong>:{' '}
            {c.signup_disabled ? (
              <span className="ok">sign-up disabled (invite only)</span>
            ) : (
              <span className="warn">sign-up is open: anyone can create an account</span>
            )}
            {c.enabled_for_client === false && <span className="warn"> · not enabled for this client</span>}
          </li>
        ))}
      </ul>
      <p className={report.readiness === 'ready' ? 'ok' : 'warn'} data-testid="readiness">
        {READINESS[report.readiness]}
      </p>
      {report.advice.length > 0 && (
        <ul data-testid="advice">
          {report.advice.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function TenantsScreen() {
  const { profiles, error: loadError } = useProfiles();
  const [editing, setEditing] = useState<{ profile: Profile; isNew: boolean } | null>(null);
  const [secrets, setSecrets] = useState<SecretFields>(NO_SECRETS);
  const [reports, setReports] = useState<Record<string, TenantReport>>({});
  const save = useAction(commands.saveProfile);
  const check = useAction(commands.checkTenant);
  const remove = useAction(commands.deleteProfile);
  const generate = useAction(commands.generateSigningKey);
  const choosePlan = useAction(commands.chooseSandboxPlan);
  const [newKey, setNewKey] = useState<{ profile: string; key: string } | null>(null);


  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!editing) return;
    const given = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== ''));
    const saved = await save.run(editing.profile, given);
    if (saved) {
      setEditing(null);
      setSecrets(NO_SECRETS);
      void profilesChanged();
    }
  };

  const testConnection = async (name: string) => {
    const report = await check.run(name);
    if (report) setReports((r) => ({ ...r, [name]: report }));
  };

  const field = (key: keyof Profile, value: string) =>
    editing && setEditing({ ...editing, profile: { ...editing.profile, [key]: value === '' ? null : value } });
  const problemOf = (name: TextKey): string | null =>
    editing && CHECKED.includes(name) ? profileFieldProblem(name as CheckedField, editing.profile[name]) : null;
  const formHasProblem = FORM_FIELDS.some((f) => !f.secret && problemOf(f.name) !== null);

  return (
    <section aria-label="Tenant profiles" className="stack">
      {loadError && <ErrorNotice error={loadError} />}
      <ul className="cards" aria-label="Profiles">
        {profiles.map((view) => (
          <li key={view.profile.name} className="card" data-profile={view.profile.name}>
            <div className="card__head">
              <h2>{view.profile.name}</h2>
              {view.builtin && <span className="badge">built in</span>}
              {view.profile.production && <span className="badge badge--danger">Production</span>}
            </div>
            <dl className="facts">
              <dt>Tenant</dt>
              <dd>{view.profile.domain}</dd>
              <dt>Client id</dt>
              <dd>{view.profile.client_id}</dd>
              <dt>Connection</dt>
              <dd>{view.profile.connection ?? '—'}</dd>
              {view.plan && (
                <>
                  <dt>Rate limits</dt>
                  <dd>
                    <select
                      aria-label="Rate limits of the Sandbox"
                      value={view.plan.current}
                      disabled={choosePlan.busy}
                      onChange={async (e) => {
                        if (await choosePlan.run(view.profile.name, e.target.value)) void profilesChanged();
                      }}
                    >
                      {view.plan.options.map((o) => (
                        <option key={o.name} value={o.name}>
                          {o.label}
                        </option>
                      ))}
                    </select>
                    <span className="hint"> Changing it starts the Sandbox over, without its users.</span>
                  </dd>
                </>
              )}
              {!view.builtin && (
                <>
                  <dt>SMTP</dt>
                  <dd>{view.profile.smtp_url ?? '—'}</dd>
                  <dt>Sender</dt>
                  <dd>{view.profile.from ?? '—'}</dd>
                  <dt>In the keychain</dt>
                  <dd data-testid="stored">
                    {view.stored.length === 0
                      ? 'nothing stored'
                      : view.stored.map((k) => `${SECRET_LABEL[k]} stored`).join(', ')}
                  </dd>
                </>
              )}
            </dl>
            <div className="actions">
              <button type="button" onClick={() => testConnection(view.profile.name)} disabled={check.busy}>
                Test connection
              </button>
              {!view.builtin && (
                <>
                  <button
                    type="button"
                    onClick={() => {
                      setSecrets(NO_SECRETS);
                      setEditing({ profile: view.profile, isNew: false });
                    }}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    disabled={generate.busy}
                    onClick={async () => {
                      const replacing = view.stored.includes('signing-key');
                      if (
                        replacing &&
                        !window.confirm(
                          `Replace the signing key of ${view.profile.name}? Tokens signed with the old one stop verifying once the application has the new key.`,
                        )
                      )
                        return;
                      const key = await generate.run(view.profile.name);
                      if (key !== undefined) {
                        setNewKey({ profile: view.profile.name, key });
                        void profilesChanged();
                      }
                    }}
                  >
                    New signing key
                  </button>
                  <button
                    type="button"
                    className="danger"
                    onClick={async () => {
                      if (window.confirm(`Delete the profile ${view.profile.name} and its keychain entries?`)) {
                        await remove.run(view.profile.name);
                        void profilesChanged();
                      }
                    }}
                  >
                    Delete
                  </button>
                </>
              )}
            </div>
            {reports[view.profile.name] !== undefined && (
              <ConnectionReport report={reports[view.profile.name] as TenantReport} />
            )}
          </li>
        ))}
      </ul>
      {check.error && <ErrorNotice error={check.error} />}
      {remove.error && <ErrorNotice error={remove.error} />}
      {generate.error && <ErrorNotice error={generate.error} />}
      {choosePlan.error && <ErrorNotice error={choosePlan.error} />}
      {newKey && (
        <div className="panel" role="status" data-testid="new-signing-key">
          <h3>New signing key for {newKey.profile}</h3>
          <p>
            Stored in the keychain, and shown here this once: give it to the application that checks the
            invitation tokens (how: docs/invitation-token.md), then close this.
          </p>
          <input readOnly value={newKey.key} aria-label="New signing key" className="key" onFocus={(e) => e.target.select()} />
          <div className="actions">
            <button type="button" onClick={() => setNewKey(null)}>
              Close
            </button>
          </div>
        </div>
      )}
      {!editing && (
        <button type="button" onClick={() => setEditing({ profile: BLANK, isNew: true })}>
          Add a profile
        </button>
      )}
      {editing && (
        <form className="panel form" onSubmit={submit} aria-label="Profile">
          <h2>{editing.isNew ? 'New profile' : `Edit ${editing.profile.name}`}</h2>
          {FORM_FIELDS.map((f) =>
            f.secret ? (
              <label key={f.name}>
                {f.label}
                {f.name === 'client_secret' && !editing.isNew ? ' (leave empty to keep the stored one)' : ''}
                <input
                  name={f.name}
                  type="password"
                  autoComplete="off"
                  value={secrets[f.name]}
                  onChange={(e) => setSecrets({ ...secrets, [f.name]: e.target.value })}
                />
              </label>
            ) : (
              <div key={f.name} className="field">
                <label>
                  {f.label}
                  <input
                    name={f.name}
                    required={f.required}
                    placeholder={f.placeholder}
                    readOnly={f.name === 'name' && !editing.isNew}
                    aria-invalid={problemOf(f.name) ? true : undefined}
                    aria-describedby={`${f.name}-hint`}
                    value={editing.profile[f.name] ?? ''}
                    onChange={(e) => field(f.name, e.target.value)}
                  />
                </label>
                <div id={`${f.name}-hint`}>
                  {f.placeholder && <small className="muted">For example {f.placeholder}</small>}
                  {problemOf(f.name) && (
                    <small className="warn field-problem" role="alert">
                      {' '}
                      {problemOf(f.name)}
                    </small>
                  )}
                </div>
              </div>
            ),
          )}
          <label>
            SMTP connections at most (mail providers cap them; empty: 8)
            <input
              name="smtp_connections"
              type="number"
              min={1}
              max={32}
              value={editing.profile.smtp_connections ?? ''}
              onChange={(e) => {
                const profile = { ...editing.profile };
                if (e.target.value === '') delete profile.smtp_connections;
                else profile.smtp_connections = Number(e.target.value);
                setEditing({ ...editing, profile });
              }}
            />
          </label>
          <label className="inline">
            <input
              type="checkbox"
              name="production"
              checked={editing.profile.production}
              onChange={(e) => editing && setEditing({ ...editing, profile: { ...editing.profile, production: e.target.checked } })}
            />
            Production tenant (runs ask for confirmation)
          </label>
          <p className="muted">Secrets go to the operating system&apos;s keychain; this window never sees them again.</p>
          {save.error && <ErrorNotice error={save.error} />}
          <div className="actions">
            <button type="submit" className="primary" disabled={save.busy || formHasProblem}>
              Save profile
            </button>
            <button type="button" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
