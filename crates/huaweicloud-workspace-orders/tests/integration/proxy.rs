//! Environment proxies never see credentials: with `HTTP_PROXY`, `ALL_PROXY` and
//! `HTTPS_PROXY` (and their lower-case forms) pointing at a recording proxy,
//! - plain http to loopback goes straight to the server;
//! - https to a loopback address does not go through the proxy either;
//! - https elsewhere goes through the proxy only as `CONNECT host:443`: the proxy
//!   sees the host name, never the request, its headers or its body.
//!
//! The variables are process-wide and the other tests of this binary build clients in
//! parallel threads, so the test runs in a child process of the binary that runs it
//! alone and sets them before anything else runs.

use crate::support;

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use huaweicloud_workspace_orders::error::Outcome;
use huaweicloud_workspace_orders::{Credentials, OrdersClient, types};
use support::{Answer, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const AK: &str = "AKEXAMPLE0123";
const SK: &str = "sk-Secret-VALUE";
const SECURITY_TOKEN: &str = "security-token-VALUE";
const PROXY_PASSWORD: &str = "proxy-Password-VALUE";

/// What a proxy (or a plain listener) received, one entry per connection.
type Record = Arc<Mutex<Vec<Vec<u8>>>>;

/// A proxy that records what each connection sends up to the end of the first head,
/// then refuses with 403 and closes. It forwards nothing.
async fn recording_proxy() -> (String, Record) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let record: Record = Arc::default();
    let log = record.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buffer = [0u8; 8192];
                while seen.len() < 64 * 1024 && !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tokio::time::timeout(Duration::from_secs(2), socket.read(&mut buffer))
                        .await
                    {
                        Ok(Ok(n)) if n > 0 => seen.extend_from_slice(&buffer[..n]),
                        _ => break,
                    }
                }
                log.lock().unwrap().push(seen);
                let _ = socket
                    .write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n")
                    .await;
            });
        }
    });
    (url, record)
}

fn credentials() -> Credentials {
    Credentials::temporary_access_key(AK, SK, SECURITY_TOKEN)
        .unwrap()
        .with_project_id(PROJECT)
        .unwrap()
}

fn order() -> types::PeriodicOrderRequest {
    serde_json::from_value(support::valid_body("createPeriodicOrder")).unwrap()
}

/// Set on the child process the test runs in.
const IN_CHILD: &str = "WORKSPACE_ORDERS_PROXY_TEST_CHILD";

/// Runs `test` (a test of this module) alone in a child process of this binary, with
/// `IN_CHILD` set, and requires that it ran and passed.
fn run_alone_in_child(test: &str) {
    let module = module_path!().split_once("::").map_or("", |(_, path)| path);
    let name = format!("{module}::{test}");
    let output = Command::new(std::env::current_exe().unwrap())
        .args([&name, "--exact", "--test-threads=1"])
        .env(IN_CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{name} failed in its child process:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("test result: ok. 1 passed;"),
        "the child process did not run {name}:\n{stdout}\n{stderr}"
    );
}

#[test]
#[allow(unsafe_code)] // std::env::set_var/remove_var (see SAFETY below)
fn environment_proxies_never_see_credentials() {
    if std::env::var_os(IN_CHILD).is_none() {
        return run_alone_in_child("environment_proxies_never_see_credentials");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (proxy_url, proxied) = runtime.block_on(recording_proxy());
    // The proxy's own credentials, which no Debug may show either.
    let proxy_url =
        proxy_url.replacen("http://", &format!("http://proxyuser:{PROXY_PASSWORD}@"), 1);
    for variable in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        // SAFETY: this process runs only this test (`IN_CHILD`, `--exact`, one
        // thread), which sets the variables before any client is built; no other
        // thread reads the environment concurrently.
        unsafe { std::env::set_var(variable, &proxy_url) };
    }
    for variable in ["NO_PROXY", "no_proxy"] {
        // SAFETY: as above.
        unsafe { std::env::remove_var(variable) };
    }
    runtime.block_on(async {
        // Plain http to loopback, by address and by name: straight to the server.
        let server = Server::start(Answer::order_placed()).await;
        let port = server.base_url.rsplit(':').next().unwrap().to_owned();
        for base_url in [server.base_url.clone(), format!("http://localhost:{port}")] {
            let client = OrdersClient::builder(credentials())
                .base_url(&base_url)
                .build()
                .unwrap();
            let placed = client.create_periodic_order(order()).await.unwrap();
            assert_eq!(placed.order_id.as_deref(), Some("CS2108102036B2CAI"));
        }
        assert_eq!(server.requests().len(), 2);
        assert!(
            proxied.lock().unwrap().is_empty(),
            "loopback http went through the proxy: {:?}",
            proxied
                .lock()
                .unwrap()
                .iter()
                .map(|seen| String::from_utf8_lossy(seen).into_owned())
                .collect::<Vec<_>>()
        );

        // https to a loopback address: not through the proxy (the listener gets the
        // TLS handshake, which fails; nothing was sent).
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let tls_url = format!("https://{}", listener.local_addr().unwrap());
        let direct: Record = Arc::default();
        let log = direct.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buffer = vec![0u8; 4096];
                let n = socket.read(&mut buffer).await.unwrap_or(0);
                log.lock().unwrap().push(buffer[..n].to_vec());
            }
        });
        let client = OrdersClient::builder(credentials())
            .base_url(&tls_url)
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        let error = client.create_periodic_order(order()).await.unwrap_err();
        assert_eq!(error.outcome(), Outcome::NotSent, "{error}");
        assert_eq!(direct.lock().unwrap().len(), 1, "{error}");
        // A TLS record (handshake, 0x16), not a request in clear.
        assert_eq!(direct.lock().unwrap()[0].first(), Some(&0x16));
        assert!(proxied.lock().unwrap().is_empty());

        // https elsewhere: the proxy sees CONNECT and nothing else.
        let client = OrdersClient::builder(credentials())
            .region("cn-north-4")
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        let shown = format!(
            "{client:?} {:?}",
            client.generated_client(huaweicloud_workspace_orders::endpoint::Service::Workspace)
        );
        assert!(shown.contains("Client"), "{shown}");
        assert!(!shown.contains(PROXY_PASSWORD), "{shown}");
        let error = client.create_periodic_order(order()).await.unwrap_err();
        assert!(
            !format!("{error} {error:?}").contains(PROXY_PASSWORD),
            "{error:?}"
        );
        // The proxy refused the tunnel: no connection to the service, nothing sent.
        assert_eq!(error.outcome(), Outcome::NotSent, "{error}");
        let seen: Vec<String> = proxied
            .lock()
            .unwrap()
            .iter()
            .map(|seen| String::from_utf8_lossy(seen).into_owned())
            .collect();
        assert_eq!(seen.len(), 1, "{seen:?}");
        let head = &seen[0];
        assert!(
            head.starts_with("CONNECT workspace.cn-north-4.myhuaweicloud.com:443 HTTP/1.1\r\n"),
            "{head}"
        );
        // The proxy authenticates the tunnel with its own credentials.
        assert!(
            head.to_ascii_lowercase()
                .contains("\r\nproxy-authorization: basic "),
            "{head}"
        );
        for secret in [
            SK,
            SECURITY_TOKEN,
            "\r\nauthorization:",
            "x-security-token",
            "x-sdk-date",
            PROJECT,
        ] {
            assert!(
                !head
                    .to_ascii_lowercase()
                    .contains(&secret.to_ascii_lowercase()),
                "{secret:?} reached the proxy: {head}"
            );
        }
    });
}
