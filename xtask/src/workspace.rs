//! Where things are: the repository root, cargo's target directory, dist/.

use std::path::{Path, PathBuf};

use crate::cmd::{self, step, Cmd};
use crate::Result;

pub struct Workspace {
    pub root: PathBuf,
    pub target: PathBuf,
}

impl Workspace {
    /// The workspace xtask belongs to, with the target directory cargo really uses
    /// (honouring `CARGO_TARGET_DIR` and cargo config).
    pub fn find() -> Result<Workspace> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask lives in a folder of the workspace")
            .to_path_buf();
        let metadata = cmd::cargo()
            .args("metadata --format-version 1 --no-deps --offline".split_whitespace())
            .current_dir(&root)
            .probe()
            .ok_or("`cargo metadata` failed in the repository root")?;
        let metadata: serde_json::Value = serde_json::from_str(&metadata)
            .map_err(|e| format!("`cargo metadata` printed something that is not JSON: {e}"))?;
        let target = metadata["target_directory"]
            .as_str()
            .ok_or("`cargo metadata` did not say where the target directory is")?
            .into();
        Ok(Workspace { root, target })
    }

    pub fn dist(&self) -> PathBuf {
        self.root.join("dist")
    }

    pub fn www(&self) -> PathBuf {
        self.root.join("www")
    }

    /// `cargo ARGS` (words split at spaces) in the repository root.
    pub fn cargo(&self, args: &str) -> Cmd {
        cmd::cargo()
            .args(args.split_whitespace())
            .current_dir(&self.root)
    }

    /// Builds the inbox server (`--release` or debug); the binary's path.
    pub fn inbox(&self, release: bool) -> Result<PathBuf> {
        let (profile, build) = match release {
            true => ("release", "build --release -p inbox"),
            false => ("debug", "build -p inbox"),
        };
        step(&format!("build the inbox server ({profile})"));
        self.cargo(build).run()?;
        Ok(self.target.join(profile).join("inbox"))
    }
}
