//! `cargo xtask doc-check` on pages written for these tests (English and
//! Chinese layouts, every kind of difference, unparseable pages) against a
//! small fixture spec and errata in `tests/doc_check/`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/doc_check")
        .join(name)
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap()
}

/// Runs doc-check with the fixture spec and `errata`, then `args`.
fn doc_check_with(errata: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("doc-check")
        .arg("--spec")
        .arg(fixture("spec.yaml"))
        .arg("--errata")
        .arg(errata)
        .args(args)
        .output()
        .unwrap()
}

fn doc_check(args: &[&str]) -> Output {
    doc_check_with(&fixture("errata.md"), args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", stdout(output)))
}

/// (kind, path, known) of every difference of the only page in a JSON report.
fn differences(report: &Value) -> BTreeSet<(String, String, Option<String>)> {
    report["pages"][0]["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
                d["known"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn set(items: &[(&str, &str, Option<&str>)]) -> BTreeSet<(String, String, Option<String>)> {
    items
        .iter()
        .map(|(k, p, e)| (k.to_string(), p.to_string(), e.map(str::to_string)))
        .collect()
}

/// Writes `text` as a page in a scratch directory and checks it as page 999.
fn check_page_text(text: &str, extra: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.txt");
    std::fs::write(&page, text).unwrap();
    let mut args = extra.to_vec();
    args.extend(["--page-id", "999", page.to_str().unwrap()]);
    doc_check(&args)
}

fn english_page_with(old: &str, new: &str) -> String {
    let page = fixture_text("900_widgets_en.txt");
    assert_eq!(page.matches(old).count(), 1, "fixture edit target {old:?}");
    page.replacen(old, new, 1)
}

#[test]
fn english_page_whose_differences_are_all_explained_passes() {
    let output = doc_check(&["--json", fixture("900_widgets_en.txt").to_str().unwrap()]);
    let report = json(&output);
    assert!(output.status.success(), "{report:#}");
    assert_eq!(report["ok"], true);
    assert_eq!(report["pages"][0]["page"], "900");
    assert_eq!(
        differences(&report),
        set(&[
            ("required-differs", "note", Some("E01")),
            ("example-invalid", "example.2", Some("E02")),
        ])
    );
    assert_eq!(report["stale"], serde_json::json!([]));
}

#[test]
fn readable_report_marks_known_differences_with_their_entry() {
    let output = doc_check(&[fixture("900_widgets_en.txt").to_str().unwrap()]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("createWidgetOrder"), "{text}");
    assert!(
        text.contains("  Table 2 Request body parameters\n    [known E01] required-differs note:"),
        "{text}"
    );
    assert!(
        text.contains("[known E02] example-invalid example.2:") && text.contains("/items/0/size"),
        "{text}"
    );
    assert!(text.contains("ok: 0 unexplained, 2 known"), "{text}");
}

#[test]
fn chinese_page_with_empty_mandatory_column_is_compared_without_required_flags() {
    let output = doc_check(&["--json", fixture("901_widgets_zh.txt").to_str().unwrap()]);
    let report = json(&output);
    assert!(output.status.success(), "{report:#}");
    let page = &report["pages"][0];
    assert_eq!(page["error"], Value::Null);
    assert_eq!(differences(&report), BTreeSet::new());
    let limitations = page["limitations"].to_string();
    assert!(
        limitations.contains("Mandatory column is empty in tables 2, 3, 4"),
        "{limitations}"
    );
}

#[test]
fn chinese_page_field_differences_are_still_found() {
    let page = fixture_text("901_widgets_zh.txt").replacen("kind\n\nString", "kind\n\nInteger", 1);
    let report = json(&check_page_text(&page, &["--json"]));
    assert_eq!(
        differences(&report),
        set(&[("type-differs", "items[].kind", None)])
    );
}

#[test]
fn every_kind_of_difference_is_reported_and_fails() {
    let page = fixture("every_kind.txt");
    let output = doc_check(&["--json", "--page-id", "902", page.to_str().unwrap()]);
    let report = json(&output);
    assert!(!output.status.success());
    assert_eq!(report["ok"], false);
    assert_eq!(report["unexplained"], 10);
    assert_eq!(
        differences(&report),
        set(&[
            ("missing-in-spec", "items[].colour", None),
            ("extra-in-spec", "items[].labels", None),
            ("required-differs", "note", None),
            ("type-differs", "items[].box.width", None),
            ("status-missing", "status.409", None),
            ("status-extra", "status.400", None),
            ("response-field-missing", "response.200.created_at", None),
            ("response-field-extra", "response.200.status", None),
            ("example-missing", "example.1", None),
            ("example-invalid", "example.2", None),
        ])
    );
    let tables: BTreeSet<&str> = report["pages"][0]["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["table"].as_str().unwrap())
        .collect();
    for table in [
        "Table 2 Request body parameters",
        "Table 3 Item",
        "Table 4 Box",
        "Table 5 Response body parameters",
        "Status Codes",
        "Example Requests",
    ] {
        assert!(tables.contains(table), "{table} missing from {tables:?}");
    }
}

#[test]
fn readable_failure_groups_differences_by_table() {
    let page = fixture("every_kind.txt");
    let output = doc_check(&["--page-id", "902", page.to_str().unwrap()]);
    let text = stdout(&output);
    assert!(!output.status.success());
    assert!(
        text.contains("  Table 4 Box\n    [UNEXPLAINED] type-differs items[].box.width: page: String (string); spec: integer"),
        "{text}"
    );
    assert!(text.contains("FAILED: 10 unexplained"), "{text}");
}

#[test]
fn stale_errata_lines_warn_and_fail_only_under_strict() {
    let dir = tempfile::tempdir().unwrap();
    let errata = dir.path().join("ERRATA.md");
    let stale_entry = "\n### E03 — a field the page no longer has\n\n- doc-check: `900 missing-in-spec gone`\n\
                       - doc-check: `901 status-missing status.404`\n";
    std::fs::write(&errata, fixture_text("errata.md") + stale_entry).unwrap();
    let page = fixture("900_widgets_en.txt");
    let page = page.to_str().unwrap();

    let lenient = doc_check_with(&errata, &[page]);
    let text = stdout(&lenient);
    assert!(lenient.status.success(), "{text}");
    assert!(
        text.contains("warning: E03 (ERRATA line ") && text.contains("`900 missing-in-spec gone`"),
        "{text}"
    );
    // Page 901 was not checked, so its line is not judged.
    assert!(!text.contains("901 status-missing"), "{text}");

    let strict = doc_check_with(&errata, &["--strict", "--json", page]);
    let report = json(&strict);
    assert!(!strict.status.success(), "{report:#}");
    assert_eq!(report["stale"][0]["id"], "E03");
    assert_eq!(report["stale"][0]["path"], "gone");
    assert_eq!(report["stale"].as_array().unwrap().len(), 1);
}

#[test]
fn page_id_comes_from_the_file_name_or_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let unprefixed = dir.path().join("widgets.txt");
    std::fs::write(&unprefixed, fixture_text("900_widgets_en.txt")).unwrap();
    let output = doc_check(&[unprefixed.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("no `NNN_` page prefix; pass --page-id"),
        "{stderr}"
    );

    // As page 900 its differences are explained; as another page they are not.
    let as_900 = doc_check(&["--page-id", "900", unprefixed.to_str().unwrap()]);
    assert!(as_900.status.success(), "{}", stdout(&as_900));
    let as_999 = doc_check(&["--page-id", "999", unprefixed.to_str().unwrap()]);
    assert!(!as_999.status.success(), "{}", stdout(&as_999));
}

#[test]
fn malformed_errata_is_an_error_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let errata = dir.path().join("ERRATA.md");
    std::fs::write(
        &errata,
        "### E01 — t\n\n- doc-check: `900 required-differ note`\n",
    )
    .unwrap();
    let output = doc_check_with(&errata, &[fixture("900_widgets_en.txt").to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("ERRATA.md: line 3: unknown kind `required-differ`"),
        "{stderr}"
    );
}

/// Asserts the page cannot be parsed and the report says why.
fn assert_unparseable(page: &str, expected: &str) {
    let output = check_page_text(page, &[]);
    let text = stdout(&output);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("CANNOT PARSE: "), "{text}");
    assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
    assert!(
        !text.contains("UNEXPLAINED"),
        "no differences from an unparsed page:\n{text}"
    );
}

#[test]
fn page_without_uri_cannot_be_parsed() {
    assert_unparseable(
        &english_page_with("POST /v1/{project_id}/widgets/order\n", "see below\n"),
        "no URI found",
    );
}

#[test]
fn page_without_tables_cannot_be_parsed() {
    assert_unparseable(
        "Creating a Widget Order\n\nURI\n\nPOST /v1/{project_id}/widgets/order\n\nNothing else.\n",
        "no tables found",
    );
}

#[test]
fn unrecognised_table_header_cannot_be_parsed() {
    assert_unparseable(
        &english_page_with("Table 3 Item\n\nParameter\n", "Table 3 Item\n\nName\n"),
        "Table 3 Item: header not recognised",
    );
}

#[test]
fn row_whose_type_is_not_a_type_cannot_be_parsed() {
    assert_unparseable(
        &english_page_with("size\n\nYes\n\nInteger\n", "size\n\nYes\n\nWhole number\n"),
        "Table 3 Item: expected a row",
    );
    assert_unparseable(
        &english_page_with("kind\n\nNo\n\nString\n", "kind\n\nNo\n\nText\n"),
        "Table 3 Item: row \"kind\" does not fit",
    );
}

#[test]
fn row_without_a_parameter_name_cannot_be_parsed() {
    assert_unparseable(
        &english_page_with("kind\n\nNo\n\nString\n", "kind of widget\n\nNo\n\nString\n"),
        "Mandatory/Type cells follow \"kind of widget\"",
    );
}

#[test]
fn reference_to_a_table_the_page_lacks_is_reported() {
    assert_unparseable(
        &english_page_with("Table 4 Box\n", "Table 4 Crate\n"),
        "Table 3 Item row box refers to table \"Box\", which the page does not have",
    );
}

#[test]
fn operation_missing_from_the_spec_is_reported() {
    assert_unparseable(
        &english_page_with(
            "POST /v1/{project_id}/widgets/order\n",
            "POST /v1/{project_id}/gadgets/order\n",
        ),
        "the spec has no operation POST /v1/{project_id}/gadgets/order",
    );
}

#[test]
fn example_that_is_not_json_cannot_be_parsed() {
    assert_unparseable(
        &english_page_with("\"mode\" : \"fast\"", "\"mode\" : fast"),
        "example request is not valid JSON",
    );
}
