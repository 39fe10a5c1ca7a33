//! Depending on the client must not compile the generator: the generated code
//! is checked in, so progenitor, typify, openapiv3 and prettyplease stay out
//! of the crate's normal dependency tree. Nor do the packages the crate's default
//! build dropped to build faster (issue 17): aws-lc-rs (the `ring` provider instead),
//! the JSON Schema derives (behind the `schemars` feature), regress (pattern
//! checks emitted by the generator), time and hex (written by hand),
//! hmac and sha2 (ring, which rustls links anyway, signs), thiserror (error
//! impls written out).

use std::process::Command;

const GENERATOR_CRATES: [&str; 7] = [
    "progenitor",
    "progenitor-impl",
    "progenitor-macro",
    "typify",
    "typify-impl",
    "openapiv3",
    "prettyplease",
];

/// Out of a default build: a default feature of a dependency, or a non-optional
/// dependency, would bring each back.
const DROPPED_CRATES: [&str; 10] = [
    "aws-lc-rs",
    "aws-lc-sys",
    "schemars",
    "schemars_derive",
    "regress",
    "time",
    "hex",
    "hmac",
    "sha2",
    "thiserror",
];

#[test]
fn the_generator_is_not_a_dependency_of_the_client() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "tree",
            "--offline",
            "--locked",
            "--package",
            "huaweicloud-workspace-orders",
            "--edges",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let names: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert!(
        names.contains(&"progenitor-client"),
        "unexpected cargo tree output:\n{stdout}"
    );
    let leaked: Vec<&&str> = names
        .iter()
        .filter(|name| GENERATOR_CRATES.contains(name) || DROPPED_CRATES.contains(name))
        .collect();
    assert!(
        leaked.is_empty(),
        "generator or dropped crates in the client's dependency tree: {leaked:?}\n{stdout}"
    );
}
