//! Request hooks the generated client calls (owned by the client-layer work;
//! this minimal version only lets the generated code compile).

/// Per-client state the generated `Client` carries as its inner value.
#[derive(Debug, Clone, Default)]
pub struct ClientContext {}

impl progenitor_client::ClientHooks<ClientContext> for crate::Client {}
