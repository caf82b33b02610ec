//! The rate governor, shared by every request to one tenant.
//!
//! It follows what Auth0 says on every response (`x-ratelimit-limit`, `-remaining`, `-reset` as epoch
//! seconds) and keeps an estimate of the requests left in the tenant's bucket, counting requests in
//! flight as already spent. While the estimate is above zero requests go out at once; at zero they
//! wait for the reset, then one probe goes out and its answer tells how much refilled. Consuming what
//! the bucket refills, as it refills, runs at the tenant's sustained rate with 429s kept for
//! mistakes in the estimate. After a 429 everyone waits for `Retry-After` or the reset. Until the
//! tenant has said anything, one request goes out alone: its answer tells how much is left.
//!
//! One governor follows one bucket; `buckets::RateBuckets` keeps one per bucket of the tenant.

use std::sync::Arc;

use parking_lot::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;

/// The longest a reset or Retry-After is believed (a clock far off must not stall a run for hours).
const MAX_WAIT: Duration = Duration::from_secs(60);
/// How long waiting requests sleep before looking again while a probe is out.
const POLL: Duration = Duration::from_millis(5);
/// Refusals that slow a known refill down: two for each 429, one forgiven for each answer that was
/// not one, so an occasional 429 never slows a run and a steady share of them soon does.
const STRIKES_TO_SLOW: u32 = 6;
/// A 429 with no headers at all: wait this long.
const BARE_429_WAIT: Duration = Duration::from_secs(1);

/// A tenant's `x-ratelimit-reset` as a time; `None` for one no clock can hold (a tenant, or a proxy,
/// may send anything: it must never overflow).
fn reset_time(seconds: u64) -> Option<SystemTime> {
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

#[derive(Debug, Default)]
struct State {
    /// Requests believed left in the bucket; `None` until the tenant has said.
    estimate: Option<i64>,
    limit: Option<u64>,
    /// The reset (epoch seconds) of the newest answer seen, and the lowest `remaining` reported
    /// with it: answers arrive out of order, and an older, higher count must not win.
    window: Option<u64>,
    reported: i64,
    reset_at: Option<SystemTime>,
    blocked_until: Option<Instant>,
    in_flight: u32,
    probe_out: bool,
    /// The tenant answered without rate-limit headers: there is nothing to follow, so requests
    /// are not held back for an estimate that will never come.
    silent: bool,
    /// Requests per second the bucket refills, once known (the plan's table): the estimate grows
    /// between answers instead of waiting for a reset that headers round up to whole seconds.
    refill: Option<f64>,
    /// The rate the table gave: a refill slowed by refusals climbs back to it.
    refill_table: Option<f64>,
    /// The fraction of a request refilled but not yet counted, and when it was last counted.
    credit: f64,
    /// Refusals despite the refill, less the answers since (see `STRIKES_TO_SLOW`).
    strikes: u32,
    refilled_at: Option<Instant>,
}

impl State {
    /// Adds what the bucket refilled since the last count, up to its size.
    fn refill(&mut self, now: Instant) {
        let (Some(rate), Some(estimate)) = (self.refill, self.estimate) else {
            self.refilled_at = Some(now);
            return;
        };
        let since = self
            .refilled_at
            .map_or(0.0, |at| now.saturating_duration_since(at).as_secs_f64());
        let gained = self.credit + rate * since;
        let whole = gained.floor();
        self.credit = gained - whole;
        let ceiling = self
            .limit
            .map_or(i64::MAX, |l| l as i64 - i64::from(self.in_flight));
        self.estimate = Some((estimate + whole as i64).min(ceiling.max(estimate)));
        self.refilled_at = Some(now);
    }

    /// Until the refill adds the next whole request.
    fn until_refilled(&self) -> Option<Duration> {
        let rate = self.refill?;
        Some(Duration::from_secs_f64(
            ((1.0 - self.credit) / rate).clamp(0.0, 60.0),
        ))
    }
}

/// A snapshot for progress displays ("rate gauge") and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateSnapshot {
    pub limit: Option<u64>,
    pub remaining: Option<i64>,
    pub in_flight: u32,
    pub blocked: bool,
}

#[derive(Debug, Default)]
pub struct RateGovernor {
    state: Mutex<State>,
}

/// Held while a request is in flight; dropping it without an answer (an error) releases the slot.
#[must_use]
pub struct Permit {
    governor: Arc<RateGovernor>,
    was_probe: bool,
    settled: bool,
}

impl Permit {
    /// Feed the response's status and headers back.
    pub fn observe(mut self, status: u16, headers: &HeaderMap) {
        self.settled = true;
        self.governor.observe(status, headers, self.was_probe);
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if !self.settled {
            let mut state = self.governor.lock();
            state.in_flight = state.in_flight.saturating_sub(1);
            if self.was_probe {
                state.probe_out = false;
            }
        }
    }
}

impl RateGovernor {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> parking_lot::MutexGuard<'_, State> {
        self.state.lock()
    }

    pub fn snapshot(&self) -> RateSnapshot {
        let s = self.lock();
        RateSnapshot {
            limit: s.limit,
            remaining: s.estimate,
            in_flight: s.in_flight,
            blocked: s.blocked_until.is_some_and(|u| u > Instant::now()),
        }
    }

    /// Waits until a request may go out.
    pub async fn acquire(self: &Arc<Self>) -> Permit {
        loop {
            let wait = {
                let mut s = self.lock();
                let now = Instant::now();
                match s.blocked_until {
                    Some(until) if until > now => Some(until - now),
                    _ => {
                        s.blocked_until = None;
                        s.refill(now);
                        match s.estimate {
                            // Whichever comes first: the refill's next request, or the reset
                            // (then a probe asks the tenant).
                            Some(left) if left <= 0 => match until_reset(s.reset_at) {
                                Some(wait) => {
                                    Some(s.until_refilled().map_or(wait, |refill| refill.min(wait)))
                                }
                                // With a known refill no probe is needed (nor safe: the reset is
                                // rounded to whole seconds, the refill is not).
                                None if s.refill.is_some() => s.until_refilled(),
                                None if s.probe_out => Some(POLL),
                                None => {
                                    s.probe_out = true;
                                    s.in_flight += 1;
                                    return Permit {
                                        governor: self.clone(),
                                        was_probe: true,
                                        settled: false,
                                    };
                                }
                            },
                            None if !s.silent && s.probe_out => Some(POLL),
                            None if !s.silent => {
                                s.probe_out = true;
                                s.in_flight += 1;
                                return Permit {
                                    governor: self.clone(),
                                    was_probe: true,
                                    settled: false,
                                };
                            }
                            _ => {
                                if let Some(left) = s.estimate.as_mut() {
                                    *left -= 1;
                                }
                                s.in_flight += 1;
                                None
                            }
                        }
                    }
                }
            };
            match wait {
                None => {
                    return Permit {
                        governor: self.clone(),
                        was_probe: false,
                        settled: false,
                    };
                }
                Some(wait) => tokio::time::sleep(wait.min(MAX_WAIT).max(POLL.min(wait))).await,
            }
        }
    }

    fn observe(&self, status: u16, headers: &HeaderMap, was_probe: bool) {
        let mut s = self.lock();
        s.in_flight = s.in_flight.saturating_sub(1);
        if was_probe {
            s.probe_out = false;
        }
        Self::apply(&mut s, status, headers);
    }

    /// The bucket's refill rate, from the plan's table.
    pub fn set_refill(&self, per_second: f64) {
        let mut s = self.lock();
        if per_second > 0.0 && s.refill.is_none() {
            let now = Instant::now();
            s.refill(now);
            s.refill = Some(per_second);
            s.refill_table = Some(per_second);
        }
    }

    /// Starts from what an answer said (one read by another governor of the same bucket), less the
    /// requests that governor still has in flight.
    pub fn seed(&self, headers: &HeaderMap, in_flight_elsewhere: u32) {
        let mut s = self.lock();
        Self::apply(&mut s, 200, headers);
        if let Some(estimate) = s.estimate.as_mut() {
            *estimate -= i64::from(in_flight_elsewhere);
        }
    }

    fn apply(s: &mut State, status: u16, headers: &HeaderMap) {
        let number =
            |name: &str| -> Option<u64> { headers.get(name)?.to_str().ok()?.trim().parse().ok() };
        if let Some(limit) = number("x-ratelimit-limit") {
            s.limit = Some(limit);
        }
        let reset = number("x-ratelimit-reset");
        let remaining = number("x-ratelimit-remaining").map(|r| r as i64);
        match (reset, remaining) {
            (Some(reset), Some(remaining)) => {
                let fresh = match s.window {
                    Some(window) if reset < window => false,
                    Some(window) if reset == window => {
                        s.reported = s.reported.min(remaining);
                        true
                    }
                    _ => {
                        s.window = Some(reset);
                        s.reported = remaining;
                        true
                    }
                };
                if fresh {
                    s.reset_at = reset_time(reset);
                    // Requests still in flight may not be counted in what the tenant reported.
                    s.estimate = Some(match (s.refill, s.estimate) {
                        // With a known refill the model runs on between answers, each request
                        // counted when it was sent; an answer only ever lowers it. Requests in
                        // flight are not taken off what the tenant said: it said it before the
                        // refill that let them go, and taking them off would stall a small bucket
                        // (a Free tenant's 2) at every answer.
                        // Where the tenant says more is left than the model does even with the
                        // requests in flight taken off, the tenant is believed (its bucket refills
                        // faster than the table says).
                        (Some(_), Some(_)) => {
                            s.refill(Instant::now());
                            let said = s.reported;
                            let model = s.estimate.unwrap_or(said);
                            model.min(said).max(said - i64::from(s.in_flight))
                        }
                        _ => s.reported - i64::from(s.in_flight),
                    });
                }
            }
            (None, Some(remaining)) => s.estimate = Some(remaining - i64::from(s.in_flight)),
            (Some(reset), None) => s.reset_at = reset_time(reset),
            (None, None) => {}
        }
        if remaining.is_none() && s.estimate.is_none() && status != 429 {
            s.silent = true;
        }
        if status != 429 {
            s.strikes = s.strikes.saturating_sub(1);
            // A refill slowed by refusals climbs back towards the table's rate as answers come.
            if let (Some(rate), Some(table)) = (s.refill.as_mut(), s.refill_table) {
                *rate = (*rate * 1.05).min(table);
            }
        }
        if status == 429 {
            let retry_after = number("retry-after").map(Duration::from_secs);
            let wait = retry_after.or_else(|| until_reset(s.reset_at)).unwrap_or(
                if s.reset_at.is_some() {
                    Duration::ZERO
                } else {
                    BARE_429_WAIT
                },
            );
            let until = Instant::now() + wait.min(MAX_WAIT);
            s.blocked_until = Some(s.blocked_until.map_or(until, |u| u.max(until)));
            s.estimate = Some(0);
            s.credit = 0.0;
            // Refused although the refill said yes. Once in a while that is the fraction of a
            // request the model and the bucket disagree on (the refusal resets it); refusals
            // piling up mean the bucket is slower than its table says (another client shares it):
            // then the refill slows down.
            if let Some(rate) = s.refill.as_mut() {
                s.strikes += 2;
                if s.strikes >= STRIKES_TO_SLOW {
                    *rate *= 0.75;
                    s.strikes = 0;
                }
            }
        }
    }
}

/// Time until `reset`, if it is still ahead (capped).
fn until_reset(reset_at: Option<SystemTime>) -> Option<Duration> {
    let wait = reset_at?.duration_since(SystemTime::now()).ok()?;
    (!wait.is_zero()).then(|| wait.min(MAX_WAIT))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};

    fn epoch_seconds(at: SystemTime) -> u64 {
        at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
    }

    fn headers(pairs: &[(&'static str, String)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(
                HeaderName::from_static(k),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        map
    }

    fn limits(remaining: i64, reset_in_secs: u64) -> HeaderMap {
        let reset = epoch_seconds(SystemTime::now()) + reset_in_secs;
        headers(&[
            ("x-ratelimit-limit", "20".into()),
            ("x-ratelimit-remaining", remaining.to_string()),
            ("x-ratelimit-reset", reset.to_string()),
        ])
    }

    #[tokio::test]
    async fn counts_in_flight_requests_against_what_remains() {
        let g = Arc::new(RateGovernor::new());
        g.acquire().await.observe(200, &limits(6, 1));
        let first = g.acquire().await;
        let second = g.acquire().await;
        first.observe(200, &limits(5, 1));
        // 5 left, one still in flight: 4 may go.
        assert_eq!(g.snapshot().remaining, Some(4));
        second.observe(200, &limits(4, 1));
        assert_eq!(g.snapshot().remaining, Some(4));
        assert_eq!(g.snapshot().in_flight, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn an_empty_bucket_waits_for_the_reset_then_probes_once() {
        let g = Arc::new(RateGovernor::new());
        g.acquire().await.observe(200, &limits(0, 2));
        let before = Instant::now();
        let probe = g.acquire().await;
        assert!(
            Instant::now() - before >= Duration::from_millis(900),
            "waited for the reset"
        );
        // While the probe is out nobody else goes.
        let other = tokio::time::timeout(Duration::from_millis(50), g.acquire()).await;
        assert!(other.is_err(), "a second request went out beside the probe");
        probe.observe(200, &limits(19, 1));
        let _next = tokio::time::timeout(Duration::from_millis(50), g.acquire())
            .await
            .unwrap();
    }

    // Real time: the governor measures with std's clock, which a paused tokio clock does not move.
    #[tokio::test]
    async fn a_429_blocks_everyone_for_retry_after() {
        let g = Arc::new(RateGovernor::new());
        let mut h = limits(0, 0);
        h.insert("retry-after", HeaderValue::from_static("3"));
        let permit = g.acquire().await;
        // Retry-After counts from the moment the 429 arrives.
        let answered = Instant::now();
        permit.observe(429, &h);
        assert!(g.snapshot().blocked);
        let _p = g.acquire().await;
        assert!(Instant::now() - answered >= Duration::from_secs(3));
    }

    #[tokio::test]
    async fn an_older_answer_arriving_late_does_not_raise_the_estimate() {
        let window = epoch_seconds(SystemTime::now()) + 30;
        let at = |remaining: i64, reset: u64| {
            headers(&[
                ("x-ratelimit-limit", "20".into()),
                ("x-ratelimit-remaining", remaining.to_string()),
                ("x-ratelimit-reset", reset.to_string()),
            ])
        };
        let g = Arc::new(RateGovernor::new());
        g.acquire().await.observe(200, &at(5, window));
        let (a, b) = (g.acquire().await, g.acquire().await);
        b.observe(200, &at(1, window));
        // Answered earlier by the tenant (more left then), observed later, same window.
        a.observe(200, &at(3, window));
        assert_eq!(g.snapshot().remaining, Some(1));
        // A new window is believed.
        g.acquire().await.observe(200, &at(4, window + 1));
        assert_eq!(g.snapshot().remaining, Some(4));
        // An answer from an older window is ignored: the estimate only loses the one just sent.
        g.acquire().await.observe(200, &at(9, window));
        assert_eq!(g.snapshot().remaining, Some(3));
    }

    #[tokio::test]
    async fn the_first_request_goes_alone_until_the_tenant_has_said() {
        let g = Arc::new(RateGovernor::new());
        let first = g.acquire().await;
        let second = tokio::time::timeout(Duration::from_millis(50), g.acquire()).await;
        assert!(
            second.is_err(),
            "a second request went out before the first was answered"
        );
        first.observe(200, &limits(3, 1));
        let _next = tokio::time::timeout(Duration::from_millis(50), g.acquire())
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_tenant_that_sends_no_limits_is_not_held_back() {
        let g = Arc::new(RateGovernor::new());
        g.acquire().await.observe(200, &HeaderMap::new());
        let _a = g.acquire().await;
        let _b = tokio::time::timeout(Duration::from_millis(50), g.acquire())
            .await
            .expect("requests flow when the tenant gives no figures");
    }

    // Real time: the refill is measured with std's clock.
    #[tokio::test]
    async fn a_known_refill_rate_sends_as_the_bucket_refills_not_at_the_rounded_reset() {
        let g = Arc::new(RateGovernor::new());
        g.set_refill(4.0);
        // Empty, and the tenant says the next request comes in 3 s (rounded up, or far off).
        g.acquire().await.observe(200, &limits(0, 3));
        let before = Instant::now();
        let _next = g.acquire().await;
        let waited = Instant::now() - before;
        assert!(
            waited >= Duration::from_millis(200) && waited < Duration::from_millis(2500),
            "{waited:?}: one request refills in 250 ms at 4/s, long before the 3 s reset"
        );
        // A 429 despite the refill is forgiven once; refusals in a row slow the refill down.
        let mut refused = limits(0, 1);
        refused.insert("retry-after", HeaderValue::from_static("0"));
        g.acquire().await.observe(429, &refused);
        assert_eq!(g.lock().refill, Some(4.0));
        for _ in 0..2 {
            g.acquire().await.observe(429, &refused);
        }
        assert_eq!(g.lock().refill, Some(3.0));
    }

    #[tokio::test]
    async fn a_dropped_permit_frees_its_slot() {
        let g = Arc::new(RateGovernor::new());
        drop(g.acquire().await);
        assert_eq!(g.snapshot().in_flight, 0);
    }

    #[tokio::test]
    async fn a_reset_no_clock_can_hold_is_ignored_not_a_panic() {
        let g = Arc::new(RateGovernor::new());
        let h = headers(&[
            ("x-ratelimit-limit", "20".into()),
            ("x-ratelimit-remaining", "0".into()),
            ("x-ratelimit-reset", u64::MAX.to_string()),
            ("retry-after", u64::MAX.to_string()),
        ]);
        g.acquire().await.observe(429, &h);
        assert!(g.snapshot().blocked, "still waits (at most its own cap)");
    }
}
