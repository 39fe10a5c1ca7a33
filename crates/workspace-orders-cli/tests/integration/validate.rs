//! `validate`: every problem of every file, each with file:line:column and its JSON
//! path; the operation guessed where the body tells it; exit status 1 when any file
//! is invalid.

use crate::support;

use support::{run, temp_file};

/// A periodic order with three problems on known lines.
const THREE_PROBLEMS: &str = r#"{
  "type": "addVolumes",
  "resources": [
    {
      "add_volumes": {
        "desktop_id": "8d049b4e-4f1e-4ed5-b3a9-a7f0f15658a7",
        "volumes": [
          { "type": "SAS", "size": 55 },
          { "type": 5, "size": 50, "colour": "red" }
        ]
      }
    }
  ]
}"#;

#[test]
fn every_problem_is_reported_with_its_place_and_path() {
    let dir = tempfile::tempdir().unwrap();
    let bad = temp_file(&dir, "bad.json", THREE_PROBLEMS);
    let run = run(&["validate", &bad], &[]);
    assert_eq!(run.code, 1, "{run:?}");
    let expected = [
        format!(
            "{bad}:8:36: $.resources[0].add_volumes.volumes[0].size: 55 is not a multiple of 10"
        ),
        format!(
            "{bad}:9:21: $.resources[0].add_volumes.volumes[1].type: 5 is not of type \"string\""
        ),
        format!(
            "{bad}:9:36: $.resources[0].add_volumes.volumes[1].colour: unknown member \"colour\": the spec does not list it"
        ),
        format!("{bad}: 3 problems (createPeriodicOrder, guessed from the body)"),
    ];
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines, expected, "{run:?}");
}

#[test]
fn every_file_is_checked_and_the_status_says_whether_all_are_valid() {
    let dir = tempfile::tempdir().unwrap();
    let bad = temp_file(&dir, "bad.json", THREE_PROBLEMS);
    let broken = temp_file(&dir, "broken.json", "{\n  \"type\": \"addVolumes\",\n}");
    let examples = support::examples_dir();
    let good = examples.join("periodic-add-volumes.json");
    let good = good.to_str().unwrap();

    let run = run(&["validate", "--output", "json", &bad, good, &broken], &[]);
    assert_eq!(run.code, 1, "{run:?}");
    let report = run.json();
    assert_eq!(report["valid"], false);
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    assert_eq!(files[0]["problems"].as_array().unwrap().len(), 3);
    assert_eq!(files[1]["valid"], true);
    assert_eq!(files[1]["operation"], "createPeriodicOrder");
    assert_eq!(files[1]["operation_guessed"], true);
    let syntax = &files[2]["problems"][0];
    assert_eq!(
        (syntax["line"].as_u64(), syntax["column"].as_u64()),
        (Some(3), Some(1))
    );
    assert!(
        syntax["message"]
            .as_str()
            .unwrap()
            .starts_with("not JSON: trailing comma"),
        "{syntax}"
    );

    let all_good = run_all_examples();
    assert_eq!(all_good.code, 0, "{all_good:?}");
}

fn run_all_examples() -> support::Run {
    let examples = support::examples_dir();
    let files: Vec<String> = [
        "app-create-apps.json",
        "periodic-add-volumes.json",
        "desktop-hourly-package.json",
    ]
    .iter()
    .map(|name| examples.join(name).to_str().unwrap().to_owned())
    .collect();
    let mut args = vec!["validate"];
    args.extend(files.iter().map(String::as_str));
    run(&args, &[])
}

#[test]
fn the_operation_is_guessed_only_when_the_body_tells_it() {
    let dir = tempfile::tempdir().unwrap();
    let examples = support::examples_dir();
    for (file, operation) in [
        ("app-create-apps.json", "createAppOrder"),
        ("periodic-add-volumes.json", "createPeriodicOrder"),
        ("desktop-hourly-package.json", "createDesktopOrder"),
    ] {
        let path = examples.join(file);
        let run = run(
            &["validate", "--output", "json", path.to_str().unwrap()],
            &[],
        );
        assert_eq!(run.json()["files"][0]["operation"], operation, "{run:?}");
    }

    // Only `resources`: an app order and a periodic order both have it.
    let unclear = temp_file(&dir, "unclear.json", r#"{"resources": []}"#);
    let run = run(&["validate", &unclear], &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains(":1:1: $: cannot tell which operation this body is for"),
        "{run:?}"
    );
    // Given explicitly, the body is checked against that operation.
    let run2 = support::run(&["validate", "--operation", "periodic", &unclear], &[]);
    assert!(
        run2.stdout.contains("$: \"type\" is a required property"),
        "{run2:?}"
    );
}

#[test]
fn a_body_for_another_operation_is_refused_at_its_members() {
    let examples = support::examples_dir();
    let periodic = examples.join("periodic-add-volumes.json");
    let run = run(
        &[
            "validate",
            "--operation",
            "desktop",
            periodic.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains(":1:1: $: \"hour_package_resources\" is a required property"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains(":3:3: $.resources: unknown member \"resources\""),
        "{run:?}"
    );
}

#[test]
fn an_unreadable_file_is_bad_usage() {
    let run = run(&["validate", "no/such/file.json"], &[]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stderr.contains("no/such/file.json"), "{run:?}");
}

/// The JSON Schema sees the last of two equal members; the client's own reading
/// refuses the body, and so does validate.
#[test]
fn a_duplicate_member_is_refused_as_the_client_refuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let duplicate = temp_file(
        &dir,
        "duplicate.json",
        r#"{"type": "addVolumes", "resources": [{"add_volumes": {
  "desktop_id": "8d049b4e-4f1e-4ed5-b3a9-a7f0f15658a7",
  "volumes": [{"type": "SAS", "size": 50, "size": 50}]}}]}"#,
    );
    let run = run(&["validate", "--operation", "periodic", &duplicate], &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains(":3:15: $.resources[0].add_volumes.volumes[0]: duplicate field `size`"),
        "{run:?}"
    );
}
