//! Rate limits per key (a client address, a site): `n` per minute with a burst of `n`, through
//! governor (GCRA, the same as a token bucket refilled continuously). In memory, per instance:
//! several instances each allow the configured rate. Also who the client is ([`client_ip`]):
//! every limit keyed by address uses that one answer.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::http::HeaderMap;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};

use crate::config::RateLimit;

/// Keys that have their whole burst again are dropped once a rate has this many, so memory stays
/// bounded.
const PRUNE_AT: usize = 10_000;

type Limiter<C> =
    RateLimiter<String, HashMapStateStore<String>, C, NoOpMiddleware<<C as Clock>::Instant>>;

/// The limits of one kind of key (addresses, sites, logins).
#[derive(Debug)]
pub struct Buckets<C: Clock = DefaultClock> {
    clock: C,
    /// One limiter per rate in use: sites may each have their own.
    by_rate: Mutex<HashMap<NonZeroU32, Arc<Limiter<C>>>>,
}

impl Default for Buckets {
    fn default() -> Self {
        Buckets::with_clock(DefaultClock::default())
    }
}

impl<C: Clock + Clone> Buckets<C> {
    pub fn with_clock(clock: C) -> Self {
        Buckets {
            clock,
            by_rate: Mutex::default(),
        }
    }

    /// Takes one request for `key` with `per_minute` allowed. `Err(wait)` when over the limit:
    /// the time until the next one is allowed (what `Retry-After` says). `per_minute == 0` never
    /// limits.
    pub fn take(&self, key: &str, per_minute: u32) -> Result<(), Duration> {
        let Some(rate) = NonZeroU32::new(per_minute) else {
            return Ok(());
        };
        let limiter = Arc::clone(
            self.by_rate
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(rate)
                .or_insert_with(|| {
                    let quota = Quota::per_minute(rate);
                    Arc::new(RateLimiter::hashmap_with_clock(quota, self.clock.clone()))
                }),
        );
        if limiter.len() >= PRUNE_AT {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        limiter
            .check_key(&key.to_string())
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }
}

/// The client's address, for every limit keyed by address (submissions and logins): the TCP
/// peer, or, when the proxies in front are trusted, the `X-Forwarded-For` entry the outermost of
/// them appended: `proxy_hops` from the right. Entries further left are the client's own words
/// (anyone can send the header), so they are never taken. An entry that is not an address (or
/// too few of them) falls back to the leftmost one a proxy wrote, or to the peer.
pub fn client_ip(headers: &HeaderMap, peer: Option<SocketAddr>, config: &RateLimit) -> String {
    let peer = || peer.map_or_else(|| "unknown".to_string(), |p| p.ip().to_string());
    if !config.trust_forwarded_for {
        return peer();
    }
    // Several header lines are one list, in order (RFC 9110 §5.3).
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let hops = usize::try_from(config.proxy_hops.max(1)).unwrap_or(usize::MAX);
    let chosen = entries
        .len()
        .checked_sub(hops)
        .map_or(entries.first(), |i| entries.get(i));
    chosen
        .and_then(|entry| address(entry))
        .map_or_else(peer, |ip| ip.to_string())
}

/// An IP address from an `X-Forwarded-For` entry: bare, or with a port (`1.2.3.4:5`, `[::1]:5`).
fn address(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// Whole seconds for `Retry-After`, rounded up and at least 1.
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    #[test]
    fn allows_a_burst_then_refills_at_the_rate() {
        let clock = FakeRelativeClock::default();
        let buckets = Buckets::with_clock(clock.clone());
        let wait = |secs: u64| clock.advance(Duration::from_secs(secs));
        // 6 per minute: a burst of 6, then one every 10 s.
        for _ in 0..6 {
            assert_eq!(buckets.take("ip", 6), Ok(()));
        }
        let retry = buckets.take("ip", 6).expect_err("empty");
        assert_eq!(retry_after_secs(retry), 10);
        wait(4);
        assert_eq!(
            retry_after_secs(buckets.take("ip", 6).expect_err("still empty")),
            6
        );
        wait(6);
        assert_eq!(buckets.take("ip", 6), Ok(()));
        assert!(buckets.take("ip", 6).is_err());
        // Other keys have their own bucket, and so has the same key at another rate (another
        // site's limit); 0 means no limit.
        assert_eq!(buckets.take("other", 6), Ok(()));
        assert_eq!(buckets.take("ip", 60), Ok(()));
        for _ in 0..100 {
            assert_eq!(buckets.take("free", 0), Ok(()));
        }
        // Keys whose burst is whole again are forgotten once there are many.
        for n in 0..PRUNE_AT {
            assert_eq!(buckets.take(&format!("visitor {n}"), 6), Ok(()));
        }
        wait(60);
        assert_eq!(buckets.take("last", 6), Ok(()));
        let limiters = buckets.by_rate.lock().expect("not poisoned");
        assert!(
            limiters[&NonZeroU32::new(6).expect("6")].len() < 10,
            "pruned"
        );
    }

    #[test]
    fn the_client_is_what_the_proxies_saw() {
        let peer: Option<SocketAddr> = Some("127.0.0.1:4000".parse().expect("address"));
        let check = |trust: bool, hops: u32, lines: &[&str], expected: &str| {
            let mut headers = HeaderMap::new();
            for line in lines {
                headers.append("x-forwarded-for", line.parse().expect("header value"));
            }
            let config = RateLimit {
                trust_forwarded_for: trust,
                proxy_hops: hops,
                ..RateLimit::default()
            };
            assert_eq!(
                client_ip(&headers, peer, &config),
                expected,
                "trust {trust}, hops {hops}, {lines:?}"
            );
        };
        // Not trusted: the header changes nothing.
        check(false, 1, &["203.0.113.9"], "127.0.0.1");
        // One proxy: the entry it appended, whatever the client wrote before it.
        check(true, 1, &["203.0.113.9"], "203.0.113.9");
        check(true, 1, &["10.9.0.1, 192.0.2.1"], "192.0.2.1");
        check(true, 1, &["10.9.0.1", "192.0.2.1"], "192.0.2.1");
        check(true, 1, &["10.9.0.1,192.0.2.1:5555"], "192.0.2.1");
        check(true, 1, &["[2001:db8::1]:443"], "2001:db8::1");
        // Two proxies (a CDN, then yours): the second entry from the right.
        check(
            true,
            2,
            &["10.9.0.1, 198.51.100.7, 192.0.2.1"],
            "198.51.100.7",
        );
        check(true, 2, &["198.51.100.7"], "198.51.100.7");
        // Nothing usable: the peer.
        check(true, 1, &[], "127.0.0.1");
        check(true, 1, &["10.9.0.1, not-an-address"], "127.0.0.1");
        check(true, 1, &[""], "127.0.0.1");
    }
}
