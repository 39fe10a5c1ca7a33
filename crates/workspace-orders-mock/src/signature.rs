//! `SDK-HMAC-SHA256` signatures, recomputed from a received request.
//!
//! An implementation independent of the client's signer, written from the published
//! algorithm (Huawei's API Gateway signing): canonical request
//! `METHOD\nURI/\nQUERY\nname:value\n…\n\nSIGNED_HEADERS\nhex(sha256(body))`, string to
//! sign `SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex sha256(canonical request)>`, HMAC-SHA256
//! keyed with the secret key.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The algorithm name in `Authorization` and the string to sign.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// Whether signing keeps `byte` as it is. API Gateway's signing guide: URI-encode every
/// byte except the unreserved characters of RFC 3986 (section 2.3), `A-Z`, `a-z`,
/// `0-9`, `-`, `_`, `.` and `~`; a space is `%20`, never `+`; hex digits are upper case.
/// Written here rather than taken from the client's encoding set, so that the two
/// implementations can disagree (and a test see it).
fn is_unreserved(byte: u8) -> bool {
    matches!(byte, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~')
}

/// Percent-encodes `bytes` byte by byte, so bytes that are not UTF-8 are encoded too.
fn encode_bytes(bytes: &[u8]) -> String {
    const HEX_DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len());
    for &byte in bytes {
        if is_unreserved(byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX_DIGITS[usize::from(byte >> 4)]));
            out.push(char::from(HEX_DIGITS[usize::from(byte & 0x0f)]));
        }
    }
    out
}

/// Decodes `%XX` escapes (either case); a `%` without two hex digits after it stays.
fn decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        match escaped_byte(bytes, index) {
            Some(decoded) => {
                out.push(decoded);
                index += 3;
            }
            None => {
                out.push(byte);
                index += 1;
            }
        }
    }
    out
}

/// The byte of the escape `%XX` at `index`, if there is one.
fn escaped_byte(bytes: &[u8], index: usize) -> Option<u8> {
    let hex_value = |at: usize| -> Option<u8> {
        let digit = char::from(*bytes.get(at)?).to_digit(16)?;
        u8::try_from(digit).ok()
    };
    if bytes.get(index) != Some(&b'%') {
        return None;
    }
    Some((hex_value(index + 1)? << 4) | hex_value(index + 2)?)
}

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

/// The path decoded whole, split on `/` (so an escaped `%2F` separates segments, as
/// in Huawei's SDKs), each segment re-encoded, always ending in `/`.
pub fn canonical_path(path: &str) -> String {
    let mut out = decode(path)
        .split(|byte| *byte == b'/')
        .map(encode_bytes)
        .collect::<Vec<_>>()
        .join("/");
    if !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// The query, parameters decoded (form style), sorted by name then value, re-encoded.
pub fn canonical_query(query: Option<&str>) -> String {
    // Form style: `+` is a space.
    let form_decode = |text: &str| decode(&text.replace('+', " "));
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = query
        .into_iter()
        .flat_map(|query| query.split('&'))
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => (form_decode(name), form_decode(value)),
            None => (form_decode(pair), Vec::new()),
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
    use workspace_orders_signing_vectors::{Case, load_all};

    /// The headers `case` signs, as the verifier is given them: each name its
    /// `Authorization` lists, with the trimmed value of each line of that name.
    fn signed_headers(case: &Case) -> Vec<(String, String)> {
        let names = case
            .authorization
            .split_once("SignedHeaders=")
            .and_then(|(_, rest)| rest.split_once(','))
            .map(|(names, _)| names)
            .unwrap();
        names
            .split(';')
            .flat_map(|name| {
                case.request
                    .headers
                    .iter()
                    .filter(move |(sent, _)| sent.eq_ignore_ascii_case(name))
                    .map(move |(_, value)| (name.to_owned(), value.trim().to_owned()))
            })
            .collect()
    }

    fn sdk_date(case: &Case) -> &str {
        case.request.header("x-sdk-date").unwrap()
    }

    #[test]
    fn every_vector_canonicalises_and_signs_as_published() {
        let mut checked = 0;
        for case in load_all().unwrap() {
            let headers = signed_headers(&case);
            if headers.windows(2).any(|pair| pair[0].0 == pair[1].0) {
                // A repeated header is refused before anything is computed (auth.rs
                // tests that), so SignedParts never holds one.
                continue;
            }
            let parts = SignedParts {
                method: &case.request.method,
                path: case.request.path(),
                query: case.request.query(),
                headers: &headers,
                body: &case.request.body,
            };
            let lines: Vec<&str> = case.canonical_request.split('\n').collect();
            let name = &case.name;
            assert_eq!(canonical_path(parts.path), lines[1], "{name}: path");
            assert_eq!(canonical_query(parts.query), lines[2], "{name}: query");
            assert_eq!(canonical_request(&parts), case.canonical_request, "{name}");
            assert_eq!(
                string_to_sign(&parts, sdk_date(&case)),
                case.string_to_sign,
                "{name}"
            );
            let secret_key = case.secret_key.as_bytes();
            assert_eq!(
                expected_signature(secret_key, &parts, sdk_date(&case)).as_deref(),
                Some(case.signature.as_str()),
                "{name}"
            );
            assert!(verify(secret_key, &parts, sdk_date(&case), &case.signature));

            // Another key, another date or another body: no longer the signature.
            assert!(!verify(
                b"OtherKey",
                &parts,
                sdk_date(&case),
                &case.signature
            ));
            assert!(!verify(
                secret_key,
                &parts,
                "19991231T235959Z",
                &case.signature
            ));
            let longer = [case.request.body.as_slice(), b" "].concat();
            let tampered = SignedParts {
                body: &longer,
                ..parts
            };
            assert!(!verify(
                secret_key,
                &tampered,
                sdk_date(&case),
                &case.signature
            ));
            checked += 1;
        }
        assert!(checked >= 11, "only {checked} vectors checked");
    }

    #[test]
    fn malformed_signatures_are_rejected() {
        let case = load_all().unwrap().swap_remove(0);
        let headers = signed_headers(&case);
        let parts = SignedParts {
            method: &case.request.method,
            path: case.request.path(),
            query: case.request.query(),
            headers: &headers,
            body: &case.request.body,
        };
        assert!(verify(
            case.secret_key.as_bytes(),
            &parts,
            sdk_date(&case),
            &case.signature
        ));
        for malformed in ["zz", "", &case.signature[..62]] {
            assert!(
                !verify(
                    case.secret_key.as_bytes(),
                    &parts,
                    sdk_date(&case),
                    malformed
                ),
                "{malformed:?}"
            );
        }
    }
}
