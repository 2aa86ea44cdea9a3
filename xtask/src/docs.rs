//! `cargo xtask docs`: the docs site `www/docs/`, written by the program `docs/site`
//! (`docs-site`) from the Markdown in `docs/`, with this build's sizes for its sizes table.

use crate::cmd::step;
use crate::workspace::Workspace;
use crate::{budget, files, Result};

pub fn run(ws: &Workspace) -> Result {
    step("generate the docs site www/docs/ from docs/ (the program docs/site)");
    let mut command = ws.cargo("run --quiet -p docs-site --");
    // The brotli copies `cargo xtask dist` writes, by the names they are budgeted under.
    let dist = ws.dist();
    for path in files::under(&dist).unwrap_or_default() {
        let name = path.strip_prefix(&dist).ok().and_then(|name| name.to_str());
        if let Some(name) = name.and_then(|name| name.strip_suffix(".br")) {
            let bytes = files::read(&path)?.len();
            command = command.arg(format!("{}={bytes}", budget::logical_name(name)));
        }
    }
    command.run()
}
