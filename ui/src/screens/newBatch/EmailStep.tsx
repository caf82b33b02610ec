import { useEffect, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { AppError, BatchFile, Delivery, MessageKind, PreviewMessage } from '../../generated/bindings';
import { commands } from '../../platform/ipc';
import { useAction } from '../../state/useAsync';
import { DELIVERY_LABELS, type DeliveryField, SMTP_URL_EXAMPLE, deliveryProblems } from './deliveryFields';
import { MessageEditor } from './MessageEditor';
import { BUILTIN_LANGUAGES, languageName, ownTemplate } from './messageTemplate';

interface EmailStepProps {
  profile: string | null;
  batch: BatchFile;
  onChange: (batch: BatchFile) => void;
}

const WORDINGS: [MessageKind, string][] = [
  ['invitation', 'Invitation'],
  ['reminder', 'Reminder (follow-up)'],
  ['reissue', 'New link after an expiry (follow-up)'],
];

/** The width a mail program gives a message on a computer, and on a phone. */
const DESKTOP_WIDTH = 640;
const PHONE_WIDTH = 375;
const PREVIEW_HEIGHT = 520;

/** The preview frame's scale: the message at its real width, shrunk to the pane, never cut off. */
function useFit(width: number) {
  // The pane appears with the first preview: measured from when it is there, and on every resize.
  const [pane, setPane] = useState<HTMLDivElement | null>(null);
  const [available, setAvailable] = useState(width);
  useEffect(() => {
    if (!pane) return;
    const measure = () => setAvailable(pane.clientWidth || width);
    const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(measure) : null;
    observer?.observe(pane);
    const first = requestAnimationFrame(measure);
    return () => {
      cancelAnimationFrame(first);
      observer?.disconnect();
    };
  }, [pane, width]);
  return { pane: setPane, scale: Math.min(1, available / width) };
}

/** A delivery field, its problem said beside it once something is typed (an empty one in Review). */
function DeliveryInput({
  name,
  value,
  problems,
  example,
  onChange,
}: {
  name: DeliveryField;
  value: string;
  problems: Partial<Record<DeliveryField, string>>;
  example?: string;
  onChange: (value: string) => void;
}) {
  const problem = value.trim() === '' ? undefined : problems[name];
  return (
    <div className="field">
      <label>
        {DELIVERY_LABELS[name]}
        <input
          name={name}
          value={value}
          aria-invalid={problem ? true : undefined}
          aria-describedby={`${name}-hint`}
          onChange={(e) => onChange(e.target.value)}
        />
      </label>
      <div id={`${name}-hint`}>
        {example && <small className="muted">For example {example}</small>}
        {problem && (
          <small className="warn field-problem" role="alert" data-testid={`${name}-problem`}>
            {' '}
            {problem}
          </small>
        )}
      </div>
    </div>
  );
}

export function EmailStep({ profile, batch, onChange }: EmailStepProps) {
  const [which, setWhich] = useState<MessageKind>('invitation');
  const [line, setLine] = useState<number | null>(batch.people[0]?.line ?? null);
  const [language, setLanguage] = useState<string>('');
  const [phone, setPhone] = useState(false);
  const [preview, setPreview] = useState<PreviewMessage | null>(null);
  const [previewError, setPreviewError] = useState<AppError | null>(null);
  const [testTo, setTestTo] = useState('');
  const [testLanguage, setTestLanguage] = useState('');
  const [testResult, setTestResult] = useState<string | null>(null);
  const sendTest = useAction(commands.sendTest);
  const frameWidth = phone ? PHONE_WIDTH : DESKTOP_WIDTH;
  const { pane, scale } = useFit(frameWidth);
  const languages = Object.keys(ownTemplate(batch, which)?.languages ?? {});
  const offered = languages.length ? languages : BUILTIN_LANGUAGES;
  // The batch's language must be one every message has: the invitation's languages are offered.
  const invitationLanguages = Object.keys(ownTemplate(batch, 'invitation')?.languages ?? {});
  const batchLanguages = invitationLanguages.length ? invitationLanguages : BUILTIN_LANGUAGES;

  // The preview follows every edit: the engine renders exactly what will be sent, for the chosen
  // person in their language (or the language chosen here).
  useEffect(() => {
    if (batch.people.length === 0) return;
    let live = true;
    const timer = setTimeout(() => {
      commands.preview(batch, line, which, language || null).then(
        (p) => {
          if (!live) return;
          setPreview(p);
          setPreviewError(null);
        },
        (e: AppError) => live && setPreviewError(e),
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [batch, line, which, language]);

  const setMessage = (key: 'app_name' | 'organization' | 'support_contact', value: string) =>
    onChange({ ...batch, message: { ...batch.message, [key]: value } });
  const setDelivery = (delivery: Delivery) => onChange({ ...batch, delivery });
  const d = batch.delivery;
  const problems = deliveryProblems(d);

  return (
    <div className="email-step">
      <div className="form">
        <label>
          Application name
          <input value={batch.message.app_name} onChange={(e) => setMessage('app_name', e.target.value)} />
        </label>
        <label>
          Invited by
          <input value={batch.message.organization} onChange={(e) => setMessage('organization', e.target.value)} />
        </label>
        <label>
          Who to ask for a new link
          <input
            value={batch.message.support_contact}
            placeholder="it@example.com or https://help.example.com"
            onChange={(e) => setMessage('support_contact', e.target.value)}
          />
        </label>
        <label>
          The batch’s language (for people whose list gives none)
          <select
            name="batch_language"
            value={batch.message.language}
            onChange={(e) => onChange({ ...batch, message: { ...batch.message, language: e.target.value } })}
          >
            {Array.from(new Set([...batchLanguages, batch.message.language])).map((tag) => (
              <option key={tag} value={tag}>
                {languageName(tag)} ({tag})
              </option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend>Message</legend>
          {WORDINGS.map(([id, label]) => (
            <label key={id} className="inline">
              <input type="radio" name="wording" checked={which === id} onChange={() => setWhich(id)} />
              {label}
            </label>
          ))}
          {batch.delivery.kind === 'auth0' && which === 'invitation' && (
            <p className="muted">
              Auth0 sends this invitation with its own email template. Each person’s language (from the
              list’s language column) is stored as user_metadata.locale, which that template can use.
            </p>
          )}
          {which !== 'invitation' && (
            <p className="muted" data-testid="wording-note">
              {which === 'reminder'
                ? 'Sent with a new link to people who have not accepted (Follow-up, or the cadence on the Invitation step).'
                : 'Sent with a new link to people whose link expired unused.'}
            </p>
          )}
        </fieldset>
        <MessageEditor profile={profile} batch={batch} kind={which} onChange={onChange} error={previewError} />
        <fieldset>
          <legend>Delivery</legend>
          <label className="inline">
            <input
              type="radio"
              name="delivery"
              checked={d.kind === 'smtp'}
              onChange={() => setDelivery({ kind: 'smtp', url: '', from: '', reply_to: null })}
            />
            Send by SMTP
          </label>
          <label className="inline">
            <input
              type="radio"
              name="delivery"
              checked={d.kind === 'outbox'}
              onChange={() => setDelivery({ kind: 'outbox', dir: '', from: null })}
            />
            Write .eml files to a folder (outbox)
          </label>
          <label className="inline">
            <input
              type="radio"
              name="delivery"
              checked={d.kind === 'export-links'}
              onChange={() => setDelivery({ kind: 'export-links', file: '' })}
            />
            Export the links to a CSV (they are bearer secrets)
          </label>
          {batch.invitation.mode === 'organization' && (
            <label className="inline">
              <input type="radio" name="delivery" checked={d.kind === 'auth0'} onChange={() => setDelivery({ kind: 'auth0' })} />
              Auth0 sends the invitation
            </label>
          )}
          {d.kind === 'smtp' && (
            <>
              <DeliveryInput
                name="smtp_url"
                value={d.url}
                problems={problems}
                example={SMTP_URL_EXAMPLE}
                onChange={(url) => setDelivery({ ...d, url })}
              />
              <DeliveryInput
                name="from"
                value={d.from}
                problems={problems}
                example="Acme IT <it@acme.example>"
                onChange={(from) => setDelivery({ ...d, from })}
              />
            </>
          )}
          {d.kind === 'outbox' && (
            <DeliveryInput name="outbox_dir" value={d.dir} problems={problems} onChange={(dir) => setDelivery({ ...d, dir })} />
          )}
          {d.kind === 'export-links' && (
            <DeliveryInput
              name="links_file"
              value={d.file}
              problems={problems}
              onChange={(file) => setDelivery({ ...d, file })}
            />
          )}
        </fieldset>
        {d.kind === 'smtp' && (
          <div className="actions">
            <label>
              Send a test to
              <input type="email" name="test_to" value={testTo} onChange={(e) => setTestTo(e.target.value)} />
            </label>
            <label>
              in
              <select name="test_language" value={testLanguage} onChange={(e) => setTestLanguage(e.target.value)}>
                <option value="">the batch’s language</option>
                {offered.map((tag) => (
                  <option key={tag} value={tag}>
                    {languageName(tag)}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              disabled={sendTest.busy || !testTo}
              onClick={async () =>
                setTestResult((await sendTest.run(profile, batch, testTo, which, testLanguage || null)) ?? null)
              }
            >
              Send test
            </button>
          </div>
        )}
        {testResult && <p className="ok" data-testid="test-result">{testResult}</p>}
        {sendTest.error && <ErrorNotice error={sendTest.error} />}
      </div>
      <div className="preview" aria-label="Preview">
        <label>
          Preview for
          <select
            name="preview_person"
            value={line ?? ''}
            onChange={(e) => setLine(e.target.value ? Number(e.target.value) : null)}
          >
            {batch.people.slice(0, 500).map((p) => (
              <option key={p.line} value={p.line}>
                {p.email}
                {p.locale ? ` (${p.locale})` : ''}
              </option>
            ))}
          </select>
        </label>
        <div className="actions">
          <label>
            In
            <select name="preview_language" value={language} onChange={(e) => setLanguage(e.target.value)}>
              <option value="">their language</option>
              {offered.map((tag) => (
                <option key={tag} value={tag}>
                  {languageName(tag)}
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            <input type="checkbox" name="phone_width" checked={phone} onChange={(e) => setPhone(e.target.checked)} />
            Phone width
          </label>
        </div>
        {batch.people.length === 0 && <p className="muted">Add people to see the preview.</p>}
        {previewError && <ErrorNotice error={previewError} />}
        {preview && (
          <div className={previewError ? 'preview--stale' : undefined} data-testid="preview-body">
            {previewError && (
              <p className="muted" role="status">
                Not up to date: this is the last message that could be made. Fix the error above to see the new one.
              </p>
            )}
            <dl className="facts">
              <dt>To</dt>
              <dd data-testid="preview-to">{preview.to}</dd>
              <dt>From</dt>
              <dd>{preview.from}</dd>
              <dt>Subject</dt>
              <dd data-testid="preview-subject">{preview.subject}</dd>
              <dt>Language</dt>
              <dd data-testid="preview-language">
                {preview.language_name} ({preview.language})
                {preview.person_language && !preview.person_language_has_wording && !language && (
                  <span className="muted">
                    {' '}
                    · their language, {languageName(preview.person_language)}, has no wording here
                  </span>
                )}
              </dd>
            </dl>
            {preview.warnings.length > 0 && (
              <div className="notice notice--warning" role="status" data-testid="preview-warnings">
                <ul>
                  {preview.warnings.map((w) => (
                    <li key={w}>{w}</li>
                  ))}
                </ul>
              </div>
            )}
            {/* The message at a mail program's width, scaled down to the pane: never cut off. */}
            <div className="preview__pane" ref={pane} style={{ height: PREVIEW_HEIGHT * scale }}>
              {/* No scripts, no same origin: the message is shown, never run. */}
              <iframe
                title="HTML preview"
                sandbox=""
                src={commands.previewPageUrl(preview.page)}
                className="preview__html"
                data-width={frameWidth}
                data-scale={scale.toFixed(3)}
                style={{ width: frameWidth, height: PREVIEW_HEIGHT, transform: `scale(${scale})` }}
              />
            </div>
            {preview.remote_resources.length > 0 ? (
              <div className="notice notice--warning" role="status" data-testid="preview-remote">
                <p>
                  This message loads {preview.remote_resources.length === 1 ? 'a file' : `${preview.remote_resources.length} files`}{' '}
                  from the internet when it is opened (not in this preview). Mail clients may fetch them, telling
                  their owner who opened the invitation and when. Embed images instead (data: or cid:).
                </p>
                <ul>
                  {preview.remote_resources.map((url) => (
                    <li key={url}>
                      <code>{url}</code>
                    </li>
                  ))}
                </ul>
              </div>
            ) : (
              <p className="muted">The message loads nothing from the internet.</p>
            )}
            <pre className="preview__text" data-testid="preview-text">
              {preview.text}
            </pre>
          </div>
        )}
      </div>
    </div>
  );
}
