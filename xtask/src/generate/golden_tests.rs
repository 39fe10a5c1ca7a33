//! Golden output of the whole pipeline on a small fixture spec
//! (`fixtures/golden.yaml`): a bounded integer, an optional bounded integer with
//! a step, a bounded array, a patterned string whose property name typify
//! re-cases (`vpcID`), a `oneOf`, an `x-extensible-enum` list and one `x-rules`
//! entry. A change to any of the generator's decisions (which schemas get a
//! constrained type, which newtype gets a schema impl, what typify names
//! things) shows up here as a snapshot diff to review.

use std::path::{Path, PathBuf};

use super::{Layout, render};

fn fixture_layout() -> Layout {
    Layout {
        root: Path::new(env!("CARGO_MANIFEST_DIR")).join("src/generate/fixtures"),
        spec: PathBuf::from("golden.yaml"),
        generated_rs: PathBuf::from("generated.rs"),
        spec_json: PathBuf::from("golden.json"),
    }
}

#[test]
fn the_fixture_renders_as_snapshotted() {
    let outputs = render(&fixture_layout()).unwrap_or_else(|e| panic!("{e:#}"));
    let rust: Vec<_> = outputs
        .iter()
        .filter(|output| output.path.extension().is_some_and(|e| e == "rs"))
        .collect();
    assert_eq!(
        rust.len(),
        4,
        "generated.rs and the three per-operation files"
    );
    for output in rust {
        // `crates/workspace-orders-cli/src/operations.rs` → `workspace-orders-cli_operations`
        let name = output
            .path
            .iter()
            .map(|part| part.to_string_lossy())
            .filter(|part| part != "crates" && part != "src")
            .collect::<Vec<_>>()
            .join("_")
            .trim_end_matches(".rs")
            .to_string();
        insta::assert_snapshot!(name, output.contents);
    }
}

/// The decisions the snapshot holds, stated outright so that a reviewer who
/// accepts a snapshot diff without reading it still gets a failure here.
#[test]
fn the_fixture_gets_its_constrained_types() {
    let outputs = render(&fixture_layout()).unwrap_or_else(|e| panic!("{e:#}"));
    let generated = &outputs
        .iter()
        .find(|output| output.path == Path::new("generated.rs"))
        .expect("generated.rs is rendered")
        .contents;
    for expected in [
        "pub period_num: crate::constrained::BoundedInteger<1, 9, 1>,",
        "pub names: crate::constrained::BoundedVec<::std::string::String, 1, 3>,",
        "pub vpc_id: ::std::option::Option<ThingOrderVpcId>,",
        "impl schemars::JsonSchema for ThingOrderVpcId {",
        "pub enum ThingOrderTarget {",
        "pub const GPSSD: Self",
        "pub const THING_ORDER: &[Rule]",
    ] {
        assert!(
            generated.contains(expected),
            "no `{expected}` in:\n{generated}"
        );
    }
    // The optional bounded integer, whatever line breaks the formatter chose.
    let squashed: String = generated.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(squashed.contains(
        "pubdisk_size:::std::option::Option<crate::constrained::BoundedInteger<10,100,10>,>"
    ));
}
