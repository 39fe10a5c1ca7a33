# Shared helpers for .ci scripts. Source it; do not execute it.
# Tools are installed idempotently into a cache outside the checkout so a
# developer's second run is fast and a fresh CI machine installs everything.
set -euo pipefail

CI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$CI_ROOT/.." && pwd)"
TOOLS_DIR="${WORKSPACE_ORDERS_TOOLS:-$HOME/.cache/workspace-orders-tools}"
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true
export NO_UPDATE_NOTIFIER=1
export PIP_DISABLE_PIP_VERSION_CHECK=1

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

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
ensure_npm() {
  local src="$1" name dest stamp
  name="$(basename "$src")"
  dest="$TOOLS_DIR/npm-$name"
  stamp="$(cat "$src/package.json" "$src/package-lock.json" | sha256sum | cut -c1-16)"
  if [[ ! -f "$dest/.stamp-$stamp" ]]; then
    log "installing npm tools for $name"
    rm -rf "$dest"
    mkdir -p "$dest"
    cp "$src/package.json" "$src/package-lock.json" "$dest/"
    (cd "$dest" && npm ci --no-audit --no-fund --loglevel=error >&2)
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
