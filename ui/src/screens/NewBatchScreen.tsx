import { useEffect, useState, useSyncExternalStore } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { ProfileOptions } from '../components/ProfileOptions';
import type { AppError, BatchFile, Draft, DraftSummary, Person, RosterReport } from '../generated/bindings';
import { commands } from '../platform/ipc';
import { useNavigate } from '../state/nav';
import { useProfiles } from '../state/profiles';
import { runStore } from '../state/runStore';
import { sampleChoice } from '../state/sample';
import { EmailStep } from './newBatch/EmailStep';
import { FollowUpFields } from './newBatch/FollowUpFields';
import { InvitationStep } from './newBatch/InvitationStep';
import { PeopleStep } from './newBatch/PeopleStep';
import { ReviewStep } from './newBatch/ReviewStep';
import {
  FIELD_LABELS,
  type FieldName,
  type RawFields,
  fieldProblems,
  rawOf,
  typedOf,
} from './newBatch/invitationFields';
import { DELIVERY_LABELS, type DeliveryField, deliveryProblems } from './newBatch/deliveryFields';
import { LocalTime } from '../components/LocalTime';

const STEPS = [
  ['people', 'People'],
  ['invitation', 'Invitation'],
  ['email', 'Email'],
  ['review', 'Review'],
] as const;

type StepId = (typeof STEPS)[number][0];

function samePeople(a: readonly Person[], b: readonly Person[]): boolean {
  return a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}

export function NewBatchScreen() {
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [report, setReport] = useState<RosterReport | null>(null);
  const [listError, setListError] = useState<AppError | null>(null);
  const { profiles } = useProfiles();
  const [drafts, setDrafts] = useState<DraftSummary[]>([]);
  const [error, setError] = useState<AppError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  // A batch file the app was started with (a double-clicked file) opens here, at its Review.
  useEffect(() => {
    commands.batchOpenedAtStart().then((opened) => {
      if (opened) {
        setDraft(opened);
        navigate('new-batch');
      }
    }, setError);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, at start
  }, []);

  useEffect(() => {
    commands.drafts().then(setDrafts, setError);
  }, []);

  // The first-run card's sample list: a new draft on the Sandbox with the list in it.
  const sample = useSyncExternalStore(sampleChoice.subscribe, sampleChoice.getSnapshot);
  useEffect(() => {
    if (sample === null) return;
    sampleChoice.choose(null);
    commands.newDraft('Sandbox').then(
      (made) => {
        setReport(null);
        setDraft({ ...made, source_text: sample, batch: { ...made.batch, name: 'Sandbox trial' } });
      },
      setError,
    );
  }, [sample]);

  // Every change of the list or its mapping is read again by the engine (debounced while typing).
  const text = draft?.source_text ?? '';
  const mapping = draft?.mapping ?? null;
  useEffect(() => {
    if (!draft || text.trim() === '') return;
    let live = true;
    const timer = setTimeout(() => {
      commands.readList(text, mapping).then(
        (r) => {
          if (!live) return;
          setReport(r);
          setListError(null);
          // The same people read again stay the same array: Review's checks hold for them.
          setDraft((d) =>
            d ? { ...d, batch: { ...d.batch, people: samePeople(d.batch.people, r.people) ? d.batch.people : r.people } } : d,
          );
        },
        (e: AppError) => {
          if (!live) return;
          setReport(null);
          setListError(e);
        },
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- re-read only when the list or mapping changes
  }, [text, mapping]);

  const start = async (profile: string | null) => {
    setError(null);
    try {
      setDraft(await commands.newDraft(profile));
      setReport(null);
    } catch (reason) {
      setError(reason as AppError);
    }
  };

  const open = async (id: string) => {
    try {
      setDraft(await commands.loadDraft(id));
    } catch (reason) {
      setError(reason as AppError);
    }
  };

  const openFile = async () => {
    try {
      const opened = await commands.openBatch();
      if (opened) setDraft(opened);
    } catch (reason) {
      setError(reason as AppError);
    }
  };

  if (!draft) {
    return (
      <section aria-label="Start a batch" className="stack">
        <div className="actions">
          <button type="button" className="primary" onClick={() => start(null)}>
            Start a new batch
          </button>
          <button type="button" onClick={openFile}>
            Open a batch file…
          </button>
        </div>
        {error && <ErrorNotice error={error} />}
        {drafts.length > 0 && (
          <div>
            <h2>Saved drafts</h2>
            <ul className="list">
              {drafts.map((d) => (
                <li key={d.id}>
                  <button type="button" className="link" onClick={() => open(d.id)}>
                    {d.name ?? 'Unnamed draft'}
                  </button>{' '}
                  <code className="muted small-text">{d.id}</code>{' '}
                  <span className="muted">
                    {d.people} people · {d.step} · saved <LocalTime at={d.saved_at} />
                  </span>{' '}
                  <button
                    type="button"
                    className="small"
                    onClick={async () => {
                      await commands.deleteDraft(d.id).catch(setError);
                      setDrafts(await commands.drafts());
                    }}
                  >
                    Delete
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
      </section>
    );
  }

  const step = draft.step as StepId;
  // The Invitation step's fields as typed, kept in the draft (and saved with it) even when wrong.
  const raw: RawFields = rawOf(draft.typed);
  const problems = fieldProblems(raw, draft.batch.invitation.mode === 'organization');
  const stepIndex = STEPS.findIndex(([id]) => id === step);
  const goTo = (index: number) => {
    const target = STEPS[index];
    if (target) update({ step: target[0] });
  };
  const profile = profiles.find((p) => p.profile.name === draft.profile);
  // On the draft as it is by then: a field that changes the batch and how it was typed makes two
  // updates in one handler, and the second must not undo the first.
  const update = (patch: Partial<Draft>) => setDraft((d) => (d ? { ...d, ...patch } : d));

  // Another tenant brings its own connection and mail settings; the list and the text stay. A
  // batch opened from a file keeps its own: they are what its Review sets beside the profile.
  const changeProfile = async (name: string) => {
    if (draft.opened_from) {
      setDraft((d) => (d ? { ...d, profile: name || null } : d));
      return;
    }
    try {
      const defaults = await commands.newDraft(name);
      setDraft((d) =>
        d
          ? {
              ...d,
              profile: name,
              batch: {
                ...d.batch,
                delivery: defaults.batch.delivery,
                invitation: { ...d.batch.invitation, connection: defaults.batch.invitation.connection },
              },
            }
          : d,
      );
    } catch (reason) {
      setError(reason as AppError);
    }
  };

  const saveDraft = async () => {
    try {
      const summary = await commands.saveDraft(draft);
      setSaved(summary.saved_at);
    } catch (reason) {
      setError(reason as AppError);
    }
  };

  const run = async (confirmedProduction: boolean) => {
    if (!draft.profile) return;
    void runStore.start(draft.profile, draft.batch, confirmedProduction);
    // The batch now lives on the Run and History screens; the wizard is ready for the next one.
    setDraft(null);
    setReport(null);
    setSaved(null);
    commands.drafts().then(setDrafts, setError);
    navigate('run');
  };

  return (
    <section aria-label="New batch" className="stack">
      <div className="toolbar">
        <label>
          Tenant
          <select
            name="profile"
            value={draft.profile ?? ''}
            onChange={(e) => void changeProfile(e.target.value)}
          >
            {/* Without it the first profile would look chosen while none is (a batch from a file). */}
            {!draft.profile && (
              <option value="" disabled>
                Choose a tenant…
              </option>
            )}
            <ProfileOptions profiles={profiles} markProduction />
          </select>
        </label>
        {profile?.profile.production && <span className="badge badge--danger">Production</span>}
        <button type="button" onClick={saveDraft}>
          Save draft
        </button>
        {saved && (
          <span className="muted" data-testid="draft-saved">
            Saved <LocalTime at={saved} />
          </span>
        )}
      </div>
      <div role="tablist" aria-label="Steps" className="steps">
        {STEPS.map(([id, title], i) => (
          <button
            key={id}
            role="tab"
            type="button"
            aria-selected={step === id}
            data-step={id}
            onClick={() => update({ step: id })}
          >
            {i + 1}. {title}
          </button>
        ))}
      </div>
      {error && <ErrorNotice error={error} />}
      <div role="tabpanel" aria-label={STEPS.find(([id]) => id === step)?.[1]}>
        {step === 'people' && (
          <>
            <PeopleStep
              text={draft.source_text}
              mapping={draft.mapping}
              report={text.trim() === '' ? null : report}
              onText={(source_text) => update({ source_text })}
              onMapping={(m) => update({ mapping: m })}
            />
            {listError && <ErrorNotice error={listError} />}
            <LanguageNotice batch={draft.batch} />
          </>
        )}
        {step === 'invitation' && (
          <>
            <InvitationStep
              profile={draft.profile}
              invitation={draft.batch.invitation}
              onChange={(invitation) => update({ batch: { ...draft.batch, invitation } })}
              raw={raw}
              onRaw={(next) => update({ typed: typedOf(next) })}
            />
            <FollowUpFields
              followUp={draft.batch.follow_up}
              onChange={(follow_up) => update({ batch: { ...draft.batch, follow_up } })}
              raw={raw}
              onRaw={(next) => update({ typed: typedOf(next) })}
            />
          </>
        )}
        {step === 'email' && <EmailStep profile={draft.profile} batch={draft.batch} onChange={(batch) => update({ batch })} />}
        {step === 'review' && (
          <ReviewStep
            profile={draft.profile}
            production={profile?.profile.production ?? false}
            batch={draft.batch}
            openedFrom={draft.opened_from}
            onName={(name) => update({ batch: { ...draft.batch, name } })}
            onRun={run}
            leftOut={report?.summary.errors ?? 0}
            onShowPeople={() => update({ step: 'people' })}
            blockers={[
              ...(Object.entries(problems) as [FieldName, { message: string }][]).map(([field, problem]) => ({
                text: `${FIELD_LABELS[field]}: ${problem.message}`,
                step: 'invitation' as const,
              })),
              ...(Object.entries(deliveryProblems(draft.batch.delivery)) as [DeliveryField, string][]).map(
                ([field, message]) => ({ text: `${DELIVERY_LABELS[field]}: ${message}`, step: 'email' as const }),
              ),
            ]}
            onShowStep={(target) => update({ step: target })}
          />
        )}
      </div>
      <div className="actions">
        {stepIndex > 0 && (
          <button type="button" onClick={() => goTo(stepIndex - 1)}>
            Back
          </button>
        )}
        {step !== 'review' && (
          <button
            type="button"
            className="primary"
            data-next
            onClick={() => goTo(stepIndex + 1)}
          >
            Next
          </button>
        )}
      </div>
    </section>
  );
}

/** Who reads the batch's language instead of their own, said while the list is being made. */
function LanguageNotice({ batch }: { batch: BatchFile }) {
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      commands.languageNotice(batch).then(
        (n) => live && setNotice(n),
        () => live && setNotice(null),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [batch]);
  if (!notice || batch.people.length === 0) return null;
  return (
    <p className="notice notice--warning" role="status" data-testid="language-notice">
      {notice}. Add their language on the Email step, or leave them the batch’s.
    </p>
  );
}
