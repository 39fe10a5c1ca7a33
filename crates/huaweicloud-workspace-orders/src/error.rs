//! What can go wrong with a call, with what Huawei support asks for (HTTP status and
//! `X-Request-Id`) and the raw response body whenever there was a response.
//!
//! Orders cost money and are not idempotent, so every error says whether the order
//! may exist: [`Error::outcome`]. Only [`Outcome::NotSent`] and [`Outcome::Rejected`]
//! make a blind retry safe; after [`Outcome::Unknown`] check for the order first.

use std::fmt;

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
    /// Nothing reached the service: fix the cause and send again.
    NotSent,
    /// The service answered with a documented client error (4xx), or refused the
    /// caller's authentication or authorization (401, 403, documented or not): no
    /// order was placed.
    Rejected,
    /// The request may have been processed (timeout after sending, 5xx, an answer
    /// that could not be read): look for the order before sending again.
    Unknown,
}

/// A response body as received, for diagnosis.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct RawBody(pub Vec<u8>);

impl RawBody {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes as text (invalid UTF-8 replaced), cut to `limit` characters.
    pub fn snippet(&self, limit: usize) -> String {
        let text = String::from_utf8_lossy(&self.0);
        let mut snippet: String = text.chars().take(limit).collect();
        if text.chars().count() > limit {
            snippet.push('…');
        }
        snippet
    }
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
    /// No connection could be made; nothing was sent.
    Connect {
        /// The transport error.
        source: reqwest::Error,
    },
    /// The request failed after it may have reached the service (timeout, reset).
    Transport {
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
            // The v2 pages document no 401/403, but the IAM gateway answers them before
            // the order service sees the request, so nothing can have been placed.
            Error::UnexpectedStatus { status, .. }
                if matches!(*status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) =>
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
            | Error::IncompleteBody { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The response's `X-Request-Id`, when a response arrived and carried one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. }
            | Error::UnexpectedStatus { request_id, .. }
            | Error::InvalidBody { request_id, .. }
            | Error::IncompleteBody { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The response body as received (for [`Error::IncompleteBody`], the part that
    /// arrived).
    pub fn raw_body(&self) -> Option<&[u8]> {
        match self {
            Error::Api { raw_body, .. }
            | Error::UnexpectedStatus { raw_body, .. }
            | Error::InvalidBody { raw_body, .. } => Some(raw_body.as_bytes()),
            Error::IncompleteBody { partial_body, .. } => Some(partial_body.as_bytes()),
            _ => None,
        }
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
                write!(f, "could not connect, nothing was sent: {source}")
            }
            Error::Transport { source } => write!(
                f,
                "the request failed after it may have reached the service; check whether \
                 the order exists before sending it again: {source}"
            ),
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
                write!(
                    f,
                    ": the connection failed while reading the body ({source}); received: {}",
                    partial_body.snippet(200)
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
            | Error::IncompleteBody { source, .. } => Some(source),
            Error::InvalidBody { source, .. } => Some(source),
            _ => None,
        }
    }
}
