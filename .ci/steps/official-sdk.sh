#!/usr/bin/env bash
# Huawei's official Python SDKs (huaweicloudsdkworkspace / huaweicloudsdkworkspaceapp,
# pinned in .ci/tools/official-sdk/requirements.txt) against the spec, the mock and
# this crate's signer:
#  1. models:     compare_models.py walks the SDK model classes reachable from the
#                 three operations' request and response classes against the spec;
#                 any field, type or required flag that differs without an ERRATA
#                 entry fails;
#  2. orders:     place_orders.py has the SDK place, with AK/SK, every example request
#                 of the spec (with only the ERRATA corrections the SDK agrees with)
#                 and SDK-built orders using SDK-only fields and values on the mock;
#                 every one must be accepted and its response decoded by the SDK;
#  3. signatures: sign_compare.py signs constructed requests and every request of
#                 part 2 with the SDK's signer and with this crate's (the
#                 sign_requests example) and requires byte-identical Authorization
#                 headers; negative controls (date + 1 s, a dropped signed header, a
#                 changed body) must all differ.
# All three parts run; the step fails at the end naming each part that failed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$REPO_ROOT"
# The scripts import helpers from .ci/tools: no __pycache__ in the checkout.
export PYTHONDONTWRITEBYTECODE=1
# The SDK speaks to the mock on loopback: never through a proxy.
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
export no_proxy="$NO_PROXY"

TOOLS="$CI_ROOT/tools/official-sdk"
SPEC_YAML="openapi/workspace-orders.yaml"
ERRATA="openapi/ERRATA.md"
EXAMPLE_ERRATA="$CI_ROOT/tools/spec/example-errata.json"
[[ -f "$SPEC_YAML" ]] || die "official-sdk: $SPEC_YAML is missing"

PY="$(ensure_venv official-sdk "$TOOLS/requirements.txt")"

work="$(mktemp -d)"
cleanup() {
  if [[ -n "$MOCK_PID" ]]; then kill "$MOCK_PID" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Test credentials for this run only; the mock accepts nothing else.
ACCESS_KEY="OFFICIALSDK$$R$RANDOM"
SECRET_KEY="official-sdk-secret-$RANDOM$RANDOM"
PROJECT_ID="0123456789abcdef0123456789abcdef"
failed=()

log "official-sdk 1/3: the SDK's models against the spec"
start=$SECONDS
if [[ ! -f "$TOOLS/compare_models.py" ]]; then
  printf 'error: %s is missing: the model comparison (issue 12) comes with the spec-service branch\n' \
    "${TOOLS#"$REPO_ROOT"/}/compare_models.py" >&2
  failed+=("models (compare_models.py missing)")
elif ! "$PY/python" "$TOOLS/compare_models.py" --spec "$SPEC_YAML" --errata "$ERRATA"; then
  failed+=("models (differences without an ERRATA entry; see above)")
fi
printf '    (models: %ss)\n' "$((SECONDS - start))" >&2

log "official-sdk 2/3: the SDK places orders on the mock with AK/SK"
start=$SECONDS
if ! start_mock "$work" --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY"; then
  failed+=("orders (the mock server did not start)")
elif ! "$PY/python" "$TOOLS/place_orders.py" \
  --spec "$SPEC_YAML" --errata-examples "$EXAMPLE_ERRATA" --errata "$ERRATA" \
  --endpoint "$MOCK_URL" --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" \
  --project-id "$PROJECT_ID" --record "$work/signed-requests.json"; then
  failed+=("orders (refused or undecoded orders; see above)")
fi
if [[ -n "$MOCK_PID" ]] && ! kill -0 "$MOCK_PID" 2>/dev/null; then
  sed 's/^/    /' "$work/mock.err" >&2
  failed+=("orders (the mock server died)")
fi
printf '    (orders: %ss)\n' "$((SECONDS - start))" >&2

log "official-sdk 3/3: the SDK's signer and the crate's give identical Authorization headers"
start=$SECONDS
signer="$(cargo build --quiet --locked -p huaweicloud-workspace-orders --example sign_requests \
  --message-format=json-render-diagnostics |
  python3 -c 'import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message.get("executable") and "example" in message["target"]["kind"]:
        print(message["executable"])')" || true
if [[ ! -x "$signer" ]]; then
  failed+=("signatures (cargo build --example sign_requests produced no binary)")
elif [[ ! -s "$work/signed-requests.json" ]]; then
  failed+=("signatures (part 2 recorded no signed request to compare)")
elif ! "$PY/python" "$TOOLS/sign_compare.py" --recorded "$work/signed-requests.json" \
  --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" --crate-signer "$signer"; then
  failed+=("signatures (mismatches; see above)")
fi
printf '    (signatures: %ss)\n' "$((SECONDS - start))" >&2

if ((${#failed[@]})); then
  printf 'error: official-sdk: failed part: %s\n' "${failed[@]}" >&2
  exit 1
fi
log "official-sdk: models, orders and signatures agree with the official SDK"
