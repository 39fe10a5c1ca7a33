#!/usr/bin/env bash
# The README's "Depending on the client" snippet compiles in a fresh crate that
# has exactly the README's [dependencies] (only the client's path pointed at
# this checkout). The README doctest cannot show this: it compiles with the
# client crate's own dependencies, so a crate the example uses but the
# [dependencies] block omits (serde_json, E0433) goes unnoticed there.
#
# Fast on a warm machine because it shares the workspace's target directory
# (or CARGO_TARGET_DIR) and starts from the workspace's Cargo.lock. Neither can
# hide a missing dependency: rustc gives the crate only the --extern crates of
# its own [dependencies] (what a path like `serde_json::` resolves against),
# whatever else the target directory holds; artifacts are reused only where
# cargo's fingerprint (version, features, flags) matches; and cargo drops lock
# entries the manifest does not use. The lock pins the versions the workspace
# tests; newer semver-compatible releases are not what this step checks.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$REPO_ROOT"
# The extractor lives under .ci/tools: no __pycache__ in the checkout.
export PYTHONDONTWRITEBYTECODE=1

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
crate="$work/readme-consumer-check"

log "readme-consumer: the README's [dependencies] and example as a fresh crate"
python3 "$CI_ROOT/tools/readme-consumer/extract_consumer.py" --readme README.md \
  --client "$REPO_ROOT/crates/huaweicloud-workspace-orders" --out "$crate" >"$work/where" ||
  die "readme-consumer: cannot find the snippet in README.md (see above)"
where="$(cat "$work/where")"
printf '    %s\n' "$where" >&2
sed 's/^/    | /' "$crate/Cargo.toml" >&2
cp Cargo.lock "$crate/Cargo.lock"

log "readme-consumer: cargo build"
if ! CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO_ROOT/target}" \
  cargo build --quiet --manifest-path "$crate/Cargo.toml" >"$work/build.log" 2>&1; then
  sed 's/^/    /' "$work/build.log" >&2
  die "readme-consumer: the README's example does not compile with exactly the README's [dependencies] ($where)"
fi
log "readme-consumer: the README's snippet compiles"
