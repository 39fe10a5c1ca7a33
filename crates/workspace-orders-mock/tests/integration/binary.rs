//! The `workspace-orders-mock` binary as scripts use it (.ci/steps/generators.sh, the
//! benches, the README): `--port 0`, the `listening on http://127.0.0.1:PORT` line
//! first on stdout, `--token`, `--access-key`/`--secret-key`, `--fault`, Ctrl-C.

use crate::support;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use huaweicloud_workspace_orders::signer;
use support::{PROJECT_ID, post, spec, valid_body};

const BINARY: &str = env!("CARGO_BIN_EXE_workspace-orders-mock");

/// A running mock process, killed when dropped.
struct Process {
    child: Child,
    base_url: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Process {
    let mut child = Command::new(BINARY)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base_url = line
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line {line:?}"))
        .to_owned();
    let port: u16 = base_url
        .strip_prefix("http://127.0.0.1:")
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("not http://127.0.0.1:PORT: {base_url}"));
    assert_ne!(port, 0);
    Process { child, base_url }
}

#[tokio::test]
async fn default_credentials_and_ctrl_c() {
    let spec = spec();
    let operation = support::operation(&spec, "createPeriodicOrder");
    let mut process = start(&["--port", "0"]);
    let body = valid_body(&spec, &operation.id);
    let answer = post(
        &process.base_url,
        &operation.path(PROJECT_ID),
        "mock-token",
        &[],
        &body,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);

    // Ctrl-C (SIGINT) stops it cleanly.
    let status = Command::new("kill")
        .args(["-INT", &process.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = process.child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    let mut stderr = String::new();
    process
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(
        stderr.contains("accepting the test credentials"),
        "{stderr}"
    );
    assert!(stderr.contains("shutting down"), "{stderr}");
}

#[tokio::test]
async fn an_access_key_given_on_the_command_line_replaces_the_test_credentials() {
    let spec = spec();
    let operation = support::operation(&spec, "createDesktopOrder");
    let process = start(&[
        "--port",
        "0",
        "--access-key",
        "AKCOMMANDLINE",
        "--secret-key",
        "sk-command-line",
    ]);
    let url = format!("{}{}", process.base_url, operation.path(PROJECT_ID));
    let body = valid_body(&spec, &operation.id).to_string();
    let signed = |ak: &str, sk: &str| {
        let mut request = support::http()
            .post(&url)
            .header("content-type", "application/json")
            .body(body.clone())
            .build()
            .unwrap();
        signer::sign(
            &mut request,
            ak,
            sk.as_bytes(),
            std::time::SystemTime::now(),
        )
        .unwrap();
        request
    };
    let response = support::http()
        .execute(signed("AKCOMMANDLINE", "sk-command-line"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let response = support::http()
        .execute(signed("MOCKACCESSKEY", "mock-secret-key"))
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let answer = post(
        &process.base_url,
        &operation.path(PROJECT_ID),
        "mock-token",
        &[],
        &valid_body(&spec, &operation.id),
    )
    .await;
    assert_eq!(answer.status, 401, "{}", answer.text);
}

#[tokio::test]
async fn tokens_and_a_fault_from_the_command_line() {
    let spec = spec();
    let operation = support::operation(&spec, "createAppOrder");
    let process = start(&[
        "--port",
        "0",
        "--token",
        "first",
        "--token",
        "second",
        "--fault",
        "status=503",
    ]);
    let path = operation.path(PROJECT_ID);
    let body = valid_body(&spec, &operation.id);
    for token in ["first", "second"] {
        let answer = post(&process.base_url, &path, token, &[], &body).await;
        answer.assert_error(503, &operation);
        let answer = post(
            &process.base_url,
            &path,
            token,
            &[("x-mock-fault", "")],
            &body,
        )
        .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
    }
    let answer = post(
        &process.base_url,
        &path,
        "mock-token",
        &[("x-mock-fault", "")],
        &body,
    )
    .await;
    assert_eq!(answer.status, 401, "{}", answer.text);
}

#[test]
fn bad_arguments_are_named_and_nothing_listens() {
    for (args, expected) in [
        (&["--fault", "explode"][..], "explode"),
        (&["--access-key", "AK"][..], "--secret-key"),
        (&["--port", "70000"][..], "70000"),
    ] {
        let output = Command::new(BINARY)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?}");
        assert!(
            output.stdout.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn a_port_in_use_is_reported() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(BINARY)
        .args(["--port", &port])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{stderr}"
    );
}

/// Issue 15: a fault given on the command line is announced before serving, so
/// someone who forgot it does not take its answers for the mock's.
#[test]
fn an_active_fault_is_announced_at_start_up() {
    for (args, announced) in [
        (
            &["--fault", "status=500"][..],
            Some("fault active: status=500 for every request without an X-Mock-Fault header"),
        ),
        (
            &["--fault", "delay=250ms;drop-connection"][..],
            Some("fault active: delay=250ms; drop-connection for every request"),
        ),
        (&["--fault", ""][..], None),
        (&[][..], None),
    ] {
        let mut process = start(&[&["--port", "0"][..], args].concat());
        // The announcement comes before the listening line; stop it to read stderr whole.
        let _ = process.child.kill();
        let _ = process.child.wait();
        let mut stderr = String::new();
        process
            .child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        match announced {
            Some(line) => assert!(stderr.contains(line), "{args:?}: {stderr}"),
            None => assert!(!stderr.contains("fault"), "{args:?}: {stderr}"),
        }
    }
}

#[test]
fn bad_request_timeouts_are_named_and_nothing_listens() {
    for (value, expected) in [
        ("30", "\"30\" needs a unit: 500ms or 30s"),
        ("0s", "\"0s\" is not a positive whole number of ms or s"),
        ("1.5s", "\"1.5s\" is not a positive whole number of ms or s"),
        ("+1ms", "\"+1ms\" is not a positive whole number of ms or s"),
    ] {
        let mut child = Command::new(BINARY)
            .args(["--port", "0", &format!("--request-timeout={value}")])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A value taken for valid would start a server: give up after 10 s instead of waiting.
        let mut exited = false;
        for _ in 0..100 {
            if child.try_wait().unwrap().is_some() {
                exited = true;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        if !exited {
            let _ = child.kill();
        }
        let output = child.wait_with_output().unwrap();
        assert!(exited, "{value} was accepted");
        assert!(!output.status.success(), "{value}");
        assert!(output.stdout.is_empty(), "{value}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{value}: {stderr}");
    }
}
