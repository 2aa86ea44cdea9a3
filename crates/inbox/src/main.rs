//! `inbox`: runs the inbox server (see `cli::USAGE`). Prints one line,
//! `inbox listening on http://ADDR:PORT`, once it accepts connections; harnesses wait for it.
//! Logs go to stderr.

mod cli;

use std::io::{BufRead, Write};
use std::process::ExitCode;

use inbox::Config;
use tokio::net::TcpListener;

fn main() -> ExitCode {
    let args = match cli::parse(std::env::args_os().skip(1)) {
        Ok(cli::Command::Run(args)) => args,
        Ok(cli::Command::HashPassword) => return hash_password(),
        Ok(cli::Command::User(action, args)) => return user(action, &args),
        Ok(cli::Command::Help) => {
            println!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("inbox: {e}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("inbox: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("inbox: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The configuration file named by `--config` or `INBOX_CONFIG`, with the environment on top.
fn load_config(args: &cli::Args) -> Result<Config, String> {
    let path = args
        .config
        .clone()
        .or_else(|| std::env::var_os("INBOX_CONFIG").map(Into::into));
    let text = match &path {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
        ),
        None => None,
    };
    Config::load(text.as_deref(), |name| std::env::var(name).ok()).map_err(|e| match &path {
        Some(path) => format!("{}: {e}", path.display()),
        None => format!("configuration: {e}"),
    })
}

async fn run(args: cli::Args) -> Result<(), String> {
    let config = load_config(&args)?;
    inbox::logging::init(
        config.log_format,
        std::env::var("INBOX_LOG").ok().as_deref(),
    );
    let store = inbox::open_store(&config, &args.db).await?;
    let team = store.users().await.map_err(|e| e.to_string())?;
    if config.auth.password_hash.is_none() && team.is_empty() {
        tracing::warn!(
            "no password hash configured and no users: /inbox and GET /api/feedback are open (demo mode)"
        );
    }
    for hook in config
        .forward
        .webhooks
        .iter()
        .filter(|h| h.format == inbox::config::WebhookFormat::Json && h.secret.is_none())
    {
        tracing::warn!(url = hook.url, "json webhook without a secret: its requests are not signed (add secret = \"whsec_…\", see the docs)");
    }
    tracing::info!(
        backend = store.backend(),
        sites = config.sites.len(),
        "store ready"
    );
    let app = inbox::App::new(store, config);
    let _forwarder = inbox::forward::spawn(&app);
    let router = inbox::router(app, &args.www, &args.dist);
    let listener = TcpListener::bind((args.host.as_str(), args.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", args.host, args.port))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    // The one line on stdout: it carries the real port when `--port 0` was asked for.
    println!("inbox listening on http://{addr}");
    let _ = std::io::stdout().flush();
    inbox::serve(listener, router, shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!("stopped after finishing open requests");
    Ok(())
}

/// One line from stdin: a password for `command`, or `None` (said on stderr) when there is none.
fn read_password(command: &str) -> Option<String> {
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line).is_ok();
    let password = line.trim_end_matches(['\r', '\n']);
    if !read || password.is_empty() {
        eprintln!("inbox {command}: type the password on stdin (one line)");
        return None;
    }
    Some(password.to_string())
}

/// `inbox user …`: changes the team in the database the configuration and `--db` name.
fn user(action: cli::UserAction, args: &cli::Args) -> ExitCode {
    use cli::UserAction;
    let password = match &action {
        UserAction::Add(_) => read_password("user add"),
        UserAction::Password(_) => read_password("user password"),
        UserAction::Remove(_) | UserAction::List => Some(String::new()),
    };
    let Some(password) = password else {
        return ExitCode::from(2);
    };
    let done = tokio::runtime::Runtime::new()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
        .and_then(|runtime| {
            runtime.block_on(async {
                let config = load_config(args)?;
                let store = inbox::open_store(&config, &args.db).await?;
                let store = store.as_ref();
                match &action {
                    UserAction::Add(name) => inbox::team::add(store, name, &password).await,
                    UserAction::Password(name) => {
                        inbox::team::set_password(store, name, &password).await
                    }
                    UserAction::Remove(name) => inbox::team::remove(store, name).await,
                    UserAction::List => {
                        inbox::team::list(store, config.auth.password_hash.is_some()).await
                    }
                }
            })
        });
    match done {
        Ok(said) => {
            println!("{said}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("inbox user: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `inbox hash-password`: one line from stdin in, its PHC hash out.
fn hash_password() -> ExitCode {
    let Some(password) = read_password("hash-password") else {
        return ExitCode::from(2);
    };
    match inbox::auth::hash_password(&password) {
        Ok(hash) => {
            println!("{hash}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("inbox hash-password: {e}");
            ExitCode::FAILURE
        }
    }
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
    tracing::info!("shutting down: no new connections, finishing open requests");
}
