import { useEffect, useRef, useState } from 'react';
import { CodeEditor } from '../../components/CodeEditor';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { AppError, BatchFile, MessageKind, SavedTemplate, Template, TemplateSet, Variant } from '../../generated/bindings';
import { commands } from '../../platform/ipc';
import { useAction } from '../../state/useAsync';
import { WordingEditor } from './WordingEditor';
import {
  BUILTIN_LANGUAGES,
  isWording,
  languageName,
  ownTemplate,
  templateProblem,
  withBuiltinWording,
  withTemplate,
  type TemplateProblem,
} from './messageTemplate';

interface MessageEditorProps {
  profile: string | null;
  batch: BatchFile;
  kind: MessageKind;
  onChange: (batch: BatchFile) => void;
  /** The preview's error, when the message does not compile: marked at its field. */
  error: AppError | null;
}

const MAX_LOGO_BYTES = 100 * 1024;

const KIND_NAMES: Record<MessageKind, string> = {
  invitation: 'invitation',
  reminder: 'reminder',
  reissue: 'new link',
};

/** A typed language as its canonical tag (`de_de` → `de-DE`), or `null` when it is none. */
function canonicalTag(typed: string): string | null {
  try {
    return Intl.getCanonicalLocales(typed.trim().replaceAll('_', '-'))[0] ?? null;
  } catch {
    return null;
  }
}

/** The built-in wording of `kind` for the batch as it is (mode, names), every language. */
function useBuiltin(batch: BatchFile, kind: MessageKind): Template | null {
  const [builtin, setBuiltin] = useState<Template | null>(null);
  const { mode } = batch.invitation;
  const { app_name, organization, support_contact } = batch.message;
  const key = JSON.stringify([kind, mode, app_name, organization, support_contact, batch.purpose]);
  useEffect(() => {
    let live = true;
    commands.templateOf(withBuiltinWording(batch), kind).then(
      (t) => live && setBuiltin(t),
      () => live && setBuiltin(null),
    );
    return () => {
      live = false;
    };
    // Only what the built-in wording depends on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return builtin;
}

export function MessageEditor({ profile, batch, kind, onChange, error }: MessageEditorProps) {
  const builtin = useBuiltin(batch, kind);
  const own = ownTemplate(batch, kind);
  const template = own ?? builtin;
  const languages = template ? Object.keys(template.languages) : [];
  const [chosen, setChosen] = useState<string | null>(null);
  const [beside, setBeside] = useState<string>('');
  const [adding, setAdding] = useState('');
  const [logoError, setLogoError] = useState<string | null>(null);
  const primary =
    chosen && languages.includes(chosen)
      ? chosen
      : languages.includes(batch.message.language)
        ? batch.message.language
        : (languages[0] ?? 'en');
  const problem: TemplateProblem | null = error ? templateProblem(error.message) : null;
  const problemIn = (tag: string) =>
    problem && (problem.language === tag || (problem.language === null && languages.length === 1)) ? problem : null;

  // What an answer that arrives later (a conversion, a file read, a saved template) builds on:
  // the batch as it is then, not as it was when it was asked for.
  const latest = useRef({ batch, template });
  useEffect(() => {
    latest.current = { batch, template };
  }, [batch, template]);
  const change = (next: Template | null) => onChange(withTemplate(batch, kind, next));
  const setVariant = (tag: string, variant: Variant) => {
    if (!template) return;
    change({ ...template, languages: { ...template.languages, [tag]: variant } });
  };
  /** After a wait: the change made to the wording as it is by then. */
  const later = (update: (current: Template) => Template) => {
    const { batch: now, template: current } = latest.current;
    if (current) onChange(withTemplate(now, kind, update(current)));
  };
  const removeLanguage = (tag: string) => {
    if (!template) return;
    const rest = Object.fromEntries(Object.entries(template.languages).filter(([t]) => t !== tag));
    change({ ...template, languages: rest });
  };
  const [addError, setAddError] = useState<string | null>(null);
  const addLanguage = (typed: string) => {
    setAddError(null);
    const tag = canonicalTag(typed);
    if (!template || !tag) {
      setAddError(`“${typed}” is not a language tag (such as sv, fr-CA or pt-BR).`);
      return;
    }
    if (template.languages[tag]) {
      setChosen(tag);
      setAdding('');
      return;
    }
    // From the built-in words of the language (fr-CA starts from French), else the batch's.
    const start = builtin?.languages[tag] ?? builtin?.languages[tag.split('-')[0] ?? tag] ?? template.languages[primary];
    if (!start) return;
    change({ ...template, languages: { ...template.languages, [tag]: start } });
    setChosen(tag);
    setAdding('');
  };
  const toMarkup = async (tag: string) => {
    const variant = template?.languages[tag];
    if (!template || !variant || !isWording(variant)) return;
    const markup = await commands.wordingAsMarkup(variant, tag, template.style);
    later((current) => ({ ...current, languages: { ...current.languages, [tag]: markup } }));
  };
  const toWording = (tag: string) => {
    const start = builtin?.languages[tag] ?? builtin?.languages[batch.message.language];
    if (start) setVariant(tag, start);
  };
  const setMarkup = (tag: string, set: TemplateSet, part: keyof TemplateSet, value: string) =>
    setVariant(tag, { ...set, [part]: value });

  const chooseLogo = (file: File | undefined) => {
    setLogoError(null);
    if (!file || !template) return;
    if (!['image/png', 'image/jpeg', 'image/gif'].includes(file.type)) {
      setLogoError(`${file.name} is not a PNG, JPEG or GIF: those are what mail programs show.`);
      return;
    }
    if (file.size > MAX_LOGO_BYTES) {
      setLogoError(`${file.name} is ${Math.round(file.size / 1024)} KB; a logo of at most 100 KB keeps the mail quick to open.`);
      return;
    }
    const reader = new FileReader();
    reader.onload = () => {
      const data = String(reader.result).split(',')[1] ?? '';
      const alt = batch.message.organization;
      later((current) => ({ ...current, style: { ...current.style, logo: { media_type: file.type, data, alt } } }));
    };
    reader.readAsDataURL(file);
  };

  const editorFor = (tag: string) => {
    const variant = template?.languages[tag];
    if (!variant) return null;
    const wrong = problemIn(tag);
    return (
      <section className="message-editor__language" aria-label={`${languageName(tag)} (${tag})`} key={tag}>
        <header className="message-editor__language-head">
          <h4>
            {languageName(tag)} <code>{tag}</code>
            {tag === batch.message.language && <span className="badge">batch language</span>}
          </h4>
          {isWording(variant) ? (
            <button type="button" className="link-button" onClick={() => void toMarkup(tag)}>
              Edit as HTML and text (advanced)
            </button>
          ) : (
            <button type="button" className="link-button" onClick={() => toWording(tag)} disabled={!builtin}>
              Back to wording (starts from the built-in words)
            </button>
          )}
          {languages.length > 1 && (
            <button type="button" className="link-button" onClick={() => removeLanguage(tag)}>
              Remove {languageName(tag)}
            </button>
          )}
        </header>
        {isWording(variant) ? (
          <WordingEditor
            language={tag}
            wording={variant}
            onChange={(w) => setVariant(tag, w)}
            problem={wrong && (!wrong.markup || wrong.field === 'subject') ? { ...wrong, markup: false } : null}
          />
        ) : (
          <div className="markup">
            <p className="muted">
              The two parts are written apart here: keep them saying the same. The preview warns when they do not.
            </p>
            {(['subject', 'html', 'text'] as const).map((part) => {
              const mark = wrong && wrong.markup && wrong.field === part ? wrong : null;
              return (
                <div key={part} className="markup__part">
                  <span className="markup__label">{part === 'subject' ? 'Subject' : part === 'html' ? 'HTML part' : 'Text part'}</span>
                  <CodeEditor
                    label={`${tag} ${part}`}
                    value={variant[part]}
                    language={part === 'html' ? 'html' : 'text'}
                    singleLine={part === 'subject'}
                    mark={mark?.positioned ? { line: mark.line, column: mark.column, message: mark.message } : null}
                    onChange={(value) => setMarkup(tag, variant, part, value)}
                  />
                  {mark && (
                    <p className="field__error" role="alert" data-testid="markup-error">
                      {mark.positioned ? `Line ${mark.line}, column ${mark.column}: ` : ''}
                      {mark.message}
                    </p>
                  )}
                </div>
              );
            })}
          </div>
        )}
      </section>
    );
  };

  return (
    <div className="message-editor">
      <div className="message-editor__bar">
        <span data-testid="wording-origin">
          {own ? 'This batch’s own wording' : 'Built-in wording, right for the invitation mode'}
        </span>
        {own && (
          <button type="button" className="link-button" onClick={() => change(null)}>
            Back to the built-in wording
          </button>
        )}
      </div>
      <div className="message-editor__languages" role="group" aria-label="Languages">
        {languages.map((tag) => (
          <button
            key={tag}
            type="button"
            aria-pressed={tag === primary}
            className={tag === primary ? 'chip chip--on' : 'chip'}
            onClick={() => setChosen(tag)}
          >
            {languageName(tag)}
          </button>
        ))}
        <label className="inline">
          Side by side with
          <select name="beside_language" value={beside} onChange={(e) => setBeside(e.target.value)}>
            <option value="">nothing</option>
            {languages
              .filter((t) => t !== primary)
              .map((tag) => (
                <option key={tag} value={tag}>
                  {languageName(tag)}
                </option>
              ))}
          </select>
        </label>
        <label className="inline">
          Add a language
          <input
            name="add_language"
            list="builtin-languages"
            placeholder="sv, fr-CA…"
            value={adding}
            onChange={(e) => setAdding(e.target.value.trim())}
            size={8}
          />
          <datalist id="builtin-languages">
            {BUILTIN_LANGUAGES.filter((t) => !languages.includes(t)).map((tag) => (
              <option key={tag} value={tag}>
                {languageName(tag)}
              </option>
            ))}
          </datalist>
          <button type="button" disabled={!adding} onClick={() => addLanguage(adding)}>
            Add
          </button>
        </label>
        {addError && (
          <span className="field__error" role="alert">
            {addError}
          </span>
        )}
      </div>
      {!template && <p className="muted">Loading the wording…</p>}
      <div className={beside && languages.includes(beside) ? 'message-editor__pair' : undefined}>
        {editorFor(primary)}
        {beside && beside !== primary && languages.includes(beside) && editorFor(beside)}
      </div>
      {error && !problem && <ErrorNotice error={error} />}
      {template && (
        <fieldset className="message-editor__style">
          <legend>Look (every language)</legend>
          <label className="inline">
            Button colour
            <input
              type="color"
              name="accent"
              value={template.style.accent}
              onChange={(e) => change({ ...template, style: { ...template.style, accent: e.target.value } })}
            />
          </label>
          <label className="inline">
            Logo (embedded in the mail, PNG/JPEG/GIF, at most 100 KB)
            <input type="file" name="logo" accept="image/png,image/jpeg,image/gif" onChange={(e) => chooseLogo(e.target.files?.[0])} />
          </label>
          {template.style.logo && (
            <button type="button" className="link-button" onClick={() => change({ ...template, style: { ...template.style, logo: null } })}>
              Remove the logo
            </button>
          )}
          {logoError && (
            <p className="field__error" role="alert">
              {logoError}
            </p>
          )}
        </fieldset>
      )}
      {template && <SavedTemplates profile={profile} kind={kind} template={template} onUse={(t) => later(() => t)} />}
    </div>
  );
}

interface SavedTemplatesProps {
  profile: string | null;
  kind: MessageKind;
  template: Template;
  onUse: (template: Template) => void;
}

/** Templates kept in the data folder: use one, save this one under a name, share them as files. */
function SavedTemplates({ profile, kind, template, onUse }: SavedTemplatesProps) {
  const [saved, setSaved] = useState<SavedTemplate[]>([]);
  const [selected, setSelected] = useState('');
  const [name, setName] = useState('');
  const [said, setSaid] = useState<string | null>(null);
  const act = useAction(async (what: () => Promise<string | null>) => what());
  const refresh = () => commands.templates().then(setSaved, () => setSaved([]));
  useEffect(() => {
    let live = true;
    commands.templates().then(
      (list) => live && setSaved(list),
      () => live && setSaved([]),
    );
    return () => {
      live = false;
    };
  }, []);
  const current = saved.find((t) => t.name === selected) ?? null;
  const run = async (what: () => Promise<string | null>) => {
    setSaid(null);
    const message = await act.run(what);
    if (message) setSaid(message);
    await refresh();
  };

  return (
    <fieldset className="saved-templates">
      <legend>Saved templates</legend>
      <div className="actions">
        <label className="inline">
          <select name="saved_template" value={selected} onChange={(e) => setSelected(e.target.value)} aria-label="Saved templates">
            <option value="">{saved.length ? 'Choose a saved template…' : 'None saved yet'}</option>
            {saved.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name} ({KIND_NAMES[t.message]}; {t.languages.join(', ')})
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={!current || act.busy}
          onClick={() =>
            void run(async () => {
              if (!current) return null;
              const file = await commands.loadTemplate(current.name);
              onUse({ languages: file.languages, style: file.style });
              return `Using “${current.name}”.`;
            })
          }
        >
          Use
        </button>
        <button
          type="button"
          disabled={!current || act.busy}
          onClick={() =>
            void run(async () => {
              if (!current) return null;
              const path = await commands.exportTemplate(current.name);
              return path ? `Exported to ${path}` : null;
            })
          }
        >
          Export…
        </button>
        <button
          type="button"
          disabled={act.busy}
          onClick={() =>
            void run(async () => {
              const imported = await commands.importTemplate();
              if (!imported) return null;
              setSelected(imported.name);
              return `Imported “${imported.name}”: choose Use to apply it.`;
            })
          }
        >
          Import…
        </button>
      </div>
      {current && profile && kind === 'invitation' && (
        <label className="inline">
          <input
            type="checkbox"
            name="default_template"
            checked={current.default_for.includes(profile)}
            onChange={(e) =>
              void run(async () => {
                await commands.setDefaultTemplate(profile, e.target.checked ? current.name : null);
                return e.target.checked
                  ? `New batches of ${profile} start with “${current.name}”.`
                  : `New batches of ${profile} start with the built-in wording.`;
              })
            }
          />
          New batches of {profile} start with it
        </label>
      )}
      <div className="actions">
        <label className="inline">
          Save this wording as
          <input name="template_name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Acme onboarding" />
        </label>
        <button
          type="button"
          disabled={!name.trim() || act.busy}
          onClick={() =>
            void run(async () => {
              const kept = await commands.saveTemplate(name.trim(), kind, template);
              setSelected(kept.name);
              return `Saved “${kept.name}” (${kept.languages.length} languages).`;
            })
          }
        >
          Save
        </button>
      </div>
      {said && (
        <p className="ok" role="status" data-testid="template-said">
          {said}
        </p>
      )}
      {act.error && <ErrorNotice error={act.error} />}
    </fieldset>
  );
}
