import { useEffect, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { AppError, BatchFile, Delivery, PreviewMessage, TemplateSet } from '../../generated/bindings';
import { commands } from '../../platform/ipc';
import { useAction } from '../../state/useAsync';

interface EmailStepProps {
  profile: string | null;
  batch: BatchFile;
  onChange: (batch: BatchFile) => void;
}

/** Which of the batch's messages the step edits and previews. */
type Wording = 'invitation' | 'reminder' | 'reissue';

const WORDINGS: [Wording, string][] = [
  ['invitation', 'Invitation'],
  ['reminder', 'Reminder (follow-up)'],
  ['reissue', 'New link after an expiry (follow-up)'],
];

/** The wording being edited: the invitation's, or a follow-up message's (built-in when the batch has none). */
function wordingOf(batch: BatchFile, which: Wording): TemplateSet | null {
  if (which === 'reminder') return batch.follow_up.reminder_template;
  if (which === 'reissue') return batch.follow_up.reissue_template;
  return batch.template;
}

export function EmailStep({ profile, batch, onChange }: EmailStepProps) {
  const [which, setWhich] = useState<Wording>('invitation');
  const [line, setLine] = useState<number | null>(batch.people[0]?.line ?? null);
  const [preview, setPreview] = useState<PreviewMessage | null>(null);
  const [previewError, setPreviewError] = useState<AppError | null>(null);
  const [testTo, setTestTo] = useState('');
  const [testResult, setTestResult] = useState<string | null>(null);
  const sendTest = useAction(commands.sendTest);

  const wording = wordingOf(batch, which) ?? batch.template;
  // The preview follows every edit: the engine renders exactly what will be sent (a follow-up
  // message is previewed as the batch would send it with that wording).
  useEffect(() => {
    if (batch.people.length === 0) return;
    let live = true;
    const shown = which === 'invitation' ? batch : { ...batch, template: wordingOf(batch, which) ?? batch.template };
    const timer = setTimeout(() => {
      commands.preview(shown, line).then(
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
  }, [batch, line, which]);

  const setTemplate = (part: 'subject' | 'html' | 'text', value: string) => {
    const changed = { ...wording, [part]: value };
    if (which === 'reminder') onChange({ ...batch, follow_up: { ...batch.follow_up, reminder_template: changed } });
    else if (which === 'reissue') onChange({ ...batch, follow_up: { ...batch.follow_up, reissue_template: changed } });
    else onChange({ ...batch, template: changed });
  };
  const setMessage = (key: 'app_name' | 'organization' | 'support_contact', value: string) =>
    onChange({ ...batch, message: { ...batch.message, [key]: value } });
  const setDelivery = (delivery: Delivery) => onChange({ ...batch, delivery });
  const d = batch.delivery;

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
            onChange={(e) => setMessage('support_contact', e.target.value)}
          />
        </label>
        <fieldset>
          <legend>Message</legend>
          {WORDINGS.map(([id, label]) => (
            <label key={id} className="inline">
              <input type="radio" name="wording" checked={which === id} onChange={() => setWhich(id)} />
              {label}
            </label>
          ))}
          {which !== 'invitation' && (
            <p className="muted" data-testid="wording-note">
              {which === 'reminder'
                ? 'Sent with a new link to people who have not accepted (Follow-up, or the cadence on the Invitation step).'
                : 'Sent with a new link to people whose link expired unused.'}
            </p>
          )}
        </fieldset>
        <label>
          Subject
          <input name="subject" value={wording.subject} onChange={(e) => setTemplate('subject', e.target.value)} />
        </label>
        <label>
          HTML body
          <textarea
            name="html"
            rows={8}
            spellCheck={false}
            value={wording.html}
            onChange={(e) => setTemplate('html', e.target.value)}
          />
        </label>
        <label>
          Text body
          <textarea
            name="text"
            rows={6}
            spellCheck={false}
            value={wording.text}
            onChange={(e) => setTemplate('text', e.target.value)}
          />
        </label>
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
              <label>
                SMTP server URL
                <input name="smtp_url" value={d.url} onChange={(e) => setDelivery({ ...d, url: e.target.value })} />
              </label>
              <label>
                Sender
                <input name="from" value={d.from} onChange={(e) => setDelivery({ ...d, from: e.target.value })} />
              </label>
            </>
          )}
          {d.kind === 'outbox' && (
            <label>
              Outbox folder
              <input name="outbox_dir" value={d.dir} onChange={(e) => setDelivery({ ...d, dir: e.target.value })} />
            </label>
          )}
          {d.kind === 'export-links' && (
            <label>
              Links file
              <input name="links_file" value={d.file} onChange={(e) => setDelivery({ ...d, file: e.target.value })} />
            </label>
          )}
        </fieldset>
        {d.kind === 'smtp' && (
          <div className="actions">
            <label>
              Send a test to
              <input type="email" name="test_to" value={testTo} onChange={(e) => setTestTo(e.target.value)} />
            </label>
            <button
              type="button"
              disabled={sendTest.busy || !testTo}
              onClick={async () => setTestResult((await sendTest.run(profile, batch, testTo)) ?? null)}
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
              </option>
            ))}
          </select>
        </label>
        {batch.people.length === 0 && <p className="muted">Add people to see the preview.</p>}
        {previewError && <ErrorNotice error={previewError} />}
        {preview && (
          <>
            <dl className="facts">
              <dt>To</dt>
              <dd data-testid="preview-to">{preview.to}</dd>
              <dt>From</dt>
              <dd>{preview.from}</dd>
              <dt>Subject</dt>
              <dd data-testid="preview-subject">{preview.subject}</dd>
            </dl>
            {/* No scripts, no same origin: the message is shown, never run. */}
            <iframe
              title="HTML preview"
              sandbox=""
              src={commands.previewPageUrl(preview.page)}
              className="preview__html"
            />
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
          </>
        )}
      </div>
    </div>
  );
}
