//! A local mock of the Huawei Cloud Workspace order APIs, for trying clients without
//! an account and for tests that need a real HTTP peer.
//!
//! It serves the operations of the embedded OpenAPI document
//! (`openapi/workspace-orders.yaml`) on 127.0.0.1 and checks every request against
//! that document, independently of the generated client: the path and its parameters,
//! the content type, and the JSON body against the operation's schema (OpenAPI 3.0
//! translated to JSON Schema, see [`schema`]). It authenticates an `X-Auth-Token` or an
//! `SDK-HMAC-SHA256` signature ([`signature`], a separate implementation from the
//! client's signer). A valid order is answered `200 {"order_id": "CS…"}` and recorded
//! once: the most recent ones are kept ([`MockHandle::accepted_orders`]) and all are
//! counted ([`MockHandle::order_totals`]), so memory stays flat under load.
//!
//! The body must be JSON as strict as the client's: a key given twice in one object,
//! or an integer field written `50.0` or `5e1`, is refused. A path parameter (the
//! project id) has only ASCII letters, digits, `-` and `_`, as the client checks.
//! A client that does not send its request head, or its body, within
//! [`MockConfig::request_timeout`] is cut off.
//!
//! Answers other than success use the operation's documented error body
//! (`error_code`, `error_msg`, and `error_detail` where documented):
//! 400 invalid request (the message names every failing field path), 401 not
//! authenticated, 404 unknown path, 405 wrong method, 408 body not sent in time,
//! 413 body too large.
//!
//! # Faults (mock-only)
//!
//! The request header `X-Mock-Fault` (or [`MockConfig::fault`] for every request)
//! takes `;`-separated directives: `status=<400-599>` (that status with the
//! operation's error body), `delay=<n>ms|<n>s`, `malformed-json` (a `200` whose body
//! is cut short), `html` (a gateway's HTML page, `502` or the `status=` given) and
//! `drop-connection` (the connection closes without an answer). A fault other than a
//! delay replaces the answer: no order is recorded. The real service has no such header.
//!
//! # In tests
//!
//! ```no_run
//! use workspace_orders_mock::{MockConfig, MockServer};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let mock = MockServer::start(MockConfig::default()).await?;
//! let base_url = mock.base_url(); // give this to the client, with token "mock-token"
//! // … place orders …
//! assert!(mock.accepted_orders().is_empty());
//! mock.shutdown().await;
//! # Ok(())
//! # }
//! ```

pub mod auth;
mod connection;
pub mod fault;
mod handler;
pub mod orders;
pub mod rules;
pub mod schema;
mod server;
pub mod signature;
pub mod spec;
pub mod strict_json;

pub use auth::{AccessKey, AuthConfig, Principal};
pub use connection::ConnectionControl;
pub use fault::{FAULT_HEADER, Fault, Outcome};
pub use orders::{AcceptedOrder, DEFAULT_KEPT_ORDERS, OrderTotals};
pub use server::{
    DEFAULT_ACCESS_KEY, DEFAULT_REQUEST_TIMEOUT, DEFAULT_SECRET_KEY, DEFAULT_TOKEN, MockConfig,
    MockHandle, MockServer, StartError,
};
