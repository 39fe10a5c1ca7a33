//! `SDK-HMAC-SHA256` request signing, as Huawei Cloud's official SDKs do it.
//!
//! The canonical request is
//! `METHOD\nURI\nQUERY\nHEADERS\nSIGNED_HEADERS\nhex(sha256(body))`, where
//!
//! - `URI` is the percent-decoded path split on `/`, each segment percent-encoded
//!   (only `A-Za-z0-9-_.~` kept), joined with `/` and always ending in `/`;
//! - `QUERY` is every `key=value` pair, decoded and re-encoded the same way, sorted by
//!   key and then by value, joined with `&`;
//! - `HEADERS` is `name:trimmed-value\n` for each signed header, sorted by name;
//!   `SIGNED_HEADERS` are those names joined with `;`. Every header on the request is
//!   signed except names containing `_` (gateways drop them) and `Authorization`;
//!   `host` and `x-sdk-date` are always present.
//!
//! The string to sign is `SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex sha256(canonical request)>`
//! and the signature is its hex HMAC-SHA256 keyed with the secret key.
//!
//! ```
//! use huaweicloud_workspace_orders::signer;
//!
//! // The GET vector of Huawei's Python SDK core tests.
//! let mut request = reqwest::Request::new(
//!     reqwest::Method::GET,
//!     "https://service.endpoint.myhuaweicloud.com/resources?size=1".parse()?,
//! );
//! request
//!     .headers_mut()
//!     .insert("x-sdk-date", "20200608T023900Z".parse()?);
//! let signed = signer::sign(&mut request, "AccessKey", b"SecretKey", std::time::SystemTime::now())?;
//! assert_eq!(
//!     signed.signature,
//!     "cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::time::{SystemTime, UNIX_EPOCH};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode, percent_encode};
use reqwest::header::{AUTHORIZATION, HOST, HeaderName, HeaderValue};
use ring::{digest, hmac};

/// The algorithm name in the string to sign and the `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// The header carrying the signing time.
pub const SDK_DATE_HEADER: HeaderName = HeaderName::from_static("x-sdk-date");

/// Everything except the unreserved characters `A-Za-z0-9-_.~` is encoded.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Why a request could not be signed.
#[derive(Debug)]
#[non_exhaustive]
pub enum SignError {
    /// The caller's `X-Sdk-Date` is not `YYYYMMDDTHHMMSSZ`.
    MalformedSdkDate,
    /// The body is a stream whose bytes are not known before sending.
    StreamingBody,
    /// The URL has no host to sign.
    NoHost,
    /// A computed header value is not a valid HTTP header value.
    InvalidHeader(&'static str),
    /// The secret key cannot key HMAC-SHA256. No longer returned: HMAC takes a key of
    /// any length (kept so that matching code still compiles).
    Key,
}

impl std::fmt::Display for SignError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignError::MalformedSdkDate => {
                f.write_str("header X-Sdk-Date must be a UTC time written YYYYMMDDTHHMMSSZ")
            }
            SignError::StreamingBody => {
                f.write_str("the request body is a stream; only buffered bodies can be signed")
            }
            SignError::NoHost => f.write_str("the request URL has no host"),
            SignError::InvalidHeader(name) => write!(f, "the {name} header value cannot be sent"),
            SignError::Key => f.write_str("the secret key cannot be used as an HMAC-SHA256 key"),
        }
    }
}

impl std::error::Error for SignError {}

/// The result of signing: what was added to the request, and how it was computed.
///
/// Its `Debug` shows no secret: the signature is redacted, and so are the values of
/// `X-Security-Token` and `X-Auth-Token` in the canonical request.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Signed {
    /// The `X-Sdk-Date` value used.
    pub sdk_date: String,
    /// The signed header names, `;`-joined.
    pub signed_headers: String,
    /// The canonical request that was hashed.
    pub canonical_request: String,
    /// The hex signature.
    pub signature: String,
}

impl std::fmt::Debug for Signed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let canonical_request: Vec<Cow<'_, str>> = self
            .canonical_request
            .split('\n')
            .map(|line| match line.split_once(':') {
                Some((name, _)) if SECRET_HEADERS.contains(&name) => {
                    Cow::Owned(format!("{name}:<redacted>"))
                }
                _ => Cow::Borrowed(line),
            })
            .collect();
        f.debug_struct("Signed")
            .field("sdk_date", &self.sdk_date)
            .field("signed_headers", &self.signed_headers)
            .field("canonical_request", &canonical_request.join("\n"))
            .field("signature", &"<redacted>")
            .finish()
    }
}

/// Headers whose values are credentials (canonical, lower-case names).
const SECRET_HEADERS: [&str; 2] = ["x-security-token", "x-auth-token"];

/// Signs `request` in place with the access key `access_key` and secret key
/// `secret_key`: sets `Host` and `X-Sdk-Date` (an existing `X-Sdk-Date` is kept and
/// validated; otherwise `now` is used) and `Authorization`, marked sensitive.
pub fn sign(
    request: &mut reqwest::Request,
    access_key: &str,
    secret_key: &[u8],
    now: SystemTime,
) -> Result<Signed, SignError> {
    let sdk_date = match request.headers().get(&SDK_DATE_HEADER) {
        Some(value) => {
            let text = value.to_str().map_err(|_| SignError::MalformedSdkDate)?;
            if !is_sdk_date(text) {
                return Err(SignError::MalformedSdkDate);
            }
            text.to_owned()
        }
        None => {
            let text = sdk_date(now);
            let value =
                HeaderValue::from_str(&text).map_err(|_| SignError::InvalidHeader("X-Sdk-Date"))?;
            request.headers_mut().insert(SDK_DATE_HEADER, value);
            text
        }
    };
    if !request.headers().contains_key(HOST) {
        let host = host_header(request.url()).ok_or(SignError::NoHost)?;
        let value = HeaderValue::from_str(&host).map_err(|_| SignError::InvalidHeader("Host"))?;
        request.headers_mut().insert(HOST, value);
    }
    // A previous signature is not part of what is signed.
    request.headers_mut().remove(AUTHORIZATION);

    let body: &[u8] = match request.body() {
        None => &[],
        Some(body) => body.as_bytes().ok_or(SignError::StreamingBody)?,
    };
    let (canonical_request, signed_headers) = canonical_request(request, body);
    let mut string_to_sign = String::with_capacity(ALGORITHM.len() + sdk_date.len() + 66);
    string_to_sign.push_str(ALGORITHM);
    string_to_sign.push('\n');
    string_to_sign.push_str(&sdk_date);
    string_to_sign.push('\n');
    push_hex(
        &mut string_to_sign,
        digest::digest(&digest::SHA256, canonical_request.as_bytes()).as_ref(),
    );
    let signature = hmac_hex(secret_key, string_to_sign.as_bytes());
    let mut authorization = HeaderValue::from_str(&format!(
        "{ALGORITHM} Access={access_key}, SignedHeaders={signed_headers}, Signature={signature}"
    ))
    .map_err(|_| SignError::InvalidHeader("Authorization"))?;
    authorization.set_sensitive(true);
    request.headers_mut().insert(AUTHORIZATION, authorization);
    Ok(Signed {
        sdk_date,
        signed_headers,
        canonical_request,
        signature,
    })
}

/// The `Host` header value for `url`: the host, plus the port when it is not the
/// scheme's default (the URL parser already drops default ports).
pub fn host_header(url: &reqwest::Url) -> Option<String> {
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// The canonical request of `request` with body bytes `body`, and its signed header
/// names joined with `;`. Headers are taken as they are; [`sign`] adds `Host` and
/// `X-Sdk-Date` first.
pub fn canonical_request(request: &reqwest::Request, body: &[u8]) -> (String, String) {
    let mut headers: Vec<(&str, Cow<'_, str>)> = request
        .headers()
        .iter()
        .filter(|(name, _)| *name != AUTHORIZATION && !name.as_str().contains('_'))
        .map(|(name, value)| {
            // Values this client sends are visible ASCII (credentials and ids are
            // checked when made), so the lossy conversion never alters them.
            let text = match String::from_utf8_lossy(value.as_bytes()) {
                Cow::Borrowed(text) => Cow::Borrowed(text.trim()),
                Cow::Owned(text) => Cow::Owned(text.trim().to_owned()),
            };
            (name.as_str(), text)
        })
        .collect();
    headers.sort_unstable();
    let mut signed_headers = String::new();
    let mut previous = None;
    for (name, _) in &headers {
        // Sorted, so a repeated name follows itself: list it once.
        if previous == Some(*name) {
            continue;
        }
        if previous.is_some() {
            signed_headers.push(';');
        }
        signed_headers.push_str(name);
        previous = Some(*name);
    }

    let url = request.url();
    let headers_len: usize = headers
        .iter()
        .map(|(name, value)| name.len() + value.len() + 2)
        .sum();
    let mut canonical =
        String::with_capacity(url.as_str().len() + headers_len + signed_headers.len() + 80);
    canonical.push_str(request.method().as_str());
    canonical.push('\n');
    canonical.push_str(&canonical_uri(url.path()));
    canonical.push('\n');
    canonical.push_str(&canonical_query(url.query()));
    canonical.push('\n');
    for (name, value) in &headers {
        canonical.push_str(name);
        canonical.push(':');
        canonical.push_str(value);
        canonical.push('\n');
    }
    canonical.push('\n');
    canonical.push_str(&signed_headers);
    canonical.push('\n');
    push_hex(
        &mut canonical,
        digest::digest(&digest::SHA256, body).as_ref(),
    );
    (canonical, signed_headers)
}

/// The canonical URI of an (already percent-encoded) request path.
pub fn canonical_uri(path: &str) -> String {
    // Paths made only of unreserved characters and `/` (every path of this API with
    // a well-formed project id) encode to themselves.
    if path.bytes().all(|byte| byte == b'/' || is_unreserved(byte)) {
        let mut uri = String::with_capacity(path.len() + 1);
        uri.push_str(path);
        if !uri.ends_with('/') {
            uri.push('/');
        }
        return uri;
    }
    let decoded: Vec<u8> = percent_decode(path.as_bytes()).collect();
    let mut uri = decoded
        .split(|byte| *byte == b'/')
        .map(encode)
        .collect::<Vec<_>>()
        .join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The canonical query string of an (already encoded) query: pairs decoded as a form
/// (`+` is a space), re-encoded, sorted by key and then value.
pub fn canonical_query(query: Option<&str>) -> String {
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = query
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(key), form_decode(value))
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes `bytes`, keeping only `A-Za-z0-9-_.~`, with upper-case hex.
pub fn encode(bytes: &[u8]) -> String {
    percent_encode(bytes, ENCODE).to_string()
}

fn form_decode(text: &str) -> Vec<u8> {
    let spaced = text.replace('+', " ");
    percent_decode(spaced.as_bytes()).collect()
}

fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    // ring, already linked for TLS, instead of the RustCrypto hmac/sha2 stack (eight
    // more packages to build); HMAC accepts a key of any length.
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), message);
    let mut signature = String::with_capacity(64);
    push_hex(&mut signature, tag.as_ref());
    signature
}

/// `A-Za-z0-9-_.~`: the bytes [`ENCODE`] keeps.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')
}

/// Appends `bytes` as lower-case hex.
fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
}

/// `now` in UTC as `YYYYMMDDTHHMMSSZ` (years before 1970 or after 9999 cannot be
/// written so; they are clamped to the range's ends).
fn sdk_date(now: SystemTime) -> String {
    let seconds = match now.duration_since(UNIX_EPOCH) {
        Ok(since) => since.as_secs().min(MAX_SDK_DATE_SECONDS),
        Err(_) => 0,
    };
    let (days, of_day) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(days);
    let mut text = String::with_capacity(16);
    let fields = [
        (year, 4),
        (month, 2),
        (day, 2),
        (of_day / 3600, 2),
        (of_day / 60 % 60, 2),
        (of_day % 60, 2),
    ];
    for (index, (value, width)) in fields.into_iter().enumerate() {
        if index == 3 {
            text.push('T');
        }
        for place in (0..width).rev() {
            let digit = (value / 10u64.pow(place)) % 10;
            text.push(char::from(b'0' + digit as u8));
        }
    }
    text.push('Z');
    text
}

/// 9999-12-31T23:59:59Z, the last time `YYYYMMDDTHHMMSSZ` can write.
const MAX_SDK_DATE_SECONDS: u64 = 253_402_300_799;

/// The (year, month, day) of `days` after 1970-01-01, in the proleptic Gregorian
/// calendar (Howard Hinnant's `civil_from_days`, for days on or after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// Whether `text` is a valid UTC time written `YYYYMMDDTHHMMSSZ` (a real calendar
/// day; hours 00–23, minutes and seconds 00–59).
fn is_sdk_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 16 || bytes[8] != b'T' || bytes[15] != b'Z' {
        return false;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes[range].iter().try_fold(0u32, |value, &byte| {
            byte.is_ascii_digit()
                .then(|| value * 10 + u32::from(byte - b'0'))
        })
    };
    let fields = (
        number(0..4),
        number(4..6),
        number(6..8),
        number(9..11),
        number(11..13),
        number(13..15),
    );
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = fields
    else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days_in_month).contains(&day) && hour < 24 && minute < 60 && second < 60
}
