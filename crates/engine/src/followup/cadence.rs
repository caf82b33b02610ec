//! The cadence saved with a batch: reminders some days after the invitation for people who have
//! not accepted, and one new link for those whose link expired unused. What is due is worked out
//! from the journal (and the last check's statuses), so the app can say "4 reminders are due" when
//! it opens without asking the tenant; the send re-checks each person first.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{FollowUpStatus, PersonFollowUp};
use crate::batch::FollowUpSettings;

/// What a batch's cadence has due now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Due {
    /// Pending people whose next reminder's day has come (and who have reminders left).
    pub reminders: Vec<String>,
    /// Expired people who have not had a new link yet (with `reissue_expired`).
    pub reissues: Vec<String>,
}

impl Due {
    pub fn is_empty(&self) -> bool {
        self.reminders.is_empty() && self.reissues.is_empty()
    }
}

fn days_since(at: &str, now: &str) -> Option<f64> {
    let parse = |t: &str| {
        time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
    };
    Some((parse(now)? - parse(at)?).as_seconds_f64() / 86_400.0)
}

/// Whether `person` may get one more reminder at all (the limit, whoever asks).
pub fn may_remind(settings: &FollowUpSettings, person: &PersonFollowUp) -> bool {
    person.status == FollowUpStatus::Pending && person.reminders < settings.max_reminders
}

/// Whether `person` may get a new link for an expired one.
pub fn may_reissue(person: &PersonFollowUp) -> bool {
    person.status == FollowUpStatus::Expired
}

/// What the cadence has due among `people` at `now`.
pub fn due(settings: &FollowUpSettings, people: &[PersonFollowUp], now: &str) -> Due {
    let mut out = Due::default();
    for person in people {
        match person.status {
            FollowUpStatus::Pending if may_remind(settings, person) => {
                let next = settings
                    .remind_after_days
                    .get(person.reminders as usize)
                    .copied();
                let elapsed = person
                    .invited_at
                    .as_deref()
                    .and_then(|at| days_since(at, now));
                if let (Some(after), Some(elapsed)) = (next, elapsed)
                    && elapsed >= f64::from(after)
                {
                    out.reminders.push(person.email.clone());
                }
            }
            FollowUpStatus::Expired if settings.reissue_expired && person.reissues == 0 => {
                out.reissues.push(person.email.clone());
            }
            _ => {}
        }
    }
    out
}
