//! Dry runs: the exact request a call would send, built and signed by the same code
//! path as the call, and then not sent.
//!
//! [`OrdersClient::prepare_periodic_order`] (and its siblings) run everything
//! [`OrdersClient::create_periodic_order`] runs before the request leaves — the body's
//! conversion with the spec's limits, the project id, routing, headers, signing — and
//! stop where the request would be handed to the HTTP client. Whatever check is added
//! to that path later applies to dry runs too.
//!
//! ```no_run
//! use huaweicloud_workspace_orders::{Credentials, OrdersClient, types};
//!
//! # async fn dry_run(order: types::PeriodicOrderRequest) -> Result<(), Box<dyn std::error::Error>> {
//! let client = OrdersClient::builder(Credentials::from_env()?).region("cn-north-4").build()?;
//! let request = client.prepare_periodic_order(order).await?;
//! // Signature, tokens: redacted; nothing was sent.
//! println!("{}", request.redacted());
//! # Ok(())
//! # }
//! ```

use std::fmt::{self, Display, Write as _};
use std::sync::{Arc, Mutex, PoisonError};

use progenitor_client::ClientInfo as _;
use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, HOST, HeaderMap};
use reqwest::{Method, Url};

use crate::client::OrdersClient;
use crate::error::Error;
use crate::operation::Operation;
use crate::{Client, signer, types};

/// What a dry run hands back to the generated code instead of sending: recognised
/// by [`OrdersClient`]'s `prepare_*` methods, never shown to users.
const STOPPED: &str = "dry run: stopped before sending";

/// Replaces secret header values in [`PreparedRequest::redacted`].
pub const REDACTED: &str = "<redacted>";

/// A request as it would go on the wire, signed.
#[derive(Clone)]
pub struct PreparedRequest {
    method: Method,
    url: Url,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Debug output lands in logs: never the secrets.
        f.write_str(&self.redacted())
    }
}

impl PreparedRequest {
    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The full URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The headers the client sets, in order, including the secret ones (marked
    /// sensitive). The HTTP layer adds `Host` when absent and `Content-Length`; see
    /// [`wire_headers`](Self::wire_headers).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body bytes (JSON).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Every header line that goes on the wire, secrets replaced by [`REDACTED`]: the
    /// client's headers plus the `Host` and `Content-Length` the HTTP/1.1 layer adds.
    pub fn wire_headers(&self) -> Vec<(String, String)> {
        let mut lines = Vec::with_capacity(self.headers.len() + 2);
        if !self.headers.contains_key(HOST)
            && let Some(host) = signer::host_header(&self.url)
        {
            lines.push((HOST.as_str().to_owned(), host));
        }
        for (name, value) in &self.headers {
            let shown = if name == AUTHORIZATION {
                redact_signature(value.to_str().unwrap_or_default())
            } else if value.is_sensitive() {
                REDACTED.to_owned()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            lines.push((name.as_str().to_owned(), shown));
        }
        if !self.headers.contains_key(CONTENT_LENGTH) {
            lines.push((
                CONTENT_LENGTH.as_str().to_owned(),
                self.body.len().to_string(),
            ));
        }
        lines
    }

    /// The request as HTTP/1.1 text, secrets replaced by [`REDACTED`].
    pub fn redacted(&self) -> String {
        let mut text = String::new();
        let target = match self.url.query() {
            Some(query) => format!("{}?{query}", self.url.path()),
            None => self.url.path().to_owned(),
        };
        let _ = writeln!(text, "{} {target} HTTP/1.1", self.method);
        for (name, value) in self.wire_headers() {
            let _ = writeln!(text, "{name}: {value}");
        }
        text.push('\n');
        text.push_str(&String::from_utf8_lossy(&self.body));
        text
    }
}

/// `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…` with the signature
/// replaced: the access key id and the signed header names are not secret, but a
/// signature is a credential for this exact request until its date expires.
fn redact_signature(authorization: &str) -> String {
    match authorization.find("Signature=") {
        Some(start) => format!("{}Signature={REDACTED}", &authorization[..start]),
        None => REDACTED.to_owned(),
    }
}

/// Where the generated client's `pre` hook leaves the request of a dry run.
#[derive(Debug, Clone, Default)]
pub(crate) struct DryRunSlot(Arc<Mutex<Option<PreparedRequest>>>);

impl DryRunSlot {
    /// Records the ready-to-send `request`; the error stops the generated code
    /// before it sends anything.
    pub(crate) fn stop(&self, request: &reqwest::Request) -> String {
        let prepared = PreparedRequest {
            method: request.method().clone(),
            url: request.url().clone(),
            headers: request.headers().clone(),
            body: request
                .body()
                .and_then(|body| body.as_bytes())
                .map(<[u8]>::to_vec)
                .unwrap_or_default(),
        };
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(prepared);
        STOPPED.to_owned()
    }

    fn take(&self) -> Option<PreparedRequest> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// The generated client of one dry-run call of `operation`.
fn dry_run_client<E>(
    orders: &OrdersClient,
    operation: Operation,
) -> Result<(Client, DryRunSlot, String), Error<E>> {
    let project_id = orders
        .project_id()
        .ok_or_else(|| Error::InvalidRequest {
            message: "project_id: none given; set HUAWEICLOUD_SDK_PROJECT_ID, use \
                      Credentials::with_project_id or OrdersClient::for_project"
                .to_owned(),
        })?
        .to_owned();
    // The same HTTP client and credentials as a real call; only the context differs.
    // A region without an endpoint for the operation's service is refused here, as
    // in a real call.
    let no_endpoint = |error: crate::endpoint::EndpointError| Error::InvalidRequest {
        message: error.to_string(),
    };
    let generated = orders
        .generated_client(operation.service())
        .map_err(no_endpoint)?;
    let base_url = orders
        .endpoints()
        .base_url(operation)
        .map_err(no_endpoint)?;
    let slot = DryRunSlot::default();
    let mut context = generated.inner().clone();
    context.dry_run = Some(slot.clone());
    let client = Client::new_with_client(base_url.as_str(), generated.client().clone(), context);
    Ok((client, slot, project_id))
}

/// The generated call's result as a dry run's.
fn finish<T, E>(
    result: Result<T, progenitor_client::Error<E>>,
    slot: &DryRunSlot,
) -> Result<PreparedRequest, Error<E>> {
    match (result, slot.take()) {
        (Err(progenitor_client::Error::InvalidRequest(message)), Some(prepared))
            if message == STOPPED =>
        {
            Ok(prepared)
        }
        (Err(progenitor_client::Error::InvalidRequest(message)), _)
        | (Err(progenitor_client::Error::Custom(message)), _) => {
            Err(Error::InvalidRequest { message })
        }
        // Anything else means the request went past the hook that stops it.
        (_, _) => Err(Error::Internal {
            message: "a dry run was not stopped before sending".to_owned(),
        }),
    }
}

impl OrdersClient {
    /// [`create_app_order`](Self::create_app_order) up to sending: the signed
    /// request, which is not sent.
    pub async fn prepare_app_order<B>(
        &self,
        body: B,
    ) -> Result<PreparedRequest, Error<types::AppOrderError>>
    where
        B: TryInto<types::AppOrderRequest>,
        B::Error: Display,
    {
        let (client, slot, project_id) = dry_run_client(self, Operation::CreateAppOrder)?;
        let result = client
            .create_app_order()
            .project_id(project_id)
            .body(body)
            .send()
            .await;
        finish(result, &slot)
    }

    /// [`create_periodic_order`](Self::create_periodic_order) up to sending: the
    /// signed request, which is not sent.
    pub async fn prepare_periodic_order<B>(
        &self,
        body: B,
    ) -> Result<PreparedRequest, Error<types::OrderError>>
    where
        B: TryInto<types::PeriodicOrderRequest>,
        B::Error: Display,
    {
        let (client, slot, project_id) = dry_run_client(self, Operation::CreatePeriodicOrder)?;
        let result = client
            .create_periodic_order()
            .project_id(project_id)
            .body(body)
            .send()
            .await;
        finish(result, &slot)
    }

    /// [`create_desktop_order`](Self::create_desktop_order) up to sending: the
    /// signed request, which is not sent.
    pub async fn prepare_desktop_order<B>(
        &self,
        body: B,
    ) -> Result<PreparedRequest, Error<types::OrderError>>
    where
        B: TryInto<types::DesktopOrderRequest>,
        B::Error: Display,
    {
        let (client, slot, project_id) = dry_run_client(self, Operation::CreateDesktopOrder)?;
        let result = client
            .create_desktop_order()
            .project_id(project_id)
            .body(body)
            .send()
            .await;
        finish(result, &slot)
    }
}
