#!/usr/bin/env bash
# Time to first order from a fresh clone (issue 15): the README's quick start, as a
# new user runs it, in an empty target directory, timed from the first command to
# the printed order id:
#
#   1. `cargo run -p workspace-orders-mock` (port 0 instead of the README's 8080,
#      so that a server already on 8080 cannot interfere) until it prints
#      "listening on";
#   2. the README's `cargo run -p workspace-orders-cli -- place …` against it.
#
# Dependencies are downloaded before the clock starts (`cargo fetch`): the time is
# compiling and running, not the network. Both builds run with `--timings`; the
# longest compilation units are reported, to show what dominates.
#
# Usage: bash xtask/bench/first_order.sh   (one run: two clean builds, minutes of
# CPU on two cores; the machine may be shared, so the load average is recorded).
# Writes the "Time to first order" section of xtask/bench/BENCHMARKS.md (between
# its markers) and xtask/bench/first-order.md; nothing else in the checkout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../.ci/lib.sh"
cd "$REPO_ROOT"

BENCH_DIR="$REPO_ROOT/xtask/bench"
EXAMPLES=crates/workspace-orders-cli/examples
PROJECT_ID=0123456789abcdef0123456789abcdef
# Bounded: a clean build that has not produced a listening mock by then is stuck.
READY_TIMEOUT_SECONDS=1200

SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/workspace-orders-first-order.XXXXXX")"
export CARGO_TARGET_DIR="$SCRATCH/target"
mock_pid=""
cleanup() {
  if [[ -n "$mock_pid" ]]; then kill "$mock_pid" 2>/dev/null || true; fi
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

log "downloading dependencies (not timed)"
cargo fetch --locked

now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

load_before="$(load)"
log "1/2: cargo run -p workspace-orders-mock (clean target dir $CARGO_TARGET_DIR)"
start="$(now)"
# `cargo run` execs the server on Unix, so this PID is the server's once it runs.
cargo run --locked --timings -p workspace-orders-mock -- --port 0 \
  >"$SCRATCH/mock.out" 2>"$SCRATCH/mock.err" &
mock_pid=$!
deadline=$((SECONDS + READY_TIMEOUT_SECONDS))
until grep -q '^listening on ' "$SCRATCH/mock.out"; do
  kill -0 "$mock_pid" 2>/dev/null || { cat "$SCRATCH/mock.err" >&2; die "the mock stopped before listening"; }
  ((SECONDS < deadline)) || die "the mock was not listening after ${READY_TIMEOUT_SECONDS}s"
  sleep 0.5
done
mock_ready="$(now)"
url="$(sed -n 's/^listening on //p' "$SCRATCH/mock.out")"

log "2/2: cargo run -p workspace-orders-cli -- place … (the README's command, --base-url $url)"
place=(cargo run --locked --timings -p workspace-orders-cli -- place --operation periodic
  --base-url "$url" --token-file "$EXAMPLES/token.txt" --project-id "$PROJECT_ID"
  "$EXAMPLES/periodic-add-volumes.json")
"${place[@]}" >"$SCRATCH/place.out" 2>"$SCRATCH/place.err" || {
  cat "$SCRATCH/place.err" >&2
  die "the order was not placed"
}
placed="$(now)"
load_after="$(load)"
grep -q '^order placed: CS' "$SCRATCH/place.out" || die "unexpected output: $(cat "$SCRATCH/place.out")"

kill "$mock_pid" 2>/dev/null || true
wait "$mock_pid" 2>/dev/null || true
mock_pid=""

log "report"
python3 - "$SCRATCH" "$start" "$mock_ready" "$placed" "$load_before" "$load_after" \
  "$(git rev-parse --short HEAD)" "$(nproc)" "$BENCH_DIR" <<'PY'
import glob, json, os, re, sys

scratch, start, ready, placed, load_before, load_after, commit, cpus, bench = sys.argv[1:]
start, ready, placed = float(start), float(ready), float(placed)
TARGET = 120.0

def units(path):
    """The compilation units of one `cargo --timings` report, with their durations."""
    text = open(path, encoding="utf-8").read()
    match = re.search(r"const UNIT_DATA = (\[.*?\]);\n", text, re.S)
    return json.loads(match.group(1)) if match else []

reports = sorted(glob.glob(os.path.join(scratch, "target", "cargo-timings", "cargo-timing-2*.html")))
longest = {}
for report in reports:
    for unit in units(report):
        name = f"{unit['name']} {unit.get('target', '').strip()}".strip()
        longest[name] = max(longest.get(name, 0.0), float(unit["duration"]))
top = sorted(longest.items(), key=lambda item: -item[1])[:8]
compiled = sum(longest.values())

def s(value):
    return f"{value:.0f} s"

total = placed - start
lines = [
    "<!-- first-order: written by xtask/bench/first_order.sh; rerun it to refresh -->",
    "## Time to first order from a fresh clone",
    "",
    "Written by `bash xtask/bench/first_order.sh`: the README's quick start in an empty",
    "`CARGO_TARGET_DIR`, dependencies downloaded beforehand, one run (two clean builds are",
    "minutes of CPU on this machine, which other work shares: see the load averages).",
    "",
    "| step | command | wall time from the start |",
    "| --- | --- | --- |",
    f"| mock listening | `cargo run -p workspace-orders-mock` | {s(ready - start)} |",
    "| first order placed | `cargo run -p workspace-orders-cli -- place --operation periodic …` "
    f"| {s(total)} (+{s(placed - ready)}) |",
    "",
    f"Target: first order in under {s(TARGET)} on {cpus} cores: **{'met' if total < TARGET else 'missed'}** "
    f"({s(total)}). Load average (1, 5, 15 min) before: {load_before}; after: {load_after}. "
    f"Commit {commit}.",
    "",
    f"The longest compilation units of the two builds (`cargo --timings`; {len(longest)} units, "
    f"{s(compiled)} of compilation in all, run two at a time):",
    "",
    "| unit | time |",
    "| --- | --- |",
]
lines += [f"| `{name}` | {value:.1f} s |" for name, value in top]
lines += ["<!-- /first-order -->", ""]
section = "\n".join(lines)

with open(os.path.join(bench, "first-order.md"), "w", encoding="utf-8") as out:
    out.write(section)

path = os.path.join(bench, "BENCHMARKS.md")
text = open(path, encoding="utf-8").read()
block = re.compile(r"<!-- first-order:.*?<!-- /first-order -->\n", re.S)
if block.search(text):
    text = block.sub(lambda _: section, text)
else:
    anchor = text.find("## Analysis of the missed targets")
    text = text[:anchor] + section + "\n" + text[anchor:] if anchor >= 0 else text + "\n" + section
tmp = path + ".tmp"
with open(tmp, "w", encoding="utf-8") as out:
    out.write(text)
os.replace(tmp, path)
print(section)
PY
