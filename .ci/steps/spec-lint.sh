#!/usr/bin/env bash
# The spec is valid and clean for every generator: openapi-spec-validator,
# Redocly lint (recommended + project rules) and Spectral (spectral:oas +
# project rules), on both the YAML source and its JSON rendering; and the YAML
# reads the same under YAML 1.1 (PyYAML, openapi-generator) as the JSON says.
# The project rules are also shown to fire on a deliberately broken copy, so
# they cannot pass vacuously.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$REPO_ROOT/openapi"

PY="$(ensure_venv spec "$CI_ROOT/tools/spec/requirements.txt")"
NODE="$(ensure_npm "$CI_ROOT/tools/spec")"
export CI=true

for spec in workspace-orders.yaml workspace-orders.json; do
  log "openapi-spec-validator $spec"
  "$PY/openapi-spec-validator" "$spec"
done

log "YAML 1.1 consumers read the YAML as its JSON rendering says"
"$PY/python" "$CI_ROOT/tools/spec/yaml_json_agree.py" workspace-orders.yaml workspace-orders.json

log "redocly lint"
"$NODE/redocly" lint --config redocly.yaml --format=stylish workspace-orders.yaml workspace-orders.json

log "spectral lint"
"$NODE/spectral" lint --ruleset .spectral.yaml --fail-severity=warn workspace-orders.yaml workspace-orders.json

log "spectral project rules fire on a broken copy"
broken="$(mktemp -d)/broken.yaml"
trap 'rm -rf "$(dirname "$broken")"' EXIT
python3 - "$broken" <<'PY'
import sys
text = open("workspace-orders.yaml").read()
for old, new in [
    ("          description: Security group name.\n", ""),
    ("operationId: createDesktopOrder", "operationId: create_desktop_order"),
    ("      x-enum-descriptions:\n        - extreme SSD\n", "      x-enum-notes:\n        - extreme SSD\n"),
    ("      description: Disk order request.\n      x-doc-source:", "      description: Disk order request.\n      x-doc-origin:"),
]:
    assert old in text, f"mutation target missing: {old!r}"
    text = text.replace(old, new, 1)
open(sys.argv[1], "w").write(text)
PY
# Linted where it was written (the override for the ERRATA examples does not
# apply there, which only adds findings), so nothing is written to the checkout.
found="$("$NODE/spectral" lint --ruleset .spectral.yaml --format=text "$broken" 2>&1 || true)"
for rule in property-description operation-id-camel-case enum-values-described doc-source-on-objects; do
  grep -q "$rule" <<<"$found" || die "spectral rule $rule did not fire on the broken copy:
$found"
done
log "spec lint: all clean"
