//! `cargo xtask static`: the inbox as one statically linked binary for any x86_64 Linux —
//! the musl target (rustup) and Debian's `musl-tools` (its C compiler builds the bundled SQLite).

use crate::cmd::{note, step, Cmd};
use crate::workspace::Workspace;
use crate::{install, Result};

const TARGET: &str = "x86_64-unknown-linux-musl";

pub fn run(ws: &Workspace) -> Result {
    install::rust_components(&[&format!("rust-std-{TARGET}")])?;
    install::debian("musl-tools", "its musl-gcc", "musl-gcc")?;
    step("build the inbox for musl (release)");
    ws.cargo("build --release -p inbox --target")
        .arg(TARGET)
        .env("CC_x86_64_unknown_linux_musl", "musl-gcc")
        .run()?;
    let binary = ws.target.join(TARGET).join("release/inbox");
    step(&format!("built {}", binary.display()));
    if let Some(kind) = Cmd::new("file").arg(&binary).probe() {
        note(kind.trim());
    }
    Ok(())
}
