import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { EmptyState } from '../components/EmptyState';
import { ErrorNotice } from '../components/ErrorNotice';
import type {
  AppError,
  BatchSummary,
  FollowUpAction,
  FollowUpCounts,
  FollowUpKind,
  FollowUpReport,
  FollowUpStatus,
  PersonFollowUp,
} from '../generated/bindings';
import { DELIVERED_WORDS } from '../generated/bindings';
import { commands } from '../platform/ipc';
import { followUpChoice } from '../state/followUp';
import { useAction } from '../state/useAsync';
import { localTime } from '../format';

/** The words every screen uses for a follow-up status. */
export const STATUS_WORDS: Record<FollowUpStatus, string> = {
  accepted: 'accepted',
  pending: 'pending',
  expired: 'expired',
  not_invited: 'not invited',
};

const SOURCE_WORDS: Record<FollowUpReport['source'], string> = {
  logs: "the tenant's logs",
  users: 'user reads',
  export: 'an export job',
  journal: 'the last check',
};

type Filter = FollowUpStatus | 'all';

/** The funnel: invited → accepted → signed in, and where the rest stand. */
function Funnel({ counts }: { counts: FollowUpCounts }) {
  const invited = counts.accepted + counts.pending + counts.expired;
  const total = invited + counts.not_invited;
  const bars: [string, number, string][] = [
    ['Invited', invited, 'funnel__bar--invited'],
    ['Accepted', counts.accepted, 'funnel__bar--accepted'],
    ['Signed in', counts.signed_in, 'funnel__bar--signed-in'],
    ['Pending', counts.pending, 'funnel__bar--pending'],
    ['Expired', counts.expired, 'funnel__bar--expired'],
    ['Not invited', counts.not_invited, 'funnel__bar--not-invited'],
  ];
  const width = 320;
  const row = 26;
  const label = 96;
  return (
    <svg
      className="funnel"
      role="img"
      aria-label={`${invited} invited, ${counts.accepted} accepted, ${counts.signed_in} signed in, ${counts.pending} pending, ${counts.expired} expired, ${counts.not_invited} not invited`}
      viewBox={`0 0 ${label + width + 56} ${bars.length * row}`}
      width="100%"
      preserveAspectRatio="xMinYMin meet"
      data-testid="funnel"
    >
      {bars.map(([name, n, className], i) => (
        <g key={name} transform={`translate(0 ${i * row})`}>
          <text x={0} y={17} className="funnel__label">
            {name}
          </text>
          <rect
            x={label}
            y={4}
            height={18}
            rx={3}
            width={total === 0 ? 0 : Math.max(n > 0 ? 2 : 0, (n / total) * width)}
            className={`funnel__bar ${className}`}
          />
          <text x={label + (total === 0 ? 0 : (n / total) * width) + 6} y={17} className="funnel__count">
            {n}
          </text>
        </g>
      ))}
    </svg>
  );
}

function actionWords(action: FollowUpAction): string {
  const what = action.kind === 'reminder' ? 'reminder' : 'new link';
  if (!action.batch_id) return `Nobody to send a ${what} to.`;
  const parts = [`${action.delivered} ${what}${action.delivered === 1 ? '' : 's'} ${DELIVERED_WORDS[action.delivered_as]}`];
  if (action.accepted_meanwhile > 0) parts.push(`${action.accepted_meanwhile} had accepted meanwhile (nothing sent)`);
  if (action.unconfirmed > 0) parts.push(`${action.unconfirmed} may have been sent`);
  if (action.failed > 0) parts.push(`${action.failed} failed`);
  if (action.not_started > 0) parts.push(`${action.not_started} not started`);
  return `${action.resumed ? 'Finished the earlier unfinished wave: ' : ''}${parts.join(', ')}.`;
}

const when = localTime;

export function FollowUpScreen() {
  const chosen = useSyncExternalStore(followUpChoice.subscribe, followUpChoice.getSnapshot);
  const [batches, setBatches] = useState<BatchSummary[] | null>(null);
  const [loadError, setLoadError] = useState<AppError | null>(null);

  useEffect(() => {
    commands.history().then(setBatches, setLoadError);
  }, [chosen]);

  if (batches && batches.length === 0) {
    return (
      <EmptyState title="Nothing to follow up yet">
        <p>Once a batch has invited people, this shows who accepted, who has not, and whose link expired.</p>
      </EmptyState>
    );
  }
  const batchId = chosen ?? batches?.[0]?.id ?? null;
  return (
    <section aria-label="Follow-up" className="stack">
      {loadError && <ErrorNotice error={loadError} />}
      <div className="toolbar">
        <label>
          Batch
          <select name="batch" value={batchId ?? ''} onChange={(e) => followUpChoice.choose(e.target.value)}>
            {batches?.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name ?? b.id}
              </option>
            ))}
          </select>
        </label>
      </div>
      {/* A batch of its own: its report, filter and selection start afresh when another is chosen. */}
      {batches && batchId && <BatchFollowUp key={batchId} batchId={batchId} />}
    </section>
  );
}

function BatchFollowUp({ batchId }: { batchId: string }) {
  const [report, setReport] = useState<FollowUpReport | null>(null);
  const [loadError, setLoadError] = useState<AppError | null>(null);
  const [filter, setFilter] = useState<Filter>('all');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [done, setDone] = useState<string | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const check = useAction(commands.followUpCheck);
  const send = useAction(commands.followUpSend);
  const exportFollowUp = useAction(commands.followUpExport);

  useEffect(() => {
    commands.followUpView(batchId).then(setReport, setLoadError);
  }, [batchId]);

  const shown = useMemo(
    () => (report?.people ?? []).filter((p) => filter === 'all' || p.status === filter),
    [report, filter],
  );

  const toggle = (email: string) =>
    setSelected((now) => {
      const next = new Set(now);
      if (next.has(email)) next.delete(email);
      else next.add(email);
      return next;
    });

  const chosenOf = (status: FollowUpStatus): PersonFollowUp[] =>
    (report?.people ?? []).filter((p) => p.status === status && selected.has(p.email));

  const sendTo = async (kind: FollowUpKind, status: FollowUpStatus) => {
    const picked = chosenOf(status).map((p) => p.email);
    const after = await send.run(batchId, kind, picked.length > 0 ? picked : null, () => {});
    if (after) {
      setReport(after);
      setSelected(new Set());
      setDone(after.actions.map(actionWords).join(' '));
    }
  };

  const pendingChosen = chosenOf('pending').length;
  const expiredChosen = chosenOf('expired').length;

  return (
    <div className="stack">
      {loadError && <ErrorNotice error={loadError} />}
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={check.busy || send.busy}
          onClick={async () => {
            setDone(null);
            const fresh = await check.run(batchId);
            if (fresh) setReport(fresh);
          }}
        >
          {check.busy ? 'Checking…' : 'Check now'}
        </button>
      </div>
      {check.error && <ErrorNotice error={check.error} />}
      {report && (
        <>
          <p className="muted" data-testid="checked" data-checked-at={report.checked_at ?? ''}>
            {report.checked_at
              ? `Checked ${when(report.checked_at)} from ${SOURCE_WORDS[report.source]}.`
              : 'Not checked yet: the statuses below are what this machine knows. Check now to ask the tenant.'}
          </p>
          <div className="followup__summary">
            <Funnel counts={report.counts} />
          </div>
          {(report.due.reminders.length > 0 || report.due.reissues.length > 0) && (
            <p className="warn" data-testid="due">
              By this batch&apos;s cadence: {report.due.reminders.length} reminder
              {report.due.reminders.length === 1 ? '' : 's'} and {report.due.reissues.length} new link
              {report.due.reissues.length === 1 ? '' : 's'} are due.
            </p>
          )}
          <div className="actions">
            <button
              type="button"
              disabled={send.busy || (report.counts.pending === 0 && pendingChosen === 0)}
              onClick={() => sendTo('reminder', 'pending')}
            >
              {pendingChosen > 0 ? `Remind ${pendingChosen} selected` : `Remind all pending (${report.counts.pending})`}
            </button>
            <button
              type="button"
              disabled={send.busy || (report.counts.expired === 0 && expiredChosen === 0)}
              onClick={() => sendTo('reissue', 'expired')}
            >
              {expiredChosen > 0
                ? `Send new links to ${expiredChosen} selected`
                : `Send new links to all expired (${report.counts.expired})`}
            </button>
            <button
              type="button"
              disabled={exportFollowUp.busy}
              onClick={async () => {
                const path = await exportFollowUp.run(batchId);
                if (path) setExported(path);
              }}
            >
              Export
            </button>
            <label>
              Show{' '}
              <select name="filter" value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
                <option value="all">everyone</option>
                <option value="accepted">accepted</option>
                <option value="pending">pending</option>
                <option value="expired">expired</option>
                <option value="not_invited">not invited</option>
              </select>
            </label>
          </div>
          {send.busy && <p aria-busy="true">Sending…</p>}
          {send.error && <ErrorNotice error={send.error} />}
          {exportFollowUp.error && <ErrorNotice error={exportFollowUp.error} />}
          {done && (
            <p className="ok" data-testid="followup-done" aria-live="polite">
              {done}
            </p>
          )}
          {exported && (
            <p className="ok" data-testid="followup-exported">
              Saved to <code>{exported}</code>
            </p>
          )}
          <div className="table-scroll">
            <table className="table" aria-label="People">
              <thead>
                <tr>
                  <th>
                    <span className="sr-only">Selected</span>
                  </th>
                  <th>Email</th>
                  <th>Status</th>
                  <th>Invited</th>
                  <th>Link works until</th>
                  <th>Accepted</th>
                  <th>Last sign-in</th>
                  <th>Reminders</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((p) => (
                  <tr key={p.email} data-person={p.email} data-status={p.status}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select ${p.email}`}
                        checked={selected.has(p.email)}
                        disabled={p.status !== 'pending' && p.status !== 'expired'}
                        onChange={() => toggle(p.email)}
                      />
                    </td>
                    <td className="followup__email">{p.email}</td>
                    <td data-testid="status">{STATUS_WORDS[p.status]}</td>
                    <td>{when(p.invited_at)}</td>
                    <td>{when(p.link_expires_at)}</td>
                    <td>{when(p.accepted_at)}</td>
                    <td>{when(p.last_login)}</td>
                    <td>{p.reminders + p.reissues > 0 ? `${p.reminders} + ${p.reissues} new link` : '0'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
