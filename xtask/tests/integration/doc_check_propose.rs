//! `cargo xtask doc-check --propose --write` on copies of the spec with parts
//! the seed pages state taken out: the edits must put them back (doc-check
//! as clean as on the original, the restored values equal to the originals,
//! descriptions up to whitespace), a page whose operation is new must become
//! an operation that loads and checks clean, and a result that would not
//! load must leave the file untouched.
//!
//! The seed pages sit beside the repository (`../shared/seeds`, or
//! `WORKSPACE_ORDERS_SEEDS`); without them these tests skip loudly, except in
//! CI (`CI` set), where that is a failure, as in `.ci/steps/doc-check.sh`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The seed pages the spec is transcribed from (003, a lossy copy of 002, is
/// not a source), or `None` outside CI when they are not there.
fn seed_pages() -> Option<Vec<PathBuf>> {
    let dir = std::env::var_os("WORKSPACE_ORDERS_SEEDS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/seeds"));
    let pages: Vec<PathBuf> = ["000", "001", "002", "004"]
        .iter()
        .filter_map(|id| {
            std::fs::read_dir(&dir)
                .ok()?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(&format!("{id}_")))
                })
        })
        .collect();
    if pages.len() == 4 {
        return Some(pages);
    }
    assert!(
        std::env::var_os("CI").is_none() && std::env::var_os("WORKSPACE_ORDERS_SEEDS").is_none(),
        "the seed pages 000, 001, 002 and 004 are not all in {}",
        dir.display()
    );
    eprintln!(
        "SKIPPED: no seed pages in {}; set WORKSPACE_ORDERS_SEEDS",
        dir.display()
    );
    None
}

/// A scratch copy of the spec and ERRATA.
struct Copy {
    _dir: tempfile::TempDir,
    spec: PathBuf,
    errata: PathBuf,
}

fn copy_with(edit: impl FnOnce(&str) -> String) -> Copy {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("workspace-orders.yaml");
    let errata = dir.path().join("ERRATA.md");
    let original =
        std::fs::read_to_string(repo_root().join("openapi/workspace-orders.yaml")).unwrap();
    std::fs::write(&spec, edit(&original)).unwrap();
    std::fs::copy(repo_root().join("openapi/ERRATA.md"), &errata).unwrap();
    Copy {
        _dir: dir,
        spec,
        errata,
    }
}

fn doc_check(spec: &Path, errata: &Path, extra: &[&str], pages: &[PathBuf]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("doc-check")
        .arg("--spec")
        .arg(spec)
        .arg("--errata")
        .arg(errata)
        .args(extra)
        .args(pages)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn load(path: &Path) -> Value {
    serde_yaml_ng::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn original() -> Value {
    load(&repo_root().join("openapi/workspace-orders.yaml"))
}

/// `value` with every `description` string's whitespace folded.
fn folded(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        ("description", Value::String(s)) => {
                            Value::String(s.split_whitespace().collect::<Vec<_>>().join(" "))
                        }
                        _ => folded(v),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(folded).collect()),
        other => other.clone(),
    }
}

// ---- Taking parts out of the YAML text (block style, two spaces a level) ----

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The lines `start..end` of the block whose first line is `start`.
fn block_end(lines: &[&str], start: usize) -> usize {
    let depth = indent(lines[start]);
    let mut end = start + 1;
    while end < lines.len() && (lines[end].trim().is_empty() || indent(lines[end]) > depth) {
        end += 1;
    }
    end
}

/// The line of `key:` at `depth` spaces inside lines `from..to`.
fn key_line(lines: &[&str], from: usize, to: usize, depth: usize, key: &str) -> usize {
    let wanted = format!("{}{key}:", " ".repeat(depth));
    (from..to)
        .find(|&i| lines[i] == wanted || lines[i].starts_with(&format!("{wanted} ")))
        .unwrap_or_else(|| panic!("no {key:?} at depth {depth} in lines {from}..{to}"))
}

/// The line range of `path` (keys from the root) in `text`.
fn range_of(text: &str, path: &[&str]) -> (usize, usize) {
    let lines: Vec<&str> = text.lines().collect();
    let (mut from, mut to) = (0, lines.len());
    for (depth, key) in path.iter().enumerate() {
        let line = key_line(&lines, from, to, depth * 2, key);
        from = line;
        to = block_end(&lines, line);
        from += usize::from(depth + 1 < path.len());
    }
    (from, to)
}

fn without_lines(text: &str, (from, to): (usize, usize)) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<&str> = lines[..from].to_vec();
    out.extend(&lines[to..]);
    out.join("\n") + "\n"
}

fn schema_path<'a>(schema: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut path = vec!["components", "schemas", schema];
    path.extend(rest);
    path
}

/// Removes the property; a schema left with no properties loses its
/// `properties` key too (a `properties:` with nothing under it is null, which
/// no schema may hold).
fn remove_property(text: &str, schema: &str, property: &str) -> String {
    let (from, to) = range_of(text, &schema_path(schema, &["properties", property]));
    let (first, last) = range_of(text, &schema_path(schema, &["properties"]));
    if (first + 1, last) == (from, to) {
        without_lines(text, (first, last))
    } else {
        without_lines(text, (from, to))
    }
}

/// Removes `- name` from the schema's `required` list.
fn remove_required(text: &str, schema: &str, name: &str) -> String {
    let (from, to) = range_of(text, &schema_path(schema, &["required"]));
    let lines: Vec<&str> = text.lines().collect();
    let item = (from..to)
        .find(|&i| lines[i].trim() == format!("- {name}"))
        .unwrap_or_else(|| panic!("{schema} does not require {name}"));
    without_lines(text, (item, item + 1))
}

/// Appends `- name` to the schema's `required` list.
fn add_required(text: &str, schema: &str, name: &str) -> String {
    let (_, to) = range_of(text, &schema_path(schema, &["required"]));
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines.insert(to, format!("        - {name}"));
    lines.join("\n") + "\n"
}

fn remove_response(text: &str, path: &str, method: &str, status: &str) -> String {
    let quoted = format!("\"{status}\"");
    without_lines(
        text,
        range_of(text, &["paths", path, method, "responses", &quoted]),
    )
}

fn replace_in_property(text: &str, schema: &str, property: &str, old: &str, new: &str) -> String {
    let (from, to) = range_of(text, &schema_path(schema, &["properties", property]));
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let line = (from..to)
        .find(|&i| lines[i].trim() == old)
        .unwrap_or_else(|| panic!("{schema}.{property} has no line {old:?}"));
    lines[line] = lines[line].replace(old, new);
    lines.join("\n") + "\n"
}

fn pointer(schema: &str, rest: &str) -> String {
    format!("/components/schemas/{schema}{rest}")
}

const APP_PATH: &str = "/v1/{project_id}/bundles/subscribe/order";
const PERIODIC_PATH: &str = "/v2/{project_id}/periodic/subscribe/order";
const DESKTOP_PATH: &str = "/v2/{project_id}/desktops/orders/subscribe";

fn response_pointer(path: &str, status: &str) -> String {
    format!(
        "/paths/{}/post/responses/{status}",
        workspace_orders_openapi::pointer::escape(path)
    )
}

#[test]
fn removed_fields_flags_and_status_codes_are_put_back() {
    let Some(pages) = seed_pages() else {
        return;
    };
    let mut restored: Vec<String> = Vec::new();
    let copy = copy_with(|text| {
        let mut text = text.to_string();
        // Fields at several depths; request and response; required ones with
        // their `required` entries; value lists, arrays of objects.
        for (schema, property, required) in [
            ("PeriodicOrderRequest", "enterprise_project_id", false), // enterprise_project_id
            ("AppOrderResource", "subscription_num", true), // resources[].subscription_num
            ("AppCreateServices", "flavor_id", false),      // resources[].create_services.flavor_id
            ("AppNic", "subnet_id", false), // resources[].create_services.nics[].subnet_id
            ("RebuildDesktopsReq", "image_type", true), // resources[].rebuild_desktops.image_type
            ("CreateExclusiveHostsReq", "quantity", true),
            ("DesktopOrderCreateDesktopReq", "tags", false), // page 004, array of Tag
            ("PeriodicEip", "bandwidth_size", false),
            ("AppOrderResponse", "order_id", false), // response.200.order_id, its only property
        ] {
            text = remove_property(&text, schema, property);
            if required {
                text = remove_required(&text, schema, property);
                restored.push(pointer(schema, "/required"));
            }
            restored.push(pointer(schema, &format!("/properties/{property}")));
        }
        // Mandatory flipped both ways.
        text = remove_required(&text, "AppCreateServices", "subnet_id");
        text = add_required(&text, "AppCreateServices", "service_type");
        text = remove_required(&text, "PeriodicOrderRequest", "type");
        restored.push(pointer("AppCreateServices", "/required"));
        restored.push(pointer("PeriodicOrderRequest", "/required"));
        // A changed type.
        text = replace_in_property(
            &text,
            "PeriodicDesktop",
            "user_phone",
            "type: string",
            "type: integer",
        );
        restored.push(pointer("PeriodicDesktop", "/properties/user_phone"));
        // Status codes.
        for (path, status) in [
            (APP_PATH, "404"),
            (APP_PATH, "503"),
            (PERIODIC_PATH, "500"),
            (DESKTOP_PATH, "409"),
        ] {
            text = remove_response(&text, path, "post", status);
            restored.push(response_pointer(path, status));
        }
        text
    });
    let original_spec = repo_root().join("openapi/workspace-orders.yaml");
    let baseline = doc_check(&original_spec, &copy.errata, &[], &pages);
    assert!(baseline.status.success(), "{}", stdout(&baseline));
    let broken = doc_check(&copy.spec, &copy.errata, &[], &pages);
    assert!(
        !broken.status.success(),
        "the removals must show: {}",
        stdout(&broken)
    );

    let written = doc_check(&copy.spec, &copy.errata, &["--propose", "--write"], &pages);
    assert!(
        written.status.success(),
        "{}\n{}",
        stdout(&written),
        stderr(&written)
    );
    assert!(
        stdout(&written).contains("run `cargo xtask generate` next"),
        "{}",
        stdout(&written)
    );
    let after = doc_check(&copy.spec, &copy.errata, &[], &pages);
    assert_eq!(stdout(&after), stdout(&baseline));

    let original = original();
    let result = load(&copy.spec);
    for at in &restored {
        let want = original
            .pointer(at)
            .unwrap_or_else(|| panic!("{at} not in the spec"));
        let got = result
            .pointer(at)
            .unwrap_or_else(|| panic!("{at} was not put back"));
        assert_eq!(folded(got), folded(want), "{at}");
    }
    // Nothing else changed either.
    assert_eq!(folded(&result), folded(&original));
}

#[test]
fn a_removed_operation_is_proposed_from_its_page_and_checks_clean() {
    let Some(pages) = seed_pages() else {
        return;
    };
    let copy = copy_with(|text| without_lines(text, range_of(text, &["paths", DESKTOP_PATH])));
    let page_004 = [pages[3].clone()];
    let written = doc_check(
        &copy.spec,
        &copy.errata,
        &["--propose", "--write"],
        &page_004,
    );
    assert!(
        written.status.success(),
        "{}\n{}",
        stdout(&written),
        stderr(&written)
    );
    let after = doc_check(&copy.spec, &copy.errata, &[], &page_004);
    assert!(after.status.success(), "{}", stdout(&after));
    assert!(
        stdout(&after).contains("(createDesktopOrder)"),
        "{}",
        stdout(&after)
    );

    // The operation refers to the schemas that cite page 004's tables.
    let result = load(&copy.spec);
    let operation = result
        .pointer(&format!(
            "/paths/{}/post",
            workspace_orders_openapi::pointer::escape(DESKTOP_PATH)
        ))
        .unwrap();
    assert_eq!(operation["operationId"], "createDesktopOrder");
    assert_eq!(operation["x-service"], "Workspace");
    assert_eq!(
        operation.pointer("/requestBody/content/application~1json/schema/$ref"),
        Some(&Value::from("#/components/schemas/DesktopOrderRequest"))
    );
    let original = original();
    let original_operation = original
        .pointer(&format!(
            "/paths/{}/post",
            workspace_orders_openapi::pointer::escape(DESKTOP_PATH)
        ))
        .unwrap();
    assert_eq!(
        folded(&operation["responses"])
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        original_operation["responses"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>()
    );
    for status in ["400", "409", "500"] {
        assert_eq!(
            operation["responses"][status]["content"],
            original_operation["responses"][status]["content"],
            "{status}"
        );
    }
}

fn new_operation_page() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/doc_check/905_new_operation.txt")
}

#[test]
fn a_page_of_a_new_operation_becomes_an_operation_with_its_schemas() {
    let copy = copy_with(str::to_string);
    let page = [new_operation_page()];
    let written = doc_check(&copy.spec, &copy.errata, &["--propose", "--write"], &page);
    assert!(
        written.status.success(),
        "{}\n{}",
        stdout(&written),
        stderr(&written)
    );
    let after = doc_check(&copy.spec, &copy.errata, &[], &page);
    assert!(after.status.success(), "{}", stdout(&after));

    let result = load(&copy.spec);
    let operation = result
        .pointer("/paths/~1v2~1{project_id}~1gadgets~1renew/post")
        .unwrap();
    assert_eq!(operation["operationId"], "renewGadgetOrder");
    assert_eq!(operation["x-service"], "Workspace");
    assert_eq!(
        operation["parameters"],
        serde_json::json!([
            { "name": "project_id", "in": "path", "required": true,
              "description": "Project ID.", "schema": { "type": "string" } },
            { "name": "dry_run", "in": "query",
              "description": "Whether to check the request without renewing.",
              "schema": { "type": "boolean" } },
        ])
    );
    assert_eq!(
        operation["responses"]["400"],
        serde_json::json!({
            "description": "Invalid request.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/GadgetOrderError" } } },
        })
    );
    let request = &result["components"]["schemas"]["GadgetOrderRequest"];
    // Page order, not sorted.
    assert_eq!(
        request["required"],
        serde_json::json!(["period_type", "gadgets"])
    );
    assert_eq!(request["additionalProperties"], false);
    assert_eq!(
        request["properties"]["gadgets"],
        serde_json::json!({
            "type": "array",
            "description": "Gadgets to renew. The value ranges from 1 to 20.",
            "minItems": 1,
            "maxItems": 20,
            "items": { "$ref": "#/components/schemas/GadgetOrderGadgetRenewal" },
        })
    );
    assert_eq!(
        request["properties"]["remark"]["maxLength"], 64,
        "{:#}",
        request["properties"]["remark"]
    );
    let renewal = &result["components"]["schemas"]["GadgetOrderGadgetRenewal"];
    assert_eq!(
        renewal["required"],
        serde_json::json!(["gadget_id", "period_num"])
    );
    assert_eq!(
        renewal["properties"]["period_num"],
        serde_json::json!({
            "type": "integer",
            "format": "int64",
            "description": "Number of periods. The value ranges from 1 to 9.",
            "minimum": 1,
            "maximum": 9,
        })
    );
    assert_eq!(
        renewal["properties"]["channel"],
        serde_json::json!({
            "type": "string",
            "description": "Renewal channel.",
            "enum": ["console", "api"],
            "x-enum-descriptions": ["the management console", "the API"],
        })
    );
    // The rest of the file is as it was, comments included.
    let before =
        std::fs::read_to_string(repo_root().join("openapi/workspace-orders.yaml")).unwrap();
    let after_text = std::fs::read_to_string(&copy.spec).unwrap();
    let kept: Vec<&str> = before
        .lines()
        .filter(|l| l.trim_start().starts_with('#'))
        .collect();
    let comments_after: Vec<&str> = after_text
        .lines()
        .filter(|l| l.trim_start().starts_with('#'))
        .collect();
    assert_eq!(comments_after, kept);
}

#[test]
fn propose_alone_prints_the_edits_and_writes_nothing() {
    let copy = copy_with(str::to_string);
    let before = std::fs::read(&copy.spec).unwrap();
    let page = [new_operation_page()];
    let output = doc_check(&copy.spec, &copy.errata, &["--propose"], &page);
    assert!(!output.status.success());
    let text = stdout(&output);
    assert!(
        text.contains("/paths/~1v2~1{project_id}~1gadgets~1renew"),
        "{text}"
    );
    assert!(
        text.contains("|       operationId: renewGadgetOrder"),
        "{text}"
    );
    assert!(text.contains("`--propose --write` applies them"), "{text}");
    assert!(
        std::fs::read(&copy.spec).unwrap() == before,
        "the spec file changed"
    );
}

#[test]
fn a_write_whose_result_would_not_load_writes_nothing() {
    // An explicit document end (`...`) after the last schema: the new schemas
    // are placed after it, which makes a second document, so the edited text
    // does not load as one spec.
    let copy = copy_with(|text| format!("{text}...\n"));
    let before = std::fs::read(&copy.spec).unwrap();
    let page = [new_operation_page()];
    let output = doc_check(&copy.spec, &copy.errata, &["--propose", "--write"], &page);
    assert!(!output.status.success());
    let error = stderr(&output);
    assert!(
        error.contains("the edited spec would not load") && error.contains("nothing written"),
        "{error}"
    );
    assert!(error.contains("workspace-orders.yaml"), "{error}");
    assert!(
        std::fs::read(&copy.spec).unwrap() == before,
        "the spec file changed"
    );
    let leftovers: Vec<_> = std::fs::read_dir(copy.spec.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_write_that_would_change_another_value_writes_nothing() {
    // The last description keeps its trailing line break (`|+`) and a blank
    // line after it; the new schemas go after its last text line, which
    // would take that blank line away from it.
    let copy = copy_with(|text| {
        let last = "          description: Bandwidth size.\n";
        assert!(text.ends_with(last));
        format!(
            "{}          description: |+\n            Bandwidth size.\n\n",
            &text[..text.len() - last.len()]
        )
    });
    let before = std::fs::read(&copy.spec).unwrap();
    let page = [new_operation_page()];
    let output = doc_check(&copy.spec, &copy.errata, &["--propose", "--write"], &page);
    assert!(!output.status.success());
    let error = stderr(&output);
    assert!(
        error.contains(
            "/components/schemas/DesktopOrderEip/properties/bandwidth_size/description: \
             the text edits changed it"
        ) && error.contains("nothing written"),
        "{error}"
    );
    assert!(
        std::fs::read(&copy.spec).unwrap() == before,
        "the spec file changed"
    );
}
