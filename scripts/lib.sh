#!/usr/bin/env bash
# Shared pieces of the demo and test scripts: build, a throwaway PostgreSQL
# cluster run as the `postgres` user, and the bundled API simulator.
# Source it; it defines functions and cleans up on exit.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PGBIN=$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)
WORK=""
SIM_PID=""

cleanup() {
  if [ -n "$WORK" ] && [ -f "$WORK/data/postmaster.pid" ]; then
    as_postgres "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; fi
  if [ -n "$WORK" ] && [ -z "${KEEP_WORK:-}" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

# PostgreSQL refuses to run as root: run its programs as `postgres`.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

build_and_install() {
  echo "== building and installing the extension"
  make -C "$ROOT" -j"$(nproc)" -s
  if [ "$(id -u)" -eq 0 ]; then
    make -C "$ROOT" -s install
  else
    sudo make -C "$ROOT" -s install
  fi
}

# Starts the simulator on a free loopback port; sets SIM_URL and SIMCTL.
start_simulator() {
  mkdir -p "$WORK"
  python3 "$ROOT/test/simulator/sim.py" --port 0 --log-file "$WORK/sim-requests.log" >"$WORK/sim.out" 2>&1 &
  SIM_PID=$!
  for _ in $(seq 1 100); do
    if grep -q "listening on" "$WORK/sim.out" 2>/dev/null; then break; fi
    sleep 0.1
  done
  local port
  port=$(grep -o "listening on [0-9]*" "$WORK/sim.out" | grep -o "[0-9]*$" | head -1)
  [ -n "$port" ] || { echo "simulator did not start:"; cat "$WORK/sim.out"; exit 1; }
  export SIM_URL="http://127.0.0.1:$port"
  export SIMCTL="python3 $ROOT/test/simulator/simctl.py"
  echo "== simulator listening at $SIM_URL"
}

# Starts a throwaway cluster (C locale, UTF-8) on a Unix socket in $WORK.
start_cluster() {
  mkdir -p "$WORK"
  chmod 755 "$WORK"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$WORK"; fi
  as_postgres "$PGBIN/initdb" -D "$WORK/data" --no-locale -E UTF8 --auth=trust -U postgres >"$WORK/initdb.log" 2>&1 \
    || { cat "$WORK/initdb.log"; exit 1; }
  local port=$((20000 + RANDOM % 20000))
  as_postgres "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/postgres.log" -w \
    -o "-p $port -k $WORK -c listen_addresses='' ${PG_EXTRA_OPTS:-}" start >/dev/null \
    || { cat "$WORK/postgres.log"; exit 1; }
  export PGHOST="$WORK" PGPORT="$port" PGUSER=postgres PGDATABASE=postgres
  echo "== throwaway cluster on port $port (socket in $WORK)"
}

new_workdir() {
  WORK=$(mktemp -d /tmp/commerce_fdw.XXXXXX)
  chmod 755 "$WORK"
}
