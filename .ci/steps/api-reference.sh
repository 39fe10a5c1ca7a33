#!/usr/bin/env bash
# The HTML API reference renders: `cargo xtask docs` builds it with the pinned
# Redocly CLI, and headless Chromium, with every host name unresolvable (so
# only a self-contained page can render), must show every operation, its
# request schema and each of its examples (reference_check.py).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$REPO_ROOT"
export CI=true
# The checks import helpers from .ci/tools/spec: no __pycache__ in the checkout.
export PYTHONDONTWRITEBYTECODE=1

ensure_apt chromium
NODE="$(ensure_npm "$CI_ROOT/tools/spec")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

log "cargo xtask docs"
cargo xtask docs --redocly "$NODE/redocly" --output "$work/workspace-orders.html"

log "headless Chromium renders every operation, request schema and example"
python3 "$CI_ROOT/tools/spec/reference_check.py" --chromium "$(command -v chromium)" \
  --spec openapi/workspace-orders.json --html "$work/workspace-orders.html" ||
  die "api-reference: the rendered reference is incomplete (see FAIL above)"
log "api reference: rendered"
