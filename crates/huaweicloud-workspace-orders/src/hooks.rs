//! The generated client's hooks: authentication, the headers that go on the wire, and
//! response capture.
//!
//! Before a request leaves ([`ClientHooks::pre`]):
//! - the `api-version` header progenitor adds is removed (Huawei does not document
//!   it);
//! - the body must keep the spec's rules between fields ([`crate::rules`]);
//! - the operation must belong to the service this client's base URL serves, and the
//!   path must have the operation's shape (a project id such as `..` that the URL
//!   parser resolved away is refused);
//! - `X-Project-Id` is set to the path's project id and `User-Agent` to
//!   `huaweicloud-workspace-orders/<version>`;
//! - an IAM token is sent as `X-Auth-Token`; an AK/SK pair signs the request
//!   (`SDK-HMAC-SHA256`), a temporary pair also sends `X-Security-Token`. Secret
//!   header values are marked sensitive.
//!
//! When it is sent ([`ClientHooks::exec`]): the response body is read in chunks up to
//! the response-size limit and no further, so that a body that never ends cannot
//! grow memory; the generated code then decodes the buffered copy.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue, USER_AGENT};

use crate::capture::{self, CaptureSlot, Captured};
use crate::credentials::{Auth, Credentials, validate_project_id};
use crate::endpoint::Service;
use crate::operation::Operation;
use crate::prepared::DryRunSlot;
use crate::{rules, signer};

/// The header carrying an IAM token.
pub const AUTH_TOKEN_HEADER: HeaderName = HeaderName::from_static("x-auth-token");
/// The header carrying a temporary key pair's security token.
pub const SECURITY_TOKEN_HEADER: HeaderName = HeaderName::from_static("x-security-token");
/// The header carrying the project id.
pub const PROJECT_ID_HEADER: HeaderName = HeaderName::from_static("x-project-id");
/// The header progenitor adds to every request and this client removes.
const API_VERSION_HEADER: HeaderName = HeaderName::from_static("api-version");

/// The `User-Agent` this crate sends.
pub const USER_AGENT_VALUE: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// Per-client state the generated [`Client`](crate::Client) carries: credentials and
/// which operations its base URL serves.
#[derive(Clone)]
pub struct ClientContext {
    credentials: Arc<Credentials>,
    service: Option<Service>,
    pub(crate) capture: Option<CaptureSlot>,
    /// Set for a dry run ([`crate::prepared`]): `pre` records the request and stops.
    pub(crate) dry_run: Option<DryRunSlot>,
    response_limit: usize,
}

impl fmt::Debug for ClientContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientContext")
            .field("credentials", &self.credentials)
            .field("service", &self.service)
            .field("response_limit", &self.response_limit)
            .finish_non_exhaustive()
    }
}

impl ClientContext {
    /// A context that sends any operation to the generated client's base URL (one
    /// proxy or mock server for everything).
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials: Arc::new(credentials),
            service: None,
            capture: None,
            dry_run: None,
            response_limit: capture::DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// A context whose base URL is `service`'s endpoint: operations of other services
    /// are refused before sending.
    pub fn for_service(credentials: Credentials, service: Service) -> Self {
        Self {
            service: Some(service),
            ..Self::new(credentials)
        }
    }

    pub(crate) fn from_shared(
        credentials: Arc<Credentials>,
        service: Option<Service>,
        capture: Option<CaptureSlot>,
        response_limit: usize,
    ) -> Self {
        Self {
            credentials,
            service,
            capture,
            dry_run: None,
            response_limit,
        }
    }

    /// The credentials requests are authenticated with.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Makes `request` (built by the generated method `method_name`) ready to send at
    /// time `now`; the error says why it must not be sent.
    pub fn prepare(
        &self,
        request: &mut reqwest::Request,
        method_name: &str,
        now: SystemTime,
    ) -> Result<(), String> {
        request.headers_mut().remove(API_VERSION_HEADER);
        let operation = Operation::from_method_name(method_name)
            .ok_or_else(|| format!("unknown operation {method_name:?}"))?;
        if let Some(service) = self.service
            && service != operation.service()
        {
            return Err(format!(
                "{} is served by the {:?} endpoint, but this client is bound to {service:?}",
                operation.operation_id(),
                operation.service()
            ));
        }
        let project_id = operation
            .project_id_in(request.url().path())
            .ok_or_else(|| {
                format!(
                    "project_id: the request path {:?} does not have the shape {}",
                    request.url().path(),
                    operation.path_template()
                )
            })?;
        let project_id =
            validate_project_id("project_id", project_id).map_err(|error| error.to_string())?;
        // The spec's rules between fields (x-rules), for whatever body this is.
        if let Some(body) = request.body().and_then(reqwest::Body::as_bytes) {
            rules::check_body(operation.operation_id(), body)?;
        }

        let headers = request.headers_mut();
        headers.insert(
            PROJECT_ID_HEADER,
            HeaderValue::from_str(&project_id).map_err(|_| "project_id: not a header value")?,
        );
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        headers.remove(AUTHORIZATION);
        headers.remove(AUTH_TOKEN_HEADER);
        headers.remove(SECURITY_TOKEN_HEADER);
        headers.remove(signer::SDK_DATE_HEADER);

        match self.credentials.auth() {
            Auth::IamToken(token) => {
                headers.insert(AUTH_TOKEN_HEADER, sensitive(token.expose())?);
            }
            Auth::AccessKey {
                access_key,
                secret_key,
                security_token,
            } => {
                if let Some(token) = security_token {
                    headers.insert(SECURITY_TOKEN_HEADER, sensitive(token.expose())?);
                }
                signer::sign(request, access_key, secret_key.expose().as_bytes(), now)
                    .map_err(|error| format!("signing failed: {error}"))?;
            }
        }
        Ok(())
    }
}

fn sensitive(secret: &str) -> Result<HeaderValue, String> {
    let mut value = HeaderValue::from_str(secret)
        .map_err(|_| "a credential is not a valid header value".to_owned())?;
    value.set_sensitive(true);
    Ok(value)
}

/// Reads the body, up to `limit` bytes, so that status, headers and bytes can be
/// recorded, then hands the generated code an equivalent response (empty when the
/// body was over the limit: the call fails with the recorded part).
async fn buffer(
    mut response: reqwest::Response,
    slot: &CaptureSlot,
    limit: usize,
) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let mut body = Vec::new();
    let mut cut_at = None;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = limit - body.len();
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    // Stop reading; dropping the response closes the connection.
                    cut_at = Some(limit);
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(error) => {
                slot.store(Captured {
                    status,
                    headers,
                    body,
                    complete: false,
                    cut_at: None,
                });
                return Err(error);
            }
        }
    }
    drop(response);
    let decodable = if cut_at.is_some() {
        Vec::new()
    } else {
        body.clone()
    };
    slot.store(Captured {
        status,
        headers: headers.clone(),
        body,
        complete: true,
        cut_at,
    });
    let mut rebuilt = http::Response::new(decodable);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(reqwest::Response::from(rebuilt))
}

impl ClientHooks<ClientContext> for crate::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        self.inner()
            .prepare(request, info.operation_id, SystemTime::now())
            .map_err(progenitor_client::Error::InvalidRequest)?;
        match &self.inner().dry_run {
            Some(slot) => Err(progenitor_client::Error::InvalidRequest(slot.stop(request))),
            None => Ok(()),
        }
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let context = self.inner();
        // The generated client used directly has no slot: the limit applies all the
        // same, to a copy nobody reads.
        let slot = context.capture.clone().unwrap_or_default();
        let response = capture::with_probe(slot.probe(), self.client().execute(request)).await?;
        buffer(response, &slot, context.response_limit).await
    }
}
