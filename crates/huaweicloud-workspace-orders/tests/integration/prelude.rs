//! The names users reach first: the prelude has the client, the credentials and the
//! error types; the crate root's `Error` is the client's, and the generated one is
//! still reachable as `GeneratedError`.

use huaweicloud_workspace_orders::prelude::*;

#[test]
fn the_root_error_is_the_one_orders_client_calls_return() {
    // Compiles only while the root `Error` is `error::Error` (progenitor's has no
    // `outcome`).
    let error: huaweicloud_workspace_orders::Error<types::OrderError> = Error::InvalidRequest {
        message: "size: 55 is not a multiple of 10".into(),
    };
    assert_eq!(error.outcome(), Outcome::NotSent);

    let generated: huaweicloud_workspace_orders::GeneratedError<types::OrderError> =
        huaweicloud_workspace_orders::GeneratedError::InvalidRequest("x".into());
    assert!(generated.to_string().contains('x'));
}

#[test]
fn the_prelude_builds_a_client_for_a_base_url() {
    let credentials = Credentials::iam_token("mock-token")
        .unwrap()
        .with_project_id("0123456789abcdef0123456789abcdef")
        .unwrap();
    let client: OrdersClient = OrdersClient::builder(credentials)
        .base_url("http://127.0.0.1:8080")
        .build()
        .unwrap();
    assert_eq!(
        client
            .endpoints()
            .base_url(huaweicloud_workspace_orders::operation::Operation::CreateAppOrder)
            .unwrap()
            .as_str(),
        "http://127.0.0.1:8080"
    );
}
