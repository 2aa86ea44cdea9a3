//! The load generator: keep-alive HTTP/1.1 connections on loopback, each sending valid
//! submissions (contracts §6) with fresh ids at a fixed pace, recording every acknowledged id and
//! each request's latency.

use std::io::BufReader;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::http::post;

/// What a run did.
#[derive(Default)]
pub struct Report {
    /// Ids answered 201 (first storage).
    pub acked: Vec<String>,
    /// Answers other than 201, and transport errors.
    pub failures: Vec<String>,
    /// One per answered request.
    pub latencies: Vec<Duration>,
    pub elapsed: Duration,
    /// Requests that started later than their slot by more than 100 ms (the rate was not held).
    pub late: u64,
}

impl Report {
    pub fn throughput(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    /// The `p`-th percentile latency (0..=100), nearest rank.
    pub fn percentile(&self, p: f64) -> Duration {
        percentile(&self.latencies, p)
    }
}

/// The `p`-th percentile (0..=100) of `latencies`, nearest rank.
pub fn percentile(latencies: &[Duration], p: f64) -> Duration {
    let mut sorted = latencies.to_vec();
    sorted.sort_unstable();
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// `rate` requests per second in total (0: as fast as each connection can go) over
/// `connections` connections to `addr` for `duration`. `tag` makes the ids unique to this run.
pub fn run(addr: &str, rate: u32, connections: u32, duration: Duration, tag: u32) -> Report {
    let start = Instant::now();
    let reports: Vec<Report> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..connections)
            .map(|c| scope.spawn(move || worker(addr, rate, connections, c, duration, start, tag)))
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let mut total = Report {
        elapsed: start.elapsed(),
        ..Report::default()
    };
    for r in reports {
        total.acked.extend(r.acked);
        total.failures.extend(r.failures);
        total.latencies.extend(r.latencies);
        total.late += r.late;
    }
    total
}

fn worker(
    addr: &str,
    rate: u32,
    connections: u32,
    index: u32,
    duration: Duration,
    start: Instant,
    tag: u32,
) -> Report {
    let mut report = Report::default();
    // Each connection takes every `connections`-th slot of the shared schedule.
    let interval =
        (rate > 0).then(|| Duration::from_secs_f64(f64::from(connections) / f64::from(rate)));
    let offset = interval.map_or(Duration::ZERO, |i| {
        i.mul_f64(f64::from(index) / f64::from(connections))
    });
    let mut connection: Option<BufReader<TcpStream>> = None;
    for n in 0u64.. {
        let slot = interval.map_or(Duration::ZERO, |i| offset + i.mul_f64(n as f64));
        if slot >= duration || start.elapsed() >= duration {
            break;
        }
        if let Some(wait) = slot.checked_sub(start.elapsed()) {
            std::thread::sleep(wait);
        } else if interval.is_some() && start.elapsed() - slot > Duration::from_millis(100) {
            report.late += 1;
        }
        let id = format!("{tag:08x}-{index:04x}-4000-8000-{n:012x}");
        let sent = Instant::now();
        match post(&mut connection, addr, &id) {
            Ok(201) => {
                report.latencies.push(sent.elapsed());
                report.acked.push(id);
            }
            Ok(status) => {
                report.latencies.push(sent.elapsed());
                report.failures.push(format!("{id}: HTTP {status}"));
            }
            Err(e) => {
                connection = None;
                report.failures.push(format!("{id}: {e}"));
            }
        }
    }
    report
}
