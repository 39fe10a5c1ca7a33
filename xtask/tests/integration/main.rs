//! xtask's integration tests, one module per concern, linked into one binary
//! (linking a binary per file dominated the test build). They run the `xtask`
//! binary as a child process, on files of their own (temporary directories, or a
//! copy of the repository under the target directory).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation panics

mod doc_check;
mod doc_check_propose;
mod doc_check_rules;
mod generate_pipeline;
mod mock_signal;
mod module_cycles;
mod new_operation;
