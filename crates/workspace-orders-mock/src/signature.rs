//! `SDK-HMAC-SHA256` signatures, recomputed from a received request.
//!
//! An implementation independent of the client's signer, written from the published
//! algorithm (Huawei's API Gateway signing): canonical request
//! `METHOD\nURI/\nQUERY\nname:value\n…\n\nSIGNED_HEADERS\nhex(sha256(body))`, string to
//! sign `SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex sha256(canonical request)>`, HMAC-SHA256
//! keyed with the secret key.

use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode, percent_encode};
use sha2::{Digest, Sha256};

/// The algorithm name in `Authorization` and the string to sign.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// Everything but the unreserved characters `A-Za-z0-9-_.~` is percent-encoded.
const RESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The parts of a request that the signature covers, as received.
#[derive(Debug, Clone, Copy)]
pub struct SignedParts<'a> {
    /// HTTP method (`POST`).
    pub method: &'a str,
    /// Path as received (still percent-encoded).
    pub path: &'a str,
    /// Query string as received, without `?`.
    pub query: Option<&'a str>,
    /// The signed headers: lowercase names in SignedHeaders order, trimmed values.
    pub headers: &'a [(String, String)],
    /// The exact body bytes.
    pub body: &'a [u8],
}

fn encode_bytes(bytes: &[u8]) -> String {
    // Byte by byte, so bytes that are not UTF-8 are encoded too.
    percent_encode(bytes, RESERVED).to_string()
}

/// The path, each segment decoded then re-encoded, always ending in `/`.
pub fn canonical_path(path: &str) -> String {
    let mut out = path
        .split('/')
        .map(|segment| encode_bytes(&percent_decode(segment.as_bytes()).collect::<Vec<u8>>()))
        .collect::<Vec<_>>()
        .join("/");
    if !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// The query, parameters decoded (form style), sorted by name then value, re-encoded.
pub fn canonical_query(query: Option<&str>) -> String {
    let decode =
        |text: &str| -> Vec<u8> { percent_decode(text.replace('+', " ").as_bytes()).collect() };
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = query
        .into_iter()
        .flat_map(|query| query.split('&'))
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => (decode(name), decode(value)),
            None => (decode(pair), Vec::new()),
        })
        .collect();
    pairs.sort();
    pairs
        .into_iter()
        .map(|(name, value)| format!("{}={}", encode_bytes(&name), encode_bytes(&value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The canonical request of `parts`.
pub fn canonical_request(parts: &SignedParts<'_>) -> String {
    let headers: String = parts
        .headers
        .iter()
        .map(|(name, value)| format!("{name}:{value}\n"))
        .collect();
    let names = parts
        .headers
        .iter()
        .map(|(name, _)| name.as_str())
        .collect::<Vec<_>>()
        .join(";");
    [
        parts.method.to_owned(),
        canonical_path(parts.path),
        canonical_query(parts.query),
        headers,
        names,
        hex::encode(Sha256::digest(parts.body)),
    ]
    .join("\n")
}

/// The string to sign for `parts` dated `sdk_date`.
pub fn string_to_sign(parts: &SignedParts<'_>, sdk_date: &str) -> String {
    format!(
        "{ALGORITHM}\n{sdk_date}\n{}",
        hex::encode(Sha256::digest(canonical_request(parts).as_bytes()))
    )
}

fn mac(secret_key: &[u8], message: &str) -> Option<Hmac<Sha256>> {
    // HMAC takes keys of any length, so this is always Some for SHA-256.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key).ok()?;
    mac.update(message.as_bytes());
    Some(mac)
}

/// The hex signature the client should have sent.
pub fn expected_signature(
    secret_key: &[u8],
    parts: &SignedParts<'_>,
    sdk_date: &str,
) -> Option<String> {
    let mac = mac(secret_key, &string_to_sign(parts, sdk_date))?;
    Some(hex::encode(mac.finalize().into_bytes()))
}

/// Whether `signature` (hex) is right, compared in constant time.
pub fn verify(secret_key: &[u8], parts: &SignedParts<'_>, sdk_date: &str, signature: &str) -> bool {
    let Ok(received) = hex::decode(signature) else {
        return false;
    };
    mac(secret_key, &string_to_sign(parts, sdk_date))
        .is_some_and(|mac| mac.verify_slice(&received).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Huawei's Python SDK core test vectors (the `TEST_UNDERSCORE` header is unsigned).
    fn vector(
        method: &'static str,
        body: &'static [u8],
    ) -> (Vec<(String, String)>, &'static str, &'static [u8]) {
        let headers = vec![
            (
                "host".to_owned(),
                "service.endpoint.myhuaweicloud.com".to_owned(),
            ),
            ("x-sdk-date".to_owned(), "20200608T023900Z".to_owned()),
        ];
        (headers, method, body)
    }

    #[test]
    fn published_get_vector() {
        let (headers, method, body) = vector("GET", b"");
        let parts = SignedParts {
            method,
            path: "/resources",
            query: Some("size=1"),
            headers: &headers,
            body,
        };
        let expected = "cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842";
        assert_eq!(
            expected_signature(b"SecretKey", &parts, "20200608T023900Z").unwrap(),
            expected
        );
        assert!(verify(b"SecretKey", &parts, "20200608T023900Z", expected));
        assert!(!verify(b"OtherKey", &parts, "20200608T023900Z", expected));
        assert!(!verify(b"SecretKey", &parts, "20200608T023901Z", expected));
    }

    #[test]
    fn published_post_vector() {
        let (headers, method, body) = vector("POST", br#"{"name":"test","id":1}"#);
        let parts = SignedParts {
            method,
            path: "/resources",
            query: Some("size=1"),
            headers: &headers,
            body,
        };
        assert_eq!(
            expected_signature(b"SecretKey", &parts, "20200608T023900Z").unwrap(),
            "436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f"
        );
        let tampered = SignedParts {
            body: br#"{"name":"test","id":2}"#,
            ..parts
        };
        assert!(!verify(
            b"SecretKey",
            &tampered,
            "20200608T023900Z",
            "436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f"
        ));
    }

    #[test]
    fn paths_and_queries_are_canonicalised() {
        assert_eq!(canonical_path("/v1/a%20b/c"), "/v1/a%20b/c/");
        assert_eq!(canonical_path("/v1/x:y/"), "/v1/x%3Ay/");
        assert_eq!(canonical_path("/"), "/");
        assert_eq!(canonical_query(Some("b=2&a=3&a=1&c")), "a=1&a=3&b=2&c=");
        assert_eq!(canonical_query(Some("q=a+b%2Bc")), "q=a%20b%2Bc");
        assert_eq!(canonical_query(None), "");
    }

    #[test]
    fn malformed_signatures_are_rejected() {
        let (headers, method, body) = vector("GET", b"");
        let parts = SignedParts {
            method,
            path: "/",
            query: None,
            headers: &headers,
            body,
        };
        assert!(!verify(b"SecretKey", &parts, "20200608T023900Z", "zz"));
        assert!(!verify(b"SecretKey", &parts, "20200608T023900Z", ""));
    }
}
