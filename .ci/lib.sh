# Shared helpers for .ci scripts. Source it; do not execute it.
# Tools are installed idempotently into a cache outside the checkout so a
# developer's second run is fast and a fresh CI machine installs everything.
set -euo pipefail

CI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$CI_ROOT/.." && pwd)"
TOOLS_DIR="${WORKSPACE_ORDERS_TOOLS:-$HOME/.cache/workspace-orders-tools}"
# Nothing but the package registries is contacted: every tool's telemetry,
# analytics and update check is off.
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true
export NO_UPDATE_NOTIFIER=1
export NPM_CONFIG_UPDATE_NOTIFIER=false
export PIP_DISABLE_PIP_VERSION_CHECK=1
# @scarf/scarf (pulled in by Spectral) sends install analytics from its install
# script; `npm ci --ignore-scripts` never runs it, and these switch it off should
# anything run it anyway.
export SCARF_ANALYTICS=false
export DO_NOT_TRACK=1

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# in_ci: true when CI is set (to anything but "", "0" or "false"), as CI services
# and .ci/run do. Checks that may be skipped on a developer's machine are
# required there.
in_ci() { [[ -n "${CI:-}" && "${CI}" != 0 && "${CI}" != false ]]; }

# ensure_venv NAME REQUIREMENTS_FILE: a venv per tool group, reinstalled only
# when the pinned requirements change. Prints the venv's bin directory.
ensure_venv() {
  local name="$1" req="$2" venv="$TOOLS_DIR/venv-$1" stamp
  stamp="$(sha256sum "$req" | cut -c1-16)"
  if [[ ! -f "$venv/.stamp-$stamp" ]]; then
    log "installing Python tools for $name from ${req#"$REPO_ROOT"/}"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip >&2
    "$venv/bin/pip" install --quiet -r "$req" >&2
    touch "$venv/.stamp-$stamp"
  fi
  printf '%s/bin\n' "$venv"
}

# ensure_npm DIR: `npm ci` for a package.json + package-lock.json kept under
# .ci/, installed into the tools cache. Prints the node_modules/.bin directory.
# --ignore-scripts: the only install script in the lock is @scarf/scarf's
# analytics call; the tools need none (spec-lint, generators and api-reference
# run them installed this way).
ensure_npm() {
  local src="$1" name dest stamp
  local install=(npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  name="$(basename "$src")"
  dest="$TOOLS_DIR/npm-$name"
  stamp="$( (cat "$src/package.json" "$src/package-lock.json"; echo "${install[*]}") | sha256sum | cut -c1-16)"
  if [[ ! -f "$dest/.stamp-$stamp" ]]; then
    log "installing npm tools for $name"
    rm -rf "$dest"
    mkdir -p "$dest"
    cp "$src/package.json" "$src/package-lock.json" "$dest/"
    (cd "$dest" && "${install[@]}" >&2)
    touch "$dest/.stamp-$stamp"
  fi
  printf '%s/node_modules/.bin\n' "$dest"
}

# ensure_apt PACKAGE...: install Debian packages that are missing.
ensure_apt() {
  local missing=()
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    local sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
}

# start_mock WORKDIR MOCK_ARG...: builds the mock server and starts it on a free
# loopback port with the given arguments (e.g. --token T); sets MOCK_PID and
# MOCK_URL. Call it in the script's own shell, not a subshell, and kill
# $MOCK_PID in the EXIT trap. On failure it prints why (with the mock's
# stderr) and returns 1.
MOCK_PID=""
MOCK_URL=""
start_mock() {
  local work="$1" binary
  shift
  binary="$(cargo build --quiet --locked -p workspace-orders-mock --message-format=json-render-diagnostics |
    python3 -c 'import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message.get("executable") and "bin" in message["target"]["kind"]:
        print(message["executable"])')"
  if [[ ! -x "$binary" ]]; then
    printf 'cargo build -p workspace-orders-mock produced no binary\n' >&2
    return 1
  fi
  "$binary" --port 0 "$@" >"$work/mock.out" 2>"$work/mock.err" &
  MOCK_PID=$!
  local _
  for _ in $(seq 100); do
    MOCK_URL="$(sed -n 's/.*listening on \(http:\/\/[^ ]*\).*/\1/p' "$work/mock.out" | head -n1)"
    [[ -z "$MOCK_URL" ]] || return 0
    if ! kill -0 "$MOCK_PID" 2>/dev/null; then
      sed 's/^/    /' "$work/mock.err" >&2
      printf 'the mock server exited before listening\n' >&2
      return 1
    fi
    sleep 0.2
  done
  sed 's/^/    /' "$work/mock.err" >&2
  printf "the mock server printed no 'listening on http://…' line within 20 s\n" >&2
  return 1
}
