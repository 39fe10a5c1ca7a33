//! The README's quick start stays true: the files it names exist, the order body is
//! still the spec's example (not a copy drifting from it), the token is the one the mock
//! accepts by default, and the mock accepts that order.

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{PROJECT_ID, post, spec};
use workspace_orders_mock::{DEFAULT_TOKEN, MockConfig, MockServer};

const EXAMPLES: &str = "crates/huaweicloud-workspace-orders/examples/quick-start";

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(relative: &str) -> String {
    let path = repository().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The README's "Quick start" section.
fn quick_start() -> String {
    let readme = read("README.md");
    let start = readme
        .find("## Quick start\n")
        .expect("README has a Quick start section");
    let rest = &readme[start + 3..];
    let end = rest.find("\n## ").map_or(rest.len(), |end| end + 1);
    rest[..end].to_owned()
}

#[tokio::test]
async fn the_quick_start_order_is_the_specs_example_and_the_mock_accepts_it() {
    let section = quick_start();
    for needle in [
        "cargo xtask mock",
        "cargo run -p huaweicloud-workspace-orders --example place_order --",
        "--base-url http://127.0.0.1:8080",
        &format!("--token-file {EXAMPLES}/token.txt"),
        &format!("--project-id {PROJECT_ID}"),
        "--operation periodic",
        &format!("--body {EXAMPLES}/order.json"),
    ] {
        assert!(
            section.contains(needle),
            "the Quick start lost {needle:?}:\n{section}"
        );
    }

    let token = read(&format!("{EXAMPLES}/token.txt"));
    assert_eq!(token.trim(), DEFAULT_TOKEN);
    let order: Value =
        serde_json::from_str(&read(&format!("{EXAMPLES}/order.json"))).expect("order.json is JSON");
    let spec = spec();
    let example = support::examples(&spec)
        .into_iter()
        .find(|example| example.operation.id == "createPeriodicOrder")
        .expect("createPeriodicOrder has an example");
    assert_eq!(
        order, example.value,
        "order.json is no longer the spec's {} example",
        example.name
    );

    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let answer = post(
        &mock.base_url(),
        &example.operation.path(PROJECT_ID),
        token.trim(),
        &[],
        &order,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    mock.shutdown().await;
}
