import { useRef, useState } from 'react';
import type { Wording } from '../../generated/bindings';
import { VARIABLES, type FieldKey, type TemplateProblem } from './messageTemplate';

interface WordingEditorProps {
  /** The language's tag, to name the fields apart when two languages are side by side. */
  language: string;
  wording: Wording;
  onChange: (wording: Wording) => void;
  problem: TemplateProblem | null;
}

type Editable = HTMLInputElement | HTMLTextAreaElement;

/**
 * One language's message as words: subject, greeting, paragraphs, the button's label, notes and
 * sign-off. Invite Desk lays both the HTML and the text part out from these same words.
 */
export function WordingEditor({ language, wording, onChange, problem }: WordingEditorProps) {
  const focused = useRef<{ key: FieldKey; element: Editable } | null>(null);
  const [variable, setVariable] = useState(VARIABLES[0]?.[0] ?? 'link');

  const valueOf = (key: FieldKey): string => {
    const [list, index] = key.split('.');
    if (list === 'paragraphs' || list === 'notes') return wording[list][Number(index)] ?? '';
    return wording[key as 'subject' | 'greeting' | 'button' | 'sign_off' | 'link_hint'];
  };
  const set = (key: FieldKey, value: string) => {
    const [list, index] = key.split('.');
    if (list === 'paragraphs' || list === 'notes') {
      const at = Number(index);
      // A field removed since it was focused is not written back.
      if (!(at >= 0 && at < wording[list].length)) return;
      const items = [...wording[list]];
      items[at] = value;
      onChange({ ...wording, [list]: items });
    } else {
      onChange({ ...wording, [key]: value });
    }
  };

  const insertVariable = (name: string) => {
    const target = focused.current;
    if (!target || !name) return;
    const tag = `{{ ${name} }}`;
    const current = valueOf(target.key);
    const start = target.element.selectionStart ?? current.length;
    const end = target.element.selectionEnd ?? start;
    set(target.key, current.slice(0, start) + tag + current.slice(end));
    const element = target.element;
    requestAnimationFrame(() => {
      element.focus();
      element.setSelectionRange(start + tag.length, start + tag.length);
    });
  };

  const field = (key: FieldKey, label: string, multiline: boolean) => {
    const wrong = problem && !problem.markup && problem.field === key ? problem : null;
    const common = {
      name: `${language}.${key}`,
      value: valueOf(key),
      'aria-invalid': wrong ? true : undefined,
      'aria-describedby': wrong ? `${language}-${key}-error` : undefined,
      onFocus: (e: React.FocusEvent<Editable>) => {
        focused.current = { key, element: e.currentTarget };
      },
      onChange: (e: React.ChangeEvent<Editable>) => set(key, e.target.value),
    };
    return (
      <label key={key} className={wrong ? 'field field--error' : 'field'}>
        {label}
        {multiline ? <textarea rows={3} {...common} /> : <input {...common} />}
        {wrong && (
          <span className="field__error" id={`${language}-${key}-error`} role="alert">
            {wrong.message}
            <span className="muted">
              {' '}
              ({wrong.line > 1 ? `line ${wrong.line}, ` : ''}column {wrong.column})
            </span>
          </span>
        )}
      </label>
    );
  };

  const list = (name: 'paragraphs' | 'notes', label: string, what: string) => (
    <fieldset className="wording__list">
      <legend>{label}</legend>
      {wording[name].map((_, i) => (
        <div key={`${name}.${i}`} className="wording__item">
          {field(`${name}.${i}`, `${what} ${i + 1}`, true)}
          <button
            type="button"
            className="link-button"
            aria-label={`Remove ${what.toLowerCase()} ${i + 1}`}
            onClick={() => {
              focused.current = null;
              onChange({ ...wording, [name]: wording[name].filter((__, j) => j !== i) });
            }}
          >
            Remove
          </button>
        </div>
      ))}
      <button type="button" className="link-button" onClick={() => onChange({ ...wording, [name]: [...wording[name], ''] })}>
        Add a {what.toLowerCase()}
      </button>
    </fieldset>
  );

  return (
    <div className="wording" data-testid={`wording-${language}`}>
      <div className="wording__variables actions">
        <label>
          Variable
          <select value={variable} onChange={(e) => setVariable(e.target.value)} aria-label={`Variable (${language})`}>
            {VARIABLES.map(([name, label]) => (
              <option key={name} value={name}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {/* Inserted where the cursor was in the last field used (the button takes the focus). */}
        <button type="button" onMouseDown={(e) => e.preventDefault()} onClick={() => insertVariable(variable)}>
          Insert where the cursor is
        </button>
      </div>
      {field('subject', 'Subject', false)}
      {field('greeting', 'Greeting', false)}
      {list('paragraphs', 'Before the button', 'Paragraph')}
      {field('button', 'Button label', false)}
      {list('notes', 'After the button: when the link expires, how to get a new one', 'Note')}
      {field('sign_off', 'Sign-off', true)}
      {field('link_hint', 'Under the button, before the link written out', false)}
    </div>
  );
}
