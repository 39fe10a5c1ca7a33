#!/usr/bin/env bash
# Soak of the mock server (issue 13): full load on loopback for a bounded time, RSS
# sampled every few seconds; fails when memory grows after the warm-up.
#
#   bash xtask/bench/soak.sh [--duration 10m] [--warmup 30s] [--interval 5]
#                            [--connections 32] [--max-growth-mib 32]
#                            [--binary PATH --label NAME]
#
# Without --binary it builds the release mock of this checkout (label "current").
# With --binary it measures that build instead, e.g. one of an older commit for a
# side-by-side comparison; only `--port 0` is passed, which every version accepts.
# Load: wrk (Debian package, installed if missing), one thread, keep-alive
# connections, each request a valid createPeriodicOrder (the spec's createDesktops
# example, read from openapi/workspace-orders.json) with the mock's test token.
# Writes $RESULTS/soak-LABEL.json ($BENCH_RESULTS, default $TOOLS_DIR/bench-results)
# and the soak section of xtask/bench/BENCHMARKS.md. Durations: Ns or Nm.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../.ci/lib.sh"
cd "$REPO_ROOT"

BENCH_DIR="$REPO_ROOT/xtask/bench"
RESULTS="${BENCH_RESULTS:-$TOOLS_DIR/bench-results}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO_ROOT/target}"
duration=10m warmup=30s interval=5 connections=32 max_growth=32 binary="" label=current

while (($#)); do
  case "$1" in
    --duration | --warmup | --interval | --connections | --max-growth-mib | --binary | --label)
      (($# >= 2)) || die "$1 needs a value"
      case "$1" in
        --duration) duration="$2" ;;
        --warmup) warmup="$2" ;;
        --interval) interval="$2" ;;
        --connections) connections="$2" ;;
        --max-growth-mib) max_growth="$2" ;;
        --binary) binary="$2" ;;
        --label) label="$2" ;;
      esac
      shift 2
      ;;
    *) die "unknown argument '$1' (see the header of ${BASH_SOURCE[0]})" ;;
  esac
done

# seconds DURATION: 90s or 10m as seconds.
seconds() {
  case "$1" in
    *[0-9]s) echo "${1%s}" ;;
    *[0-9]m) echo $((${1%m} * 60)) ;;
    *) die "duration '$1': write Ns or Nm" ;;
  esac
}
duration_s="$(seconds "$duration")"
warmup_s="$(seconds "$warmup")"
[[ "$label" =~ ^[A-Za-z0-9._-]+$ ]] || die "--label '$label': letters, digits, '.', '_' and '-' only"
((duration_s > warmup_s + 2 * interval)) || die "--duration $duration leaves fewer than two samples after --warmup $warmup"

ensure_apt wrk
if [[ -z "$binary" ]]; then
  log "building the release mock"
  cargo build --release --locked -p workspace-orders-mock
  binary="$CARGO_TARGET_DIR/release/workspace-orders-mock"
  commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates openapi || echo '+uncommitted changes')"
else
  [[ -x "$binary" ]] || die "--binary $binary is not an executable"
  commit="$(basename "$binary")"
fi

mkdir -p "$RESULTS"
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/workspace-orders-soak.XXXXXX")"
MOCK_PID=""
SAMPLER_PID=""
cleanup() {
  [[ -z "$SAMPLER_PID" ]] || kill "$SAMPLER_PID" 2>/dev/null || true
  [[ -z "$MOCK_PID" ]] || kill "$MOCK_PID" 2>/dev/null || true
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

# The order, from the spec's example; the project id has the documented shape.
python3 - "$REPO_ROOT/openapi/workspace-orders.json" "$SCRATCH/order.lua" <<'EOF'
import json, sys
spec = json.load(open(sys.argv[1], encoding="utf-8"))
operation = spec["paths"]["/v2/{project_id}/periodic/subscribe/order"]["post"]
body = operation["requestBody"]["content"]["application/json"]["examples"]["createDesktops"]["value"]
with open(sys.argv[2], "w", encoding="utf-8") as lua:
    lua.write('wrk.method = "POST"\n')
    lua.write('wrk.headers["Content-Type"] = "application/json"\n')
    lua.write('wrk.headers["X-Auth-Token"] = "mock-token"\n')
    lua.write("wrk.body = " + json.dumps(json.dumps(body, separators=(",", ":"))) + "\n")
EOF
path="/v2/0123456789abcdef0123456789abcdef/periodic/subscribe/order"

log "starting $binary"
"$binary" --port 0 >"$SCRATCH/mock.out" 2>"$SCRATCH/mock.err" &
MOCK_PID=$!
url=""
for _ in $(seq 100); do
  url="$(sed -n 's/^listening on \(http:\/\/[^ ]*\).*/\1/p' "$SCRATCH/mock.out" | head -n1)"
  [[ -z "$url" ]] || break
  kill -0 "$MOCK_PID" 2>/dev/null || { cat "$SCRATCH/mock.err" >&2; die "the mock exited before listening"; }
  sleep 0.2
done
[[ -n "$url" ]] || die "the mock printed no 'listening on' line within 20 s"

# One order first: a body the mock refuses would measure only error answers.
body="$(sed -n 's/^wrk.body = //p' "$SCRATCH/order.lua" | python3 -c 'import json, sys; print(json.loads(sys.stdin.read()))')"
status="$(curl -sS -o "$SCRATCH/first.json" -w '%{http_code}' -X POST "$url$path" \
  -H 'Content-Type: application/json' -H 'X-Auth-Token: mock-token' --data-binary "$body")"
[[ "$status" == 200 ]] || die "the first order got $status: $(cat "$SCRATCH/first.json")"

log "soak: $duration at full load ($connections connections), RSS every ${interval}s, warm-up $warmup"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$BENCH_DIR/soak_rss.py" sample "$MOCK_PID" "$interval" "$((duration_s + 2))" "$SCRATCH/rss.tsv" &
SAMPLER_PID=$!
# The first sample is the idle mock's: wait for it (up to 10 s) before the load starts.
for _ in $(seq 100); do
  [[ ! -s "$SCRATCH/rss.tsv" ]] || break
  sleep 0.1
done
wrk -t 1 -c "$connections" -d "${duration_s}s" --timeout 10s -s "$SCRATCH/order.lua" "$url$path" | tee "$SCRATCH/wrk.txt"
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
# The last sample lands just after the load ends; then the sampler stops by itself.
wait "$SAMPLER_PID" || true
SAMPLER_PID=""
kill "$MOCK_PID"
wait "$MOCK_PID" 2>/dev/null || true
MOCK_PID=""

verdict=0
python3 "$BENCH_DIR/soak_rss.py" summarize "$SCRATCH/rss.tsv" "$SCRATCH/wrk.txt" "$warmup_s" "$max_growth" \
  "$label" "$commit" "$load_start" "$load_end" "$RESULTS/soak-$label.json" || verdict=$?
cp "$SCRATCH/rss.tsv" "$RESULTS/soak-$label.rss.tsv"
python3 "$BENCH_DIR/soak_report.py" "$RESULTS" "$BENCH_DIR/BENCHMARKS.md"
log "soak section of xtask/bench/BENCHMARKS.md written (raw results in $RESULTS)"
exit "$verdict"
