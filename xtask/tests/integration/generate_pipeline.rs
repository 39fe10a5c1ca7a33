//! `cargo xtask generate` on broken specs: a non-zero exit, a message naming
//! the file and the place, and the previously generated files untouched.
//!
//! Each case is the real spec with one deliberate break, run in a scratch
//! copy of the repository layout.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SPEC: &str = "openapi/workspace-orders.yaml";
const GENERATED_RS: &str = "crates/huaweicloud-workspace-orders/src/generated.rs";
const SPEC_JSON: &str = "openapi/workspace-orders.json";
const GOOD_RS: &str = "// a good generated file\n";
const GOOD_JSON: &str = "{\"good\": true}\n";
/// The per-operation outputs, in the order the generator reports them.
const PER_OPERATION: [&str; 3] = [
    "crates/huaweicloud-workspace-orders/src/operation.rs",
    "crates/huaweicloud-workspace-orders/src/orders_operations.rs",
    "crates/workspace-orders-cli/src/operations.rs",
];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn real_spec() -> String {
    std::fs::read_to_string(repo_root().join(SPEC)).unwrap()
}

/// A scratch root holding `spec` and known-good outputs.
fn scratch(spec: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let per_operation = PER_OPERATION.map(|path| (path, GOOD_RS));
    for (path, contents) in [
        (SPEC, spec),
        (GENERATED_RS, GOOD_RS),
        (SPEC_JSON, GOOD_JSON),
    ]
    .into_iter()
    .chain(per_operation)
    {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    dir
}

fn xtask(root: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("generate")
        .arg("--root")
        .arg(root)
        .args(extra)
        .output()
        .unwrap()
}

/// Runs the generator on `spec` and asserts it failed with every one of
/// `expected` in its message and left the outputs alone.
fn assert_rejected(spec: &str, expected: &[&str]) {
    let dir = scratch(spec);
    let output = xtask(dir.path(), &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "expected failure, got success; stderr:\n{stderr}"
    );
    assert!(
        stderr.contains(SPEC),
        "the message names the spec file:\n{stderr}"
    );
    for fragment in expected {
        assert!(
            stderr.contains(fragment),
            "missing {fragment:?} in:\n{stderr}"
        );
    }
    assert!(!stderr.contains("panicked at"), "a panic leaked:\n{stderr}");
    let rs = std::fs::read_to_string(dir.path().join(GENERATED_RS)).unwrap();
    let json = std::fs::read_to_string(dir.path().join(SPEC_JSON)).unwrap();
    assert_eq!(rs, GOOD_RS, "generated.rs was touched");
    assert_eq!(json, GOOD_JSON, "the JSON rendering was touched");
    for path in PER_OPERATION {
        let text = std::fs::read_to_string(dir.path().join(path)).unwrap();
        assert_eq!(text, GOOD_RS, "{path} was touched");
    }
    let leftovers: Vec<_> = walk(dir.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left behind: {leftovers:?}"
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// The spec with `from` replaced once (the case fails loudly if the spec
/// no longer contains it).
fn with(from: &str, to: &str) -> String {
    let spec = real_spec();
    assert!(spec.contains(from), "the spec no longer contains {from:?}");
    spec.replacen(from, to, 1)
}

#[test]
fn broken_yaml_names_the_line() {
    let spec = with("paths:\n", "paths:\n  - [unclosed\n");
    let line = spec.lines().position(|l| l.contains("[unclosed")).unwrap() + 1;
    assert_rejected(&spec, &["invalid YAML", &format!("line {}", line + 1)]);
}

#[test]
fn dangling_ref_names_the_pointer() {
    let spec = with(
        "$ref: \"#/components/schemas/AppAddVolumes\"",
        "$ref: \"#/components/schemas/AppAddVolumez\"",
    );
    assert_rejected(
        &spec,
        &[
            "/components/schemas/AppOrderResource/properties/add_volumes/$ref",
            "dangling $ref `#/components/schemas/AppAddVolumez`",
        ],
    );
}

#[test]
fn missing_operation_id_names_the_operation() {
    let spec = with("      operationId: createDesktopOrder\n", "");
    assert_rejected(
        &spec,
        &[
            "/paths/~1v2~1{project_id}~1desktops~1orders~1subscribe/post",
            "no operationId",
        ],
    );
}

#[test]
fn duplicate_operation_id_names_both_places() {
    let spec = with(
        "operationId: createPeriodicOrder",
        "operationId: createAppOrder",
    );
    assert_rejected(
        &spec,
        &[
            "/paths/~1v2~1{project_id}~1periodic~1subscribe~1order/post/operationId",
            "duplicate operationId `createAppOrder`",
            "/paths/~1v1~1{project_id}~1bundles~1subscribe~1order/post",
        ],
    );
}

#[test]
fn openapi_3_1_is_refused() {
    let spec = with("openapi: 3.0.3", "openapi: 3.1.0");
    assert_rejected(&spec, &["/openapi", "3.1.0 is not supported"]);
}

#[test]
fn mixed_error_schemas_are_refused() {
    // The 409 of createDesktopOrder gets another error schema than its 400.
    let spec = real_spec();
    let at = spec.find("        \"409\":").unwrap();
    let end = at + spec[at..].find("OrderError").unwrap();
    let spec = format!(
        "{}AppOrderError{}",
        &spec[..end],
        &spec[end + "OrderError".len()..]
    );
    assert_rejected(
        &spec,
        &[
            "/paths/~1v2~1{project_id}~1desktops~1orders~1subscribe/post/responses/409",
            "error response body `#/components/schemas/AppOrderError` differs",
        ],
    );
}

#[test]
fn mixed_success_schemas_are_refused() {
    let spec = with(
        "        \"200\":\n          description: Response to a successful request.\n",
        "        \"201\":\n          description: Created.\n          content:\n            application/json:\n              schema:\n                $ref: \"#/components/schemas/OrderResponse\"\n        \"200\":\n          description: Response to a successful request.\n",
    );
    assert_rejected(&spec, &["responses/200", "success response body"]);
}

#[test]
fn inline_response_schema_is_refused() {
    let spec = with(
        "                $ref: \"#/components/schemas/AppOrderResponse\"",
        "                type: object",
    );
    assert_rejected(
        &spec,
        &[
            "/paths/~1v1~1{project_id}~1bundles~1subscribe~1order/post/responses/200",
            "must be a $ref",
        ],
    );
}

#[test]
fn unenforceable_constraint_is_refused() {
    let spec = with(
        "          minItems: 1\n          maxItems: 100\n",
        "          minItems: 1\n          maxItems: 100\n          uniqueItems: true\n",
    );
    assert_rejected(
        &spec,
        &[
            "/components/schemas/PeriodicCreateDesktopReq/properties/desktops",
            "uniqueItems",
        ],
    );
}

#[test]
fn a_good_spec_writes_both_outputs_and_check_then_passes() {
    let dir = scratch(&real_spec());
    let output = xtask(dir.path(), &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rs = std::fs::read_to_string(dir.path().join(GENERATED_RS)).unwrap();
    assert!(rs.starts_with(
        "// Generated by `cargo xtask generate` from `openapi/workspace-orders.yaml`; do not edit."
    ));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(SPEC_JSON)).unwrap())
            .unwrap();
    assert_eq!(json["openapi"], "3.0.3");
    // One line per file: what was written, or that nothing changed.
    let lines = |verb: &str| {
        [GENERATED_RS, SPEC_JSON]
            .into_iter()
            .chain(PER_OPERATION)
            .map(|path| format!("{verb} {path}\n"))
            .collect::<String>()
    };
    assert_eq!(String::from_utf8_lossy(&output.stderr), lines("wrote"));
    let again = xtask(dir.path(), &[]);
    assert_eq!(String::from_utf8_lossy(&again.stderr), lines("unchanged"));
    let check = xtask(dir.path(), &["--check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&check.stderr), lines("up to date"));
}

#[test]
fn check_reports_a_stale_file_as_a_diff_and_writes_nothing() {
    let dir = scratch(&real_spec());
    let output = xtask(dir.path(), &["--check"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("stale"), "{stderr}");
    assert!(
        stderr.contains(&format!("--- {GENERATED_RS} (checked in)")),
        "{stderr}"
    );
    assert!(stderr.contains("-// a good generated file"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(GENERATED_RS)).unwrap(),
        GOOD_RS
    );
}

/// Freshness as a test: plain `cargo test --workspace` fails when the
/// checked-in outputs do not match the spec.
#[test]
fn checked_in_outputs_are_fresh() {
    let output = xtask(&repo_root(), &["--check"]);
    assert!(
        output.status.success(),
        "run `cargo xtask generate`:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn invalid_pattern_is_refused_before_it_can_panic_at_run_time() {
    let spec = with("pattern: \"^[^*<>,|/]*$\"", "pattern: \"^[^*<>,|/]*$(\"");
    assert_rejected(
        &spec,
        &[
            "/components/schemas/Tag/properties/key/pattern",
            "not a valid ECMAScript regex",
        ],
    );
}

#[test]
fn an_open_list_on_a_property_is_refused_naming_it() {
    // Inline, typify would make a plain String: no type to carry the constants.
    let spec = with(
        "        eip_type:\n          $ref: \"#/components/schemas/EipType\"\n",
        "        eip_type:\n          type: string\n          x-extensible-enum: [5_bgp]\n",
    );
    assert_rejected(
        &spec,
        &[
            "/components/schemas/ApplyDesktopsInternet/properties/eip_type/x-extensible-enum",
            "only on a component schema",
        ],
    );
}

#[test]
fn an_open_list_with_a_closed_enum_is_refused() {
    let spec = with(
        "      x-extensible-enum:\n        - 5_bgp\n",
        "      enum:\n        - 5_bgp\n      x-extensible-enum:\n        - 5_bgp\n",
    );
    assert_rejected(
        &spec,
        &[
            "/components/schemas/EipType",
            "x-extensible-enum and `enum`",
        ],
    );
}

#[test]
fn an_open_list_value_without_a_constant_name_is_refused() {
    // `5_bgp` cannot name a constant by itself: the spec must name it.
    let spec = with(
        "      x-enum-varnames:\n        - DYNAMIC_BGP\n        - STATIC_BGP\n",
        "",
    );
    assert_rejected(
        &spec,
        &["/components/schemas/EipType", "`5_BGP`", "x-enum-varnames"],
    );
}

#[test]
fn an_operation_without_its_service_is_rejected_at_its_place() {
    // The client would not know which endpoint serves it.
    let spec = real_spec().replacen(
        "      operationId: createPeriodicOrder\n      x-service: Workspace\n",
        "      operationId: createPeriodicOrder\n",
        1,
    );
    assert_ne!(spec, real_spec());
    assert_rejected(
        &spec,
        &[
            "/paths/~1v2~1{project_id}~1periodic~1subscribe~1order/post",
            "x-service: missing",
        ],
    );
}

#[test]
fn an_operation_with_an_unknown_service_is_rejected() {
    let spec = real_spec().replacen("x-service: WorkspaceApp", "x-service: AppStream", 1);
    assert_ne!(spec, real_spec());
    assert_rejected(
        &spec,
        &[
            "/paths/~1v1~1{project_id}~1bundles~1subscribe~1order/post",
            "\"AppStream\" is not one of the client's services (Workspace, WorkspaceApp)",
        ],
    );
}
