//! The one way xtask runs external programs: print them, run them, check them.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::Result;

/// Announces a step before it starts.
pub fn step(what: &str) {
    println!("==> {what}");
}

/// Tells how a step ended when it did nothing or something worth noting.
pub fn note(what: &str) {
    println!("    {what}");
}

/// Prints a warning that does not fail the command.
pub fn warn(what: &str) {
    println!("warning: {what}");
}

/// An external command, shown as it would be typed.
pub struct Cmd {
    command: Command,
    /// The program as shown: `cargo` for the cargo that runs us.
    program: String,
}

impl Cmd {
    pub fn new(program: impl AsRef<OsStr>) -> Cmd {
        let program = program.as_ref();
        Cmd {
            command: Command::new(program),
            program: program.to_string_lossy().into_owned(),
        }
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Cmd {
        self.command.arg(arg);
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(mut self, args: I) -> Cmd {
        self.command.args(args);
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Cmd {
        self.command.env(key, value);
        self
    }

    pub fn env_remove(mut self, key: &str) -> Cmd {
        self.command.env_remove(key);
        self
    }

    pub fn current_dir(mut self, dir: &Path) -> Cmd {
        self.command.current_dir(dir);
        self
    }

    /// The command line as printed: env assignments, program, arguments.
    pub fn shown(&self) -> String {
        let env = self.command.get_envs().filter_map(|(key, value)| {
            Some(format!("{}={}", key.to_string_lossy(), shell_word(value?)))
        });
        let program = shell_word(OsStr::new(&self.program));
        let args = self.command.get_args().map(shell_word);
        let words: Vec<String> = env.chain([program]).chain(args).collect();
        words.join(" ")
    }

    /// Prints the command, runs it with inherited stdio and fails unless it exits with 0.
    pub fn run(self) -> Result {
        self.execute(Stdio::inherit()).map(drop)
    }

    /// Like [`Cmd::run`], but captures stdout (stderr is still shown) and returns it.
    pub fn output(self) -> Result<String> {
        let shown = self.shown();
        let stdout = self.execute(Stdio::piped())?;
        String::from_utf8(stdout).map_err(|_| format!("`{shown}` printed something not UTF-8"))
    }

    fn execute(mut self, stdout: Stdio) -> Result<Vec<u8>> {
        let shown = self.shown();
        println!("    $ {shown}");
        let command = self
            .command
            .stdin(Stdio::inherit())
            .stderr(Stdio::inherit());
        let output = command.stdout(stdout).output();
        let output = output.map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("could not run `{}`: not found", self.program),
            _ => format!("could not run `{}`: {e}", self.program),
        })?;
        match output.status.success() {
            true => Ok(output.stdout),
            false => Err(format!("`{shown}` failed ({})", output.status)),
        }
    }

    /// Runs the command quietly to look something up; its stdout if it ran and succeeded.
    pub fn probe(mut self) -> Option<String> {
        let output = self
            .command
            .stderr(Stdio::null())
            .stdin(Stdio::null())
            .output()
            .ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

/// Quotes a word for display when the shell would split or expand it.
fn shell_word(word: &OsStr) -> String {
    let word = word.to_string_lossy();
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        word.into_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The first `name` found on PATH (`name` itself, when it is an absolute path to a file).
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Makes sure `$CARGO_HOME/bin` (where `cargo install` puts binaries) is on PATH for us and
/// every command we start.
pub fn put_cargo_bin_on_path() {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let Some(bin) = cargo_home.map(|home| home.join("bin")) else {
        return;
    };
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    if !dirs.contains(&bin) {
        dirs.insert(0, bin);
        if let Ok(joined) = std::env::join_paths(dirs) {
            std::env::set_var("PATH", joined);
        }
    }
}

/// The `cargo` that runs us, so nested builds use the same toolchain.
pub fn cargo_path() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// [`cargo_path`], shown as `cargo`.
pub fn cargo() -> Cmd {
    Cmd {
        program: "cargo".into(),
        command: Command::new(cargo_path()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_commands_as_typed() {
        fn check(cmd: Cmd, expected: &str) {
            assert_eq!(cmd.shown(), expected);
        }
        check(
            Cmd::new("cargo").args(["build", "-p", "inbox"]),
            "cargo build -p inbox",
        );
        check(
            Cmd::new("node")
                .env("CHROMIUM", "/usr/bin/chromium")
                .arg("--test"),
            "CHROMIUM=/usr/bin/chromium node --test",
        );
        check(
            Cmd::new("echo").args(["two words", "it's", ""]),
            r"echo 'two words' 'it'\''s' ''",
        );
    }
}
