//! The README's quick start stays true: its commands name this binary, the files it
//! names exist, the token is the one the mock accepts by default, and the mock accepts
//! each body (placing each one: `tests/integration/place.rs`).

use crate::support;

use support::{PROJECT_ID, repository};
use workspace_orders_mock::DEFAULT_TOKEN;

const EXAMPLES: &str = "crates/workspace-orders-cli/examples";

/// The README's "Quick start" section.
fn quick_start() -> String {
    let readme = std::fs::read_to_string(repository().join("README.md")).unwrap();
    let start = readme
        .find("## Quick start\n")
        .expect("README has a Quick start section");
    let rest = &readme[start + 3..];
    let end = rest.find("\n## ").map_or(rest.len(), |end| end + 1);
    rest[..end].to_owned()
}

#[test]
fn the_quick_start_commands_and_files_exist() {
    let section = quick_start();
    for needle in [
        "cargo run -p workspace-orders-mock",
        "cargo run -p workspace-orders-cli -- place",
        "--base-url http://127.0.0.1:8080",
        &format!("--token-file {EXAMPLES}/token.txt"),
        &format!("--project-id {PROJECT_ID}"),
        "--operation periodic",
        &format!("{EXAMPLES}/periodic-add-volumes.json"),
        &format!("{EXAMPLES}/app-create-apps.json"),
        &format!("{EXAMPLES}/desktop-hourly-package.json"),
    ] {
        assert!(
            section.contains(needle),
            "the Quick start lost {needle:?}:\n{section}"
        );
    }
    let token = std::fs::read_to_string(repository().join(EXAMPLES).join("token.txt")).unwrap();
    assert_eq!(token.trim(), DEFAULT_TOKEN);
}
