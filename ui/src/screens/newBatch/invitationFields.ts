// The Invitation step's typed fields, checked as they are filled in with the engine's rules
// (batch.rs: https URLs, http only for this machine; link lifetime; a JSON object of metadata).
// What is typed is kept as typed, even when wrong: Review refuses to run until it is fixed, so
// nothing is silently replaced by an earlier value. A saved draft keeps them as typed too.
import type { TypedFields } from '../../generated/bindings';

export interface RawFields {
  ttlDays?: string;
  resultUrl?: string;
  metadata?: string;
  remindDays?: string;
}

export type FieldName = 'ttl_days' | 'result_url' | 'app_metadata' | 'remind_after_days';

/** The fields as a saved draft keeps them (`null`: not typed, the batch's value shows). */
export function rawOf(typed: TypedFields | undefined): RawFields {
  const raw: RawFields = {};
  if (typed?.ttl_days != null) raw.ttlDays = typed.ttl_days;
  if (typed?.result_url != null) raw.resultUrl = typed.result_url;
  if (typed?.app_metadata != null) raw.metadata = typed.app_metadata;
  if (typed?.remind_after_days != null) raw.remindDays = typed.remind_after_days;
  return raw;
}

export function typedOf(raw: RawFields): TypedFields {
  return {
    ttl_days: raw.ttlDays ?? null,
    result_url: raw.resultUrl ?? null,
    app_metadata: raw.metadata ?? null,
    remind_after_days: raw.remindDays ?? null,
  };
}

/** Said beside the reminder days and in Review while they are not a growing list. */
export const REMIND_DAYS_PROBLEM = 'Give growing whole days from 1 to 365, e.g. 3, 6.';

/** "3, 6" as the days it names; `null` while the text is not a growing list of days 1 to 365. */
export function parseDays(text: string): number[] | null {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const days = trimmed.split(/[\s,;]+/).map(Number);
  if (days.some((d) => !Number.isInteger(d) || d < 1 || d > 365)) return null;
  return days.every((d, i) => i === 0 || d > (days[i - 1] ?? 0)) ? days : null;
}

export interface FieldProblem {
  /** Plain words, next to the field. */
  message: string;
  /** The engine's kind of error and what was refused, for the details line. */
  detail: string;
}

const DAY = 86_400;
const MAX_DAYS = 365;
const MAX_ORGANIZATION_DAYS = 30;

export function maxDays(organization: boolean): number {
  return organization ? MAX_ORGANIZATION_DAYS : MAX_DAYS;
}

/** The lifetime in seconds `text` (days) means, or why it is refused. */
export function ttlFromDays(text: string, organization: boolean): { secs: number } | { problem: FieldProblem } {
  const days = Number(text.trim().replace(',', '.'));
  const max = maxDays(organization);
  if (text.trim() === '' || !Number.isFinite(days)) {
    return { problem: { message: 'Write a number of days, for example 7.', detail: `invalid_input: "${text}" is not a number` } };
  }
  if (days * DAY < 60) {
    return { problem: { message: 'A link must stay valid for some time: at least a minute.', detail: `invalid_input: ${days} days` } };
  }
  if (days > max) {
    return {
      problem: {
        message: organization
          ? `An organization invitation can stay valid ${max} days at most (Auth0's limit).`
          : `A link can stay valid ${max} days at most (Auth0's limit).`,
        detail: `invalid_input: ${days} days is over ${max}`,
      },
    };
  }
  return { secs: Math.round(days * DAY) };
}

/** Why a result URL is refused, or null. */
export function resultUrlProblem(text: string): FieldProblem | null {
  const url = text.trim();
  if (url === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {
      message: 'Write the whole address, starting with https:// (for example https://app.example.com/welcome).',
      detail: `invalid_input: result_url "${url}" is not a URL`,
    };
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && loopback)) return null;
  return {
    message: 'The address must start with https:// (plain http only for this computer).',
    detail: `invalid_input: result_url must be an https URL: ${url}`,
  };
}

/** The metadata `text` means (a JSON object), or why it is refused. */
export function metadataFromText(text: string): { value: Record<string, unknown> } | { problem: FieldProblem } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.trim() || '{}');
  } catch (e) {
    return {
      problem: {
        message: 'This is not valid JSON yet. Write an object such as {"plan": "gold"}.',
        detail: `invalid_input: ${(e as Error).message}`,
      },
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      problem: {
        message: 'Write an object in braces, such as {"plan": "gold"}: a list or a single value cannot be stamped.',
        detail: 'invalid_input: app_metadata must be a JSON object',
      },
    };
  }
  return { value: parsed as Record<string, unknown> };
}

/** Every problem of what was typed (the fields typed into; the others hold valid values). */
export function fieldProblems(raw: RawFields, organization: boolean): Partial<Record<FieldName, FieldProblem>> {
  const out: Partial<Record<FieldName, FieldProblem>> = {};
  if (raw.ttlDays !== undefined) {
    const ttl = ttlFromDays(raw.ttlDays, organization);
    if ('problem' in ttl) out.ttl_days = ttl.problem;
  }
  if (raw.resultUrl !== undefined && !organization) {
    const problem = resultUrlProblem(raw.resultUrl);
    if (problem) out.result_url = problem;
  }
  if (raw.remindDays !== undefined && parseDays(raw.remindDays) === null) {
    out.remind_after_days = {
      message: REMIND_DAYS_PROBLEM,
      detail: `invalid_input: "${raw.remindDays}" is not a growing list of days`,
    };
  }
  if (raw.metadata !== undefined) {
    const metadata = metadataFromText(raw.metadata);
    if ('problem' in metadata) out.app_metadata = metadata.problem;
  }
  return out;
}

export const FIELD_LABELS: Record<FieldName, string> = {
  ttl_days: 'Link lifetime',
  result_url: 'Result URL',
  app_metadata: 'app_metadata',
  remind_after_days: 'Reminder days',
};
