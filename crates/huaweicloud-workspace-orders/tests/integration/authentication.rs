//! Every credential kind and every operation end to end against a local server, which
//! checks AK/SK signatures with the independent verifier in `support`; routing,
//! project ids, what goes on the wire and what never leaves.

use crate::support;

use huaweicloud_workspace_orders::endpoint::{BaseUrl, Endpoints, Service};
use huaweicloud_workspace_orders::error::{Error, Outcome};
use huaweicloud_workspace_orders::operation::Operation;
use huaweicloud_workspace_orders::{ClientContext, Credentials, OrdersClient, types};
use support::{Answer, Received, Server};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const TOKEN: &str = "MIIEiam-token-VALUE";
const AK: &str = "AKEXAMPLE0123";
const SK: &str = "sk-Secret-VALUE";
const SECURITY_TOKEN: &str = "security-token-VALUE";

fn credential_kinds() -> Vec<(&'static str, Credentials)> {
    vec![
        ("token", Credentials::iam_token(TOKEN).unwrap()),
        ("permanent", Credentials::access_key(AK, SK).unwrap()),
        (
            "temporary",
            Credentials::temporary_access_key(AK, SK, SECURITY_TOKEN).unwrap(),
        ),
    ]
}

fn client(credentials: Credentials, base_url: &str) -> OrdersClient {
    OrdersClient::builder(credentials.with_project_id(PROJECT).unwrap())
        .base_url(base_url)
        .build()
        .unwrap()
}

/// Sends `operation`'s valid example body; returns that body as the test wrote it
/// (JSON, not the client's serialization of it) and the order id received.
async fn place(client: &OrdersClient, operation: Operation) -> (serde_json::Value, Option<String>) {
    let json = support::valid_body(operation.operation_id());
    let order_id = match operation {
        Operation::CreateAppOrder => {
            let body: types::AppOrderRequest = serde_json::from_value(json.clone()).unwrap();
            client
                .create_app_order(body)
                .await
                .unwrap()
                .into_inner()
                .order_id
        }
        Operation::CreatePeriodicOrder => {
            let body: types::PeriodicOrderRequest = serde_json::from_value(json.clone()).unwrap();
            client
                .create_periodic_order(body)
                .await
                .unwrap()
                .into_inner()
                .order_id
        }
        Operation::CreateDesktopOrder => {
            let body: types::DesktopOrderRequest = serde_json::from_value(json.clone()).unwrap();
            client
                .create_desktop_order(body)
                .await
                .unwrap()
                .into_inner()
                .order_id
        }
        _ => unreachable!(),
    };
    (json, order_id)
}

/// The received body as JSON: what the server would decode.
fn received_json(request: &Received) -> serde_json::Value {
    serde_json::from_slice(&request.body).unwrap()
}

fn expected_path(operation: Operation, project: &str) -> String {
    operation.path_template().replace("{project_id}", project)
}

fn assert_common_headers(request: &Received, project: &str) {
    assert_eq!(request.header("x-project-id"), Some(project));
    assert_eq!(
        request.header("user-agent"),
        Some(concat!(
            "huaweicloud-workspace-orders/",
            env!("CARGO_PKG_VERSION")
        ))
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header("api-version"), None);
}

#[tokio::test]
async fn every_credential_kind_places_every_order() {
    for (kind, credentials) in credential_kinds() {
        for operation in Operation::ALL {
            let server = Server::start(Answer::order_placed()).await;
            let client = client(credentials.clone(), &server.base_url);
            let (body, order_id) = place(&client, operation).await;
            assert_eq!(order_id.as_deref(), Some("CS2108102036B2CAI"));

            let request = server.only_request();
            let case = format!("{kind} {operation:?}");
            assert_eq!(request.method, "POST", "{case}");
            assert_eq!(
                request.uri.path(),
                expected_path(operation, PROJECT),
                "{case}"
            );
            assert_eq!(request.uri.query(), None, "{case}");
            // Member for member what the test's JSON says: nothing added (nulls,
            // defaults), dropped or changed on the way.
            assert_eq!(received_json(&request), body, "{case}");
            assert_common_headers(&request, PROJECT);

            match kind {
                "token" => {
                    assert_eq!(request.header("x-auth-token"), Some(TOKEN), "{case}");
                    for absent in ["authorization", "x-sdk-date", "x-security-token"] {
                        assert_eq!(request.header(absent), None, "{case}: {absent}");
                    }
                }
                _ => {
                    let signed = support::verify_signature(&request, AK, SK)
                        .unwrap_or_else(|e| panic!("{case}: {e}"));
                    for name in ["content-type", "host", "x-project-id", "x-sdk-date"] {
                        assert!(
                            signed.iter().any(|s| s == name),
                            "{case}: {name} {signed:?}"
                        );
                    }
                    assert_eq!(request.header("x-auth-token"), None, "{case}");
                    if kind == "temporary" {
                        assert_eq!(
                            request.header("x-security-token"),
                            Some(SECURITY_TOKEN),
                            "{case}"
                        );
                        assert!(signed.iter().any(|s| s == "x-security-token"), "{case}");
                    } else {
                        assert_eq!(request.header("x-security-token"), None, "{case}");
                    }
                    // A wrong secret does not verify: the check is not vacuous.
                    assert!(support::verify_signature(&request, AK, "wrong").is_err());
                }
            }
        }
    }
}

#[tokio::test]
async fn only_documented_and_authentication_headers_are_sent() {
    let server = Server::start(Answer::order_placed()).await;
    let client = client(
        Credentials::temporary_access_key(AK, SK, SECURITY_TOKEN).unwrap(),
        &server.base_url,
    );
    place(&client, Operation::CreatePeriodicOrder).await;
    let request = server.only_request();
    let names: Vec<String> = request.header_map().into_keys().collect();
    assert_eq!(
        names,
        [
            "accept",
            "authorization",
            "content-length",
            "content-type",
            "host",
            "user-agent",
            "x-project-id",
            "x-sdk-date",
            "x-security-token",
        ]
    );
}

#[tokio::test]
async fn the_v1_order_goes_to_the_application_streaming_endpoint() {
    let workspace = Server::start(Answer::order_placed()).await;
    let appstream = Server::start(Answer::order_placed()).await;
    let client = OrdersClient::builder(
        Credentials::access_key(AK, SK)
            .unwrap()
            .with_project_id(PROJECT)
            .unwrap(),
    )
    .endpoints(Endpoints::custom(
        BaseUrl::parse("workspace", &workspace.base_url).unwrap(),
        BaseUrl::parse("appstream", &appstream.base_url).unwrap(),
    ))
    .build()
    .unwrap();
    for operation in Operation::ALL {
        place(&client, operation).await;
    }
    let paths = |server: &Server| -> Vec<String> {
        server
            .requests()
            .iter()
            .map(|r| r.uri.path().to_owned())
            .collect()
    };
    assert_eq!(
        paths(&appstream),
        [expected_path(Operation::CreateAppOrder, PROJECT)]
    );
    assert_eq!(
        paths(&workspace),
        [
            expected_path(Operation::CreatePeriodicOrder, PROJECT),
            expected_path(Operation::CreateDesktopOrder, PROJECT),
        ]
    );
    // Each server verified its own Host header.
    for request in appstream.requests().iter().chain(&workspace.requests()) {
        support::verify_signature(request, AK, SK).unwrap();
    }
}

#[tokio::test]
async fn a_base_url_path_stem_is_kept() {
    let server = Server::start(Answer::order_placed()).await;
    let client = client(
        Credentials::access_key(AK, SK).unwrap(),
        &format!("{}/proxy/workspace/", server.base_url),
    );
    place(&client, Operation::CreateDesktopOrder).await;
    let request = server.only_request();
    assert_eq!(
        request.uri.path(),
        format!(
            "/proxy/workspace{}",
            expected_path(Operation::CreateDesktopOrder, PROJECT)
        )
    );
    support::verify_signature(&request, AK, SK).unwrap();
}

#[tokio::test]
async fn the_project_can_be_chosen_per_call() {
    let server = Server::start(Answer::order_placed()).await;
    let client = client(Credentials::iam_token(TOKEN).unwrap(), &server.base_url);
    let other = client.for_project("fedcba9876543210").unwrap();
    place(&other, Operation::CreatePeriodicOrder).await;
    let request = server.only_request();
    assert_eq!(
        request.uri.path(),
        expected_path(Operation::CreatePeriodicOrder, "fedcba9876543210")
    );
    assert_common_headers(&request, "fedcba9876543210");
    assert_eq!(client.project_id(), Some(PROJECT));
    assert_eq!(
        client.for_project("../x").unwrap_err().setting(),
        "project_id"
    );
}

#[tokio::test]
async fn nothing_is_sent_without_a_project_id() {
    let server = Server::start(Answer::order_placed()).await;
    let client = OrdersClient::builder(Credentials::iam_token(TOKEN).unwrap())
        .base_url(&server.base_url)
        .build()
        .unwrap();
    let body: types::PeriodicOrderRequest =
        serde_json::from_value(support::valid_body("createPeriodicOrder")).unwrap();
    let error = client.create_periodic_order(body).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error}");
    assert!(error.to_string().contains("project_id"), "{error}");
    assert_eq!(error.outcome(), Outcome::NotSent);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn an_incomplete_body_is_refused_before_sending() {
    let server = Server::start(Answer::order_placed()).await;
    let client = client(Credentials::iam_token(TOKEN).unwrap(), &server.base_url);
    let error = client
        .create_periodic_order(types::PeriodicOrderRequest::builder())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error}");
    assert!(
        error.to_string().contains("PeriodicOrderRequest"),
        "{error}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn redirects_are_not_followed_and_credentials_do_not_leave() {
    let elsewhere = Server::start(Answer::order_placed()).await;
    let redirecting = Server::start(Answer {
        status: 307,
        headers: vec![("location".into(), format!("{}/steal", elsewhere.base_url))],
        body: String::new(),
    })
    .await;
    let client = client(
        Credentials::iam_token(TOKEN).unwrap(),
        &redirecting.base_url,
    );
    let body: types::PeriodicOrderRequest =
        serde_json::from_value(support::valid_body("createPeriodicOrder")).unwrap();
    let error = client.create_periodic_order(body).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(307));
    assert!(matches!(error, Error::UnexpectedStatus { .. }), "{error}");
    assert_eq!(redirecting.requests().len(), 1);
    assert!(elsewhere.requests().is_empty());
}

#[tokio::test]
async fn the_generated_client_refuses_an_operation_of_another_service() {
    let server = Server::start(Answer::order_placed()).await;
    let client = client(Credentials::iam_token(TOKEN).unwrap(), &server.base_url);
    let body: types::AppOrderRequest =
        serde_json::from_value(support::valid_body("createAppOrder")).unwrap();
    let error = client
        .generated_client(Service::Workspace)
        .unwrap()
        .create_app_order()
        .project_id(PROJECT)
        .body(body)
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("WorkspaceApp"), "{error}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn path_tricks_in_a_project_id_are_refused() {
    let server = Server::start(Answer::order_placed()).await;
    let client = client(Credentials::iam_token(TOKEN).unwrap(), &server.base_url);
    let generated = client.generated_client(Service::Workspace).unwrap();
    for project in ["..", ".", "a/b", "a?b", "a b", ""] {
        let body: types::PeriodicOrderRequest =
            serde_json::from_value(support::valid_body("createPeriodicOrder")).unwrap();
        let result = generated
            .create_periodic_order()
            .project_id(project)
            .body(body)
            .send()
            .await;
        let error = result.unwrap_err();
        assert!(
            error.to_string().contains("project_id"),
            "{project:?}: {error}"
        );
    }
    assert!(server.requests().is_empty());
}

#[test]
fn secret_header_values_are_marked_sensitive() {
    let prepare = |credentials: Credentials| {
        let mut request = reqwest::Request::new(
            reqwest::Method::POST,
            format!("https://workspace.cn-north-4.myhuaweicloud.com/v2/{PROJECT}/periodic/subscribe/order")
                .parse()
                .unwrap(),
        );
        request
            .headers_mut()
            .insert("api-version", "2026-05-21".parse().unwrap());
        ClientContext::new(credentials)
            .prepare(
                &mut request,
                "create_periodic_order",
                std::time::SystemTime::now(),
            )
            .unwrap();
        assert!(!request.headers().contains_key("api-version"));
        request
    };
    let request = prepare(Credentials::iam_token(TOKEN).unwrap());
    assert!(request.headers()["x-auth-token"].is_sensitive());
    let request = prepare(Credentials::temporary_access_key(AK, SK, SECURITY_TOKEN).unwrap());
    assert!(request.headers()["x-security-token"].is_sensitive());
    assert!(request.headers()["authorization"].is_sensitive());
    // Debug of a request shows sensitive values as `Sensitive`.
    let shown = format!("{:?}", request.headers());
    assert!(!shown.contains(SECURITY_TOKEN), "{shown}");
}
