//! `SDK-HMAC-SHA256`: the shared vectors (`crates/workspace-orders-signing-vectors`)
//! byte for byte, through the signer and through the independent implementation in
//! `support`, and random requests checked against that implementation.

use crate::support;

use huaweicloud_workspace_orders::signer::{self, canonical_query, canonical_uri};
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, Request, Url};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use workspace_orders_signing_vectors::{Case, load_all};

/// 2024-01-02T03:04:05Z.
fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_704_164_645)
}

/// The case's request as the client holds it before signing: `https://<host><target>`,
/// the headers in the order sent, the body.
fn client_request(case: &Case) -> Request {
    let sent = &case.request;
    let url = Url::parse(&format!(
        "https://{}{}",
        sent.header("host").unwrap(),
        sent.target
    ))
    .unwrap();
    // The URL keeps the target as written, so the signer sees the case's bytes.
    assert_eq!(
        (url.path(), url.query()),
        (sent.path(), sent.query()),
        "{}",
        case.name
    );
    let mut request = Request::new(Method::from_bytes(sent.method.as_bytes()).unwrap(), url);
    for (name, value) in &sent.headers {
        request.headers_mut().append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    if !sent.body.is_empty() {
        *request.body_mut() = Some(sent.body.clone().into());
    }
    request
}

/// Every shared vector, at each stage the signer exposes: canonical URI and query,
/// canonical request, signature, and the `Authorization` header it sets.
#[test]
fn the_signer_reproduces_every_vector() {
    let cases = load_all().unwrap();
    assert!(cases.len() >= 12, "{} cases", cases.len());
    for case in cases {
        let name = &case.name;
        let mut request = client_request(&case);
        let lines: Vec<&str> = case.canonical_request.split('\n').collect();
        assert_eq!(canonical_uri(request.url().path()), lines[1], "{name}: URI");
        assert_eq!(
            canonical_query(request.url().query()),
            lines[2],
            "{name}: query"
        );

        let signed = signer::sign(
            &mut request,
            &case.access_key,
            case.secret_key.as_bytes(),
            now(),
        )
        .unwrap();
        assert_eq!(signed.canonical_request, case.canonical_request, "{name}");
        assert_eq!(signed.signature, case.signature, "{name}");
        assert_eq!(
            request.headers()["authorization"],
            case.authorization.as_str(),
            "{name}"
        );
        assert!(request.headers()["authorization"].is_sensitive());
        // The case's X-Sdk-Date is kept, not replaced by `now()`.
        assert_eq!(
            Some(signed.sdk_date.as_str()),
            case.request.header("x-sdk-date"),
            "{name}"
        );
    }
}

/// Every shared vector through the independent signer of `support`, stage by stage,
/// and through its verifier.
#[test]
fn the_independent_signer_reproduces_every_vector() {
    for case in load_all().unwrap() {
        let name = &case.name;
        let mut headers = axum::http::HeaderMap::new();
        for (header, value) in &case.request.headers {
            headers.append(
                HeaderName::from_bytes(header.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        headers.insert(
            "authorization",
            HeaderValue::from_str(&case.authorization).unwrap(),
        );
        let received = support::Received {
            method: case.request.method.parse().unwrap(),
            uri: case.request.target.parse().unwrap(),
            headers,
            body: case.request.body.clone().into(),
        };
        let signed = support::verify_signature(&received, &case.access_key, &case.secret_key)
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        let canonical = support::canonical_request(&received, &signed).unwrap();
        assert_eq!(canonical, case.canonical_request, "{name}");
        let string_to_sign =
            support::string_to_sign(case.request.header("x-sdk-date").unwrap(), &canonical);
        assert_eq!(string_to_sign, case.string_to_sign, "{name}");
        assert_eq!(
            support::signature(&case.secret_key, &string_to_sign),
            case.signature,
            "{name}"
        );
        assert!(support::verify_signature(&received, &case.access_key, "another secret").is_err());
    }
}

#[test]
fn the_body_hash_covers_the_exact_bytes() {
    let case = load_all()
        .unwrap()
        .into_iter()
        .find(|case| case.name == "post-published")
        .unwrap();
    let mut spaced = client_request(&case);
    *spaced.body_mut() = Some(r#"{"name": "test", "id": 1}"#.into());
    let signed = signer::sign(&mut spaced, "AccessKey", b"SecretKey", now()).unwrap();
    assert_ne!(signed.signature, case.signature);
}

#[test]
fn a_missing_sdk_date_is_set_from_the_clock_and_a_malformed_one_refused() {
    let mut request = Request::new(Method::GET, Url::parse("https://example.com/x").unwrap());
    let signed = signer::sign(&mut request, "AK", b"SK", now()).unwrap();
    assert_eq!(signed.sdk_date, "20240102T030405Z");
    assert_eq!(request.headers()["x-sdk-date"], "20240102T030405Z");

    let mut request = Request::new(Method::GET, Url::parse("https://example.com/x").unwrap());
    request.headers_mut().insert(
        "x-sdk-date",
        HeaderValue::from_static("2024-01-02T03:04:05Z"),
    );
    let error = signer::sign(&mut request, "AK", b"SK", now()).unwrap_err();
    assert!(error.to_string().contains("X-Sdk-Date"), "{error}");
    assert!(!request.headers().contains_key("authorization"));
}

#[test]
fn host_carries_a_non_default_port_only() {
    let host = |url: &str| signer::host_header(&Url::parse(url).unwrap()).unwrap();
    assert_eq!(host("https://example.com:443/"), "example.com");
    assert_eq!(host("http://example.com:80/"), "example.com");
    assert_eq!(host("https://example.com:8443/"), "example.com:8443");
    assert_eq!(host("http://127.0.0.1:3000/v1"), "127.0.0.1:3000");
    assert_eq!(host("http://[::1]:3000/"), "[::1]:3000");
}

/// Inputs no received request has (the vectors hold every wire form): an empty path,
/// and characters a URL would have escaped.
#[test]
fn paths_and_queries_not_in_wire_form() {
    assert_eq!(canonical_uri(""), "/");
    assert_eq!(canonical_uri("/a b"), "/a%20b/");
    assert_eq!(canonical_uri("/café"), "/caf%C3%A9/");
    assert_eq!(canonical_query(Some("")), "");
}

/// A small deterministic generator, so the property test needs no extra crate and a
/// failure is reproducible.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }

    fn string(&mut self, max_len: u64) -> String {
        const ALPHABET: &[&str] = &[
            "a", "Z", "0", "-", "_", ".", "~", " ", "+", "%", "/", "?", "#", "&", "=", ";", ",",
            "é", "中", "😀", "\"", "'", "*", "(", ")", "!", "@", ":", "$",
        ];
        let len = self.next() % (max_len + 1);
        (0..len).map(|_| *self.pick(ALPHABET)).collect()
    }
}

/// Any path segments and query pairs, put into a URL the way the client builds them,
/// canonicalise to what the independent implementation computes from the raw values.
#[test]
fn canonical_forms_agree_with_an_independent_implementation() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for _ in 0..2000 {
        // A path stem, so that a leading empty segment is kept by the URL.
        let mut url = Url::parse("https://example.com/stem").unwrap();
        let segments: Vec<String> = (0..=rng.next() % 4)
            .map(|_| rng.string(6))
            .filter(|s| s != "." && s != "..")
            .collect();
        url.path_segments_mut().unwrap().extend(&segments);
        let pairs: Vec<(String, String)> = (0..rng.next() % 4)
            .map(|_| (rng.string(4), rng.string(4)))
            .collect();
        if !pairs.is_empty() {
            let mut query = url.query_pairs_mut();
            for (key, value) in &pairs {
                query.append_pair(key, value);
            }
        }

        let raw_path = format!("/stem/{}", segments.join("/"));
        let expected_uri = support::expected_canonical_uri(raw_path.as_bytes());
        let expected_query = support::expected_canonical_query(
            pairs
                .iter()
                .map(|(k, v)| (k.as_bytes().to_vec(), v.as_bytes().to_vec()))
                .collect(),
        );
        assert_eq!(canonical_uri(url.path()), expected_uri, "url {url}");
        assert_eq!(canonical_query(url.query()), expected_query, "url {url}");
        // The encoder keeps exactly the unreserved characters.
        for segment in &segments {
            let encoded = signer::encode(segment.as_bytes());
            assert_eq!(encoded, support::uri_encode(segment.as_bytes()));
            assert_eq!(support::uri_decode(&encoded, false), segment.as_bytes());
        }
    }
}

/// Signing a random request and verifying it with the independent verifier.
#[test]
fn signatures_verify_independently() {
    let mut rng = XorShift(42);
    for round in 0..200 {
        let mut url = Url::parse("http://127.0.0.1:8080/v2").unwrap();
        url.path_segments_mut()
            .unwrap()
            .push(&rng.string(8))
            .push("orders");
        if round % 2 == 0 {
            url.query_pairs_mut()
                .append_pair(&rng.string(3), &rng.string(3))
                .append_pair("limit", "10");
        }
        let body = rng.string(30);
        let mut request = Request::new(Method::POST, url.clone());
        request
            .headers_mut()
            .insert("content-type", HeaderValue::from_static("application/json"));
        *request.body_mut() = Some(body.clone().into());
        signer::sign(&mut request, "AKID", b"the secret", now()).unwrap();

        let received = support::Received {
            method: axum::http::Method::POST,
            uri: match url.query() {
                Some(query) => format!("{}?{query}", url.path()),
                None => url.path().to_owned(),
            }
            .parse()
            .unwrap(),
            headers: request.headers().clone(),
            body: body.into(),
        };
        support::verify_signature(&received, "AKID", "the secret").unwrap();
        assert!(support::verify_signature(&received, "AKID", "another secret").is_err());
    }
}
