//! The services with their own endpoints. An operation names its service in the
//! spec (`x-service`); [`endpoint`](crate::endpoint) knows where each one is.

/// A service with its own endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// Workspace (desktops; the v2 orders): `workspace.{region}`.
    Workspace,
    /// WorkspaceApp (application streaming; the v1 order): `appstream.{region}` or the
    /// Workspace host, per
    /// [`REGIONS`](crate::endpoint::REGIONS).
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

    /// The service's name in the official SDKs (`Workspace`, `WorkspaceApp`).
    pub fn name(self) -> &'static str {
        match self {
            Service::Workspace => "Workspace",
            Service::WorkspaceApp => "WorkspaceApp",
        }
    }
}
