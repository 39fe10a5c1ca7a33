//! [`OrdersClient`]: the generated operations routed to the right endpoint,
//! authenticated, with safe transport defaults and errors that keep the response.

use std::ffi::OsString;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use progenitor_client::ResponseValue;

use crate::Client;
use crate::capture::{self, CaptureSlot, ProbeLayer, Transport};
use crate::credentials::{Credentials, CredentialsError, validate_project_id};
use crate::endpoint::{BaseUrl, EndpointError, Endpoints, RegionPolicy, Service};
use crate::error::Error;
use crate::hooks::ClientContext;
use crate::operation::Operation;
use crate::prepared::DryRunSlot;

/// Default time allowed to establish a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole call, from connecting to the last body byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
// Defined beside the code that reads bodies up to it.
pub use crate::capture::DEFAULT_MAX_RESPONSE_BYTES;

/// Hosts an https proxy from the environment is never used for, besides `NO_PROXY`.
const LOOPBACK_NO_PROXY: &str = "localhost,127.0.0.0/8,::1";

/// A client for the order operations.
///
/// Calls are sent once: there are no automatic retries, redirects are not followed
/// (a redirect would carry the credentials elsewhere), and HTTP-level retries of the
/// transport are disabled. Unless [`OrdersClientBuilder::http_client`] is used:
///
/// - every call opens its own connection (idle connections are not kept): a server
///   closing a pooled connection just as it is reused would fail the call after
///   the order may have been written, for an [`Outcome::Unknown`] that is false;
/// - a proxy is used only for https, only through `CONNECT` (the proxy sees the
///   host name, never the request), only from `HTTPS_PROXY` or `ALL_PROXY` (and
///   their lower-case forms), and never for loopback hosts or those in `NO_PROXY`;
///   `HTTP_PROXY` is ignored: plain http is only allowed to loopback, which is
///   never proxied;
/// - `localhost` always resolves to `127.0.0.1`/`::1`, never through DNS;
/// - response bodies are read up to [`DEFAULT_MAX_RESPONSE_BYTES`] (configurable).
///
/// [`Outcome::Unknown`]: crate::error::Outcome::Unknown
#[derive(Debug, Clone)]
pub struct OrdersClient {
    http: reqwest::Client,
    credentials: Arc<Credentials>,
    endpoints: Endpoints,
    project_id: Option<String>,
    response_limit: usize,
    transport: Transport,
}

/// A `reqwest` client builder with this crate's TLS set-up: rustls with the `ring`
/// crypto provider and the platform's roots.
///
/// This crate turns on reqwest's rustls support without a default crypto provider
/// (aws-lc-rs builds slowly), so in a program where nothing else picks one, building a
/// plain `reqwest::Client::builder()` panics. Start clients for
/// [`OrdersClientBuilder::http_client`], or any other, from this builder instead.
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, BuildError> {
    let tls = crate::tls::client_config(&[]).map_err(BuildError::Tls)?;
    Ok(reqwest::Client::builder().tls_backend_preconfigured(tls))
}

/// Why an [`OrdersClient`] could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// Neither a region nor a base URL was given.
    NoEndpoint,
    /// The region or base URL cannot be used.
    Endpoint(EndpointError),
    /// The HTTP client could not be set up (TLS roots, for instance).
    Http(reqwest::Error),
    /// The TLS configuration was refused (an extra root certificate that does not
    /// parse, for instance).
    Tls(rustls::Error),
    /// A proxy variable of the environment cannot be used (its value is not shown:
    /// it may carry the proxy's password).
    Proxy {
        /// The environment variable.
        variable: String,
        /// What is wrong with it.
        problem: String,
    },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::NoEndpoint => {
                f.write_str("no endpoint: call region(..), base_url(..) or endpoints(..)")
            }
            BuildError::Endpoint(error) => error.fmt(f),
            BuildError::Http(error) => write!(f, "the HTTP client could not be built: {error}"),
            BuildError::Tls(error) => write!(f, "TLS set-up: {error}"),
            BuildError::Proxy { variable, problem } => write!(f, "{variable}: {problem}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // Transparent: the endpoint error is this error's message.
            BuildError::Endpoint(error) => error.source(),
            BuildError::Http(error) => Some(error),
            BuildError::Tls(error) => Some(error),
            BuildError::NoEndpoint | BuildError::Proxy { .. } => None,
        }
    }
}

impl From<EndpointError> for BuildError {
    fn from(error: EndpointError) -> Self {
        BuildError::Endpoint(error)
    }
}

enum Target {
    Region(String, RegionPolicy),
    BaseUrl(String),
    Endpoints(Endpoints),
}

/// Configures an [`OrdersClient`].
pub struct OrdersClientBuilder {
    credentials: Credentials,
    target: Option<Target>,
    connect_timeout: Duration,
    timeout: Duration,
    max_response_bytes: usize,
    http: Option<reqwest::Client>,
    extra_roots: Vec<Vec<u8>>,
}

impl OrdersClientBuilder {
    /// Sends to the official endpoints of `region` (environment overrides
    /// `HUAWEICLOUD_SDK_REGION_WORKSPACE[APP]_<REGION>` apply); a region outside the
    /// catalogue is an error.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.target = Some(Target::Region(region.into(), RegionPolicy::KnownOnly));
        self
    }

    /// Like [`region`](Self::region), but accepts a region outside the catalogue at
    /// `https://workspace.{region}.myhuaweicloud.com`; `createAppOrder` there needs
    /// `HUAWEICLOUD_SDK_REGION_WORKSPACEAPP_<REGION>` (no guessed host for it).
    pub fn region_allowing_unknown(mut self, region: impl Into<String>) -> Self {
        self.target = Some(Target::Region(region.into(), RegionPolicy::AllowUnknown));
        self
    }

    /// Sends every operation to `base_url` (a proxy, a mock server).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.target = Some(Target::BaseUrl(base_url.into()));
        self
    }

    /// Sends to explicitly resolved endpoints.
    pub fn endpoints(mut self, endpoints: Endpoints) -> Self {
        self.target = Some(Target::Endpoints(endpoints));
        self
    }

    /// Time allowed to connect (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for a whole call (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Also trusts the DER-encoded CA certificate `der` (a private CA, a TLS-inspecting
    /// proxy, a test server), in addition to the platform's roots. A certificate that
    /// does not parse makes [`build`](Self::build) fail with [`BuildError::Tls`].
    /// Ignored with [`http_client`](Self::http_client).
    pub fn add_root_certificate_der(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.extra_roots.push(der.into());
        self
    }

    /// Longest response body read (default [`DEFAULT_MAX_RESPONSE_BYTES`]); reading
    /// stops there and the call fails with [`Error::ResponseTooLarge`] (outcome
    /// unknown unless the status is 401 or 403).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Uses a caller-configured HTTP client instead; the timeouts above are then
    /// ignored, and so are the transport settings [`OrdersClient`] describes (fresh
    /// connection per call, proxy rules, `localhost`); the response-size limit still
    /// applies. It should not follow redirects, retry requests, pool connections or
    /// send plain http through a proxy. Without this client's connection probe, a
    /// total timeout that runs out while connecting is reported as
    /// [`Error::Timeout`] (outcome unknown) rather than [`Error::Connect`]. Start it
    /// from [`http_client_builder`] for this crate's TLS set-up.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<OrdersClient, BuildError> {
        let endpoints = match self.target.ok_or(BuildError::NoEndpoint)? {
            Target::Region(region, policy) => {
                Endpoints::resolve(&region, policy, |name| std::env::var_os(name))?
            }
            Target::BaseUrl(url) => Endpoints::single(BaseUrl::parse("base URL", &url)?),
            Target::Endpoints(endpoints) => endpoints,
        };
        let (http, transport) = match self.http {
            Some(http) => (
                http,
                Transport {
                    timeout: None,
                    probed: false,
                },
            ),
            None => {
                let mut builder = reqwest::Client::builder()
                    .tls_backend_preconfigured(
                        crate::tls::client_config(&self.extra_roots).map_err(BuildError::Tls)?,
                    )
                    .connect_timeout(self.connect_timeout)
                    .timeout(self.timeout)
                    .redirect(reqwest::redirect::Policy::none())
                    .retry(reqwest::retry::never())
                    // A fresh connection per call: no stale pooled connection.
                    .pool_max_idle_per_host(0)
                    .connector_layer(ProbeLayer)
                    .resolve_to_addrs(
                        "localhost",
                        &[
                            SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
                            SocketAddr::from((Ipv6Addr::LOCALHOST, 0)),
                        ],
                    )
                    .no_proxy();
                if let Some(proxy) = https_proxy(|name| std::env::var_os(name))? {
                    builder = builder.proxy(proxy);
                }
                let http = builder.build().map_err(BuildError::Http)?;
                let transport = Transport {
                    timeout: Some(self.timeout),
                    probed: true,
                };
                (http, transport)
            }
        };
        Ok(OrdersClient {
            http,
            project_id: self.credentials.project_id().map(str::to_owned),
            credentials: Arc::new(self.credentials),
            endpoints,
            response_limit: self.max_response_bytes,
            transport,
        })
    }
}

/// The proxy for https requests named by the environment (read through `lookup`):
/// the first set of `HTTPS_PROXY`, `https_proxy`, `ALL_PROXY`, `all_proxy`; never
/// for loopback or `NO_PROXY` hosts. reqwest tunnels https through it with `CONNECT`.
fn https_proxy(
    lookup: impl Fn(&str) -> Option<OsString>,
) -> Result<Option<reqwest::Proxy>, BuildError> {
    let invalid = |variable: &str, problem: &str| BuildError::Proxy {
        variable: variable.to_owned(),
        problem: problem.to_owned(),
    };
    for variable in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        let Some(value) = lookup(variable) else {
            continue;
        };
        let value = value
            .into_string()
            .map_err(|_| invalid(variable, "is not valid UTF-8"))?;
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let no_proxy = ["NO_PROXY", "no_proxy"]
            .into_iter()
            .find_map(&lookup)
            .map(|list| list.to_string_lossy().into_owned())
            .unwrap_or_default();
        let unusable = || {
            invalid(
                variable,
                "is not a usable proxy URL (expected http://host:port or https://host:port)",
            )
        };
        // reqwest would take other schemes (socks) and fail only when connecting.
        let url = reqwest::Url::parse(value).map_err(|_| unusable())?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(unusable());
        }
        let proxy = reqwest::Proxy::https(url)
            .map_err(|_| unusable())?
            .no_proxy(reqwest::NoProxy::from_string(&format!(
                "{LOOPBACK_NO_PROXY},{no_proxy}"
            )));
        return Ok(Some(proxy));
    }
    Ok(None)
}

impl OrdersClient {
    /// Starts configuring a client authenticated with `credentials`.
    pub fn builder(credentials: Credentials) -> OrdersClientBuilder {
        OrdersClientBuilder {
            credentials,
            target: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            http: None,
            extra_roots: Vec::new(),
        }
    }

    /// The same client, sending to project `project_id` instead of the credentials'
    /// default.
    pub fn for_project(&self, project_id: impl Into<String>) -> Result<Self, CredentialsError> {
        Ok(Self {
            project_id: Some(validate_project_id("project_id", project_id.into())?),
            ..self.clone()
        })
    }

    /// The project the calls are sent to, if known.
    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }

    /// Where each operation is sent.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// A generated [`Client`] for `service`'s endpoint, with the same credentials,
    /// HTTP client and response-size limit, for direct use of the generated builders
    /// (their errors are the generated `progenitor_client::Error`); an error where the
    /// service has no endpoint in the client's region. This is the only way to a
    /// generated client: its own constructors are crate-private, because the HTTP
    /// client they would build follows redirects.
    ///
    /// The generated builders return a success without an order id as it came, and
    /// an answer over the size limit as an undecodable (empty) body.
    pub fn generated_client(&self, service: Service) -> Result<Client, EndpointError> {
        Ok(Client::new_with_client(
            self.endpoints.service_url(service)?.as_str(),
            self.http.clone(),
            ClientContext::from_shared(
                self.credentials.clone(),
                Some(service),
                None,
                self.response_limit,
            ),
        ))
    }

    /// The project id and base URL of a call of `operation`, or why it cannot be sent.
    fn target<E>(&self, operation: Operation) -> Result<(&str, &BaseUrl), Error<E>> {
        let project_id = self
            .project_id
            .as_deref()
            .ok_or_else(|| Error::InvalidRequest {
                message: "project_id: none given; set HUAWEICLOUD_SDK_PROJECT_ID, use \
                      Credentials::with_project_id or OrdersClient::for_project"
                    .to_owned(),
            })?;
        let base_url =
            self.endpoints
                .base_url(operation)
                .map_err(|error| Error::InvalidRequest {
                    message: error.to_string(),
                })?;
        Ok((project_id, base_url))
    }

    /// The generated client for one call of `operation`, recording its response.
    pub(crate) fn call_client<E>(
        &self,
        operation: Operation,
    ) -> Result<(Client, CaptureSlot, &str), Error<E>> {
        let (project_id, base_url) = self.target(operation)?;
        let slot = CaptureSlot::default();
        let client = Client::new_with_client(
            base_url.as_str(),
            self.http.clone(),
            ClientContext::from_shared(
                self.credentials.clone(),
                Some(operation.service()),
                Some(slot.clone()),
                self.response_limit,
            ),
        );
        Ok((client, slot, project_id))
    }

    /// The generated client for a dry run of `operation`: the same HTTP client,
    /// credentials and checks as a call, but the `pre` hook records the signed
    /// request in the slot and stops it instead of sending.
    pub(crate) fn dry_run_client<E>(
        &self,
        operation: Operation,
    ) -> Result<(Client, DryRunSlot, &str), Error<E>> {
        let (project_id, base_url) = self.target(operation)?;
        let slot = DryRunSlot::default();
        let mut context = ClientContext::from_shared(
            self.credentials.clone(),
            Some(operation.service()),
            None,
            self.response_limit,
        );
        context.dry_run = Some(slot.clone());
        let client = Client::new_with_client(base_url.as_str(), self.http.clone(), context);
        Ok((client, slot, project_id))
    }

    /// The generated call's result as the client's: the captured response kept, and
    /// a success without an order id refused.
    pub(crate) fn placed<T, E>(
        &self,
        result: Result<ResponseValue<T>, progenitor_client::Error<E>>,
        slot: &CaptureSlot,
        order_id: impl Fn(&T) -> Option<&str>,
    ) -> Result<ResponseValue<T>, Error<E>> {
        capture::into_result(result, slot, self.transport, |placed| {
            has_order_id(order_id(placed))
        })
    }
}

/// A placed order names itself; an empty or blank id is none.
fn has_order_id(order_id: Option<&str>) -> bool {
    order_id.is_some_and(|id| !id.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy_from(variables: &[(&str, &str)]) -> Result<Option<reqwest::Proxy>, BuildError> {
        let variables: Vec<(String, OsString)> = variables
            .iter()
            .map(|(name, value)| (name.to_string(), OsString::from(value)))
            .collect();
        https_proxy(move |name| {
            variables
                .iter()
                .find(|(candidate, _)| candidate == name)
                .map(|(_, value)| value.clone())
        })
    }

    #[test]
    fn only_https_and_all_proxy_variables_name_a_proxy() {
        assert!(proxy_from(&[]).unwrap().is_none());
        assert!(
            proxy_from(&[("HTTP_PROXY", "http://127.0.0.1:9"), ("http_proxy", "x")])
                .unwrap()
                .is_none()
        );
        assert!(
            proxy_from(&[("ALL_PROXY", "http://127.0.0.1:9")])
                .unwrap()
                .is_some()
        );
        assert!(
            proxy_from(&[("https_proxy", "http://127.0.0.1:9")])
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn an_unusable_proxy_names_the_variable_not_its_value() {
        let error = proxy_from(&[("HTTPS_PROXY", "gopher://user:hunter2@proxy:1")])
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("HTTPS_PROXY: "), "{error}");
        assert!(!error.contains("hunter2"), "{error}");
    }
}
