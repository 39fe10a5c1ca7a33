//! Constrained value types (owned by the generation-pipeline work).
