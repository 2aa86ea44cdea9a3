//! Where things are: the repository root, cargo's target directory, dist/.

use std::path::{Path, PathBuf};

use crate::cmd;
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
            .args([
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--offline",
            ])
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

    /// A binary of the workspace built with `cargo build` (debug profile).
    pub fn debug_binary(&self, name: &str) -> PathBuf {
        self.target.join("debug").join(name)
    }
}
