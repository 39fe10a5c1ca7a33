#!/usr/bin/env bash
# Schemathesis fuzzes the mock server from the spec's JSON rendering (with the
# x-rules also stated as JSON Schema, see rules_as_keywords.py): the spec's
# examples, then coverage and random fuzzing, with positive cases (valid bodies
# must be accepted: 200 with the documented response) and negative ones (invalid
# bodies must be refused with a documented 4xx), every check enabled. The mock
# validates independently of the generated client, so this holds the mock and
# the spec against each other; any failure fails CI.
#
# Bounded and reproducible: SCHEMATHESIS_MAX_EXAMPLES cases per operation and
# phase (default 200) and a fixed SCHEMATHESIS_SEED (change it to explore).
# Under a minute on a 2-core machine once the tools and the mock are built.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$REPO_ROOT"

SPEC_JSON="$REPO_ROOT/openapi/workspace-orders.json"
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-200}"
SEED="${SCHEMATHESIS_SEED:-20260521}"
# A token for this run only; the mock accepts nothing else.
TOKEN="schemathesis-$$-$RANDOM"
[[ -f "$SPEC_JSON" ]] || die "$SPEC_JSON is missing: run cargo xtask generate"
[[ "$MAX_EXAMPLES" =~ ^[1-9][0-9]*$ ]] || die "SCHEMATHESIS_MAX_EXAMPLES must be a positive integer, not '$MAX_EXAMPLES'"
[[ "$SEED" =~ ^[0-9]+$ ]] || die "SCHEMATHESIS_SEED must be a non-negative integer, not '$SEED'"

PY="$(ensure_venv schemathesis "$CI_ROOT/tools/schemathesis/requirements.txt")"

work="$(mktemp -d)"
cleanup() {
  if [[ -n "$MOCK_PID" ]]; then kill "$MOCK_PID" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# fail MESSAGE [LOG]: stop with the message and the log.
fail() {
  [[ -z "${2:-}" ]] || sed 's/^/    /' "$2" >&2
  die "schemathesis: $1"
}

# The mock enforces the spec's rules between fields (x-rules); schemathesis sees
# keywords only, so it runs on a copy that also states each rule in JSON Schema
# (rules_as_keywords.py says why the published spec does not).
python3 "$CI_ROOT/tools/schemathesis/rules_as_keywords.py" "$SPEC_JSON" "$work/spec-with-rules.json" ||
  fail "cannot state the x-rules as JSON Schema"

log "schemathesis: start the mock server"
start_mock "$work" --token "$TOKEN" || fail "the mock server did not start"

log "schemathesis: $MAX_EXAMPLES examples per operation and phase, seed $SEED, against $MOCK_URL"
start=$SECONDS
# Run in the scratch directory: nothing (reports, Hypothesis data) lands in the
# checkout. Security parameters are not generated: the token header is given.
status=0
(
  cd "$work"
  "$PY/schemathesis" --config-file "$CI_ROOT/tools/schemathesis/schemathesis.toml" run "$work/spec-with-rules.json" \
    --url "$MOCK_URL" \
    --header "X-Auth-Token: $TOKEN" \
    --phases examples,coverage,fuzzing \
    --mode all \
    --checks all \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --generation-with-security-parameters false \
    --generation-database none \
    --request-timeout 30 \
    --report junit --report-junit-path "$work/junit.xml" \
    --no-color
) || status=$?
elapsed=$((SECONDS - start))
[[ "$status" -eq 0 ]] || fail "failures found (exit $status, ${elapsed}s); reproduce with SCHEMATHESIS_SEED=$SEED"

# A run that tested nothing must not pass: every operation of the spec was tested.
python3 - "$work/junit.xml" "$SPEC_JSON" <<'EOF' || fail "the run did not test every operation"
import json, sys
import xml.etree.ElementTree as ET

suite = ET.parse(sys.argv[1]).getroot()
suites = [suite] if suite.tag == "testsuite" else list(suite.iter("testsuite"))
cases = [case for s in suites for case in s.iter("testcase")]
tested = {case.get("name") for case in cases if case.find("skipped") is None}
spec = json.load(open(sys.argv[2]))
expected = {
    f"{method.upper()} {path}"
    for path, item in spec["paths"].items()
    for method, operation in item.items()
    if isinstance(operation, dict) and "operationId" in operation
}
bad = [case.get("name") for case in cases if case.find("failure") is not None or case.find("error") is not None]
if bad or expected - tested:
    print(f"failed: {bad}; untested: {sorted(expected - tested)}", file=sys.stderr)
    sys.exit(1)
print(f"    tested {len(tested)} operations: {', '.join(sorted(tested))}", file=sys.stderr)
EOF
kill -0 "$MOCK_PID" 2>/dev/null || fail "the mock server died during the run" "$work/mock.err"
log "schemathesis: no failures (${elapsed}s)"
