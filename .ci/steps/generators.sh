#!/usr/bin/env bash
# Other languages' generators accept the spec and its documented examples:
#  - python: openapi-python-client generates a client, which is installed; every
#    example request round-trips through its body model (ERRATA cases asserted
#    one by one) and one order is placed with an IAM token against the mock server
#    (started to accept only that token), or a local recorder if there is no mock;
#  - typescript: openapi-typescript emits types and `tsc --strict` checks every
#    example against its operation's request body, and a deliberately wrong
#    object must fail;
#  - openapi-generator: `python` and `typescript-fetch` generate without errors
#    and with no warnings beyond the accepted ones, and their output compiles.
# Examples are read from the spec, never copied. Every failure names the
# generator and the example.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$REPO_ROOT"
export CI="${CI:-true}"
# The checks import helpers from .ci/tools/spec: no __pycache__ in the checkout.
export PYTHONDONTWRITEBYTECODE=1

TOOLS="$CI_ROOT/tools/spec"
SPEC_YAML="$REPO_ROOT/openapi/workspace-orders.yaml"
SPEC_JSON="$REPO_ROOT/openapi/workspace-orders.json"
ERRATA="$REPO_ROOT/openapi/ERRATA.md"
[[ -f "$SPEC_JSON" ]] || die "$SPEC_JSON is missing: run cargo xtask generate"

command -v java >/dev/null 2>&1 || ensure_apt openjdk-17-jre-headless
PY="$(ensure_venv spec "$TOOLS/requirements.txt")"
NODE="$(ensure_npm "$TOOLS")"
# openapi-python-client formats its output with the pinned ruff, found on PATH.
export PATH="$PY:$PATH"

work="$(mktemp -d)"
cleanup() {
  if [[ -n "$MOCK_PID" ]]; then kill "$MOCK_PID" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# fail GENERATOR MESSAGE [LOG]: stop with the generator's name and its log.
fail() {
  [[ -z "${3:-}" ]] || sed 's/^/    /' "$3" >&2
  die "generators: $1: $2"
}

# The IAM token the generated client sends; the mock is told to accept exactly
# this one (and no default), so a 200 proves the header went out right.
token="generators-check-token"

log "python: openapi-python-client generates a client"
gen="python (openapi-python-client)"
# info.version is the doc pages' edition date (2026-05-21), which is no PEP 440
# version, so poetry-core would refuse to build the package: the config gives
# the same date in PEP 440 form (2026.5.21), derived from the spec.
python3 - "$SPEC_JSON" >"$work/opc-config.json" <<'PY' || fail "$gen" "cannot derive a package version from info.version"
import datetime, json, sys
edition = datetime.date.fromisoformat(json.load(open(sys.argv[1]))["info"]["version"])
print(json.dumps({"package_version_override": f"{edition.year}.{edition.month}.{edition.day}"}))
PY
"$PY/openapi-python-client" generate --path "$SPEC_JSON" --meta poetry \
  --config "$work/opc-config.json" --output-path "$work/python-client" >"$work/opc.log" 2>&1 ||
  fail "$gen" "generation failed" "$work/opc.log"
if grep -qi 'warning' "$work/opc.log"; then
  fail "$gen" "generation printed warnings" "$work/opc.log"
fi
package_init="$(find "$work/python-client" -mindepth 2 -maxdepth 2 -name __init__.py | head -n1)"
[[ -n "$package_init" ]] || fail "$gen" "no package in the generated client"
package="$(basename "$(dirname "$package_init")")"

log "python: install the generated package ($package)"
# Its dependencies (httpx, attrs) are pinned in requirements.txt; poetry-core
# builds it without a build-isolation download.
"$PY/pip" install --quiet --no-build-isolation --no-deps --target "$work/python-site" \
  "$work/python-client" >"$work/pip.log" 2>&1 ||
  fail "$gen" "the generated package does not install" "$work/pip.log"

if [[ -f crates/workspace-orders-mock/Cargo.toml ]]; then
  log "python: start the mock server"
  start_mock "$work" --token "$token" || fail "mock server" "did not start"
  server=(--server "$MOCK_URL")
else
  log "python: the mock server crate is not in the workspace: the order goes to a local recorder"
  server=(--stub)
fi

log "python: examples through the generated models; one order placed"
PYTHONPATH="$work/python-site:$TOOLS" "$PY/python" "$TOOLS/python_client_check.py" \
  --spec "$SPEC_JSON" --errata "$ERRATA" --package "$package" \
  --token "$token" "${server[@]}" ||
  die "generators: $gen: see FAIL above"

log "typescript: openapi-typescript emits types; tsc --strict checks every example"
gen="typescript (openapi-typescript)"
mkdir -p "$work/ts"
"$NODE/openapi-typescript" "$SPEC_YAML" --default-non-nullable=false \
  --output "$work/ts/schema.ts" >"$work/ots.log" 2>&1 ||
  fail "$gen" "type generation failed" "$work/ots.log"
python3 "$TOOLS/typescript_check.py" --spec "$SPEC_JSON" --errata "$ERRATA" \
  --workdir "$work/ts" --tsc "$NODE/tsc" ||
  die "generators: $gen: see FAIL above"

# sed, not grep -v: an empty list (no accepted warnings) must not stop the step
# (grep finds nothing, exits 1, and pipefail with set -e ends it in silence).
known="$(sed -e '/^#/d' -e '/^[[:space:]]*$/d' "$TOOLS/openapi-generator-warnings.txt" | sort -u)"
# openapi-generator logs many warnings only once per message; with that off,
# every warning (not only the first of its kind) reaches the log.
export JAVA_OPTS="-Dorg.openapitools.codegen.utils.oncelogger.enabled=false"
for generator in python typescript-fetch; do
  gen="openapi-generator $generator"
  log "$gen: generate"
  out="$work/og-$generator"
  "$PY/openapi-generator-cli" generate --generator-name "$generator" \
    --input-spec "$SPEC_YAML" --output "$out" >"$work/og-$generator.log" 2>&1 ||
    fail "$gen" "generation failed" "$work/og-$generator.log"
  if grep -q '^\[main\] ERROR' "$work/og-$generator.log"; then
    fail "$gen" "generation printed errors" "$work/og-$generator.log"
  fi
  printed="$(sed -n "s/^\[main\] WARN  */$generator | /p" "$work/og-$generator.log" | sort -u)"
  expected="$(grep "^$generator | " <<<"$known" || true)"
  if [[ -n "$printed" ]]; then
    printf '    warning: %s\n' "${printed//$'\n'/$'\n    warning: '}" >&2
  fi
  new="$(comm -23 <(printf '%s\n' "$printed" | sed '/^$/d') <(printf '%s\n' "$expected" | sed '/^$/d'))"
  gone="$(comm -13 <(printf '%s\n' "$printed" | sed '/^$/d') <(printf '%s\n' "$expected" | sed '/^$/d'))"
  [[ -z "$new" ]] || fail "$gen" "warnings not accepted in .ci/tools/spec/openapi-generator-warnings.txt:
$new"
  [[ -z "$gone" ]] || fail "$gen" "accepted warnings no longer printed; remove them from .ci/tools/spec/openapi-generator-warnings.txt:
$gone"

  log "$gen: the generated code compiles"
  case "$generator" in
    python)
      "$PY/python" -m compileall -q "$out/openapi_client" >"$work/og-compile.log" 2>&1 ||
        fail "$gen" "the generated Python does not compile" "$work/og-compile.log"
      ;;
    typescript-fetch)
      mapfile -t sources < <(find "$out" -name '*.ts' | sort)
      "$NODE/tsc" --noEmit --strict --pretty false --target es2022 --module esnext \
        --moduleResolution bundler --lib es2022,dom --skipLibCheck "${sources[@]}" \
        >"$work/og-compile.log" 2>&1 ||
        fail "$gen" "the generated TypeScript does not type-check" "$work/og-compile.log"
      ;;
  esac
done

log "generators: all passed"
