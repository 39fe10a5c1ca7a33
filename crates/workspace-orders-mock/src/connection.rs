//! The handle a request's handler gets on its own connection: the server and the
//! handler both use it, so it lives apart from either.

use std::sync::Arc;

use axum::response::Response;
use tokio::sync::Notify;

/// Lets a request's handler close its own connection without answering.
#[derive(Debug, Clone, Default)]
pub struct ConnectionControl {
    drop: Arc<Notify>,
}

impl ConnectionControl {
    /// Closes the connection; never returns (the handler is dropped with it).
    pub async fn drop_now(&self) -> Response {
        self.drop.notify_one();
        std::future::pending().await
    }

    /// Resolves once a handler asked for the connection to be closed.
    pub(crate) async fn drop_requested(&self) {
        self.drop.notified().await;
    }
}
