import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { FollowUpSettings } from '../../generated/bindings';
import { useState } from 'react';
import { FollowUpFields } from './FollowUpFields';
import { parseDays } from './invitationFields';
import type { RawFields } from './invitationFields';

/** The wizard keeps what was typed; so does this. */
function Typed({ onChange }: { onChange: (f: FollowUpSettings) => void }) {
  const [raw, setRaw] = useState<RawFields>({});
  return <FollowUpFields followUp={none} onChange={onChange} raw={raw} onRaw={setRaw} />;
}

const none: FollowUpSettings = {
  remind_after_days: [],
  reissue_expired: false,
  max_reminders: 2,
  mark_accepted: false,
  reminder_template: null,
  reissue_template: null,
};

describe('FollowUpFields', () => {
  it('reads the reminder days the way the engine checks them', () => {
    expect(parseDays('3, 6')).toEqual([3, 6]);
    expect(parseDays('3 6;9')).toEqual([3, 6, 9]);
    expect(parseDays('')).toEqual([]);
    expect(parseDays('6, 3')).toBeNull();
    expect(parseDays('0')).toBeNull();
    expect(parseDays('400')).toBeNull();
    expect(parseDays('two')).toBeNull();
  });

  it('saves a valid cadence and says what is wrong with an invalid one, keeping the text as typed', async () => {
    const onChange = vi.fn();
    const user = userEvent.setup();
    render(<Typed onChange={onChange} />);
    const days = screen.getByRole('textbox', { name: /Remind those who have not accepted/ });
    await user.type(days, '3, 6');
    expect(onChange).toHaveBeenLastCalledWith({ ...none, remind_after_days: [3, 6] });
    onChange.mockClear();
    await user.type(days, ', 2');
    expect(days).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText(/Give growing whole days/)).toHaveTextContent('Review waits until the list is valid.');
    expect(days).toHaveValue('3, 6, 2');
    expect(onChange).not.toHaveBeenCalledWith(expect.objectContaining({ remind_after_days: [3, 6, 2] }));
    await user.click(screen.getByRole('checkbox', { name: /send a new one/ }));
    expect(onChange).toHaveBeenLastCalledWith({ ...none, reissue_expired: true });
  });
});
