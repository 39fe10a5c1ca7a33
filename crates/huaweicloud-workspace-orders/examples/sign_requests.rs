//! Signs requests given as JSON with this crate's signer and prints the `Authorization`
//! headers, so that another signer (the official SDK's, in
//! `.ci/tools/official-sdk/sign_compare.py`) can be compared with it byte for byte.
//!
//! ```sh
//! cargo run -p huaweicloud-workspace-orders --example sign_requests < requests.json
//! ```
//!
//! Input: a JSON array of objects `{"name", "method", "url", "headers": [[name, value],
//! ...], "body", "access_key", "secret_key"}`; `body` is the UTF-8 text of the body
//! (`""` for none) and `headers` must carry `X-Sdk-Date` (a fixed time: the output
//! must not depend on the clock). `Host` is derived from `url` unless given.
//! Output: a JSON array of `{"name", "authorization", "canonical_request"}` in input
//! order. Exit status 1 with a message naming the request when one cannot be signed.

use std::io::Read as _;
use std::process::ExitCode;

use huaweicloud_workspace_orders::signer;
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ToSign {
    name: String,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: String,
    access_key: String,
    secret_key: String,
}

fn sign(to_sign: ToSign) -> Result<serde_json::Value, String> {
    let method = reqwest::Method::from_bytes(to_sign.method.as_bytes())
        .map_err(|error| format!("method {:?}: {error}", to_sign.method))?;
    let url = reqwest::Url::parse(&to_sign.url)
        .map_err(|error| format!("url {:?}: {error}", to_sign.url))?;
    let mut request = reqwest::Request::new(method, url);
    if !to_sign
        .headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case(signer::SDK_DATE_HEADER.as_str()))
    {
        return Err("no X-Sdk-Date header: the signature would depend on the clock".into());
    }
    for (name, value) in &to_sign.headers {
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|error| format!("header name {name:?}: {error}"))?;
        let value = HeaderValue::from_str(value)
            .map_err(|error| format!("header {name}: value {value:?}: {error}"))?;
        request.headers_mut().append(header, value);
    }
    if !to_sign.body.is_empty() {
        *request.body_mut() = Some(to_sign.body.into());
    }
    // The clock is not read: X-Sdk-Date is given (checked above).
    let signed = signer::sign(
        &mut request,
        &to_sign.access_key,
        to_sign.secret_key.as_bytes(),
        std::time::UNIX_EPOCH,
    )
    .map_err(|error| error.to_string())?;
    let authorization = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .ok_or("the signer set no readable Authorization header")?;
    Ok(json!({
        "name": to_sign.name,
        "authorization": authorization,
        "canonical_request": signed.canonical_request,
    }))
}

fn main() -> ExitCode {
    let mut input = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("error: cannot read the requests from stdin: {error}");
        return ExitCode::FAILURE;
    }
    let requests: Vec<ToSign> = match serde_json::from_str(&input) {
        Ok(requests) => requests,
        Err(error) => {
            eprintln!("error: the input is not a JSON array of requests to sign: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut signed = Vec::with_capacity(requests.len());
    for to_sign in requests {
        let name = to_sign.name.clone();
        match sign(to_sign) {
            Ok(value) => signed.push(value),
            Err(error) => {
                eprintln!("error: request {name:?}: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("{}", serde_json::Value::Array(signed));
    ExitCode::SUCCESS
}
