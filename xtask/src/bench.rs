//! `cargo xtask bench [inbox|widget|size]`: the benchmark, every part unless one is named.
//!
//! The inbox part builds the release inbox, runs it on a fresh SQLite file, holds a steady rate
//! for a minute, then measures peak throughput, checks that every acknowledged submission is
//! stored exactly once, then fills the store to a million messages and times listings, searches
//! and a full export (`scale.rs`), measures how long a forwarding job held by a killed instance
//! waits before another instance sends it, and writes `bench/inbox.md`; `bench scale` and
//! `bench takeover` each replace only their own section there. The widget part builds `dist/` and runs
//! `bench/widget.mjs`, which loads a host page without a widget, with ours and with a plain-JS
//! reference widget in headless Chromium (at load, then a cold open, on loopback and on an
//! emulated slow 4G link) and writes `bench/widget.md`. The size part (`size_report.rs`) writes
//! `bench/size.md`: what each feature costs in the shipped wasm.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::cmd::{self, note, step, Cmd};
use crate::load::{self, Report};
use crate::workspace::Workspace;
use crate::{dist, install, scale, size_report, Result};

/// Connections the load is spread over.
const CONNECTIONS: u32 = 8;
/// How long the peak-throughput phase runs.
const PEAK: Duration = Duration::from_secs(10);

pub const USAGE: &str =
    "cargo xtask bench [inbox|takeover|scale|widget|size] [--rate N] [--duration SECS] [--runs N] [--note TEXT]";

/// The heading of `bench/inbox.md`'s last section, which `bench takeover` replaces.
const TAKEOVER_HEADING: &str = "## Crash takeover";

pub struct Options {
    /// The load on the inbox; it comes with the takeover.
    pub inbox: bool,
    /// A forwarding job's takeover after its instance is killed.
    pub takeover: bool,
    /// Only the million-message section of the inbox's report (`scale.rs`), on a fresh store.
    pub scale: bool,
    pub widget: bool,
    pub size: bool,
    /// Inbox: submissions per second in the steady phase, and how long it lasts.
    pub rate: u32,
    pub duration: Duration,
    /// Widget: visits of each page per CPU setting.
    pub runs: u32,
    /// Widget: a sentence for the report, e.g. that the machine was shared.
    pub note: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            inbox: true,
            takeover: true,
            scale: false,
            widget: true,
            size: true,
            rate: 200,
            duration: Duration::from_secs(60),
            runs: 9,
            note: None,
        }
    }
}

/// `[inbox|takeover|scale|widget|size] [--rate N] [--duration SECS] [--runs N] [--note TEXT]`.
pub fn parse(args: &[String]) -> Result<Options> {
    let mut options = Options::default();
    let mut args = args.iter().peekable();
    let only = |inbox, takeover, widget, size| Options {
        inbox,
        takeover,
        widget,
        size,
        ..Options::default()
    };
    let part = match args.peek().map(|a| a.as_str()) {
        Some("inbox") => Some(only(true, true, false, false)),
        Some("takeover") => Some(only(false, true, false, false)),
        Some("scale") => Some(Options {
            scale: true,
            ..only(false, false, false, false)
        }),
        Some("widget") => Some(only(false, false, true, false)),
        Some("size") => Some(only(false, false, false, true)),
        _ => None,
    };
    if let Some(part) = part {
        options = part;
        args.next();
    }
    while let Some(flag) = args.next() {
        if !flag.starts_with("--") {
            return Err(format!("unknown argument {flag:?}; usage: {USAGE}"));
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        if flag == "--note" {
            options.note = Some(value.clone());
            continue;
        }
        let number: u64 = value
            .parse()
            .map_err(|_| format!("{flag} wants a positive whole number, not {value:?}"))?;
        match (flag.as_str(), number) {
            (_, 0) => return Err(format!("{flag} must be at least 1")),
            ("--rate", n) => {
                options.rate = u32::try_from(n).map_err(|_| "--rate is too large".to_string())?
            }
            ("--duration", n) => options.duration = Duration::from_secs(n),
            ("--runs", n) => {
                options.runs = u32::try_from(n).map_err(|_| "--runs is too large".to_string())?
            }
            _ => return Err(format!("unknown argument {flag:?}; usage: {USAGE}")),
        }
    }
    Ok(options)
}

pub fn run(ws: &Workspace, options: &Options) -> Result {
    if options.inbox || options.takeover {
        inbox(ws, options)?;
    } else if options.scale {
        scale_only(ws)?;
    }
    if options.widget {
        widget(ws, options)?;
    }
    if options.size {
        size_report::run(ws)?;
    }
    Ok(())
}

/// The release inbox built, and a fresh directory for its database.
fn prepare(ws: &Workspace) -> Result<(PathBuf, PathBuf)> {
    step("build the inbox server (release)");
    cmd::cargo()
        .args(["build", "--release", "-p", "inbox"])
        .current_dir(&ws.root)
        .run()?;
    let dir = std::env::temp_dir().join(format!("inbox-bench-{}", std::process::id()));
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok((ws.target.join("release/inbox"), dir))
}

fn inbox(ws: &Workspace, options: &Options) -> Result {
    let (binary, dir) = prepare(ws)?;
    let load = options.inbox.then(|| -> Result<_> {
        step(&format!(
            "start the inbox on a fresh SQLite file in {}",
            dir.display()
        ));
        let db = dir.join("inbox.sqlite3");
        let (server, addr) = start(&binary, &db, None)?;
        let result = measure(&addr, options);
        server.stop();
        let (steady, peak, stored) = result?;
        let scale = scale::run(&db, stored, || {
            start(&binary, &db, None).map(|(inbox, addr)| (inbox.into_child(), addr))
        })?;
        Ok((steady, peak, stored, scale))
    });
    let result = load
        .transpose()
        .and_then(|load| Ok((load, takeover(&binary, &dir)?)));
    let _ = fs::remove_dir_all(&dir);
    let (load, takeover) = result?;

    let path = ws.root.join("bench/inbox.md");
    // Without the load, the report keeps its load part and gets a new takeover section.
    let mut report = match load {
        Some((steady, peak, stored, scale)) => {
            markdown(options, &steady, &peak, stored) + "\n" + &scale::markdown(&scale) + "\n"
        }
        None => {
            let old = fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            old.split(TAKEOVER_HEADING)
                .next()
                .unwrap_or_default()
                .trim_end()
                .to_string()
                + "\n\n"
        }
    };
    report.push_str(&takeover.markdown());
    fs::create_dir_all(ws.root.join("bench")).map_err(|e| e.to_string())?;
    fs::write(&path, &report).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    step(&format!("wrote {}", path.display()));
    println!("\n{report}");
    Ok(())
}

/// Only the million-message section of `bench/inbox.md`: a fresh store filled with generated
/// rows, measured, and the section replaced (the other figures stay as they were).
fn scale_only(ws: &Workspace) -> Result {
    let (binary, dir) = prepare(ws)?;
    let db = dir.join("inbox.sqlite3");
    step("create the schema: start the inbox once on a fresh SQLite file");
    start(&binary, &db, None)?.0.stop();
    let result = scale::run(&db, 0, || {
        start(&binary, &db, None).map(|(inbox, addr)| (inbox.into_child(), addr))
    });
    let _ = fs::remove_dir_all(&dir);
    let section = scale::markdown(&result?);
    let path = ws.root.join("bench/inbox.md");
    let report = fs::read_to_string(&path).unwrap_or_default();
    fs::write(
        &path,
        scale::replace_section(&report, &section, TAKEOVER_HEADING),
    )
    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    step(&format!(
        "wrote the million-message section of {}",
        path.display()
    ));
    println!("\n{section}");
    Ok(())
}

/// The widget half: `bench/widget.mjs` against a fresh `dist/` served by the release inbox.
fn widget(ws: &Workspace, options: &Options) -> Result {
    install::chromium()?;
    dist::run(ws)?;
    step("build the inbox server (release), which serves dist/ to the benchmark");
    cmd::cargo()
        .args(["build", "--release", "-p", "inbox"])
        .current_dir(&ws.root)
        .run()?;
    install::npm_packages(
        &ws.root,
        "tests/e2e",
        "playwright-core for the widget benchmark",
    )?;
    step(&format!(
        "widget benchmark in headless Chromium: {} visits of each page per CPU setting",
        options.runs
    ));
    let mut command = Cmd::new("node")
        .args([
            "bench/widget.mjs",
            "--runs",
            &options.runs.to_string(),
            "--out",
            "bench/widget.md",
        ])
        .current_dir(&ws.root)
        .env("INBOX_BIN", ws.target.join("release/inbox"))
        .env("DIST_DIR", ws.dist())
        .env("WWW_DIR", ws.www())
        .env("CHROMIUM", install::CHROMIUM);
    if let Some(note) = &options.note {
        command = command.args(["--note", note]);
    }
    command.run()
}

/// A running inbox; dropping it kills the process (SIGKILL), [`Inbox::stop`] ends it with SIGTERM.
struct Inbox(Option<Child>);

impl Inbox {
    fn stop(mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = Cmd::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .probe();
            let _ = child.wait();
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
            let Ok(request) = load::read_message(&mut reader) else {
                continue;
            };
            let _ = arrival.send((
                Instant::now(),
                request.header("webhook-id").map(String::from),
            ));
            if held.is_empty() {
                held.push(reader);
            } else {
                let _ = reader.get_mut().write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                );
            }
        }
    });
    let config = dir.join("takeover.toml");
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    fs::write(
        &config,
        format!("[[forward.webhooks]]\nurl = \"{hook}\"\nsecret = \"{secret}\"\n"),
    )
    .map_err(|e| e.to_string())?;
    let db = dir.join("takeover.sqlite3");
    let (a, addr) = start(binary, &db, Some(&config))?;
    let posted = load::post(&mut None, &addr, "0b8e2c1e-5a7f-4c3b-9a61-00000000dead")
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
    step(&format!(
        "steady load: {} submissions/s for {} s over {CONNECTIONS} connections",
        options.rate,
        options.duration.as_secs()
    ));
    let steady = load::run(addr, options.rate, CONNECTIONS, options.duration, 1);
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
    if !lost.is_empty() {
        problems.push(format!(
            "{} acknowledged submissions lost, e.g. {}",
            lost.len(),
            lost[0]
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
        let mut stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n"
        )
        .map_err(|e| e.to_string())?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).map_err(|e| e.to_string())?;
        let answer = String::from_utf8_lossy(&answer);
        let (head, body) = answer.split_once("\r\n\r\n").ok_or("no HTTP answer")?;
        if !head.starts_with("HTTP/1.1 200") {
            return Err(format!(
                "GET {path}: {}",
                head.lines().next().unwrap_or_default()
            ));
        }
        let items: serde_json::Value =
            serde_json::from_str(body).map_err(|e| format!("listing is not JSON: {e}"))?;
        let items = items.as_array().ok_or("listing is not an array")?;
        ids.extend(
            items
                .iter()
                .filter_map(|i| i["id"].as_str().map(String::from)),
        );
        next = head.lines().find_map(|l| {
            let link = l.strip_prefix("link: ")?.strip_suffix("; rel=\"next\"")?;
            Some(
                link.trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string(),
            )
        });
    }
    Ok(ids)
}

/// What `program args` prints, trimmed; empty if it fails.
fn probe(program: &str, args: &[&str]) -> String {
    Cmd::new(program)
        .args(args)
        .probe()
        .unwrap_or_default()
        .trim()
        .to_string()
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
    let mut out = String::new();
    let _ = writeln!(out, "# Inbox benchmark (SQLite)\n");
    let _ = writeln!(
        out,
        "Written by `cargo xtask bench` on {}.\n",
        probe("date", &["-u", "+%Y-%m-%d %H:%M UTC"])
    );
    let _ = writeln!(
        out,
        "Reproduce: `cargo xtask bench inbox --rate {} --duration {}`\n",
        options.rate,
        options.duration.as_secs()
    );
    let _ = writeln!(
        out,
        "The release `inbox` binary on a fresh SQLite file (WAL, `synchronous=FULL`: every \
         acknowledged submission is on disk), zero-config, loaded over loopback by `xtask/src/load.rs` \
         with {CONNECTIONS} keep-alive connections. Each request is a valid contract payload with a \
         new id. Latency is from sending the request to reading the whole answer.\n"
    );
    let _ = writeln!(
        out,
        "| phase | requests | acknowledged (201) | failed | throughput | p50 | p99 |"
    );
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (name, r) in [
        (
            format!(
                "steady {}/s for {} s",
                options.rate,
                options.duration.as_secs()
            ),
            steady,
        ),
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
    let _ = writeln!(
        out,
        "\nAfterwards the inbox held {stored} rows for {} acknowledged submissions: none lost, none duplicated. \
         {} of the steady phase's requests started more than 100 ms after their slot (the check allows 0.1%).\n",
        steady.acked.len() + peak.acked.len(),
        steady.late
    );
    let _ = writeln!(
        out,
        "Machine: {cpu}, {cores} cores, {memory} memory, {}.",
        probe("uname", &["-sr"])
    );
    let _ = writeln!(out, "Toolchain: {}.\n", probe("rustc", &["--version"]));
    let _ = writeln!(out, "The widget's benchmark (what embedding it costs a page) is `bench/widget.md`, from `cargo xtask bench widget`.");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_options() {
        let parse_str =
            |args: &[&str]| parse(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>());
        let o = parse_str(&[]).expect("defaults");
        assert_eq!(
            (o.inbox, o.widget, o.rate, o.duration, o.runs),
            (true, true, 200, Duration::from_secs(60), 9)
        );
        let o = parse_str(&["--rate", "50", "--duration", "5"]).expect("valid");
        assert_eq!(
            (o.inbox, o.widget, o.rate, o.duration),
            (true, true, 50, Duration::from_secs(5))
        );
        let o = parse_str(&["widget", "--runs", "3", "--note", "shared machine"]).expect("valid");
        assert_eq!(
            (o.inbox, o.widget, o.size, o.runs, o.note.as_deref()),
            (false, true, false, 3, Some("shared machine"))
        );
        let o = parse_str(&["inbox"]).expect("valid");
        assert_eq!((o.inbox, o.widget, o.size), (true, false, false));
        let o = parse_str(&["inbox"]).expect("valid");
        assert_eq!(
            (o.inbox, o.takeover, o.widget, o.size),
            (true, true, false, false)
        );
        let o = parse_str(&["takeover"]).expect("valid");
        assert_eq!(
            (o.inbox, o.takeover, o.widget, o.size),
            (false, true, false, false)
        );
        let o = parse_str(&["size"]).expect("valid");
        assert_eq!((o.inbox, o.widget, o.size), (false, false, true));
        assert!(parse_str(&[]).expect("defaults").size);
        assert!(parse_str(&["--runs", "0"]).is_err_and(|e| e.contains("at least 1")));
        assert!(parse_str(&["browser"]).is_err_and(|e| e.contains("unknown argument")));
        assert!(parse_str(&["--rate"]).is_err_and(|e| e.contains("needs a value")));
        assert!(parse_str(&["--rate", "0"]).is_err_and(|e| e.contains("at least 1")));
        assert!(parse_str(&["--fast", "1"]).is_err_and(|e| e.contains("unknown argument")));
    }
}
