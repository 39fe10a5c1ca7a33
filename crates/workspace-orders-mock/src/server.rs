//! Listening, serving connections, dropping one on request, and shutting down.
//!
//! The accept loop is our own (hyper + the axum router as the service) rather than
//! `axum::serve`, so that a `drop-connection` fault can close the TCP connection of
//! the request that asked for it without sending anything.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_service::Service;

use crate::auth::{AccessKey, AuthConfig, DEFAULT_MAX_CLOCK_SKEW};
use crate::connection::ConnectionControl;
use crate::fault::Fault;
use crate::handler::{Shared, handle};
use crate::orders::{AcceptedOrder, DEFAULT_KEPT_ORDERS, Ledger, OrderTotals};
use crate::spec::{Spec, SpecError};

/// How long [`MockHandle::shutdown`] lets requests in flight finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// The token accepted when none is configured (a mock-only value).
pub const DEFAULT_TOKEN: &str = "mock-token";
/// The access key accepted when none is configured (a mock-only value).
pub const DEFAULT_ACCESS_KEY: &str = "MOCKACCESSKEY";
/// The secret key of [`DEFAULT_ACCESS_KEY`] (a mock-only value).
pub const DEFAULT_SECRET_KEY: &str = "mock-secret-key";
/// How long a client may take to send a request head, and then its body.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How a [`MockServer`] is set up.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Accepted credentials.
    pub auth: AuthConfig,
    /// A fault applied to every request without an `X-Mock-Fault` header.
    pub fault: Fault,
    /// Larger request bodies are refused with 413.
    pub max_body_bytes: usize,
    /// The OpenAPI document to serve; `None` serves the embedded one.
    pub spec: Option<String>,
    /// How many accepted orders [`MockHandle::accepted_orders`] keeps (the most
    /// recent); [`MockHandle::order_totals`] counts all of them.
    pub kept_orders: usize,
    /// A connection whose request head is not complete this long after the connection
    /// opened (or after the previous answer, on a kept-alive connection) is closed;
    /// a request whose body is not complete this long after its head is answered
    /// `408` and its connection closed. Stalled clients cannot hold connections.
    pub request_timeout: Duration,
}

impl Default for MockConfig {
    /// A free port, [`DEFAULT_TOKEN`] and [`DEFAULT_ACCESS_KEY`]/[`DEFAULT_SECRET_KEY`],
    /// no fault, bodies up to 1 MiB, the embedded spec, the last
    /// [`DEFAULT_KEPT_ORDERS`] orders kept, [`DEFAULT_REQUEST_TIMEOUT`].
    fn default() -> Self {
        Self {
            port: 0,
            auth: AuthConfig {
                tokens: vec![DEFAULT_TOKEN.to_owned()],
                access_keys: vec![AccessKey {
                    access_key: DEFAULT_ACCESS_KEY.to_owned(),
                    secret_key: DEFAULT_SECRET_KEY.to_owned(),
                    security_token: None,
                }],
                max_clock_skew: DEFAULT_MAX_CLOCK_SKEW,
            },
            fault: Fault::default(),
            max_body_bytes: 1024 * 1024,
            spec: None,
            kept_orders: DEFAULT_KEPT_ORDERS,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }
}

/// Why the mock could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The OpenAPI document cannot be served.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// The port cannot be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for.
        port: u16,
        /// The operating system's reason.
        source: std::io::Error,
    },
}

/// Starts mock servers.
#[derive(Debug)]
pub struct MockServer;

impl MockServer {
    /// Binds 127.0.0.1:`config.port` and serves in the background of the current
    /// Tokio runtime until [`MockHandle::shutdown`] (or the handle is dropped).
    pub async fn start(config: MockConfig) -> Result<MockHandle, StartError> {
        let spec = match &config.spec {
            Some(text) => Spec::from_yaml(text)?,
            None => Spec::embedded()?,
        };
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
            .await
            .map_err(|source| StartError::Bind {
                port: config.port,
                source,
            })?;
        let address = listener.local_addr().map_err(|source| StartError::Bind {
            port: config.port,
            source,
        })?;
        let ledger = Arc::new(Ledger::new(config.kept_orders));
        let shared = Arc::new(Shared {
            spec,
            auth: config.auth,
            fault: config.fault,
            max_body_bytes: config.max_body_bytes,
            request_timeout: config.request_timeout,
            ledger: Arc::clone(&ledger),
            requests: AtomicU64::new(0),
        });
        let router = Router::new().fallback(handle).with_state(shared);
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(serve(listener, router, config.request_timeout, stopped));
        Ok(MockHandle {
            address,
            ledger,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

async fn serve(
    listener: TcpListener,
    router: Router,
    request_timeout: Duration,
    mut stopped: oneshot::Receiver<()>,
) {
    let graceful = GracefulShutdown::new();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = &mut stopped => break,
        };
        let control = ConnectionControl::default();
        let service = {
            let control = control.clone();
            let router = router.clone();
            hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
                request.extensions_mut().insert(control.clone());
                let mut router = router.clone();
                async move {
                    router
                        .call(request.map(Body::new))
                        .await
                        .map_err(|never: Infallible| never)
                }
            })
        };
        // hyper's head timeout runs from the connection's start and again from each
        // answer, so it also ends idle kept-alive connections; the handler bounds the body.
        // A client may shut down its sending side after the request and wait for the
        // answer (half-close). Without `half_close`, hyper drops the connection when it
        // sees that end of input while the handler is still working, and the client
        // gets no answer at all.
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .half_close(true)
            .header_read_timeout(request_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // Either the connection ends by itself or a handler asked to drop it;
            // dropping the future closes the socket without writing anything more.
            tokio::select! {
                _ = connection => {}
                () = control.drop_requested() => {}
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {}
    }
}

/// A running mock server.
#[derive(Debug)]
pub struct MockHandle {
    address: SocketAddr,
    ledger: Arc<Ledger>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl MockHandle {
    /// `http://127.0.0.1:PORT`, the base URL to give a client.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// The most recent accepted orders (at most [`MockConfig::kept_orders`]), each
    /// once, oldest first.
    pub fn accepted_orders(&self) -> Vec<AcceptedOrder> {
        self.ledger.snapshot()
    }

    /// Counts of every order accepted so far, including those no longer kept.
    pub fn order_totals(&self) -> OrderTotals {
        self.ledger.totals()
    }

    /// Stops accepting connections, lets requests in flight finish (up to 10 s), and
    /// returns once it has stopped.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockHandle {
    fn drop(&mut self) {
        // Without an explicit shutdown, stop accepting; connections end on their own.
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
