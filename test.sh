#!/usr/bin/env bash
# Runs every GridMap test against a real PostGIS: installs what is missing, starts a private test cluster
# (or uses the server in GRIDMAP_TEST_DB), builds, generates the test province once, runs all test projects,
# and ends with one line "N passed, N failed". Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "$0")/scripts/common.sh"
cd "$GM_ROOT"
started=$(date +%s)

gm_install_test_deps
if [ -z "${GRIDMAP_TEST_DB:-}" ]; then
  unset GRIDMAP_DB
  gm_start_postgres pg-test "${GRIDMAP_TEST_PG_PORT:-55433}"
  export GRIDMAP_TEST_DB="${GRIDMAP_DB/Database=gridmap/Database=postgres}"
  trap gm_stop_postgres EXIT
fi
# Hosts under test get their database from the test, never from the environment.
unset GRIDMAP_DB

gm_build Release

# The shared province (with 长子县's people and 晋中市's 2013 events) the read-only tests use; generated here so its progress shows, reused when current.
template="${GRIDMAP_TEST_DB/Database=postgres/Database=gridmap_template}"
dotnet src/Cli/bin/Release/net10.0/gridmap.dll generate --if-missing --db "$template"
dotnet src/Cli/bin/Release/net10.0/gridmap.dll generate people --county 140428 --if-missing --db "$template"
dotnet src/Cli/bin/Release/net10.0/gridmap.dll generate events --city 1407 --year 2013 --if-missing --db "$template"

results="$GM_ROOT/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
projects=(tests/*.Tests/*.csproj)
gm_say "running ${#projects[@]} test projects"
# One process per project, in parallel, each with its own TRX file.
pids=()
for project in "${projects[@]}"; do
  name="$(basename "$project" .csproj)"
  dotnet test "$project" -c Release --no-build --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    -- RunConfiguration.TreatNoTestsAsError=true >"$results/$name.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { status=1; cat "$results/$(basename "${projects[$i]}" .csproj).log"; }
done
grep -h -E "^(Passed|Failed)!" "$results"/*.log || true

passed=0; failed=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$files" -lt "${#projects[@]}" ]; then
  echo "only $files of ${#projects[@]} test projects reported results" >&2
  failed=$((failed + ${#projects[@]} - files))
fi
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then
  # What the machine and the test cluster looked like: a full disk or a crashed backend fails many tests at once.
  df -h "$GM_ROOT" /tmp 2>/dev/null || true
  if [ -n "${GM_PGDATA:-}" ] && [ -f "$GM_PGDATA/server.log" ]; then
    echo "test cluster log, its errors (last 40):"
    grep -E "PANIC|FATAL|terminated by signal|No space left|out of memory|could not (write|extend)" "$GM_PGDATA/server.log" | tail -40 || true
  fi
fi
echo "test time: $(( $(date +%s) - started )) s"
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
