#!/usr/bin/env bash
# Runs GridMap: installs what is missing, starts the private PostGIS cluster, migrates, loads the province and
# 长子县's synthetic population (first run only), starts GeoApi, Tiling and MapPortal, prints the URLs, and stops
# everything on Ctrl-C.
set -euo pipefail
source "$(dirname "$0")/scripts/common.sh"
cd "$GM_ROOT"

PORTAL_PORT="${GRIDMAP_PORTAL_PORT:-8080}"
API_PORT="${GRIDMAP_API_PORT:-8081}"
TILES_PORT="${GRIDMAP_TILES_PORT:-8082}"

gm_install_deps
gm_start_postgres pg "${GRIDMAP_PG_PORT:-55432}"
# Read replicas (issue 20, item 1): GRIDMAP_REPLICAS=N hot standbys; tiles, units, search and OGC reads go to them.
gm_start_standbys "${GRIDMAP_REPLICAS:-0}" "${GRIDMAP_PG_PORT:-55432}"
gm_build Release

BIN=Release/net10.0
dotnet "src/Cli/bin/$BIN/gridmap.dll" db migrate
dotnet "src/Cli/bin/$BIN/gridmap.dll" generate --if-missing
dotnet "src/Cli/bin/$BIN/gridmap.dll" generate people --county 140428 --if-missing
# An urban district too (太原市小店区): moves between counties and an urban grid's density are part of the demo.
dotnet "src/Cli/bin/$BIN/gridmap.dll" generate people --county 140105 --if-missing
dotnet "src/Cli/bin/$BIN/gridmap.dll" generate events --city 1407 --year 2013 --if-missing
# A year of synthetic disputes in 长子县, so the disputes pages and the containment figure are not empty.
dotnet "src/Cli/bin/$BIN/gridmap.dll" generate disputes --county 140428 --if-missing
# 长子县's devolved-service catalogue (every row cited in data/catalogue/SOURCES.md) and a synthetic year of proxy requests.
dotnet "src/Cli/bin/$BIN/gridmap.dll" catalogue load --county 140428 --if-missing
dotnet "src/Cli/bin/$BIN/gridmap.dll" generate proxy --county 140428 --if-missing
dotnet "src/Cli/bin/$BIN/gridmap.dll" accounts demo >/dev/null

pids=()
stop() {
  trap - INT TERM EXIT
  gm_say "stopping GridMap"
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  [ -n "${GRIDMAP_KEEP_DB:-}" ] || gm_stop_postgres
}
trap stop INT TERM EXIT

mkdir -p "$GM_ROOT/.data/logs"
start() { # name project url
  ( cd "src/$2" && exec dotnet "bin/$BIN/GridMap.$2.dll" --urls "$3" ) >"$GM_ROOT/.data/logs/$1.log" 2>&1 &
  pids+=($!)
}
Field__TilesUrl="http://127.0.0.1:$TILES_PORT/" Sms__LogPath="$GM_ROOT/.data/logs/sms.log" start geoapi GeoApi "http://127.0.0.1:$API_PORT"
start tiling Tiling "http://127.0.0.1:$TILES_PORT"
GeoApi__BaseUrl="http://127.0.0.1:$API_PORT/" GeoApi__TilesUrl="http://127.0.0.1:$TILES_PORT/" \
  start portal MapPortal "http://127.0.0.1:$PORTAL_PORT"

for url in "http://127.0.0.1:$API_PORT/health" "http://127.0.0.1:$TILES_PORT/health" "http://127.0.0.1:$PORTAL_PORT/health"; do
  for _ in $(seq 1 120); do curl -fs "$url" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fs "$url" >/dev/null 2>&1 || gm_die "$url did not come up (see .data/logs)"
done

# The living province (issue 19): simulated people report and handle events through the API; GRIDMAP_SIMULATE=0 turns it off.
SIMULATE_NOTE="off (GRIDMAP_SIMULATE=0)"
if [ "${GRIDMAP_SIMULATE:-1}" != 0 ]; then
  open311_key=$(dotnet "src/Cli/bin/$BIN/gridmap.dll" open311 key create --name simulator 2>/dev/null)
  ( GRIDMAP_DB= GRIDMAP_SIMULATE_OPEN311_KEY="$open311_key" exec dotnet "src/Cli/bin/$BIN/gridmap.dll" simulate \
      --api "http://127.0.0.1:$API_PORT" --speed "${GRIDMAP_SIMULATE_SPEED:-1}" --demo-grid 140428203211006 \
      --state "$GM_ROOT/.data/simulate.json" ) >"$GM_ROOT/.data/logs/simulate.log" 2>&1 &
  pids+=($!)
  SIMULATE_NOTE="the province live at ${GRIDMAP_SIMULATE_SPEED:-1}x through the API (log .data/logs/simulate.log; GRIDMAP_SIMULATE=0 turns it off)"
fi

# Backups (issue 20, item 2): GRIDMAP_BACKUP=FOLDER runs `gridmap backup`, the continuous WAL archive (pg_receivewal from a
# replication slot) into FOLDER/wal with a base backup into FOLDER/base at start; `gridmap restore` restores to any time
# since. Schedule further base backups with `gridmap backup --into FOLDER --base-only` (README, "Backups").
BACKUP_NOTE="off (GRIDMAP_BACKUP=FOLDER archives WAL and takes a base backup)"
if [ -n "${GRIDMAP_BACKUP:-}" ]; then
  mkdir -p "$GRIDMAP_BACKUP"
  ( exec dotnet "src/Cli/bin/$BIN/gridmap.dll" backup --into "$GRIDMAP_BACKUP" ) >"$GM_ROOT/.data/logs/backup.log" 2>&1 &
  pids+=($!)
  BACKUP_NOTE="archiving WAL into $GRIDMAP_BACKUP (log .data/logs/backup.log; restore: gridmap restore --from $GRIDMAP_BACKUP --to TIME --into DIR)"
fi

# Monitoring (issue 20, item 4): GRIDMAP_MONITOR=1 also starts Debian's prometheus, scraping the three hosts' /metrics
# with GridMap's alert rules (deploy/prometheus/gridmap-alerts.yml), its data in .data/prometheus.
MONITOR_NOTE="off (GRIDMAP_MONITOR=1 starts Prometheus)"
if [ "${GRIDMAP_MONITOR:-0}" = 1 ]; then
  gm_install_packages prometheus
  PROM_PORT="${GRIDMAP_PROMETHEUS_PORT:-9090}"
  mkdir -p "$GM_ROOT/.data/prometheus/data"
  cat > "$GM_ROOT/.data/prometheus/prometheus.yml" <<PROM
global: { scrape_interval: 15s, evaluation_interval: 15s }
rule_files: ["$GM_ROOT/deploy/prometheus/gridmap-alerts.yml"]
scrape_configs:
  - { job_name: gridmap-geoapi, static_configs: [{ targets: ["127.0.0.1:$API_PORT"] }] }
  - { job_name: gridmap-tiling, static_configs: [{ targets: ["127.0.0.1:$TILES_PORT"] }] }
  - { job_name: gridmap-portal, static_configs: [{ targets: ["127.0.0.1:$PORTAL_PORT"] }] }
PROM
  /usr/bin/prometheus --config.file="$GM_ROOT/.data/prometheus/prometheus.yml" --storage.tsdb.path="$GM_ROOT/.data/prometheus/data" \
    --web.listen-address="127.0.0.1:$PROM_PORT" >"$GM_ROOT/.data/logs/prometheus.log" 2>&1 &
  pids+=($!)
  MONITOR_NOTE="http://127.0.0.1:$PROM_PORT/targets   (Prometheus scraping the hosts, alerts at /alerts)"
fi

cat <<MSG

  GridMap is running (synthetic grids inside the real Shanxi county boundaries):
    Map portal   http://127.0.0.1:$PORTAL_PORT/   (sign in: gridmanager / gridmap-demo; every demo account in README.md)
    Field app    http://127.0.0.1:$API_PORT/field/   (grid managers' offline app, phone-sized: gridmanager / gridmap-demo)
    GeoApi       http://127.0.0.1:$API_PORT/api/units/14   (OpenAPI: /openapi/v1.json)
    Tiles        http://127.0.0.1:$TILES_PORT/health
    Database     $GRIDMAP_DB
    Replicas     ${GRIDMAP_DB_READ:-none (GRIDMAP_REPLICAS=N starts N hot standbys for reads)}
    Simulator    $SIMULATE_NOTE
    Monitoring   $MONITOR_NOTE
    Backups      $BACKUP_NOTE
  Logs in .data/logs/ (text messages the demo "sends": .data/logs/sms.log). Press Ctrl-C to stop.

MSG
wait
