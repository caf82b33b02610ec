//! One rate governor per bucket of the tenant, so a bucket that is empty (tickets on Essentials, at
//! 150/min) never holds back calls that draw from another one (user reads, at 500/min).
//!
//! Which endpoint groups share a bucket is learned from the tenant: every group starts on one shared
//! governor (safe on a tenant with one global bucket, and the first answers are few); once two groups
//! report different bucket sizes in `x-ratelimit-limit`, the buckets are separate and each group gets
//! its own governor — grouped as the plan those sizes match, or one per group when none matches.

use std::collections::BTreeMap;
use std::sync::Arc;

use parking_lot::Mutex;
use reqwest::header::HeaderMap;
use strum::VariantArray;

use crate::governor::{Permit, RateGovernor, RateSnapshot};
use crate::plans::{EndpointGroup, TenantPlan};

#[derive(Debug)]
struct Routing {
    /// The governor each group draws from.
    governors: BTreeMap<EndpointGroup, Arc<RateGovernor>>,
    /// The last bucket size each group reported.
    reported: BTreeMap<EndpointGroup, u64>,
    /// The rate-limit headers of each group's last answer, and when they came (to start a new
    /// governor from what its bucket last said).
    last: BTreeMap<EndpointGroup, (std::time::Instant, HeaderMap)>,
    split: bool,
}

#[derive(Debug)]
pub struct RateBuckets {
    routing: Mutex<Routing>,
}

impl Default for RateBuckets {
    fn default() -> Self {
        let shared = Arc::new(RateGovernor::new());
        RateBuckets {
            routing: Mutex::new(Routing {
                governors: EndpointGroup::VARIANTS
                    .iter()
                    .map(|g| (*g, shared.clone()))
                    .collect(),
                reported: BTreeMap::new(),
                last: BTreeMap::new(),
                split: false,
            }),
        }
    }
}

/// A request's slot in its bucket; feed the answer back with `observe`.
#[must_use]
pub struct BucketPermit<'a> {
    buckets: &'a RateBuckets,
    group: EndpointGroup,
    permit: Permit,
}

impl BucketPermit<'_> {
    pub fn observe(self, status: u16, headers: &HeaderMap) {
        let limit = headers
            .get("x-ratelimit-limit")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        self.permit.observe(status, headers);
        // A refusal may describe another bucket than the group's own (Enterprise answers an
        // endpoint's request refused by the global bucket with the global figures).
        if let Some(limit) = limit.filter(|_| status != 429) {
            self.buckets.learn(self.group, limit, headers);
        }
    }
}

/// One bucket as the governor sees it, with the groups drawing from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketView {
    pub groups: Vec<EndpointGroup>,
    pub rate: RateSnapshot,
}

impl RateBuckets {
    pub fn new() -> Self {
        Self::default()
    }

    pub async fn acquire(&self, group: EndpointGroup) -> BucketPermit<'_> {
        let governor = self.routing.lock().governors[&group].clone();
        BucketPermit {
            buckets: self,
            group,
            permit: governor.acquire().await,
        }
    }

    fn learn(&self, group: EndpointGroup, limit: u64, headers: &HeaderMap) {
        let mut routing = self.routing.lock();
        // Every answer comes through here: the routing only changes when a bucket size does.
        let changed = routing.reported.insert(group, limit) != Some(limit);
        if !routing.split {
            // Kept to start each bucket's own governor from when the buckets are told apart.
            let mut kept = HeaderMap::new();
            for name in [
                "x-ratelimit-limit",
                "x-ratelimit-remaining",
                "x-ratelimit-reset",
            ] {
                if let Some(value) = headers.get(name) {
                    kept.insert(name, value.clone());
                }
            }
            routing
                .last
                .insert(group, (std::time::Instant::now(), kept));
            if changed {
                Self::split_if_separate(&mut routing);
            }
        }
        if !changed {
            return;
        }
        // Where the sizes name a plan, its table gives each bucket's refill rate (before the buckets
        // are told apart, only a plan with one global bucket says what the shared governor follows).
        let reported: Vec<(EndpointGroup, u64)> =
            routing.reported.iter().map(|(g, l)| (*g, *l)).collect();
        if let Some(plan) =
            TenantPlan::matching(&reported).filter(|plan| routing.split || plan.global().is_some())
        {
            for (g, governor) in &routing.governors {
                governor.set_refill(plan.reported(*g).per_second_rate());
            }
        }
    }

    /// Once two groups report different bucket sizes, gives each bucket its own governor.
    fn split_if_separate(routing: &mut Routing) {
        let mut sizes = routing.reported.values();
        let first = sizes.next().copied();
        if !sizes.any(|size| Some(*size) != first) {
            return;
        }
        // Separate buckets: group them as the plan the sizes match, else one per group.
        let reported: Vec<(EndpointGroup, u64)> =
            routing.reported.iter().map(|(g, l)| (*g, *l)).collect();
        let plan = TenantPlan::matching(&reported);
        // Requests the shared governor still has out count against every new bucket until answered.
        let in_flight = routing
            .governors
            .values()
            .next()
            .map_or(0, |g| g.snapshot().in_flight);
        let mut classes: BTreeMap<EndpointGroup, Arc<RateGovernor>> = BTreeMap::new();
        let mut governors = BTreeMap::new();
        for g in EndpointGroup::VARIANTS.iter().copied() {
            let key = plan.map_or(g, |p| p.bucket_key(g));
            let governor = classes.entry(key).or_default().clone();
            governors.insert(g, governor);
        }
        // Each new governor starts from the newest answer its bucket gave.
        for governor in classes.values() {
            let newest = routing
                .last
                .iter()
                .filter(|(g, _)| governors.get(g).is_some_and(|x| Arc::ptr_eq(x, governor)))
                .max_by_key(|(_, (at, _))| *at)
                .map(|(_, (_, headers))| headers);
            if let Some(headers) = newest {
                governor.seed(headers, in_flight);
            }
        }
        tracing::info!(plan = ?plan, reported = ?routing.reported, "the tenant has a bucket per endpoint group");
        routing.governors = governors;
        routing.split = true;
    }

    /// The plan the reported bucket sizes match, once the tenant has answered.
    pub fn detected_plan(&self) -> Option<TenantPlan> {
        let routing = self.routing.lock();
        let reported: Vec<(EndpointGroup, u64)> =
            routing.reported.iter().map(|(g, l)| (*g, *l)).collect();
        TenantPlan::matching(&reported)
    }

    /// Whether the tenant has shown a bucket per endpoint group.
    pub fn separate(&self) -> bool {
        self.routing.lock().split
    }

    /// Every bucket, with its groups.
    pub fn buckets(&self) -> Vec<BucketView> {
        let routing = self.routing.lock();
        let mut views: Vec<(Arc<RateGovernor>, Vec<EndpointGroup>)> = Vec::new();
        for (group, governor) in &routing.governors {
            match views.iter_mut().find(|(g, _)| Arc::ptr_eq(g, governor)) {
                Some((_, groups)) => groups.push(*group),
                None => views.push((governor.clone(), vec![*group])),
            }
        }
        views
            .into_iter()
            .map(|(governor, groups)| BucketView {
                groups,
                rate: governor.snapshot(),
            })
            .collect()
    }

    /// The bucket closest to empty (for a single gauge): the lowest share of its size left.
    pub fn tightest(&self) -> RateSnapshot {
        let fraction = |r: &RateSnapshot| match (r.remaining, r.limit) {
            (Some(left), Some(limit)) if limit > 0 => left as f64 / limit as f64,
            _ => f64::INFINITY,
        };
        self.buckets()
            .into_iter()
            .map(|b| b.rate)
            .min_by(|a, b| fraction(a).total_cmp(&fraction(b)))
            .unwrap_or(RateSnapshot {
                limit: None,
                remaining: None,
                in_flight: 0,
                blocked: false,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    fn limits(limit: u64, remaining: u64) -> HeaderMap {
        let reset = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 5;
        let mut map = HeaderMap::new();
        for (k, v) in [
            ("x-ratelimit-limit", limit),
            ("x-ratelimit-remaining", remaining),
            ("x-ratelimit-reset", reset),
        ] {
            map.insert(
                HeaderName::from_static(k),
                HeaderValue::from_str(&v.to_string()).unwrap(),
            );
        }
        map
    }

    #[tokio::test]
    async fn one_global_bucket_stays_one_governor() {
        let buckets = RateBuckets::new();
        buckets
            .acquire(EndpointGroup::Other)
            .await
            .observe(200, &limits(50, 0));
        buckets
            .acquire(EndpointGroup::ReadUsers)
            .await
            .observe(200, &limits(50, 0));
        assert!(!buckets.separate());
        assert_eq!(buckets.detected_plan(), Some(TenantPlan::Enterprise));
        // Empty for one group is empty for all (until the refill, 1/16 s on Enterprise, adds one).
        let write = tokio::time::timeout(
            Duration::from_millis(20),
            buckets.acquire(EndpointGroup::WriteUsers),
        )
        .await;
        assert!(write.is_err(), "a write went out of an empty global bucket");
        let refilled = tokio::time::timeout(
            Duration::from_millis(500),
            buckets.acquire(EndpointGroup::WriteUsers),
        )
        .await;
        assert!(refilled.is_ok(), "the refill at the plan's rate let one go");
    }

    #[tokio::test]
    async fn an_empty_ticket_bucket_does_not_hold_back_reads_on_essentials() {
        let buckets = RateBuckets::new();
        buckets
            .acquire(EndpointGroup::Other)
            .await
            .observe(200, &limits(10, 2));
        buckets
            .acquire(EndpointGroup::ReadUsers)
            .await
            .observe(200, &limits(40, 39));
        assert!(buckets.separate());
        assert_eq!(buckets.detected_plan(), Some(TenantPlan::Essentials));
        // The ticket bucket's governor starts from what that bucket last said: 2 left.
        let _one = buckets.acquire(EndpointGroup::Other).await;
        let _two = buckets.acquire(EndpointGroup::Other).await;
        // Tickets now wait for their bucket's reset…
        let ticket = tokio::time::timeout(
            Duration::from_millis(100),
            buckets.acquire(EndpointGroup::Other),
        )
        .await;
        assert!(ticket.is_err(), "a ticket went out of an empty bucket");
        // …organization invitations share it on Essentials…
        let invitation = tokio::time::timeout(
            Duration::from_millis(100),
            buckets.acquire(EndpointGroup::OrganizationInvitations),
        )
        .await;
        assert!(invitation.is_err());
        // …while reads go at once.
        let read = tokio::time::timeout(
            Duration::from_millis(100),
            buckets.acquire(EndpointGroup::ReadUsers),
        )
        .await
        .expect("a read waited for the ticket bucket");
        read.observe(200, &limits(40, 30));
        let views = buckets.buckets();
        // Essentials' buckets: user reads, user writes, connection reads, log reads, and tickets
        // with organization invitations.
        assert_eq!(views.len(), 5, "{views:?}");
        assert_eq!(buckets.tightest().limit, Some(10));
        // A new group (writes) starts with a probe of its own, not behind the tickets.
        let _write = tokio::time::timeout(
            Duration::from_millis(100),
            buckets.acquire(EndpointGroup::WriteUsers),
        )
        .await
        .expect("a write waited for the ticket bucket");
    }
}
