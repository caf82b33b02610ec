//! A token bucket like Auth0's: `burst` requests at once, refilled at `rate` per second. Every answer
//! carries `x-ratelimit-limit` (the bucket size), `x-ratelimit-remaining` and `x-ratelimit-reset`
//! (epoch seconds at which the next request is added).

use std::time::{Instant, SystemTime, UNIX_EPOCH};

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

#[cfg(test)]
mod tests {
    use super::*;

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
