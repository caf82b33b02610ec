import type { BatchFile, MessageKind, Template, Variant, Wording } from '../../generated/bindings';

/** The languages Invite Desk has built-in wording in. */
export const BUILTIN_LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt'];

/** Variables a message may use, as the wording editor offers them. */
export const VARIABLES: [string, string][] = [
  ['greeting_name', 'Greeting name (first name, else name, else the address)'],
  ['person.email', 'Email address'],
  ['person.given_name', 'First name'],
  ['person.family_name', 'Last name'],
  ['person.name', 'Full name'],
  ['app_name', 'Application name'],
  ['organization', 'Invited by'],
  ['support_contact', 'Who to ask for a new link'],
  ['expires_in', 'When the link expires ("in 7 days")'],
  ['expires_at', 'Expiry date and time'],
  ['link', 'The link'],
];

const names = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(['en'], { type: 'language' }) : null;

/** "German", "French (Canada)"; the tag itself when the name is unknown. */
export function languageName(tag: string): string {
  try {
    return names?.of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** The batch's own wording of a message; `null`: the built-in one. */
export function ownTemplate(batch: BatchFile, kind: MessageKind): Template | null {
  if (kind === 'reminder') return batch.follow_up.reminder_template;
  if (kind === 'reissue') return batch.follow_up.reissue_template;
  return batch.template;
}

/** The batch with `template` as its wording of `kind` (`null`: back to the built-in wording). */
export function withTemplate(batch: BatchFile, kind: MessageKind, template: Template | null): BatchFile {
  if (kind === 'reminder') return { ...batch, follow_up: { ...batch.follow_up, reminder_template: template } };
  if (kind === 'reissue') return { ...batch, follow_up: { ...batch.follow_up, reissue_template: template } };
  return { ...batch, template };
}

/** The batch as it would be with the built-in wording of every message. */
export function withBuiltinWording(batch: BatchFile): BatchFile {
  return {
    ...batch,
    template: null,
    follow_up: { ...batch.follow_up, reminder_template: null, reissue_template: null },
  };
}

export function isWording(variant: Variant): variant is Wording {
  return 'paragraphs' in variant;
}

/** The key of a wording field, as the editor names its inputs. */
export type FieldKey = string;

/** Where the engine says a template is wrong. */
export interface TemplateProblem {
  /** The language it is in (`null`: the template has one language). */
  language: string | null;
  /** A wording field (`subject`, `paragraphs.1`, `notes.0`, `sign_off`…) or a markup part (`html`…). */
  field: FieldKey;
  markup: boolean;
  /** Whether the engine said where (else the whole part is wrong, e.g. it lacks the link). */
  positioned: boolean;
  line: number;
  column: number;
  message: string;
}

const FIELD_KEYS: Record<string, FieldKey> = {
  subject: 'subject',
  greeting: 'greeting',
  button: 'button',
  'sign-off': 'sign_off',
  'link hint': 'link_hint',
};

/** Reads the engine's "German (de): paragraph 2, line 1, column 5: …" and "html template, line 3, column 9: …". */
export function templateProblem(message: string): TemplateProblem | null {
  const languaged = /^(?:.+? \(([A-Za-z0-9-]+)\): )?(.*)$/s.exec(message);
  if (!languaged) return null;
  const language = languaged[1] ?? null;
  const rest = languaged[2] ?? '';
  const markup = /^(subject|html|text) template(?:, line (\d+), column (\d+))?: (.*)$/s.exec(rest);
  if (markup) {
    return {
      language,
      field: markup[1] ?? 'html',
      markup: true,
      positioned: markup[2] !== undefined,
      line: Number(markup[2] ?? 1),
      column: Number(markup[3] ?? 1),
      message: markup[4] ?? '',
    };
  }
  const field = /^(subject|greeting|paragraph \d+|button|note \d+|sign-off|link hint)(?:, line (\d+))?, column (\d+): (.*)$/s.exec(
    rest,
  );
  if (!field) return null;
  const name = field[1] ?? '';
  const numbered = /^(paragraph|note) (\d+)$/.exec(name);
  const key = numbered
    ? `${numbered[1] === 'paragraph' ? 'paragraphs' : 'notes'}.${Number(numbered[2]) - 1}`
    : (FIELD_KEYS[name] ?? name);
  return {
    language,
    field: key,
    markup: false,
    positioned: true,
    line: Number(field[2] ?? 1),
    column: Number(field[3] ?? 1),
    message: field[4] ?? '',
  };
}
