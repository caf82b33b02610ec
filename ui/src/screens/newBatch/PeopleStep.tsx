import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import type {
  AppError,
  ColumnRole,
  EditableRow,
  ListText,
  MappingOverride,
  Person,
  Problem,
  RosterReport,
} from '../../generated/bindings';
import { commands } from '../../platform/ipc';

const ROLE_CHOICES: { label: string; role: ColumnRole }[] = [
  { label: 'Email', role: { role: 'email' } },
  { label: 'Given name', role: { role: 'given_name' } },
  { label: 'Family name', role: { role: 'family_name' } },
  { label: 'Full name', role: { role: 'name' } },
  { label: 'Roles', role: { role: 'roles' } },
  { label: 'Language', role: { role: 'locale' } },
  { label: 'External id (kept for the results)', role: { role: 'external_id' } },
  { label: 'Ignore', role: { role: 'ignore' } },
];

function roleKey(role: ColumnRole): string {
  return 'key' in role ? `${role.role}:${role.key}` : role.role;
}

/** A metadata key from a column's header: its own name, with what Auth0 keys cannot hold replaced. */
export function metadataKey(header: string | null, index: number): string {
  const key = (header ?? '').trim().replace(/[\s.$]+/g, '_');
  return key || `column_${index + 1}`;
}

/** The choices for one column: the fixed roles, then its own name as app_metadata or user_metadata. */
function choicesFor(role: ColumnRole, header: string | null, index: number): { label: string; role: ColumnRole }[] {
  const key = role.role === 'app_metadata' || role.role === 'user_metadata' ? role.key : metadataKey(header, index);
  return [
    ...ROLE_CHOICES,
    { label: `app_metadata: ${key}`, role: { role: 'app_metadata', key } },
    { label: `user_metadata: ${key}`, role: { role: 'user_metadata', key } },
  ];
}

/** Where a problem's field (`email`, `app_metadata.plan`) is among the columns, if it is one. */
function columnOfField(roles: readonly ColumnRole[], field: string | null): number {
  if (!field) return -1;
  return roles.findIndex((role) =>
    'key' in role ? `${role.role}.${role.key}` === field : role.role === field,
  );
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
  // The row being fixed, and the problem it was opened from (its field is focused and marked).
  const [fixing, setFixing] = useState<(EditableRow & { problem: Problem }) | null>(null);
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

  const startFix = async (problem: Problem) => {
    if (!report) return;
    setError(null);
    try {
      setFixing({ ...(await commands.listRow(text, report.source.format, problem.line)), problem });
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

  // A removed row becomes blank lines (skipped when read), so every other problem keeps its line.
  const removeRow = async () => {
    if (!report || !fixing) return;
    try {
      onText(await commands.removeListRow(text, report.source.format, fixing.line));
      setFixing(null);
    } catch (reason) {
      setError(reason as AppError);
    }
  };

  const setRole = (index: number, chosen: ColumnRole) => {
    if (!report) return;
    const roles = report.source.columns.map((c) => c.role);
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
              {report.source.columns.map((column, index) => {
                const choices = choicesFor(column.role, column.header, index);
                const role = column.role;
                return (
                  <div key={column.index} className="mapping__column">
                    <label>
                      <span>
                        {column.header ?? `Column ${column.index + 1}`}
                        {column.sample && <small className="muted"> e.g. {column.sample}</small>}
                      </span>
                      <select
                        value={roleKey(role)}
                        onChange={(e) => {
                          const chosen = choices.find((c) => roleKey(c.role) === e.target.value);
                          if (chosen) setRole(index, chosen.role);
                        }}
                      >
                        {choices.map((c) => (
                          <option key={roleKey(c.role)} value={roleKey(c.role)}>
                            {c.label}
                          </option>
                        ))}
                      </select>
                    </label>
                    {(role.role === 'app_metadata' || role.role === 'user_metadata') && (
                      <MetadataKeyField
                        key={roleKey(role)}
                        label={`${role.role} key for ${column.header ?? `column ${column.index + 1}`}`}
                        value={role.key}
                        onChange={(key) => setRole(index, { role: role.role, key })}
                      />
                    )}
                  </div>
                );
              })}
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
                      <button type="button" className="small" onClick={() => startFix(p)} data-fix-line={p.line}>
                        Fix
                      </button>
                    )}
                    {/* The list is read again after every change (a mapping too): the problem is the same
                        one when its line and words are. */}
                    {fixing && fixing.problem.line === p.line && fixing.problem.message === p.message && (
                      <FixRow
                        row={fixing}
                        headers={report.source.format === 'address_lines' ? ['Line'] : headers}
                        badCell={
                          report.source.format === 'address_lines'
                            ? 0
                            : columnOfField(
                                report.source.columns.map((c) => c.role),
                                p.field,
                              )
                        }
                        onCells={(cells) => setFixing({ ...fixing, cells })}
                        onApply={applyFix}
                        onRemove={removeRow}
                        onCancel={() => setFixing(null)}
                      />
                    )}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {report.people.length > 0 && <PeopleTable people={report.people} total={report.summary.valid} />}
        </>
      )}
    </div>
  );
}

/** One row's cells, edited in place under its problem: the bad cell focused and marked. */
function FixRow({
  row,
  headers,
  badCell,
  onCells,
  onApply,
  onRemove,
  onCancel,
}: {
  row: EditableRow & { problem: Problem };
  headers: readonly string[];
  badCell: number;
  onCells: (cells: string[]) => void;
  onApply: () => Promise<void>;
  onRemove: () => Promise<void>;
  onCancel: () => void;
}) {
  return (
    <form
      className="panel fix"
      aria-label={`Fix line ${row.line}`}
      onSubmit={(e) => {
        e.preventDefault();
        void onApply();
      }}
    >
      {row.cells.map((cell, i) => (
        <label key={i}>
          {headers[i] ?? `Column ${i + 1}`}
          <input
            data-cell={i}
            value={cell}
            // The problem's own field, or the first cell when the problem is the whole row.
            autoFocus={i === Math.max(badCell, 0)}
            aria-invalid={i === badCell || undefined}
            aria-describedby={i === badCell ? `fix-problem-${row.line}` : undefined}
            onChange={(e) => {
              const cells = [...row.cells];
              cells[i] = e.target.value;
              onCells(cells);
            }}
          />
        </label>
      ))}
      <p id={`fix-problem-${row.line}`} className="muted small-text">
        {row.problem.message}
      </p>
      <div className="actions">
        <button type="submit" className="primary">
          Apply fix
        </button>
        <button type="button" className="danger" onClick={() => void onRemove()}>
          Remove row
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The most people the table shows: enough to check the mapping, cheap at 100,000 rows. */
const PEOPLE_SHOWN = 100;

/** The people as the list was read: names split, language, external id, roles and metadata each. */
function PeopleTable({ people, total }: { people: readonly Person[]; total: number }) {
  const shown = people.slice(0, PEOPLE_SHOWN);
  const appKeys = [...new Set(shown.flatMap((p) => Object.keys(p.app_metadata)))];
  const userKeys = [...new Set(shown.flatMap((p) => Object.keys(p.user_metadata)))];
  const text = (value: unknown) => (value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));
  return (
    <div className="people-table">
      <h3>
        People{' '}
        <span className="muted small-text">
          {total > shown.length ? `the first ${shown.length} of ${total}` : `${total}`}
        </span>
      </h3>
      <div className="people-table__scroll">
        <table className="table" aria-label="People as read">
          <thead>
            <tr>
              <th>Line</th>
              <th>Email</th>
              <th>Given name</th>
              <th>Family name</th>
              <th>Language</th>
              <th>External id</th>
              <th>Roles</th>
              {appKeys.map((k) => (
                <th key={`a-${k}`}>app_metadata.{k}</th>
              ))}
              {userKeys.map((k) => (
                <th key={`u-${k}`}>user_metadata.{k}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((p) => (
              <tr key={p.line}>
                <td>{p.line}</td>
                <td>{p.email}</td>
                <td>{p.given_name ?? ''}</td>
                <td>{p.family_name ?? ''}</td>
                <td>{p.locale ?? ''}</td>
                <td>{p.external_id ?? ''}</td>
                <td>{p.roles.join(', ')}</td>
                {appKeys.map((k) => (
                  <td key={`a-${k}`}>{text(p.app_metadata[k])}</td>
                ))}
                {userKeys.map((k) => (
                  <td key={`u-${k}`}>{text(p.user_metadata[k])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** The key a metadata column is written under, renamed when the field is left (or Enter). */
function MetadataKeyField({ label, value, onChange }: { label: string; value: string; onChange: (key: string) => void }) {
  const [draft, setDraft] = useState(value);
  const commit = () => {
    const key = draft.trim();
    if (key && key !== value) onChange(key);
    else setDraft(value);
  };
  return (
    <label className="mapping__key">
      <span className="sr-only">{label}</span>
      <input
        aria-label={label}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commit();
          }
        }}
      />
    </label>
  );
}

function describe(name: string | null, encoding: string | null, sheet: string | null): string {
  const parts = [name ?? 'file'];
  if (encoding) parts.push(`decoded from ${encoding}`);
  if (sheet) parts.push(`sheet ${sheet}`);
  return parts.join(' · ');
}
