//! The CLI's integration tests, one module per concern, linked into one binary
//! (linking a binary per file dominated the test build). They run the
//! `workspace-orders` binary as a child process; its environment and directory
//! are set per child, never on this process.

mod commands;
mod place;
mod quick_start;
mod rules;
mod support;
mod validate;
