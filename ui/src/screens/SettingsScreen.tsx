import { useEffect, useState, type FormEvent } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { ProfileOptions } from '../components/ProfileOptions';
import type { AppError, AppInfo, DeliveryDefault, ExistingPolicy, Settings } from '../generated/bindings';
import type { Folder } from '../generated/bindings';
import { commands } from '../platform/ipc';
import { useProfiles } from '../state/profiles';
import { useAction } from '../state/useAsync';
import { BUILTIN_LANGUAGES, languageName } from './newBatch/messageTemplate';
import { ttlFromDays } from './newBatch/invitationFields';

/** A stored lifetime ("7d", "48h") in days, as the wizard shows it; `null` for another form. */
function daysOf(duration: string): string | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([dhm])\s*$/.exec(duration);
  if (!m) return null;
  const n = Number(m[1]);
  const days = m[2] === 'd' ? n : m[2] === 'h' ? n / 24 : n / 1440;
  return String(Math.round(days * 100) / 100);
}

/** Days as the engine's duration: whole days as "Nd", else minutes. */
function durationOf(secs: number): string {
  return secs % 86_400 === 0 ? `${secs / 86_400}d` : `${Math.round(secs / 60)}m`;
}

type Load = { state: 'loading' } | { state: 'ready'; info: AppInfo } | { state: 'failed'; error: AppError };

export function SettingsScreen() {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [settings, setSettings] = useState<Settings | null>(null);
  // The lifetime in days as typed (the same unit as the wizard's), until it is a valid one.
  const [ttlText, setTtlText] = useState<string | null>(null);
  const { profiles } = useProfiles();
  const [saved, setSaved] = useState(false);
  const save = useAction(commands.saveSettings);
  const open = useAction((folder: Folder) => commands.openFolder(folder));

  useEffect(() => {
    let live = true;
    commands.appInfo().then(
      (info) => live && setLoad({ state: 'ready', info }),
      (error: AppError) => live && setLoad({ state: 'failed', error }),
    );
    commands.settings().then((s) => live && setSettings(s), () => {});
    return () => {
      live = false;
    };
  }, []);

  const ttlCheck = ttlText === null ? null : ttlFromDays(ttlText, false);
  const ttlProblem = ttlCheck && 'problem' in ttlCheck ? ttlCheck.problem.message : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!settings) return;
    setSaved(false);
    const result = await save.run(settings);
    if (result) {
      setSettings(result);
      setSaved(true);
    }
  };

  return (
    <section aria-label="Settings" className="stack">
      {settings && (
        <form className="form panel" onSubmit={submit} aria-label="Defaults">
          <h2>Defaults for new batches</h2>
          <label>
            Tenant
            <select
              name="default_profile"
              value={settings.default_profile ?? ''}
              onChange={(e) => setSettings({ ...settings, default_profile: e.target.value || null })}
            >
              <option value="">Sandbox</option>
              <ProfileOptions profiles={profiles.filter((p) => !p.builtin)} />
            </select>
          </label>
          <label>
            The link stays valid for (days)
            <input
              name="ttl"
              inputMode="decimal"
              aria-invalid={ttlProblem ? true : undefined}
              value={ttlText ?? daysOf(settings.ttl) ?? settings.ttl}
              onChange={(e) => {
                setTtlText(e.target.value);
                const ttl = ttlFromDays(e.target.value, false);
                if ('secs' in ttl) setSettings({ ...settings, ttl: durationOf(ttl.secs) });
              }}
            />
            <small className="muted">1 to 365 days, as in New batch.</small>
          </label>
          {ttlProblem && (
            <p className="warn" role="alert">
              {ttlProblem}
            </p>
          )}
          <label>
            People who already have an account
            <select
              name="existing"
              value={settings.existing}
              onChange={(e) => setSettings({ ...settings, existing: e.target.value as ExistingPolicy })}
            >
              <option value="skip">Skip them</option>
              <option value="reinvite">Invite them again</option>
              <option value="grant">Only grant roles and metadata</option>
            </select>
          </label>
          <label>
            Application name in messages
            <input
              name="app_name"
              value={settings.message.app_name}
              onChange={(e) => setSettings({ ...settings, message: { ...settings.message, app_name: e.target.value } })}
            />
          </label>
          <label>
            Invited by
            <input
              name="organization"
              value={settings.message.organization}
              onChange={(e) =>
                setSettings({ ...settings, message: { ...settings.message, organization: e.target.value } })
              }
            />
          </label>
          <label>
            Who to ask for a new link
            <input
              name="support_contact"
              placeholder="it@example.com or https://help.example.com"
              value={settings.message.support_contact}
              onChange={(e) =>
                setSettings({ ...settings, message: { ...settings.message, support_contact: e.target.value } })
              }
            />
          </label>
          <label>
            Language of new batches (for people whose list gives none)
            <select
              name="language"
              value={settings.message.language}
              onChange={(e) => setSettings({ ...settings, message: { ...settings.message, language: e.target.value } })}
            >
              {Array.from(new Set([...BUILTIN_LANGUAGES, settings.message.language])).map((tag) => (
                <option key={tag} value={tag}>
                  {languageName(tag)} ({tag})
                </option>
              ))}
            </select>
          </label>
          <label>
            New batches deliver
            <select
              name="delivery"
              value={settings.delivery}
              onChange={(e) => setSettings({ ...settings, delivery: e.target.value as DeliveryDefault })}
            >
              <option value="profile_mail_server">Through the profile&apos;s mail server (else to the outbox)</option>
              <option value="outbox">To the outbox folder (nothing is sent; you send the .eml files)</option>
            </select>
          </label>
          <label>
            Outbox folder (empty: outbox in the data folder)
            <input
              name="outbox_dir"
              value={settings.outbox_dir ?? ''}
              onChange={(e) => setSettings({ ...settings, outbox_dir: e.target.value || null })}
            />
          </label>
          {Object.keys(settings.default_template).length > 0 && (
            <p className="muted" data-testid="default-templates">
              Templates new batches start with:{' '}
              {Object.entries(settings.default_template)
                .map(([profile, template]) => `${template} (${profile})`)
                .join(', ')}
              . Set from the Email step.
            </p>
          )}
          <label>
            Export folder (empty: Downloads)
            <input
              name="export_dir"
              value={settings.export_dir ?? ''}
              onChange={(e) => setSettings({ ...settings, export_dir: e.target.value || null })}
            />
          </label>
          {save.error && <ErrorNotice error={save.error} />}
          <div className="actions">
            <button type="submit" className="primary" disabled={save.busy || ttlProblem !== null}>
              Save settings
            </button>
            {saved && <span className="ok">Saved.</span>}
          </div>
        </form>
      )}
      <h2>About this installation</h2>
      {load.state === 'loading' && <p aria-busy="true">Reading settings…</p>}
      {load.state === 'failed' && <ErrorNotice error={load.error} />}
      {load.state === 'ready' && (
        <dl className="facts">
          <dt>Version</dt>
          <dd data-testid="app-version">
            {load.info.name} {load.info.version}
          </dd>
          <dt>Data folder</dt>
          <dd>
            <code data-testid="data-dir">{load.info.data_dir}</code>{' '}
            <button type="button" className="small" onClick={() => open.run('data')}>
              Open
            </button>
          </dd>
          <dt>Log folder</dt>
          <dd>
            <code data-testid="log-dir">{load.info.log_dir}</code>{' '}
            <button type="button" className="small" onClick={() => open.run('logs')}>
              Open logs
            </button>
          </dd>
        </dl>
      )}
      {open.error && <ErrorNotice error={open.error} />}
    </section>
  );
}
