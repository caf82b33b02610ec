import { describe, expect, it } from 'vitest';
import { localTime } from './format';

describe('localTime', () => {
  it('writes a time the way this computer writes times, never as raw ISO', () => {
    const shown = localTime('2026-11-22T10:01:00.123Z');
    expect(shown).toContain('2026');
    expect(shown).not.toContain('T10');
    expect(shown).not.toContain('.123');
    expect(shown).toBe(
      new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date('2026-11-22T10:01:00.123Z')),
    );
  });

  it('says nothing was there, and keeps what is not a time as it is', () => {
    expect(localTime(null)).toBe('—');
    expect(localTime('soon')).toBe('soon');
  });
});
