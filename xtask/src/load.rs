//! The inbox's load generator: keep-alive HTTP/1.1 connections on loopback, each sending valid
//! submissions (contracts §6) with fresh ids at a fixed pace, recording every acknowledged id and
//! each request's latency. Plain `std`: the request is one fixed shape and the answer is short.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

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

/// One POST of a submission with `id` on the kept-alive connection (opened on demand); the
/// answer's status.
pub fn post(
    connection: &mut Option<BufReader<TcpStream>>,
    addr: &str,
    id: &str,
) -> std::io::Result<u16> {
    if connection.is_none() {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        *connection = Some(BufReader::new(stream));
    }
    let reader = connection.as_mut().expect("connected");
    let body = format!(
        r#"{{"id":"{id}","message":"Load test message {id}","rating":4,"email":"load@example.org","name":null,"consent":null,"page":{{"url":"https://shop.example/checkout","title":"Checkout","referrer":""}},"locale":"en","timeZone":"UTC","createdAt":"2026-11-24T12:00:00.000Z","widget":{{"version":"0.1.0"}}}}"#
    );
    let request = format!(
        "POST /api/feedback HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\nidempotency-key: {id}\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    reader.get_mut().write_all(request.as_bytes())?;
    let line = read_message(reader)?.first;
    line.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))
}

/// One HTTP/1.1 message, a request or an answer.
pub struct Message {
    /// The request or status line.
    pub first: String,
    /// Names in lower case.
    pub headers: Vec<(String, String)>,
    /// As long as `content-length` says.
    pub body: Vec<u8>,
}

impl Message {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one [`Message`].
pub fn read_message(reader: &mut impl BufRead) -> std::io::Result<Message> {
    let mut first = String::new();
    if reader.read_line(&mut first)? == 0 {
        return Err(std::io::Error::other("connection closed before a message"));
    }
    let mut headers = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::Error::other("connection closed mid-message"));
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let mut message = Message {
        first: first.trim_end().to_string(),
        headers,
        body: Vec::new(),
    };
    message.body = vec![
        0;
        message
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    ];
    reader.read_exact(&mut message.body)?;
    Ok(message)
}
