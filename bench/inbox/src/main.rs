//! The inbox benchmark, run by `cargo xtask bench inbox|takeover|scale` (which builds the release
//! inbox and installs sqlite3 first):
//!
//! `inbox-bench PART --binary INBOX --report bench/inbox.md [--rate N] [--duration SECS]`
//!
//! `inbox`: the release inbox on a fresh SQLite file holds a steady rate, then peak throughput
//! (`load.rs`); every acknowledged submission must be stored exactly once; then the store is
//! filled to a million messages and listings, searches and a full export are timed (`scale.rs`);
//! then the takeover. `takeover`: how long a forwarding job held by a killed instance waits
//! before another instance sends it; only that section of the report is replaced. `scale`: only
//! the million-message section, on a fresh store.

mod http;
mod load;
mod scale;

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use load::Report;

/// Errors are messages for the person at the terminal.
type Result<T = (), E = String> = std::result::Result<T, E>;

/// Connections the load is spread over.
const CONNECTIONS: u32 = 8;
/// How long the peak-throughput phase runs.
const PEAK: Duration = Duration::from_secs(10);
/// The heading of the report's last section, which `takeover` replaces.
const TAKEOVER_HEADING: &str = "## Crash takeover";

struct Options {
    part: String,
    binary: PathBuf,
    report: PathBuf,
    /// Submissions per second in the steady phase, and how long it lasts.
    rate: u32,
    duration: Duration,
}

fn parse(args: &[String]) -> Result<Options> {
    let usage = "usage: inbox-bench inbox|takeover|scale --binary INBOX --report FILE [--rate N] [--duration SECS]";
    let (part, mut rest) = match args {
        [part, rest @ ..] if ["inbox", "takeover", "scale"].contains(&part.as_str()) => {
            (part, rest)
        }
        _ => return Err(usage.into()),
    };
    let mut options = Options {
        part: part.clone(),
        binary: PathBuf::new(),
        report: PathBuf::new(),
        rate: 200,
        duration: Duration::from_secs(60),
    };
    while let [flag, value, more @ ..] = rest {
        let number = || {
            value
                .parse::<u32>()
                .map_err(|_| format!("{flag} {value}: {usage}"))
        };
        match flag.as_str() {
            "--binary" => options.binary = value.into(),
            "--report" => options.report = value.into(),
            "--rate" => options.rate = number()?,
            "--duration" => options.duration = Duration::from_secs(number()?.into()),
            _ => return Err(usage.into()),
        }
        rest = more;
    }
    if !rest.is_empty()
        || options.binary.as_os_str().is_empty()
        || options.report.as_os_str().is_empty()
    {
        return Err(usage.into());
    }
    Ok(options)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let run = |options: Options| {
        let dir = std::env::temp_dir().join(format!("inbox-bench-{}", std::process::id()));
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let result = match options.part.as_str() {
            "scale" => scale_only(&options, &dir),
            part => inbox(&options, &dir, part == "inbox"),
        };
        let _ = fs::remove_dir_all(&dir);
        result
    };
    match parse(&args).and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: inbox-bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn step(what: &str) {
    println!("==> {what}");
}

fn note(what: &str) {
    println!("    {what}");
}

/// What `program args` prints, trimmed; empty if it fails.
fn probe(program: &str, args: &[&str]) -> String {
    let output = Command::new(program).args(args).output();
    output.map_or(String::new(), |o| {
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    })
}

/// Ends a server with SIGTERM, as an operator would, and waits for it.
fn terminate(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

/// The load (with the million-message section) when `load`, then the takeover, into the report;
/// without the load, the report keeps its load part and gets a new takeover section.
fn inbox(options: &Options, dir: &Path, load: bool) -> Result {
    let binary = &options.binary;
    let load = load.then(|| -> Result<_> {
        step(&format!(
            "start the inbox on a fresh SQLite file in {}",
            dir.display()
        ));
        let db = dir.join("inbox.sqlite3");
        let (server, addr) = start(binary, &db, None)?;
        let result = measure(&addr, options);
        server.stop();
        let (steady, peak, stored) = result?;
        let scale = scale::run(&db, stored, || {
            start(binary, &db, None).map(|(inbox, addr)| (inbox.into_child(), addr))
        })?;
        Ok(markdown(options, &steady, &peak, stored) + "\n" + &scale::markdown(&scale) + "\n")
    });
    let load = load.transpose()?;
    let takeover = takeover(binary, dir)?;
    let mut report = match load {
        Some(report) => report,
        None => {
            let old = read(&options.report)?;
            old.split(TAKEOVER_HEADING)
                .next()
                .unwrap_or_default()
                .trim_end()
                .to_string()
                + "\n\n"
        }
    };
    report.push_str(&takeover.markdown());
    write(&options.report, &report)?;
    println!("\n{report}");
    Ok(())
}

/// Only the million-message section of the report: a fresh store filled with generated rows,
/// measured, and the section replaced (the other figures stay as they were).
fn scale_only(options: &Options, dir: &Path) -> Result {
    let db = dir.join("inbox.sqlite3");
    step("create the schema: start the inbox once on a fresh SQLite file");
    start(&options.binary, &db, None)?.0.stop();
    let scale = scale::run(&db, 0, || {
        start(&options.binary, &db, None).map(|(inbox, addr)| (inbox.into_child(), addr))
    })?;
    let section = scale::markdown(&scale);
    let report = fs::read_to_string(&options.report).unwrap_or_default();
    write(
        &options.report,
        &scale::replace_section(&report, &section, TAKEOVER_HEADING),
    )?;
    println!("\n{section}");
    Ok(())
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result {
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    step(&format!("wrote {}", path.display()));
    Ok(())
}

/// A running inbox; dropping it kills the process (SIGKILL), [`Inbox::stop`] ends it with SIGTERM.
struct Inbox(Option<Child>);

impl Inbox {
    fn stop(mut self) {
        if let Some(mut child) = self.0.take() {
            terminate(&mut child);
        }
    }

    /// The process, for code that stops it itself (`scale.rs`).
    fn into_child(mut self) -> Child {
        self.0.take().expect("a started inbox has its process")
    }
}

impl Drop for Inbox {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The inbox on the SQLite file `db`, with the configuration file `config` if given; its address.
fn start(binary: &Path, db: &Path, config: Option<&Path>) -> Result<(Inbox, String)> {
    let mut command = Command::new(binary);
    command
        .args(["--port", "0", "--www", "www", "--dist", "dist", "--db"])
        .arg(db)
        .env_remove("DATABASE_URL");
    match config {
        Some(path) => command.env("INBOX_CONFIG", path),
        None => command.env_remove("INBOX_CONFIG"),
    };
    let mut child = command
        .env("INBOX_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let stdout = child.stdout.take();
    let inbox = Inbox(Some(child));
    let mut line = String::new();
    BufReader::new(stdout.ok_or("no stdout")?)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let addr = line
        .trim()
        .strip_prefix("inbox listening on http://")
        .ok_or_else(|| format!("unexpected line {line:?}"))?;
    Ok((inbox, addr.to_string()))
}

/// What the crash-takeover run measured.
struct Takeover {
    /// From the killed instance's attempt reaching the webhook to the other instance's.
    after_attempt: Duration,
    /// From the kill to the other instance's attempt reaching the webhook.
    after_kill: Duration,
}

/// Crash takeover with the default forwarding settings: instance A on a fresh SQLite file sends
/// a message to a webhook that never answers, and is killed (SIGKILL) as soon as its attempt has
/// reached the webhook, with all of its lease still ahead; instance B, started on the same file
/// meanwhile, sends the message once that lease has ended. The webhook answers B at once.
fn takeover(binary: &Path, dir: &Path) -> Result<Takeover> {
    step("crash takeover: kill an instance in the middle of forwarding, time the other's attempt");
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot bind the webhook: {e}"))?;
    let hook = format!(
        "http://{}/hook",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    let (arrival, arrivals) = mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new(); // the first attempt's connection, never answered
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let Ok(request) = http::read_message(&mut reader) else {
                continue;
            };
            let id = request.header("webhook-id").map(String::from);
            let _ = arrival.send((Instant::now(), id));
            if held.is_empty() {
                held.push(reader);
            } else {
                let answer = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
                let _ = reader.get_mut().write_all(answer);
            }
        }
    });
    let config = dir.join("takeover.toml");
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let webhook = format!("[[forward.webhooks]]\nurl = \"{hook}\"\nsecret = \"{secret}\"\n");
    fs::write(&config, webhook).map_err(|e| e.to_string())?;
    let db = dir.join("takeover.sqlite3");
    let (a, addr) = start(binary, &db, Some(&config))?;
    let posted = http::post(&mut None, &addr, "0b8e2c1e-5a7f-4c3b-9a61-00000000dead")
        .map_err(|e| e.to_string())?;
    if posted != 201 {
        return Err(format!("crash takeover: the submission got HTTP {posted}"));
    }
    let wait = |what: &str, within: Duration| {
        arrivals
            .recv_timeout(within)
            .map_err(|_| format!("crash takeover: no {what} within {within:?}"))
    };
    let (first, first_id) = wait("attempt by the first instance", Duration::from_secs(30))?;
    let (b, _) = start(binary, &db, Some(&config))?;
    drop(a); // SIGKILL
    let killed = Instant::now();
    let (second, second_id) = wait("attempt by the second instance", Duration::from_secs(60))?;
    b.stop();
    if first_id.is_none() || first_id != second_id {
        return Err(format!(
            "crash takeover: webhook-id {first_id:?}, then {second_id:?}"
        ));
    }
    let measured = Takeover {
        after_attempt: second - first,
        after_kill: second - killed,
    };
    note(&format!(
        "sent again {:.1} s after the kill ({:.1} s after the first attempt began)",
        measured.after_kill.as_secs_f64(),
        measured.after_attempt.as_secs_f64()
    ));
    Ok(measured)
}

impl Takeover {
    fn markdown(&self) -> String {
        format!(
            "{TAKEOVER_HEADING}\n\n\
             Measured by `cargo xtask bench takeover` (also part of `cargo xtask bench inbox`) on {}.\n\n\
             Forwarding with the default settings: each attempt holds its job under a lease of \
             `timeout_ms` + `lease_margin_ms` = 10 + 5 s, and an idle instance looks for due jobs every \
             second. Two release instances share one SQLite file. Instance A sends a message to a \
             webhook that does not answer and is killed (SIGKILL) as soon as its attempt reaches the \
             webhook, so all of its lease is still ahead: the longest wait. Instance B sent the message \
             **{:.1} s after the kill** ({:.1} s after A's attempt began), with the same `webhook-id`; \
             the bound is the lease plus one poll, 16 s.\n",
            probe("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
            self.after_kill.as_secs_f64(),
            self.after_attempt.as_secs_f64()
        )
    }
}

/// The steady phase, the peak phase, and how many rows the inbox holds afterwards.
fn measure(addr: &str, options: &Options) -> Result<(Report, Report, usize)> {
    let (rate, seconds) = (options.rate, options.duration.as_secs());
    step(&format!(
        "steady load: {rate} submissions/s for {seconds} s over {CONNECTIONS} connections"
    ));
    let steady = load::run(addr, rate, CONNECTIONS, options.duration, 1);
    summary(&steady);
    step(&format!(
        "peak throughput: as fast as {CONNECTIONS} connections go for {} s",
        PEAK.as_secs()
    ));
    let peak = load::run(addr, 0, CONNECTIONS, PEAK, 2);
    summary(&peak);
    step("check that every acknowledged submission is stored exactly once");
    let stored = stored_ids(addr)?;
    let unique: HashSet<&str> = stored.iter().map(String::as_str).collect();
    let acked: Vec<&String> = steady.acked.iter().chain(&peak.acked).collect();
    let lost: Vec<&&String> = acked
        .iter()
        .filter(|id| !unique.contains(id.as_str()))
        .collect();
    let mut problems = Vec::new();
    if unique.len() != stored.len() {
        problems.push(format!("{} duplicated rows", stored.len() - unique.len()));
    }
    if let Some(first) = lost.first() {
        problems.push(format!(
            "{} acknowledged submissions lost, e.g. {first}",
            lost.len()
        ));
    }
    if stored.len() != acked.len() {
        problems.push(format!(
            "{} rows stored for {} acknowledged submissions",
            stored.len(),
            acked.len()
        ));
    }
    for report in [&steady, &peak] {
        if let Some(first) = report.failures.first() {
            problems.push(format!(
                "{} failed requests, e.g. {first}",
                report.failures.len()
            ));
        }
    }
    // A loaded 2-core machine may deschedule the generator now and then; a rate not held is
    // many late starts, not one.
    if steady.late * 1000 > steady.latencies.len() as u64 {
        problems.push(format!(
            "the steady rate was not held: {} of {} requests started over 100 ms late (over 0.1%)",
            steady.late,
            steady.latencies.len()
        ));
    }
    if !problems.is_empty() {
        return Err(format!(
            "the inbox benchmark failed:\n    {}",
            problems.join("\n    ")
        ));
    }
    note(&format!(
        "{} stored, {} acknowledged: none lost, none duplicated",
        stored.len(),
        acked.len()
    ));
    Ok((steady, peak, stored.len()))
}

fn summary(report: &Report) {
    note(&format!(
        "{} acknowledged, {} failed, {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms",
        report.acked.len(),
        report.failures.len(),
        report.throughput(),
        ms(report.percentile(50.0)),
        ms(report.percentile(99.0))
    ));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Every stored id, from `GET /api/feedback` page after page (its `Link: rel="next"`).
fn stored_ids(addr: &str) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    let mut next = Some("/api/feedback?limit=1000".to_string());
    while let Some(path) = next.take() {
        let mut body = Vec::new();
        let headers = http::get(addr, &path, |data| body.extend_from_slice(data))?;
        let items: serde_json::Value =
            serde_json::from_slice(&body).map_err(|e| format!("listing is not JSON: {e}"))?;
        let items = items.as_array().ok_or("listing is not an array")?;
        ids.extend(
            items
                .iter()
                .filter_map(|i| i["id"].as_str().map(String::from)),
        );
        next = headers.iter().find_map(|(name, value)| {
            let link = value
                .strip_suffix("; rel=\"next\"")
                .filter(|_| name == "link")?;
            Some(
                link.trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string(),
            )
        });
    }
    Ok(ids)
}

fn markdown(options: &Options, steady: &Report, peak: &Report, stored: usize) -> String {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map_or("unknown", |l| l.trim_start_matches([' ', '\t', ':']));
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .map_or("unknown".to_string(), |m| m.trim().to_string());
    let (rate, seconds) = (options.rate, options.duration.as_secs());
    let mut out = format!(
        "# Inbox benchmark (SQLite)\n\n\
         Written by `cargo xtask bench` on {}.\n\n\
         Reproduce: `cargo xtask bench inbox --rate {rate} --duration {seconds}`\n\n\
         The release `inbox` binary on a fresh SQLite file (WAL, `synchronous=FULL`: every \
         acknowledged submission is on disk), zero-config, loaded over loopback by `bench/inbox/src/load.rs` \
         with {CONNECTIONS} keep-alive connections. Each request is a valid contract payload with a \
         new id. Latency is from sending the request to reading the whole answer.\n\n\
         | phase | requests | acknowledged (201) | failed | throughput | p50 | p99 |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n",
        probe("date", &["-u", "+%Y-%m-%d %H:%M UTC"])
    );
    let steady_name = format!("steady {rate}/s for {seconds} s");
    for (name, r) in [
        (steady_name, steady),
        (format!("peak, {} s unpaced", PEAK.as_secs()), peak),
    ] {
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {:.0} req/s | {:.2} ms | {:.2} ms |",
            r.latencies.len(),
            r.acked.len(),
            r.failures.len(),
            r.throughput(),
            ms(r.percentile(50.0)),
            ms(r.percentile(99.0))
        );
    }
    let _ = write!(
        out,
        "\nAfterwards the inbox held {stored} rows for {} acknowledged submissions: none lost, none duplicated. \
         {} of the steady phase's requests started more than 100 ms after their slot (the check allows 0.1%).\n\n\
         Machine: {cpu}, {cores} cores, {memory} memory, {}.\n\
         Toolchain: {}.\n\n\
         The widget's benchmark (what embedding it costs a page) is `bench/widget.md`, from `cargo xtask bench widget`.\n",
        steady.acked.len() + peak.acked.len(),
        steady.late,
        probe("uname", &["-sr"]),
        probe("rustc", &["--version"])
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_its_arguments() {
        let parse_str = |args: &str| parse(&args.split(' ').map(String::from).collect::<Vec<_>>());
        let o =
            parse_str("inbox --binary target/release/inbox --report r.md --rate 50 --duration 5")
                .unwrap();
        assert_eq!(
            (o.part.as_str(), o.rate, o.duration),
            ("inbox", 50, Duration::from_secs(5))
        );
        assert_eq!(
            (o.binary.to_str(), o.report.to_str()),
            (Some("target/release/inbox"), Some("r.md"))
        );
        let o = parse_str("takeover --binary i --report r.md").unwrap();
        assert_eq!((o.rate, o.duration), (200, Duration::from_secs(60)));
        for wrong in [
            "browser --binary i --report r",
            "scale --binary i",
            "scale --binary i --report r --rate x",
        ] {
            assert!(parse_str(wrong).is_err(), "{wrong}");
        }
    }
}
