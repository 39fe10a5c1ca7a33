#!/usr/bin/env bash
# Every source page in ../shared/seeds/ (relative to the repository) matches
# the spec field by field, up to the differences ERRATA.md explains; an ERRATA
# line that matches nothing fails too (--strict). 003 is a lossy export of 002
# and is never a source, so it is skipped.
# The pages are not part of the repository: they sit beside it in the
# workplace. A developer's clone without them skips this step loudly; in CI
# (CI set; CI always has ../shared/seeds) or with WORKSPACE_ORDERS_SEEDS set,
# their absence is an error.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$REPO_ROOT"

SEEDS="${WORKSPACE_ORDERS_SEEDS:-$REPO_ROOT/../shared/seeds}"
if [[ ! -d "$SEEDS" ]]; then
  [[ -z "${WORKSPACE_ORDERS_SEEDS:-}" ]] || die "no seed pages at $SEEDS (WORKSPACE_ORDERS_SEEDS)"
  ! in_ci || die "no seed pages at $SEEDS: CI (CI=$CI) must check the spec against them; put them there or set WORKSPACE_ORDERS_SEEDS"
  log "SKIPPED: no seed pages at $SEEDS; set WORKSPACE_ORDERS_SEEDS to check the spec against them"
  exit 0
fi

pages=()
for page in "$SEEDS"/[0-9][0-9][0-9]_*.txt; do
  [[ -e "$page" ]] || continue
  case "$(basename "$page")" in
    003_*) log "skipping $(basename "$page") (lossy copy of 002)" ;;
    *) pages+=("$page") ;;
  esac
done
((${#pages[@]})) || die "no NNN_*.txt pages in $SEEDS"

log "doc-check --strict ${pages[*]##*/}"
cargo xtask doc-check --strict "${pages[@]}"
