#!/usr/bin/env bash
# Runs every request of the .http files (one per API resource group, beside its *Api.cs) against a running GridMap
# (./run.sh) and checks each answer against the request's "# expect NNN" comment; exits non-zero on any 5xx or
# unexpected status.
#
#   scripts/run-http-files.sh [--show] [--var name=value ...] [file.http ...]
#
# Without files, every src/**/*.http runs; --show prints the start of each answer. The hosts follow run.sh's port
# variables (GRIDMAP_API_PORT, GRIDMAP_TILES_PORT; defaults 8081, 8082); --var host=… / --var tiles=… override them.
# Open311.http needs an API key: pass --var apiKey=…, or let this script create one with
# `gridmap open311 key create --name demo` against the database in GRIDMAP_DB (default: run.sh's cluster on
# GRIDMAP_PG_PORT, 55432). The last line reads "N passed, N failed".
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$GM_ROOT"

command -v node >/dev/null || gm_die "Node.js is required (node 20 or later)"

vars=(--var "host=http://127.0.0.1:${GRIDMAP_API_PORT:-8081}" --var "tiles=http://127.0.0.1:${GRIDMAP_TILES_PORT:-8082}")
files=()
flags=()
has_key=
while [ $# -gt 0 ]; do
  case "$1" in
    --var) [ $# -ge 2 ] || gm_die "--var takes name=value"; vars+=(--var "$2"); [[ "$2" == apiKey=* ]] && has_key=1; shift 2 ;;
    --show) flags+=(--show); shift ;;
    *) files+=("$1"); shift ;;
  esac
done
[ ${#files[@]} -gt 0 ] || mapfile -t files < <(find src -name '*.http' -not -path '*/bin/*' -not -path '*/obj/*' | sort)

if [ -z "$has_key" ] && printf '%s\n' "${files[@]}" | grep -q 'Open311\.http$'; then
  cli="src/Cli/bin/Release/net10.0/gridmap.dll"
  [ -f "$cli" ] || gm_die "Open311.http needs an API key: pass --var apiKey=…, or build the CLI ($cli) so this script can create one"
  export GRIDMAP_DB="${GRIDMAP_DB:-Host=127.0.0.1;Port=${GRIDMAP_PG_PORT:-55432};Username=gridmap;Password=gridmap;Database=gridmap}"
  key="$(dotnet "$cli" open311 key create --name demo 2>/dev/null)" || gm_die "could not create an Open311 API key in $GRIDMAP_DB"
  vars+=(--var "apiKey=$key")
fi

exec node "$GM_ROOT/scripts/http-runner.mjs" ${flags[@]+"${flags[@]}"} "${vars[@]}" "${files[@]}"
