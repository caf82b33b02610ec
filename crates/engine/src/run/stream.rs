//! Run events for a screen: a run emits one `person` event per state change (hundreds a second in a
//! big batch); a screen wants a few updates a second. `Coalescer` gathers events and hands them on
//! in groups at most every `every`: per person only their latest state, only the latest `progress`,
//! `started`/`job`/`finished` always, and a group is sent at once when the run starts or ends.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{EventSink, RunEvent};

type Deliver = Box<dyn Fn(Vec<RunEvent>) + Send + Sync>;

struct Pending {
    last_sent: Option<Instant>,
    events: Vec<RunEvent>,
    /// Index in `events` of each person's latest event, and of the latest progress.
    person_at: HashMap<u64, usize>,
    progress_at: Option<usize>,
}

pub struct Coalescer {
    every: Duration,
    pending: parking_lot::Mutex<Pending>,
    deliver: Deliver,
}

impl Coalescer {
    pub fn new(
        every: Duration,
        deliver: impl Fn(Vec<RunEvent>) + Send + Sync + 'static,
    ) -> Arc<Self> {
        Arc::new(Coalescer {
            every,
            pending: parking_lot::Mutex::new(Pending {
                last_sent: None,
                events: Vec::new(),
                person_at: HashMap::new(),
                progress_at: None,
            }),
            deliver: Box::new(deliver),
        })
    }

    /// The sink to give the runner.
    pub fn sink(self: &Arc<Self>) -> EventSink {
        let this = Arc::clone(self);
        Arc::new(move |event| this.push(event))
    }

    pub fn push(&self, event: RunEvent) {
        let ready = {
            let mut p = self.pending.lock();
            let urgent = matches!(event, RunEvent::Started { .. } | RunEvent::Finished { .. });
            match &event {
                RunEvent::Person { line, .. } => match p.person_at.get(line).copied() {
                    Some(at) => p.events[at] = event,
                    None => {
                        let at = p.events.len();
                        p.person_at.insert(*line, at);
                        p.events.push(event);
                    }
                },
                RunEvent::Progress(_) => match p.progress_at {
                    Some(at) => p.events[at] = event,
                    None => {
                        p.progress_at = Some(p.events.len());
                        p.events.push(event);
                    }
                },
                _ => p.events.push(event),
            }
            let due = p.last_sent.is_none_or(|at| at.elapsed() >= self.every);
            if urgent || due {
                p.last_sent = Some(Instant::now());
                p.person_at.clear();
                p.progress_at = None;
                Some(std::mem::take(&mut p.events))
            } else {
                None
            }
        };
        if let Some(events) = ready {
            (self.deliver)(events);
        }
    }

    /// Sends whatever is waiting (the run has ended or failed).
    pub fn flush(&self) {
        let events = {
            let mut p = self.pending.lock();
            p.person_at.clear();
            p.progress_at = None;
            std::mem::take(&mut p.events)
        };
        if !events.is_empty() {
            (self.deliver)(events);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::PersonState;
    use crate::run::Progress;
    use std::sync::Mutex;

    fn person(line: u64, state: PersonState) -> RunEvent {
        RunEvent::Person {
            batch_id: "b".into(),
            line,
            email: format!("p{line}@example.com"),
            state,
            user_id: None,
            error_code: None,
            error_message: None,
        }
    }

    fn progress(done: u64) -> RunEvent {
        RunEvent::Progress(Progress {
            batch_id: "b".into(),
            total: 10,
            done,
            counts: Default::default(),
            people_per_sec: 0.0,
            eta_secs: None,
            api_limit: None,
            api_remaining: None,
            api_requests: 0,
            rate_limited: 0,
            paused: false,
        })
    }

    #[test]
    fn groups_keep_each_persons_latest_state_and_the_latest_progress() {
        let sent: Arc<Mutex<Vec<Vec<RunEvent>>>> = Arc::default();
        let out = Arc::clone(&sent);
        let c = Coalescer::new(Duration::from_secs(3600), move |events| {
            out.lock().unwrap().push(events)
        });
        c.push(RunEvent::Started {
            batch_id: "b".into(),
            name: None,
            total: 2,
            creation: crate::run::Creation::Individual,
            resumed: false,
            delivered_as: crate::journal::DeliveredAs::Sent,
        });
        assert_eq!(sent.lock().unwrap().len(), 1, "started goes out at once");
        c.push(person(2, PersonState::Created));
        c.push(progress(0));
        c.push(person(3, PersonState::Created));
        c.push(person(2, PersonState::Delivered));
        c.push(progress(1));
        assert_eq!(
            sent.lock().unwrap().len(),
            1,
            "nothing more before the interval"
        );
        c.flush();
        let groups = sent.lock().unwrap();
        assert_eq!(
            groups[1],
            vec![
                person(2, PersonState::Delivered),
                progress(1),
                person(3, PersonState::Created)
            ]
        );
    }

    #[test]
    fn at_most_one_group_per_interval_and_finished_is_never_held_back() {
        let sent: Arc<Mutex<Vec<Vec<RunEvent>>>> = Arc::default();
        let out = Arc::clone(&sent);
        let c = Coalescer::new(Duration::from_millis(50), move |events| {
            out.lock().unwrap().push(events)
        });
        for i in 0..1000 {
            c.push(person(i % 7, PersonState::Pending));
        }
        let groups_so_far = sent.lock().unwrap().len();
        assert!(groups_so_far <= 2, "{groups_so_far} groups for a burst");
        c.push(RunEvent::Finished {
            batch_id: "b".into(),
            status: crate::run::RunStatus::Finished,
            counts: Default::default(),
            failed: 0,
            elapsed_secs: 1.0,
            stopped_by: None,
        });
        let groups = sent.lock().unwrap();
        assert!(matches!(
            groups.last().unwrap().last().unwrap(),
            RunEvent::Finished { .. }
        ));
        let delivered: usize = groups.iter().map(Vec::len).sum();
        assert!(
            delivered <= 2 + 7 * 2,
            "coalesced, not forwarded one by one: {delivered}"
        );
    }
}
