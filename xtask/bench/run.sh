#!/usr/bin/env bash
# Measures what users of the client feel, side by side with what they would use
# instead, and writes xtask/bench/BENCHMARKS.md (issue 7):
#
#   1. regeneration: `xtask generate` (release build, run directly) vs
#      `openapi-generator-cli generate -g rust`, whole processes, hyperfine;
#   2. request path: criterion bench `request_path` (typed build + checks +
#      serialization + signing vs `serde_json::to_vec` of a `Value`);
#   3. end to end on loopback: bench `end_to_end` (OrdersClient vs raw reqwest
#      against the mock server, same bytes, same concurrency), AK/SK and token;
#   4. consumer footprint: clean build times (-j2) and dependency counts of the
#      client crate vs the crate openapi-generator produces from the same spec.
#
# Usage: bash xtask/bench/run.sh [SECTION...]   sections: regen request e2e footprint
#        (default: all of these) and soak (only when named: xtask/bench/soak.sh for
#        $SOAK_DURATION, default 10m). Results of sections not run are kept from the last run
#        in the results directory ($BENCH_RESULTS, default $TOOLS_DIR/bench-results),
#        so one section can be measured again when the machine is quieter.
# Settings: REGEN_WARMUP (3), REGEN_RUNS (15), FOOTPRINT_RUNS (1),
#           FOOTPRINT_PROFILES ("dev release"), and the BENCH_E2E_* variables of
#           benches/end_to_end.rs. Honours CARGO_TARGET_DIR (default: target/).
# Writes nothing in the checkout but xtask/bench/BENCHMARKS.md: the generators
# write into temporary copies, the clean builds into temporary target directories.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../.ci/lib.sh"
cd "$REPO_ROOT"

BENCH_DIR="$REPO_ROOT/xtask/bench"
RESULTS="${BENCH_RESULTS:-$TOOLS_DIR/bench-results}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO_ROOT/target}"
REGEN_WARMUP="${REGEN_WARMUP:-3}"
REGEN_RUNS="${REGEN_RUNS:-15}"
# A clean build takes minutes on two cores: one run of each unless asked for more.
FOOTPRINT_RUNS="${FOOTPRINT_RUNS:-1}"
FOOTPRINT_PROFILES="${FOOTPRINT_PROFILES:-dev release}"
CLIENT_CRATE=huaweicloud-workspace-orders
OPENAPI_CRATE=workspace_orders_openapi

sections=("$@")
((${#sections[@]})) || sections=(regen request e2e footprint)
for s in "${sections[@]}"; do
  case "$s" in regen | request | e2e | footprint | soak) ;; *) die "unknown section '$s' (regen request e2e footprint soak)" ;; esac
done
wants() { local s; for s in "${sections[@]}"; do [[ "$s" == "$1" ]] && return 0; done; return 1; }
for profile in $FOOTPRINT_PROFILES; do
  case "$profile" in dev | release) ;; *) die "FOOTPRINT_PROFILES: '$profile' is neither dev nor release" ;; esac
done

mkdir -p "$RESULTS"
# A section not run this time is reported from its results in $RESULTS; where they
# are missing (another tools cache, a fresh machine), the report would replace that
# section of the checked-in BENCHMARKS.md with "Not measured yet". Stop before
# measuring anything instead.
for s in regen request e2e footprint; do
  if ! wants "$s" && [[ ! -f "$RESULTS/$s.when" && -f "$BENCH_DIR/BENCHMARKS.md" ]] &&
    ! grep -qF "Not measured yet (\`bash xtask/bench/run.sh $s\`)" "$BENCH_DIR/BENCHMARKS.md"; then
    die "section '$s' is not run and $RESULTS holds no results for it, so BENCHMARKS.md would lose its figures: add '$s' to the sections, or set BENCH_RESULTS to the directory of the earlier run"
  fi
done
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/workspace-orders-bench.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT

# The machine may be shared: record the load next to every measurement. Lines of
# sections that are not measured again stay.
touch "$RESULTS/load.tsv"
grep -v -E "^($(IFS='|'; echo "${sections[*]}"))-" "$RESULTS/load.tsv" >"$SCRATCH/load.tsv" || true
mv "$SCRATCH/load.tsv" "$RESULTS/load.tsv"
note_load() { printf '%s\t%s\n' "$1" "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/load.tsv"; }
COMMIT="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates openapi xtask Cargo.toml Cargo.lock || echo '+uncommitted changes')"
# When and on what each section was measured.
measured() { printf '%s\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$COMMIT" >"$RESULTS/$1.when"; }
# commands SECTION COMMAND...: the commands a section timed, for the report, with the
# machine's paths replaced by names ($TMP: this run's scratch directory).
commands() {
  local section="$1"
  shift
  printf '%s\n' "$@" | sed -e "s|$SCRATCH|\$TMP|g" -e "s|$REPO_ROOT/||g" -e "s|$REPO_ROOT|.|g" \
    -e "s|$PY/|\$VENV/bin/|g" -e "s|$CARGO_TARGET_DIR/|\$CARGO_TARGET_DIR/|g" >"$RESULTS/$section.commands"
}

log "tools"
ensure_apt hyperfine
command -v java >/dev/null 2>&1 || ensure_apt openjdk-17-jre-headless
PY="$(ensure_venv bench "$BENCH_DIR/requirements.txt")"
OPENAPI_GENERATOR="$PY/openapi-generator-cli"
{
  printf 'rustc\t%s\n' "$(rustc --version)"
  printf 'cargo\t%s\n' "$(cargo --version)"
  printf 'hyperfine\t%s\n' "$(hyperfine --version)"
  printf 'openapi-generator-cli (PyPI)\t%s\n' "$("$OPENAPI_GENERATOR" version 2>/dev/null | tail -n1)"
  printf 'java\t%s\n' "$(java -version 2>&1 | head -n1)"
} >"$RESULTS/versions.tsv"

# openapi-generator's Rust crate from the same spec into $1. The spec's version is a
# date, which is not a crate version: the crate gets 0.1.0.
OPENAPI_ARGS=(generate -g rust --package-name "$OPENAPI_CRATE" --additional-properties packageVersion=0.1.0)

if wants regen; then
  log "regeneration: xtask generate vs openapi-generator-cli generate -g rust"
  cargo build --release --locked -p xtask
  XTASK="$CARGO_TARGET_DIR/release/xtask"
  # xtask reads openapi/ under the root it is given and writes there: a copy.
  copy="$SCRATCH/regen-root"
  mkdir -p "$copy/crates/$CLIENT_CRATE/src" "$copy/crates/workspace-orders-cli/src"
  cp -r openapi "$copy/"
  # Every file generate writes (the first is the one whose lines are counted).
  ours_outputs=(
    "$copy/crates/$CLIENT_CRATE/src/generated.rs"
    "$copy/crates/$CLIENT_CRATE/src/operation.rs"
    "$copy/crates/$CLIENT_CRATE/src/orders_operations.rs"
    "$copy/crates/workspace-orders-cli/src/operations.rs"
    "$copy/openapi/workspace-orders.json"
  )
  # openapi-generator reads the JSON rendering, which xtask rewrites: its own copy.
  cp openapi/workspace-orders.json "$SCRATCH/spec.json"
  theirs_out="$SCRATCH/regen-openapi"
  "$XTASK" generate --root "$copy"
  for f in "${ours_outputs[@]}"; do
    cmp -s "$f" "${f#"$copy/"}" || die "xtask generate writes a different ${f#"$copy/"} than the checked-in one: regenerate first"
  done
  # Each timed run starts without its outputs, so both write every file each time.
  note_load regen-start
  ours_command="$XTASK generate --root $copy"
  theirs_command="$OPENAPI_GENERATOR ${OPENAPI_ARGS[*]} -i $SCRATCH/spec.json -o $theirs_out"
  hyperfine --style basic --warmup "$REGEN_WARMUP" --runs "$REGEN_RUNS" \
    --export-json "$RESULTS/regen.json" \
    -n "xtask generate" --prepare "rm -f ${ours_outputs[*]}" "$ours_command" \
    -n "openapi-generator-cli generate -g rust" --prepare "rm -rf $theirs_out" "$theirs_command"
  commands regen "hyperfine --warmup $REGEN_WARMUP --runs $REGEN_RUNS, each run after deleting its outputs:" \
    "  $ours_command" "  $theirs_command"
  note_load regen-end
  for f in "${ours_outputs[@]}"; do
    cmp -s "$f" "${f#"$copy/"}" || die "the timed xtask runs did not write ${f#"$copy/"}"
  done
  find "$theirs_out" -name '*.rs' -exec cat {} + | wc -l >"$RESULTS/regen-openapi-rust-lines.txt"
  wc -l <"${ours_outputs[0]}" >"$RESULTS/regen-xtask-rust-lines.txt"
  measured regen
fi

if wants request; then
  log "request path: criterion bench request_path"
  note_load request-start
  cargo bench --locked -p "$CLIENT_CRATE" --bench request_path
  note_load request-end
  commands request "cargo bench --locked -p $CLIENT_CRATE --bench request_path"
  rm -rf "$RESULTS/criterion-request_path"
  cp -r "$CARGO_TARGET_DIR/criterion/request_path" "$RESULTS/criterion-request_path"
  measured request
fi

if wants e2e; then
  log "end to end on loopback: OrdersClient vs raw reqwest against the mock server"
  cargo build --release --locked -p workspace-orders-mock
  cargo bench --locked -p "$CLIENT_CRATE" --bench end_to_end --no-run
  for auth in aksk token; do
    note_load "e2e-$auth-start"
    WORKSPACE_ORDERS_MOCK_BIN="$CARGO_TARGET_DIR/release/workspace-orders-mock" \
      BENCH_E2E_AUTH="$auth" BENCH_E2E_OUT="$RESULTS/e2e-$auth.json" \
      cargo bench --locked -p "$CLIENT_CRATE" --bench end_to_end
    note_load "e2e-$auth-end"
  done
  commands e2e "cargo build --release --locked -p workspace-orders-mock" \
    "WORKSPACE_ORDERS_MOCK_BIN=$CARGO_TARGET_DIR/release/workspace-orders-mock BENCH_E2E_AUTH=aksk|token cargo bench --locked -p $CLIENT_CRATE --bench end_to_end"
  measured e2e
fi

if wants footprint; then
  log "consumer footprint: clean builds (-j2) and dependency counts"
  theirs="$SCRATCH/openapi-crate"
  "$OPENAPI_GENERATOR" "${OPENAPI_ARGS[@]}" -i "$REPO_ROOT/openapi/workspace-orders.json" -o "$theirs" >/dev/null
  # Its own lock file, resolved now from crates.io, as a new consumer would get it.
  (cd "$theirs" && cargo generate-lockfile --quiet)
  # Download first so that download time is not build time.
  cargo fetch --locked --quiet
  (cd "$theirs" && cargo fetch --locked --quiet)
  RUSTLS=(--no-default-features --features rustls)
  footprint_commands=()
  for profile in $FOOTPRINT_PROFILES; do
    log "clean $profile builds"
    note_load "footprint-$profile-start"
    build="cargo build --profile $profile --locked --offline -j2"
    hyperfine --style basic --runs "$FOOTPRINT_RUNS" --export-json "$RESULTS/footprint-$profile.json" \
      -n "$CLIENT_CRATE" --prepare "rm -rf $SCRATCH/target-ours" \
      "env CARGO_TARGET_DIR=$SCRATCH/target-ours $build --manifest-path $REPO_ROOT/Cargo.toml -p $CLIENT_CRATE" \
      -n "openapi-generator crate (default features: native-tls)" --prepare "rm -rf $SCRATCH/target-theirs" \
      "env CARGO_TARGET_DIR=$SCRATCH/target-theirs $build --manifest-path $theirs/Cargo.toml" \
      -n "openapi-generator crate (rustls, as ours)" --prepare "rm -rf $SCRATCH/target-theirs-rustls" \
      "env CARGO_TARGET_DIR=$SCRATCH/target-theirs-rustls $build --manifest-path $theirs/Cargo.toml ${RUSTLS[*]}"
    note_load "footprint-$profile-end"
    rm -rf "$SCRATCH"/target-*
    footprint_commands+=("$build --manifest-path $REPO_ROOT/Cargo.toml -p $CLIENT_CRATE"
      "$build --manifest-path $theirs/Cargo.toml" "$build --manifest-path $theirs/Cargo.toml ${RUSTLS[*]}")
  done
  # Distinct packages of the normal (non-dev, non-build) dependency graph, the
  # crate itself included.
  count_deps() { cargo tree -e normal --prefix none "$@" | sed -e 's/ (\*)$//' | sort -u | wc -l; }
  {
    printf '%s\t%s\n' "$CLIENT_CRATE" "$(count_deps -p "$CLIENT_CRATE")"
    printf '%s\t%s\n' "openapi-generator crate (default features: native-tls)" "$(count_deps --manifest-path "$theirs/Cargo.toml")"
    printf '%s\t%s\n' "openapi-generator crate (rustls, as ours)" "$(count_deps --manifest-path "$theirs/Cargo.toml" "${RUSTLS[@]}")"
  } >"$RESULTS/deps.tsv"
  # Which packages differ, for the report's explanation.
  names() { cargo tree -e normal --prefix none "$@" | sed -e 's/ (\*)$//' -e 's/ (proc-macro)$//' | cut -d' ' -f1 | sort -u; }
  names -p "$CLIENT_CRATE" >"$SCRATCH/ours.txt"
  names --manifest-path "$theirs/Cargo.toml" "${RUSTLS[@]}" >"$SCRATCH/theirs.txt"
  comm -23 "$SCRATCH/ours.txt" "$SCRATCH/theirs.txt" | grep -vx "$CLIENT_CRATE" >"$RESULTS/deps-only-ours.txt" || true
  comm -13 "$SCRATCH/ours.txt" "$SCRATCH/theirs.txt" | grep -vx "$OPENAPI_CRATE" >"$RESULTS/deps-only-openapi.txt" || true
  commands footprint "$OPENAPI_GENERATOR ${OPENAPI_ARGS[*]} -i openapi/workspace-orders.json -o $theirs" \
    "hyperfine --runs $FOOTPRINT_RUNS, each run in an emptied CARGO_TARGET_DIR of its own:" \
    "${footprint_commands[@]/#/  }" \
    "cargo tree -e normal --prefix none -p $CLIENT_CRATE | sort -u | wc -l (and the same for the generated crate)"
  measured footprint
fi

# Not a default section: it runs for $SOAK_DURATION (10m) at full load.
if wants soak; then
  log "soak: the mock server under full load (xtask/bench/soak.sh)"
  bash "$BENCH_DIR/soak.sh" --duration "${SOAK_DURATION:-10m}"
fi

log "writing xtask/bench/BENCHMARKS.md"
python3 "$BENCH_DIR/report.py" "$RESULTS" >"$SCRATCH/BENCHMARKS.md"
mv "$SCRATCH/BENCHMARKS.md" "$BENCH_DIR/BENCHMARKS.md"
log "done: xtask/bench/BENCHMARKS.md (raw results in $RESULTS)"
