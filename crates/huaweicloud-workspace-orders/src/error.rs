//! What can go wrong with a call, with what Huawei support asks for (HTTP status and
//! `X-Request-Id`) and the raw response body whenever there was a response.
//!
//! Orders cost money and are not idempotent, so every error says whether the order
//! may exist: [`Error::outcome`]. Only [`Outcome::NotSent`] and [`Outcome::Rejected`]
//! make a blind retry safe; after [`Outcome::Unknown`] check for the order first.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::types;

/// The response header Huawei Cloud uses to identify a request.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The `X-Request-Id` of a response, when present and readable.
pub fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// Whether an order may have been placed by a failed call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing reached the service (refused locally, or no connection was made,
    /// whichever timeout ran out): fix the cause and send again.
    NotSent,
    /// The service answered with a documented client error (4xx), or refused the
    /// caller's authentication or authorization (401, 403, documented or not, with or
    /// without a readable body): no order was placed.
    Rejected,
    /// The request may have been processed (timeout after connecting, 5xx, a 2xx
    /// without an order id, an answer that could not be read or was too large): look
    /// for the order before sending again.
    Unknown,
}

/// A response body as received (at most the client's response-size limit), for
/// diagnosis.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct RawBody(pub Vec<u8>);

impl RawBody {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes as text (invalid UTF-8 replaced), cut at a character boundary to
    /// `limit` characters; a cut is marked `… [cut: N of M characters shown]`. A
    /// UTF-8 sequence left unfinished at the end (a body cut by the size limit) is
    /// dropped rather than shown as a replacement character.
    pub fn snippet(&self, limit: usize) -> String {
        let text = String::from_utf8_lossy(without_unfinished_char(&self.0));
        let total = text.chars().count();
        if total <= limit {
            return text.into_owned();
        }
        let mut snippet: String = text.chars().take(limit).collect();
        snippet.push_str(&format!("… [cut: {limit} of {total} characters shown]"));
        snippet
    }
}

/// `bytes` without a trailing UTF-8 sequence that was cut short.
fn without_unfinished_char(bytes: &[u8]) -> &[u8] {
    // A sequence is at most 4 bytes: its lead byte is among the last 3 if it is cut.
    let start = bytes.len().saturating_sub(3);
    for index in (start..bytes.len()).rev() {
        let byte = bytes[index];
        if byte & 0xC0 == 0x80 {
            continue; // a continuation byte: look further back for the lead
        }
        return match std::str::from_utf8(&bytes[index..]) {
            Err(error) if error.error_len().is_none() => &bytes[..index],
            _ => bytes,
        };
    }
    bytes
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.snippet(1024), f)
    }
}

/// A documented error body: the fields every page's error tables share.
pub trait ApiErrorBody {
    /// The service's error code, e.g. `WKS.0001`.
    fn error_code(&self) -> Option<&str>;
    /// The service's error message.
    fn error_msg(&self) -> Option<&str>;
}

impl ApiErrorBody for types::AppOrderError {
    fn error_code(&self) -> Option<&str> {
        self.error_code.as_deref()
    }
    fn error_msg(&self) -> Option<&str> {
        self.error_msg.as_deref()
    }
}

impl ApiErrorBody for types::OrderError {
    fn error_code(&self) -> Option<&str> {
        self.error_code.as_deref()
    }
    fn error_msg(&self) -> Option<&str> {
        self.error_msg.as_deref()
    }
}

/// A failed call; `E` is the operation's documented error body.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The request was refused before anything was sent: a value outside the spec's
    /// limits, a missing or malformed project id, a request that cannot be signed.
    InvalidRequest {
        /// What is wrong, naming the field or setting.
        message: String,
    },
    /// No connection could be made (refused, unreachable, a TLS or proxy failure, or
    /// a timeout, connect or total, before the connection was up); nothing was sent.
    Connect {
        /// The transport error.
        source: reqwest::Error,
    },
    /// The request failed after a connection was made, so it may have reached the
    /// service (a reset, an answer that is not HTTP).
    Transport {
        /// The transport error.
        source: reqwest::Error,
    },
    /// No complete answer arrived in time after a connection was made: the order may
    /// have been placed. (A timeout before any connection is [`Error::Connect`].)
    Timeout {
        /// The total timeout that ran out, when this client set it.
        after: Option<Duration>,
        /// The transport error.
        source: reqwest::Error,
    },
    /// A documented error status with its documented body.
    Api {
        /// The HTTP status.
        status: StatusCode,
        /// The `X-Request-Id` response header.
        request_id: Option<String>,
        /// The decoded error body.
        body: E,
        /// The body as received.
        raw_body: RawBody,
    },
    /// A status the spec does not document for this operation (including redirects,
    /// which are never followed).
    UnexpectedStatus {
        /// The HTTP status.
        status: StatusCode,
        /// The `X-Request-Id` response header.
        request_id: Option<String>,
        /// The body as received.
        raw_body: RawBody,
    },
    /// A documented status whose body is not the documented JSON (a gateway's HTML
    /// page, a truncated document).
    InvalidBody {
        /// The HTTP status.
        status: StatusCode,
        /// The `X-Request-Id` response header.
        request_id: Option<String>,
        /// The body as received.
        raw_body: RawBody,
        /// Why it could not be decoded.
        source: serde_json::Error,
    },
    /// The connection failed while the body was being read.
    IncompleteBody {
        /// The HTTP status.
        status: StatusCode,
        /// The `X-Request-Id` response header.
        request_id: Option<String>,
        /// The part of the body that arrived.
        partial_body: RawBody,
        /// The transport error.
        source: reqwest::Error,
    },
    /// The answer was longer than the client's response-size limit; reading stopped
    /// there (a body that never ends cannot grow memory).
    ResponseTooLarge {
        /// The HTTP status.
        status: StatusCode,
        /// The `X-Request-Id` response header.
        request_id: Option<String>,
        /// The first `limit` bytes of the body.
        partial_body: RawBody,
        /// The limit, in bytes.
        limit: usize,
    },
    /// A 2xx answer without an order id (an empty body, `{}`, an error body): the
    /// order may have been placed, but there is no id to act on.
    MissingOrderId {
        /// The HTTP status.
        status: StatusCode,
        /// The `X-Request-Id` response header.
        request_id: Option<String>,
        /// The body as received.
        raw_body: RawBody,
    },
    /// The client lost track of a response (its hooks and the generated code
    /// disagree); the request was sent.
    Internal {
        /// What happened.
        message: String,
    },
}

impl<E> Error<E> {
    /// Whether the order may exist after this error.
    pub fn outcome(&self) -> Outcome {
        match self {
            Error::InvalidRequest { .. } | Error::Connect { .. } => Outcome::NotSent,
            Error::Api { status, .. } if status.is_client_error() => Outcome::Rejected,
            // The v2 pages document no 401/403, and gateways answer them without the
            // documented body, but the IAM gateway answers them before the order
            // service sees the request: whatever the body, nothing was placed.
            _ if self.status().is_some_and(|status| {
                matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
            }) =>
            {
                Outcome::Rejected
            }
            _ => Outcome::Unknown,
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. }
            | Error::UnexpectedStatus { status, .. }
            | Error::InvalidBody { status, .. }
            | Error::IncompleteBody { status, .. }
            | Error::ResponseTooLarge { status, .. }
            | Error::MissingOrderId { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The response's `X-Request-Id`, when a response arrived and carried one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. }
            | Error::UnexpectedStatus { request_id, .. }
            | Error::InvalidBody { request_id, .. }
            | Error::IncompleteBody { request_id, .. }
            | Error::ResponseTooLarge { request_id, .. }
            | Error::MissingOrderId { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The response body as received (for [`Error::IncompleteBody`], the part that
    /// arrived; for [`Error::ResponseTooLarge`], the part within the limit).
    pub fn raw_body(&self) -> Option<&[u8]> {
        match self {
            Error::Api { raw_body, .. }
            | Error::UnexpectedStatus { raw_body, .. }
            | Error::InvalidBody { raw_body, .. }
            | Error::MissingOrderId { raw_body, .. } => Some(raw_body.as_bytes()),
            Error::IncompleteBody { partial_body, .. }
            | Error::ResponseTooLarge { partial_body, .. } => Some(partial_body.as_bytes()),
            _ => None,
        }
    }
}

/// What every message of an [`Outcome::Unknown`] error tells the caller.
const MAY_EXIST: &str = "check whether the order exists before sending it again";

/// A duration in the unit people set timeouts in.
struct Seconds(Duration);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let duration = self.0;
        if duration.subsec_millis() == 0 && duration.as_secs() > 0 {
            write!(f, "{} s", duration.as_secs())
        } else {
            write!(f, "{} ms", duration.as_millis())
        }
    }
}

/// An error and its sources, `: `-joined: reqwest's own message ("error sending
/// request for url ...") hides the cause (a timeout, a reset) in its sources.
struct Chain<'a>(&'a (dyn std::error::Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(error) = source {
            write!(f, ": {error}")?;
            source = error.source();
        }
        Ok(())
    }
}

fn write_response(
    f: &mut fmt::Formatter<'_>,
    status: StatusCode,
    request_id: &Option<String>,
) -> fmt::Result {
    write!(f, "HTTP {status}")?;
    match request_id {
        Some(id) => write!(f, " (X-Request-Id {id})"),
        None => f.write_str(" (no X-Request-Id)"),
    }
}

impl<E: ApiErrorBody> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest { message } => {
                write!(f, "request refused before sending: {message}")
            }
            Error::Connect { source } => {
                let how = if source.is_timeout() {
                    "timed out while connecting"
                } else {
                    "could not connect"
                };
                write!(f, "{how}; nothing was sent: {}", Chain(source))
            }
            Error::Transport { source } => write!(
                f,
                "the connection failed after the request may have been sent ({}); {MAY_EXIST}",
                Chain(source)
            ),
            Error::Timeout { after, source } => {
                f.write_str("timed out")?;
                if let Some(after) = after {
                    write!(f, " after {}", Seconds(*after))?;
                }
                write!(
                    f,
                    " waiting for the answer ({}); the order may have been placed: check \
                     whether it exists before sending it again",
                    Chain(source)
                )
            }
            Error::Api {
                status,
                request_id,
                body,
                ..
            } => {
                write_response(f, *status, request_id)?;
                write!(
                    f,
                    ": {}: {}",
                    body.error_code().unwrap_or("(no error_code)"),
                    body.error_msg().unwrap_or("(no error_msg)")
                )
            }
            Error::UnexpectedStatus {
                status,
                request_id,
                raw_body,
            } => {
                write_response(f, *status, request_id)?;
                write!(
                    f,
                    ": status not documented for this operation; body: {}",
                    raw_body.snippet(200)
                )
            }
            Error::InvalidBody {
                status,
                request_id,
                raw_body,
                source,
            } => {
                write_response(f, *status, request_id)?;
                write!(
                    f,
                    ": body is not the documented JSON ({source}); body: {}",
                    raw_body.snippet(200)
                )
            }
            Error::IncompleteBody {
                status,
                request_id,
                partial_body,
                source,
            } => {
                write_response(f, *status, request_id)?;
                let what = if source.is_timeout() {
                    "timed out while reading the body"
                } else {
                    "the connection failed while reading the body"
                };
                write!(
                    f,
                    ": {what} ({}); {MAY_EXIST}; received {} bytes: {}",
                    Chain(source),
                    partial_body.as_bytes().len(),
                    partial_body.snippet(200)
                )
            }
            Error::ResponseTooLarge {
                status,
                request_id,
                partial_body,
                limit,
            } => {
                write_response(f, *status, request_id)?;
                write!(
                    f,
                    ": the answer is longer than the {limit}-byte limit, reading stopped \
                     there; {MAY_EXIST}; first bytes: {}",
                    partial_body.snippet(200)
                )
            }
            Error::MissingOrderId {
                status,
                request_id,
                raw_body,
            } => {
                write_response(f, *status, request_id)?;
                write!(
                    f,
                    ": success status without an order id; the order may have been placed: \
                     check whether it exists before sending it again; body: {}",
                    raw_body.snippet(200)
                )
            }
            Error::Internal { message } => write!(
                f,
                "internal client error after sending; check whether the order exists: {message}"
            ),
        }
    }
}

impl<E: ApiErrorBody + fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connect { source }
            | Error::Transport { source }
            | Error::Timeout { source, .. }
            | Error::IncompleteBody { source, .. } => Some(source),
            Error::InvalidBody { source, .. } => Some(source),
            _ => None,
        }
    }
}
