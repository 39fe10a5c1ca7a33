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
//! - [`endpoint`]: region → endpoint per operation, from the official SDKs' catalogue
//!   of 18 Workspace regions (`workspace.{region}`) and 17 WorkspaceApp regions for the
//!   v1 order (`appstream.{region}` in five of them, the Workspace host in the
//!   others; none in eu-west-101), overrides;
//! - [`hooks`]: what goes on the wire (only the documented headers, the
//!   authentication headers, `Accept: application/json`, `X-Project-Id` and
//!   `User-Agent: huaweicloud-workspace-orders/<version>`);
//! - [`error`]: errors carrying HTTP status, `X-Request-Id` and the raw body;
//! - [`OrdersClient`]: all of it together, with timeouts (connect
//!   10 s, total 60 s by default, configurable);
//! - [`prepared`]: dry runs, the exact signed request without sending it.
//!
//! Everything per operation is generated from the spec too: the [`operation`] table
//! (id, method name, path, and the [`service`] from the spec's `x-service`) and
//! [`OrdersClient`]'s `create_*` and `prepare_*` methods; a new operation in the spec
//! is a new method after `cargo xtask generate`.
//!
//! `use huaweicloud_workspace_orders::prelude::*;` brings in [`OrdersClient`],
//! [`Credentials`], the error types ([`Error`], [`Outcome`](error::Outcome),
//! [`ApiErrorBody`](error::ApiErrorBody)) and [`types`]. [`Error`] at the crate root is
//! the error every [`OrdersClient`] call returns; the generated code's own error is
//! [`GeneratedError`], met only when using [`Client`] directly.
//!
//! # Against the mock server or another base URL
//!
//! [`OrdersClientBuilder::region`] sends to Huawei Cloud's endpoints;
//! [`OrdersClientBuilder::base_url`] sends every operation to one base URL instead: the
//! repository's mock server (`cargo run -p workspace-orders-mock`, which accepts the
//! token `mock-token`), a proxy, a test double. Plain `http` is accepted only to a
//! loopback address.
//!
//! ```no_run
//! use huaweicloud_workspace_orders::prelude::*;
//!
//! # async fn mock() -> Result<(), Box<dyn std::error::Error>> {
//! let credentials = Credentials::iam_token("mock-token")?
//!     .with_project_id("0123456789abcdef0123456789abcdef")?;
//! let client = OrdersClient::builder(credentials)
//!     .base_url("http://127.0.0.1:8080")
//!     .build()?;
//! let order: types::PeriodicOrderRequest = serde_json::from_str(
//!     r#"{"type": "addVolumes", "resources": [{"add_volumes": {
//!           "desktop_id": "8d049b4e-4f1e-4ed5-b3a9-a7f0f15658a7",
//!           "volumes": [{"type": "SAS", "size": 50}]}}]}"#,
//! )?;
//! let result: Result<_, Error<types::OrderError>> = client.create_periodic_order(order).await;
//! println!("{:?}", result?.order_id);
//! # Ok(())
//! # }
//! ```
//!
//! [`Endpoints::custom`](endpoint::Endpoints::custom) sets one base URL per service,
//! and `HUAWEICLOUD_SDK_REGION_WORKSPACE_<REGION>` overrides a region's endpoint as
//! the official SDKs do ([`endpoint`]).
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
//! # Values the pages do not list
//!
//! Where Huawei's sources leave a value list open (image types, disk types, EIP
//! types, the yearly/monthly order type), the field takes any string and the values
//! the spec knows are constants with their meaning (`openapi/ERRATA.md` E26). A
//! desktop from a KooGallery image, which page 004's table does not list:
//!
//! ```
//! use huaweicloud_workspace_orders::types;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let order: types::DesktopOrderRequest = serde_json::from_value(serde_json::json!({
//!     "hour_package_resources": [{
//!         "period_type": 2,
//!         "period_num": 1,
//!         "create_desktops": {
//!             "desktop_type": "DEDICATED",
//!             "product_id": "workspace.x86.flexus.xlarge2",
//!             "image_type": "market",
//!             "image_id": "4e8aebc3-f4dc-4789-a785-0a1769d44c0d",
//!             "root_volume": { "type": "SAS", "size": 80 },
//!             "hour_package_product_id": "workspace.x86.flexus.xlarge2.120hours"
//!         }
//!     }]
//! }))?;
//! let desktops = order.hour_package_resources[0].create_desktops.as_ref().unwrap();
//! assert_eq!(desktops.image_type, types::DesktopImageType::MARKET);
//! assert_eq!(desktops.image_type.description().map(|d| &d[..18]), Some("a KooGallery image"));
//!
//! // A value no source lists is sent as it is; the service decides.
//! let disk = types::DiskTypeV2::from("GPSSD2");
//! assert!(!disk.is_known() && types::DiskTypeV2::SAS.is_known());
//! // Then: client.create_desktop_order(order).await
//! # Ok(())
//! # }
//! ```
//!
//! # Orders are not idempotent: never retry blindly
//!
//! A second identical request places a second order and is billed again. This client
//! therefore sends every order exactly once: it has no retry logic, the HTTP client's
//! own retries are disabled, redirects are not followed, and every call opens its own
//! connection (a pooled connection that the server closes just as it is reused would
//! fail the call after the order may have been written). When a call fails,
//! [`Error::outcome`](error::Error::outcome) says what is known:
//!
//! - [`Outcome::NotSent`](error::Outcome::NotSent): the request was refused locally or
//!   no connection was made (refused, unreachable, TLS failure, or a timeout, the
//!   connect timeout or the total one, before the connection was up); fix the cause
//!   and send it again.
//! - [`Outcome::Rejected`](error::Outcome::Rejected): the service answered with a
//!   documented 4xx error, or refused the credentials (401/403, documented or not,
//!   with or without a body); no order was placed.
//! - [`Outcome::Unknown`](error::Outcome::Unknown): a timeout after connecting, a
//!   5xx, an unreadable answer, an answer longer than the response-size limit
//!   ([`Error::ResponseTooLarge`], 64 KiB by default,
//!   [`OrdersClientBuilder::max_response_bytes`]), or a 2xx without an order id
//!   ([`Error::MissingOrderId`]: a success always
//!   carries one). The order may exist. Before sending again, look for it: in
//!   the console's *Billing Center → Orders → My Orders*, or through the Billing
//!   Center (CBC) order-listing API filtered by the time of the attempt and the
//!   resources ordered, or by listing desktops/applications and their tags. Putting a
//!   unique tag or name on what you order makes that check exact. Quote the error's
//!   `X-Request-Id` ([`Error::request_id`](error::Error::request_id)) to Huawei
//!   support when in doubt.
//!
//! Credentials never travel in clear except to loopback: plain http is accepted only
//! for a loopback base URL ([`endpoint::BaseUrl`]), which never goes through a proxy;
//! an environment proxy (`HTTPS_PROXY`, `ALL_PROXY`) carries https only, as a `CONNECT`
//! tunnel ([`OrdersClient`] has the details).
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
//!     .generated_client(Service::Workspace)?
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
//! This is the only way to a generated [`Client`]: progenitor's `Client::new`, whose
//! HTTP client followed redirects (carrying `X-Auth-Token` or `X-Security-Token` to
//! whatever host a 3xx names), is removed when the code is generated, and
//! `Client::new_with_client` is crate-private.

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
// Written by `cargo xtask generate` from the spec's operations (prettyplease).
#[rustfmt::skip]
pub mod operation;
mod operation_path;
// Written by `cargo xtask generate`: `OrdersClient`'s method per operation.
#[rustfmt::skip]
mod orders_operations;
pub mod prepared;
pub mod rules;
pub mod service;
pub mod signer;
mod tls;

pub use client::{OrdersClient, OrdersClientBuilder};
pub use credentials::Credentials;
// The generated `Error` and `prelude` are shadowed by the two below.
pub use generated::*;
pub use hooks::ClientContext;

/// The error of every [`OrdersClient`] call (see [`error`]).
pub use error::Error;
/// The generated [`Client`]'s own error, returned by its builders' `send()`; prefer
/// [`OrdersClient`], whose calls return [`Error`].
pub use progenitor_client::Error as GeneratedError;

/// What most programs need: `use huaweicloud_workspace_orders::prelude::*;`.
pub mod prelude {
    /// The generated client, for direct use (see the crate docs).
    pub use crate::Client;
    pub use crate::client::{OrdersClient, OrdersClientBuilder};
    pub use crate::credentials::Credentials;
    pub use crate::error::{ApiErrorBody, Error, Outcome};
    pub use crate::types;
}

/// The repository README's Rust examples, compiled as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
