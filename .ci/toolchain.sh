#!/usr/bin/env bash
# Checks that the toolchain rust-toolchain.toml selects (`stable`) is the Rust
# version CI builds and lints with, so that clippy -D warnings and rustfmt mean the
# same here as where they last passed. Downloads nothing (CI reaches only the
# package registries). Run by .ci/run before any other cargo call.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

# Move this together with the code when a newer Rust is adopted.
CI_RUST_VERSION=1.95.0

installed="$(rustc --version 2>/dev/null | cut -d' ' -f2)" ||
  die "no Rust toolchain: install Rust $CI_RUST_VERSION (rustup toolchain install $CI_RUST_VERSION --profile minimal --component rustfmt,clippy; rustup default $CI_RUST_VERSION)"
[[ "$installed" == "$CI_RUST_VERSION" ]] ||
  die "CI builds and lints with Rust $CI_RUST_VERSION, but the toolchain here (rust-toolchain.toml: stable) is $installed; install $CI_RUST_VERSION as stable, or move CI_RUST_VERSION in .ci/toolchain.sh together with the code"
log "Rust $installed, as CI expects"
