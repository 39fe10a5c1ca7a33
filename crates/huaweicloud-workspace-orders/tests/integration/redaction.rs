//! No secret in any public `Debug` or `Display`: credentials, their errors, clients
//! and their contexts, signed requests (`signer::Signed`, the prepared
//! `reqwest::Request`), URL errors and every kind of call error are formatted and
//! scanned for the secret key, the IAM token, the security token, the request
//! signatures and URL passwords.

use crate::support;

use std::ffi::OsString;
use std::time::Duration;

use huaweicloud_workspace_orders::endpoint::{BaseUrl, Endpoints, RegionPolicy, Service};
use huaweicloud_workspace_orders::error::{ApiErrorBody, Error};
use huaweicloud_workspace_orders::{ClientContext, Credentials, OrdersClient, signer, types};
use support::{Answer, Server};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const TOKEN: &str = "MIIEiam-token-VALUE";
const AK: &str = "AKEXAMPLE0123";
const SK: &str = "sk-Secret-VALUE";
const SECURITY_TOKEN: &str = "security-token-VALUE";
const URL_PASSWORD: &str = "url-Password-VALUE";

/// Formatted values, with what each is, and the secrets they must not show.
#[derive(Default)]
struct Scan {
    shown: Vec<(String, String)>,
    secrets: Vec<String>,
}

impl Scan {
    fn new() -> Self {
        Self {
            shown: Vec::new(),
            secrets: [TOKEN, SK, SECURITY_TOKEN, URL_PASSWORD]
                .map(str::to_owned)
                .to_vec(),
        }
    }

    fn debug(&mut self, what: &str, value: &impl std::fmt::Debug) {
        self.shown
            .push((format!("{what} (Debug)"), format!("{value:?}")));
        self.shown
            .push((format!("{what} (Debug, pretty)"), format!("{value:#?}")));
    }

    fn both(&mut self, what: &str, value: &(impl std::fmt::Debug + std::fmt::Display)) {
        self.debug(what, value);
        self.shown
            .push((format!("{what} (Display)"), value.to_string()));
    }

    fn secret(&mut self, secret: &str) {
        self.secrets.push(secret.to_owned());
    }

    fn assert_clean(&self) {
        let mut leaks = Vec::new();
        for (what, text) in &self.shown {
            for secret in &self.secrets {
                if text.contains(secret.as_str()) {
                    leaks.push(format!("{what} shows {secret:?}: {text}"));
                }
            }
        }
        assert!(leaks.is_empty(), "{}", leaks.join("\n"));
        // The scan saw what it should have: it is not vacuous.
        assert!(self.shown.len() > 40, "{}", self.shown.len());
    }
}

fn credential_kinds() -> Vec<Credentials> {
    vec![
        Credentials::iam_token(TOKEN).unwrap(),
        Credentials::access_key(AK, SK).unwrap(),
        Credentials::temporary_access_key(AK, SK, SECURITY_TOKEN).unwrap(),
    ]
}

fn prepared_request(credentials: Credentials) -> reqwest::Request {
    let mut request = reqwest::Request::new(
        reqwest::Method::POST,
        format!(
            "https://workspace.cn-north-4.myhuaweicloud.com/v2/{PROJECT}/periodic/subscribe/order"
        )
        .parse()
        .unwrap(),
    );
    *request.body_mut() = Some(b"{}".to_vec().into());
    ClientContext::new(credentials)
        .prepare(
            &mut request,
            "create_periodic_order",
            std::time::SystemTime::now(),
        )
        .unwrap();
    request
}

#[test]
fn credentials_signing_and_configuration_show_no_secret() {
    let mut scan = Scan::new();
    for credentials in credential_kinds() {
        let credentials = credentials.with_project_id(PROJECT).unwrap();
        scan.debug("Credentials", &credentials);
        scan.debug("Auth", credentials.auth());
        scan.debug("ClientContext", &ClientContext::new(credentials.clone()));
        let client = OrdersClient::builder(credentials.clone())
            .region("cn-north-4")
            .build()
            .unwrap();
        scan.debug("OrdersClient", &client);
        scan.debug(
            "generated Client",
            &client.generated_client(Service::Workspace),
        );
        let request = prepared_request(credentials);
        scan.debug("prepared request", &request);
        if let Some(authorization) = request.headers().get("authorization") {
            let authorization = authorization.to_str().unwrap();
            let signature = authorization.rsplit("Signature=").next().unwrap();
            scan.secret(signature);
        }
    }

    // Signing directly, with the secret headers on the request.
    let mut request =
        prepared_request(Credentials::temporary_access_key(AK, SK, SECURITY_TOKEN).unwrap());
    let mut token: reqwest::header::HeaderValue = TOKEN.parse().unwrap();
    token.set_sensitive(true);
    request.headers_mut().insert("x-auth-token", token);
    let signed = signer::sign(
        &mut request,
        AK,
        SK.as_bytes(),
        std::time::SystemTime::now(),
    )
    .unwrap();
    scan.secret(&signed.signature);
    scan.debug("signer::Signed", &signed);
    scan.debug("signed request", &request);

    // Credential errors name the setting, not the value.
    let bad = [
        Credentials::iam_token(format!("{TOKEN} with a space")).unwrap_err(),
        Credentials::access_key(AK, format!("{SK} ")).unwrap_err(),
        Credentials::temporary_access_key(AK, SK, format!("{SECURITY_TOKEN}\n")).unwrap_err(),
        Credentials::from_lookup(|name| match name {
            "HUAWEICLOUD_SDK_AK" => Some(OsString::from(AK)),
            "HUAWEICLOUD_SDK_SK" => Some(OsString::from(format!(" {SK}"))),
            _ => None,
        })
        .unwrap_err(),
    ];
    for error in &bad {
        scan.both("CredentialsError", error);
    }

    // URLs with passwords, parsable or not, as arguments or environment overrides.
    let urls = [
        format!("https://user:{URL_PASSWORD}@workspace.example.com"),
        format!("https://user:{URL_PASSWORD}@[not-an-address"),
        format!("https://user:{URL_PASSWORD}@host:99999/path"),
        format!("http://user:{URL_PASSWORD}@10.0.0.1"),
        format!("ftp://user:{URL_PASSWORD}@host"),
        format!("https://user:{URL_PASSWORD}@host with space/"),
        format!("https://user:{URL_PASSWORD}/x@y@host:99999/"),
        format!("user:{URL_PASSWORD}@host"),
    ];
    for url in &urls {
        let error = BaseUrl::parse("base URL", url).unwrap_err();
        scan.both("EndpointError", &error);
        let error = OrdersClient::builder(Credentials::iam_token(TOKEN).unwrap())
            .base_url(url)
            .build()
            .unwrap_err();
        scan.both("BuildError", &error);
        let error = Endpoints::resolve("cn-north-4", RegionPolicy::KnownOnly, |name| {
            (name == "HUAWEICLOUD_SDK_REGION_WORKSPACE_CN_NORTH_4").then(|| OsString::from(url))
        })
        .unwrap_err();
        scan.both("EndpointError (override)", &error);
    }
    scan.assert_clean();
}

/// Every kind of call error, formatted.
fn scan_error<E: ApiErrorBody + std::fmt::Debug>(scan: &mut Scan, error: Error<E>) {
    use std::error::Error as _;
    let mut chain = String::new();
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push_str(&format!("{cause} / {cause:?}\n"));
        source = cause.source();
    }
    scan.shown.push(("error source chain".into(), chain));
    scan.both("Error", &error);
}

#[tokio::test]
async fn call_errors_show_no_secret() {
    let mut scan = Scan::new();
    let answers = [
        Answer::json(400, r#"{"error_code":"WKS.0001","error_msg":"bad"}"#),
        Answer::json(401, ""),
        Answer::json(418, "teapot"),
        Answer::json(200, "<html>not json</html>"),
        Answer::json(200, "{}"),
        Answer::json(500, &"x".repeat(100_000)),
    ];
    for credentials in credential_kinds() {
        let credentials = credentials.with_project_id(PROJECT).unwrap();
        for answer in &answers {
            let server = Server::start(answer.clone()).await;
            let client = OrdersClient::builder(credentials.clone())
                .base_url(&server.base_url)
                .build()
                .unwrap();
            let order: types::PeriodicOrderRequest =
                serde_json::from_value(support::valid_body("createPeriodicOrder")).unwrap();
            scan_error(
                &mut scan,
                client.create_periodic_order(order).await.unwrap_err(),
            );
            let order: types::AppOrderRequest =
                serde_json::from_value(support::valid_body("createAppOrder")).unwrap();
            scan_error(&mut scan, client.create_app_order(order).await.unwrap_err());
            for request in server.requests() {
                if let Some(authorization) = request.header("authorization") {
                    scan.secret(authorization.rsplit("Signature=").next().unwrap());
                }
            }
        }
        // Nothing listening; and a server that never answers (timeout).
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let closed = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        let (silent, _task) = support::silent_server().await;
        for base_url in [closed, silent] {
            let client = OrdersClient::builder(credentials.clone())
                .base_url(&base_url)
                .timeout(Duration::from_millis(200))
                .build()
                .unwrap();
            let order: types::DesktopOrderRequest =
                serde_json::from_value(support::valid_body("createDesktopOrder")).unwrap();
            scan_error(
                &mut scan,
                client.create_desktop_order(order).await.unwrap_err(),
            );
        }
    }
    scan.assert_clean();
}
