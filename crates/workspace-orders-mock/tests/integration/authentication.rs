//! Authentication over raw HTTP: tokens, and AK/SK signatures made by the client's
//! signer and then broken one way at a time. Every refusal is a 401 with the
//! operation's error body, comes before validation, and records nothing.

use crate::support;

use huaweicloud_workspace_orders::signer;
use serde_json::{Value, json};
use support::{
    Answer, PROJECT_ID, SECURITY_TOKEN, TEMPORARY_AK, TEMPORARY_SK, mock_with_temporary_key,
    operations, post, spec, valid_body,
};
use time::{Duration, OffsetDateTime};
use workspace_orders_mock::{
    DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, DEFAULT_TOKEN, MockHandle, Principal,
};

/// A JSON POST to the first operation, before signing.
fn request(
    mock: &MockHandle,
    path: &str,
    body: &Value,
    extra: &[(&str, &str)],
) -> reqwest::Request {
    let mut builder = support::http()
        .post(format!("{}{path}", mock.base_url()))
        .header("content-type", "application/json")
        .body(body.to_string());
    for (name, value) in extra {
        builder = builder.header(*name, *value);
    }
    builder.build().unwrap()
}

/// Signs with the client's signer (a second implementation from the mock's).
fn sign(request: &mut reqwest::Request, ak: &str, sk: &str, at: OffsetDateTime) {
    signer::sign(request, ak, sk.as_bytes(), std::time::SystemTime::from(at)).unwrap();
}

async fn execute(request: reqwest::Request) -> Answer {
    let response = support::http()
        .execute(request)
        .await
        .expect("the mock answers");
    Answer {
        status: response.status(),
        headers: response.headers().clone(),
        text: response.text().await.unwrap(),
    }
}

/// Asserts a 401 with the documented body whose message contains `expected`.
fn assert_refused(answer: &Answer, operation: &support::Operation, expected: &str) {
    answer.assert_error(401, operation);
    let message = answer.message();
    assert!(
        message.contains(expected),
        "expected {expected:?} in {message:?}"
    );
    assert!(
        !message.contains(DEFAULT_SECRET_KEY) && !message.contains(TEMPORARY_SK),
        "{message}"
    );
}

#[tokio::test]
async fn tokens_are_checked() {
    let spec = spec();
    let mock = mock_with_temporary_key().await;
    for operation in operations(&spec) {
        let path = operation.path(PROJECT_ID);
        let body = valid_body(&spec, &operation.id);
        let answer = post(&mock.base_url(), &path, "not-the-token", &[], &body).await;
        assert_refused(
            &answer,
            &operation,
            "X-Auth-Token is not a token this mock accepts",
        );

        let anonymous = support::send(
            support::http()
                .post(format!("{}{path}", mock.base_url()))
                .header("content-type", "application/json")
                .body(body.to_string()),
        )
        .await;
        assert_refused(&anonymous, &operation, "no credentials");

        // Authentication comes before validation: a bad token with a bad body is a 401.
        let answer = post(
            &mock.base_url(),
            &path,
            "not-the-token",
            &[],
            &json!({ "junk": 1 }),
        )
        .await;
        assert_refused(&answer, &operation, "X-Auth-Token");

        let answer = post(&mock.base_url(), &path, DEFAULT_TOKEN, &[], &body).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
    }
    assert_eq!(mock.accepted_orders().len(), operations(&spec).len());
    mock.shutdown().await;
}

#[tokio::test]
async fn a_signature_by_the_clients_signer_is_accepted() {
    let spec = spec();
    let mock = mock_with_temporary_key().await;
    for operation in operations(&spec) {
        let body = valid_body(&spec, &operation.id);
        let mut signed = request(
            &mock,
            &operation.path(PROJECT_ID),
            &body,
            &[("x-project-id", PROJECT_ID)],
        );
        sign(
            &mut signed,
            DEFAULT_ACCESS_KEY,
            DEFAULT_SECRET_KEY,
            OffsetDateTime::now_utc(),
        );
        let answer = execute(signed).await;
        assert_eq!(answer.status, 200, "{}: {}", operation.id, answer.text);
    }
    let accepted = mock.accepted_orders();
    assert_eq!(accepted.len(), operations(&spec).len());
    for order in accepted {
        assert_eq!(
            order.principal,
            Principal::AccessKey {
                access_key: DEFAULT_ACCESS_KEY.into(),
                temporary: false
            }
        );
    }
    mock.shutdown().await;
}

#[tokio::test]
async fn any_change_after_signing_breaks_the_signature() {
    let spec = spec();
    let operation = support::operation(&spec, "createPeriodicOrder");
    let path = operation.path(PROJECT_ID);
    let body = valid_body(&spec, &operation.id);
    let mock = mock_with_temporary_key().await;
    let now = OffsetDateTime::now_utc();
    let signed = || {
        let mut request = request(&mock, &path, &body, &[]);
        sign(&mut request, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, now);
        request
    };

    let mut other_body = signed();
    let mut changed = body.clone();
    changed["enterprise_project_id"] = json!("1");
    *other_body.body_mut() = Some(changed.to_string().into());
    let mut other_query = signed();
    other_query.url_mut().set_query(Some("unsigned=1"));
    let mut other_header = signed();
    other_header.headers_mut().insert(
        "content-type",
        "application/json; charset=utf-8".parse().unwrap(),
    );
    let mut other_date = signed();
    let later = (now + Duration::seconds(1))
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap();
    other_date
        .headers_mut()
        .insert("x-sdk-date", later.parse().unwrap());
    let mut wrong_secret = request(&mock, &path, &body, &[]);
    sign(&mut wrong_secret, DEFAULT_ACCESS_KEY, "not-the-secret", now);
    let mut unknown_key = request(&mock, &path, &body, &[]);
    sign(&mut unknown_key, "UNKNOWNKEY", DEFAULT_SECRET_KEY, now);
    let mut with_token = signed();
    with_token
        .headers_mut()
        .insert("x-auth-token", DEFAULT_TOKEN.parse().unwrap());

    for (label, request, expected) in [
        ("body", other_body, "the signature does not match"),
        ("query", other_query, "the signature does not match"),
        (
            "signed header value",
            other_header,
            "the signature does not match",
        ),
        ("X-Sdk-Date", other_date, "the signature does not match"),
        ("secret key", wrong_secret, "the signature does not match"),
        (
            "access key",
            unknown_key,
            "not an access key this mock knows",
        ),
        ("token as well", with_token, "not both"),
    ] {
        let answer = execute(request).await;
        assert_eq!(answer.status, 401, "{label}: {}", answer.text);
        assert_refused(&answer, &operation, expected);
    }
    assert!(mock.accepted_orders().is_empty());
    mock.shutdown().await;
}

#[tokio::test]
async fn a_date_more_than_fifteen_minutes_off_is_refused() {
    let spec = spec();
    let operation = support::operation(&spec, "createDesktopOrder");
    let path = operation.path(PROJECT_ID);
    let body = valid_body(&spec, &operation.id);
    let mock = mock_with_temporary_key().await;
    // A minute of margin either side of the limit, so the test's own run time cannot matter.
    for (offset, accepted) in [(-16, false), (16, false), (-14, true), (14, true)] {
        let mut signed = request(&mock, &path, &body, &[]);
        sign(
            &mut signed,
            DEFAULT_ACCESS_KEY,
            DEFAULT_SECRET_KEY,
            OffsetDateTime::now_utc() + Duration::minutes(offset),
        );
        let answer = execute(signed).await;
        if accepted {
            assert_eq!(answer.status, 200, "{offset} min: {}", answer.text);
        } else {
            assert_refused(
                &answer,
                &operation,
                "away from the server's clock (at most 900s allowed)",
            );
        }
    }
    let mut undated = request(&mock, &path, &body, &[]);
    sign(
        &mut undated,
        DEFAULT_ACCESS_KEY,
        DEFAULT_SECRET_KEY,
        OffsetDateTime::now_utc(),
    );
    undated.headers_mut().remove("x-sdk-date");
    assert_refused(&execute(undated).await, &operation, "X-Sdk-Date is missing");
    assert_eq!(mock.accepted_orders().len(), 2);
    mock.shutdown().await;
}

#[tokio::test]
async fn a_signed_header_that_is_absent_is_refused() {
    let spec = spec();
    let operation = support::operation(&spec, "createAppOrder");
    let path = operation.path(PROJECT_ID);
    let body = valid_body(&spec, &operation.id);
    let mock = mock_with_temporary_key().await;
    for header in ["x-project-id", "content-type"] {
        let mut signed = request(&mock, &path, &body, &[("x-project-id", PROJECT_ID)]);
        sign(
            &mut signed,
            DEFAULT_ACCESS_KEY,
            DEFAULT_SECRET_KEY,
            OffsetDateTime::now_utc(),
        );
        signed.headers_mut().remove(header);
        assert_refused(
            &execute(signed).await,
            &operation,
            &format!("header {header} is listed in SignedHeaders but absent"),
        );
    }
    assert!(mock.accepted_orders().is_empty());
    mock.shutdown().await;
}

#[tokio::test]
async fn a_temporary_key_needs_its_security_token() {
    let spec = spec();
    let operation = support::operation(&spec, "createPeriodicOrder");
    let path = operation.path(PROJECT_ID);
    let body = valid_body(&spec, &operation.id);
    let mock = mock_with_temporary_key().await;
    let now = OffsetDateTime::now_utc();

    let mut missing = request(&mock, &path, &body, &[]);
    sign(&mut missing, TEMPORARY_AK, TEMPORARY_SK, now);
    assert_refused(
        &execute(missing).await,
        &operation,
        "needs its X-Security-Token",
    );

    let mut wrong = request(
        &mock,
        &path,
        &body,
        &[("x-security-token", "someone-elses")],
    );
    sign(&mut wrong, TEMPORARY_AK, TEMPORARY_SK, now);
    assert_refused(
        &execute(wrong).await,
        &operation,
        "does not belong to this temporary access key",
    );

    let mut permanent = request(&mock, &path, &body, &[("x-security-token", SECURITY_TOKEN)]);
    sign(&mut permanent, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, now);
    assert_refused(
        &execute(permanent).await,
        &operation,
        "sent with a permanent access key",
    );

    assert!(mock.accepted_orders().is_empty());
    let mut good = request(&mock, &path, &body, &[("x-security-token", SECURITY_TOKEN)]);
    sign(&mut good, TEMPORARY_AK, TEMPORARY_SK, now);
    let answer = execute(good).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(
        mock.accepted_orders()[0].principal,
        Principal::AccessKey {
            access_key: TEMPORARY_AK.into(),
            temporary: true
        }
    );
    mock.shutdown().await;
}

#[tokio::test]
async fn malformed_authorization_headers_are_refused() {
    let spec = spec();
    let operation = support::operation(&spec, "createDesktopOrder");
    let path = operation.path(PROJECT_ID);
    let body = valid_body(&spec, &operation.id);
    let mock = mock_with_temporary_key().await;
    for (value, expected) in [
        ("Bearer abc", "must start with SDK-HMAC-SHA256"),
        (
            "SDK-HMAC-SHA256 Access=MOCKACCESSKEY",
            "needs Access, SignedHeaders and Signature",
        ),
        (
            "SDK-HMAC-SHA256 Access=MOCKACCESSKEY, SignedHeaders=host, Signature=00",
            "must include x-sdk-date",
        ),
        (
            "SDK-HMAC-SHA256 Access=MOCKACCESSKEY, SignedHeaders=x-sdk-date;host, Signature=00",
            "sorted",
        ),
    ] {
        let request = request(
            &mock,
            &path,
            &body,
            &[("authorization", value), ("x-sdk-date", "20260101T000000Z")],
        );
        assert_refused(&execute(request).await, &operation, expected);
    }
    mock.shutdown().await;
}
