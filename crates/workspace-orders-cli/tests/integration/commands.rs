//! `example`, `regions`, `completions` and `--output json` on every command.

use crate::support;

use serde_json::Value;
use support::{examples_dir, run};

#[test]
fn examples_are_listed_and_printed_valid_with_the_errata_corrections_marked() {
    let list = run(&["example", "--list"], &[]);
    assert_eq!(list.code, 0, "{list:?}");
    let lines: Vec<&str> = list.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{list:?}");
    assert!(
        lines[0].starts_with("app       createApps")
            && lines[0].ends_with("[corrected as openapi/ERRATA.md E01 says]")
    );
    assert!(
        lines[3].starts_with("desktop   hourPackageDesktop") && lines[3].ends_with("E02 says]")
    );
    assert!(!lines[1].contains("corrected"));

    let printed = run(
        &["example", "--operation", "desktop", "hourPackageDesktop"],
        &[],
    );
    assert_eq!(printed.code, 0, "{printed:?}");
    assert!(printed.stderr.contains("ERRATA.md E02"), "{printed:?}");
    let body: Value = serde_json::from_str(&printed.stdout).unwrap();
    let desktops = &body["hour_package_resources"][0]["create_desktops"];
    // E02 no longer corrects the image type: `market` is valid (an open list).
    assert_eq!(desktops["image_type"], "market");
    assert!(desktops.get("tenantId").is_none());

    let json = run(&["example", "--operation", "app", "--output", "json"], &[]).json();
    assert_eq!(json[0]["corrected"]["errata"], "E01");
    assert_eq!(
        json[0]["body"]["resources"][0]["create_services"]["update_access_agent"],
        true
    );

    let missing = run(&["example", "noSuchExample"], &[]);
    assert_eq!(missing.code, 3, "{missing:?}");
}

/// The shipped bodies are the spec's examples (corrected where ERRATA says), not
/// copies drifting away from it.
#[test]
fn the_shipped_example_bodies_are_the_specs() {
    for (file, name) in [
        ("app-create-apps.json", "createApps"),
        ("periodic-add-volumes.json", "addVolumes"),
        ("desktop-hourly-package.json", "hourPackageDesktop"),
    ] {
        let printed = run(&["example", name], &[]);
        let expected: Value = serde_json::from_str(&printed.stdout).unwrap();
        let shipped: Value =
            serde_json::from_str(&std::fs::read_to_string(examples_dir().join(file)).unwrap())
                .unwrap();
        assert_eq!(shipped, expected, "{file} differs from the spec's {name}");
    }
}

#[test]
fn regions_show_each_operations_host() {
    let text = run(&["regions"], &[]);
    assert_eq!(text.code, 0);
    assert!(
        text.stdout.contains(
            "cn-north-4\n  createAppOrder       https://appstream.cn-north-4.myhuaweicloud.com\n"
        ),
        "{text:?}"
    );

    let json = run(&["regions", "--output", "json"], &[]).json();
    let regions = json["regions"].as_array().unwrap();
    let by_name = |name: &str| {
        regions
            .iter()
            .find(|r| r["region"] == name)
            .unwrap()
            .clone()
    };
    // No WorkspaceApp endpoint in ap-southeast-3: app orders go to Workspace there.
    assert_eq!(
        by_name("ap-southeast-3")["endpoints"]["createAppOrder"],
        "https://workspace.ap-southeast-3.myhuaweicloud.com"
    );
    assert_eq!(
        by_name("cn-east-3")["endpoints"]["createDesktopOrder"],
        "https://workspace.cn-east-3.myhuaweicloud.com"
    );
}

#[test]
fn completions_are_generated_for_the_binary() {
    let bash = run(&["completions", "bash"], &[]);
    assert_eq!(bash.code, 0);
    assert!(
        bash.stdout.contains(
            "complete -F _workspace__orders -o nosort -o bashdefault -o default workspace-orders"
        ),
        "{}",
        bash.stdout
    );
    assert!(bash.stdout.contains("--dry-run"));
    let fish = run(&["completions", "fish"], &[]);
    assert!(fish.stdout.contains("complete -c workspace-orders"));
}

#[test]
fn usage_errors_exit_3_and_help_exits_0() {
    let unknown = run(&["frobnicate"], &[]);
    assert_eq!(unknown.code, 3, "{unknown:?}");
    let help = run(&["place", "--help"], &[]);
    assert_eq!(help.code, 0);
    assert!(
        help.stdout.contains("2  the order may have been placed"),
        "{help:?}"
    );
}

#[test]
fn json_output_parses_on_every_command() {
    let good = examples_dir().join("periodic-add-volumes.json");
    let good = good.to_str().unwrap();
    for args in [
        vec!["validate", good],
        vec!["example", "--list"],
        vec!["example", "addVolumes"],
        vec!["regions"],
        // A usage error of place (no credentials) is JSON too.
        vec![
            "place",
            "--operation",
            "periodic",
            "--region",
            "cn-north-4",
            good,
        ],
    ] {
        let mut args = args.clone();
        args.extend(["--output", "json"]);
        let result = run(&args, &[]);
        let _: Value = result.json();
    }
}

/// Piped output (not a terminal) has no colour codes and no progress lines, even
/// without `NO_COLOR`.
#[test]
fn piped_output_has_no_colour_or_progress() {
    let bad =
        support::repository().join("crates/workspace-orders-cli/tests/integration/commands.rs");
    let good = examples_dir().join("periodic-add-volumes.json");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_workspace-orders"))
        .args(["validate", good.to_str().unwrap(), bad.to_str().unwrap()])
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stdout.contains(": valid (createPeriodicOrder"), "{stdout}");
    assert!(stdout.contains(": 1 problem"), "{stdout}");
    assert!(
        !stdout.contains('\x1b') && !stderr.contains('\x1b'),
        "{stdout}{stderr}"
    );
}
