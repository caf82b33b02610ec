//! What a run reports while it works: one `person` event per state change, a `progress` event a few
//! times a second, and `started`/`finished`. The CLI prints them as JSON lines (`--json`) or drives a
//! progress bar with them; the desktop app forwards them through a channel.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::journal::PersonState;

/// How a run creates users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Creation {
    /// One `POST /users` a person.
    Individual,
    /// Import jobs.
    Bulk,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum RunEvent {
    Started {
        batch_id: String,
        /// The name the admin gave the batch.
        name: Option<String>,
        total: u64,
        creation: Creation,
        resumed: bool,
        /// What "delivered" means for this batch: sent, written to outbox, link exported…
        delivered_as: crate::journal::DeliveredAs,
    },
    Person {
        batch_id: String,
        line: u64,
        email: String,
        state: PersonState,
        user_id: Option<String>,
        error_code: Option<crate::journal::PersonErrorCode>,
        error_message: Option<String>,
    },
    Progress(Progress),
    /// An import job's state (bulk creation).
    Job {
        batch_id: String,
        job_id: String,
        status: String,
        people: u64,
    },
    Finished {
        batch_id: String,
        status: super::RunStatus,
        counts: BTreeMap<String, u64>,
        failed: u64,
        elapsed_secs: f64,
        /// Why the run stopped itself: the failure several people in a row met.
        stopped_by: Option<crate::AppError>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Progress {
    pub batch_id: String,
    pub total: u64,
    /// People in a final state.
    pub done: u64,
    /// People per state (states with nobody are left out).
    #[ts(type = "Partial<Record<PersonState, number>>")]
    pub counts: BTreeMap<String, u64>,
    /// People finished per second over the last few seconds.
    pub people_per_sec: f64,
    /// Seconds until everyone is done: no sooner than the tenant's buckets allow for the calls still
    /// to make (once its headers named its plan), nor than the pace so far; `null` until either is
    /// known.
    pub eta_secs: Option<f64>,
    /// The tenant's rate limit as last reported, and how much of it is left.
    pub api_limit: Option<u64>,
    pub api_remaining: Option<i64>,
    pub api_requests: u64,
    pub rate_limited: u64,
    pub paused: bool,
}
