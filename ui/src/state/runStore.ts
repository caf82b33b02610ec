// The run the Run screen shows: fed by the engine's event groups (about ten a second), kept outside
// React so a 100k-person run updates one counter per group instead of re-rendering per person.
import type {
  AppError,
  BatchFile,
  BatchSummary,
  DeliveredAs,
  PersonResult,
  PersonErrorCode,
  PersonState,
  Progress,
  RetryChoice,
  RunAction,
  RunEvent,
  RunSummary,
} from '../generated/bindings';
import { FINAL_STATES } from '../generated/bindings';
import { commands } from '../platform/ipc';

export interface PersonRow {
  line: number;
  email: string;
  /** Their name as the list gave it ('' when it gave none). */
  name: string;
  state: PersonState;
  user_id: string | null;
  error_code: PersonErrorCode | null;
  error_message: string | null;
}

/** What History knows of a batch: said from the first row, before the run's own events. */
export interface KnownBatch {
  name: string | null;
  deliveredAs: DeliveredAs | null;
  /** The tenant profile it ran on: where Find person looks its people up. */
  profile: string | null;
}

export const knownOf = (b: BatchSummary): KnownBatch => ({
  name: b.name,
  deliveredAs: b.delivered_as,
  profile: b.profile,
});

export interface RunSnapshot {
  version: number;
  batchId: string | null;
  /** The name the admin gave the batch. */
  name: string | null;
  /** The tenant profile the batch runs on (null when not known). */
  profile: string | null;
  /** What "delivered" means for this batch (null until known). */
  deliveredAs: DeliveredAs | null;
  total: number;
  running: boolean;
  /** The engine has taken up the run (its `started` event): only then can it be paused or cancelled. */
  started: boolean;
  paused: boolean;
  progress: Progress | null;
  summary: RunSummary | null;
  error: AppError | null;
  rows: readonly PersonRow[];
}

const EMPTY: RunSnapshot = {
  version: 0,
  batchId: null,
  name: null,
  profile: null,
  deliveredAs: null,
  total: 0,
  running: false,
  started: false,
  paused: false,
  progress: null,
  summary: null,
  error: null,
  rows: [],
};

export class RunStore {
  private snapshot: RunSnapshot = EMPTY;
  private rows: PersonRow[] = [];
  private byLine = new Map<number, number>();
  /** Names by line, from the batch or its results: run events carry only the address. */
  private names = new Map<number, string>();
  private listeners = new Set<() => void>();

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): RunSnapshot => this.snapshot;

  private publish(patch: Partial<RunSnapshot>) {
    this.snapshot = { ...this.snapshot, ...patch, rows: this.rows, version: this.snapshot.version + 1 };
    for (const listener of this.listeners) listener();
  }

  /** Starts over for a new run (or a past batch's results, `running: false`) and tells the screens. */
  private reset(batchId: string | null, running = true) {
    this.rows = [];
    this.byLine = new Map();
    this.names = new Map();
    this.snapshot = { ...EMPTY, batchId, running, version: this.snapshot.version };
    this.publish({});
  }

  private upsert(row: PersonRow) {
    const at = this.byLine.get(row.line);
    if (at === undefined) {
      this.byLine.set(row.line, this.rows.length);
      this.rows.push(row);
    } else {
      this.rows[at] = row;
    }
  }

  /** Applies one group of events from the channel. */
  apply = (events: RunEvent[]) => {
    const patch: Partial<RunSnapshot> = {};
    let grew = false;
    for (const event of events) {
      switch (event.event) {
        case 'started':
          patch.batchId = event.batch_id;
          patch.started = true;
          patch.total = event.total;
          patch.name = event.name;
          patch.deliveredAs = event.delivered_as;
          break;
        case 'person':
          this.upsert({
            line: event.line,
            email: event.email,
            name: this.names.get(event.line) ?? '',
            state: event.state,
            user_id: event.user_id,
            error_code: event.error_code,
            error_message: event.error_message,
          });
          grew = true;
          break;
        case 'progress':
          patch.progress = event;
          patch.paused = event.paused;
          patch.total = event.total;
          break;
        case 'finished':
          patch.paused = false;
          break;
        case 'job':
          break;
      }
    }
    if (grew) this.rows = [...this.rows];
    this.publish(patch);
  };

  private async track(work: Promise<RunSummary>) {
    try {
      const summary = await work;
      this.publish({ summary, running: false, batchId: summary.batch_id, deliveredAs: summary.delivered_as });
      await this.loadResults(summary.batch_id, false);
    } catch (reason) {
      this.publish({ error: reason as AppError, running: false });
    }
  }

  start(profile: string, batch: BatchFile, confirmedProduction: boolean): Promise<void> {
    this.reset(batch.id);
    for (const p of batch.people) this.names.set(p.line, personName(p));
    this.publish({ name: batch.name, profile });
    return this.track(commands.startRun(profile, batch, confirmedProduction, this.apply));
  }

  resume(
    batchId: string,
    retry: RetryChoice,
    known?: KnownBatch,
  ): Promise<void> {
    this.reset(batchId);
    // Said in the batch's words from the first row, before the run's own start event.
    if (known) this.publish(known);
    // Everyone as the journal has them first (names, the states of those already done); the
    // run's events then move each on.
    const prefilled = commands.results(batchId).then(
      (results) => {
        for (const r of results) {
          this.names.set(r.line, personName(r));
          if (!this.byLine.has(r.line)) this.upsert(rowOf(r));
        }
        this.rows = [...this.rows];
        this.publish({});
      },
      () => {},
    );
    return prefilled.then(() => this.track(commands.resumeRun(batchId, retry, this.apply)));
  }

  async control(action: RunAction): Promise<void> {
    const id = this.snapshot.batchId;
    if (!id) return;
    try {
      await commands.controlRun(id, action);
      if (action !== 'cancel') this.publish({ paused: action === 'pause' });
    } catch (reason) {
      this.publish({ error: reason as AppError });
    }
  }

  /** Shows a past batch's results (History → Open), or refreshes the rows after a run. */
  async loadResults(
    batchId: string,
    fresh = true,
    known?: KnownBatch,
  ): Promise<void> {
    if (fresh) this.reset(batchId, false);
    if (known) this.publish(known);
    try {
      const results: PersonResult[] = await commands.results(batchId);
      this.rows = [];
      this.byLine = new Map();
      for (const r of results) {
        this.names.set(r.line, personName(r));
        this.upsert(rowOf(r));
      }
      this.publish({ total: results.length, batchId });
    } catch (reason) {
      this.publish({ error: reason as AppError });
    }
  }
}

/** "Ann Lee" from a person's or a result's given and family name (or full name). */
function personName(p: { given_name: string | null; family_name: string | null; name?: string | null }): string {
  const parts = [p.given_name, p.family_name].filter((part): part is string => !!part);
  return parts.length > 0 ? parts.join(' ') : (p.name ?? '');
}

function rowOf(r: PersonResult): PersonRow {
  return {
    line: r.line,
    email: r.email,
    name: personName(r),
    state: r.state,
    user_id: r.user_id,
    // Someone the run did not finish has a state, not a problem: resuming takes them up.
    error_code: FINAL_STATES.includes(r.state) ? r.error_code : null,
    error_message: FINAL_STATES.includes(r.state) ? r.error : null,
  };
}

export const runStore = new RunStore();
