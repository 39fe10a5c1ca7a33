//! The operations of the spec, with the service that serves each and its path.

use crate::endpoint::Service;

/// One operation of the order API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// `createAppOrder`: `POST /v1/{project_id}/bundles/subscribe/order`.
    CreateAppOrder,
    /// `createPeriodicOrder`: `POST /v2/{project_id}/periodic/subscribe/order`.
    CreatePeriodicOrder,
    /// `createDesktopOrder`: `POST /v2/{project_id}/desktops/orders/subscribe`.
    CreateDesktopOrder,
}

impl Operation {
    /// Every operation.
    pub const ALL: [Operation; 3] = [
        Operation::CreateAppOrder,
        Operation::CreatePeriodicOrder,
        Operation::CreateDesktopOrder,
    ];

    /// The spec's `operationId`.
    pub fn operation_id(self) -> &'static str {
        match self {
            Operation::CreateAppOrder => "createAppOrder",
            Operation::CreatePeriodicOrder => "createPeriodicOrder",
            Operation::CreateDesktopOrder => "createDesktopOrder",
        }
    }

    /// The name the generated client reports in `OperationInfo::operation_id`.
    pub fn method_name(self) -> &'static str {
        match self {
            Operation::CreateAppOrder => "create_app_order",
            Operation::CreatePeriodicOrder => "create_periodic_order",
            Operation::CreateDesktopOrder => "create_desktop_order",
        }
    }

    /// The operation a generated method name belongs to.
    pub fn from_method_name(name: &str) -> Option<Operation> {
        Operation::ALL
            .into_iter()
            .find(|operation| operation.method_name() == name)
    }

    /// The path template, relative to the base URL.
    pub fn path_template(self) -> &'static str {
        match self {
            Operation::CreateAppOrder => "/v1/{project_id}/bundles/subscribe/order",
            Operation::CreatePeriodicOrder => "/v2/{project_id}/periodic/subscribe/order",
            Operation::CreateDesktopOrder => "/v2/{project_id}/desktops/orders/subscribe",
        }
    }

    /// The service (and so the endpoint) that serves the operation.
    pub fn service(self) -> Service {
        match self {
            Operation::CreateAppOrder => Service::WorkspaceApp,
            Operation::CreatePeriodicOrder | Operation::CreateDesktopOrder => Service::Workspace,
        }
    }

    /// The project id in an encoded request `path` that ends with this operation's
    /// path (after any base-URL path stem), percent-decoded; `None` when the path does
    /// not have the operation's shape (for instance after `..` in a project id was
    /// resolved away).
    pub fn project_id_in(self, path: &str) -> Option<String> {
        // Compared from the end, without collecting: a base URL may add a prefix.
        let template = self.path_template().split('/').skip(1);
        let template_len = template.clone().count();
        let segment_count = path.split('/').skip(1).count();
        let tail = path
            .split('/')
            .skip(1 + segment_count.checked_sub(template_len)?);
        let mut project_id = None;
        for (expected, actual) in template.zip(tail) {
            if expected == "{project_id}" {
                let decoded = percent_encoding::percent_decode_str(actual)
                    .decode_utf8()
                    .ok()?
                    .into_owned();
                project_id = Some(decoded);
            } else if expected != actual {
                return None;
            }
        }
        project_id
    }
}
