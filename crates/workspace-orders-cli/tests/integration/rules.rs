//! The spec's rules between fields reach the CLI through the client's sending path:
//! `validate` reports a broken rule, and `place --dry-run` refuses it before
//! connecting, with exit status 1 and the rule, its fields and its place.

use crate::support;

use std::net::TcpListener;

use support::{PROJECT_ID, run, temp_file};

/// Valid against every keyword of the spec, but `desktops` and `size` together.
const DESKTOPS_AND_SIZE: &str = r#"{
  "type": "createDesktops",
  "resources": [{"period_type": 2, "period_num": 1, "create_desktops": {
    "desktop_type": "DEDICATED", "product_id": "workspace.k.xlarge2.uosv20pro",
    "image_type": "private", "image_id": "e1d65e11-861c-459d-a3a8-ab150d79befc",
    "root_volume": {"type": "SAS", "size": 80},
    "desktops": [{"user_name": "alice", "user_group": "sudo"}], "size": 1
  }}]
}"#;

const RULE: &str = "resources[0].create_desktops: breaks rule desktops-size-exclusive of PeriodicCreateDesktopReq (fields desktops, size): desktops and size cannot be used together";

#[test]
fn validate_reports_a_broken_rule_and_accepts_its_neighbour() {
    let dir = tempfile::tempdir().unwrap();
    let broken = temp_file(&dir, "broken.json", DESKTOPS_AND_SIZE);
    let run_broken = run(&["validate", "--operation", "periodic", &broken], &[]);
    assert_eq!(run_broken.code, 1, "{run_broken:?}");
    assert!(run_broken.stdout.contains(RULE), "{run_broken:?}");

    let neighbour = temp_file(
        &dir,
        "neighbour.json",
        &DESKTOPS_AND_SIZE.replace(r#", "size": 1"#, ""),
    );
    let run_neighbour = run(&["validate", "--operation", "periodic", &neighbour], &[]);
    assert_eq!(run_neighbour.code, 0, "{run_neighbour:?}");
}

#[test]
fn a_dry_run_refuses_a_broken_rule_without_connecting() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let broken = temp_file(&dir, "broken.json", DESKTOPS_AND_SIZE);
    let token = temp_file(&dir, "token.txt", "token-value");
    let args = [
        "place",
        "--operation",
        "periodic",
        "--base-url",
        &url,
        "--token-file",
        &token,
        "--project-id",
        PROJECT_ID,
        "--dry-run",
        &broken,
    ];
    let run = run(&args, &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains(RULE) || run.stderr.contains(RULE),
        "{run:?}"
    );
    match listener.accept() {
        Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("the dry run connected: {other:?}"),
    }
}
