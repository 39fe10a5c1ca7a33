//! `place` against the mock: each exit status (placed, not placed, may have been
//! placed, bad usage), the order id and X-Request-Id, `--dry-run` sending nothing and
//! printing no secret, and JSON output.

use crate::support;

use std::net::TcpListener;

use support::{PROJECT_ID, examples_dir, run, temp_file};
use workspace_orders_mock::{DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, MockConfig, MockServer};

fn example(name: &str) -> String {
    examples_dir().join(name).to_str().unwrap().to_owned()
}

fn token_file() -> String {
    example("token.txt")
}

/// `place` on `base_url` with the mock's token.
fn place(base_url: &str, operation: &str, file: &str, extra: &[&str]) -> support::Run {
    let token = token_file();
    let mut args = vec![
        "place",
        "--operation",
        operation,
        "--base-url",
        base_url,
        "--token-file",
        &token,
        "--project-id",
        PROJECT_ID,
        file,
    ];
    args.extend_from_slice(extra);
    run(&args, &[])
}

// The binary runs in a child process while the mock serves on this runtime's other
// worker thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_operations_example_is_placed_with_its_order_id_and_request_id() {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let cases = [
        ("app", "app-create-apps.json", "createAppOrder"),
        (
            "periodic",
            "periodic-add-volumes.json",
            "createPeriodicOrder",
        ),
        (
            "desktop",
            "desktop-hourly-package.json",
            "createDesktopOrder",
        ),
    ];
    for (operation, file, _) in cases {
        let run = place(&mock.base_url(), operation, &example(file), &[]);
        assert_eq!(run.code, 0, "{file}: {run:?}");
        let accepted = mock.accepted_orders();
        let order_id = &accepted.last().unwrap().order_id;
        assert!(
            run.stdout
                .starts_with(&format!("order placed: {order_id} (X-Request-Id ")),
            "{run:?}"
        );
    }
    let accepted = mock.accepted_orders();
    let operations: Vec<&str> = accepted.iter().map(|o| o.operation_id.as_str()).collect();
    assert_eq!(operations, cases.map(|(_, _, id)| id));
    for (order, (_, file, _)) in accepted.iter().zip(cases) {
        let sent: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(example(file)).unwrap()).unwrap();
        assert_eq!(order.body, sent, "{file} arrived changed");
        assert_eq!(order.project_id, PROJECT_ID);
    }
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_placed_order_in_json_names_the_order_and_the_request() {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let run = place(
        &mock.base_url(),
        "periodic",
        &example("periodic-add-volumes.json"),
        &["--output", "json"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let report = run.json();
    assert_eq!(report["outcome"], "placed");
    assert_eq!(
        report["order_id"],
        mock.accepted_orders()[0].order_id.as_str()
    );
    assert!(
        report["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{report}"
    );
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_body_is_not_placed_and_says_so() {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let body = std::fs::read_to_string(example("periodic-add-volumes.json")).unwrap();
    let refused = temp_file(
        &dir,
        "refused.json",
        &body.replace("\"size\": 50", "\"size\": 55"),
    );
    let run = place(&mock.base_url(), "periodic", &refused, &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("$.resources[0].add_volumes.volumes[0].size: 55 is not a multiple of 10"),
        "{run:?}"
    );
    assert!(run.stderr.contains("no order was placed"), "{run:?}");
    assert!(mock.accepted_orders().is_empty());

    let json = place(
        &mock.base_url(),
        "periodic",
        &refused,
        &["--output", "json"],
    );
    assert_eq!(json.code, 1);
    assert_eq!(json.json()["outcome"], "not_placed");
    assert_eq!(
        json.json()["problems"][0]["path"],
        "$.resources[0].add_volumes.volumes[0].size"
    );
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_credentials_are_not_placed() {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let wrong = temp_file(&dir, "token.txt", "not-the-mock-token\n");
    let run = run(
        &[
            "place",
            "--operation",
            "periodic",
            "--base-url",
            &mock.base_url(),
            "--token-file",
            &wrong,
            "--project-id",
            PROJECT_ID,
            &example("periodic-add-volumes.json"),
            "--output",
            "json",
        ],
        &[],
    );
    assert_eq!(run.code, 1, "{run:?}");
    let report = run.json();
    assert_eq!(report["outcome"], "not_placed");
    assert_eq!(report["status"], 401);
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_error_may_have_placed_the_order() {
    let config = MockConfig {
        fault: "status=500".parse().unwrap(),
        ..MockConfig::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let run = place(
        &mock.base_url(),
        "desktop",
        &example("desktop-hourly-package.json"),
        &[],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("the order may have been placed"),
        "{run:?}"
    );
    assert!(run.stderr.contains("X-Request-Id"), "{run:?}");

    let json = place(
        &mock.base_url(),
        "desktop",
        &example("desktop-hourly-package.json"),
        &["--output", "json"],
    );
    assert_eq!(json.code, 2);
    assert_eq!(json.json()["outcome"], "may_have_been_placed");
    assert_eq!(json.json()["status"], 500);
    mock.shutdown().await;
}

#[test]
fn no_connection_is_not_placed() {
    // A port that was free a moment ago: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let run = place(
        &format!("http://127.0.0.1:{port}"),
        "periodic",
        &example("periodic-add-volumes.json"),
        &[],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("could not connect; nothing was sent"),
        "{run:?}"
    );
    assert!(run.stderr.contains("no order was placed"), "{run:?}");
}

#[test]
fn bad_usage_sends_nothing_and_exits_3() {
    let periodic = example("periodic-add-volumes.json");
    let token = token_file();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        // Neither --region nor --base-url (clap's own usage error).
        (
            vec!["place", "--operation", "periodic", &periodic],
            "--region",
        ),
        // An operation that does not exist.
        (vec!["place", "--operation", "hourly", &periodic], "hourly"),
        // No credentials at all.
        (
            vec![
                "place",
                "--operation",
                "periodic",
                "--region",
                "cn-north-4",
                &periodic,
            ],
            "HUAWEICLOUD_SDK_AK",
        ),
        // No project id.
        (
            vec![
                "place",
                "--operation",
                "periodic",
                "--region",
                "cn-north-4",
                "--token-file",
                &token,
                &periodic,
            ],
            "no project id",
        ),
        // A region outside the catalogue.
        (
            vec![
                "place",
                "--operation",
                "periodic",
                "--region",
                "mars-1",
                "--token-file",
                &token,
                "--project-id",
                PROJECT_ID,
                &periodic,
            ],
            "unknown Workspace region",
        ),
        // The body file is missing.
        (
            vec![
                "place",
                "--operation",
                "periodic",
                "--region",
                "cn-north-4",
                "--token-file",
                &token,
                "--project-id",
                PROJECT_ID,
                "missing.json",
            ],
            "missing.json",
        ),
    ];
    for (args, needle) in cases {
        let run = run(&args, &[]);
        assert_eq!(run.code, 3, "{args:?}: {run:?}");
        assert!(run.stderr.contains(needle), "{args:?}: {run:?}");
    }
}

/// A listener nobody should connect to: `--dry-run` is pointed at it.
fn silent_listener() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    (listener, url)
}

fn assert_nothing_connected(listener: &TcpListener) {
    match listener.accept() {
        Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("the dry run connected: {other:?}"),
    }
}

#[test]
fn a_dry_run_with_ak_sk_prints_the_signed_request_without_secrets_and_sends_nothing() {
    let (listener, url) = silent_listener();
    const SECURITY_TOKEN: &str = "security-token-do-not-print";
    let env = [
        ("HUAWEICLOUD_SDK_AK", DEFAULT_ACCESS_KEY),
        ("HUAWEICLOUD_SDK_SK", DEFAULT_SECRET_KEY),
        ("HUAWEICLOUD_SDK_SECURITY_TOKEN", SECURITY_TOKEN),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT_ID),
    ];
    let periodic = example("periodic-add-volumes.json");
    let args = [
        "place",
        "--operation",
        "periodic",
        "--base-url",
        &url,
        "--dry-run",
        &periodic,
    ];
    let run = run(&args, &env);
    assert_eq!(run.code, 0, "{run:?}");
    assert_nothing_connected(&listener);

    let text = &run.stdout;
    let path = format!("/v2/{PROJECT_ID}/periodic/subscribe/order");
    assert!(
        text.starts_with(&format!("POST {path} HTTP/1.1\n")),
        "{text}"
    );
    let header = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no {name} header in\n{text}"))
    };
    assert_eq!(header("host"), url.trim_start_matches("http://"));
    assert_eq!(header("x-project-id"), PROJECT_ID);
    assert_eq!(header("x-security-token"), "<redacted>");
    let authorization = header("authorization");
    assert!(
        authorization.starts_with(&format!(
            "SDK-HMAC-SHA256 Access={DEFAULT_ACCESS_KEY}, SignedHeaders="
        )),
        "{authorization}"
    );
    assert!(
        authorization.ends_with(", Signature=<redacted>"),
        "{authorization}"
    );
    // println! ends the output with one newline after the body.
    let body = text
        .split("\n\n")
        .nth(1)
        .unwrap()
        .strip_suffix('\n')
        .unwrap();
    assert_eq!(header("content-length"), body.len().to_string());
    let sent: serde_json::Value = serde_json::from_str(body).unwrap();
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&periodic).unwrap()).unwrap();
    assert_eq!(sent, file);

    for output in [&run.stdout, &run.stderr] {
        assert!(!output.contains(DEFAULT_SECRET_KEY), "the SK was printed");
        assert!(
            !output.contains(SECURITY_TOKEN),
            "the security token was printed"
        );
        // A signature is 64 hex digits; none may appear.
        let hex_run = output
            .split(|c: char| !c.is_ascii_hexdigit())
            .any(|word| word.len() >= 64);
        assert!(
            !hex_run,
            "something like a signature was printed:\n{output}"
        );
    }
}

#[test]
fn a_dry_run_with_a_token_redacts_it_and_prints_json() {
    let (listener, url) = silent_listener();
    let dir = tempfile::tempdir().unwrap();
    const TOKEN: &str = "MIIiam-token-do-not-print";
    let token = temp_file(&dir, "token.txt", TOKEN);
    let app = example("app-create-apps.json");
    let args = [
        "place",
        "--operation",
        "app",
        "--base-url",
        &url,
        "--token-file",
        &token,
        "--project-id",
        PROJECT_ID,
        "--dry-run",
        "--output",
        "json",
        &app,
    ];
    let run = run(&args, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_nothing_connected(&listener);
    assert!(
        !run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN),
        "{run:?}"
    );
    let report = run.json();
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["sent"], false);
    assert_eq!(
        report["url"],
        format!("{url}/v1/{PROJECT_ID}/bundles/subscribe/order")
    );
    let headers = report["headers"].as_array().unwrap();
    let token_header = headers
        .iter()
        .find(|h| h["name"] == "x-auth-token")
        .unwrap();
    assert_eq!(token_header["value"], "<redacted>");
}
