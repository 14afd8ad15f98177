//! How fast one key may call: a token bucket per key, in this server's memory. Several app
//! servers each keep their own, so a key spread over two gets up to twice the rate.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Requests a key may make each second, sustained: far above what a till makes (a purchase every
/// few seconds), so a loop gone wrong is stopped without slowing a busy shop.
pub const REQUESTS_PER_SECOND: f64 = 100.0;
/// Requests a key may make at once after a quiet moment (a till that was offline sending its
/// queue).
pub const BURST: f64 = 200.0;

pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<i64, Bucket>>,
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::new(REQUESTS_PER_SECOND, BURST)
    }
}

impl RateLimiter {
    pub fn new(per_second: f64, burst: f64) -> Self {
        Self {
            per_second,
            burst,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from the key's bucket, or says how long until one is free.
    pub fn take(&self, key_id: i64, now: Instant) -> Result<(), Duration> {
        // A poisoned lock only means another request panicked mid-update: the counts stay usable.
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let bucket = buckets.entry(key_id).or_insert(Bucket {
            tokens: self.burst,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_second).min(self.burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - bucket.tokens) / self.per_second,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_burst_then_its_rate_and_keys_do_not_share() {
        let limiter = RateLimiter::new(10.0, 3.0);
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.take(1, start), Ok(()));
        }
        let wait = limiter.take(1, start).unwrap_err();
        assert!(wait > Duration::from_millis(90) && wait <= Duration::from_millis(100));
        assert_eq!(
            limiter.take(2, start),
            Ok(()),
            "another key has its own bucket"
        );
        assert_eq!(limiter.take(1, start + Duration::from_millis(100)), Ok(()));
        assert!(limiter.take(1, start + Duration::from_millis(100)).is_err());
    }
}
