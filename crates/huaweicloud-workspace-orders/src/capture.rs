//! Keeps what the generated client's decoding throws away (status, `X-Request-Id`,
//! raw body) and what the transport did (whether a connection was made), so that
//! every [`Error`] carries it and says truly whether the order may exist.
//!
//! The `exec` hook reads the response body, up to the response-size limit, into a
//! [`CaptureSlot`] owned by one call, and sends the request with the call's
//! [`ConnectionProbe`] current ([`with_probe`]), which the [`ProbeLayer`] around the
//! connector marks once a connection (TCP, TLS for https, a proxy tunnel) is up;
//! [`into_result`] then turns the generated client's result into this crate's.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::error::{Error, RawBody, request_id};

/// Default limit on the length of a response body: 64 KiB.
///
/// Every answer these operations document is a small JSON object: an `order_id`, or
/// `error_code`, `error_msg`, `error_detail` and an encoded authorization message
/// (a few KB at most); gateway error pages are a few KB. 64 KiB is over ten times
/// the largest of them, and bounds what one call in flight can hold in memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// A response as received.
#[derive(Debug, Clone)]
pub(crate) struct Captured {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    /// At most the response-size limit.
    pub(crate) body: Vec<u8>,
    /// `false` when the connection failed before the body ended.
    pub(crate) complete: bool,
    /// `Some(limit)` when the body was longer than `limit` and reading stopped.
    pub(crate) cut_at: Option<usize>,
}

/// Where one call's response is recorded; each call has its own.
#[derive(Debug, Clone, Default)]
pub(crate) struct CaptureSlot {
    response: Arc<Mutex<Option<Captured>>>,
    probe: ConnectionProbe,
}

impl CaptureSlot {
    pub(crate) fn store(&self, captured: Captured) {
        *self.response.lock().unwrap_or_else(PoisonError::into_inner) = Some(captured);
    }

    pub(crate) fn take(&self) -> Option<Captured> {
        self.response
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// The probe the connector marks when this call's connection is up.
    pub(crate) fn probe(&self) -> ConnectionProbe {
        self.probe.clone()
    }
}

/// Whether this call's own connection attempt was started and finished.
#[derive(Debug, Clone, Default)]
pub(crate) struct ConnectionProbe(Arc<AtomicU8>);

/// [`ConnectionProbe`] states besides 0, not started.
const CONNECTING: u8 = 1;
const CONNECTED: u8 = 2;

impl ConnectionProbe {
    /// The call started its own connection and it never came up: nothing was
    /// written. (A call that started none may have used a pooled connection, so
    /// that proves nothing.)
    pub(crate) fn failed_to_connect(&self) -> bool {
        self.0.load(Ordering::Acquire) == CONNECTING
    }

    fn mark(&self, state: u8) {
        self.0.store(state, Ordering::Release);
    }
}

thread_local! {
    /// The probe of the call whose request future is being polled on this thread.
    static POLLING_FOR: RefCell<Option<ConnectionProbe>> = const { RefCell::new(None) };
}

/// `future`, with `probe` as the current probe while it is polled (what a task-local
/// does, without a runtime dependency).
pub(crate) fn with_probe<F: Future>(probe: ConnectionProbe, future: F) -> WithProbe<F> {
    WithProbe {
        probe,
        inner: Box::pin(future),
    }
}

/// See [`with_probe`].
pub(crate) struct WithProbe<F> {
    probe: ConnectionProbe,
    inner: Pin<Box<F>>,
}

impl<F: Future> Future for WithProbe<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        /// Puts the previous probe back, even if the inner poll panics.
        struct Restore(Option<ConnectionProbe>);
        impl Drop for Restore {
            fn drop(&mut self) {
                let previous = self.0.take();
                POLLING_FOR.with(|current| *current.borrow_mut() = previous);
            }
        }
        let this = self.get_mut();
        let _restore =
            Restore(POLLING_FOR.with(|current| current.replace(Some(this.probe.clone()))));
        this.inner.as_mut().poll(cx)
    }
}

/// A connector layer that marks the current call's [`ConnectionProbe`] when its
/// connection is established. The connector is called while the request future is
/// polled (it polls the connection future), which is where the probe is read; the
/// connection may then complete anywhere.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ProbeLayer;

impl<S> tower_layer::Layer<S> for ProbeLayer {
    type Service = ProbeService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ProbeService(inner)
    }
}

/// The service [`ProbeLayer`] makes.
#[derive(Debug, Clone)]
pub(crate) struct ProbeService<S>(S);

impl<S, R> tower_service::Service<R> for ProbeService<S>
where
    S: tower_service::Service<R>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        let probe = POLLING_FOR.with(|current| current.borrow().clone());
        if let Some(probe) = &probe {
            probe.mark(CONNECTING);
        }
        let connecting = self.0.call(request);
        Box::pin(async move {
            let connection = connecting.await?;
            if let Some(probe) = probe {
                probe.mark(CONNECTED);
            }
            Ok(connection)
        })
    }
}

/// What the client knows about its own transport, for classifying failures.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Transport {
    /// The total timeout, when this crate configured the HTTP client.
    pub(crate) timeout: Option<Duration>,
    /// Whether the HTTP client carries the [`ProbeLayer`] and opens a connection
    /// per call (with a pool, another call's connection attempt could serve this
    /// one, and the probe would not tell).
    pub(crate) probed: bool,
}

/// The generated client's result, with the captured response, as this crate's result.
///
/// A success whose value has no order id (`has_order_id` is false) is an
/// [`Error::MissingOrderId`].
pub(crate) fn into_result<T, E>(
    result: Result<ResponseValue<T>, progenitor_client::Error<E>>,
    slot: &CaptureSlot,
    transport: Transport,
    has_order_id: impl Fn(&T) -> bool,
) -> Result<ResponseValue<T>, Error<E>> {
    use progenitor_client::Error as Generated;
    let captured = slot.take();
    // An answer cut at the limit is an error even if its first part happened to decode.
    if let Some(captured) = &captured
        && let Some(limit) = captured.cut_at
    {
        return Err(Error::ResponseTooLarge {
            status: captured.status,
            request_id: request_id(&captured.headers),
            partial_body: RawBody(captured.body.clone()),
            limit,
        });
    }
    let raw_body = |captured: &Option<Captured>| {
        RawBody(
            captured
                .as_ref()
                .map(|c| c.body.clone())
                .unwrap_or_default(),
        )
    };
    let error = match result {
        Ok(value) if has_order_id(&value) => return Ok(value),
        Ok(value) => {
            return Err(Error::MissingOrderId {
                status: value.status(),
                request_id: request_id(value.headers()),
                raw_body: raw_body(&captured),
            });
        }
        Err(error) => error,
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
            // reqwest refused to build the request: nothing left.
            _ if source.is_builder() => Error::InvalidRequest {
                message: format!("the request could not be built: {source}"),
            },
            Some(captured) if !captured.complete => Error::IncompleteBody {
                status: captured.status,
                request_id: request_id(&captured.headers),
                partial_body: RawBody(captured.body),
                source,
            },
            // Without a connection nothing was written, whichever timer ran out (the
            // total timeout can end a call that is still connecting).
            _ if transport.probed && slot.probe().failed_to_connect() => Error::Connect { source },
            _ if source.is_connect() => Error::Connect { source },
            _ if source.is_timeout() => Error::Timeout {
                after: transport.timeout,
                source,
            },
            _ => Error::Transport { source },
        },
    })
}
