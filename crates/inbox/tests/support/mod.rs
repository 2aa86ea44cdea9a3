//! Test support: the real server on `127.0.0.1:0` in a background thread, on either backend
//! (SQLite file, or PostgreSQL when `DATABASE_URL` is set), a blocking HTTP client, and sample
//! payloads.

#![allow(dead_code)] // each test file uses a different part of this module

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use axum::http::Request;
use serde_json::{json, Value};

/// Which store the servers started on this thread use.
#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite,
    Postgres(String),
}

thread_local! {
    static BACKEND: RefCell<Backend> = const { RefCell::new(Backend::Sqlite) };
}

/// Makes servers started on this thread use `backend`.
pub fn set_backend(backend: Backend) {
    BACKEND.with(|b| *b.borrow_mut() = backend);
}

pub fn backend() -> Backend {
    BACKEND.with(|b| b.borrow().clone())
}

/// Runs `test` once per backend: SQLite, then PostgreSQL at `DATABASE_URL`. Without it the
/// PostgreSQL run is skipped with a message, unless `INBOX_REQUIRE_POSTGRES=1` (set by
/// `cargo xtask test` once it has a server running) makes that a failure.
pub fn each_backend(test: impl Fn()) {
    BACKEND.with(|b| *b.borrow_mut() = Backend::Sqlite);
    test();
    match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            BACKEND.with(|b| *b.borrow_mut() = Backend::Postgres(url));
            test();
            BACKEND.with(|b| *b.borrow_mut() = Backend::Sqlite);
        }
        _ if std::env::var("INBOX_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") => {
            panic!("INBOX_REQUIRE_POSTGRES=1 but DATABASE_URL is not set")
        }
        _ => eprintln!("note: PostgreSQL run skipped: DATABASE_URL is not set (cargo xtask test starts a local server)"),
    }
}

/// A running inbox over `<dir>/inbox.sqlite3`, `<dir>/www` and `<dir>/dist`. Dropping it shuts
/// the server down gracefully and waits, so the database is closed afterwards.
pub struct Server {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// The zero-config server over `dir`.
    pub fn start(dir: &Path) -> Server {
        Server::start_with(dir, inbox::Config::default())
    }

    /// A server with `config` over `dir`, on this thread's [`backend`]. On PostgreSQL, its tables
    /// live in a schema named after `dir`, so a restart over the same `dir` finds them again.
    pub fn start_with(dir: &Path, config: inbox::Config) -> Server {
        let (db, www, dist) = (dir.join("inbox.sqlite3"), dir.join("www"), dir.join("dist"));
        let backend = backend();
        let schema = schema_for(dir);
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("tokio runtime");
            runtime.block_on(async move {
                let app = inbox::App::new(open_store(&backend, &db, &schema).await, config);
                let _forwarder = inbox::forward::spawn(&app);
                let router = inbox::router(app, &www, &dist);
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                addr_tx
                    .send(listener.local_addr().expect("local address"))
                    .expect("report address");
                let shutdown = async {
                    let _ = stopped.await;
                };
                inbox::serve(listener, router, shutdown)
                    .await
                    .expect("serve");
            });
        });
        let addr = addr_rx
            .recv()
            .expect("the server thread died before listening");
        Server {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Sends one request; any status comes back as a [`Reply`], only transport errors panic.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = match body {
            Some(body) => client().run(request.body(body.to_vec()).expect("request")),
            None => client().run(request.body(()).expect("request")),
        };
        let mut response = response.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_string(),
                    value.to_str().unwrap_or("<binary>").to_string(),
                )
            })
            .collect();
        let body = response.body_mut().read_to_vec().expect("response body");
        Reply {
            status: response.status().as_u16(),
            headers,
            body,
        }
    }

    pub fn get(&self, path: &str) -> Reply {
        self.send("GET", path, &[], None)
    }

    /// POSTs `body` as `application/json` with `Idempotency-Key` set to its id, like the widget.
    pub fn post_json(&self, body: &Value) -> Reply {
        let key = body["id"].as_str().unwrap_or_default();
        let bytes = serde_json::to_vec(body).expect("serialize");
        self.send(
            "POST",
            "/api/feedback",
            &[
                ("content-type", "application/json"),
                ("idempotency-key", key),
            ],
            Some(&bytes),
        )
    }

    /// Everything `GET /api/feedback` lists, page after page.
    pub fn stored(&self) -> Vec<Value> {
        self.stored_from("/api/feedback", &[])
    }

    /// Every row from `path` on, following `Link: rel="next"` to the last page.
    pub fn stored_from(&self, path: &str, headers: &[(&str, &str)]) -> Vec<Value> {
        let mut items = Vec::new();
        let mut next = Some(path.to_string());
        while let Some(path) = next {
            let reply = self.send("GET", &path, headers, None);
            assert_eq!(reply.status, 200, "{path}: {}", reply.text());
            match reply.json() {
                Value::Array(page) => items.extend(page),
                other => panic!("expected an array, got {other}"),
            }
            next = reply.next_page();
        }
        items
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // Don't turn a failing test's panic into an abort by panicking again.
            if thread.join().is_err() && !std::thread::panicking() {
                panic!("the server thread panicked");
            }
        }
    }
}

/// The store of a server over `dir` on this thread's [`backend`], for tests of the store itself.
pub async fn store_for(dir: &Path) -> Arc<dyn inbox::Store> {
    open_store(&backend(), &dir.join("inbox.sqlite3"), &schema_for(dir)).await
}

/// The SQLite file `db`, or the PostgreSQL `schema`.
async fn open_store(backend: &Backend, db: &Path, schema: &str) -> Arc<dyn inbox::Store> {
    match backend {
        Backend::Sqlite => Arc::new(inbox::SqliteStore::open(db).expect("open the database")),
        Backend::Postgres(url) => Arc::new(
            inbox::PostgresStore::connect(url, Some(schema))
                .await
                .expect("connect to PostgreSQL"),
        ),
    }
}

/// `url` with every session in the schema of a server over `dir`, for an `inbox` process
/// (which does not choose a schema itself). [`store_for`] creates the schema.
pub fn url_in_schema(url: &str, dir: &Path) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!(
        "{url}{separator}options=-c%20search_path%3D{}",
        schema_for(dir)
    )
}

/// A schema name unique to `dir` (a fresh temp dir per test).
fn schema_for(dir: &Path) -> String {
    let name: String = dir
        .to_string_lossy()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    format!("t_{}", name.to_ascii_lowercase())
}

/// A fresh agent per request: no pooled connections outlive a test's server.
fn client() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build();
    ureq::Agent::new_with_config(config)
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The target of `Link: <…>; rel="next"`, if the answer has one.
    pub fn next_page(&self) -> Option<String> {
        let link = self.header("link")?;
        let (target, params) = link.split_once(';')?;
        (params.trim() == "rel=\"next\"").then(|| {
            target
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// The contract's example request (contracts §6) with the given id.
pub fn sample(id: &str) -> Value {
    json!({
        "id": id,
        "message": "The checkout page is confusing.",
        "rating": 4,
        "email": "ana@example.org",
        "name": null,
        "consent": null,
        "page": { "url": "https://shop.example/checkout", "title": "Checkout", "referrer": "" },
        "locale": "en",
        "timeZone": "Europe/Berlin",
        "createdAt": "2026-11-22T10:15:30.000Z",
        "widget": { "version": "0.1.0" }
    })
}

/// A distinct valid UUID for each `n`.
pub fn id(n: u32) -> String {
    format!("0b8e2c1e-5a7f-4c3b-9a61-{n:012x}")
}

/// A fresh temporary directory for one server's files.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

pub fn write(path: PathBuf, contents: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create dirs");
    std::fs::write(path, contents).expect("write");
}

/// A configuration from TOML text (no environment).
pub fn config(toml: &str) -> inbox::Config {
    inbox::Config::load(Some(toml), |_| None).expect("valid test configuration")
}

/// POSTs `body` as the widget on `origin` would.
pub fn post_from(server: &Server, origin: &str, body: &Value) -> Reply {
    let key = body["id"].as_str().unwrap_or_default();
    let bytes = serde_json::to_vec(body).expect("serialize");
    server.send(
        "POST",
        "/api/feedback",
        &[
            ("origin", origin),
            ("content-type", "application/json"),
            ("idempotency-key", key),
        ],
        Some(&bytes),
    )
}

/// A webhook receiver on 127.0.0.1: answers 503 while `failing` is set, else 200, each request
/// after `delay` and on its own thread, so several senders are served at once. Keeps every
/// request as it arrived.
pub struct Receiver {
    pub url: String,
    pub failing: Arc<Mutex<bool>>,
    pub delay: Arc<Mutex<Duration>>,
    received: Arc<Mutex<Vec<Received>>>,
}

/// One request to a [`Receiver`]: when it arrived, its headers (names in lower case), its raw
/// body, and the status it was (or is about to be) answered with.
#[derive(Clone, Debug)]
pub struct Received {
    pub at: Instant,
    pub headers: Headers,
    pub body: Vec<u8>,
    pub status: u16,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

impl Receiver {
    pub fn start(failing: bool) -> Receiver {
        Receiver::start_with(failing, Duration::ZERO)
    }

    pub fn start_with(failing: bool, delay: Duration) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        let receiver = Receiver {
            url,
            failing: Arc::new(Mutex::new(failing)),
            delay: Arc::new(Mutex::new(delay)),
            received: Arc::default(),
        };
        let (failing, delay, received) = (
            Arc::clone(&receiver.failing),
            Arc::clone(&receiver.delay),
            Arc::clone(&receiver.received),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (failing, delay, received) = (
                    Arc::clone(&failing),
                    Arc::clone(&delay),
                    Arc::clone(&received),
                );
                std::thread::spawn(move || {
                    let Some((headers, body)) = read_request(&stream) else {
                        return;
                    };
                    let status = if *failing.lock().expect("lock") {
                        503
                    } else {
                        200
                    };
                    let wait = *delay.lock().expect("lock");
                    received.lock().expect("lock").push(Received {
                        at: Instant::now(),
                        headers,
                        body,
                        status,
                    });
                    std::thread::sleep(wait);
                    let answer = format!(
                        "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    );
                    let _ = (&stream).write_all(answer.as_bytes());
                });
            }
        });
        receiver
    }

    /// Every request so far, in order of arrival.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    pub fn statuses(&self) -> Vec<u16> {
        self.received().iter().map(|r| r.status).collect()
    }

    /// Waits until `done` holds for the requests so far, at most `within`; then returns them.
    pub fn wait_until(
        &self,
        within: Duration,
        what: &str,
        done: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let received = self.received();
            if done(&received) {
                return received;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: not within {within:?}; statuses so far {:?}",
                self.statuses()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Header names (in lower case) and values, in order.
pub type Headers = Vec<(String, String)>;

/// One HTTP/1.1 request's headers and body.
fn read_request(stream: &TcpStream) -> Option<(Headers, Vec<u8>)> {
    let mut reader = BufReader::new(stream);
    let mut headers = Vec::new();
    let mut line = String::new();
    while reader.read_line(&mut line).ok()? > 0 && line != "\r\n" {
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
        line.clear();
    }
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((headers, body))
}

/// A minimal SMTP server on 127.0.0.1: refuses `MAIL FROM` with 451 while `busy` is set, else
/// accepts; takes `delay` to accept each message's DATA, and keeps it (headers and body, as
/// sent). One thread per connection.
pub struct SmtpReceiver {
    pub port: u16,
    pub busy: Arc<Mutex<bool>>,
    pub refused: Arc<Mutex<u32>>,
    pub mails: Arc<Mutex<Vec<String>>>,
}

impl SmtpReceiver {
    pub fn start_with(busy: bool, delay: Duration) -> SmtpReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let smtp = SmtpReceiver {
            port: listener.local_addr().expect("addr").port(),
            busy: Arc::new(Mutex::new(busy)),
            refused: Arc::default(),
            mails: Arc::default(),
        };
        let (busy, refused, mails) = (
            Arc::clone(&smtp.busy),
            Arc::clone(&smtp.refused),
            Arc::clone(&smtp.mails),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (b, r, m) = (Arc::clone(&busy), Arc::clone(&refused), Arc::clone(&mails));
                std::thread::spawn(move || smtp_session(stream, &b, &r, &m, delay));
            }
        });
        smtp
    }
}

fn smtp_session(
    mut stream: TcpStream,
    busy: &Mutex<bool>,
    refused: &Mutex<u32>,
    mails: &Mutex<Vec<String>>,
    delay: Duration,
) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let _ = stream.write_all(b"220 localhost ESMTP test\r\n");
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
        let command = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
            b"250 localhost\r\n"
        } else if command.starts_with("MAIL FROM") {
            if *busy.lock().expect("lock") {
                *refused.lock().expect("lock") += 1;
                b"451 4.3.0 busy, try again later\r\n"
            } else {
                b"250 OK\r\n"
            }
        } else if command.starts_with("RCPT TO")
            || command.starts_with("RSET")
            || command.starts_with("NOOP")
        {
            b"250 OK\r\n"
        } else if command == "DATA" {
            let _ = stream.write_all(b"354 go ahead\r\n");
            let mut data = String::new();
            let mut part = String::new();
            while reader.read_line(&mut part).is_ok_and(|n| n > 0) && part != ".\r\n" {
                data.push_str(&part);
                part.clear();
            }
            std::thread::sleep(delay);
            mails.lock().expect("lock").push(data);
            b"250 OK queued\r\n"
        } else if command == "QUIT" {
            let _ = stream.write_all(b"221 bye\r\n");
            break;
        } else {
            b"502 not implemented\r\n"
        };
        let _ = stream.write_all(reply);
        line.clear();
    }
}

impl SmtpReceiver {
    /// Every e-mail so far, as sent.
    pub fn mails(&self) -> Vec<String> {
        self.mails.lock().expect("lock").clone()
    }

    /// Waits until at least `count` e-mails have arrived, at most `within`; then returns them.
    pub fn wait_for(&self, count: usize, within: Duration) -> Vec<String> {
        let deadline = Instant::now() + within;
        loop {
            let mails = self.mails();
            if mails.len() >= count {
                return mails;
            }
            assert!(
                Instant::now() < deadline,
                "{count} e-mails expected within {within:?}, got {}",
                mails.len()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A browser's cookie jar, reduced to what the UI sets.
#[derive(Default)]
pub struct Browser {
    pub cookies: Vec<(String, String)>,
}

impl Browser {
    pub fn remember(&mut self, reply: &Reply) {
        for (name, value) in &reply.headers {
            if name == "set-cookie" {
                let pair = value.split(';').next().unwrap_or_default();
                let (k, v) = pair.split_once('=').expect("name=value");
                self.cookies.retain(|(n, _)| n != k);
                self.cookies.push((k.to_string(), v.to_string()));
            }
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Logs in as `name` (empty for the configured password's owner); the session cookie.
    pub fn log_in(&mut self, server: &Server, name: &str, password: &str) -> String {
        let reply = self.try_log_in(server, name, password);
        assert_eq!(reply.status, 303, "{}", reply.text());
        self.cookies
            .iter()
            .find(|(k, _)| k == "inbox_session")
            .map(|(_, v)| v.clone())
            .expect("a session cookie")
    }

    /// Sends the login form as `name` with `password`; the answer.
    pub fn try_log_in(&mut self, server: &Server, name: &str, password: &str) -> Reply {
        self.get(server, "/inbox/login");
        let csrf = self.csrf();
        let form = format!(
            "csrf={csrf}&name={}&password={}",
            encode(name),
            encode(password)
        );
        self.post_form(server, "/inbox/login", &form)
    }

    /// A form POST to the page at `path`'s own forms, with their CSRF token; `fields` are
    /// `name=value` pairs already encoded.
    pub fn submit(&mut self, server: &Server, page: &str, action: &str, fields: &str) -> Reply {
        let csrf = form_csrf(&self.get(server, page));
        self.post_form(server, action, &format!("csrf={csrf}&{fields}"))
    }

    /// `GET path` as JSON, asserting 200.
    pub fn json(&mut self, server: &Server, path: &str) -> Value {
        let reply = self.get(server, path);
        assert_eq!(reply.status, 200, "{path}: {}", reply.text());
        reply.json()
    }

    pub fn csrf(&self) -> String {
        self.cookies
            .iter()
            .find(|(k, _)| k == "inbox_csrf")
            .map(|(_, v)| v.clone())
            .expect("a CSRF cookie")
    }

    pub fn get(&mut self, server: &Server, path: &str) -> Reply {
        let cookie = self.cookie_header();
        let reply = server.send("GET", path, &[("cookie", &cookie)], None);
        self.remember(&reply);
        reply
    }

    pub fn post_form(&mut self, server: &Server, path: &str, form: &str) -> Reply {
        self.post_form_with(server, path, form, &[])
    }

    /// A form POST with more headers (as a proxy or the browser adds them).
    pub fn post_form_with(
        &mut self,
        server: &Server,
        path: &str,
        form: &str,
        extra: &[(&str, &str)],
    ) -> Reply {
        let cookie = self.cookie_header();
        let mut headers = vec![
            ("cookie", cookie.as_str()),
            ("content-type", "application/x-www-form-urlencoded"),
        ];
        headers.extend_from_slice(extra);
        let reply = server.send("POST", path, &headers, Some(form.as_bytes()));
        self.remember(&reply);
        reply
    }
}

/// The CSRF token a page's forms carry.
pub fn form_csrf(page: &Reply) -> String {
    let text = page.text();
    let start = text
        .find("name=\"csrf\" value=\"")
        .map(|i| i + "name=\"csrf\" value=\"".len())
        .expect("a form with a CSRF field");
    text[start..]
        .split('"')
        .next()
        .expect("the value")
        .to_string()
}

pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A Standard Webhooks secret for tests.
pub const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
