//! Where each operation is sent: region → base URL per service, as the official SDKs
//! resolve it.
//!
//! - `createPeriodicOrder` and `createDesktopOrder` are served by Workspace at
//!   `https://workspace.{region}.myhuaweicloud.com`.
//! - `createAppOrder` is served by WorkspaceApp at
//!   `https://appstream.{region}.myhuaweicloud.com` in the regions of
//!   [`WORKSPACEAPP_REGIONS`], and by the Workspace endpoint elsewhere.
//! - `HUAWEICLOUD_SDK_REGION_WORKSPACE_<REGION>` and
//!   `HUAWEICLOUD_SDK_REGION_WORKSPACEAPP_<REGION>` (region upper-cased, `-` → `_`; a
//!   comma-separated list whose first entry is used) override a region's endpoint, as
//!   in the official SDKs' environment region provider.
//! - An explicit base URL ([`Endpoints::single`], [`Endpoints::custom`]) overrides
//!   everything, for proxies and tests.
//!
//! ```
//! use huaweicloud_workspace_orders::endpoint::{Endpoints, RegionPolicy};
//! use huaweicloud_workspace_orders::operation::Operation;
//!
//! let endpoints = Endpoints::resolve("cn-north-4", RegionPolicy::KnownOnly, |_| None)?;
//! assert_eq!(
//!     endpoints.base_url(Operation::CreateAppOrder).as_str(),
//!     "https://appstream.cn-north-4.myhuaweicloud.com"
//! );
//! assert_eq!(
//!     endpoints.base_url(Operation::CreatePeriodicOrder).as_str(),
//!     "https://workspace.cn-north-4.myhuaweicloud.com"
//! );
//! # Ok::<(), huaweicloud_workspace_orders::endpoint::EndpointError>(())
//! ```

use std::ffi::OsString;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::operation::Operation;

/// Regions of the Workspace service in the official SDKs' catalogue
/// (`huaweicloud-sdk-go-v3` `services/workspace/v2/region`).
pub const WORKSPACE_REGIONS: [&str; 9] = [
    "ap-southeast-3",
    "cn-east-3",
    "cn-north-4",
    "cn-north-9",
    "cn-south-1",
    "cn-southwest-2",
    "la-north-2",
    "la-south-2",
    "sa-brazil-1",
];

/// Regions of the WorkspaceApp (application streaming) service in the official SDKs'
/// catalogue (`huaweicloud-sdk-go-v3` `services/workspaceapp/v1/region`).
pub const WORKSPACEAPP_REGIONS: [&str; 5] = [
    "cn-east-3",
    "cn-north-4",
    "cn-north-9",
    "cn-south-1",
    "cn-southwest-2",
];

/// A service with its own endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// Workspace (desktops): `workspace.{region}`.
    Workspace,
    /// WorkspaceApp (application streaming): `appstream.{region}`.
    WorkspaceApp,
}

impl Service {
    /// The service's name in `HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>`.
    pub fn env_name(self) -> &'static str {
        match self {
            Service::Workspace => "WORKSPACE",
            Service::WorkspaceApp => "WORKSPACEAPP",
        }
    }

    /// The regions the official catalogue lists for the service.
    pub fn known_regions(self) -> &'static [&'static str] {
        match self {
            Service::Workspace => &WORKSPACE_REGIONS,
            Service::WorkspaceApp => &WORKSPACEAPP_REGIONS,
        }
    }

    fn host_prefix(self) -> &'static str {
        match self {
            Service::Workspace => "workspace",
            Service::WorkspaceApp => "appstream",
        }
    }
}

/// Whether a region outside [`WORKSPACE_REGIONS`] is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegionPolicy {
    /// Only catalogued regions (or ones with an environment override).
    #[default]
    KnownOnly,
    /// Any well-formed region id, at `https://workspace.{region}.myhuaweicloud.com`
    /// (for regions newer than this crate).
    AllowUnknown,
}

/// Why no endpoint could be chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// The region is not in the catalogue and was not opted in.
    #[error(
        "unknown Workspace region {region:?}; known regions: {known}; set {variable} to its \
         endpoint or allow unknown regions explicitly",
        known = WORKSPACE_REGIONS.join(", ")
    )]
    UnknownRegion {
        /// The region asked for.
        region: String,
        /// The environment variable that would override its endpoint.
        variable: String,
    },
    /// The region id is not lower-case letters, digits and single `-`.
    #[error("region id {0:?} is malformed: expected lower-case letters, digits and '-'")]
    MalformedRegion(String),
    /// A base URL (argument or environment variable) cannot be used.
    #[error("{setting}: {problem}")]
    InvalidUrl {
        /// Where the URL came from.
        setting: String,
        /// What is wrong with it.
        problem: String,
    },
}

/// A validated base URL: `https` (or `http` to a loopback host), a host, an
/// optional path stem, no credentials, query or fragment; kept without a trailing `/`
/// because operation paths are appended to it.
///
/// Loopback, where plain http is allowed (nothing leaves the machine), is exactly:
/// an IPv4 address in `127.0.0.0/8`, the IPv6 address `::1` (also written as the
/// IPv4-mapped `::ffff:127.x.y.z`), and the name `localhost`, which
/// [`OrdersClient`](crate::OrdersClient) resolves to `127.0.0.1`/`::1` itself, never
/// through DNS. Any other name is refused even if it resolves to loopback
/// (`localhost.example`): what a name resolves to can change. `0.0.0.0`, private
/// and link-local addresses are not loopback.
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// Validates `text`; `setting` names its source in errors.
    pub fn parse(setting: &str, text: &str) -> Result<Self, EndpointError> {
        let invalid = |problem: &str| EndpointError::InvalidUrl {
            setting: setting.to_owned(),
            problem: problem.to_owned(),
        };
        let url = reqwest::Url::parse(text.trim()).map_err(|error| {
            invalid(&format!(
                "{:?} is not a URL ({error})",
                without_user_info(text)
            ))
        })?;
        let host = url
            .host_str()
            .ok_or_else(|| invalid("the URL has no host"))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(host) => {}
            "http" => {
                return Err(invalid(
                    "plain http would expose credentials; use https (http is accepted only \
                     for loopback addresses)",
                ));
            }
            other => return Err(invalid(&format!("scheme {other:?} is not http(s)"))),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("the URL must not carry user information"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("the URL must not have a query or fragment"));
        }
        Ok(Self(url.as_str().trim_end_matches('/').to_owned()))
    }

    /// The URL, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Loopback as [`BaseUrl`] documents it, for a parsed URL's host: the parser has
/// already turned every spelling of an IPv4 address (`127.1`, `2130706433`) into
/// dotted form, lower-cased names and put IPv6 addresses in brackets.
fn is_loopback(host: &str) -> bool {
    if let Some(ipv6) = host
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
    {
        return ipv6
            .parse::<Ipv6Addr>()
            .is_ok_and(|ip| IpAddr::V6(ip).to_canonical().is_loopback());
    }
    host == "localhost" || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

/// `text` with everything between `://` and its last `@` replaced by `***`, so that
/// an unparsable URL's password is not echoed in an error. (Up to the last `@`, not
/// the end of the authority: a password may hold `/` or `@`; an `@` in a path only
/// hides more of an unusable URL.)
fn without_user_info(text: &str) -> String {
    let Some(start) = text.find("://").map(|index| index + 3) else {
        return text.to_owned();
    };
    match text[start..].rfind('@') {
        Some(at) => format!("{}***{}", &text[..start], &text[start + at..]),
        None => text.to_owned(),
    }
}

/// The base URL of each service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    workspace: BaseUrl,
    workspace_app: BaseUrl,
}

impl Endpoints {
    /// The endpoints of `region`, with the official environment overrides read from
    /// the process environment; unknown regions are refused.
    pub fn for_region(region: &str) -> Result<Self, EndpointError> {
        Self::resolve(region, RegionPolicy::KnownOnly, |name| {
            std::env::var_os(name)
        })
    }

    /// The endpoints of `region` under `policy`, reading environment overrides through
    /// `lookup`.
    pub fn resolve(
        region: &str,
        policy: RegionPolicy,
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Result<Self, EndpointError> {
        if !is_well_formed_region(region) {
            return Err(EndpointError::MalformedRegion(region.to_owned()));
        }
        let workspace = match override_for(Service::Workspace, region, &lookup)? {
            Some(url) => url,
            None if WORKSPACE_REGIONS.contains(&region) || policy == RegionPolicy::AllowUnknown => {
                catalogue_url(Service::Workspace, region)?
            }
            None => {
                return Err(EndpointError::UnknownRegion {
                    region: region.to_owned(),
                    variable: override_variable(Service::Workspace, region),
                });
            }
        };
        let workspace_app = match override_for(Service::WorkspaceApp, region, &lookup)? {
            Some(url) => url,
            None if WORKSPACEAPP_REGIONS.contains(&region) => {
                catalogue_url(Service::WorkspaceApp, region)?
            }
            // Outside the application-streaming regions the v1 order is served by the
            // Workspace endpoint.
            None => workspace.clone(),
        };
        Ok(Self {
            workspace,
            workspace_app,
        })
    }

    /// One base URL for every operation (a proxy, a mock server).
    pub fn single(base_url: BaseUrl) -> Self {
        Self {
            workspace: base_url.clone(),
            workspace_app: base_url,
        }
    }

    /// Explicit base URLs per service.
    pub fn custom(workspace: BaseUrl, workspace_app: BaseUrl) -> Self {
        Self {
            workspace,
            workspace_app,
        }
    }

    /// The base URL `operation` is sent to.
    pub fn base_url(&self, operation: Operation) -> &BaseUrl {
        self.service_url(operation.service())
    }

    /// The base URL of `service`.
    pub fn service_url(&self, service: Service) -> &BaseUrl {
        match service {
            Service::Workspace => &self.workspace,
            Service::WorkspaceApp => &self.workspace_app,
        }
    }
}

/// The environment variable that overrides `service`'s endpoint in `region`.
pub fn override_variable(service: Service, region: &str) -> String {
    format!(
        "HUAWEICLOUD_SDK_REGION_{}_{}",
        service.env_name(),
        region.to_ascii_uppercase().replace('-', "_")
    )
}

fn override_for(
    service: Service,
    region: &str,
    lookup: &impl Fn(&str) -> Option<OsString>,
) -> Result<Option<BaseUrl>, EndpointError> {
    let variable = override_variable(service, region);
    let Some(value) = lookup(&variable) else {
        return Ok(None);
    };
    let value = value.into_string().map_err(|_| EndpointError::InvalidUrl {
        setting: variable.clone(),
        problem: "is not valid UTF-8".to_owned(),
    })?;
    // The official SDKs accept a comma-separated list and fail over between entries;
    // an order must not be re-sent elsewhere, so only the first is used.
    let first = value.split(',').next().unwrap_or("").trim();
    if first.is_empty() {
        return Err(EndpointError::InvalidUrl {
            setting: variable,
            problem: "is empty".to_owned(),
        });
    }
    BaseUrl::parse(&variable, first).map(Some)
}

fn catalogue_url(service: Service, region: &str) -> Result<BaseUrl, EndpointError> {
    BaseUrl::parse(
        "region",
        &format!(
            "https://{}.{region}.myhuaweicloud.com",
            service.host_prefix()
        ),
    )
}

fn is_well_formed_region(region: &str) -> bool {
    !region.is_empty()
        && region.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}
