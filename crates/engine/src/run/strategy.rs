//! How a batch spends the tenant's buckets: the per-batch choices (look people up by batched search
//! or one by one, create them one by one or through import jobs) and the honest estimate that comes
//! with them — the calls each bucket must carry, how long each takes at its rate, and which one is
//! the limit.

use invite_desk_auth0::plans::{BucketLimit, EndpointGroup, TenantPlan};
use serde::{Deserialize, Serialize};
use strum::VariantArray;
use ts_rs::TS;

use super::events::Creation;
use super::lookup::SEARCH_FROM;
use crate::batch::InviteMode;

/// People in one import file (500 KB at about 250 bytes a person).
const PEOPLE_PER_IMPORT_FILE: u64 = 2000;
/// Calls one import job costs beyond its people: the submission, a few polls, its errors.
const CALLS_PER_IMPORT_JOB: u64 = 5;

/// How people are looked up before anything is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LookupStrategy {
    /// `users-by-email`, one call a person (few people, or organization invitations: none).
    OneByOne,
    /// OR-searches of up to 40 addresses a call; a create's 409 catches what search's lag missed.
    BatchedSearch,
    /// One export job of the tenant's users (a submission, a few polls, a download), for very
    /// large batches; search if it fails.
    Export,
}

/// Users are created through import jobs when there are many of them, unless the plan gives user
/// writes a bucket of their own: then one-by-one creates cost nothing the run is waiting for (the
/// tickets' bucket is the limit), while the jobs' submissions and polls would draw from it.
pub fn creation(
    mode: InviteMode,
    to_create: usize,
    bulk_threshold: usize,
    plan: Option<TenantPlan>,
) -> Creation {
    if mode == InviteMode::Organization || to_create < bulk_threshold.max(1) {
        return Creation::Individual;
    }
    match plan {
        Some(plan) if !plan.shares_bucket(EndpointGroup::WriteUsers, EndpointGroup::Other) => {
            Creation::Individual
        }
        _ => Creation::Bulk,
    }
}

/// An export job only where import jobs create the users: its snapshot is used at once, while a
/// one-by-one pass searches each stretch of the list just before it reaches it.
pub fn lookup(
    mode: InviteMode,
    people: usize,
    export_from: usize,
    creation: Creation,
) -> LookupStrategy {
    if mode == InviteMode::Organization || people < SEARCH_FROM {
        LookupStrategy::OneByOne
    } else if creation == Creation::Bulk && people >= export_from.max(SEARCH_FROM) {
        LookupStrategy::Export
    } else {
        LookupStrategy::BatchedSearch
    }
}

/// What a run will ask of the tenant, by kind of call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Workload {
    /// People the run looks up (everyone not yet final, outside organization invitations).
    pub look_ups: u64,
    pub creates: u64,
    /// `app_metadata` stamps on existing users.
    pub updates: u64,
    pub role_grants: u64,
    pub tickets: u64,
    pub organization_invitations: u64,
}

/// One bucket's share of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BucketLoad {
    /// What draws from it, as an admin reads it ("tickets, jobs and roles", "all calls").
    pub bucket: String,
    pub calls: u64,
    pub burst: u32,
    pub per_minute: f64,
    /// The least time these calls take from this bucket, full at the start.
    pub secs: f64,
}

/// The estimate a dry run shows and a run's ETA follows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RateEstimate {
    /// The plan whose buckets the estimate uses ("Enterprise", "Essentials/Professional", "Free").
    pub plan: String,
    /// True when the tenant's own headers named the plan; false when it is assumed (no tenant asked).
    pub plan_detected: bool,
    pub lookup: LookupStrategy,
    pub creation: Creation,
    pub buckets: Vec<BucketLoad>,
    /// The bucket that sets the pace.
    pub limiting: Option<String>,
    pub api_calls: u64,
    pub secs: f64,
    /// One sentence: "2,000 calls to tickets, jobs and roles at 150/min: about 13 min; user reads
    /// and user writes are not the limit."
    pub summary: String,
}

/// The plan assumed when no tenant was asked: the slowest paid plan for tickets.
pub const ASSUMED_PLAN: TenantPlan = TenantPlan::Essentials;

fn lookup_calls(strategy: LookupStrategy, people: u64) -> u64 {
    match strategy {
        LookupStrategy::OneByOne => people,
        LookupStrategy::BatchedSearch => {
            people.div_ceil(invite_desk_auth0::client::EMAILS_PER_SEARCH as u64)
        }
        LookupStrategy::Export => 0,
    }
}

/// An export job's calls: the submission and a few polls (the download is not an API call).
const CALLS_PER_EXPORT: u64 = 4;

fn export_calls(strategy: LookupStrategy) -> u64 {
    if strategy == LookupStrategy::Export {
        CALLS_PER_EXPORT
    } else {
        0
    }
}

fn calls_by_group(
    work: &Workload,
    lookup: LookupStrategy,
    creation: Creation,
) -> Vec<(EndpointGroup, u64)> {
    let (creates_as_writes, import_calls) = match creation {
        Creation::Individual => (work.creates, 0),
        Creation::Bulk => (
            0,
            work.creates.div_ceil(PEOPLE_PER_IMPORT_FILE) * CALLS_PER_IMPORT_JOB,
        ),
    };
    vec![
        (
            EndpointGroup::ReadUsers,
            lookup_calls(lookup, work.look_ups),
        ),
        (EndpointGroup::WriteUsers, creates_as_writes + work.updates),
        (
            EndpointGroup::Other,
            work.role_grants + work.tickets + import_calls + export_calls(lookup),
        ),
        (
            EndpointGroup::OrganizationInvitations,
            work.organization_invitations,
        ),
    ]
}

fn load(bucket: String, calls: u64, limit: BucketLimit) -> BucketLoad {
    BucketLoad {
        bucket,
        calls,
        burst: limit.burst,
        per_minute: limit.per_minute,
        secs: limit.floor_secs(calls),
    }
}

pub fn rate_label(per_minute: f64) -> String {
    if per_minute >= 600.0 {
        format!("{:.0}/s", per_minute / 60.0)
    } else {
        format!("{per_minute:.0}/min")
    }
}

pub fn duration_words(secs: f64) -> String {
    let secs = secs.max(0.0).round() as u64;
    match secs {
        0..=1 => "a moment".to_owned(),
        2..=89 => format!("about {secs} s"),
        90..=5399 => format!("about {} min", (secs + 30) / 60),
        _ => format!("about {:.1} h", secs as f64 / 3600.0),
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The estimate of `work` on `plan`, with the choices this engine makes for it.
pub fn estimate(
    work: &Workload,
    mode: InviteMode,
    options: &super::RunOptions,
    plan: TenantPlan,
    plan_detected: bool,
) -> RateEstimate {
    let creation = creation(
        mode,
        work.creates as usize,
        options.bulk_threshold,
        Some(plan),
    );
    let lookup = lookup(mode, work.look_ups as usize, options.export_from, creation);
    let by_group = calls_by_group(work, lookup, creation);
    let api_calls: u64 = by_group.iter().map(|(_, c)| c).sum();
    let mut buckets = Vec::new();
    if let Some(global) = plan.global() {
        buckets.push(load("all calls".to_owned(), api_calls, global));
    }
    // The endpoint buckets, groups that share one counted together.
    let mut seen: Vec<EndpointGroup> = Vec::new();
    for group in EndpointGroup::VARIANTS.iter().copied() {
        let Some(limit) = plan.endpoint(group) else {
            continue;
        };
        let key = plan.bucket_key(group);
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let members: Vec<EndpointGroup> = EndpointGroup::VARIANTS
            .iter()
            .copied()
            .filter(|g| plan.endpoint(*g).is_some() && plan.bucket_key(*g) == key)
            .collect();
        let calls: u64 = by_group
            .iter()
            .filter(|(g, _)| members.contains(g))
            .map(|(_, c)| c)
            .sum();
        if calls == 0 {
            continue;
        }
        // A shared bucket is named by "all other endpoints", the one it is on Auth0's pages.
        let label = if members.contains(&EndpointGroup::Other) {
            EndpointGroup::Other.label().to_owned()
        } else {
            members
                .iter()
                .map(|g| g.label())
                .collect::<Vec<_>>()
                .join(" and ")
        };
        buckets.push(load(label, calls, limit));
    }
    let limiting = buckets
        .iter()
        .filter(|b| b.calls > 0)
        .max_by(|a, b| a.secs.total_cmp(&b.secs))
        .cloned();
    let secs = limiting.as_ref().map_or(0.0, |b| b.secs);
    let summary = match &limiting {
        None => "No Management API calls.".to_owned(),
        Some(limit) => {
            let others: Vec<&str> = buckets
                .iter()
                .filter(|b| b.bucket != limit.bucket)
                .map(|b| b.bucket.as_str())
                .collect();
            let mut sentence = format!(
                "{} calls to {} at {}: {}",
                thousands(limit.calls),
                limit.bucket,
                rate_label(limit.per_minute),
                duration_words(limit.secs)
            );
            if !others.is_empty() {
                sentence.push_str(&format!("; {} are not the limit", others.join(" and ")));
            }
            sentence.push('.');
            sentence
        }
    };
    RateEstimate {
        plan: plan.label().to_owned(),
        plan_detected,
        lookup,
        creation,
        buckets,
        limiting: limiting.map(|b| b.bucket),
        api_calls,
        secs,
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::super::RunOptions;
    use super::*;

    fn invitations(n: u64) -> Workload {
        Workload {
            look_ups: n,
            creates: n,
            tickets: n,
            ..Workload::default()
        }
    }

    #[test]
    fn on_essentials_the_tickets_bucket_is_the_limit_and_the_estimate_says_so() {
        let e = estimate(
            &invitations(2000),
            InviteMode::PasswordChange,
            &RunOptions::default(),
            TenantPlan::Essentials,
            true,
        );
        assert_eq!(
            e.creation,
            Creation::Individual,
            "writes have their own bucket"
        );
        assert_eq!(e.lookup, LookupStrategy::BatchedSearch);
        assert_eq!(e.limiting.as_deref(), Some("tickets, jobs and roles"));
        // 2,000 tickets, 10 from the burst, the rest at 150/min.
        assert!((e.secs - 1990.0 / 2.5).abs() < 1e-6, "{}", e.secs);
        assert!(e.summary.starts_with("2,000 calls to "), "{}", e.summary);
        assert!(
            e.summary.contains("at 150/min: about 13 min"),
            "{}",
            e.summary
        );
        assert!(
            e.summary
                .contains("user reads and user writes are not the limit"),
            "{}",
            e.summary
        );
        // 50 searches instead of 2,000 look-ups.
        assert_eq!(e.api_calls, 50 + 2000 + 2000);
    }

    #[test]
    fn on_enterprise_the_global_bucket_counts_everything_and_imports_save_a_call_each() {
        let small = estimate(
            &invitations(200),
            InviteMode::PasswordChange,
            &RunOptions::default(),
            TenantPlan::Enterprise,
            true,
        );
        assert_eq!(small.creation, Creation::Individual);
        assert_eq!(small.limiting.as_deref(), Some("all calls"));
        assert_eq!(small.api_calls, 5 + 200 + 200);
        let big = estimate(
            &invitations(10_000),
            InviteMode::PasswordChange,
            &RunOptions::default(),
            TenantPlan::Enterprise,
            false,
        );
        assert_eq!(big.creation, Creation::Bulk);
        assert_eq!(big.lookup, LookupStrategy::Export);
        assert_eq!(
            big.api_calls,
            4 + 10_000 + 25,
            "an export, the tickets, five import jobs"
        );
        assert!(!big.plan_detected);
        assert!(big.summary.contains("at 16/s"), "{}", big.summary);
    }

    #[test]
    fn few_people_are_looked_up_one_by_one() {
        assert_eq!(
            lookup(InviteMode::PasswordChange, 2, 10_000, Creation::Individual),
            LookupStrategy::OneByOne
        );
        assert_eq!(
            lookup(InviteMode::Organization, 500, 10_000, Creation::Individual),
            LookupStrategy::OneByOne
        );
        assert_eq!(
            lookup(InviteMode::PasswordChange, 500, 10_000, Creation::Bulk),
            LookupStrategy::BatchedSearch
        );
        assert_eq!(duration_words(800.0), "about 13 min");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
