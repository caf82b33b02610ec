import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { AppError, ColumnRole, EditableRow, ListText, MappingOverride, RosterReport } from '../../generated/bindings';
import { commands } from '../../platform/ipc';

const ROLE_CHOICES: { label: string; role: ColumnRole }[] = [
  { label: 'Email', role: { role: 'email' } },
  { label: 'Given name', role: { role: 'given_name' } },
  { label: 'Family name', role: { role: 'family_name' } },
  { label: 'Full name', role: { role: 'name' } },
  { label: 'Roles', role: { role: 'roles' } },
  { label: 'Language', role: { role: 'locale' } },
  { label: 'Ignore', role: { role: 'ignore' } },
];

function roleKey(role: ColumnRole): string {
  return 'key' in role ? `${role.role}:${role.key}` : role.role;
}

function roleLabel(role: ColumnRole): string {
  if (role.role === 'app_metadata') return `app_metadata.${role.key}`;
  if (role.role === 'user_metadata') return `user_metadata.${role.key}`;
  return ROLE_CHOICES.find((c) => c.role.role === role.role)?.label ?? role.role;
}

interface PeopleStepProps {
  text: string;
  mapping: MappingOverride | null;
  report: RosterReport | null;
  onText: (text: string) => void;
  onMapping: (mapping: MappingOverride | null) => void;
}

/**
 * Lines the paste box shows and edits. A longer list (a file of 100,000 rows) is shown in part: laying
 * out megabytes of text in a text box froze the window for over a second (docs/benchmarks.md). Its rows
 * are still fixed one by one (Fix), and the whole list is what is read.
 */
export const EDITABLE_LINES = 5000;

/** The first `EDITABLE_LINES` lines of `text`, and how many lines it has in all (a line count, cheap). */
export function visiblePart(text: string): { shown: string; lines: number; partial: boolean } {
  let lines = 1;
  let cut = -1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
    if (lines === EDITABLE_LINES) cut = at;
    lines += 1;
  }
  if (cut === -1) return { shown: text, lines, partial: false };
  return { shown: text.slice(0, cut), lines, partial: true };
}

/** Select the whole of `line` in the paste box, so the admin sees the row a problem is about. */
function jumpToLine(area: HTMLTextAreaElement | null, text: string, line: number) {
  if (!area) return;
  const lines = text.split('\n');
  const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  const end = start + (lines[line - 1]?.length ?? 0);
  area.focus();
  area.setSelectionRange(start, end);
  const lineHeight = area.scrollHeight / Math.max(lines.length, 1);
  area.scrollTop = Math.max(0, (line - 3) * lineHeight);
}

export function PeopleStep({ text, mapping, report, onText, onMapping }: PeopleStepProps) {
  const area = useRef<HTMLTextAreaElement>(null);
  const [fixing, setFixing] = useState<EditableRow | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [fileNote, setFileNote] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);

  const showList = (list: ListText) => {
    setFileNote(describe(list.file_name, list.encoding, list.sheet));
    setFixing(null);
    onText(list.text);
  };

  const openFile = async () => {
    setError(null);
    try {
      const list = await commands.openList();
      if (list) showList(list);
    } catch (reason) {
      setError(reason as AppError);
    }
  };

  // A file dragged from the desktop is dropped on the window, read by the engine, and arrives here.
  const onDropped = useEffectEvent((list: ListText) => showList(list));
  useEffect(() => {
    let listening = true;
    commands
      .listDrops((message) => {
        if (!listening) return;
        switch (message.kind) {
          case 'over':
            setDragging(true);
            break;
          case 'left':
            setDragging(false);
            break;
          case 'read':
            setDragging(false);
            setError(null);
            onDropped(message.list);
            break;
          case 'failed':
            setDragging(false);
            setError(message.error);
            break;
        }
      })
      .catch((reason: AppError) => setError(reason));
    return () => {
      listening = false;
    };
  }, []);

  const startFix = async (line: number) => {
    if (!report) return;
    setError(null);
    try {
      setFixing(await commands.listRow(text, report.source.format, line));
    } catch (reason) {
      setError(reason as AppError);
    }
  };

  const applyFix = async () => {
    if (!report || !fixing) return;
    try {
      onText(await commands.setListRow(text, report.source.format, fixing.line, fixing.cells));
      setFixing(null);
    } catch (reason) {
      setError(reason as AppError);
    }
  };

  const setRole = (index: number, key: string) => {
    if (!report) return;
    const roles = report.source.columns.map((c) => c.role);
    const chosen = ROLE_CHOICES.find((c) => roleKey(c.role) === key)?.role;
    if (!chosen) return;
    roles[index] = chosen;
    onMapping({ ...(mapping ?? {}), roles });
  };

  const visible = visiblePart(text);
  const headers = report?.source.columns.map((c) => c.header ?? `Column ${c.index + 1}`) ?? [];
  const errors = report?.problems.filter((p) => p.severity === 'error') ?? [];
  const warnings = report?.problems.filter((p) => p.severity === 'warning') ?? [];

  return (
    <div className="people-step">
      <div className={`dropzone${dragging ? ' dropzone--over' : ''}`} data-testid="dropzone">
        <label htmlFor="people-text">
          Paste the list (a spreadsheet&apos;s columns, a CSV, or Outlook &quot;Name &lt;address&gt;&quot; lines), open a
          file, or drop one here
        </label>
        <textarea
          id="people-text"
          ref={area}
          rows={10}
          spellCheck={false}
          value={visible.shown}
          readOnly={visible.partial}
          onChange={(e) => {
            setFixing(null);
            onText(e.target.value);
          }}
        />
        {visible.partial && (
          <p className="muted" data-testid="partial-list">
            Showing the first {EDITABLE_LINES.toLocaleString('en')} of {visible.lines.toLocaleString('en')} lines: a list
            this long is not edited here. Every line is read; fix a row with Fix beside its problem, or edit the file
            and open it again.
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={openFile}>
            Open file…
          </button>
          {fileNote && <span className="muted" data-testid="file-note">{fileNote}</span>}
        </div>
      </div>
      {error && <ErrorNotice error={error} />}
      {report && (
        <>
          <p data-testid="roster-summary" aria-live="polite">
            {report.summary.valid} of {report.summary.rows} rows ready
            {report.summary.errors > 0 && <>, {report.summary.errors} left out</>}
            {report.summary.warnings > 0 && <>, {report.summary.warnings} warnings</>}
            {report.source.encoding && <> · {report.source.encoding}</>}
            {report.source.delimiter && report.source.delimiter !== 'none' && <> · {report.source.delimiter}-separated</>}
          </p>
          {report.source.columns.length > 0 && (
            <fieldset className="mapping">
              <legend>Columns</legend>
              {report.source.columns.map((column, index) => (
                <label key={column.index}>
                  <span>
                    {column.header ?? `Column ${column.index + 1}`}
                    {column.sample && <small className="muted"> e.g. {column.sample}</small>}
                  </span>
                  <select value={roleKey(column.role)} onChange={(e) => setRole(index, e.target.value)}>
                    {!ROLE_CHOICES.some((c) => roleKey(c.role) === roleKey(column.role)) && (
                      <option value={roleKey(column.role)}>{roleLabel(column.role)}</option>
                    )}
                    {ROLE_CHOICES.map((c) => (
                      <option key={c.label} value={roleKey(c.role)}>
                        {c.label}
                      </option>
                    ))}
                  </select>
                </label>
              ))}
              <label className="inline">
                <input
                  type="checkbox"
                  checked={report.source.has_header}
                  onChange={(e) => onMapping({ ...(mapping ?? {}), has_header: e.target.checked })}
                />
                The first row names the columns
              </label>
            </fieldset>
          )}
          {(errors.length > 0 || warnings.length > 0) && (
            <div className="problems" aria-label="Problems">
              <h3>Problems</h3>
              <ul>
                {[...errors, ...warnings].map((p, i) => (
                  <li key={`${p.line}-${i}`} className={p.severity === 'error' ? 'problem problem--error' : 'problem'}>
                    <button
                      type="button"
                      className="link"
                      disabled={visible.partial && p.line > EDITABLE_LINES}
                      onClick={() => jumpToLine(area.current, visible.shown, p.line)}
                    >
                      Line {p.line}
                    </button>
                    : {p.message}
                    {p.severity === 'error' && (
                      <button type="button" className="small" onClick={() => startFix(p.line)} data-fix-line={p.line}>
                        Fix
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {fixing && (
            <form
              className="panel fix"
              aria-label={`Fix line ${fixing.line}`}
              onSubmit={(e) => {
                e.preventDefault();
                void applyFix();
              }}
            >
              <h3>Line {fixing.line}</h3>
              {fixing.cells.map((cell, i) => (
                <label key={i}>
                  {report.source.format === 'address_lines' ? 'Line' : (headers[i] ?? `Column ${i + 1}`)}
                  <input
                    data-cell={i}
                    value={cell}
                    onChange={(e) => {
                      const cells = [...fixing.cells];
                      cells[i] = e.target.value;
                      setFixing({ ...fixing, cells });
                    }}
                  />
                </label>
              ))}
              <div className="actions">
                <button type="submit" className="primary">
                  Apply fix
                </button>
                <button type="button" onClick={() => setFixing(null)}>
                  Cancel
                </button>
              </div>
            </form>
          )}
        </>
      )}
    </div>
  );
}

function describe(name: string | null, encoding: string | null, sheet: string | null): string {
  const parts = [name ?? 'file'];
  if (encoding) parts.push(`decoded from ${encoding}`);
  if (sheet) parts.push(`sheet ${sheet}`);
  return parts.join(' · ');
}
