//! Adding an operation is a spec edit plus `cargo xtask generate` (issue 16).
//!
//! A copy of the repository gets a fourth operation in its spec; the generator
//! runs on the copy, which then builds (client, mock, CLI) and places an order
//! through the new `OrdersClient` method on the copy's mock. Only the spec and
//! files the generator wrote may differ from the repository.
//!
//! The copy lives at a fixed place under the target directory and builds into a
//! target directory of its own beside it, so cargo's caches are reused from one
//! run to the next. It must not share the repository's: cargo names a workspace
//! crate's artifacts by its path relative to the workspace root, so the copy's
//! client and mock would overwrite the repository's, and later builds would take
//! them for up to date (the mock would then serve the copy's fourth operation).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the copy holds: everything cargo and the generator read.
const COPIED: [&str; 7] = [
    "Cargo.toml",
    "Cargo.lock",
    ".cargo",
    "openapi",
    "xtask",
    "crates",
    // The CLI embeds the record of corrected page examples.
    ".ci/tools/spec/example-errata.json",
];
const SPEC: &str = "openapi/workspace-orders.yaml";

/// The fourth operation: a new path, its own operationId, the periodic order's
/// body and answers.
const NEW_OPERATION: &str = r##"  /v2/{project_id}/pools/orders/subscribe:
    post:
      operationId: createPoolOrder
      x-service: Workspace
      tags:
        - orders
      summary: Order desktop pool resources
      description: >-
        A fourth operation, added by the new-operation test. Orders are not idempotent.
      parameters:
        - name: project_id
          in: path
          required: true
          description: Project ID.
          schema:
            type: string
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/PeriodicOrderRequest"
      responses:
        "200":
          description: The order was placed.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/OrderResponse"
        "400":
          description: The request is invalid.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/OrderError"
"##;

/// Places one order through the new method on the copy's mock (added to the copy
/// after the changed files were checked: it is the test's caller, not an edit).
const PROBE: &str = r#"//! Places one order through `OrdersClient::create_pool_order` on the mock.
use huaweicloud_workspace_orders::{Credentials, OrdersClient, types};
use workspace_orders_mock::{DEFAULT_TOKEN, MockConfig, MockServer};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("give the body's file")?;
    let body: types::PeriodicOrderRequest = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let mock = MockServer::start(MockConfig::default()).await?;
    let credentials = Credentials::iam_token(DEFAULT_TOKEN)?
        .with_project_id("0123456789abcdef0123456789abcdef")?;
    let client = OrdersClient::builder(credentials).base_url(mock.base_url()).build()?;
    let placed = client.create_pool_order(body).await?.into_inner();
    let accepted: Vec<serde_json::Value> = mock
        .accepted_orders()
        .into_iter()
        .map(|order| serde_json::json!({"operation_id": order.operation_id, "order_id": order.order_id}))
        .collect();
    mock.shutdown().await;
    println!("{}", serde_json::json!({"placed": placed.order_id, "accepted": accepted}));
    Ok(())
}
"#;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives below the root")
        .to_path_buf()
}

/// The target directory the test binaries were built in (`<target>/debug/xtask`).
fn target_dir() -> PathBuf {
    let xtask = PathBuf::from(env!("CARGO_BIN_EXE_xtask"));
    xtask
        .ancestors()
        .nth(2)
        .expect("the xtask binary is in <target>/<profile>/")
        .to_path_buf()
}

/// Where the copy builds: never the repository's own target directory.
fn copy_target_dir() -> PathBuf {
    target_dir().join("new-operation-test").join("target")
}

fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        if from.file_name().is_some_and(|name| name == "target") {
            return;
        }
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(from, to).unwrap();
    }
}

/// Every file under `root`'s copied parts, relative, with its bytes.
fn files(root: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path.file_name().is_some_and(|name| name != "target") {
                    walk(root, &path, out);
                }
            } else {
                let relative = path.strip_prefix(root).unwrap();
                let relative = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((relative, fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    for part in COPIED {
        let path = root.join(part);
        if path.is_dir() {
            walk(root, &path, &mut out);
        } else if path.exists() {
            out.push((part.to_owned(), fs::read(&path).unwrap()));
        }
    }
    out.sort();
    out
}

fn cargo(copy: &Path, args: &[&str]) -> std::process::Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(copy)
        .env("CARGO_TARGET_DIR", copy_target_dir())
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo {args:?} failed in the copy:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn a_fourth_operation_is_a_spec_edit_and_a_generator_run() {
    let root = repo_root();
    let copy = target_dir().join("new-operation-test").join("repo");
    if copy.exists() {
        fs::remove_dir_all(&copy).unwrap();
    }
    for part in COPIED {
        copy_tree(&root.join(part), &copy.join(part));
    }

    // The spec edit: a new path item, first under `paths:`.
    let spec_path = copy.join(SPEC);
    let spec = fs::read_to_string(&spec_path).unwrap();
    let at = spec.find("\npaths:\n").expect("the spec has `paths:`") + "\npaths:\n".len();
    fs::write(
        &spec_path,
        format!("{}{NEW_OPERATION}{}", &spec[..at], &spec[at..]),
    )
    .unwrap();

    // The generator, on the copy.
    let generate = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--root"])
        .arg(&copy)
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&generate.stderr);
    assert!(generate.status.success(), "generate failed:\n{log}");
    let written: BTreeSet<String> = log
        .lines()
        .filter_map(|line| line.strip_prefix("wrote "))
        .map(str::to_owned)
        .collect();

    // Nothing but the spec and what the generator wrote differs.
    let before: Vec<(String, Vec<u8>)> = files(&root);
    let after: Vec<(String, Vec<u8>)> = files(&copy);
    let before_names: BTreeSet<&String> = before.iter().map(|(name, _)| name).collect();
    let after_names: BTreeSet<&String> = after.iter().map(|(name, _)| name).collect();
    assert_eq!(before_names, after_names, "files were added or removed");
    let changed: BTreeSet<String> = before
        .iter()
        .zip(&after)
        .filter(|((_, old), (_, new))| old != new)
        .map(|((name, _), _)| name.clone())
        .collect();
    let unexpected: Vec<&String> = changed
        .iter()
        .filter(|name| *name != SPEC && !written.contains(*name))
        .collect();
    assert!(unexpected.is_empty(), "changed by hand: {unexpected:?}");
    // Everything per operation was regenerated.
    for generated in [
        "crates/huaweicloud-workspace-orders/src/operation.rs",
        "crates/huaweicloud-workspace-orders/src/orders_operations.rs",
        "crates/workspace-orders-cli/src/operations.rs",
    ] {
        assert!(
            changed.contains(generated),
            "{generated} did not change: {changed:?}"
        );
        let text = fs::read_to_string(copy.join(generated)).unwrap();
        assert!(text.contains("createPoolOrder"), "{generated}");
        assert!(
            text.lines().next().unwrap_or("").contains("do not edit"),
            "{generated}"
        );
    }

    // The result builds: the CLI (its operation list and dispatch) type-checks.
    cargo(
        &copy,
        &[
            "check",
            "--offline",
            "--locked",
            "-p",
            "workspace-orders-cli",
        ],
    );

    // An order placed through the new method, on the copy's mock.
    let examples = copy.join("crates/workspace-orders-mock/examples");
    fs::create_dir_all(&examples).unwrap();
    fs::write(examples.join("new_operation_probe.rs"), PROBE).unwrap();
    let body = root.join("crates/workspace-orders-cli/examples/periodic-add-volumes.json");
    let run = cargo(
        &copy,
        &[
            "run",
            "--offline",
            "--locked",
            "--quiet",
            "-p",
            "workspace-orders-mock",
            "--example",
            "new_operation_probe",
            "--",
            body.to_str().unwrap(),
        ],
    );
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let placed = report["placed"].as_str().expect("an order id");
    assert_eq!(
        report["accepted"],
        serde_json::json!([{"operation_id": "createPoolOrder", "order_id": placed}])
    );
}
