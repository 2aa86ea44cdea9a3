//! PostgreSQL only: the inbox keeps answering after the server drops its connections (restart,
//! failover, an idle-connection killer), by reopening them.

mod support;

use std::time::Duration;

use support::{id, sample, temp_dir, Backend, Server};

#[test]
fn connections_killed_by_the_server_are_reopened() {
    let Some(url) = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()) else {
        assert!(
            std::env::var("INBOX_REQUIRE_POSTGRES").map_or(true, |v| v != "1"),
            "INBOX_REQUIRE_POSTGRES=1 but DATABASE_URL is not set"
        );
        eprintln!("note: PostgreSQL test skipped: DATABASE_URL is not set (cargo xtask test starts a local server)");
        return;
    };
    support::set_backend(Backend::Postgres(url.clone()));
    let dir = temp_dir();
    let server = Server::start(dir.path());
    assert_eq!(server.post_json(&sample(&id(1))).status, 201);

    // Terminate every other session on the database, as a restarting server would.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let killed: i64 = runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.expect("connect");
        tokio::spawn(connection);
        let row = client
            .query_one(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
                &[],
            )
            .await
            .expect("terminate");
        row.get(0)
    });
    assert!(
        killed >= 4,
        "the inbox's connections were terminated ({killed})"
    );
    std::thread::sleep(Duration::from_millis(300));

    for n in 2..=9 {
        let reply = server.post_json(&sample(&id(n)));
        assert_eq!(
            reply.status,
            201,
            "request {n} after the kill: {}",
            reply.text()
        );
    }
    assert_eq!(server.stored().len(), 9);
    assert_eq!(server.get("/healthz").status, 200);
}
