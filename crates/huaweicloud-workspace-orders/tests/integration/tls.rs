//! The client's own TLS set-up (rustls with the `ring` provider): an order placed over
//! HTTPS to a loopback server whose CA is made here and added with
//! `add_root_certificate_der`, and the same call refused, with nothing sent, when the
//! client trusts another CA.

use crate::support;

use std::sync::{Arc, Mutex};

use huaweicloud_workspace_orders::error::{Error, Outcome};
use huaweicloud_workspace_orders::{Credentials, OrdersClient};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const ORDER_PLACED: &str = r#"{"order_id":"CS2108102036B2CAI"}"#;

/// A self-signed CA.
fn certificate_authority(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

/// What the HTTPS server received: the request heads it read completely.
type Heads = Arc<Mutex<Vec<String>>>;

/// An HTTPS server on 127.0.0.1 with a certificate for `127.0.0.1` issued by `ca`,
/// answering each request with `ORDER_PLACED`.
async fn https_server(ca: &CertifiedIssuer<'static, KeyPair>) -> (String, Heads) {
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&key, ca)
        .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![leaf.der().clone(), CertificateDer::from(ca.der().to_vec())],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    )
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("https://{}", listener.local_addr().unwrap());
    let heads = Heads::default();
    let record = heads.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let record = record.clone();
            tokio::spawn(async move {
                // A refused handshake ends here, with nothing read.
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    return;
                };
                let Some(head) = read_request(&mut tls).await else {
                    return;
                };
                record.lock().unwrap().push(head);
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n{ORDER_PLACED}",
                    ORDER_PLACED.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (base_url, heads)
}

/// Reads one request (head and `content-length` body); returns its head.
async fn read_request(stream: &mut (impl AsyncReadExt + Unpin)) -> Option<String> {
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let n = stream.read(&mut buffer).await.ok()?;
        if n == 0 {
            return None;
        }
        seen.extend_from_slice(&buffer[..n]);
        if let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&seen[..end]).into_owned();
            let length = head
                .to_ascii_lowercase()
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse::<usize>().unwrap());
            if seen.len() >= end + 4 + length {
                return Some(head);
            }
        }
    }
}

fn periodic_order() -> huaweicloud_workspace_orders::types::PeriodicOrderRequest {
    serde_json::from_value(support::valid_body("createPeriodicOrder")).unwrap()
}

fn client_trusting(base_url: &str, ca_der: &[u8]) -> OrdersClient {
    OrdersClient::builder(
        Credentials::access_key("AKTLSEXAMPLE", "tls-secret-key")
            .unwrap()
            .with_project_id(PROJECT)
            .unwrap(),
    )
    .base_url(base_url)
    .add_root_certificate_der(ca_der)
    .build()
    .unwrap()
}

#[tokio::test]
async fn an_order_is_placed_over_tls_with_an_added_root() {
    let ca = certificate_authority("workspace-orders test CA");
    let (base_url, heads) = https_server(&ca).await;
    let client = client_trusting(&base_url, ca.der());

    let placed = client
        .create_periodic_order(periodic_order())
        .await
        .unwrap();

    assert_eq!(placed.order_id.as_deref(), Some("CS2108102036B2CAI"));
    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(
        heads[0].starts_with(&format!("POST /v2/{PROJECT}/periodic/subscribe/order ")),
        "{}",
        heads[0]
    );
}

#[tokio::test]
async fn a_server_from_another_ca_is_refused_and_nothing_is_sent() {
    let server_ca = certificate_authority("workspace-orders test CA");
    let other_ca = certificate_authority("some other CA");
    let (base_url, heads) = https_server(&server_ca).await;
    let client = client_trusting(&base_url, other_ca.der());

    let error = client
        .create_periodic_order(periodic_order())
        .await
        .unwrap_err();

    assert!(matches!(error, Error::Connect { .. }), "{error:?}");
    assert_eq!(error.outcome(), Outcome::NotSent);
    assert!(heads.lock().unwrap().is_empty());
}

#[test]
fn a_root_certificate_that_does_not_parse_is_a_build_error() {
    let error = OrdersClient::builder(Credentials::iam_token("token").unwrap())
        .base_url("https://127.0.0.1:9")
        .add_root_certificate_der(b"not a certificate".to_vec())
        .build()
        .unwrap_err();
    assert!(
        matches!(
            error,
            huaweicloud_workspace_orders::client::BuildError::Tls(_)
        ),
        "{error:?}"
    );
}
