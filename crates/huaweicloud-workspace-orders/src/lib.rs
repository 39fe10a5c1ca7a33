//! Typed, signed client for the Huawei Cloud Workspace order APIs.
//!
//! (Crate docs are written by the client-layer owner.)

pub mod constrained;
mod generated;
pub mod hooks;

pub use generated::*;
