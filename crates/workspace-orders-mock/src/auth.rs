//! Authentication of a received request: an IAM token or an AK/SK signature.

use std::time::Duration;

use axum::http::HeaderMap;
use time::OffsetDateTime;
use time::format_description::FormatItem;
use time::macros::format_description;

use crate::signature::{self, ALGORITHM, SignedParts};

const SDK_DATE_FORMAT: &[FormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

/// How far `X-Sdk-Date` may be from the mock's clock, as at Huawei's gateway.
pub const DEFAULT_MAX_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);

/// An access key the mock accepts.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKey {
    /// The access key id (AK), sent in `Authorization: … Access=<AK>`.
    pub access_key: String,
    /// The secret key (SK) that signs.
    pub secret_key: String,
    /// For a temporary key: the `X-Security-Token` that must accompany it.
    pub security_token: Option<String>,
}

impl std::fmt::Debug for AccessKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("AccessKey")
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// The credentials the mock accepts.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthConfig {
    /// Accepted `X-Auth-Token` values.
    pub tokens: Vec<String>,
    /// Accepted access keys.
    pub access_keys: Vec<AccessKey>,
    /// Largest accepted difference between `X-Sdk-Date` and now.
    pub max_clock_skew: Duration,
}

impl std::fmt::Debug for AuthConfig {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("AuthConfig")
            .field("tokens", &format_args!("<{} redacted>", self.tokens.len()))
            .field("access_keys", &self.access_keys)
            .field("max_clock_skew", &self.max_clock_skew)
            .finish()
    }
}

/// Who a request was authenticated as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// An accepted `X-Auth-Token`.
    Token,
    /// A valid signature by this access key.
    AccessKey {
        /// The AK.
        access_key: String,
        /// Whether it came with an `X-Security-Token` (a temporary key).
        temporary: bool,
    },
}

/// Why a request is not authenticated; the message never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AuthFailure(pub String);

fn fail<T>(message: impl Into<String>) -> Result<T, AuthFailure> {
    Err(AuthFailure(message.into()))
}

/// A received request, as far as authentication needs it.
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// Path as received.
    pub path: &'a str,
    /// Query as received.
    pub query: Option<&'a str>,
    /// All request headers.
    pub headers: &'a HeaderMap,
    /// The exact body bytes.
    pub body: &'a [u8],
}

fn single_header<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, AuthFailure> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return fail(format!("header {name} is sent more than once"));
    }
    match first.to_str() {
        Ok(text) => Ok(Some(text)),
        Err(_) => fail(format!("header {name} is not visible ASCII")),
    }
}

impl AuthConfig {
    /// Authenticates `request` at time `now`.
    pub fn authenticate(
        &self,
        request: &Received<'_>,
        now: OffsetDateTime,
    ) -> Result<Principal, AuthFailure> {
        let authorization = single_header(request.headers, "authorization")?;
        let token = single_header(request.headers, "x-auth-token")?;
        match (authorization, token) {
            (Some(_), Some(_)) => {
                fail("send either X-Auth-Token or an Authorization signature, not both")
            }
            (None, Some(token)) => {
                if self.tokens.iter().any(|accepted| accepted == token) {
                    Ok(Principal::Token)
                } else {
                    fail("X-Auth-Token is not a token this mock accepts")
                }
            }
            (Some(authorization), None) => self.verify_signature(authorization, request, now),
            (None, None) => fail(format!(
                "no credentials: send X-Auth-Token or Authorization: {ALGORITHM} Access=…, SignedHeaders=…, Signature=…"
            )),
        }
    }

    fn verify_signature(
        &self,
        authorization: &str,
        request: &Received<'_>,
        now: OffsetDateTime,
    ) -> Result<Principal, AuthFailure> {
        let fields = parse_authorization(authorization)?;
        let Some(key) = self
            .access_keys
            .iter()
            .find(|key| key.access_key == fields.access)
        else {
            return fail("Authorization: Access is not an access key this mock knows");
        };

        let security_token = single_header(request.headers, "x-security-token")?;
        match (&key.security_token, security_token) {
            (Some(expected), Some(given)) if expected == given => {}
            (Some(_), Some(_)) => {
                return fail("X-Security-Token does not belong to this temporary access key");
            }
            (Some(_), None) => return fail("this temporary access key needs its X-Security-Token"),
            (None, Some(_)) => {
                return fail("X-Security-Token was sent with a permanent access key");
            }
            (None, None) => {}
        }

        let Some(sdk_date) = single_header(request.headers, "x-sdk-date")? else {
            return fail("X-Sdk-Date is missing (signed requests are dated YYYYMMDDTHHMMSSZ, UTC)");
        };
        let signed_at = time::PrimitiveDateTime::parse(sdk_date, SDK_DATE_FORMAT)
            .map_err(|_| AuthFailure(format!("X-Sdk-Date {sdk_date:?} is not YYYYMMDDTHHMMSSZ")))?
            .assume_utc();
        let skew = (now - signed_at).unsigned_abs();
        if skew > self.max_clock_skew {
            return fail(format!(
                "X-Sdk-Date {sdk_date} is {}s away from the server's clock (at most {}s allowed)",
                skew.as_secs(),
                self.max_clock_skew.as_secs()
            ));
        }

        let mut headers = Vec::new();
        for name in &fields.signed_headers {
            let Some(value) = single_header(request.headers, name)? else {
                return fail(format!(
                    "header {name} is listed in SignedHeaders but absent"
                ));
            };
            headers.push((name.clone(), value.trim().to_owned()));
        }
        let parts = SignedParts {
            method: request.method,
            path: request.path,
            query: request.query,
            headers: &headers,
            body: request.body,
        };
        if signature::verify(
            key.secret_key.as_bytes(),
            &parts,
            sdk_date,
            &fields.signature,
        ) {
            Ok(Principal::AccessKey {
                access_key: key.access_key.clone(),
                temporary: key.security_token.is_some(),
            })
        } else {
            fail(
                "the signature does not match the request (method, path, query, signed headers and body)",
            )
        }
    }
}

struct AuthorizationFields {
    access: String,
    signed_headers: Vec<String>,
    signature: String,
}

fn parse_authorization(value: &str) -> Result<AuthorizationFields, AuthFailure> {
    let Some(rest) = value
        .strip_prefix(ALGORITHM)
        .and_then(|rest| rest.strip_prefix(' '))
    else {
        return fail(format!("Authorization must start with {ALGORITHM}"));
    };
    let (mut access, mut signed_headers, mut signature) = (None, None, None);
    for field in rest.split(',') {
        let Some((name, content)) = field.trim().split_once('=') else {
            return fail(format!(
                "Authorization field {:?} is not name=value",
                field.trim()
            ));
        };
        let slot = match name {
            "Access" => &mut access,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            other => return fail(format!("Authorization has an unknown field {other:?}")),
        };
        if slot.replace(content.to_owned()).is_some() {
            return fail(format!("Authorization has {name} twice"));
        }
    }
    let (Some(access), Some(signed_headers), Some(signature)) = (access, signed_headers, signature)
    else {
        return fail("Authorization needs Access, SignedHeaders and Signature");
    };
    let names: Vec<String> = signed_headers.split(';').map(str::to_owned).collect();
    if names
        .iter()
        .any(|name| name.is_empty() || name.contains('_') || *name != name.to_ascii_lowercase())
    {
        return fail("SignedHeaders must be lowercase header names without '_', joined by ';'");
    }
    if names.windows(2).any(|pair| pair[0] >= pair[1]) {
        return fail("SignedHeaders must be sorted and without repeats");
    }
    for required in ["host", "x-sdk-date"] {
        if !names.iter().any(|name| name == required) {
            return fail(format!("SignedHeaders must include {required}"));
        }
    }
    Ok(AuthorizationFields {
        access,
        signed_headers: names,
        signature,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use hmac::{Hmac, Mac};
    use sha2::{Digest, Sha256};
    use time::macros::datetime;
    use workspace_orders_signing_vectors::{Case, load_all};

    const NOW: OffsetDateTime = datetime!(2026-01-02 03:04:05 UTC);
    const MISMATCH: &str =
        "the signature does not match the request (method, path, query, signed headers and body)";

    fn config() -> AuthConfig {
        AuthConfig {
            tokens: vec!["good-token".into()],
            access_keys: vec![
                AccessKey {
                    access_key: "AK1".into(),
                    secret_key: "SK1".into(),
                    security_token: None,
                },
                AccessKey {
                    access_key: "TMP".into(),
                    secret_key: "SK2".into(),
                    security_token: Some("sts".into()),
                },
            ],
            max_clock_skew: DEFAULT_MAX_CLOCK_SKEW,
        }
    }

    /// A second signer, written for these tests from the published algorithm and
    /// checked against the shared vectors below, so that the verifier is not tested
    /// against its own code. `path` and `query` are given already canonical (plain
    /// characters only); `headers` are lowercase, sorted and trimmed.
    fn test_signature(
        secret_key: &str,
        method: &str,
        path: &str,
        query: &str,
        headers: &[(String, String)],
        body: &[u8],
        date: &str,
    ) -> String {
        let names: Vec<&str> = headers.iter().map(|(name, _)| name.as_str()).collect();
        let lines: String = headers
            .iter()
            .map(|(name, value)| format!("{name}:{value}\n"))
            .collect();
        let canonical = format!(
            "{method}\n{path}/\n{query}\n{lines}\n{}\n{}",
            names.join(";"),
            hex::encode(Sha256::digest(body))
        );
        let string_to_sign = format!(
            "SDK-HMAC-SHA256\n{date}\n{}",
            hex::encode(Sha256::digest(canonical.as_bytes()))
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(secret_key.as_bytes()).unwrap();
        mac.update(string_to_sign.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The signed header names of `case` that it sends more than once.
    fn repeated_headers(case: &Case) -> Vec<String> {
        let mut names: Vec<String> = case
            .request
            .headers
            .iter()
            .map(|(name, _)| name.to_ascii_lowercase())
            .filter(|name| !name.contains('_'))
            .collect();
        names.sort();
        let mut repeated: Vec<String> = names
            .windows(2)
            .filter(|pair| pair[0] == pair[1])
            .map(|pair| pair[0].clone())
            .collect();
        repeated.dedup();
        repeated
    }

    #[test]
    fn the_test_signer_reproduces_every_vector_without_escapes() {
        let mut checked = Vec::new();
        for case in load_all().unwrap() {
            let request = &case.request;
            let query = request.query().unwrap_or("");
            let plain = format!("{}\n{}/\n{query}\n", request.method, request.path());
            if !case.canonical_request.starts_with(&plain) || !repeated_headers(&case).is_empty() {
                continue;
            }
            let mut headers: Vec<(String, String)> = request
                .headers
                .iter()
                .filter(|(name, _)| !name.contains('_'))
                .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_owned()))
                .collect();
            headers.sort();
            let date = request.header("x-sdk-date").unwrap();
            assert_eq!(
                test_signature(
                    &case.secret_key,
                    &request.method,
                    request.path(),
                    query,
                    &headers,
                    &request.body,
                    date
                ),
                case.signature,
                "{}",
                case.name
            );
            checked.push(case.name);
        }
        for published in ["get-published", "post-published"] {
            assert!(checked.iter().any(|name| name == published), "{checked:?}");
        }
    }

    /// Every vector's request with its `Authorization`, received at its `X-Sdk-Date`
    /// by a mock that knows its key, is accepted; one that repeats a signed header is
    /// refused, as the mock refuses any repeated authentication header.
    #[test]
    fn every_vector_authenticates() {
        for case in load_all().unwrap() {
            let request = &case.request;
            let mut headers = HeaderMap::new();
            for (name, value) in &request.headers {
                headers.append(
                    axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                    HeaderValue::from_str(value).unwrap(),
                );
            }
            headers.insert(
                "authorization",
                HeaderValue::from_str(&case.authorization).unwrap(),
            );
            let security_token = request.header("x-security-token").map(str::to_owned);
            let config = AuthConfig {
                tokens: Vec::new(),
                access_keys: vec![AccessKey {
                    access_key: case.access_key.clone(),
                    secret_key: case.secret_key.clone(),
                    security_token: security_token.clone(),
                }],
                max_clock_skew: DEFAULT_MAX_CLOCK_SKEW,
            };
            let date = request.header("x-sdk-date").unwrap();
            let signed_at = time::PrimitiveDateTime::parse(date, SDK_DATE_FORMAT)
                .unwrap()
                .assume_utc();
            let received = Received {
                method: &request.method,
                path: request.path(),
                query: request.query(),
                headers: &headers,
                body: &request.body,
            };
            let expected = match repeated_headers(&case).first() {
                Some(name) => refused(&format!("header {name} is sent more than once")),
                None => Ok(Principal::AccessKey {
                    access_key: case.access_key.clone(),
                    temporary: security_token.is_some(),
                }),
            };
            assert_eq!(
                config.authenticate(&received, signed_at),
                expected,
                "{}",
                case.name
            );
        }
    }

    /// Headers of a request to `POST /v2/p/x`, signed by [`test_signature`].
    fn signed(ak: &str, sk: &str, date: &str, extra: &[(&str, &str)], body: &[u8]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("127.0.0.1:1"));
        headers.insert("x-sdk-date", HeaderValue::from_str(date).unwrap());
        for (name, value) in extra {
            headers.insert(
                axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        let mut pairs: Vec<(String, String)> = headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap().to_owned()))
            .collect();
        pairs.sort();
        let signature = test_signature(sk, "POST", "/v2/p/x", "", &pairs, body, date);
        let names: Vec<&str> = pairs.iter().map(|(name, _)| name.as_str()).collect();
        let value = format!(
            "{ALGORITHM} Access={ak}, SignedHeaders={}, Signature={signature}",
            names.join(";")
        );
        headers.insert("authorization", HeaderValue::from_str(&value).unwrap());
        headers
    }

    fn check(headers: &HeaderMap, body: &[u8]) -> Result<Principal, AuthFailure> {
        let request = Received {
            method: "POST",
            path: "/v2/p/x",
            query: None,
            headers,
            body,
        };
        config().authenticate(&request, NOW)
    }

    fn refused(reason: &str) -> Result<Principal, AuthFailure> {
        Err(AuthFailure(reason.to_owned()))
    }

    #[test]
    fn tokens() {
        let mut headers = HeaderMap::new();
        assert_eq!(
            check(&headers, b""),
            refused(
                "no credentials: send X-Auth-Token or Authorization: SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…"
            )
        );
        headers.insert("x-auth-token", HeaderValue::from_static("good-token"));
        assert_eq!(check(&headers, b""), Ok(Principal::Token));
        headers.insert("x-auth-token", HeaderValue::from_static("bad-token"));
        assert_eq!(
            check(&headers, b""),
            refused("X-Auth-Token is not a token this mock accepts")
        );
        headers.append("x-auth-token", HeaderValue::from_static("good-token"));
        assert_eq!(
            check(&headers, b""),
            refused("header x-auth-token is sent more than once")
        );
    }

    #[test]
    fn a_valid_signature_is_accepted_and_any_change_is_not() {
        let headers = signed(
            "AK1",
            "SK1",
            "20260102T030405Z",
            &[("content-type", "application/json")],
            b"{}",
        );
        assert_eq!(
            check(&headers, b"{}"),
            Ok(Principal::AccessKey {
                access_key: "AK1".into(),
                temporary: false
            })
        );
        assert_eq!(check(&headers, b"{ }"), refused(MISMATCH));
        let mut changed = headers.clone();
        changed.insert("content-type", HeaderValue::from_static("text/plain"));
        assert_eq!(check(&changed, b"{}"), refused(MISMATCH));
        let mut missing = headers.clone();
        missing.remove("content-type");
        assert_eq!(
            check(&missing, b"{}"),
            refused("header content-type is listed in SignedHeaders but absent")
        );
        let wrong_key = signed("AK1", "SK-other", "20260102T030405Z", &[], b"{}");
        assert_eq!(check(&wrong_key, b"{}"), refused(MISMATCH));
        let unknown = signed("AK9", "SK1", "20260102T030405Z", &[], b"{}");
        assert_eq!(
            check(&unknown, b"{}"),
            refused("Authorization: Access is not an access key this mock knows")
        );
    }

    #[test]
    fn the_date_may_be_at_most_fifteen_minutes_off() {
        let edge = signed("AK1", "SK1", "20260102T031905Z", &[], b"");
        assert!(matches!(check(&edge, b""), Ok(Principal::AccessKey { .. })));
        let edge = signed("AK1", "SK1", "20260102T024905Z", &[], b"");
        assert!(matches!(check(&edge, b""), Ok(Principal::AccessKey { .. })));
        let early = signed("AK1", "SK1", "20260102T024904Z", &[], b"");
        assert_eq!(
            check(&early, b""),
            refused(
                "X-Sdk-Date 20260102T024904Z is 901s away from the server's clock (at most 900s allowed)"
            )
        );
        let late = signed("AK1", "SK1", "20260102T031906Z", &[], b"");
        assert_eq!(
            check(&late, b""),
            refused(
                "X-Sdk-Date 20260102T031906Z is 901s away from the server's clock (at most 900s allowed)"
            )
        );
        let garbage = signed("AK1", "SK1", "yesterday", &[], b"");
        assert_eq!(
            check(&garbage, b""),
            refused("X-Sdk-Date \"yesterday\" is not YYYYMMDDTHHMMSSZ")
        );
    }

    #[test]
    fn temporary_keys_need_their_security_token() {
        let date = "20260102T030405Z";
        let good = signed("TMP", "SK2", date, &[("x-security-token", "sts")], b"");
        assert_eq!(
            check(&good, b""),
            Ok(Principal::AccessKey {
                access_key: "TMP".into(),
                temporary: true
            })
        );
        assert_eq!(
            check(&signed("TMP", "SK2", date, &[], b""), b""),
            refused("this temporary access key needs its X-Security-Token")
        );
        assert_eq!(
            check(
                &signed("TMP", "SK2", date, &[("x-security-token", "other")], b""),
                b""
            ),
            refused("X-Security-Token does not belong to this temporary access key")
        );
        assert_eq!(
            check(
                &signed("AK1", "SK1", date, &[("x-security-token", "sts")], b""),
                b""
            ),
            refused("X-Security-Token was sent with a permanent access key")
        );
    }

    #[test]
    fn malformed_authorization_headers_are_explained() {
        for (value, expected) in [
            ("Basic abc", "Authorization must start with SDK-HMAC-SHA256"),
            (
                "SDK-HMAC-SHA256 Access=AK1",
                "Authorization needs Access, SignedHeaders and Signature",
            ),
            (
                "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=x-sdk-date;host, Signature=00",
                "SignedHeaders must be sorted and without repeats",
            ),
            (
                "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host, Signature=00",
                "SignedHeaders must include x-sdk-date",
            ),
            (
                "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=Host;x-sdk-date, Signature=00",
                "SignedHeaders must be lowercase header names without '_', joined by ';'",
            ),
            (
                "SDK-HMAC-SHA256 Access=AK1, Access=AK1",
                "Authorization has Access twice",
            ),
            (
                "SDK-HMAC-SHA256 Access=AK1, Region=x",
                "Authorization has an unknown field \"Region\"",
            ),
        ] {
            let mut headers = HeaderMap::new();
            headers.insert("authorization", HeaderValue::from_static(value));
            assert_eq!(check(&headers, b""), refused(expected), "{value}");
        }
        let mut both = signed("AK1", "SK1", "20260102T030405Z", &[], b"");
        both.insert("x-auth-token", HeaderValue::from_static("good-token"));
        assert_eq!(
            check(&both, b""),
            refused("send either X-Auth-Token or an Authorization signature, not both")
        );
    }
}
