//! The real `inbox` binary under stress: SIGKILL in the middle of a load loses no acknowledged
//! submission, SIGKILL in the middle of forwarding hands the job to another instance once its
//! lease ends, and SIGTERM lets a request already in flight finish before the process exits.

#![cfg(unix)]

mod support;

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{sample, temp_dir, Backend, Receiver, WEBHOOK_SECRET};

/// The binary on `db` (or on PostgreSQL when `database_url` is given); its `host:port`.
fn spawn(db: &Path, database_url: Option<&str>) -> (Child, String) {
    spawn_with(db, database_url, None, &[])
}

/// [`spawn`] with the configuration file `config` and more environment variables.
fn spawn_with(
    db: &Path,
    database_url: Option<&str>,
    config: Option<&Path>,
    env: &[(&str, &str)],
) -> (Child, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_inbox"));
    command
        .args(["--port", "0", "--www", "www", "--dist", "dist", "--db"])
        .arg(db)
        .env("INBOX_LOG", "warn");
    command.envs(env.iter().copied());
    match database_url {
        Some(url) => command.env("DATABASE_URL", url),
        None => command.env_remove("DATABASE_URL"),
    };
    match config {
        Some(path) => command.env("INBOX_CONFIG", path),
        None => command.env_remove("INBOX_CONFIG"),
    };
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start inbox");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("startup line");
    let addr = line
        .trim()
        .strip_prefix("inbox listening on http://")
        .expect("startup line")
        .to_string();
    (child, addr)
}

fn agent() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build();
    ureq::Agent::new_with_config(config)
}

fn post(agent: &ureq::Agent, addr: &str, body: &Value) -> Result<u16, ureq::Error> {
    let response = agent
        .post(format!("http://{addr}/api/feedback"))
        .header("content-type", "application/json")
        .send(serde_json::to_vec(body).expect("serialize"))?;
    Ok(response.status().as_u16())
}

/// Every stored id, from the streamed JSON export.
fn stored_ids(addr: &str) -> Vec<String> {
    let text = agent()
        .get(format!("http://{addr}/inbox/export.json"))
        .call()
        .expect("export")
        .into_body()
        .read_to_string();
    let items: Vec<Value> = serde_json::from_str(&text.expect("body")).expect("JSON");
    items
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect()
}

/// A UUID unique to this run, client and sequence number.
fn unique_id(run: u32, client: u32, n: u32) -> String {
    format!("{run:08x}-{client:04x}-4000-8000-{n:012x}")
}

#[test]
fn sigkill_mid_load_loses_no_acknowledged_submission() {
    let database_url = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty());
    let backends: Vec<Option<&str>> = [None]
        .into_iter()
        .chain(database_url.as_deref().map(Some))
        .collect();
    for backend in backends {
        let dir = temp_dir();
        let db = dir.path().join("inbox.sqlite3");
        let (mut child, addr) = spawn(&db, backend);
        let run = std::process::id()
            ^ std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
        let acked = Mutex::new(Vec::new());
        let stop = AtomicBool::new(false);
        std::thread::scope(|scope| {
            for client in 0..4u32 {
                let (acked, stop, addr) = (&acked, &stop, &addr);
                scope.spawn(move || {
                    let agent = agent();
                    for n in 0.. {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let id = unique_id(run, client, n);
                        match post(&agent, addr, &sample(&id)) {
                            Ok(201) => acked.lock().expect("lock").push(id),
                            Ok(status) => panic!("unexpected status {status}"),
                            Err(_) => break, // the server is gone
                        }
                    }
                });
            }
            // Let the load run, then kill the server without warning while requests are in flight.
            std::thread::sleep(Duration::from_millis(1500));
            child.kill().expect("SIGKILL");
            child.wait().expect("reap");
            stop.store(true, Ordering::Relaxed);
        });
        let acked = acked.into_inner().expect("lock");
        assert!(
            acked.len() > 20,
            "the load ran ({} acknowledged)",
            acked.len()
        );

        let (mut child, addr) = spawn(&db, backend);
        let stored = stored_ids(&addr);
        let _ = child.kill();
        let _ = child.wait();
        let unique: HashSet<&String> = stored.iter().collect();
        assert_eq!(unique.len(), stored.len(), "no duplicates");
        let missing: Vec<&String> = acked.iter().filter(|id| !unique.contains(id)).collect();
        assert!(
            missing.is_empty(),
            "{:?}: {} of {} acknowledged ids lost: {missing:?}",
            backend,
            missing.len(),
            acked.len()
        );
    }
}

#[test]
fn a_killed_instance_s_job_is_sent_by_another_once_its_lease_ends() {
    let database_url = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty());
    for backend in [Backend::Sqlite]
        .into_iter()
        .chain(database_url.map(Backend::Postgres))
    {
        a_killed_instance_s_job_is_sent_by_another_once_its_lease_ends_on(backend);
    }
}

/// Instance A leases the job and sends it to a webhook that does not answer; A is killed; B,
/// running all along on the same database, sends the job once A's lease (2 + 0.5 s) has ended.
fn a_killed_instance_s_job_is_sent_by_another_once_its_lease_ends_on(backend: Backend) {
    let lease = Duration::from_millis(2500);
    let receiver = Receiver::start_with(false, Duration::from_secs(60));
    let dir = temp_dir();
    let (db, config) = (
        dir.path().join("inbox.sqlite3"),
        dir.path().join("inbox.toml"),
    );
    let toml = format!(
        "[forward]\ntimeout_ms = 2000\nlease_margin_ms = 500\n[[forward.webhooks]]\nurl = \"{}\"\nsecret = \"{WEBHOOK_SECRET}\"\n",
        receiver.url
    );
    std::fs::write(&config, toml).expect("write the configuration");
    support::set_backend(backend.clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let store = runtime.block_on(support::store_for(dir.path())); // creates the PostgreSQL schema
    let url = match &backend {
        Backend::Sqlite => None,
        Backend::Postgres(url) => Some(support::url_in_schema(url, dir.path())),
    };

    let (mut a, addr) = spawn_with(&db, url.as_deref(), Some(&config), &[]);
    let id = "0b8e2c1e-5a7f-4c3b-9a61-00000000dead";
    assert_eq!(post(&agent(), &addr, &sample(id)).expect("post"), 201);
    let first = receiver
        .wait_until(Duration::from_secs(15), "A's attempt", |r| !r.is_empty())
        .remove(0);
    *receiver.delay.lock().expect("lock") = Duration::ZERO;
    let (mut b, _) = spawn_with(&db, url.as_deref(), Some(&config), &[]);
    a.kill().expect("SIGKILL");
    a.wait().expect("reap");
    let killed = Instant::now();
    let second = receiver
        .wait_until(Duration::from_secs(15), "B's attempt", |r| r.len() >= 2)
        .remove(1);
    let (waited, after_kill) = (second.at - first.at, second.at - killed);
    eprintln!("{backend:?}: B sent the job {waited:?} after A's attempt began, {after_kill:?} after A was killed");
    assert!(
        waited >= lease - Duration::from_secs(1),
        "{backend:?}: B sent {waited:?} after A, within A's lease"
    );
    let bound = lease + inbox::forward::POLL + Duration::from_secs(2);
    assert!(
        after_kill <= bound,
        "{backend:?}: taken over {after_kill:?} after the kill"
    );
    assert_eq!(
        first.header("webhook-id"),
        second.header("webhook-id"),
        "a repeat the receiver can recognise"
    );
    // B records the delivery under its own lease; A's attempt is never recorded.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let jobs = runtime.block_on(store.jobs_of(id)).expect("jobs");
        if jobs.iter().all(|j| j.delivered) {
            assert_eq!(jobs.iter().map(|j| j.attempts).collect::<Vec<_>>(), [0]);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{backend:?}: not recorded as delivered: {jobs:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = b.kill();
    let _ = b.wait();
    assert_eq!(
        receiver.received().len(),
        2,
        "{backend:?}: sent twice, no more"
    );
}

#[test]
fn sigterm_finishes_the_request_in_flight() {
    let dir = temp_dir();
    let db = dir.path().join("inbox.sqlite3");
    let (mut child, addr) = spawn(&db, None);
    let id = "0b8e2c1e-5a7f-4c3b-9a61-00000000beef";
    let body = serde_json::to_vec(&sample(id)).expect("serialize");
    let mut stream = TcpStream::connect(&addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let head = format!(
        "POST /api/feedback HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    // Half the request, then SIGTERM, then the rest: the request is in flight during shutdown.
    stream.write_all(head.as_bytes()).expect("head");
    stream
        .write_all(&body[..body.len() / 2])
        .expect("first half");
    std::thread::sleep(Duration::from_millis(300));
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        child.try_wait().expect("try_wait").is_none(),
        "still running while a request is open"
    );
    stream
        .write_all(&body[body.len() / 2..])
        .expect("second half");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answer");
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let exit = child.wait().expect("wait");
    assert!(exit.success(), "graceful exit, got {exit}");
    // New connections are refused after shutdown; the stored submission is there on restart.
    assert!(TcpStream::connect(&addr).is_err(), "no longer listening");
    let (mut child, addr) = spawn(&db, None);
    assert_eq!(stored_ids(&addr), [id]);
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn logs_are_one_json_object_per_line_when_asked() {
    let dir = temp_dir();
    let mut child = Command::new(env!("CARGO_BIN_EXE_inbox"))
        .args(["--port", "0", "--www", "www", "--dist", "dist", "--db"])
        .arg(dir.path().join("inbox.sqlite3"))
        .env_remove("DATABASE_URL")
        .env("INBOX_LOG_FORMAT", "json")
        .env("INBOX_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start inbox");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("startup line");
    let addr = line
        .trim()
        .strip_prefix("inbox listening on http://")
        .expect("startup line")
        .to_string();
    let id = "0b8e2c1e-5a7f-4c3b-9a61-0000000000aa";
    assert_eq!(post(&agent(), &addr, &sample(id)).expect("post"), 201);
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let output = child.wait_with_output().expect("wait");
    assert!(output.status.success());
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stderr)
        .lines()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON log line ({e}): {l}"))
        })
        .collect();
    let stored = lines
        .iter()
        .find(|l| l["message"] == "stored")
        .expect("a 'stored' event");
    assert_eq!(
        (stored["level"].as_str(), stored["id"].as_str()),
        (Some("INFO"), Some(id))
    );
    assert!(stored["timestamp"].is_string());
    assert!(
        lines
            .iter()
            .any(|l| l["message"] == "stopped after finishing open requests"),
        "{lines:?}"
    );
}

/// The most memory the process `pid` has held (its `VmHWM`), in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .expect("VmHWM");
    line.trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .expect("a number of kB")
}

#[test]
fn parallel_logins_keep_memory_bounded() {
    // Each password check runs argon2 with 19 MiB; 120 at once from 120 addresses (no rate
    // limit stops them) must not take the server anywhere near 120 times that.
    let dir = temp_dir();
    let hash = inbox::auth::hash_password("open sesame").expect("hash");
    let env = [
        ("INBOX_PASSWORD_HASH", hash.as_str()),
        ("INBOX_TRUST_FORWARDED_FOR", "1"),
    ];
    let (mut child, addr) = spawn_with(&dir.path().join("inbox.sqlite3"), None, None, &env);
    let form = agent()
        .get(format!("http://{addr}/inbox/login"))
        .call()
        .expect("login form");
    let set_cookie = form
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("CSRF cookie");
    let cookie = set_cookie
        .split(';')
        .next()
        .expect("name=value")
        .to_string();
    let token = cookie
        .strip_prefix("inbox_csrf=")
        .expect("the CSRF cookie")
        .to_string();
    let start = std::sync::Barrier::new(120);
    let answers: Vec<(u16, Option<String>)> = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..120)
            .map(|n| {
                let (start, addr, cookie, token) = (&start, &addr, &cookie, &token);
                scope.spawn(move || {
                    let agent = agent();
                    start.wait();
                    let reply = agent
                        .post(format!("http://{addr}/inbox/login"))
                        .header("cookie", cookie)
                        .header("content-type", "application/x-www-form-urlencoded")
                        .header("x-forwarded-for", format!("198.51.100.{n}"))
                        .send(format!("csrf={token}&password=wrong{n}"))
                        .expect("an answer");
                    let retry = reply
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .map(String::from);
                    (reply.status().as_u16(), retry)
                })
            })
            .collect();
        clients
            .into_iter()
            .map(|c| c.join().expect("client"))
            .collect()
    });
    let peak_mib = peak_rss_kib(child.id()) / 1024;
    let _ = child.kill();
    let _ = child.wait();
    for (status, retry) in &answers {
        match status {
            401 => {}
            429 => assert!(retry.is_some(), "a 429 says when to retry"),
            other => panic!("unexpected status {other}"),
        }
    }
    let checked = answers.iter().filter(|(s, _)| *s == 401).count();
    eprintln!("120 parallel logins: {checked} checked, the rest 429; peak RSS {peak_mib} MiB");
    assert!(checked > 0, "some passwords were checked: {answers:?}");
    assert!(
        peak_mib < 300,
        "peak RSS {peak_mib} MiB for 120 parallel logins ({checked} checked)"
    );
}

/// A child process killed (and reaped) when dropped, so a failing test leaves no server behind.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Counts what is written to it, keeping only the first and last byte.
#[derive(Default)]
struct Tally {
    bytes: u64,
    first: Option<u8>,
    last: Option<u8>,
}

impl Write for Tally {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes += buf.len() as u64;
        self.first = self.first.or(buf.first().copied());
        self.last = buf.last().copied().or(self.last);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn listings_and_exports_stay_small_in_memory() {
    // 10,000 messages of 4 KB, 40 MB of text, written straight into the file.
    const ROWS: u64 = 10_000;
    let dir = temp_dir();
    let db = dir.path().join("inbox.sqlite3");
    drop(inbox::SqliteStore::open(&db).expect("create the schema"));
    let mut conn = rusqlite::Connection::open(&db).expect("open");
    let tx = conn.transaction().expect("transaction");
    {
        let mut insert = tx
            .prepare("INSERT INTO feedback (id, received_at, message, rating, email, page_url, body, site) VALUES (?1, ?2, ?3, 4, 'a@b.example', 'https://shop.example/', ?4, 'shop')")
            .expect("prepare");
        for n in 0..ROWS {
            let id = unique_id(7, 0, n as u32);
            let mut body = sample(&id);
            body["message"] = Value::from(format!("{n} {}", "x".repeat(4000)));
            let received_at = inbox::time::rfc3339(
                std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + n),
            );
            insert
                .execute(rusqlite::params![
                    id,
                    received_at,
                    body["message"].as_str(),
                    body.to_string()
                ])
                .expect("insert");
        }
    }
    tx.commit().expect("commit");
    drop(conn);
    let (child, addr) = spawn(&db, None);
    let child = Running(child);

    // The listing is a page, not the table.
    let listing = agent()
        .get(format!("http://{addr}/api/feedback"))
        .call()
        .expect("list");
    assert!(listing.headers().get("link").is_some(), "a next page");
    let page: Vec<Value> =
        serde_json::from_str(&listing.into_body().read_to_string().expect("body")).expect("JSON");
    assert_eq!(page.len(), 100);

    // The export streams every row (the CSV export is the same stream, see `export_body`).
    let patient = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(120)))
            .build(),
    );
    let reply = patient
        .get(format!("http://{addr}/inbox/export.json"))
        .call()
        .expect("export");
    let mut tally = Tally::default();
    std::io::copy(&mut reply.into_body().into_reader(), &mut tally).expect("read the export");
    assert!(tally.bytes > ROWS * 4000, "{} bytes", tally.bytes);
    assert_eq!(
        (tally.first, tally.last),
        (Some(b'['), Some(b']')),
        "one whole array"
    );
    let peak_mib = peak_rss_kib(child.0.id()) / 1024;
    drop(child);
    eprintln!("a page and an export of {ROWS} rows of 4 KB: peak RSS {peak_mib} MiB");
    assert!(peak_mib < 48, "peak RSS {peak_mib} MiB");
}
