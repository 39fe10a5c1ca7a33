//! The mock's integration tests, one module per concern, linked into one binary
//! (linking a binary per file dominated the test build). Tests run in parallel
//! threads of this one process: none may change process-wide state (environment,
//! current directory) in it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation panics

mod authentication;
mod binary;
mod concurrency;
mod end_to_end;
mod faults;
mod kept_orders;
mod requests;
mod rules;
mod stalled_clients;
mod strictness;
mod support;
