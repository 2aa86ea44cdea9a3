//! A throwaway PostgreSQL server for the inbox's store tests: Debian's `postgresql` (installed
//! with apt when missing), a fresh cluster in a temporary directory on a free port, stopped and
//! deleted when the [`Cluster`] is dropped.
//!
//! PostgreSQL refuses to run as root, so as root every server command runs as the `postgres`
//! user (created by the Debian package) through `runuser`.

use std::fs;
use std::net::TcpListener;
use std::path::PathBuf;

use crate::cmd::{self, note, step, Cmd};
use crate::{files, install, Result};

/// A running cluster. Dropping it stops the server and removes its directory.
pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    as_root: bool,
    /// `postgres://postgres@127.0.0.1:PORT/postgres`
    pub url: String,
}

/// Starts a cluster, installing PostgreSQL first if needed. `Err` explains why there is none.
pub fn start() -> Result<Cluster> {
    install::debian("postgresql", "for the inbox's store tests", || {
        server_bin_dir().is_some()
    })?;
    let bin = server_bin_dir().expect("just ensured");
    step("start a throwaway PostgreSQL cluster");
    let as_root = Cmd::new("id")
        .arg("-u")
        .probe()
        .is_some_and(|uid| uid.trim() == "0");
    let dir = std::env::temp_dir().join(format!("inbox-pg-{}", std::process::id()));
    files::fresh_dir(&dir)?;
    if as_root {
        Cmd::new("chown")
            .args(["postgres:postgres"])
            .arg(&dir)
            .run()?;
    }
    let port = free_port()?;
    let cluster = Cluster {
        bin,
        dir,
        as_root,
        url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
    };
    let data = cluster.dir.join("data");
    cluster
        .server_cmd("initdb")
        .args([
            "--auth=trust",
            "--username=postgres",
            "--no-sync",
            "--encoding=UTF8",
            "-D",
        ])
        .arg(&data)
        .run()?;
    // fsync off: a test cluster's data need not survive a power cut, and it saves minutes.
    let options = format!(
        "-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c fsync=off -c max_connections=200",
        cluster.dir.display()
    );
    cluster
        .server_cmd("pg_ctl")
        .args(["-w", "-t", "60", "-o", &options, "-l"])
        .arg(cluster.dir.join("server.log"))
        .arg("-D")
        .arg(&data)
        .arg("start")
        .run()?;
    note(&format!("DATABASE_URL={}", cluster.url));
    Ok(cluster)
}

impl Cluster {
    /// `bin/name`, as the `postgres` user when we are root.
    fn server_cmd(&self, name: &str) -> Cmd {
        let program = self.bin.join(name);
        if self.as_root {
            Cmd::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(program)
        } else {
            Cmd::new(program)
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        step("stop the throwaway PostgreSQL cluster");
        let stopped = self
            .server_cmd("pg_ctl")
            .args(["-w", "-m", "fast", "-D"])
            .arg(self.dir.join("data"))
            .arg("stop")
            .run();
        if let Err(e) = stopped {
            cmd::warn(&format!("could not stop PostgreSQL: {e}"));
        }
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin` with `pg_ctl` and `initdb`.
fn server_bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            let server = bin.join("pg_ctl").is_file() && bin.join("initdb").is_file();
            server.then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// A port nobody listens on right now (the OS picks it; the server binds it a moment later).
fn free_port() -> Result<u16> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot find a free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}
