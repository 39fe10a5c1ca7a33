//! The CLI's integration tests, one module per concern, linked into one binary
//! (linking a binary per file dominated the test build). They run the
//! `workspace-orders` binary as a child process; its environment and directory
//! are set per child, never on this process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation panics

mod commands;
mod place;
mod quick_start;
mod rules;
mod support;
mod validate;
