# Shared by run.sh and test.sh: install what is missing, start the private PostGIS cluster, build.
# Sourced, not executed. Everything here is idempotent.

GM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GM_PGBIN="/usr/lib/postgresql/15/bin"

gm_say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
gm_die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

gm_sudo() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    gm_die "need root to run: $* (install it, or run as root)"; fi
}

# Debian packages GridMap needs; only what is missing is installed.
gm_install_packages() {
  local wanted=("$@") missing=() p
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  gm_say "installing Debian packages: ${missing[*]}"
  gm_sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  gm_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

gm_install_deps() {
  command -v dotnet >/dev/null || gm_die "the .NET SDK is required (dotnet on PATH)"
  gm_install_packages postgresql-15 postgresql-15-postgis-3 postgresql-contrib fonts-noto-cjk
}

# Tests also read tiles and OGC API with GDAL (an independent client), drive the portal in Debian's Chromium, and check
# the alert rules with Prometheus's promtool.
gm_install_test_deps() {
  gm_install_deps
  gm_install_packages gdal-bin chromium prometheus
}

# Runs a PostgreSQL binary as the cluster owner: postgres refuses to run as root.
gm_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The private cluster's data folder: .data/<name> in the working tree (or $GRIDMAP_DATA), unless the
# postgres account cannot reach the tree (a checkout under /root), then a folder under /var/tmp.
gm_data_dir() {
  local name="$1" base="${GRIDMAP_DATA:-$GM_ROOT/.data}"
  mkdir -p "$base"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$base" 2>/dev/null; then
    base="/var/tmp/gridmap-$(printf '%s' "$GM_ROOT" | md5sum | cut -c1-10)"
    mkdir -p "$base"
  fi
  printf '%s/%s' "$base" "$name"
}

# The private clusters' server options, on the command line (a standby must not have a lower max_connections than its
# primary, so both start from this one line).
GM_PG_OPTIONS="-c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c shared_buffers=256MB -c max_connections=200 -c work_mem=32MB -c maintenance_work_mem=256MB"

# gm_start_postgres NAME PORT: start (creating if needed) a private cluster on 127.0.0.1:PORT and export
# GRIDMAP_DB for database "gridmap". With GRIDMAP_DB already set, use that server and start nothing.
gm_start_postgres() {
  local name="$1" port="$2"
  if [ -n "${GRIDMAP_DB:-}" ] && [ -z "${GM_OWN_CLUSTER:-}" ]; then
    gm_say "using the database in GRIDMAP_DB"
    return 0
  fi
  GM_PGDATA="$(gm_data_dir "$name")"
  export GM_PGDATA
  if [ ! -f "$GM_PGDATA/PG_VERSION" ]; then
    gm_say "creating a private PostgreSQL cluster in $GM_PGDATA"
    rm -rf "$GM_PGDATA"; mkdir -p "$GM_PGDATA"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$GM_PGDATA"
    local pwfile; pwfile="$(mktemp)"; echo gridmap > "$pwfile"; chmod 644 "$pwfile"
    gm_pg "$GM_PGBIN/initdb" -D "$GM_PGDATA" -U gridmap --pwfile="$pwfile" --auth-host=scram-sha-256 \
      --auth-local=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
  fi
  if gm_pg "$GM_PGBIN/pg_ctl" -D "$GM_PGDATA" status >/dev/null 2>&1; then
    gm_say "PostgreSQL already running from $GM_PGDATA"
  else
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      gm_die "port $port is taken by another server; set GRIDMAP_PG_PORT to a free port"
    fi
    gm_say "starting PostgreSQL 15 + PostGIS on 127.0.0.1:$port"
    gm_pg "$GM_PGBIN/pg_ctl" -D "$GM_PGDATA" -l "$GM_PGDATA/server.log" -w -t 60 start \
      -o "-p $port $GM_PG_OPTIONS" >/dev/null \
      || { tail -20 "$GM_PGDATA/server.log" >&2; gm_die "PostgreSQL did not start"; }
  fi
  export GRIDMAP_DB="Host=127.0.0.1;Port=$port;Username=gridmap;Password=gridmap;Database=gridmap"
  export GM_OWN_CLUSTER=1
}

gm_stop_postgres() {
  local standby
  for standby in ${GM_STANDBYS:-}; do gm_pg "$GM_PGBIN/pg_ctl" -D "$standby" -m fast -w stop >/dev/null 2>&1 || true; done
  [ -n "${GM_PGDATA:-}" ] && gm_pg "$GM_PGBIN/pg_ctl" -D "$GM_PGDATA" -m fast -w stop >/dev/null 2>&1 || true
}

# gm_remove_standbys PRIMARY_PORT: stops the standbys this script started, deletes them and drops their slots (a slot
# nobody reads from would keep the primary's WAL for ever).
gm_remove_standbys() {
  local dir slot
  for dir in ${GM_STANDBYS:-}; do
    gm_pg "$GM_PGBIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    slot="gridmap_standby_${dir##*-}"
    gm_pg env PGPASSWORD=gridmap "$GM_PGBIN/psql" -h 127.0.0.1 -p "$1" -U gridmap -d postgres -Atqc \
      "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '$slot' AND NOT active" >/dev/null 2>&1 || true
    rm -rf "$dir"
  done
  GM_STANDBYS=""
}

# gm_start_standbys N PRIMARY_PORT: N hot standbys of the private cluster by PostgreSQL's streaming replication
# (pg_basebackup -R with a replication slot each, so the primary keeps the WAL a standby has not received), on ports
# PRIMARY_PORT+11 … +N; exports GRIDMAP_DB_READ, the hosts' multi-host read connection string (ReadReplicas).
gm_start_standbys() {
  local n="$1" primary="$2" i dir port slot hosts=""
  [ "$n" -gt 0 ] || return 0
  [ -n "${GM_PGDATA:-}" ] || gm_die "GRIDMAP_REPLICAS needs the private cluster (unset GRIDMAP_DB)"
  GM_STANDBYS=""
  for i in $(seq 1 "$n"); do
    dir="$(gm_data_dir "pg-standby-$i")"; port=$((primary + 10 + i)); slot="gridmap_standby_$i"
    if [ ! -f "$dir/PG_VERSION" ]; then
      gm_say "creating hot standby $i (pg_basebackup -R, slot $slot) in $dir"
      gm_pg env PGPASSWORD=gridmap "$GM_PGBIN/psql" -h 127.0.0.1 -p "$primary" -U gridmap -d postgres -Atqc \
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '$slot' AND NOT active" >/dev/null
      rm -rf "$dir"; mkdir -p "$dir"; chmod 700 "$dir"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
      gm_pg env PGPASSWORD=gridmap "$GM_PGBIN/pg_basebackup" -h 127.0.0.1 -p "$primary" -U gridmap -D "$dir" \
        --write-recovery-conf --wal-method=stream --create-slot --slot="$slot" --checkpoint=fast \
        || gm_die "pg_basebackup for standby $i failed"
    fi
    if ! gm_pg "$GM_PGBIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
      gm_say "starting hot standby $i on 127.0.0.1:$port"
      gm_pg "$GM_PGBIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 120 start \
        -o "-p $port $GM_PG_OPTIONS" >/dev/null \
        || { tail -20 "$dir/server.log" >&2; gm_die "standby $i did not start"; }
    fi
    GM_STANDBYS="$GM_STANDBYS $dir"; hosts="$hosts${hosts:+,}127.0.0.1:$port"
  done
  export GM_STANDBYS
  export GRIDMAP_DB_READ="Host=$hosts;Username=gridmap;Password=gridmap;Database=gridmap"
}

# Browser libraries for the portal and the field app (OpenLayers, ECharts), from npm into wwwroot/lib; before the build, which fingerprints them.
gm_web_assets() {
  command -v npm >/dev/null || gm_die "Node.js and npm are required (the portal's OpenLayers comes from npm)"
  if [ ! -f "$GM_ROOT/src/MapShared/wwwroot/lib/ol/ol.js" ] || [ ! -f "$GM_ROOT/src/MapPortal/wwwroot/lib/echarts/echarts.min.js" ] || [ "$GM_ROOT/package-lock.json" -nt "$GM_ROOT/node_modules/.package-lock.json" ]; then
    gm_say "installing the portal's browser libraries (npm ci)"
    ( cd "$GM_ROOT" && npm ci --no-audit --no-fund >/dev/null ) || gm_die "npm ci failed"
  fi
}

gm_build() {
  gm_web_assets
  gm_say "building GridMap ($1)"
  dotnet build "$GM_ROOT/GridMap.sln" -c "$1" -nologo -clp:ErrorsOnly -v:q || gm_die "build failed"
}
