//! Token buckets per key (a client IP, a site): `n` per minute with a burst of `n`, refilled
//! continuously. In memory, per instance: several instances each allow the configured rate.
//! Also who the client is ([`client_ip`]): every limit keyed by address uses that one answer.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;

use crate::config::RateLimit;

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
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= PRUNE_AT {
            buckets.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.updated).as_secs_f64() * per_second
                    < capacity
            });
        }
        let bucket = buckets.entry(key.to_string()).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
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
        assert_eq!(
            retry_after_secs(buckets.take("ip", 6, at(4.0)).expect_err("still empty")),
            6
        );
        assert_eq!(buckets.take("ip", 6, at(10.0)), Ok(()));
        assert!(buckets.take("ip", 6, at(10.0)).is_err());
        // Other keys have their own bucket; 0 means no limit.
        assert_eq!(buckets.take("other", 6, at(10.0)), Ok(()));
        for _ in 0..100 {
            assert_eq!(buckets.take("free", 0, at(0.0)), Ok(()));
        }
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
