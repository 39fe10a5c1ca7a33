//! The client's integration tests, one module per concern, linked into one binary
//! (linking a binary per file dominated the test build). Tests run in parallel
//! threads of this one process: none may change process-wide state (environment,
//! current directory) in it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation panics

mod authentication;
mod constraints;
mod consumer_dependencies;
mod credentials;
mod endpoints;
mod errors;
mod examples_roundtrip;
mod generated_constructors;
mod generated_surface;
mod json_schema;
mod patterns;
mod plain_http_policy;
mod prelude;
mod proxy;
mod redaction;
mod rules;
mod sdk_date;
mod signing;
mod spec_walk;
mod stale_connections;
mod support;
mod tls;
mod wire;
