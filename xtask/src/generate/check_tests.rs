//! `generate --check` on outputs that differ from the rendering only in line
//! endings (fresh) and in content (stale), and `generate` leaving the former
//! alone.

use std::path::{Path, PathBuf};

use super::{Layout, run};

/// A scratch root holding the golden fixture as its spec, every output written.
fn written_root() -> (tempfile::TempDir, Layout) {
    let dir = tempfile::tempdir().expect("temp dir");
    let layout = Layout {
        root: dir.path().to_path_buf(),
        spec: PathBuf::from("golden.yaml"),
        generated_rs: PathBuf::from("generated.rs"),
        spec_json: PathBuf::from("golden.json"),
    };
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/generate/fixtures/golden.yaml");
    std::fs::copy(fixture, dir.path().join("golden.yaml")).expect("copy the fixture");
    for per_operation in [
        crate::operations::OPERATION_TABLE,
        crate::operations::CLIENT_METHODS,
        crate::operations::CLI_OPERATIONS,
    ] {
        let parent = Path::new(per_operation)
            .parent()
            .expect("a file in a folder");
        std::fs::create_dir_all(dir.path().join(parent)).expect("output folder");
    }
    run(&layout, false).unwrap_or_else(|e| panic!("{e:#}"));
    run(&layout, true).unwrap_or_else(|e| panic!("fresh outputs are stale: {e:#}"));
    (dir, layout)
}

#[test]
fn crlf_copies_of_the_outputs_are_up_to_date_and_left_alone() {
    let (dir, layout) = written_root();
    let generated = dir.path().join("generated.rs");
    let lf = std::fs::read_to_string(&generated).expect("generated.rs");
    assert!(!lf.contains('\r'));
    let crlf = lf.replace('\n', "\r\n");
    std::fs::write(&generated, &crlf).expect("write the CRLF copy");

    run(&layout, true).unwrap_or_else(|e| panic!("a CRLF checkout counted as stale: {e:#}"));
    run(&layout, false).unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(
        std::fs::read_to_string(&generated).expect("generated.rs"),
        crlf,
        "generate rewrote a file whose only difference was its line endings"
    );
}

#[test]
fn a_content_change_is_stale_whatever_the_line_endings() {
    let (dir, layout) = written_root();
    let generated = dir.path().join("generated.rs");
    let lf = std::fs::read_to_string(&generated).expect("generated.rs");
    let edited = lf
        .replacen("BoundedInteger<1, 9, 1>", "BoundedInteger<1, 8, 1>", 1)
        .replace('\n', "\r\n");
    assert_ne!(
        edited,
        lf.replace('\n', "\r\n"),
        "the fixture renders this bound"
    );
    std::fs::write(&generated, &edited).expect("write the edited copy");

    let error = run(&layout, true).expect_err("an edited output must be stale");
    let message = format!("{error:#}");
    assert!(
        message.starts_with("generated files are stale"),
        "{message}"
    );
    assert!(message.contains("generated.rs (checked in)"), "{message}");
    assert!(
        message.contains("-        pub period_num: crate::constrained::BoundedInteger<1, 8, 1>,"),
        "{message}"
    );
    assert_eq!(
        std::fs::read_to_string(&generated).expect("generated.rs"),
        edited
    );
}
