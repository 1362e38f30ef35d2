#!/usr/bin/env bash
# Benchmarks with their yardsticks, in one run:
#   ./bench.sh tiles  [--seed] [--only mvt|lowzoom|cached|png|seed] [--duration S] [--pin]
#   ./bench.sh portal [--runs N]
#   ./bench.sh field  [--queued N]
#   ./bench.sh people [--queries N]
#   ./bench.sh intake [--reports N] [--clients C] [--kill]
#   ./bench.sh kpi    [--events N] [--runs N]
#   ./bench.sh register [--changes N] [--writers W] [--county CODE] [--rate R]
#   ./bench.sh simulate [--speed N] [--minutes M]
#   ./bench.sh wall [--open N] [--runs N] | ./bench.sh wall --soak MINUTES [--speed N]
#   ./bench.sh restore [--clients C] [--before S] [--after S]
#   ./bench.sh crash [--reports N] [--clients C] [--down S] [--standby]
# tiles: installs nginx, wrk, MapServer 8 (cgi-mapserver) and spawn-fcgi from Debian, starts the private PostGIS
# cluster (loading the province if needed), a tiling service with its own empty cache, MapServer over FastCGI and
# nginx, then runs `gridmap bench tiles`; --pin gives PostgreSQL (its server and every backend, pgbench's included)
# core 0 and everything else (tiling service, MapServer, nginx, wrk, pgbench's client) core 1, so that service and
# yardstick get the same database capacity instead of sharing two cores with their clients. portal: starts GeoApi,
# tiles and the portal and times them in headless Chromium with `gridmap bench portal`. field: publishes GeoApi (the
# field app trimmed and precompressed, as deployed), runs it from the publish folder and times the field app in
# headless Chromium (`gridmap bench field`: first-visit bytes, first visit over emulated 3G, a later start with the CPU
# 4× throttled, N actions queued offline and synced). people: regenerates 长子县's population (timed), imports a million-row
# department list twice (`gridmap bench import`), starts GeoApi and times locate searches (`gridmap bench people`).
# intake: starts GeoApi and sends reports through Open311 (`gridmap bench intake`: reports/s, p50/p95/p99); with
# --kill the benchmark starts its own GeoApi, kill -9s it mid-burst, restarts it and counts the events in PostgreSQL.
# kpi: copies the province into its own database (gridmap_bench_kpi), loads N (default 4,000,000) synthetic events
# over the whole province, refreshes the KPI rollup and times the KPI report for a province, city, county and township
# (`gridmap bench kpi`). register: loads 长子县's population if missing, starts GeoApi and sends register changes as the
# county's demo account from W (default 32) concurrent writers, each in grids of its own (`gridmap bench register`:
# changes/s, p50/p95/p99, every acknowledged change counted in register_change and the audit chain, and the lag until
# the province's freshness shows a new verification). simulate: starts GeoApi, tiles and the portal, runs `gridmap
# simulate` at --speed (default 100) over the province for --minutes (default 10) with the province's wall display open
# in headless Chromium, and reads every host's latency from its /metrics (`gridmap bench simulate`). wall: starts the
# same hosts, tops the province up to --open (default 5,000) open events through Open311 and times the wall display's
# first frame and its frame rate while dragged (`gridmap bench wall`); with --soak M it instead starts the simulator at
# --speed (default 60) and samples the wall's JS heap and the portal's memory every minute for M minutes. restore: starts
# GeoApi and runs the point-in-time restore drill (`gridmap bench restore`: the continuous WAL archive and a base backup
# while reports flow in through Open311, a time T, more reports, a restore to T into a new cluster on another port, every
# report acknowledged before T found there and none sent after T). crash: starts GeoApi and tiles on the private cluster
# and runs the database crash drill (`gridmap bench crash`: kill -9 of the postmaster during a burst of reports retried
# with their keys, both hosts probed while it is down, the cluster started again, every report counted, both hosts' LISTEN
# connections back); with --standby it instead starts a hot standby (as GRIDMAP_REPLICAS=1 does), reads through both
# hosts from C clients and kills the standby (reads move to the primary and back). Whatever the mode, it stops what it
# started.
set -euo pipefail
source "$(dirname "$0")/scripts/common.sh"
cd "$GM_ROOT"
mode="${1:-}"
case "$mode" in tiles|portal|field|people|intake|kpi|register|simulate|wall|restore|crash) shift ;; *) gm_die "usage: ./bench.sh tiles|portal|field|people|intake|kpi|register|simulate|wall|restore|crash [options of gridmap bench]" ;; esac

# simulate and wall: the simulator's speed and how long it runs are the script's own options.
SIM_SPEED=""; SIM_MINUTES=10; SOAK=""
if [ "$mode" = simulate ] || [ "$mode" = wall ]; then
  args=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --speed) SIM_SPEED="$2"; shift 2 ;;
      --minutes) SIM_MINUTES="$2"; args+=("$1" "$2"); shift 2 ;;
      --soak) SOAK="$2"; args+=("$1" "$2"); shift 2 ;;
      *) args+=("$1"); shift ;;
    esac
  done
  set -- ${args[@]+"${args[@]}"}
fi

# --pin (tiles, register): PostgreSQL on core 0, the rest on core 1 (see above).
PIN=""
if [ "$mode" = tiles ] || [ "$mode" = register ]; then
  args=()
  for a in "$@"; do if [ "$a" = --pin ]; then PIN="taskset -c 1"; else args+=("$a"); fi; done
  set -- ${args[@]+"${args[@]}"}
  [ -z "$PIN" ] || [ "$(nproc)" -ge 2 ] || gm_die "--pin needs two cores"
fi

gm_install_deps
if [ "$mode" = tiles ]; then gm_install_packages nginx wrk cgi-mapserver spawn-fcgi; elif [ "$mode" = portal ] || [ "$mode" = people ] || [ "$mode" = field ] || [ "$mode" = simulate ] || [ "$mode" = wall ]; then gm_install_packages chromium; fi
gm_start_postgres pg "${GRIDMAP_PG_PORT:-55432}"
gm_build Release
CLI="dotnet src/Cli/bin/Release/net10.0/gridmap.dll"
$CLI generate --if-missing

work="$(mktemp -d /tmp/gridmap-bench.XXXXXX)"
chmod 755 "$work"; mkdir -p "$work/static" "$work/nginx"
pids=()
cleanup() {
  set +e
  [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null
  # libfcgi apps finish their accept() before honouring SIGTERM; nothing of theirs needs a clean exit.
  [ -f "$work/fcgi.pid" ] && kill -9 $(cat "$work/fcgi.pid") 2>/dev/null
  [ ${#pids[@]} -gt 0 ] && { kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null; }
  [ -n "${created_ms_conf:-}" ] && rm -f /etc/mapserver.conf
  rm -rf "$work"
  [ -n "$PIN" ] && pin_postgres "0-$(($(nproc) - 1))"
  # A drill's standby goes again: replaying every later benchmark's writes would load the cores they measure.
  gm_remove_standbys "${GRIDMAP_PG_PORT:-55432}"
  [ -n "${GRIDMAP_KEEP_DB:-}" ] || gm_stop_postgres
}
# pin_postgres CPUS: the server process and its current children; later backends inherit the server's affinity.
pin_postgres() {
  local server; server="$(head -1 "$GM_PGDATA/postmaster.pid")"
  for p in "$server" $(pgrep -P "$server"); do taskset -a -p -c "$1" "$p" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

# Overridable, so that two working trees can benchmark side by side.
TILES_PORT="${GRIDMAP_TILES_PORT:-18082}"; WEB_PORT="${GRIDMAP_WEB_PORT:-18083}"; FCGI_PORT="${GRIDMAP_FCGI_PORT:-18090}"
API_PORT="${GRIDMAP_API_PORT:-18081}"; PORTAL_PORT="${GRIDMAP_PORTAL_PORT:-18080}"

wait_for() { for _ in $(seq 1 120); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.5; done; gm_die "$1 did not come up"; }

if [ "$mode" = kpi ]; then
  $CLI bench kpi "$@"
  exit 0
fi
if [ "$mode" = people ]; then
  gm_say "generating 长子县's population (timed)"
  $CLI generate people --county 140428
  gm_say "importing a 1,000,000-row department list twice"
  $CLI bench import --rows 1000000
  ( cd src/GeoApi && exec dotnet bin/Release/net10.0/GridMap.GeoApi.dll --urls "http://127.0.0.1:$API_PORT" ) >"$work/geoapi.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$API_PORT/health"
  $CLI bench people --geoapi "http://127.0.0.1:$API_PORT" "$@"
  exit 0
fi
if [ "$mode" = field ]; then
  # As deployed: GeoApi published (the field app trimmed, its files precompressed), run from the publish folder.
  gm_say "publishing GeoApi with the field app (Release)"
  dotnet publish src/GeoApi -c Release -o "$work/geoapi" --nologo -v quiet >"$work/publish.log" 2>&1 || { cat "$work/publish.log"; gm_die "publish failed"; }
  $CLI accounts demo >/dev/null
  # The tiling service too: the app keeps its grid's tiles and draws them (Field:TilesUrl).
  ( cd src/Tiling && exec dotnet bin/Release/net10.0/GridMap.Tiling.dll --urls "http://127.0.0.1:$TILES_PORT" --Tiling:CacheDirectory="$work/tiles" \
      --Logging:LogLevel:Default=Warning ) >"$work/tiling.log" 2>&1 &
  pids+=($!)
  ( cd "$work/geoapi" && exec dotnet GridMap.GeoApi.dll --urls "http://127.0.0.1:$API_PORT" --Logging:LogLevel:Default=Warning \
      --Field:TilesUrl "http://127.0.0.1:$TILES_PORT" ) >"$work/geoapi.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$API_PORT/health"
  wait_for "http://127.0.0.1:$TILES_PORT/health"
  $CLI bench field --geoapi "http://127.0.0.1:$API_PORT" "$@"
  exit 0
fi
if [ "$mode" = register ]; then
  $CLI generate people --county 140428 --if-missing
  if [ -n "$PIN" ]; then
    [ -n "${GM_PGDATA:-}" ] || gm_die "--pin needs the private cluster (unset GRIDMAP_DB)"
    pin_postgres 0
    gm_say "pinned: PostgreSQL on core 0; GeoApi and the benchmark's writers on core 1"
  fi
  ( cd src/GeoApi && exec $PIN dotnet bin/Release/net10.0/GridMap.GeoApi.dll --urls "http://127.0.0.1:$API_PORT" --Logging:LogLevel:Default=Warning ) >"$work/geoapi.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$API_PORT/health"
  $PIN $CLI bench register --geoapi "http://127.0.0.1:$API_PORT" "$@"
  exit 0
fi
if [ "$mode" = restore ]; then
  ( cd src/GeoApi && exec dotnet bin/Release/net10.0/GridMap.GeoApi.dll --urls "http://127.0.0.1:$API_PORT" --Logging:LogLevel:Default=Warning ) >"$work/geoapi.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$API_PORT/health"
  $CLI bench restore --geoapi "http://127.0.0.1:$API_PORT" --work "$work/restore" "$@"
  exit 0
fi
if [ "$mode" = crash ]; then
  [ -n "${GM_PGDATA:-}" ] || gm_die "the crash drill kills and restarts the private cluster: unset GRIDMAP_DB"
  crash_args=()
  for a in "$@"; do
    if [ "$a" = --standby ]; then
      gm_start_standbys 1 "${GRIDMAP_PG_PORT:-55432}"
      crash_args+=(--standby-pgdata "${GM_STANDBYS# }")
    else crash_args+=("$a"); fi
  done
  set -- ${crash_args[@]+"${crash_args[@]}"}
  ( cd src/GeoApi && exec dotnet bin/Release/net10.0/GridMap.GeoApi.dll --urls "http://127.0.0.1:$API_PORT" --Logging:LogLevel:Default=Warning ) >"$work/geoapi.log" 2>&1 &
  pids+=($!)
  ( cd src/Tiling && exec dotnet bin/Release/net10.0/GridMap.Tiling.dll --urls "http://127.0.0.1:$TILES_PORT" --Tiling:CacheDirectory="$work/tiles" \
      --Logging:LogLevel:Default=Warning ) >"$work/tiling.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$API_PORT/health"
  wait_for "http://127.0.0.1:$TILES_PORT/health"
  $CLI bench crash --geoapi "http://127.0.0.1:$API_PORT" --tiles "http://127.0.0.1:$TILES_PORT" --pgdata "$GM_PGDATA" "$@"
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || gm_die "a host died in the drill (GeoApi or tiles; logs in $work)"; done
  exit 0
fi
if [ "$mode" = intake ]; then
  if [[ " $* " == *" --kill "* ]]; then
    $CLI bench intake "$@"
    exit 0
  fi
  ( cd src/GeoApi && exec dotnet bin/Release/net10.0/GridMap.GeoApi.dll --urls "http://127.0.0.1:$API_PORT" --Logging:LogLevel:Default=Warning ) >"$work/geoapi.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$API_PORT/health"
  $CLI bench intake --geoapi "http://127.0.0.1:$API_PORT" "$@"
  exit 0
fi
if [ "$mode" = simulate ] || [ "$mode" = wall ]; then
  $CLI accounts demo >/dev/null
  ( cd src/GeoApi && exec dotnet bin/Release/net10.0/GridMap.GeoApi.dll --urls "http://127.0.0.1:$API_PORT" --Logging:LogLevel:Default=Warning ) >"$work/geoapi.log" 2>&1 &
  pids+=($!)
  ( cd src/Tiling && exec dotnet bin/Release/net10.0/GridMap.Tiling.dll --urls "http://127.0.0.1:$TILES_PORT" --Tiling:CacheDirectory="$work/tiles" \
      --Logging:LogLevel:Default=Warning ) >"$work/tiling.log" 2>&1 &
  pids+=($!)
  ( cd src/MapPortal && exec dotnet bin/Release/net10.0/GridMap.MapPortal.dll --urls "http://127.0.0.1:$PORTAL_PORT" --Logging:LogLevel:Default=Warning \
      --GeoApi:BaseUrl="http://127.0.0.1:$API_PORT/" --GeoApi:TilesUrl="http://127.0.0.1:$TILES_PORT/" ) >"$work/portal.log" 2>&1 &
  portal_pid=$!
  pids+=($portal_pid)
  for port in $API_PORT $TILES_PORT $PORTAL_PORT; do wait_for "http://127.0.0.1:$port/health"; done
  hosts=(--geoapi "http://127.0.0.1:$API_PORT" --portal "http://127.0.0.1:$PORTAL_PORT")
  # The simulator and Chromium stand for clients on machines of their own: on this one they run at the lowest priority
  # (nice 19), so the hosts and PostgreSQL are measured with the cores they would have, not sharing them with a browser.
  start_simulator() { # speed, simulated hours
    local key; key=$($CLI open311 key create --name bench-simulator 2>/dev/null)
    ( GRIDMAP_DB= GRIDMAP_SIMULATE_OPEN311_KEY="$key" exec nice -n 19 $CLI simulate --api "http://127.0.0.1:$API_PORT" --speed "$1" --hours "$2" \
        --state "$work/simulate.json" ) >"$work/simulate.log" 2>&1 &
    pids+=($!)
  }
  if [ "$mode" = simulate ]; then
    speed="${SIM_SPEED:-100}"
    start_simulator "$speed" "$(awk -v s="$speed" -v m="$SIM_MINUTES" 'BEGIN { print s * (m + 2) / 60 }')"
    nice -n 19 $CLI bench simulate "${hosts[@]}" --tiles "http://127.0.0.1:$TILES_PORT" "$@"
  elif [ -n "$SOAK" ]; then
    speed="${SIM_SPEED:-60}"
    start_simulator "$speed" "$(awk -v s="$speed" -v m="$SOAK" 'BEGIN { print s * (m + 5) / 60 }')"
    $CLI bench wall "${hosts[@]}" --portal-pid "$portal_pid" "$@"
  else
    $CLI bench wall "${hosts[@]}" "$@"
  fi
  if [ -f "$work/simulate.log" ]; then
    echo "the simulator, last progress line: $(grep -E 'reported [0-9]+' "$work/simulate.log" | tail -1)"
  fi
  # The tiles behind the tiling service's p99 (Tiling:SlowTileMilliseconds, 200 ms).
  slow="$(grep -A1 "SlowTiles" "$work/tiling.log" | grep -o "Slow tile: .*" || true)"
  [ -z "$slow" ] || { echo "tiles drawn slower than 200 ms:"; echo "$slow" | tail -10 | sed 's/^/  /'; }
  exit 0
fi
if [ "$mode" = portal ]; then
  ( cd src/GeoApi && exec dotnet bin/Release/net10.0/GridMap.GeoApi.dll --urls "http://127.0.0.1:$API_PORT" ) >"$work/geoapi.log" 2>&1 &
  pids+=($!)
  ( cd src/Tiling && exec dotnet bin/Release/net10.0/GridMap.Tiling.dll --urls "http://127.0.0.1:$TILES_PORT" --Tiling:CacheDirectory="$work/tiles" ) >"$work/tiling.log" 2>&1 &
  pids+=($!)
  ( cd src/MapPortal && exec dotnet bin/Release/net10.0/GridMap.MapPortal.dll --urls "http://127.0.0.1:$PORTAL_PORT" \
      --GeoApi:BaseUrl="http://127.0.0.1:$API_PORT/" --GeoApi:TilesUrl="http://127.0.0.1:$TILES_PORT/" ) >"$work/portal.log" 2>&1 &
  pids+=($!)
  for port in $API_PORT $TILES_PORT $PORTAL_PORT; do wait_for "http://127.0.0.1:$port/health"; done
  $CLI bench portal --url "http://127.0.0.1:$PORTAL_PORT" --geoapi "http://127.0.0.1:$API_PORT" "$@"
  exit 0
fi
pg_host=127.0.0.1; pg_port="${GRIDMAP_PG_PORT:-55432}"

# MapServer 8: the same grids table and a comparable style (staffed / vacant fill, outline).
cat > "$work/grids.map" <<MAPFILE
MAP
  NAME "gridmap"
  EXTENT -20037508.34 -20037508.34 20037508.34 20037508.34
  SIZE 256 256
  UNITS METERS
  PROJECTION "init=epsg:3857" END
  IMAGETYPE "png"
  OUTPUTFORMAT
    NAME "png" DRIVER "AGG/PNG" MIMETYPE "image/png" IMAGEMODE RGBA EXTENSION "png"
  END
  OUTPUTFORMAT
    NAME "mvt" DRIVER "MVT" FORMATOPTION "EXTENT=4096" FORMATOPTION "EDGE_BUFFER=64"
  END
  LAYER
    NAME "grids"
    TYPE POLYGON
    STATUS ON
    CONNECTIONTYPE POSTGIS
    CONNECTION "host=$pg_host port=$pg_port dbname=gridmap user=gridmap password=gridmap"
    DATA "geom_3857 from (select g.code, g.village_code, g.area_m2, g.geom_3857, case when m.grid_code is null then 'vacant' else 'staffed' end as status from grid g left join grid_manager m on m.grid_code = g.code) as t using unique code using srid=3857"
    PROJECTION "init=epsg:3857" END
    METADATA "gml_include_items" "all" "gml_types" "auto" END
    CLASSITEM "status"
    CLASS
      EXPRESSION "vacant"
      STYLE COLOR 243 165 156 END
      STYLE OUTLINECOLOR 111 143 181 WIDTH 0.6 END
    END
    CLASS
      STYLE COLOR 223 233 245 END
      STYLE OUTLINECOLOR 111 143 181 WIDTH 0.6 END
    END
  END
END
MAPFILE
# Debian's MapServer 8.0.0 reads its configuration only from /etc/mapserver.conf (no MS_CONFIG_FILE): write one
# for the run when there is none, and remove it afterwards; an existing one is left alone and must name GRIDS.
ms_conf=/etc/mapserver.conf
if [ ! -e "$ms_conf" ]; then created_ms_conf=1; else created_ms_conf=""; ms_conf="$work/mapserver.conf"; fi
cat > "$ms_conf" <<CONF
CONFIG
  ENV
    MS_MAPFILE "$work/grids.map"
  END
  MAPS
    GRIDS "$work/grids.map"
  END
END
CONF
if [ -n "$PIN" ]; then
  [ -n "${GM_PGDATA:-}" ] || gm_die "--pin needs the private cluster (unset GRIDMAP_DB)"
  pin_postgres 0
  gm_say "pinned: PostgreSQL on core 0; tiling service, MapServer, nginx and the benchmark's clients on core 1"
fi
$PIN spawn-fcgi -a 127.0.0.1 -p "$FCGI_PORT" -F 2 -u www-data -g www-data -P "$work/fcgi.pid" -- /usr/lib/cgi-bin/mapserv >/dev/null

cat > "$work/nginx/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  open_file_cache max=100;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  types { application/vnd.mapbox-vector-tile mvt; }
  server {
    listen 127.0.0.1:$WEB_PORT;
    location /static/ { alias $work/static/; }
    location /mapserv {
      include /etc/nginx/fastcgi_params;
      fastcgi_pass 127.0.0.1:$FCGI_PORT;
    }
  }
}
NGINX
$PIN nginx -c "$work/nginx/nginx.conf"

( cd src/Tiling && exec $PIN dotnet bin/Release/net10.0/GridMap.Tiling.dll --urls "http://127.0.0.1:$TILES_PORT" \
    --Tiling:CacheDirectory="$work/tiles" --Tiling:AllowCacheAdmin=true ) >"$work/tiling.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$TILES_PORT/health"

$PIN $CLI bench tiles --url "http://127.0.0.1:$TILES_PORT" --static-dir "$work/static" --static-url "http://127.0.0.1:$WEB_PORT/static" \
  --mapserver-url "http://127.0.0.1:$WEB_PORT/mapserv?map=GRIDS" "$@"
