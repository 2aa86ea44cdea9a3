//! Everything around the feedback API: static files, `/healthz`, persistence across restarts,
//! and the `inbox` binary's command line and startup line.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::json;
use support::{each_backend, id, sample, temp_dir, write, Server};

#[test]
fn health_check() {
    each_backend(health_check_on);
}

fn health_check_on() {
    let dir = temp_dir();
    let server = Server::start(dir.path());
    let reply = server.get("/healthz");
    assert_eq!((reply.status, reply.text().as_str()), (200, "ok"));
}

#[test]
fn serves_the_widget_and_the_site() {
    let dir = temp_dir();
    write(
        dir.path().join("dist/contact-widget_bg.wasm"),
        b"\0asm\x01\0\0\0",
    );
    write(dir.path().join("dist/contact-widget.js"), b"/* loader */");
    write(dir.path().join("dist/config.schema.json"), b"{}");
    write(
        dir.path().join("www/index.html"),
        b"<!doctype html><title>demo</title>",
    );
    write(
        dir.path().join("www/configurator/index.html"),
        b"<!doctype html><title>configurator</title>",
    );
    write(dir.path().join("www/site.css"), b"body{}");
    let server = Server::start(dir.path());

    // (path, status, content type, body)
    let check = |path: &str, status: u16, content_type: Option<&str>, body: &[u8]| {
        let reply = server.get(path);
        assert_eq!(reply.status, status, "{path}");
        assert_eq!(reply.header("content-type"), content_type, "{path}");
        if status == 200 {
            assert_eq!(reply.body, body, "{path}");
        }
        reply
    };
    for (file, content_type, body) in [
        (
            "contact-widget_bg.wasm",
            "application/wasm",
            b"\0asm\x01\0\0\0".as_slice(),
        ),
        ("contact-widget.js", "text/javascript", b"/* loader */"),
        ("config.schema.json", "application/json", b"{}"),
    ] {
        let reply = check(&format!("/dist/{file}"), 200, Some(content_type), body);
        // Embeddable from any origin, revalidated on every load.
        assert_eq!(
            reply.header("cross-origin-resource-policy"),
            Some("cross-origin"),
            "{file}"
        );
        assert_eq!(
            reply.header("access-control-allow-origin"),
            Some("*"),
            "{file}"
        );
        assert_eq!(reply.header("cache-control"), Some("no-cache"), "{file}");
        assert!(
            reply.header("last-modified").is_some(),
            "{file}: revalidation by date"
        );
    }
    check(
        "/",
        200,
        Some("text/html"),
        b"<!doctype html><title>demo</title>",
    );
    check(
        "/configurator/",
        200,
        Some("text/html"),
        b"<!doctype html><title>configurator</title>",
    );
    check("/site.css", 200, Some("text/css"), b"body{}");
    check("/dist/missing.js", 404, None, b"");
    check("/missing.html", 404, None, b"");
    // The site's static files do not carry the widget's cross-origin headers.
    assert_eq!(
        server
            .get("/site.css")
            .header("access-control-allow-origin"),
        None
    );
}

#[test]
fn dist_serves_precompressed_files_and_caches_hashed_names_forever() {
    let dir = temp_dir();
    write(dir.path().join("dist/widget_bg.wasm"), b"\0asm plain");
    write(dir.path().join("dist/widget_bg.wasm.br"), b"brotli bytes");
    write(dir.path().join("dist/widget_bg.wasm.gz"), b"gzip bytes");
    write(dir.path().join("dist/widget.0123abcd.js"), b"/* hashed */");
    let server = Server::start(dir.path());
    // (Accept-Encoding, Content-Encoding, body)
    for (accept, encoding, body) in [
        (None, None, b"\0asm plain".as_slice()),
        (Some("gzip"), Some("gzip"), b"gzip bytes"),
        (Some("gzip, deflate, br"), Some("br"), b"brotli bytes"),
        (Some("br;q=0, gzip"), Some("gzip"), b"gzip bytes"),
        (Some("identity"), None, b"\0asm plain"),
    ] {
        let headers: Vec<(&str, &str)> =
            accept.map(|a| ("accept-encoding", a)).into_iter().collect();
        let reply = server.send("GET", "/dist/widget_bg.wasm", &headers, None);
        assert_eq!(reply.status, 200, "{accept:?}");
        assert_eq!(reply.header("content-encoding"), encoding, "{accept:?}");
        assert_eq!(
            reply.header("content-type"),
            Some("application/wasm"),
            "{accept:?}"
        );
        assert_eq!(reply.body, body, "{accept:?}");
        assert!(
            reply
                .header("vary")
                .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
            "{accept:?}"
        );
        assert_eq!(
            reply.header("cross-origin-resource-policy"),
            Some("cross-origin")
        );
    }
    let hashed = server.get("/dist/widget.0123abcd.js");
    assert_eq!(
        hashed.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(hashed.header("content-type"), Some("text/javascript"));
}

#[test]
fn missing_directories_are_404s_not_crashes() {
    let dir = temp_dir(); // no www/, no dist/
    let server = Server::start(dir.path());
    for path in ["/", "/index.html", "/dist/", "/dist/contact-widget.js"] {
        assert_eq!(server.get(path).status, 404, "{path}");
    }
    assert_eq!(server.get("/healthz").status, 200);
}

#[test]
fn data_survives_a_restart() {
    each_backend(data_survives_a_restart_on);
}

fn data_survives_a_restart_on() {
    let dir = temp_dir();
    {
        let server = Server::start(dir.path());
        assert_eq!(server.post_json(&sample(&id(1))).status, 201);
    } // dropped: shut down and database closed
    let server = Server::start(dir.path());
    let stored = server.stored();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["id"], json!(id(1)));
    // The old id is still known after the restart: a retry is answered as a replay.
    let reply = server.post_json(&sample(&id(1)));
    assert_eq!(
        (reply.status, reply.header("idempotent-replayed")),
        (201, Some("true"))
    );
    assert_eq!(server.stored().len(), 1);
}

/// The binary as a harness uses it: `--port 0`, a database in a directory that does not exist
/// yet, one stdout line naming the URL, and a clean exit on SIGTERM.
#[cfg(unix)]
#[test]
fn the_binary_announces_its_url_and_stops_on_sigterm() {
    let dir = temp_dir();
    let db = dir.path().join("new/dir/inbox.sqlite3");
    let mut child = Command::new(env!("CARGO_BIN_EXE_inbox"))
        .args(["--port", "0", "--www", "www", "--dist", "dist", "--db"])
        .arg(&db)
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start inbox");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("read the startup line");

    let url = line
        .trim_end()
        .strip_prefix("inbox listening on http://")
        .unwrap_or_else(|| {
            let _ = child.kill();
            panic!("unexpected startup line {line:?}")
        });
    let port: u16 = url
        .strip_prefix("127.0.0.1:")
        .and_then(|p| p.parse().ok())
        .expect("127.0.0.1:PORT");
    assert_ne!(port, 0);
    assert!(db.exists(), "the database and its directories are created");
    let health = ureq::get(format!("http://{url}/healthz"))
        .call()
        .expect("healthz")
        .into_body()
        .read_to_string();
    assert_eq!(health.expect("body"), "ok");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = child.wait().expect("wait");
    assert!(status.success(), "graceful exit, got {status}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).expect("rest of stdout");
    assert_eq!(rest, "", "exactly one line on stdout");
}

#[test]
fn the_binary_explains_bad_arguments() {
    let output = Command::new(env!("CARGO_BIN_EXE_inbox"))
        .arg("--prot=1")
        .output()
        .expect("run inbox");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("inbox: unknown argument \"--prot\"") && stderr.contains("usage: inbox"),
        "{stderr}"
    );
}
