import { useState, type FormEvent } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { ProfileOptions } from '../components/ProfileOptions';
import type { LinkCopy, Lookup, RunSummary } from '../generated/bindings';
import { commands } from '../platform/ipc';
import { useProfiles } from '../state/profiles';
import { STATUS_WORDS } from './FollowUpScreen';
import { useAction } from '../state/useAsync';
import { localTime } from '../format';
import { LocalTime } from '../components/LocalTime';

export function FindPersonScreen() {
  const { profiles, error: loadError } = useProfiles();
  const [chosen, setProfile] = useState<string | null>(null);
  const profile = chosen ?? profiles[0]?.profile.name ?? '';
  const [email, setEmail] = useState('');
  const [found, setFound] = useState<Lookup | null>(null);
  const [resent, setResent] = useState<RunSummary | null>(null);
  const [link, setLink] = useState<LinkCopy | null>(null);
  const lookup = useAction(commands.lookup);
  const resend = useAction((to: string) => commands.resend(to, () => {}));
  const copyLink = useAction(commands.copyLink);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setResent(null);
    setLink(null);
    setFound((await lookup.run(profile || null, email)) ?? null);
  };

  return (
    <section aria-label="Find person" className="stack">
      {loadError && <ErrorNotice error={loadError} />}
      <form className="toolbar" onSubmit={submit} aria-label="Look up">
        <label>
          Tenant
          <select name="profile" value={profile} onChange={(e) => setProfile(e.target.value)}>
            <option value="">Only this machine&apos;s history</option>
            <ProfileOptions profiles={profiles} />
          </select>
        </label>
        <label>
          Email
          <input name="email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={lookup.busy}>
          Look up
        </button>
      </form>
      {lookup.error && <ErrorNotice error={lookup.error} />}
      {found && (
        <div className="stack" data-testid="lookup">
          <h2>{found.email}</h2>
          {found.tenant === null && <p className="muted">The tenant was not asked.</p>}
          {found.tenant?.length === 0 && <p data-testid="no-account">No account in the tenant.</p>}
          {found.tenant?.map((a) => (
            <dl key={a.user_id} className="facts" data-testid="account">
              <dt>User id</dt>
              <dd>{a.user_id}</dd>
              <dt>Connections</dt>
              <dd>{a.connections.join(', ')}</dd>
              <dt>Created</dt>
              <dd>
                <LocalTime at={a.created_at} />
              </dd>
              <dt>Email verified</dt>
              <dd data-testid="verified">{a.email_verified === null ? '—' : a.email_verified ? 'yes' : 'no'}</dd>
              <dt>Logins</dt>
              <dd>
                {a.logins_count ?? 0} (last: {a.last_login ? <LocalTime at={a.last_login} /> : 'never'})
              </dd>
              {a.blocked && (
                <>
                  <dt>Blocked</dt>
                  <dd className="warn">yes</dd>
                </>
              )}
            </dl>
          ))}
          {found.follow_up && (
            <p data-testid="person-follow-up">
              Follow-up: <strong>{STATUS_WORDS[found.follow_up.status]}</strong>
              {found.follow_up.accepted_at && (
                <>
                  {' '}
                  on <LocalTime at={found.follow_up.accepted_at} />
                </>
              )}
              {found.follow_up.last_login && (
                <>
                  {' '}
                  · last sign-in <LocalTime at={found.follow_up.last_login} />
                </>
              )}
              {found.follow_up.status === 'pending' && found.follow_up.link_expires_at && (
                <>
                  {' '}
                  · link works until <LocalTime at={found.follow_up.link_expires_at} />
                </>
              )}
              {' · '}
              {found.follow_up.reminders} reminder{found.follow_up.reminders === 1 ? '' : 's'} sent
              {found.follow_up_batch && (
                <>
                  {' '}
                  (batch <code>{found.follow_up_batch}</code>)
                </>
              )}
            </p>
          )}
          <h3>Invitations from this machine</h3>
          {found.history.length === 0 && <p className="muted">Never invited from this machine.</p>}
          <ul className="list" data-testid="history">
            {found.history.map((h) => (
              <li key={h.batch_id}>
                <strong>{h.record.state}</strong> in batch <code>{h.batch_id}</code> (<LocalTime at={h.batch_created_at} />)
                {h.record.link_expires_at && <> · link expires {h.record.link_expires_at}</>}
                {h.record.error_message && <span className="warn"> · {h.record.error_message}</span>}
              </li>
            ))}
          </ul>
          {found.history.length > 0 && (
            <div className="actions">
              <button
                type="button"
                className="primary"
                disabled={resend.busy}
                onClick={async () => setResent((await resend.run(found.email)) ?? null)}
              >
                Resend invitation
              </button>
              <button
                type="button"
                disabled={copyLink.busy}
                onClick={async () => {
                  const made = await copyLink.run(found.email);
                  if (made) setLink(made);
                }}
              >
                Copy a new link
              </button>
            </div>
          )}
          {resend.busy && <p aria-busy="true">Sending…</p>}
          {resend.error && <ErrorNotice error={resend.error} />}
          {resent && (
            <p className={resent.outcomes.failed ? 'warn' : 'ok'} data-testid="resent">
              {resent.outcomes.failed
                ? `The resend failed: see batch ${resent.batch_id} in History.`
                : resent.delivery
                  ? `Resent: ${resent.delivery.detail} at ${localTime(resent.delivery.at)} (batch ${resent.batch_id}).`
                  : `Resent (batch ${resent.batch_id}).`}
            </p>
          )}
          {copyLink.error && <ErrorNotice error={copyLink.error} />}
          {link && (
            <div className="panel">
              <label>
                New link (a bearer secret: paste it only to {link.email}); valid until {link.expires_at}
                <input readOnly value={link.url} data-testid="link" onFocus={(e) => e.target.select()} />
              </label>
              {link.copied ? (
                <p className="ok" data-testid="link-copied">
                  Copied to the clipboard.
                </p>
              ) : (
                <p className="warn" data-testid="link-copied">
                  Not copied (the clipboard could not be reached): select the link and press Ctrl+C.
                </p>
              )}
            </div>
          )}
        </div>
      )}
    </section>
  );
}
