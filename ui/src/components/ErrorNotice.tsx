import type { AppError } from '../generated/bindings';

/** A human message that keeps the machine code, so support can search for it. */
export function ErrorNotice({ error }: { error: AppError }) {
  return (
    <div role="alert" className="error-notice">
      <strong>{error.message}</strong> <code className="error-notice__code">{error.code}</code>
    </div>
  );
}
