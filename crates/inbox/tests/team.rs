//! The team, on both backends: `inbox user add/password/remove/list` (the real binary on the
//! server's database), each teammate logging in with their own password while the configured
//! one keeps working as `owner`, sessions ended by a new password or removal, a team without a
//! configured password still closed to strangers; assignment, "assigned to me", and every status
//! change, note and assignment recorded with who did it. Also the customer (one e-mail address
//! in any case), their history, one row per customer, and the Site filter matching part of a host.

mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use support::{
    config, each_backend, encode, id, post_from, sample, temp_dir, Backend, Browser, Server,
};

/// `inbox user ARGS` on the database of a server over `dir`, with `stdin`; exit success and
/// what it said (stdout, else stderr).
fn cli(dir: &Path, args: &[&str], stdin: &str) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_inbox"));
    command
        .arg("user")
        .args(args)
        .arg("--db")
        .arg(dir.join("inbox.sqlite3"))
        .env_remove("INBOX_CONFIG")
        .env("INBOX_LOG", "warn");
    match support::backend() {
        Backend::Sqlite => command.env_remove("DATABASE_URL"),
        Backend::Postgres(url) => command.env("DATABASE_URL", support::url_in_schema(&url, dir)),
    };
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start inbox user");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let output = child.wait_with_output().expect("inbox user");
    let said = if output.status.success() {
        output.stdout
    } else {
        output.stderr
    };
    (
        output.status.success(),
        String::from_utf8_lossy(&said).trim().to_string(),
    )
}

fn with_owner_password(more: &str) -> inbox::Config {
    let hash = inbox::auth::hash_password("open sesame").expect("hash");
    config(&format!("[auth]\npassword_hash = \"{hash}\"\n{more}"))
}

#[test]
fn teammates_log_in_with_their_own_passwords() {
    each_backend(teammates_log_in_with_their_own_passwords_on);
}

fn teammates_log_in_with_their_own_passwords_on() {
    let dir = temp_dir();
    let server = Server::start_with(dir.path(), with_owner_password(""));
    let (ok, said) = cli(dir.path(), &["add", "Ana"], "ana's secret\n");
    assert!(ok && said.contains("added Ana"), "{said}");
    for (args, stdin, problem) in [
        (&["add", "ana"][..], "x\n", "already a user named \"ana\""),
        (&["add", "owner"], "x\n", "configured password"),
        (&["add", "ana lopez"], "x\n", "no spaces"),
        (&["add", "cleo"], "", "type the password on stdin"),
        (&["remove", "nobody"], "", "no user named \"nobody\""),
        (&["password", "owner"], "x\n", "auth.password_hash"),
    ] {
        let (ok, said) = cli(dir.path(), args, stdin);
        assert!(!ok && said.contains(problem), "{args:?}: {said}");
    }
    let (ok, list) = cli(dir.path(), &["list"], "");
    assert!(ok && list.starts_with("Ana\tadded 20"), "{list}");

    // The configured password is still the owner's, with or without the name.
    let mut owner = Browser::default();
    owner.log_in(&server, "", "open sesame");
    assert_eq!(owner.get(&server, "/inbox").status, 200);
    Browser::default().log_in(&server, "Owner", "open sesame");
    // Ana with her own password, her name in any case; nobody else with it.
    let mut ana = Browser::default();
    assert_eq!(ana.try_log_in(&server, "ana", "open sesame").status, 401);
    assert_eq!(ana.try_log_in(&server, "", "ana's secret").status, 401);
    assert_eq!(
        ana.try_log_in(&server, "nobody", "ana's secret").status,
        401
    );
    ana.log_in(&server, "ANA", "ana's secret");
    assert_eq!(ana.get(&server, "/inbox").status, 200);
    assert_eq!(ana.get(&server, "/api/feedback").status, 200);

    // A new password ends her sessions; the new one works.
    let (ok, said) = cli(dir.path(), &["password", "ana"], "a new secret\n");
    assert!(ok, "{said}");
    assert_eq!(ana.get(&server, "/inbox").status, 303, "logged out");
    assert_eq!(ana.try_log_in(&server, "ana", "ana's secret").status, 401);
    ana.log_in(&server, "ana", "a new secret");
    // Removing her ends them too, and she cannot log in again. The owner goes on.
    let (ok, said) = cli(dir.path(), &["remove", "ana"], "");
    assert!(ok, "{said}");
    assert_eq!(ana.get(&server, "/inbox").status, 303, "logged out");
    assert_eq!(ana.try_log_in(&server, "ana", "a new secret").status, 401);
    assert_eq!(owner.get(&server, "/inbox").status, 200);
}

#[test]
fn a_team_without_a_configured_password_is_closed_to_strangers() {
    each_backend(a_team_without_a_configured_password_is_closed_to_strangers_on);
}

fn a_team_without_a_configured_password_is_closed_to_strangers_on() {
    let dir = temp_dir();
    let server = Server::start(dir.path());
    assert_eq!(server.get("/api/feedback").status, 200, "the open demo");
    let (ok, said) = cli(dir.path(), &["add", "bo"], "bo's secret\n");
    assert!(ok, "{said}");
    assert_eq!(server.get("/api/feedback").status, 401, "no longer open");
    let mut stranger = Browser::default();
    assert_eq!(
        stranger.get(&server, "/inbox").header("location"),
        Some("/inbox/login")
    );
    assert_eq!(
        stranger.try_log_in(&server, "", "bo's secret").status,
        401,
        "no owner"
    );
    stranger.log_in(&server, "bo", "bo's secret");
    assert_eq!(stranger.get(&server, "/inbox").status, 200);
}

#[test]
fn who_did_what_and_assigned_to_me() {
    each_backend(who_did_what_and_assigned_to_me_on);
}

fn who_did_what_and_assigned_to_me_on() {
    let dir = temp_dir();
    let server = Server::start_with(dir.path(), with_owner_password(""));
    assert!(cli(dir.path(), &["add", "ana"], "ana's secret\n").0);
    for n in [1, 2] {
        assert_eq!(server.post_json(&sample(&id(n))).status, 201);
    }
    let (mut owner, mut ana) = (Browser::default(), Browser::default());
    owner.log_in(&server, "", "open sesame");
    ana.log_in(&server, "ana", "ana's secret");
    let page = format!("/inbox/m/{}", id(1));
    let post = |browser: &mut Browser, what: &str, fields: &str| {
        browser.submit(&server, &page, &format!("{page}/{what}"), fields)
    };
    let assigned = post(
        &mut owner,
        "assign",
        "assignee=ANA&back=%2Finbox%3Fstatus%3Dopen",
    );
    assert_eq!(
        (assigned.status, assigned.header("location")),
        (303, Some("/inbox?status=open")),
        "back to the list it was sent from"
    );
    let unknown = post(&mut owner, "assign", "assignee=zed");
    assert_eq!(unknown.status, 400, "{}", unknown.text());
    assert_eq!(post(&mut owner, "note", "note=Called+her").status, 303);
    let closed = post(&mut ana, "status", "status=closed");
    assert_eq!(closed.header("location"), Some(page.as_str()));
    assert_eq!(
        post(&mut ana, "status", "status=closed").status,
        303,
        "no change"
    );
    assert_eq!(post(&mut ana, "status", "status=gone").status, 400);
    let evil = post(&mut ana, "status", "status=open&back=%2F%2Fevil.example");
    assert_eq!(
        evil.header("location"),
        Some(page.as_str()),
        "never off the inbox"
    );

    let thread = ana.json(&server, &format!("/api/feedback/{}", id(1)));
    assert_eq!(
        (
            &thread["inbox"]["status"],
            &thread["inbox"]["handled"],
            &thread["inbox"]["assignee"]
        ),
        (&json!("open"), &json!(false), &json!("ana"))
    );
    let activity: Vec<(String, String, String)> = thread["activity"]
        .as_array()
        .expect("activity")
        .iter()
        .map(|e| {
            assert!(e["at"].as_str().is_some_and(|at| at.ends_with('Z')), "{e}");
            let text = |k: &str| e[k].as_str().unwrap_or_default().to_string();
            (text("by"), text("kind"), text("value"))
        })
        .collect();
    let said =
        |by: &str, kind: &str, value: &str| (by.to_string(), kind.to_string(), value.to_string());
    assert_eq!(
        activity,
        [
            said("owner", "assign", "ana"),
            said("owner", "note", "Called her"),
            said("ana", "status", "closed"),
            said("ana", "status", "open"),
        ]
    );

    // "Assigned to me" is each teammate's own; a name works for scripts.
    let ids = |rows: Value| -> Vec<String> {
        rows.as_array()
            .expect("rows")
            .iter()
            .map(|r| r["id"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(ids(ana.json(&server, "/api/feedback?assignee=me")), [id(1)]);
    assert!(ids(owner.json(&server, "/api/feedback?assignee=me")).is_empty());
    assert_eq!(
        ids(owner.json(&server, "/api/feedback?assignee=ana")),
        [id(1)]
    );
    let closed = post(&mut ana, "status", "status=closed");
    assert_eq!(closed.status, 303);
    assert_eq!(
        ids(owner.json(&server, "/api/feedback?status=closed")),
        [id(1)]
    );
    assert_eq!(
        ids(owner.json(&server, "/api/feedback?handled=yes")),
        [id(1)]
    );
    assert_eq!(
        ids(owner.json(&server, "/api/feedback?status=open")),
        [id(2)]
    );
    assert_eq!(
        ids(owner.json(&server, "/api/feedback?handled=no")),
        [id(2)]
    );
    assert_eq!(owner.get(&server, "/api/feedback?status=done").status, 400);
    // The old form still works: handled is closed, not handled is open again.
    let reopened = post(&mut owner, "handled", "handled=no");
    assert_eq!(reopened.status, 303);
    assert_eq!(
        ids(owner.json(&server, "/api/feedback?status=open")),
        [id(2), id(1)]
    );
}

#[test]
fn a_customer_is_one_address_in_any_case() {
    each_backend(a_customer_is_one_address_in_any_case_on);
}

fn a_customer_is_one_address_in_any_case_on() {
    let dir = temp_dir();
    let server = Server::start(dir.path());
    for (n, email) in [
        (1, Some("Ana@Example.org")),
        (2, None),
        (3, Some("bob@example.org")),
        (4, Some("ana@example.ORG")),
        (5, None),
    ] {
        let mut body = sample(&id(n));
        body["email"] = json!(email);
        assert_eq!(
            post_from(&server, "http://127.0.0.1:8391", &body).status,
            201
        );
    }
    let mut owner = Browser::default();
    let ids = |browser: &mut Browser, path: &str| -> Vec<String> {
        let rows = browser.json(&server, path);
        rows.as_array()
            .expect("rows")
            .iter()
            .map(|r| r["id"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(
        ids(&mut owner, "/api/feedback?email=ANA%40example.org"),
        [id(4), id(1)]
    );
    assert_eq!(
        ids(&mut owner, "/api/feedback?group=customer"),
        [id(5), id(4), id(3), id(2)],
        "one row per customer, their newest; no address, a customer each"
    );
    // The filter applies to the newer messages too: with Ana's newest closed, her older open one
    // stands for her among the open ones.
    let page = format!("/inbox/m/{}", id(4));
    let closed = owner.submit(&server, &page, &format!("{page}/status"), "status=closed");
    assert_eq!(closed.status, 303);
    assert_eq!(
        ids(&mut owner, "/api/feedback?group=customer&status=open"),
        [id(5), id(3), id(2), id(1)]
    );
    assert_eq!(
        ids(&mut owner, "/api/feedback?group=customer&limit=2"),
        [id(5), id(4)],
        "pages of customers"
    );
    assert_eq!(owner.get(&server, "/api/feedback?group=site").status, 400);
    // In open mode the site is the origin: part of its host finds it.
    for (site, count) in [
        ("8391", 5),
        ("127.0.0.1", 5),
        ("http://127.0.0.1:8391", 5),
        ("9999", 0),
    ] {
        let found = ids(&mut owner, &format!("/api/feedback?site={}", encode(site)));
        assert_eq!(found.len(), count, "site={site}");
    }
}

#[test]
fn a_configured_site_is_found_by_its_exact_name() {
    each_backend(a_configured_site_is_found_by_its_exact_name_on);
}

fn a_configured_site_is_found_by_its_exact_name_on() {
    let dir = temp_dir();
    let server = Server::start_with(
        dir.path(),
        config(
            "[[sites]]\nname = \"shop\"\norigins = [\"https://shop.example\"]\n\
             [[sites]]\nname = \"shop2\"\norigins = [\"https://shop2.example\"]\n",
        ),
    );
    assert_eq!(
        post_from(&server, "https://shop.example", &sample(&id(1))).status,
        201
    );
    assert_eq!(
        post_from(&server, "https://shop2.example", &sample(&id(2))).status,
        201
    );
    let rows = server.stored_from("/api/feedback?site=shop", &[]);
    assert_eq!(rows.len(), 1, "shop, not shop2");
    assert_eq!(rows[0]["inbox"]["site"], "shop");
}
