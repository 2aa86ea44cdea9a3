//! The command line, parsed by hand: six flags and two subcommands do not need a parser crate.

use std::ffi::OsString;
use std::path::PathBuf;

pub const USAGE: &str = "\
usage: inbox [--config FILE] [--host HOST] [--port PORT] [--db FILE] [--www DIR] [--dist DIR]
       inbox hash-password    (reads a password on stdin, prints its argon2 hash)
       inbox user add NAME [--config FILE] [--db FILE]       (reads NAME's password on stdin)
       inbox user password NAME [--config FILE] [--db FILE]  (reads the new password on stdin)
       inbox user remove NAME [--config FILE] [--db FILE]
       inbox user list [--config FILE] [--db FILE]

  --config FILE TOML configuration (default: $INBOX_CONFIG, else none); see README

  --host HOST   address to listen on            (default 127.0.0.1)
  --port PORT   port to listen on, 0 = any free (default 8080)
  --db FILE     SQLite database, created if missing (default data/inbox.sqlite3);
                unused when DATABASE_URL (or database_url) names PostgreSQL
  --www DIR     demo site served at /           (default www)
  --dist DIR    built widget served at /dist/   (default dist)";

/// What to run with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args {
    pub host: String,
    pub port: u16,
    pub db: PathBuf,
    pub www: PathBuf,
    pub dist: PathBuf,
    pub config: Option<PathBuf>,
}

impl Default for Args {
    fn default() -> Self {
        Args {
            host: "127.0.0.1".into(),
            port: 8080,
            db: "data/inbox.sqlite3".into(),
            www: "www".into(),
            dist: "dist".into(),
            config: None,
        }
    }
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Run(Args),
    HashPassword,
    /// `inbox user …`: manage the team in the database the other flags name.
    User(UserAction, Args),
    Help,
}

/// What `inbox user` does.
#[derive(Debug, PartialEq, Eq)]
pub enum UserAction {
    Add(String),
    Password(String),
    Remove(String),
    List,
}

/// Parses the arguments after the program name. Takes `--flag value` and `--flag=value`.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    let mut args = args.into_iter().peekable();
    if args.peek().is_some_and(|a| a == "hash-password") {
        return match args.nth(1) {
            None => Ok(Command::HashPassword),
            Some(extra) => Err(format!("hash-password takes no arguments, got {extra:?}")),
        };
    }
    if args.peek().is_some_and(|a| a == "user") {
        args.next();
        let mut word = |what: &str| {
            args.next()
                .and_then(|a| a.into_string().ok())
                .filter(|a| !a.starts_with("--"))
                .ok_or_else(|| format!("inbox user: {what}"))
        };
        let action = match word("add, password, remove or list?")?.as_str() {
            "add" => UserAction::Add(word("add whom? (inbox user add NAME)")?),
            "password" => UserAction::Password(word("whose password? (inbox user password NAME)")?),
            "remove" => UserAction::Remove(word("remove whom? (inbox user remove NAME)")?),
            "list" => UserAction::List,
            other => {
                return Err(format!(
                    "inbox user: {other:?} is not add, password, remove or list"
                ))
            }
        };
        return match flags(args)? {
            Command::Run(out) => Ok(Command::User(action, out)),
            other => Ok(other),
        };
    }
    flags(args)
}

/// The flags after the program name (or a subcommand).
fn flags(args: impl Iterator<Item = OsString>) -> Result<Command, String> {
    let mut out = Args::default();
    let mut args = args;
    while let Some(arg) = args.next() {
        let arg = arg
            .into_string()
            .map_err(|a| format!("argument {a:?} is not valid UTF-8"))?;
        if arg == "-h" || arg == "--help" {
            return Ok(Command::Help);
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_string(), Some(value.to_string())),
            None => (arg, None),
        };
        if !matches!(
            flag.as_str(),
            "--host" | "--port" | "--db" | "--www" | "--dist" | "--config"
        ) {
            return Err(format!("unknown argument {flag:?}"));
        }
        let value = match inline {
            Some(value) => value,
            None => args
                .next()
                .ok_or_else(|| format!("{flag} needs a value"))?
                .into_string()
                .map_err(|v| format!("value {v:?} of {flag} is not valid UTF-8"))?,
        };
        match flag.as_str() {
            "--host" => out.host = value,
            "--port" => {
                out.port = value
                    .parse()
                    .map_err(|_| format!("--port must be 0..=65535, got {value:?}"))?
            }
            "--db" => out.db = value.into(),
            "--www" => out.www = value.into(),
            "--config" => out.config = Some(value.into()),
            _ => out.dist = value.into(),
        }
    }
    Ok(Command::Run(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(args: &[&str], expected: Result<Command, &str>) {
        let got = parse(args.iter().map(OsString::from));
        assert_eq!(got, expected.map_err(String::from), "{args:?}");
    }

    fn run(edit: impl FnOnce(&mut Args)) -> Result<Command, &'static str> {
        let mut args = Args::default();
        edit(&mut args);
        Ok(Command::Run(args))
    }

    #[test]
    fn parses_flags() {
        check(&[], run(|_| {}));
        check(&["--port", "0"], run(|a| a.port = 0));
        check(
            &["--port=9000", "--host", "0.0.0.0"],
            run(|a| (a.port, a.host) = (9000, "0.0.0.0".into())),
        );
        check(
            &["--db", "/tmp/x.db", "--www=site", "--dist", "out"],
            run(|a| (a.db, a.www, a.dist) = ("/tmp/x.db".into(), "site".into(), "out".into())),
        );
        check(&["--port", "1", "--help"], Ok(Command::Help));
        check(
            &["--config", "inbox.toml"],
            run(|a| a.config = Some("inbox.toml".into())),
        );
        check(&["hash-password"], Ok(Command::HashPassword));
        check(
            &["hash-password", "x"],
            Err("hash-password takes no arguments, got \"x\""),
        );
        check(
            &["--port", "70000"],
            Err("--port must be 0..=65535, got \"70000\""),
        );
        check(&["--port"], Err("--port needs a value"));
        check(&["--verbose"], Err("unknown argument \"--verbose\""));
        let user = |action, edit: fn(&mut Args)| {
            let mut args = Args::default();
            edit(&mut args);
            Ok(Command::User(action, args))
        };
        check(
            &["user", "add", "ana"],
            user(UserAction::Add("ana".into()), |_| {}),
        );
        check(
            &["user", "password", "ana", "--db", "x.db", "--config=c.toml"],
            user(UserAction::Password("ana".into()), |a| {
                (a.db, a.config) = ("x.db".into(), Some("c.toml".into()))
            }),
        );
        check(
            &["user", "remove", "bob"],
            user(UserAction::Remove("bob".into()), |_| {}),
        );
        check(&["user", "list"], user(UserAction::List, |_| {}));
        check(
            &["user", "add"],
            Err("inbox user: add whom? (inbox user add NAME)"),
        );
        check(
            &["user", "add", "--db"],
            Err("inbox user: add whom? (inbox user add NAME)"),
        );
        check(&["user"], Err("inbox user: add, password, remove or list?"));
        check(
            &["user", "delete", "x"],
            Err("inbox user: \"delete\" is not add, password, remove or list"),
        );
        check(&["user", "list", "--help"], Ok(Command::Help));
        check(&["8080"], Err("unknown argument \"8080\""));
    }
}
