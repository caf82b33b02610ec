//! Token buckets like Auth0's: `burst` requests at once, refilled at `rate` per second. Every answer
//! carries `x-ratelimit-limit` (the bucket size), `x-ratelimit-remaining` and `x-ratelimit-reset`
//! (epoch seconds at which the next request is added) of the bucket the request drew from.
//!
//! A sandbox either sells one of Auth0's plans (`TenantPlan`: a global bucket, endpoint-group buckets
//! or both, as Auth0's policy pages give them) or has the single bucket of its configured rate.

use std::collections::HashMap;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::http::Method;
use invite_desk_auth0::plans::{BucketLimit, EndpointGroup, TenantPlan};
use strum::VariantArray;

#[derive(Debug)]
pub struct TokenBucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    updated: Instant,
}

/// What one request got: allowed or not, and the header values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub allowed: bool,
    pub limit: u64,
    pub remaining: u64,
    pub reset_epoch: u64,
}

impl TokenBucket {
    pub fn new(rate: f64, burst: u32) -> Self {
        let burst = f64::from(burst.max(1));
        TokenBucket {
            rate: rate.max(0.001),
            burst,
            tokens: burst,
            updated: Instant::now(),
        }
    }

    pub fn take(&mut self) -> Verdict {
        let now = Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.updated).as_secs_f64() * self.rate)
            .min(self.burst);
        self.updated = now;
        let allowed = self.tokens >= 1.0;
        if allowed {
            self.tokens -= 1.0;
        }
        // When the next whole request will be available, rounded up to the epoch second.
        let missing = (1.0 - self.tokens.fract()).min(1.0);
        let seconds_to_next = if self.tokens >= 1.0 {
            0.0
        } else {
            missing / self.rate
        };
        let now_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        Verdict {
            allowed,
            limit: self.burst as u64,
            remaining: self.tokens.floor() as u64,
            reset_epoch: (now_epoch + seconds_to_next).ceil() as u64,
        }
    }
}

/// The endpoint group of a Management API request, by method and path (relative to `/api/v2`).
pub fn endpoint_group(method: &Method, path: &str) -> EndpointGroup {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method.as_str(), parts.as_slice()) {
        ("GET", ["users"]) | ("GET", ["users", _]) | ("GET", ["users-by-email"]) => {
            EndpointGroup::ReadUsers
        }
        ("POST", ["users"]) | ("PATCH", ["users", _]) => EndpointGroup::WriteUsers,
        ("GET", ["connections"]) => EndpointGroup::ReadConnections,
        ("POST", ["organizations", _, "invitations"]) => EndpointGroup::OrganizationInvitations,
        ("GET", ["logs"]) | ("GET", ["logs", _]) => EndpointGroup::ReadLogs,
        _ => EndpointGroup::Other,
    }
}

/// Auth0's name for a group in its 429 messages.
fn group_name(group: EndpointGroup) -> &'static str {
    match group {
        EndpointGroup::ReadUsers => "users_read",
        EndpointGroup::WriteUsers => "users_write",
        EndpointGroup::ReadConnections => "connections_read",
        EndpointGroup::OrganizationInvitations => "organization_invitations_write",
        EndpointGroup::ReadLogs => "logs_read",
        EndpointGroup::Other => "all_other_endpoints",
    }
}

/// What a request got from the limits: the verdict of the bucket it is reported against, and the
/// 429's message when refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    pub verdict: Verdict,
    pub refusal: Option<String>,
}

/// Every bucket of a sandbox tenant.
#[derive(Debug)]
pub struct Limits {
    plan: Option<TenantPlan>,
    global: Option<TokenBucket>,
    /// By `TenantPlan::bucket_key`.
    endpoints: HashMap<EndpointGroup, TokenBucket>,
}

fn bucket(limit: BucketLimit) -> TokenBucket {
    TokenBucket::new(limit.per_second_rate(), limit.burst)
}

impl Limits {
    /// One bucket of `rate`/s and `burst` for everything (no plan), or a plan's buckets.
    pub fn new(plan: Option<TenantPlan>, rate: f64, burst: u32) -> Limits {
        let Some(plan) = plan else {
            return Limits {
                plan: None,
                global: Some(TokenBucket::new(rate, burst)),
                endpoints: HashMap::new(),
            };
        };
        let mut endpoints = HashMap::new();
        for group in EndpointGroup::VARIANTS.iter().copied() {
            if let Some(limit) = plan.endpoint(group) {
                endpoints
                    .entry(plan.bucket_key(group))
                    .or_insert_with(|| bucket(limit));
            }
        }
        Limits {
            plan: Some(plan),
            global: plan.global().map(bucket),
            endpoints,
        }
    }

    pub fn plan(&self) -> Option<TenantPlan> {
        self.plan
    }

    /// One request of `group`: the global bucket first (Auth0 checks it first), then the group's.
    pub fn take(&mut self, group: EndpointGroup) -> Drawn {
        let global = self.global.as_mut().map(TokenBucket::take);
        if let Some(verdict) = global.filter(|v| !v.allowed) {
            return Drawn {
                verdict,
                refusal: Some("Global limit has been reached".to_owned()),
            };
        }
        let endpoint = match self.plan {
            Some(plan) => self
                .endpoints
                .get_mut(&plan.bucket_key(group))
                .map(TokenBucket::take),
            None => None,
        };
        match (endpoint, global) {
            (Some(verdict), _) => Drawn {
                refusal: (!verdict.allowed).then(|| {
                    format!(
                        "Global per second {} group limit has been reached",
                        group_name(group)
                    )
                }),
                verdict,
            },
            (None, Some(verdict)) => Drawn {
                verdict,
                refusal: None,
            },
            // A plan without a global bucket gives every group one of its own.
            (None, None) => Drawn {
                verdict: Verdict {
                    allowed: true,
                    limit: 0,
                    remaining: 0,
                    reset_epoch: 0,
                },
                refusal: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn essentials_buckets_are_separate_and_report_their_own_figures() {
        let mut limits = Limits::new(Some(TenantPlan::Essentials), 0.0, 1);
        // "All other endpoints" holds 10: the 11th ticket is refused…
        let tickets: Vec<Drawn> = (0..11).map(|_| limits.take(EndpointGroup::Other)).collect();
        assert!(tickets[..10].iter().all(|d| d.verdict.allowed));
        assert_eq!(tickets[0].verdict.limit, 10);
        assert!(
            tickets[10]
                .refusal
                .as_deref()
                .is_some_and(|m| m.contains("all_other_endpoints"))
        );
        // …and organization invitations share it on this plan…
        assert!(
            !limits
                .take(EndpointGroup::OrganizationInvitations)
                .verdict
                .allowed
        );
        // …while user reads have their 40 and say so.
        let read = limits.take(EndpointGroup::ReadUsers);
        assert!(read.verdict.allowed);
        assert_eq!((read.verdict.limit, read.verdict.remaining), (40, 39));
    }

    #[test]
    fn enterprise_checks_its_global_bucket_first() {
        let mut limits = Limits::new(Some(TenantPlan::Enterprise), 0.0, 1);
        let first = limits.take(EndpointGroup::ReadUsers);
        assert_eq!((first.verdict.limit, first.verdict.remaining), (50, 49));
        // Invitations report their own bucket (20) but spend the global one too.
        let invite = limits.take(EndpointGroup::OrganizationInvitations);
        assert_eq!(invite.verdict.limit, 20);
        for _ in 0..48 {
            assert!(limits.take(EndpointGroup::Other).verdict.allowed);
        }
        let refused = limits.take(EndpointGroup::WriteUsers);
        assert_eq!(
            refused.refusal.as_deref(),
            Some("Global limit has been reached")
        );
        assert_eq!(refused.verdict.limit, 50);
    }

    #[test]
    fn requests_are_grouped_by_endpoint() {
        assert_eq!(
            endpoint_group(&Method::GET, "/users"),
            EndpointGroup::ReadUsers
        );
        assert_eq!(
            endpoint_group(&Method::GET, "/users/auth0|1"),
            EndpointGroup::ReadUsers
        );
        assert_eq!(
            endpoint_group(&Method::POST, "/users"),
            EndpointGroup::WriteUsers
        );
        assert_eq!(
            endpoint_group(&Method::POST, "/users/auth0|1/roles"),
            EndpointGroup::Other
        );
        assert_eq!(
            endpoint_group(&Method::POST, "/tickets/password-change"),
            EndpointGroup::Other
        );
        assert_eq!(
            endpoint_group(&Method::DELETE, "/users/x"),
            EndpointGroup::Other
        );
    }

    #[test]
    fn a_burst_then_refusal_with_the_reset_ahead() {
        let mut bucket = TokenBucket::new(1.0, 3);
        let verdicts: Vec<Verdict> = (0..4).map(|_| bucket.take()).collect();
        assert_eq!(
            verdicts.iter().map(|v| v.allowed).collect::<Vec<_>>(),
            [true, true, true, false]
        );
        assert_eq!(
            verdicts.iter().map(|v| v.remaining).collect::<Vec<_>>(),
            [2, 1, 0, 0]
        );
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert!(verdicts[3].reset_epoch >= now && verdicts[3].reset_epoch <= now + 2);
        assert_eq!(verdicts[3].limit, 3);
    }
}
