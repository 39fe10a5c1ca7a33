//! Typed, signed client for the Huawei Cloud Workspace order APIs.
//!
//! (Crate docs are written by the client-layer owner.)

pub mod constrained;
#[rustfmt::skip] // formatted by prettyplease in `cargo xtask generate`
mod generated;
pub mod hooks;

pub use generated::*;
