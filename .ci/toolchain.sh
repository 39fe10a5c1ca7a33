#!/usr/bin/env bash
# Makes the toolchain rust-toolchain.toml pins resolve on this machine, without
# downloading one (CI reaches only the package registries). A machine that has
# the pinned version only as `stable` gets a toolchain named after the pin that
# points at stable's sysroot; a machine whose Rust is another version stops here
# with what to do. Run by .ci/run before any cargo call.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

pinned="$(sed -n 's/^channel *= *"\([^"]*\)".*/\1/p' rust-toolchain.toml)"
[[ -n "$pinned" ]] || die "rust-toolchain.toml names no channel"

if ! command -v rustup >/dev/null 2>&1; then
  # Without rustup the file is not read: the one rustc on PATH must be the pinned one.
  installed="$(rustc --version | cut -d' ' -f2)"
  [[ "$installed" == "$pinned" ]] ||
    die "rust-toolchain.toml pins Rust $pinned but rustc on PATH is $installed (and there is no rustup to choose another); install Rust $pinned"
  exit 0
fi

host="$(rustc +stable -vV 2>/dev/null | sed -n 's/^host: //p')" ||
  die "rust-toolchain.toml pins Rust $pinned; neither it nor a stable toolchain is installed (rustup toolchain install $pinned --profile minimal --component rustfmt,clippy)"
name="$pinned-$host"
if rustup toolchain list | grep -qE "^${name//./\\.}( |$)"; then
  exit 0
fi

stable="$(rustc +stable --version | cut -d' ' -f2)"
[[ "$stable" == "$pinned" ]] ||
  die "rust-toolchain.toml pins Rust $pinned, which is not installed, and the stable toolchain here is $stable; install $pinned (rustup toolchain install $pinned --profile minimal --component rustfmt,clippy), or move the pin and rust-version together"
# `rustup toolchain link` refuses names that look official (`1.95.0`), so write
# the link it would write: a toolchain directory that is stable's sysroot.
sysroot="$(rustc +stable --print sysroot)"
ln -s "$sysroot" "$(rustup show home)/toolchains/$name"
log "toolchain $name -> $sysroot (the local stable, Rust $stable)"
