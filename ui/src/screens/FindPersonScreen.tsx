import { useEffect, useState, useSyncExternalStore, type FormEvent } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { ProfileOptions } from '../components/ProfileOptions';
import type { LinkCopy, Lookup, RunSummary } from '../generated/bindings';
import { DELIVERED_WORDS } from '../generated/bindings';
import { commands } from '../platform/ipc';
import { useProfiles } from '../state/profiles';
import { STATUS_WORDS } from './FollowUpScreen';
import { useAction } from '../state/useAsync';
import { localTime } from '../format';
import { LocalTime } from '../components/LocalTime';
import { type ChosenPerson, personChoice } from '../state/findPerson';
import { stateWords } from '../words';

/** What a batch in a person's timeline was, when it was not the admin's invitation batch. */
const PURPOSE_WORDS: Record<string, string> = {
  resend: 'Resent by support',
  link_copy: 'New link copied by support',
  reminder: 'Reminder',
  reissue: 'New link after expiry',
};

/** A metadata map as `key: value` lines (objects as JSON). */
function MetadataList({ label, values }: { label: string; values: Record<string, unknown> }) {
  const entries = Object.entries(values).filter(([key]) => key !== 'invitation');
  return (
    <>
      <dt>{label}</dt>
      <dd>
        {entries.length === 0
          ? 'none'
          : entries.map(([key, value]) => (
              <div key={key}>
                <code>{key}</code>: {typeof value === 'string' ? value : JSON.stringify(value)}
              </div>
            ))}
      </dd>
    </>
  );
}

/** The batch whose follow-up the person's status comes from, as this machine's history has it. */
function followUpBatchOf(found: Lookup) {
  return found.history.find((h) => h.batch_id === found.follow_up_batch);
}

/** "2 reminders written to outbox": said as what delivering was for the reminder waves. */
function remindersInWords(found: Lookup): string {
  const count = found.follow_up?.reminders ?? 0;
  if (count === 0) return 'no reminder yet';
  // A batch's reminder waves deliver as the batch does (they take its delivery).
  const batch = followUpBatchOf(found);
  const how = batch?.delivered_as ? DELIVERED_WORDS[batch.delivered_as] : 'delivered';
  return `${count} reminder${count === 1 ? '' : 's'} ${how}`;
}

export function FindPersonScreen() {
  const { profiles, error: loadError, read: profilesRead } = useProfiles();
  const [chosen, setProfile] = useState<string | null>(null);
  // The Run row the look-up came from, while it is what the screen shows.
  const [fromBatch, setFromBatch] = useState<ChosenPerson | null>(null);
  // A batch's profile deleted since it ran (not a list that could not be read): its people are
  // looked up in this machine's history only.
  const missingProfile =
    chosen && profilesRead && loadError === null && !profiles.some((p) => p.profile.name === chosen) ? chosen : null;
  const profile = missingProfile ? '' : (chosen ?? profiles[0]?.profile.name ?? '');
  // A person chosen elsewhere (a click in the Run table) is looked up as the screen opens.
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
    setFromBatch(null);
    setFound((await lookup.run(profile || null, email)) ?? null);
  };
  // Someone chosen elsewhere (a click in the Run table; this screen stays mounted) is put in the
  // field, with their batch's tenant, and looked up once the profiles are known.
  const chosenElsewhere = useSyncExternalStore(personChoice.subscribe, personChoice.getSnapshot);
  const [opening, setOpening] = useState<ChosenPerson | null>(null);
  if (chosenElsewhere !== null && chosenElsewhere !== opening) {
    setOpening(chosenElsewhere);
    setFromBatch(chosenElsewhere);
    setEmail(chosenElsewhere.email);
    setProfile(chosenElsewhere.profile ?? '');
    setResent(null);
    setLink(null);
  }
  const openLookup = lookup.run;
  useEffect(() => {
    if (!opening || !profilesRead) return;
    personChoice.choose(null);
    void openLookup(profile || null, opening.email).then((answer) => {
      setFound(answer ?? null);
      setOpening(null);
    });
    // Once per choice: a later change of profile is the admin's to look up again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opening, profilesRead]);

  return (
    <section aria-label="Find person" className="stack">
      {loadError && <ErrorNotice error={loadError} />}
      <form className="toolbar" onSubmit={submit} aria-label="Look up">
        <label>
          Tenant
          <select
            name="profile"
            value={profile}
            onChange={(e) => {
              setProfile(e.target.value);
              setFromBatch(null);
            }}
          >
            <option value="">Only this machine&apos;s history</option>
            <ProfileOptions profiles={profiles} />
          </select>
        </label>
        <label>
          Email
          <input
            name="email"
            type="email"
            required
            className="wide"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <button type="submit" className="primary" disabled={lookup.busy}>
          Look up
        </button>
      </form>
      {fromBatch && missingProfile && (
        <p className="muted" data-testid="profile-gone">
          The tenant profile “{missingProfile}” this batch ran on is no longer on this machine: only this
          machine&apos;s history is shown.
        </p>
      )}
      {fromBatch && fromBatch.profile === null && (
        <p className="muted" data-testid="profile-gone">
          This batch ran without a saved tenant profile: only this machine&apos;s history is shown. Choose a tenant and
          look up again to ask it.
        </p>
      )}
      {lookup.error && <ErrorNotice error={lookup.error} />}
      {found && (
        <div className="stack" data-testid="lookup">
          <h2>{found.email}</h2>
          {found.tenant === null && <p className="muted">The tenant was not asked.</p>}
          {found.tenant?.length === 0 && <p data-testid="no-account">No account in the tenant.</p>}
          {found.tenant?.map((a) => (
            <dl key={a.user_id} className="facts" data-testid="account">
              <dt>Name</dt>
              <dd data-testid="account-name">{a.name ?? '—'}</dd>
              <dt>User id</dt>
              <dd>{a.user_id}</dd>
              <dt>Roles</dt>
              <dd data-testid="account-roles">
                {a.roles === null ? 'not known (the tenant did not answer; it needs the read:roles scope)' : a.roles.length === 0 ? 'none' : a.roles.join(', ')}
              </dd>
              <MetadataList label="app_metadata" values={a.app_metadata} />
              <MetadataList label="user_metadata" values={a.user_metadata} />
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
              {remindersInWords(found)}
              {found.follow_up_batch && (
                <>
                  {' '}
                  for “{followUpBatchOf(found)?.batch_name ?? 'Unnamed batch'}”{' '}
                  <code className="muted small-text">{found.follow_up_batch}</code>
                </>
              )}
            </p>
          )}
          <h3>Invitations from this machine</h3>
          {found.history.length === 0 && <p className="muted">Never invited from this machine.</p>}
          <ul className="list" data-testid="history">
            {found.history.map((h) => (
              <li key={h.batch_id}>
                <LocalTime at={h.batch_created_at} />: {(h.purpose && PURPOSE_WORDS[h.purpose]) ?? 'Invitation'},{' '}
                <strong>{stateWords(h.record.state, h.delivered_as)}</strong>
                {h.purpose !== 'resend' && h.purpose !== 'link_copy' && (
                  <>
                    {' '}
                    in “{h.batch_name ?? 'Unnamed batch'}”
                  </>
                )}{' '}
                <code className="muted small-text">{h.batch_id}</code>
                {h.record.link_expires_at && (
                  <>
                    {' '}
                    · link works until <LocalTime at={h.record.link_expires_at} />
                  </>
                )}
                {h.record.error_message && <span className="warn"> · {h.record.error_message}</span>}
                {/* What happened and when, in the words of whoever took it ("accepted by the mail
                    server: 250 …", "written to …"); the state machine's own steps are left out. */}
                {h.events.some(([, kind]) => kind === 'delivery' || kind === 'note') && (
                  <ul className="timeline" data-testid="events">
                    {h.events
                      .filter(([, kind]) => kind === 'delivery' || kind === 'note')
                      .map(([at, kind, detail], i) => (
                        <li key={i} data-kind={kind}>
                          <LocalTime at={at} />: {detail}
                        </li>
                      ))}
                  </ul>
                )}
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
                ? 'The resend failed: look the person up again to see why in their timeline.'
                : resent.delivery
                  ? `${resent.delivered_as === 'sent' ? 'Sent again' : `New invitation ${stateWords('delivered', resent.delivered_as)}`}: ${resent.delivery.detail} at ${localTime(resent.delivery.at)}.`
                  : `New invitation ${stateWords('delivered', resent.delivered_as)}.`}
            </p>
          )}
          {copyLink.error && <ErrorNotice error={copyLink.error} />}
          {link && (
            <div className="panel">
              <p>
                New link for {link.email}, valid until <LocalTime at={link.expires_at} />. It is a bearer secret: paste it
                only to them. It is shown this once.
              </p>
              <code className="link-whole" data-testid="link">
                {link.url}
              </code>
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
