//! What the workspace's tools know about OpenAPI 3.0 documents, in one place.
//!
//! The generator and doc-check (`xtask`), the mock server and the tests read the
//! same document; each fact about reading it has one home here, named by its module:
//!
//! - [`mod@pointer`]: JSON pointers (RFC 6901): escaping, unescaping and building them;
//! - [`mod@reference`]: following local `$ref`s, with one depth limit;
//! - [`operations`]: the HTTP methods of a path item, the operations of a document
//!   and the JSON media type of a request or response body;
//! - [`json_schema`]: the one translation of an OpenAPI 3.0 schema into JSON Schema,
//!   and the validator built from it;
//! - [`example_errata`]: the spec's example requests that contradict their own
//!   tables, and their corrections (`.ci/tools/spec/example-errata.json`).
//!
//! The published client does not depend on this crate (its consumers never compile
//! it); its tests may.

pub mod example_errata;
pub mod json_schema;
pub mod operations;
pub mod pointer;
pub mod reference;
