import type { FollowUpSettings } from '../../generated/bindings';
import { REMIND_DAYS_PROBLEM, type RawFields, parseDays } from './invitationFields';

interface FollowUpFieldsProps {
  followUp: FollowUpSettings;
  onChange: (followUp: FollowUpSettings) => void;
  /** The fields as typed (kept by the wizard: Review waits while the days are not a valid list). */
  raw: RawFields;
  onRaw: (raw: RawFields) => void;
}

/** The cadence saved with the batch: reminders after some days, one new link for the expired, writing acceptance back. */
export function FollowUpFields({ followUp, onChange, raw, onRaw }: FollowUpFieldsProps) {
  const daysText = raw.remindDays ?? followUp.remind_after_days.join(', ');
  const parsed = parseDays(daysText);
  return (
    <fieldset>
      <legend>Follow-up</legend>
      <label>
        Remind those who have not accepted, this many days after their invitation
        <input
          name="remind_after_days"
          value={daysText}
          placeholder="e.g. 3, 6 (empty: no reminders scheduled)"
          aria-invalid={parsed === null}
          aria-describedby="remind-after-help"
          onChange={(e) => {
            onRaw({ ...raw, remindDays: e.target.value });
            const days = parseDays(e.target.value);
            if (days) onChange({ ...followUp, remind_after_days: days });
          }}
        />
      </label>
      <p id="remind-after-help" className={parsed === null ? 'warn' : 'muted'}>
        {parsed === null
          ? `${REMIND_DAYS_PROBLEM} Review waits until the list is valid.`
          : `At most ${followUp.max_reminders} reminders a person. The app says when they are due; invite-desk followup --due sends them from a scheduled task.`}
      </p>
      <label className="inline">
        <input
          type="checkbox"
          name="reissue_expired"
          checked={followUp.reissue_expired}
          onChange={(e) => onChange({ ...followUp, reissue_expired: e.target.checked })}
        />
        When a link expires unused, send a new one (once)
      </label>
      <label className="inline">
        <input
          type="checkbox"
          name="mark_accepted"
          checked={followUp.mark_accepted}
          onChange={(e) => onChange({ ...followUp, mark_accepted: e.target.checked })}
        />
        Mark accepted invitations in Auth0 (app_metadata.invitation.status)
      </label>
    </fieldset>
  );
}
