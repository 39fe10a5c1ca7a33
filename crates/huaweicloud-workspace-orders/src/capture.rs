//! Keeps what the generated client's decoding throws away (status, `X-Request-Id`,
//! raw body) so that every response-related [`Error`] carries it.
//!
//! The `exec` hook buffers the response body into a [`CaptureSlot`] owned by one call;
//! [`into_result`] then turns the generated client's result into this crate's.

use std::sync::{Arc, Mutex, PoisonError};

use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::error::{Error, RawBody, request_id};

/// A response as received.
#[derive(Debug, Clone)]
pub(crate) struct Captured {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
    /// `false` when the connection failed before the body ended.
    pub(crate) complete: bool,
}

/// Where one call's response is recorded; each call has its own.
#[derive(Debug, Clone, Default)]
pub(crate) struct CaptureSlot(Arc<Mutex<Option<Captured>>>);

impl CaptureSlot {
    pub(crate) fn store(&self, captured: Captured) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(captured);
    }

    pub(crate) fn take(&self) -> Option<Captured> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// The generated client's result, with the captured response, as this crate's result.
pub(crate) fn into_result<T, E>(
    result: Result<ResponseValue<T>, progenitor_client::Error<E>>,
    captured: Option<Captured>,
) -> Result<ResponseValue<T>, Error<E>> {
    use progenitor_client::Error as Generated;
    let error = match result {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    let raw_body = |captured: &Option<Captured>| {
        RawBody(
            captured
                .as_ref()
                .map(|c| c.body.clone())
                .unwrap_or_default(),
        )
    };
    Err(match error {
        Generated::InvalidRequest(message) | Generated::Custom(message) => {
            Error::InvalidRequest { message }
        }
        Generated::ErrorResponse(value) => Error::Api {
            status: value.status(),
            request_id: request_id(value.headers()),
            raw_body: raw_body(&captured),
            body: value.into_inner(),
        },
        Generated::UnexpectedResponse(response) => Error::UnexpectedStatus {
            status: response.status(),
            request_id: request_id(response.headers()),
            raw_body: raw_body(&captured),
        },
        Generated::InvalidResponsePayload(bytes, source) => match captured {
            Some(captured) => Error::InvalidBody {
                status: captured.status,
                request_id: request_id(&captured.headers),
                raw_body: RawBody(bytes.to_vec()),
                source,
            },
            // Every response passes through the capturing `exec` hook, so this means
            // the hooks and the generated code disagree; the request was sent.
            None => Error::Internal {
                message: format!(
                    "a response body could not be decoded ({source}) and its status was not \
                     recorded; body: {}",
                    RawBody(bytes.to_vec()).snippet(200)
                ),
            },
        },
        Generated::CommunicationError(source)
        | Generated::ResponseBodyError(source)
        | Generated::InvalidUpgrade(source) => match captured {
            Some(captured) if !captured.complete => Error::IncompleteBody {
                status: captured.status,
                request_id: request_id(&captured.headers),
                partial_body: RawBody(captured.body),
                source,
            },
            _ if source.is_connect() => Error::Connect { source },
            _ => Error::Transport { source },
        },
    })
}
