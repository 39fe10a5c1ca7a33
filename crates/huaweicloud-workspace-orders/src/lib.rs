//! Typed, signed client for the Huawei Cloud Workspace order APIs.
//!
//! The request and response types and the operations are generated from the
//! hand-maintained OpenAPI document `openapi/workspace-orders.yaml` (module [`types`],
//! [`Client`]); the spec's limits are enforced before anything is sent
//! ([`constrained`]). The hand-written layer around them:
//!
//! - [`credentials`]: IAM token, permanent or temporary AK/SK, project id,
//!   loading from the official `HUAWEICLOUD_SDK_*` variables;
//! - [`signer`]: `SDK-HMAC-SHA256` signing, as the official SDKs do it;
//! - [`endpoint`]: region → endpoint per operation (`workspace.{region}`, and
//!   `appstream.{region}` for the v1 order where it exists), overrides;
//! - [`hooks`]: what goes on the wire (only the documented headers, the
//!   authentication headers, `Accept: application/json`, `X-Project-Id` and
//!   `User-Agent: huaweicloud-workspace-orders/<version>`);
//! - [`error`]: errors carrying HTTP status, `X-Request-Id` and the raw body;
//! - [`OrdersClient`]: all of it together, with timeouts (connect
//!   10 s, total 60 s by default, configurable).
//!
//! # Placing an order
//!
//! ```no_run
//! use huaweicloud_workspace_orders::{Credentials, OrdersClient, error::Outcome, types};
//!
//! # async fn place() -> Result<(), Box<dyn std::error::Error>> {
//! // HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_PROJECT_ID
//! // (and HUAWEICLOUD_SDK_SECURITY_TOKEN for a temporary key).
//! let credentials = Credentials::from_env()?;
//! let client = OrdersClient::builder(credentials).region("cn-north-4").build()?;
//!
//! // A 50 GB disk for an existing desktop. Values outside the spec's limits (a size
//! // that is not a multiple of 10, say) are refused here, before anything is sent.
//! let order: types::PeriodicOrderRequest = serde_json::from_value(serde_json::json!({
//!     "type": "addVolumes",
//!     "resources": [{
//!         "add_volumes": {
//!             "desktop_id": "8d049b4e-4f1e-4ed5-b3a9-a7f0f15658a7",
//!             "volumes": [{ "type": "SAS", "size": 50 }]
//!         }
//!     }]
//! }))?;
//!
//! match client.create_periodic_order(order).await {
//!     Ok(placed) => println!("order {:?}", placed.order_id),
//!     Err(error) => {
//!         // Status, X-Request-Id (quote it to Huawei support) and body are kept.
//!         eprintln!("{error}");
//!         if error.outcome() == Outcome::Unknown {
//!             eprintln!("the order may exist: check before placing it again");
//!         }
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Orders are not idempotent: never retry blindly
//!
//! A second identical request places a second order and is billed again. This client
//! therefore sends every order exactly once: it has no retry logic, the HTTP client's
//! own retries are disabled and redirects are not followed. When a call fails,
//! [`Error::outcome`](error::Error::outcome) says what is known:
//!
//! - [`Outcome::NotSent`](error::Outcome::NotSent): the request was refused locally or
//!   no connection was made; fix the cause and send it again.
//! - [`Outcome::Rejected`](error::Outcome::Rejected): the service answered with a
//!   documented 4xx error, or refused the credentials (401/403, documented or not);
//!   no order was placed.
//! - [`Outcome::Unknown`](error::Outcome::Unknown): a timeout after sending, a 5xx, an
//!   unreadable answer. The order may exist. Before sending again, look for it: in
//!   the console's *Billing Center → Orders → My Orders*, or through the Billing
//!   Center (CBC) order-listing API filtered by the time of the attempt and the
//!   resources ordered, or by listing desktops/applications and their tags. Putting a
//!   unique tag or name on what you order makes that check exact. Quote the error's
//!   `X-Request-Id` ([`Error::request_id`](error::Error::request_id)) to Huawei
//!   support when in doubt.
//!
//! # The generated client directly
//!
//! [`OrdersClient::generated_client`] gives the generated [`Client`] for one service,
//! signing, routing checks and HTTP settings included; its builders return the
//! generated `progenitor_client::Error` instead of [`error::Error`]:
//!
//! ```no_run
//! use huaweicloud_workspace_orders::{Credentials, OrdersClient, endpoint::Service, types};
//!
//! # async fn direct(body: types::DesktopOrderRequest) -> Result<(), Box<dyn std::error::Error>> {
//! let orders = OrdersClient::builder(Credentials::iam_token("MIIEXAMPLE")?)
//!     .region("cn-north-4")
//!     .build()?;
//! let placed = orders
//!     .generated_client(Service::Workspace)
//!     .create_desktop_order()
//!     .project_id("0123456789abcdef0123456789abcdef")
//!     .body(body)
//!     .send()
//!     .await?;
//! println!("{:?}", placed.order_id);
//! # Ok(())
//! # }
//! ```
//!
//! `Client::new(base_url, ClientContext::new(credentials))` also works, but uses
//! reqwest's defaults, which follow redirects (carrying `X-Auth-Token` along); prefer
//! `Client::new_with_client` with a client built with
//! `redirect(reqwest::redirect::Policy::none())`, or the above.

mod capture;
pub mod client;
pub mod constrained;
pub mod credentials;
pub mod endpoint;
pub mod error;
// Written by `cargo xtask generate` (prettyplease); rustfmt must leave it as generated.
#[rustfmt::skip]
mod generated;
pub mod hooks;
pub mod operation;
pub mod signer;
mod tls;

pub use client::{OrdersClient, OrdersClientBuilder};
pub use credentials::Credentials;
pub use generated::*;
pub use hooks::ClientContext;

/// The repository README's Rust examples, compiled as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
