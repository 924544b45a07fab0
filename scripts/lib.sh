# Shared shell functions for bizon's scripts (source this file; it changes no shell options).
#   ensure_bun, ensure_deps [root]      Bun (npm package bun@BIZON_BUN_VERSION) and node_modules
#   ensure_nats_server, ensure_postgres install the Debian packages when missing (apt-get, as root)
#   start_nats, start_pg [fast]         throwaway servers on free loopback ports in temp dirs; export
#                                       BIZON_TEST_NATS_URL/_DIR/_PORT and BIZON_TEST_PG_URL/_DIR/_BIN/_PORT
#   stop_nats, stop_pg, stop_services   stop them and remove their temp dirs
# The machine's own services (PostgreSQL on 5432, NATS on 4222) are never used or touched.
# Everything logs to stderr, so stdout stays free for what a script prints as its result.
# The restart recipe lives in the temp dirs (nats.conf, postgresql.conf include), so fault tests
# (tests/helpers/services.ts) can stop and start the very same servers from the env vars alone.

BIZON_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
BIZON_BUN_VERSION=1.4.5
# Where Bun goes when the global npm folder is not writable.
BIZON_TOOLS_PREFIX=${BIZON_TOOLS_PREFIX:-${XDG_DATA_HOME:-${HOME:-/tmp}/.local/share}/bizon/npm}

bizon_log() { printf 'bizon: %s\n' "$*" >&2; }

# Runs a command as root: directly when we are root, else through sudo when there is one.
_as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    bizon_log "needs root to run: $*. Run it as root, or install the package yourself."
    return 1
  fi
}

_apt_install() {
  bizon_log "installing $* (apt-get)"
  _as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
    _as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# True when every path (or its nearest existing parent) is writable.
_writable() {
  local d
  for d in "$@"; do
    while [ ! -e "$d" ]; do d=$(dirname "$d"); done
    [ -w "$d" ] || return 1
  done
}

ensure_bun() {
  if ! command -v bun >/dev/null 2>&1 && [ -x "$BIZON_TOOLS_PREFIX/bin/bun" ]; then
    export PATH="$BIZON_TOOLS_PREFIX/bin:$PATH"
  fi
  command -v bun >/dev/null 2>&1 && return 0
  if ! command -v npm >/dev/null 2>&1; then
    bizon_log "Bun is missing and so is npm. Install Node.js with npm (or Bun $BIZON_BUN_VERSION), then retry."
    return 1
  fi
  local npm_args=(install --global --no-fund --no-audit --loglevel=error "bun@$BIZON_BUN_VERSION")
  local global
  global=$(npm prefix --global 2>/dev/null || true)
  bizon_log "installing Bun $BIZON_BUN_VERSION from npm"
  if [ -n "$global" ] && _writable "$global/lib/node_modules" "$global/bin" && npm "${npm_args[@]}" >&2; then
    hash -r
    command -v bun >/dev/null 2>&1 || export PATH="$global/bin:$PATH"
  else
    bizon_log "the global npm folder is not writable: installing Bun into $BIZON_TOOLS_PREFIX"
    npm "${npm_args[@]}" --prefix "$BIZON_TOOLS_PREFIX" >&2 || return 1
    export PATH="$BIZON_TOOLS_PREFIX/bin:$PATH"
  fi
  hash -r
  command -v bun >/dev/null 2>&1 || { bizon_log "Bun was installed but 'bun' is still not on PATH."; return 1; }
}

# Installs node_modules from bun.lock when missing or older than package.json / bun.lock.
ensure_deps() {
  local root=${1:-$BIZON_ROOT}
  if [ -d "$root/node_modules" ] && [ ! "$root/package.json" -nt "$root/node_modules" ] &&
    [ ! "$root/bun.lock" -nt "$root/node_modules" ]; then
    return 0
  fi
  bizon_log "installing dependencies (bun install --frozen-lockfile)"
  (cd "$root" && bun install --frozen-lockfile >&2) || return 1
  # bun may leave the folder's mtime alone when nothing changed; mark it up to date.
  mkdir -p "$root/node_modules" && touch "$root/node_modules"
}

ensure_nats_server() {
  # Debian puts it in /usr/sbin, which a normal user's PATH may lack.
  command -v nats-server >/dev/null 2>&1 && return 0
  [ -x /usr/sbin/nats-server ] || _apt_install nats-server || return 1
  command -v nats-server >/dev/null 2>&1 || export PATH="$PATH:/usr/sbin"
}

# Headless Chromium for the status page tests (Debian's package; never a downloaded browser build).
ensure_chromium() {
  [ -x /usr/bin/chromium ] || _apt_install chromium || return 1
}

_pg_bin() {
  local d found=
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && found=$d
  done
  printf '%s' "$found"
}

# Sets PG_BIN to the newest /usr/lib/postgresql/*/bin, installing PostgreSQL when there is none.
ensure_postgres() {
  PG_BIN=$(_pg_bin)
  if [ -z "$PG_BIN" ]; then
    _apt_install postgresql || return 1
    PG_BIN=$(_pg_bin)
  fi
  [ -n "$PG_BIN" ] || { bizon_log "PostgreSQL was installed but no /usr/lib/postgresql/*/bin/initdb was found."; return 1; }
}

_free_port() {
  bun -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close() })'
}

# A process that exited but is not reaped yet (its parent may be a slow init) counts as gone.
_alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" != Z ]
}

# Waits up to ~10 s for a line in a log; fails early when the process is gone.
_wait_for_log() {
  local log=$1 text=$2 pid=$3 _
  for _ in $(seq 1 100); do
    grep -q "$text" "$log" 2>/dev/null && return 0
    _alive "$pid" || return 1
    sleep 0.1
  done
  return 1
}

start_nats() {
  ensure_nats_server || return 1
  local dir port pid attempt
  dir=$(mktemp -d "${TMPDIR:-/tmp}/bizon-nats.XXXXXX")
  for attempt in 1 2 3; do
    port=$(_free_port)
    # max_file_store: JetStream would otherwise claim 75 % of the disk.
    cat >"$dir/nats.conf" <<EOF
listen: "127.0.0.1:$port"
jetstream { store_dir: "$dir", max_memory_store: 512MB, max_file_store: 4GB }
log_file: "$dir/server.log"
pid_file: "$dir/nats.pid"
EOF
    : >"$dir/server.log"
    nats-server -c "$dir/nats.conf" </dev/null >/dev/null 2>&1 &
    pid=$!
    disown "$pid" 2>/dev/null || true # no "Killed" job notice when a fault test kills it
    if _wait_for_log "$dir/server.log" 'Server is ready' "$pid"; then
      export BIZON_TEST_NATS_URL="nats://127.0.0.1:$port" BIZON_TEST_NATS_DIR=$dir BIZON_TEST_NATS_PORT=$port
      bizon_log "NATS ready at $BIZON_TEST_NATS_URL (store $dir)"
      return 0
    fi
    kill "$pid" 2>/dev/null || true
    grep -q 'address already in use' "$dir/server.log" || break  # a port race is the only retryable failure
  done
  bizon_log "nats-server did not start (attempt $attempt):"
  cat "$dir/server.log" >&2
  rm -rf "$dir"
  return 1
}

# Runs a PostgreSQL tool as the data dir's owner: initdb refuses root, so root goes through user postgres.
_as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# start_pg [fast]: "fast" turns off fsync, synchronous_commit and full_page_writes (speed, not for
# crash or durability tests: a committed row may be lost when PostgreSQL is killed). Default: stock durable settings.
start_pg() {
  local mode=${1:-durable} dir port attempt
  case $mode in fast | durable) ;; *) bizon_log "start_pg: unknown mode '$mode' (use fast or durable)"; return 1 ;; esac
  ensure_postgres || return 1
  if [ "$(id -u)" = 0 ]; then
    # /tmp, not $TMPDIR: user postgres must be able to reach the folder.
    dir=$(mktemp -d /tmp/bizon-pg.XXXXXX)
    chown postgres:postgres "$dir"
  else
    dir=$(mktemp -d "${TMPDIR:-/tmp}/bizon-pg.XXXXXX")
  fi
  if ! _as_pg "$PG_BIN/initdb" -D "$dir" -U postgres -A trust -E UTF8 --no-sync >"$dir.initdb.log" 2>&1; then
    bizon_log "initdb failed:"
    cat "$dir.initdb.log" >&2
    rm -rf "$dir" "$dir.initdb.log"
    return 1
  fi
  rm -f "$dir.initdb.log"
  echo "include 'bizon-test.conf'" | _as_pg tee -a "$dir/postgresql.conf" >/dev/null
  for attempt in 1 2 3; do
    port=$(_free_port)
    {
      echo "port = $port"
      echo "listen_addresses = '127.0.0.1'"
      echo "unix_socket_directories = '$dir'"
      echo "max_connections = 200"
      if [ "$mode" = fast ]; then printf '%s\n' 'fsync = off' 'synchronous_commit = off' 'full_page_writes = off'; fi
    } | _as_pg tee "$dir/bizon-test.conf" >/dev/null
    if _as_pg "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >/dev/null 2>&1; then
      if ! _as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres bizon >&2; then
        BIZON_TEST_PG_DIR=$dir BIZON_TEST_PG_BIN=$PG_BIN stop_pg
        return 1
      fi
      export BIZON_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/bizon" BIZON_TEST_PG_DIR=$dir \
        BIZON_TEST_PG_BIN=$PG_BIN BIZON_TEST_PG_PORT=$port
      bizon_log "PostgreSQL ready at $BIZON_TEST_PG_URL ($mode, data $dir)"
      return 0
    fi
    grep -q 'could not bind' "$dir/server.log" 2>/dev/null || break
  done
  bizon_log "PostgreSQL did not start (attempt $attempt):"
  cat "$dir/server.log" >&2 2>/dev/null || true
  rm -rf "$dir"
  return 1
}

stop_nats() {
  local dir=${BIZON_TEST_NATS_DIR:-} pid _
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  # Read the pid file: a fault test may have restarted the server as another process.
  pid=$(cat "$dir/nats.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 100); do _alive "$pid" || break; sleep 0.05; done
    if _alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -rf "$dir"
  unset BIZON_TEST_NATS_URL BIZON_TEST_NATS_DIR BIZON_TEST_NATS_PORT
}

stop_pg() {
  local dir=${BIZON_TEST_PG_DIR:-} bin=${BIZON_TEST_PG_BIN:-}
  [ -n "$dir" ] && [ -f "$dir/PG_VERSION" ] || return 0
  [ -f "$dir/postmaster.pid" ] && { _as_pg "$bin/pg_ctl" -D "$dir" -m fast -w -t 30 stop >/dev/null 2>&1 ||
    _as_pg "$bin/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null 2>&1 || true; }
  rm -rf "$dir"
  unset BIZON_TEST_PG_URL BIZON_TEST_PG_DIR BIZON_TEST_PG_BIN BIZON_TEST_PG_PORT
}

stop_services() {
  stop_pg
  stop_nats
}
