//! What a call tells, whatever its operation's types: the order id of a placed
//! order, or the outcome and details of a failed one.

use std::fmt::Debug;

use huaweicloud_workspace_orders::ResponseValue;
use huaweicloud_workspace_orders::error::{ApiErrorBody, Error, Outcome, request_id};

/// What a failed call tells, whatever its operation's error body type.
pub struct Failure {
    pub outcome: Outcome,
    pub message: String,
    pub status: Option<u16>,
    pub request_id: Option<String>,
    pub error_code: Option<String>,
}

impl<E: ApiErrorBody + Debug> From<Error<E>> for Failure {
    fn from(error: Error<E>) -> Self {
        let error_code = match &error {
            Error::Api { body, .. } => body.error_code().map(str::to_owned),
            _ => None,
        };
        Failure {
            outcome: error.outcome(),
            message: error.to_string(),
            status: error.status().map(|s| s.as_u16()),
            request_id: error.request_id().map(str::to_owned),
            error_code,
        }
    }
}

/// The order id and `X-Request-Id` of a placed order.
pub struct Placed {
    pub order_id: Option<String>,
    pub request_id: Option<String>,
}

impl Placed {
    /// The placed order of a successful call; `order_id` takes it from the answer.
    pub fn from_response<T>(
        response: ResponseValue<T>,
        order_id: impl FnOnce(T) -> Option<String>,
    ) -> Self {
        let request_id = request_id(response.headers());
        Placed {
            order_id: order_id(response.into_inner()),
            request_id,
        }
    }
}
