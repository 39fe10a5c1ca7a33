//! [`OrdersClient`]: the generated operations routed to the right endpoint,
//! authenticated, with safe transport defaults and errors that keep the response.

use std::fmt::Display;
use std::sync::Arc;
use std::time::Duration;

use progenitor_client::ResponseValue;

use crate::capture::{self, CaptureSlot};
use crate::credentials::{Credentials, CredentialsError, validate_project_id};
use crate::endpoint::{BaseUrl, EndpointError, Endpoints, RegionPolicy, Service};
use crate::error::Error;
use crate::hooks::ClientContext;
use crate::operation::Operation;
use crate::{Client, types};

/// Default time allowed to establish a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole call, from connecting to the last body byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// A client for the order operations.
///
/// Calls are sent once: there are no automatic retries, redirects are not followed
/// (a redirect would carry the credentials elsewhere), and HTTP-level retries of the
/// transport are disabled.
#[derive(Debug, Clone)]
pub struct OrdersClient {
    http: reqwest::Client,
    credentials: Arc<Credentials>,
    endpoints: Endpoints,
    project_id: Option<String>,
}

/// Why an [`OrdersClient`] could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Neither a region nor a base URL was given.
    #[error("no endpoint: call region(..), base_url(..) or endpoints(..)")]
    NoEndpoint,
    /// The region or base URL cannot be used.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// The HTTP client could not be set up (TLS roots, for instance).
    #[error("the HTTP client could not be built: {0}")]
    Http(#[source] reqwest::Error),
    /// The TLS configuration was refused (an extra root certificate that does not
    /// parse, for instance).
    #[error("TLS set-up: {0}")]
    Tls(#[source] rustls::Error),
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
    /// `https://workspace.{region}.myhuaweicloud.com`.
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

    /// Uses a caller-configured HTTP client instead; the timeouts above are then
    /// ignored. It should not follow redirects or retry requests.
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
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .tls_backend_preconfigured(
                    crate::tls::client_config(&self.extra_roots).map_err(BuildError::Tls)?,
                )
                .connect_timeout(self.connect_timeout)
                .timeout(self.timeout)
                .redirect(reqwest::redirect::Policy::none())
                .retry(reqwest::retry::never())
                .build()
                .map_err(BuildError::Http)?,
        };
        Ok(OrdersClient {
            http,
            project_id: self.credentials.project_id().map(str::to_owned),
            credentials: Arc::new(self.credentials),
            endpoints,
        })
    }
}

impl OrdersClient {
    /// Starts configuring a client authenticated with `credentials`.
    pub fn builder(credentials: Credentials) -> OrdersClientBuilder {
        OrdersClientBuilder {
            credentials,
            target: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
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

    /// A generated [`Client`] for `service`'s endpoint, with the same credentials and
    /// HTTP client, for direct use of the generated builders (their errors are the
    /// generated `progenitor_client::Error`).
    pub fn generated_client(&self, service: Service) -> Client {
        Client::new_with_client(
            self.endpoints.service_url(service).as_str(),
            self.http.clone(),
            ClientContext::from_shared(self.credentials.clone(), Some(service), None),
        )
    }

    /// The generated client for one call of `operation`, recording its response.
    fn call_client<E>(
        &self,
        operation: Operation,
    ) -> Result<(Client, CaptureSlot, &str), Error<E>> {
        let project_id = self
            .project_id
            .as_deref()
            .ok_or_else(|| Error::InvalidRequest {
                message: "project_id: none given; set HUAWEICLOUD_SDK_PROJECT_ID, use \
                      Credentials::with_project_id or OrdersClient::for_project"
                    .to_owned(),
            })?;
        let slot = CaptureSlot::default();
        let client = Client::new_with_client(
            self.endpoints.base_url(operation).as_str(),
            self.http.clone(),
            ClientContext::from_shared(
                self.credentials.clone(),
                Some(operation.service()),
                Some(slot.clone()),
            ),
        );
        Ok((client, slot, project_id))
    }

    /// `createAppOrder`: orders cloud applications (`createApps`, yearly/monthly).
    ///
    /// Sent once, never retried; see the crate docs on checking before retrying.
    pub async fn create_app_order<B>(
        &self,
        body: B,
    ) -> Result<ResponseValue<types::AppOrderResponse>, Error<types::AppOrderError>>
    where
        B: TryInto<types::AppOrderRequest>,
        B::Error: Display,
    {
        let (client, slot, project_id) = self.call_client(Operation::CreateAppOrder)?;
        let result = client
            .create_app_order()
            .project_id(project_id)
            .body(body)
            .send()
            .await;
        capture::into_result(result, slot.take())
    }

    /// `createPeriodicOrder`: places a yearly/monthly order (desktops, disks, ...).
    ///
    /// Sent once, never retried; see the crate docs on checking before retrying.
    pub async fn create_periodic_order<B>(
        &self,
        body: B,
    ) -> Result<ResponseValue<types::OrderResponse>, Error<types::OrderError>>
    where
        B: TryInto<types::PeriodicOrderRequest>,
        B::Error: Display,
    {
        let (client, slot, project_id) = self.call_client(Operation::CreatePeriodicOrder)?;
        let result = client
            .create_periodic_order()
            .project_id(project_id)
            .body(body)
            .send()
            .await;
        capture::into_result(result, slot.take())
    }

    /// `createDesktopOrder`: orders desktops with hourly packages.
    ///
    /// Sent once, never retried; see the crate docs on checking before retrying.
    pub async fn create_desktop_order<B>(
        &self,
        body: B,
    ) -> Result<ResponseValue<types::OrderResponse>, Error<types::OrderError>>
    where
        B: TryInto<types::DesktopOrderRequest>,
        B::Error: Display,
    {
        let (client, slot, project_id) = self.call_client(Operation::CreateDesktopOrder)?;
        let result = client
            .create_desktop_order()
            .project_id(project_id)
            .body(body)
            .send()
            .await;
        capture::into_result(result, slot.take())
    }
}
