//! Token buckets per key (a client IP, a site): `n` per minute with a burst of `n`, refilled
//! continuously. In memory, per instance: several instances each allow the configured rate.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Buckets are dropped once this many exist and they are full again, so memory stays bounded.
const PRUNE_AT: usize = 10_000;

/// The buckets of one kind of key.
#[derive(Debug, Default)]
pub struct Buckets {
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl Buckets {
    /// Takes one token for `key` at `now` with `per_minute` allowed. `Err(wait)` when empty:
    /// the time until a token is back (what `Retry-After` says). `per_minute == 0` never limits.
    pub fn take(&self, key: &str, per_minute: u32, now: Instant) -> Result<(), Duration> {
        if per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= PRUNE_AT {
            buckets.retain(|_, b| b.tokens + now.saturating_duration_since(b.updated).as_secs_f64() * per_second < capacity);
        }
        let bucket = buckets.entry(key.to_string()).or_insert(Bucket { tokens: capacity, updated: now });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }
}

/// Whole seconds for `Retry-After`, rounded up and at least 1.
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_a_burst_then_refills_at_the_rate() {
        let buckets = Buckets::default();
        let t0 = Instant::now();
        let at = |secs: f64| t0 + Duration::from_secs_f64(secs);
        // 6 per minute: a burst of 6, then one every 10 s.
        for _ in 0..6 {
            assert_eq!(buckets.take("ip", 6, at(0.0)), Ok(()));
        }
        let wait = buckets.take("ip", 6, at(0.0)).expect_err("empty");
        assert_eq!(retry_after_secs(wait), 10);
        assert_eq!(retry_after_secs(buckets.take("ip", 6, at(4.0)).expect_err("still empty")), 6);
        assert_eq!(buckets.take("ip", 6, at(10.0)), Ok(()));
        assert!(buckets.take("ip", 6, at(10.0)).is_err());
        // Other keys have their own bucket; 0 means no limit.
        assert_eq!(buckets.take("other", 6, at(10.0)), Ok(()));
        for _ in 0..100 {
            assert_eq!(buckets.take("free", 0, at(0.0)), Ok(()));
        }
    }
}
