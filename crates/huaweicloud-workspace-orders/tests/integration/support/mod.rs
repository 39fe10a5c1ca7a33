//! Shared by the client tests: a local HTTP server that records what it receives and
//! answers with a canned response, and an `SDK-HMAC-SHA256` verifier written
//! independently of `src/signer.rs` (from the algorithm's description, not its code).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Header names and values, sorted (duplicates joined with `, `).
    pub fn header_map(&self) -> BTreeMap<String, String> {
        let mut map = BTreeMap::<String, String>::new();
        for (name, value) in &self.headers {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            map.entry(name.as_str().to_owned())
                .and_modify(|existing| {
                    existing.push_str(", ");
                    existing.push_str(&value);
                })
                .or_insert(value);
        }
        map
    }
}

/// A canned answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn json(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("x-request-id".into(), "req-0123456789".into()),
            ],
            body: body.into(),
        }
    }

    pub fn order_placed() -> Self {
        Self::json(200, r#"{"order_id":"CS2108102036B2CAI"}"#)
    }
}

/// A local server recording requests and answering every one with `answer`.
pub struct Server {
    pub base_url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    pub async fn start(answer: Answer) -> Server {
        let received = Arc::new(Mutex::new(Vec::new()));
        let record = received.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let record = record.clone();
                let answer = answer.clone();
                async move {
                    record.lock().unwrap().push(Received {
                        method,
                        uri,
                        headers,
                        body,
                    });
                    let mut response =
                        axum::response::Response::new(axum::body::Body::from(answer.body.clone()));
                    *response.status_mut() = StatusCode::from_u16(answer.status).unwrap();
                    for (name, value) in &answer.headers {
                        response.headers_mut().insert(
                            axum::http::HeaderName::try_from(name.as_str()).unwrap(),
                            value.parse().unwrap(),
                        );
                    }
                    response
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Server {
            base_url,
            received,
            task,
        }
    }

    pub fn requests(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn only_request(&self) -> Received {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "expected exactly one request");
        requests.into_iter().next().unwrap()
    }
}

/// A server that writes `raw` (a whole HTTP response, possibly malformed) after
/// reading the request head and body, then closes the connection.
pub async fn raw_server(raw: &'static [u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buffer = [0u8; 4096];
                // Read until the head and the announced body have arrived.
                loop {
                    let n = socket.read(&mut buffer).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buffer[..n]);
                    if let Some(end) = find(&seen, b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&seen[..end]).to_ascii_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .map(|v| v.trim().parse::<usize>().unwrap())
                            .unwrap_or(0);
                        if seen.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                let _ = socket.write_all(raw).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    base_url
}

/// A server that accepts connections and never answers.
pub async fn silent_server() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (base_url, task)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------------
// Independent SDK-HMAC-SHA256 verifier.

fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')
}

/// Percent-encodes every byte but `A-Za-z0-9-_.~`, upper-case hex.
pub fn uri_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &byte in bytes {
        if is_unreserved(byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` escapes (and `+` when `plus_is_space`).
pub fn uri_decode(text: &str, plus_is_space: bool) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match (hex_value(bytes[i + 1]), hex_value(bytes[i + 2])) {
                    (Some(high), Some(low)) => {
                        out.push(high * 16 + low);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' if plus_is_space => out.push(b' '),
            other => out.push(other),
        }
        i += 1;
    }
    out
}

/// The canonical URI from a raw (decoded) path: split on `/`, encode, end with `/`.
pub fn expected_canonical_uri(decoded_path: &[u8]) -> String {
    let mut uri = String::new();
    for (index, segment) in decoded_path.split(|b| *b == b'/').enumerate() {
        if index > 0 {
            uri.push('/');
        }
        uri.push_str(&uri_encode(segment));
    }
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The canonical query from decoded pairs.
pub fn expected_canonical_query(mut pairs: Vec<(Vec<u8>, Vec<u8>)>) -> String {
    pairs.sort();
    let mut parts = Vec::new();
    for (key, value) in pairs {
        parts.push(format!("{}={}", uri_encode(&key), uri_encode(&value)));
    }
    parts.join("&")
}

fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks the `Authorization` header of a received request against `access_key` /
/// `secret_key`; returns the signed header names.
pub fn verify_signature(
    received: &Received,
    access_key: &str,
    secret_key: &str,
) -> Result<Vec<String>, String> {
    let authorization = received
        .header("authorization")
        .ok_or("no Authorization header")?;
    let rest = authorization
        .strip_prefix("SDK-HMAC-SHA256 ")
        .ok_or("wrong algorithm")?;
    let mut access = None;
    let mut signed = None;
    let mut signature_given = None;
    for part in rest.split(", ") {
        let (key, value) = part.split_once('=').ok_or("malformed Authorization")?;
        match key {
            "Access" => access = Some(value),
            "SignedHeaders" => signed = Some(value),
            "Signature" => signature_given = Some(value),
            other => return Err(format!("unexpected Authorization part {other}")),
        }
    }
    if access != Some(access_key) {
        return Err(format!("Access is {access:?}"));
    }
    let signed: Vec<String> = signed
        .ok_or("no SignedHeaders")?
        .split(';')
        .map(str::to_owned)
        .collect();
    for required in ["host", "x-sdk-date"] {
        if !signed.iter().any(|h| h == required) {
            return Err(format!("{required} is not signed"));
        }
    }
    if signed.iter().any(|h| h.contains('_')) {
        return Err("a header with '_' is signed".into());
    }
    let mut sorted = signed.clone();
    sorted.sort();
    if sorted != signed {
        return Err("SignedHeaders are not sorted".into());
    }
    let date = received.header("x-sdk-date").ok_or("no X-Sdk-Date")?;
    if date.len() != 16 || &date[8..9] != "T" || !date.ends_with('Z') {
        return Err(format!("X-Sdk-Date {date:?} is not YYYYMMDDTHHMMSSZ"));
    }

    let canonical = canonical_request(received, &signed)?;
    let expected = signature(secret_key, &string_to_sign(date, &canonical));
    if signature_given != Some(expected.as_str()) {
        return Err(format!(
            "signature mismatch: got {signature_given:?}, expected {expected}\ncanonical request:\n{canonical}"
        ));
    }
    Ok(signed)
}

/// The canonical request of `received` with the header names `signed` (in order).
pub fn canonical_request(received: &Received, signed: &[String]) -> Result<String, String> {
    let path = received.uri.path();
    let query = received.uri.query().unwrap_or("");
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (uri_decode(k, true), uri_decode(v, true))
        })
        .collect();
    let mut canonical_headers = String::new();
    for name in signed {
        let mut values: Vec<&str> = received
            .headers
            .get_all(name.as_str())
            .iter()
            .map(|v| v.to_str().unwrap_or("").trim())
            .collect();
        // A repeated header: one line per value, values sorted (as API Gateway's Go
        // signer does).
        values.sort_unstable();
        if values.is_empty() {
            return Err(format!("signed header {name} was not received"));
        }
        for value in values {
            canonical_headers.push_str(&format!("{name}:{value}\n"));
        }
    }
    Ok(format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        received.method.as_str(),
        expected_canonical_uri(&uri_decode(path, false)),
        expected_canonical_query(pairs),
        canonical_headers,
        signed.join(";"),
        sha256_hex(&received.body),
    ))
}

/// The string to sign of a canonical request dated `sdk_date`.
pub fn string_to_sign(sdk_date: &str, canonical_request: &str) -> String {
    format!(
        "SDK-HMAC-SHA256\n{sdk_date}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

/// The hex HMAC-SHA256 of `string_to_sign` keyed with `secret_key`.
pub fn signature(secret_key: &str, string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key.as_bytes()).unwrap();
    mac.update(string_to_sign.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// ---------------------------------------------------------------------------
// The spec's example requests.

/// One example request of the spec.
#[derive(Debug, Clone)]
pub struct Example {
    pub operation_id: String,
    pub name: String,
    pub value: serde_json::Value,
}

/// Every `requestBody` example of the JSON rendering of the spec, sorted by operation
/// and name.
pub fn examples() -> Vec<Example> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../openapi/workspace-orders.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let spec: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut examples = Vec::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for (method, operation) in item.as_object().unwrap() {
            if method != "post" {
                continue;
            }
            let operation_id = operation["operationId"].as_str().unwrap();
            let found = operation["requestBody"]["content"]["application/json"]["examples"]
                .as_object()
                .unwrap();
            for (name, example) in found {
                examples.push(Example {
                    operation_id: operation_id.to_owned(),
                    name: name.clone(),
                    value: example["value"].clone(),
                });
            }
        }
    }
    examples.sort_by(|a, b| (&a.operation_id, &a.name).cmp(&(&b.operation_id, &b.name)));
    examples
}

/// The example, corrected as `openapi/ERRATA.md` documents where the page's example
/// contradicts its own tables (`.ci/tools/spec/example-errata.json`, through
/// `workspace-orders-openapi`); `None` when no correction applies.
pub fn errata_correction(example: &Example) -> Option<serde_json::Value> {
    let errata = workspace_orders_openapi::example_errata::embedded().unwrap();
    let erratum = workspace_orders_openapi::example_errata::find(
        errata,
        &example.operation_id,
        &example.name,
    )?;
    Some(erratum.apply(&example.value).unwrap())
}

/// A valid body for `operation_id`: its first example, corrected if needed.
pub fn valid_body(operation_id: &str) -> serde_json::Value {
    let example = examples()
        .into_iter()
        .find(|e| e.operation_id == operation_id)
        .unwrap();
    errata_correction(&example).unwrap_or(example.value)
}
