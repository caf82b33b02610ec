/**
 * Times as the person at this computer reads them: their time zone, their date format ("Nov 22,
 * 2026, 10:01 AM" in the US, "22.11.2026, 10:01" in Germany). The engine keeps UTC ISO 8601; the
 * exact value stays in the element's `dateTime` and tooltip.
 */
const formatter = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function localTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : formatter.format(at);
}
