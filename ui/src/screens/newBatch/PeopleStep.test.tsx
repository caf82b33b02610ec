import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { EDITABLE_LINES, PeopleStep, visiblePart } from './PeopleStep';

vi.mock('../../platform/ipc', async () => ({ commands: (await import('../../test/ipcMock')).mockCommands() }));

describe('PeopleStep with a long list', () => {
  it('shows and edits a list up to the limit whole', () => {
    const text = Array.from({ length: EDITABLE_LINES }, (_, i) => `p${i}@example.com`).join('\n');
    expect(visiblePart(text)).toEqual({ shown: text, lines: EDITABLE_LINES, partial: false });
  });

  it('shows the first lines of a longer one, read-only, and says what is not shown', () => {
    const lines = Array.from({ length: EDITABLE_LINES + 1000 }, (_, i) => `p${i}@example.com`);
    const text = lines.join('\n');
    const part = visiblePart(text);
    expect(part.partial).toBe(true);
    expect(part.lines).toBe(EDITABLE_LINES + 1000);
    expect(part.shown.split('\n')).toEqual(lines.slice(0, EDITABLE_LINES));

    render(<PeopleStep text={text} mapping={null} report={null} onText={() => {}} onMapping={() => {}} />);
    const area = screen.getByRole('textbox') as HTMLTextAreaElement;
    expect(area.readOnly).toBe(true);
    expect(area.value.split('\n')).toHaveLength(EDITABLE_LINES);
    expect(screen.getByTestId('partial-list').textContent).toContain('first 5,000 of 6,000 lines');
  });
});
