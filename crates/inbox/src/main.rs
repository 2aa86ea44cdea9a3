//! `inbox`: runs the inbox server (see `cli::USAGE`). Prints one line,
//! `inbox listening on http://ADDR:PORT`, once it accepts connections; harnesses wait for it.

mod cli;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use inbox::SqliteStore;
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> ExitCode {
    let args = match cli::parse(std::env::args_os().skip(1)) {
        Ok(cli::Command::Run(args)) => args,
        Ok(cli::Command::Help) => {
            println!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("inbox: {e}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("inbox: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: cli::Args) -> Result<(), String> {
    if let Some(parent) = args.db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let store = SqliteStore::open(&args.db).map_err(|e| format!("cannot open {}: {e}", args.db.display()))?;
    let router = inbox::router(Arc::new(store), &args.www, &args.dist);
    let listener = TcpListener::bind((args.host.as_str(), args.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", args.host, args.port))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    // The one line on stdout: it carries the real port when `--port 0` was asked for.
    println!("inbox listening on http://{addr}");
    let _ = std::io::stdout().flush();
    inbox::serve(listener, router, shutdown_signal()).await.map_err(|e| e.to_string())
}

/// Completes on Ctrl+C, or SIGTERM (what process managers and test harnesses send).
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
