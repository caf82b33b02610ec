import { localTime } from '../format';

/** A time in the reader's own format, the exact UTC value kept for a hover and for machines. */
export function LocalTime({ at }: { at: string | null | undefined }) {
  if (!at) return <>—</>;
  return (
    <time dateTime={at} title={at}>
      {localTime(at)}
    </time>
  );
}
