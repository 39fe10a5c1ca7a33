//! doc-check knows the spec's rules between fields (`x-rules`): a sentence a rule
//! quotes that leaves the page, and a rule-like sentence no rule quotes, are
//! differences. Runs on the doc-check fixtures, with a rule added to the spec.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/doc_check")
        .join(name)
}

/// The fixture spec with a rule on `WidgetOrder` quoting page 900's "Free text for
/// the packer." (the rule's own meaning does not matter to doc-check).
fn spec_with_rule(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(fixture("spec.yaml")).unwrap();
    let rule = "      x-rules:\n        - id: note-with-mode\n          kind: together\n          \
                members: [note, mode]\n          message: note and mode go together\n          \
                source:\n            - page: \"900\"\n              table: Table 2 Request body parameters\n              \
                field: note\n              text: Free text for the packer.\n";
    let anchor = "    WidgetOrder:\n      type: object\n";
    assert!(text.contains(anchor));
    let path = dir.join("spec.yaml");
    std::fs::write(&path, text.replace(anchor, &format!("{anchor}{rule}"))).unwrap();
    path
}

/// (kind, path) of every rule difference doc-check reports for `page_text`.
fn rule_differences(page_text: &str) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let spec = spec_with_rule(dir.path());
    let page = dir.path().join("900_page.txt");
    std::fs::write(&page, page_text).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["doc-check", "--json", "--spec"])
        .arg(&spec)
        .arg("--errata")
        .arg(fixture("errata.md"))
        .arg(&page)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    report["pages"][0]["differences"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"].as_str().unwrap().starts_with("rule-"))
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_owned(),
                d["path"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_quoted_sentence_that_leaves_the_page_is_a_difference() {
    let page = std::fs::read_to_string(fixture("900_widgets_en.txt")).unwrap();
    assert_eq!(rule_differences(&page), []);
    let changed = page.replace("Free text for the packer.", "Free text for the courier.");
    assert_eq!(
        rule_differences(&changed),
        [(
            "rule-source-missing".to_owned(),
            "x-rules.WidgetOrder.note-with-mode".to_owned()
        )]
    );
}

#[test]
fn a_rule_sentence_no_rule_quotes_is_a_difference() {
    let page = std::fs::read_to_string(fixture("900_widgets_en.txt")).unwrap();
    let added = page.replace(
        "Widget kind.",
        "Widget kind. This parameter is mandatory when labels is empty.",
    );
    assert_eq!(
        rule_differences(&added),
        [("rule-unstated".to_owned(), "table-3.kind".to_owned())]
    );
}
